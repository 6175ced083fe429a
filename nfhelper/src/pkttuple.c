// SPDX-License-Identifier: GPL-2.0-or-later
/* IPv4/IPv6 header reading for flow keys. */
#include "pkttuple.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

static void read_ports(const uint8_t *l4, size_t left, struct pkt_tuple *t)
{
	switch (t->proto) {
	case IPPROTO_TCP:
		if (left >= 14)
			t->tcp_flags = l4[13];
		if (left >= 20 && (size_t)(l4[12] >> 4) * 4 <= left)
			t->l4_payload = (uint32_t)(left - (size_t)(l4[12] >> 4) * 4);
		/* fall through */
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		if (left >= 4) {
			t->sport = (uint16_t)(l4[0] << 8 | l4[1]);
			t->dport = (uint16_t)(l4[2] << 8 | l4[3]);
		}
		if (t->proto != IPPROTO_TCP && left >= 8)
			t->l4_payload = (uint32_t)(left - 8);
		break;
	default:
		break;
	}
}

static int parse_v4(const uint8_t *p, size_t len, struct pkt_tuple *t)
{
	size_t ihl;

	if (len < 20)
		return -EINVAL;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -EINVAL;
	/* Not what follows the packet (0 is a GSO packet over 64 KiB). */
	if ((size_t)(p[2] << 8 | p[3]) >= ihl && (size_t)(p[2] << 8 | p[3]) < len)
		len = (size_t)(p[2] << 8 | p[3]);
	t->family = AF_INET;
	t->proto = p[9];
	memcpy(t->src, p + 12, 4);
	memcpy(t->dst, p + 16, 4);
	/* Only the first fragment has the ports. */
	if ((((p[6] & 0x1f) << 8) | p[7]) == 0)
		read_ports(p + ihl, len - ihl, t);
	return 0;
}

static int parse_v6(const uint8_t *p, size_t len, struct pkt_tuple *t)
{
	size_t off = 40;
	uint8_t next;

	if (len < 40)
		return -EINVAL;
	t->family = AF_INET6;
	memcpy(t->src, p + 8, 16);
	memcpy(t->dst, p + 24, 16);
	next = p[6];
	/* Hop-by-hop, routing, destination options, fragment: skip; a
	 * later fragment has no transport header. */
	for (int i = 0; i < 8; i++) {
		if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
		    next == IPPROTO_DSTOPTS) {
			if (len - off < 8)
				break;
			next = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
			if (off > len)
				return -EINVAL;
		} else if (next == IPPROTO_FRAGMENT) {
			if (len - off < 8)
				break;
			if (((p[off + 2] << 8 | p[off + 3]) & 0xfff8) != 0) {
				t->proto = p[off];
				return 0;
			}
			next = p[off];
			off += 8;
		} else {
			break;
		}
	}
	t->proto = next;
	read_ports(p + off, len - off, t);
	return 0;
}

int pkt_tuple_parse(const uint8_t *pkt, size_t len, struct pkt_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (!len)
		return -EINVAL;
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, t);
	case 6:
		return parse_v6(pkt, len, t);
	default:
		return -EINVAL;
	}
}

void flow_key_of(const struct pkt_tuple *t, struct flow_key *k)
{
	size_t alen = t->family == AF_INET ? 4 : 16;
	int c = memcmp(t->src, t->dst, alen);

	memset(k, 0, sizeof(*k));
	k->family = t->family;
	k->proto = t->proto;
	if (c < 0 || (c == 0 && t->sport <= t->dport)) {
		memcpy(k->addr_a, t->src, alen);
		memcpy(k->addr_b, t->dst, alen);
		k->port_a = t->sport;
		k->port_b = t->dport;
	} else {
		memcpy(k->addr_a, t->dst, alen);
		memcpy(k->addr_b, t->src, alen);
		k->port_a = t->dport;
		k->port_b = t->sport;
	}
}

bool flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* FNV-1a over the key: the cache needs spread, not secrecy (a collision
 * only costs a fresh lookup of the socket). */
uint32_t flow_key_hash(const struct flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}
