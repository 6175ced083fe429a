// SPDX-License-Identifier: GPL-2.0-or-later
/* TLS ClientHello parser: the server name (SNI) that tls.sni inspects. */
#include <stdio.h>
#include <string.h>

#include "app.h"

#define MAX_HELLO (16384 + 5)

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool tls_probe(const uint8_t *d, size_t n)
{
	return n >= 3 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04;
}

int tls_parse_client_hello(const uint8_t *d, size_t n, struct tls_hello *h)
{
	memset(h, 0, sizeof(*h));
	if (n < 5)
		return 0;
	if (!tls_probe(d, n))
		return -1;
	size_t rlen = rd16(d + 3);
	if (rlen > 16384 + 2048)
		return -1;
	if (n < 5 + rlen)
		return n >= MAX_HELLO ? -1 : 0;
	const uint8_t *p = d + 5, *end = d + 5 + rlen;
	if (end - p < 4 || p[0] != 1)
		return -1;	/* not a ClientHello */
	size_t hlen = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	p += 4;
	if (hlen > (size_t)(end - p))
		return -1;	/* ClientHello spread over records: not handled */
	end = p + hlen;
	if (end - p < 34)
		return -1;
	h->version = rd16(p);
	p += 34;
	if (end - p < 1 || end - p < 1 + p[0])
		return -1;
	p += 1 + p[0];		/* session id */
	if (end - p < 2 || end - p < 2 + rd16(p))
		return -1;
	p += 2 + rd16(p);	/* cipher suites */
	if (end - p < 1 || end - p < 1 + p[0])
		return -1;
	p += 1 + p[0];		/* compression */
	if (end - p < 2)
		return 1;	/* no extensions */
	size_t elen = rd16(p);
	p += 2;
	if (elen > (size_t)(end - p))
		return -1;
	const uint8_t *ee = p + elen;
	while (ee - p >= 4) {
		uint16_t type = rd16(p), len = rd16(p + 2);
		p += 4;
		if (len > ee - p)
			return -1;
		if (type == 0 && len >= 5) {
			const uint8_t *s = p + 2;
			size_t listlen = rd16(p);
			if (listlen + 2 <= len && s[0] == 0) {
				size_t nl = rd16(s + 1);
				if (nl + 3 <= listlen && nl < sizeof(h->sni)) {
					memcpy(h->sni, s + 3, nl);
					h->sni[nl] = 0;
					h->has_sni = true;
				}
			}
		} else if (type == 43 && len >= 3) {
			/* supported_versions: the highest offered */
			for (size_t i = 1; i + 1 < (size_t)len && i < (size_t)p[0] + 1; i += 2) {
				uint16_t v = rd16(p + i);
				if ((v & 0x0f0f) != 0x0a0a && v > h->version)
					h->version = v;
			}
		}
		p += len;
	}
	return 1;
}
