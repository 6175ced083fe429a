// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which application protocol a TCP flow speaks, from the first data of
 * each direction, as Suricata's protocol detection does: HTTP (request or
 * status line), TLS (a handshake record), and for rules of those
 * protocols that need nothing but the flow's payload, FTP, SMTP, SSH and
 * SMB; DCERPC from the client's first PDU.  Ports are not used.
 */
#include <string.h>
#include <strings.h>

#include "app.h"

static bool starts_ci(const uint8_t *d, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && !strncasecmp((const char *)d, s, k);
}

/* the first line (at most 256 bytes) contains s, case-insensitive */
static bool line_has_ci(const uint8_t *d, size_t n, const char *s)
{
	if (n > 256)
		n = 256;
	const uint8_t *eol = memchr(d, '\n', n);
	return memmem_nocase(d, eol ? (size_t)(eol - d) : n, (const uint8_t *)s, strlen(s));
}

enum app_proto app_probe(int di, const uint8_t *d, size_t n)
{
	if (di == 0 && http_probe_request(d, n))
		return APP_HTTP;
	if (di == 1 && http_probe_response(d, n))
		return APP_HTTP;
	if (tls_probe(d, n))
		return APP_TLS;
	if (starts_ci(d, n, "SSH-"))
		return APP_SSH;
	/* a NetBIOS session message carrying SMB1, SMB2/3 or an SMB3 transform */
	if (n >= 8 && d[0] == 0 && (d[4] == 0xff || d[4] == 0xfe || d[4] == 0xfd) &&
	    d[5] == 'S' && d[6] == 'M' && d[7] == 'B')
		return APP_SMB;
	if (di == 0) {
		if (dce_probe(d, n))
			return APP_DCERPC;
		if (starts_ci(d, n, "USER ") || starts_ci(d, n, "PASS ") ||
		    starts_ci(d, n, "PORT ") || starts_ci(d, n, "FEAT"))
			return APP_FTP;
		if (starts_ci(d, n, "EHLO") || starts_ci(d, n, "HELO"))
			return APP_SMTP;
		return APP_NONE;
	}
	/* a "220" greeting names its protocol, or the client's first command will */
	if (starts_ci(d, n, "220 (") || (starts_ci(d, n, "220") && line_has_ci(d, n, "FTP")))
		return APP_FTP;
	if (starts_ci(d, n, "220") && line_has_ci(d, n, "SMTP"))
		return APP_SMTP;
	return APP_NONE;
}

const char *app_proto_name(enum app_proto a)
{
	switch (a) {
	case APP_HTTP: return "http";
	case APP_TLS: return "tls";
	case APP_DNS: return "dns";
	case APP_FTP: return "ftp";
	case APP_SMTP: return "smtp";
	case APP_SSH: return "ssh";
	case APP_SMB: return "smb";
	case APP_DCERPC: return "dcerpc";
	default: return NULL;
	}
}
