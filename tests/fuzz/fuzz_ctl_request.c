// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the JSON lines snetd takes from peers: control-socket
 * requests, and the remote decision server's replies.
 */
#include <stdint.h>

#include "ctl_proto.h"
#include "remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req;
	struct decision d;
	char err[512];

	ctl_request_parse((const char *)data, size, &req, err, sizeof(err));
	remote_parse_reply((const char *)data, size, 5, &d, err, sizeof(err));
	return 0;
}
