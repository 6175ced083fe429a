// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IP, TCP and ICMP header keywords: ttl, id, fragbits, fragoffset, ipopts, sameip,
 * seq, ack, window, tcp.mss, icmp_id, icmp_seq and the comparisons of ip_proto, read
 * from the packet's own headers when a candidate rule is checked (the
 * decoder keeps only where they are, so packets pay nothing for them).
 */
#include <string.h>

#include "internal.h"

/* fragbits with Suricata's modifiers: none (exactly), + (and more), * (any), ! (not all) */
static bool bits_match(uint8_t have, char mod, uint8_t want)
{
	switch (mod) {
	case '*': return (have & want) != 0;
	case '+': return (have & want) == want && have != want;
	case '!': return (have & want) != want;
	default: return have == want;
	}
}

/* Is option type (or any option, IPOPT_ANY) in the IPv4 header's options? */
static bool has_ipopt(const uint8_t *ip, size_t hl, uint16_t want)
{
	const uint8_t *o = ip + 20, *end = ip + hl;

	while (o < end) {
		uint8_t type = *o;
		if (want == IPOPT_ANY || want == (uint16_t)type + 1)
			return true;
		if (type == 0)
			return false;	/* end of options */
		if (type == 1) {
			o++;		/* no-op: one byte */
			continue;
		}
		if (end - o < 2 || o[1] < 2 || o[1] > end - o)
			return false;	/* malformed: no more options */
		o += o[1];
	}
	return false;
}

/* ICMP messages with an identifier and a sequence number */
static bool icmp_has_id(const struct packet *p)
{
	uint8_t t = p->icmp_type;

	if (p->ipproto == IPPROTO_ICMPV6)
		return t == 128 || t == 129;
	return t == 0 || t == 8 || (t >= 13 && t <= 18);
}

/* the TCP MSS option's value, or -1 if the header has none */
static int tcp_mss(const struct packet *p)
{
	if (!p->l4 || p->payload < p->l4 + 20)
		return -1;
	const uint8_t *o = p->l4 + 20, *end = p->payload;
	while (o < end && *o != 0) {
		if (*o == 1) {	/* NOP */
			o++;
			continue;
		}
		if (end - o < 2 || o[1] < 2 || o[1] > end - o)
			return -1;
		if (*o == 2 && o[1] == 4)
			return rd16(o + 2);
		o += o[1];
	}
	return -1;
}

bool hdr_match(const struct hdr_checks *h, const struct packet *p)
{
	const uint8_t *ip = p->data;
	bool v4 = ip[0] >> 4 == 4;

	if (h->ttl.set && !numcmp_match(&h->ttl, v4 ? ip[8] : ip[7]))
		return false;
	for (unsigned i = 0; i < h->n_ip_proto; i++)
		if (!numcmp_match(&h->ip_proto[i], p->ipproto))
			return false;
	if (h->sameip && (p->src.family != p->dst.family ||
			  memcmp(p->src.a, p->dst.a, p->src.family == AF_INET ? 4 : 16)))
		return false;
	if ((h->has_id || h->fragbits || h->ipopt) && !v4)
		return false;
	if (h->has_id && rd16(ip + 4) != h->id)
		return false;
	if (h->fragbits) {
		uint8_t fl = ip[6] >> 5;	/* reserved, DF, MF */
		if (!bits_match(fl, h->frag_mod, h->fragbits))
			return false;
	}
	if (h->ipopt && !has_ipopt(ip, (size_t)(ip[0] & 0xf) * 4, h->ipopt))
		return false;
	if (h->fragoff.set) {
		if (v4 ? !numcmp_match(&h->fragoff, rd16(ip + 6) & 0x1fff) :
		    !p->has_frag6 || !numcmp_match(&h->fragoff, p->frag6_off))
			return false;
	}
	if (h->has_seq || h->has_ack || h->has_window) {
		if (p->ipproto != IPPROTO_TCP || !p->l4)
			return false;
		if ((h->has_seq && p->seq != h->seq) || (h->has_ack && p->ack != h->ack))
			return false;
		if (h->has_window && (rd16(p->l4 + 14) == h->window) == h->window_neg)
			return false;
	}
	if (h->mss.set) {
		int mss = p->ipproto == IPPROTO_TCP ? tcp_mss(p) : -1;
		if (mss < 0 || !numcmp_match(&h->mss, (uint32_t)mss))
			return false;
	}
	if (h->has_icmp_id || h->has_icmp_seq) {
		if ((p->ipproto != IPPROTO_ICMP && p->ipproto != IPPROTO_ICMPV6) || !p->l4 ||
		    p->l4len < 8 || !icmp_has_id(p))
			return false;
		if ((h->has_icmp_id && rd16(p->l4 + 4) != h->icmp_id) ||
		    (h->has_icmp_seq && rd16(p->l4 + 6) != h->icmp_seq))
			return false;
	}
	return true;
}
