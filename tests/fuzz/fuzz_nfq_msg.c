// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what snetd reads from an NFQUEUE socket (a datagram of
 * netlink messages: packets with their attributes, errors), the packet
 * headers it reads for flow keys, and the kernel's queue counters file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfq.h"
#include "nfq_msg.h"
#include "pkttuple.h"

static int on_msg(int kind, const struct nfq_pkt *pkt, int err, void *arg)
{
	size_t *sum = arg;
	struct pkt_tuple t;
	struct flow_key k;

	(void)err;
	if (kind != NFQ_MSG_PACKET)
		return 0;
	/* Every byte the parser claims is there must be readable. */
	for (size_t i = 0; i < pkt->len; i++)
		*sum += pkt->payload[i];
	if (pkt->orig_len < pkt->len)
		abort();
	if (!pkt_tuple_parse(pkt->payload, pkt->len, &t)) {
		flow_key_of(&t, &k);
		*sum += flow_key_hash(&k);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Netlink messages are 4-byte aligned in a receive buffer. */
	uint32_t *buf = malloc(size + 4);
	char *text = malloc(size + 1);
	struct nfq_kstats ks;
	struct pkt_tuple t;
	size_t sum = 0;

	if (!buf || !text)
		abort();
	memcpy(buf, data, size);
	nfq_msg_each(buf, size, on_msg, &sum);
	pkt_tuple_parse(data, size, &t);
	memcpy(text, data, size);
	text[size] = '\0';
	nfq_kstats_parse(text, 0, &ks);
	free(text);
	free(buf);
	return sum == 1 ? 0 : 0;
}
