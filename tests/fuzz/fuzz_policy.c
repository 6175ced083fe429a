// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the policy language (parse, then match and re-write). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"

static void match_some(const struct policy *p, const uint8_t *data, size_t size)
{
	struct snet_event ev;
	struct policy_verdict v;

	memset(&ev, 0, sizeof(ev));
	/* An event shaped by the input too, so that matching sees variety. */
	memcpy(&ev, data, size < offsetof(struct snet_event, comm) ?
	       size : offsetof(struct snet_event, comm));
	ev.family = size && data[0] & 1 ? AF_INET6 : AF_INET;
	ev.syscall %= SNET_SYSCALL_MAX + 1;
	memcpy(ev.comm, "fuzz", 5);
	memcpy(ev.exe, "/usr/bin/fuzz", 14);
	policy_match(p, &ev, &v);
	ev.exe[0] = '\0';
	policy_match(p, &ev, &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = NULL;
	char err[2048];

	if (policy_parse((const char *)data, size, "fuzz.policy", &p, err,
			 sizeof(err)) == 0) {
		match_some(p, data, size);
		policy_put(p);
	}
	return 0;
}
