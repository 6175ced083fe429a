// SPDX-License-Identifier: GPL-2.0-or-later
/* DNS request parser: the question names that dns.query inspects. */
#include <stdio.h>
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
