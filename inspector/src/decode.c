// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet decoder: IPv4/IPv6 (extension headers skipped), then TCP, UDP,
 * ICMP/ICMPv6.  Input starts at the IP header, as NFQUEUE delivers it.
 * A fragment (IPv4 MF or an offset; IPv6 a fragment header that is not an
 * atomic one, RFC 6946) is decoded as IP only, first fragment included:
 * its L4 header may be cut, and its bytes are the datagram's only once
 * defrag.c has put them together.  The decoder notes where the fragment's
 * part of the datagram is and what keys it; the worker inspects the
 * fragment as an IP packet, then gives it to defrag.c, and a datagram made
 * whole comes back here as one packet.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"

/*
 * Where an ICMP message's payload starts, as Suricata 7 decodes it: after
 * 8 bytes, and in ICMPv4 after a timestamp message's three timestamps and
 * a router advertisement's addresses when the message holds them whole.
 */
static size_t icmp_header_len(int ipproto, const uint8_t *l4, size_t len)
{
	if (len < 8)
		return len;
	if (ipproto != IPPROTO_ICMP)
		return 8;
	size_t extra = 0;
	if (l4[0] == 13 || l4[0] == 14)		/* timestamp, timestamp reply */
		extra = 12;
	else if (l4[0] == 9)			/* router advertisement */
		extra = (size_t)l4[4] * l4[5] * 4;	/* addresses * words each */
	return len - 8 >= extra ? 8 + extra : 8;
}

static int decode_l4(struct packet *p, const uint8_t *l4, size_t len, const char **why)
{
	p->payload = l4;
	/* a fragment has no payload of its own, as in Suricata: content
	 * rules see its bytes in the datagram, header keywords see it */
	p->plen = p->is_frag ? 0 : len;
	if (p->is_frag)
		return 0;
	p->l4 = l4;
	p->l4len = len;
	switch (p->ipproto) {
	case IPPROTO_TCP: {
		if (len < 20) {
			*why = "truncated TCP header";
			return -EINVAL;
		}
		size_t hl = (size_t)(l4[12] >> 4) * 4;
		if (hl < 20 || hl > len) {
			*why = "bad TCP header length";
			return -EINVAL;
		}
		p->sport = rd16(l4);
		p->dport = rd16(l4 + 2);
		p->seq = rd32(l4 + 4);
		p->ack = rd32(l4 + 8);
		p->tcp_flags = l4[13];
		p->payload = l4 + hl;
		p->plen = len - hl;
		return 0;
	}
	case IPPROTO_UDP: {
		if (len < 8) {
			*why = "truncated UDP header";
			return -EINVAL;
		}
		size_t ulen = rd16(l4 + 4);
		if (ulen < 8 || ulen > len) {
			*why = "bad UDP length";
			return -EINVAL;
		}
		p->sport = rd16(l4);
		p->dport = rd16(l4 + 2);
		p->payload = l4 + 8;
		p->plen = ulen - 8;
		return 0;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < 4) {
			*why = "truncated ICMP header";
			return -EINVAL;
		}
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		size_t hl = icmp_header_len(p->ipproto, l4, len);
		p->payload = l4 + hl;
		p->plen = len - hl;
		return 0;
	default:
		return 0;
	}
}

int packet_decode(const uint8_t *d, size_t len, struct packet *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	p->data = d;
	p->len = len;
	*why = NULL;
	if (len < 1) {
		*why = "empty packet";
		return -EINVAL;
	}
	unsigned ver = d[0] >> 4;
	if (ver == 4) {
		if (len < 20) {
			*why = "truncated IPv4 header";
			return -EINVAL;
		}
		size_t hl = (size_t)(d[0] & 0xf) * 4;
		size_t tot = rd16(d + 2);
		if (hl < 20 || tot < hl || tot > len) {
			*why = "bad IPv4 lengths";
			return -EINVAL;
		}
		p->src.family = p->dst.family = AF_INET;
		memcpy(p->src.a, d + 12, 4);
		memcpy(p->dst.a, d + 16, 4);
		p->ipproto = d[9];
		uint16_t frag = rd16(d + 6);
		if (frag & 0x3fff) {
			p->is_frag = true;
			p->frag_more = frag & 0x2000;
			p->frag_off = (uint32_t)(frag & 0x1fff) * 8;
			p->frag_id = rd16(d + 4);
			p->frag_nh = d[9];
			p->frag_hoff = (uint32_t)hl;
			p->frag_data = d + hl;
			p->frag_len = tot - hl;
		}
		return decode_l4(p, d + hl, tot - hl, why);
	}
	if (ver == 6) {
		if (len < 40) {
			*why = "truncated IPv6 header";
			return -EINVAL;
		}
		size_t plen = rd16(d + 4);
		if (40 + plen > len) {
			*why = "bad IPv6 payload length";
			return -EINVAL;
		}
		p->src.family = p->dst.family = AF_INET6;
		memcpy(p->src.a, d + 8, 16);
		memcpy(p->dst.a, d + 24, 16);
		uint8_t nh = d[6];
		const uint8_t *q = d + 40;
		size_t left = plen;
		size_t nh_at = 6;	/* the byte that names the header at q */
		for (int hops = 0; hops < 16; hops++) {
			if (nh == 0 || nh == 43 || nh == 60 || nh == 51) {
				size_t el = left < 8 ? 0 :
					    nh == 51 ? ((size_t)q[1] + 2) * 4 : ((size_t)q[1] + 1) * 8;
				/* a first fragment may end inside a header of its
				 * fragmentable part: the datagram has the rest */
				if ((left < 8 || el > left) && p->is_frag)
					break;
				if (left < 8) {
					*why = "truncated IPv6 extension header";
					return -EINVAL;
				}
				if (el > left) {
					*why = "bad IPv6 extension header length";
					return -EINVAL;
				}
				nh_at = (size_t)(q - d);
				nh = q[0];
				q += el;
				left -= el;
			} else if (nh == 44) {
				if (left < 8 && p->is_frag)
					break;
				if (left < 8) {
					*why = "truncated IPv6 fragment header";
					return -EINVAL;
				}
				uint16_t fo = rd16(q + 2);
				/* the first fragment header that fragments: a later one
				 * is in the fragmentable part, an atomic one (offset 0,
				 * no M) fragments nothing */
				if (!p->is_frag && (fo & 0xfff9)) {
					p->is_frag = true;
					p->frag_more = fo & 1;
					p->frag_off = fo & 0xfff8;
					p->frag_id = rd32(q + 4);
					p->frag_nh = q[0];
					p->frag_hoff = (uint32_t)(q - d);
					p->frag_nhoff = (uint32_t)nh_at;
					p->frag_data = q + 8;
					p->frag_len = left - 8;
				}
				if (!p->has_frag6) {
					p->has_frag6 = true;
					p->frag6_off = fo & 0xfff8;
				}
				nh_at = (size_t)(q - d);
				nh = q[0];
				q += 8;
				left -= 8;
				/* past a later fragment's header: data, not headers */
				if (p->is_frag && p->frag_off)
					break;
			} else {
				break;
			}
		}
		p->ipproto = nh;
		return decode_l4(p, q, left, why);
	}
	*why = "not IPv4 or IPv6";
	return -EINVAL;
}
