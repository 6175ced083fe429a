// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DNS request parser: the question names that dns.query inspects, from a
 * UDP datagram or from the length-prefixed messages of a TCP flow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* read a name at *off (compression pointers followed, bounded) */
static int read_name(const uint8_t *d, size_t n, size_t *off, char *out, size_t outlen)
{
	size_t o = *off, w = 0;
	bool jumped = false;
	int hops = 0;
	out[0] = 0;
	for (;;) {
		if (o >= n)
			return -1;
		uint8_t l = d[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= n || ++hops > 16)
				return -1;
			size_t ptr = (size_t)(l & 0x3f) << 8 | d[o + 1];
			if (!jumped)
				*off = o + 2;
			jumped = true;
			o = ptr;
			continue;
		}
		if (l & 0xc0)
			return -1;
		if (l == 0) {
			if (!jumped)
				*off = o + 1;
			break;
		}
		if (o + 1 + l > n || w + l + 2 > outlen)
			return -1;
		if (w)
			out[w++] = '.';
		memcpy(out + w, d + o + 1, l);
		w += l;
		out[w] = 0;
		o += 1 + (size_t)l;
	}
	return 0;
}

int dns_parse_request(const uint8_t *d, size_t n, struct dns_query *q, int max)
{
	if (n < 12)
		return -1;
	uint16_t flags = rd16(d + 2);
	if (flags & 0x8000)
		return -1;	/* a response */
	if ((flags >> 11 & 0xf) > 5)
		return -1;	/* unknown opcode: not DNS */
	uint16_t qd = rd16(d + 4);
	if (qd == 0 || qd > 64)
		return -1;
	size_t off = 12;
	int got = 0;
	for (unsigned i = 0; i < qd; i++) {
		char name[256];
		if (read_name(d, n, &off, name, sizeof(name)) || off + 4 > n)
			return got ? got : -1;
		if (got < max) {
			snprintf(q[got].name, sizeof(q[got].name), "%s", name);
			q[got].id = rd16(d);
			q[got].type = rd16(d + off);
			q[got].opcode = (uint8_t)(flags >> 11 & 0xf);
			got++;
		}
		off += 4;
	}
	return got;
}

const char *dns_type_name(uint16_t t, char *buf, size_t len)
{
	static const struct { uint16_t t; const char *n; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" },
		{ 65, "HTTPS" }, { 255, "ANY" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == t)
			return names[i].n;
	snprintf(buf, len, "TYPE%u", t);
	return buf;
}

/* ---- DNS over TCP ---- */

/*
 * Suricata 7's TCP probe (rust/src/dns/dns.rs): a 2-byte length and a
 * header (14 bytes at least), the opcode below 7, and a message length
 * that can hold two bytes per record the header counts.  Its further
 * parse of a complete message's records is not done here.
 */
bool dns_tcp_probe(const uint8_t *d, size_t n)
{
	if (n < 2 + DNS_HDR_LEN)
		return false;
	size_t dlen = rd16(d);
	const uint8_t *h = d + 2;
	if ((rd16(h + 2) >> 11 & 0xf) >= 7)
		return false;
	size_t records = (size_t)rd16(h + 4) + rd16(h + 6) + rd16(h + 8) + rd16(h + 10);
	return 2 * records + DNS_HDR_LEN <= dlen;
}

struct dns_tcp_state *dns_tcp_state_new(void)
{
	return calloc(1, sizeof(struct dns_tcp_state));
}

void dns_tcp_state_free(struct dns_tcp_state *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		free(s->d[i].msg);
	free(s);
}

size_t dns_tcp_state_memory(const struct dns_tcp_state *s)
{
	return sizeof(*s) + s->d[0].cap + s->d[1].cap;
}

/*
 * One whole message of direction dir.  As Suricata's parser: a request
 * must be a query message (QR clear), a response a reply (QR set), else
 * the side stops.  Requests give their questions (dns.c's parser); a
 * request with no question, or an opcode this parser does not read
 * questions of, is valid and gives none.
 */
static int dns_tcp_message(int dir, const uint8_t *m, size_t n, const struct dns_tcp_ops *ops,
			   void *ctx)
{
	if (n < DNS_HDR_LEN)
		return -EBADMSG;
	uint16_t flags = rd16(m + 2);
	if (dir == 1)
		return flags & 0x8000 ? 0 : -EBADMSG;
	if (flags & 0x8000)
		return -EBADMSG;
	if (rd16(m + 4) == 0 || (flags >> 11 & 0xf) > 5)
		return 0;
	struct dns_query q[DNS_TCP_QUERIES];
	int nq = dns_parse_request(m, n, q, DNS_TCP_QUERIES);
	if (nq < 0)
		return -EBADMSG;
	ops->query(ctx, q, nq);
	return 0;
}

int dns_tcp_feed(struct dns_tcp_state *s, int dir, const uint8_t *d, size_t n,
		 const struct dns_tcp_ops *ops, void *ctx)
{
	struct dns_tcp_dir *sd = &s->d[dir];
	if (sd->dead)
		return 0;	/* stopped on earlier data */
	while (n && !sd->dead) {
		/* the length prefix, which may itself be split */
		if (sd->nlen < 2) {
			sd->len[sd->nlen++] = *d++;
			n--;
			if (sd->nlen == 2 && rd16(sd->len) == 0)
				sd->nlen = 0;	/* an empty message: skipped, as Suricata */
			continue;
		}
		size_t need = rd16(sd->len);
		if (!sd->nmsg && n >= need) {
			/* whole in this data: parsed in place */
			int rc = dns_tcp_message(dir, d, need, ops, ctx);
			d += need;
			n -= need;
			sd->nlen = 0;
			if (rc)
				sd->dead = rc;
			continue;
		}
		if (sd->cap < need) {
			if (ops->room && !ops->room(ctx, need - sd->cap)) {
				sd->dead = -ENOMEM;
				break;
			}
			uint8_t *p = realloc(sd->msg, need);
			if (!p) {
				sd->dead = -ENOMEM;
				break;
			}
			sd->msg = p;
			sd->cap = need;
		}
		size_t take = need - sd->nmsg < n ? need - sd->nmsg : n;
		memcpy(sd->msg + sd->nmsg, d, take);
		sd->nmsg += take;
		d += take;
		n -= take;
		if (sd->nmsg < need)
			break;
		int rc = dns_tcp_message(dir, sd->msg, need, ops, ctx);
		/* the buffer is given back: most messages come whole */
		free(sd->msg);
		sd->msg = NULL;
		sd->cap = sd->nmsg = 0;
		sd->nlen = 0;
		if (rc)
			sd->dead = rc;
	}
	return sd->dead;
}
