// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SSH identification line of each side (RFC 4253 4.2), for Suricata's
 * ssh.proto and ssh.software buffers.  Only the first line counts: as in
 * Suricata, a side whose first line is not "SSH-..." has no banner.  Then
 * the side's KEXINIT (RFC 4253 7.1), for the HASSH buffers.
 */
#include <errno.h>
#include <string.h>

#include "app.h"

int ssh_banner_line(const uint8_t *d, size_t n, size_t *len)
{
	for (size_t i = 0; i < n && i < SSH_BANNER_MAX; i++) {
		/* LF, CR LF, or a CR alone end the line */
		if (d[i] == '\n' || d[i] == '\r') {
			*len = i;
			return 1;
		}
	}
	return n < SSH_BANNER_MAX ? 0 : -1;
}

int ssh_banner_split(const uint8_t *line, size_t n, struct ssh_banner *b)
{
	memset(b, 0, sizeof(*b));
	if (n < 4 || memcmp(line, "SSH-", 4))
		return -1;
	const uint8_t *p = line + 4, *end = line + n;
	const uint8_t *dash = memchr(p, '-', (size_t)(end - p));
	if (!dash)
		return -1;
	b->proto = p;
	b->proto_len = (size_t)(dash - p);
	b->software = dash + 1;
	const uint8_t *s = b->software;
	while (s < end && *s != ' ' && *s != '\r' && *s != '\n')
		s++;
	b->software_len = (size_t)(s - b->software);
	return 0;
}

int ssh_packet_whole(const uint8_t *d, size_t n, size_t *total)
{
	if (n < 4)
		return 0;
	uint32_t len = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	if (len < 2 || len > SSH_PACKET_MAX)
		return -1;
	*total = 4 + (size_t)len;
	return n >= *total ? 1 : 0;
}

/* the next name-list at *p (a 4-byte length, then the names) */
static int name_list(const uint8_t **p, const uint8_t *end, const uint8_t **s, size_t *n)
{
	if (end - *p < 4)
		return -1;
	uint32_t len = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
		       (uint32_t)(*p)[2] << 8 | (*p)[3];
	if (len > (size_t)(end - *p) - 4)
		return -1;
	*s = *p + 4;
	*n = len;
	*p += 4 + (size_t)len;
	return 0;
}

int ssh_kexinit_hassh(const uint8_t *pkt, size_t n, int server, struct strbuf *out)
{
	size_t total;
	if (ssh_packet_whole(pkt, n, &total) != 1)
		return -1;
	uint8_t pad = pkt[4];
	if ((size_t)pad + 1 > total - 4)
		return -1;
	const uint8_t *p = pkt + 5, *end = pkt + total - pad;
	/* SSH_MSG_KEXINIT (20), then a 16-byte cookie */
	if (end - p < 17 || *p != 20)
		return -1;
	p += 17;
	const uint8_t *s[8];
	size_t len[8];
	for (int i = 0; i < 8; i++)
		if (name_list(&p, end, &s[i], &len[i]))
			return -1;
	/* kex; encryption, mac, compression of the side's direction */
	static const int cli[] = { 0, 2, 4, 6 }, srv[] = { 0, 3, 5, 7 };
	const int *idx = server ? srv : cli;
	out->len = 0;
	for (int i = 0; i < 4; i++)
		if ((i && strbuf_append(out, ";", 1)) ||
		    strbuf_append(out, s[idx[i]], len[idx[i]]))
			return -ENOMEM;
	return 0;
}
