// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SSH identification line of each side (RFC 4253 4.2), for Suricata's
 * ssh.proto and ssh.software buffers.  Only the first line counts: as in
 * Suricata, a side whose first line is not "SSH-..." has no banner.
 */
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
