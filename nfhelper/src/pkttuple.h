/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The addresses, protocol and ports of a raw IP packet (what NFQUEUE
 * hands over): enough to key a flow and check a socket's addresses.  The
 * inspector decodes packets fully; this only reads the headers.
 */
#ifndef SNETD_PKTTUPLE_H
#define SNETD_PKTTUPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pkt_tuple {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_* after IPv6 extension headers */
	uint8_t src[16], dst[16];	/* 4 or 16 bytes used */
	uint16_t sport, dport;	/* host order; 0 without ports */
	uint8_t tcp_flags;
	uint32_t l4_payload;	/* TCP/UDP payload bytes (as far as captured) */
};

/* 0, or -EINVAL when the bytes are not an IPv4/IPv6 packet. */
int pkt_tuple_parse(const uint8_t *pkt, size_t len, struct pkt_tuple *t);

/*
 * A direction-free key: both directions of a connection give the same
 * key (the lower endpoint first).
 */
struct flow_key {
	uint8_t family, proto;
	uint16_t port_a, port_b;
	uint8_t addr_a[16], addr_b[16];
};

void flow_key_of(const struct pkt_tuple *t, struct flow_key *k);
bool flow_key_equal(const struct flow_key *a, const struct flow_key *b);
uint32_t flow_key_hash(const struct flow_key *k);

#endif /* SNETD_PKTTUPLE_H */
