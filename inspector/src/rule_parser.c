// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rule parser: turns the lexed options of one rule into a struct rule.
 * Anything that would change what a rule matches and is not implemented
 * makes the rule fail with -ENOTSUP and "unsupported keyword 'x'".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow.h"

enum side { SIDE_REQ = 1, SIDE_RESP = 2, SIDE_BOTH = 3 };

static const struct {
	const char *name;
	uint8_t side;		/* for HTTP buffers */
} buf_info[BUF__COUNT] = {
	[BUF_PAYLOAD] = { "payload", SIDE_BOTH },
	[BUF_STREAM] = { "stream", SIDE_BOTH },
	[BUF_HTTP_METHOD] = { "http.method", SIDE_REQ },
	[BUF_HTTP_URI] = { "http.uri", SIDE_REQ },
	[BUF_HTTP_RAW_URI] = { "http.uri.raw", SIDE_REQ },
	[BUF_HTTP_PROTOCOL] = { "http.protocol", SIDE_REQ },
	[BUF_HTTP_REQUEST_LINE] = { "http.request_line", SIDE_REQ },
	[BUF_HTTP_HOST] = { "http.host", SIDE_REQ },
	[BUF_HTTP_RAW_HOST] = { "http.host.raw", SIDE_REQ },
	[BUF_HTTP_UA] = { "http.user_agent", SIDE_REQ },
	[BUF_HTTP_COOKIE] = { "http.cookie", SIDE_BOTH },
	[BUF_HTTP_REFERER] = { "http.referer", SIDE_REQ },
	[BUF_HTTP_ACCEPT] = { "http.accept", SIDE_REQ },
	[BUF_HTTP_ACCEPT_ENC] = { "http.accept_enc", SIDE_REQ },
	[BUF_HTTP_ACCEPT_LANG] = { "http.accept_lang", SIDE_REQ },
	[BUF_HTTP_CONNECTION] = { "http.connection", SIDE_BOTH },
	[BUF_HTTP_CONTENT_TYPE] = { "http.content_type", SIDE_BOTH },
	[BUF_HTTP_CONTENT_LEN] = { "http.content_len", SIDE_BOTH },
	[BUF_HTTP_HEADER] = { "http.header", SIDE_BOTH },
	[BUF_HTTP_RAW_HEADER] = { "http.header.raw", SIDE_BOTH },
	[BUF_HTTP_HEADER_NAMES] = { "http.header_names", SIDE_BOTH },
	[BUF_HTTP_START] = { "http.start", SIDE_BOTH },
	[BUF_HTTP_CLIENT_BODY] = { "http.request_body", SIDE_REQ },
	[BUF_HTTP_STAT_CODE] = { "http.stat_code", SIDE_RESP },
	[BUF_HTTP_STAT_MSG] = { "http.stat_msg", SIDE_RESP },
	[BUF_HTTP_RESPONSE_LINE] = { "http.response_line", SIDE_RESP },
	[BUF_HTTP_SERVER] = { "http.server", SIDE_RESP },
	[BUF_HTTP_LOCATION] = { "http.location", SIDE_RESP },
	[BUF_HTTP_REQUEST_HEADER] = { "http.request_header", SIDE_REQ },
	[BUF_HTTP_RESPONSE_HEADER] = { "http.response_header", SIDE_RESP },
	[BUF_HTTP_SERVER_BODY] = { "http.response_body", SIDE_RESP },
	[BUF_DNS_QUERY] = { "dns.query", SIDE_REQ },
	[BUF_TLS_SNI] = { "tls.sni", SIDE_REQ },
	[BUF_TLS_CERT_SUBJECT] = { "tls.cert_subject", SIDE_RESP },
	[BUF_TLS_CERT_ISSUER] = { "tls.cert_issuer", SIDE_RESP },
	[BUF_TLS_CERT_SERIAL] = { "tls.cert_serial", SIDE_RESP },
	[BUF_TLS_CERT_FINGERPRINT] = { "tls.cert_fingerprint", SIDE_RESP },
	[BUF_TLS_SAN] = { "tls.subjectaltname", SIDE_RESP },
	[BUF_TLS_CERTS] = { "tls.certs", SIDE_RESP },
	[BUF_TLS_JA3_HASH] = { "ja3.hash", SIDE_REQ },
	[BUF_TLS_JA3_STRING] = { "ja3.string", SIDE_REQ },
	[BUF_TLS_JA3S_HASH] = { "ja3s.hash", SIDE_RESP },
	[BUF_TLS_JA3S_STRING] = { "ja3s.string", SIDE_RESP },
	[BUF_TLS_JA4_HASH] = { "ja4.hash", SIDE_REQ },
	[BUF_SSH_PROTO] = { "ssh.proto", SIDE_BOTH },
	[BUF_SSH_SOFTWARE] = { "ssh.software", SIDE_BOTH },
	[BUF_DCE_STUB_DATA] = { "dcerpc.stub_data", SIDE_BOTH },
	[BUF_SMTP_FILE_DATA] = { "file_data", SIDE_REQ },
	[BUF_IPV4_HDR] = { "ipv4.hdr", SIDE_BOTH },
	[BUF_IPV6_HDR] = { "ipv6.hdr", SIDE_BOTH },
	[BUF_TCP_HDR] = { "tcp.hdr", SIDE_BOTH },
	[BUF_UDP_HDR] = { "udp.hdr", SIDE_BOTH },
	[BUF_ICMPV4_HDR] = { "icmpv4.hdr", SIDE_BOTH },
	[BUF_ICMPV6_HDR] = { "icmpv6.hdr", SIDE_BOTH },
	[BUF_SSH_HASSH] = { "ssh.hassh", SIDE_REQ },
	[BUF_SSH_HASSH_STRING] = { "ssh.hassh.string", SIDE_REQ },
	[BUF_SSH_HASSH_SERVER] = { "ssh.hassh.server", SIDE_RESP },
	[BUF_SSH_HASSH_SERVER_STRING] = { "ssh.hassh.server.string", SIDE_RESP },
};

const char *buf_name(enum buf_id b)
{
	if ((int)b == LIST_BASE64_DATA)
		return "base64_data";
	return b < BUF__COUNT ? buf_info[b].name : "?";
}

bool buf_is_http(enum buf_id b)
{
	return b >= BUF_HTTP_METHOD && b <= BUF_HTTP_SERVER_BODY;
}

/* keywords that select a buffer: sticky ones apply to what follows,
 * modifiers (the legacy form) to the content before them */
static const struct {
	const char *kw;
	enum buf_id buf;
	bool sticky;
} buf_keywords[] = {
	{ "http_uri", BUF_HTTP_URI, false },
	{ "http.uri", BUF_HTTP_URI, true },
	{ "http_raw_uri", BUF_HTTP_RAW_URI, false },
	{ "http.uri.raw", BUF_HTTP_RAW_URI, true },
	{ "http_method", BUF_HTTP_METHOD, false },
	{ "http.method", BUF_HTTP_METHOD, true },
	{ "http_header", BUF_HTTP_HEADER, false },
	{ "http.header", BUF_HTTP_HEADER, true },
	{ "http_raw_header", BUF_HTTP_RAW_HEADER, false },
	{ "http.header.raw", BUF_HTTP_RAW_HEADER, true },
	{ "http_cookie", BUF_HTTP_COOKIE, false },
	{ "http.cookie", BUF_HTTP_COOKIE, true },
	{ "http_user_agent", BUF_HTTP_UA, false },
	{ "http.user_agent", BUF_HTTP_UA, true },
	{ "http_host", BUF_HTTP_HOST, false },
	{ "http.host", BUF_HTTP_HOST, true },
	{ "http_raw_host", BUF_HTTP_RAW_HOST, false },
	{ "http.host.raw", BUF_HTTP_RAW_HOST, true },
	{ "http_client_body", BUF_HTTP_CLIENT_BODY, false },
	{ "http.request_body", BUF_HTTP_CLIENT_BODY, true },
	{ "http_server_body", BUF_HTTP_SERVER_BODY, false },
	{ "http.response_body", BUF_HTTP_SERVER_BODY, true },
	{ "http_stat_code", BUF_HTTP_STAT_CODE, false },
	{ "http.stat_code", BUF_HTTP_STAT_CODE, true },
	{ "http_stat_msg", BUF_HTTP_STAT_MSG, false },
	{ "http.stat_msg", BUF_HTTP_STAT_MSG, true },
	{ "http_header_names", BUF_HTTP_HEADER_NAMES, true },
	{ "http.header_names", BUF_HTTP_HEADER_NAMES, true },
	{ "http_request_line", BUF_HTTP_REQUEST_LINE, true },
	{ "http.request_line", BUF_HTTP_REQUEST_LINE, true },
	{ "http_response_line", BUF_HTTP_RESPONSE_LINE, true },
	{ "http.response_line", BUF_HTTP_RESPONSE_LINE, true },
	{ "http.server", BUF_HTTP_SERVER, true },
	{ "http.location", BUF_HTTP_LOCATION, true },
	{ "http.request_header", BUF_HTTP_REQUEST_HEADER, true },
	{ "http.response_header", BUF_HTTP_RESPONSE_HEADER, true },
	{ "http_start", BUF_HTTP_START, true },
	{ "http.start", BUF_HTTP_START, true },
	{ "http_accept", BUF_HTTP_ACCEPT, true },
	{ "http.accept", BUF_HTTP_ACCEPT, true },
	{ "http_accept_enc", BUF_HTTP_ACCEPT_ENC, true },
	{ "http.accept_enc", BUF_HTTP_ACCEPT_ENC, true },
	{ "http_accept_lang", BUF_HTTP_ACCEPT_LANG, true },
	{ "http.accept_lang", BUF_HTTP_ACCEPT_LANG, true },
	{ "http_connection", BUF_HTTP_CONNECTION, true },
	{ "http.connection", BUF_HTTP_CONNECTION, true },
	{ "http_content_type", BUF_HTTP_CONTENT_TYPE, true },
	{ "http.content_type", BUF_HTTP_CONTENT_TYPE, true },
	{ "http_content_len", BUF_HTTP_CONTENT_LEN, true },
	{ "http.content_len", BUF_HTTP_CONTENT_LEN, true },
	{ "http_referer", BUF_HTTP_REFERER, true },
	{ "http.referer", BUF_HTTP_REFERER, true },
	{ "http_protocol", BUF_HTTP_PROTOCOL, true },
	{ "http.protocol", BUF_HTTP_PROTOCOL, true },
	{ "dns_query", BUF_DNS_QUERY, true },
	{ "dns.query", BUF_DNS_QUERY, true },
	{ "tls_sni", BUF_TLS_SNI, true },
	{ "tls.sni", BUF_TLS_SNI, true },
	{ "tls_cert_subject", BUF_TLS_CERT_SUBJECT, true },
	{ "tls.cert_subject", BUF_TLS_CERT_SUBJECT, true },
	{ "tls_cert_issuer", BUF_TLS_CERT_ISSUER, true },
	{ "tls.cert_issuer", BUF_TLS_CERT_ISSUER, true },
	{ "tls_cert_serial", BUF_TLS_CERT_SERIAL, true },
	{ "tls.cert_serial", BUF_TLS_CERT_SERIAL, true },
	{ "tls_cert_fingerprint", BUF_TLS_CERT_FINGERPRINT, true },
	{ "tls.cert_fingerprint", BUF_TLS_CERT_FINGERPRINT, true },
	{ "tls.subjectaltname", BUF_TLS_SAN, true },
	{ "tls.certs", BUF_TLS_CERTS, true },
	{ "ja3_hash", BUF_TLS_JA3_HASH, true },
	{ "ja3.hash", BUF_TLS_JA3_HASH, true },
	{ "ja3_string", BUF_TLS_JA3_STRING, true },
	{ "ja3.string", BUF_TLS_JA3_STRING, true },
	{ "ja3s_hash", BUF_TLS_JA3S_HASH, true },
	{ "ja3s.hash", BUF_TLS_JA3S_HASH, true },
	{ "ja3s_string", BUF_TLS_JA3S_STRING, true },
	{ "ja3s.string", BUF_TLS_JA3S_STRING, true },
	{ "ja4.hash", BUF_TLS_JA4_HASH, true },
	{ "ssh_proto", BUF_SSH_PROTO, true },
	{ "ssh.proto", BUF_SSH_PROTO, true },
	{ "ssh_software", BUF_SSH_SOFTWARE, true },
	{ "ssh.software", BUF_SSH_SOFTWARE, true },
	/* file_data: resolved to the body of the rule's side at the end */
	{ "file_data", BUF_HTTP_SERVER_BODY, true },
	{ "file.data", BUF_HTTP_SERVER_BODY, true },
	{ "dce_stub_data", BUF_DCE_STUB_DATA, true },
	{ "dcerpc.stub_data", BUF_DCE_STUB_DATA, true },
	{ "ipv4.hdr", BUF_IPV4_HDR, true },
	{ "ipv6.hdr", BUF_IPV6_HDR, true },
	{ "tcp.hdr", BUF_TCP_HDR, true },
	{ "udp.hdr", BUF_UDP_HDR, true },
	{ "icmpv4.hdr", BUF_ICMPV4_HDR, true },
	{ "icmpv6.hdr", BUF_ICMPV6_HDR, true },
	{ "ssh.hassh", BUF_SSH_HASSH, true },
	{ "ssh.hassh.string", BUF_SSH_HASSH_STRING, true },
	{ "ssh.hassh.server", BUF_SSH_HASSH_SERVER, true },
	{ "ssh.hassh.server.string", BUF_SSH_HASSH_SERVER_STRING, true },
};

/* keywords that only describe the rule; they change nothing it matches
 * (requires: checked before the others, in rule_parse()) */
static const char *const descriptive[] = { "reference", "metadata", "rawbytes",
					   "target", "requires", NULL };

struct pstate {
	struct parse_ctx *ctx;
	struct rule *r;
	char *err;
	size_t errlen;
	int cur_buf;		/* sticky buffer, -1 = payload */
	bool cur_is_file_data;
	int last_list;		/* list of the last element added, -1 = none */
	int lc_list;		/* where the last content is (modifiers apply) */
	size_t lc_index;
	bool file_data_lists[RULE_LISTS];
	/* byte_extract variables: name and the list they belong to */
	char var_name[SM_MAX_VARS][32];
	int var_list[SM_MAX_VARS];
	int nvars;
	/* the sticky buffer's statement: its transforms (owned until the
	 * statement ends) and how many keywords put something in its list */
	struct xform_chain xf;
	size_t stmt_items;
	bool xf_fixed[RULE_LISTS];	/* a list's transforms are set */
	unsigned nb64;		/* base64_decode keywords so far */
	/* the rule's lists by list id, until take_lists() keeps the
	 * non-empty ones in the rule */
	struct smlist lists[RULE_LISTS];
};

static int fail(struct pstate *ps, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct pstate *ps, int rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s", msg);
	return rc;
}

static int parse_int(const char *s, long long min, long long max, long long *out)
{
	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_u64v(const char *s, uint64_t *out)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* strip surrounding quotes and backslash escapes (msg, metadata...) */
static char *unquote(const char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n)
			i++;
		o[j++] = v[i];
	}
	o[j] = 0;
	return o;
}

static struct sm *list_push(struct pstate *ps, int list)
{
	struct smlist *l = &ps->lists[list];
	if (list == ps->cur_buf) {
		/* the sticky buffer's statement: file_data's list is resolved
		 * to a body later (resolve_directions) */
		ps->stmt_items++;
		if (ps->cur_is_file_data)
			ps->file_data_lists[list] = true;
	}
	struct sm *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	l->v = v;
	memset(&v[l->n], 0, sizeof(*v));
	l->n++;
	ps->last_list = list;
	return &v[l->n - 1];
}

static int current_list(struct pstate *ps)
{
	return ps->cur_buf < 0 ? BUF_PAYLOAD : ps->cur_buf;
}

/*
 * A byte_extract variable named where kw takes a number: *out is its
 * index + 1.  It must be extracted earlier in the same buffer, as Suricata
 * requires; a negative errno (and a message) otherwise.  0 if name is not
 * a name.
 */
static int var_ref(struct pstate *ps, const char *name, int list, const char *kw, uint8_t *out)
{
	if (!isalpha((unsigned char)*name) && *name != '_')
		return 0;
	for (int i = 0; i < ps->nvars; i++) {
		if (strcmp(ps->var_name[i], name))
			continue;
		if (ps->var_list[i] != list)
			return fail(ps, -EINVAL, "%s: byte_extract variable '%s' is from another "
				    "buffer", kw, name);
		*out = (uint8_t)(i + 1);
		return 1;
	}
	return fail(ps, -EINVAL, "%s: '%s' is no number and no byte_extract variable "
		    "extracted before it", kw, name);
}

/* content modifiers apply to the last content, even past a pcre or
 * isdataat added after it (Suricata's rule) */
static struct sm *last_content(struct pstate *ps)
{
	if (ps->lc_list < 0)
		return NULL;
	return &ps->lists[ps->lc_list].v[ps->lc_index];
}

/*
 * The sticky buffer's statement ends (another buffer, pkt_data, the
 * rule's end): what it put in its list was inspected through its
 * transforms.  Every statement of one buffer must have the same ones:
 * Suricata makes each chain a buffer of its own, this engine one list.
 */
static int stmt_end(struct pstate *ps)
{
	int rc = 0;
	if (ps->cur_buf >= 0 && ps->stmt_items) {
		struct rule *r = ps->r;
		const struct xform_chain *had = smlist_xf(r, &ps->lists[ps->cur_buf]);
		static const struct xform_chain none;
		if (!ps->xf_fixed[ps->cur_buf]) {
			ps->xf_fixed[ps->cur_buf] = true;
			if (ps->xf.n) {
				struct xform_chain *v = realloc(r->xfs, (r->nxfs + 1) * sizeof(*v));
				if (!v)
					return -ENOMEM;	/* ps->xf is freed with ps */
				r->xfs = v;
				v[r->nxfs++] = ps->xf;
				ps->lists[ps->cur_buf].xf = r->nxfs;
				memset(&ps->xf, 0, sizeof(ps->xf));
			}
		} else if (!xform_equal(had ? had : &none, &ps->xf)) {
			rc = fail(ps, -ENOTSUP, "'%s' with other transforms than in its statement "
				  "before (each chain a buffer of its own) is not supported",
				  buf_name((enum buf_id)ps->cur_buf));
		}
	}
	xform_chain_free(&ps->xf);
	ps->stmt_items = 0;
	return rc;
}

/* a legacy modifier or pcre flag puts something in list, untransformed */
static int legacy_into(struct pstate *ps, int list)
{
	if (ps->lists[list].xf)
		return fail(ps, -ENOTSUP, "'%s' both with transforms and as a content modifier "
			    "is not supported", buf_name((enum buf_id)list));
	ps->xf_fixed[list] = true;
	return 0;
}

static int opt_content(struct pstate *ps, const char *v, const char *kw)
{
	if (!v)
		return fail(ps, -EINVAL, "'%s' needs a value", kw);
	bool neg = kw_negated(&v);
	size_t n = strlen(v);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return fail(ps, -EINVAL, "%s must be a quoted string", kw);
	char *inner = xstrndup(v + 1, n - 2);
	if (!inner)
		return -ENOMEM;
	uint8_t *bytes;
	uint32_t len;
	char msg[128];
	int rc = content_decode(inner, &bytes, &len, msg, sizeof(msg));
	free(inner);
	if (rc)
		return fail(ps, rc, "%s", msg);
	struct sm *m = list_push(ps, current_list(ps));
	if (!m) {
		free(bytes);
		return -ENOMEM;
	}
	m->type = SM_CONTENT;
	m->flags = neg ? SMF_NEGATED : 0;
	ps->lc_list = ps->last_list;
	ps->lc_index = ps->lists[ps->last_list].n - 1;
	m->u.content.bytes = bytes;
	m->u.content.len = len;
	return 0;
}

/* move the last content to another list (legacy modifiers) */
static int move_last_content_to(struct pstate *ps, int list)
{
	int rc = legacy_into(ps, list);
	if (rc)
		return rc;
	struct smlist *to = &ps->lists[list];
	struct sm *v = realloc(to->v, (to->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	to->v = v;
	struct smlist *from = &ps->lists[ps->lc_list];
	struct sm m = from->v[ps->lc_index];
	memmove(&from->v[ps->lc_index], &from->v[ps->lc_index + 1],
		(from->n - ps->lc_index - 1) * sizeof(struct sm));
	from->n--;
	v[to->n++] = m;
	ps->lc_list = list;
	ps->lc_index = to->n - 1;
	ps->last_list = list;
	return 0;
}

static int opt_buffer(struct pstate *ps, const char *kw, enum buf_id buf,
		      bool sticky, const char *v)
{
	if (v)
		return fail(ps, -EINVAL, "'%s' takes no value", kw);
	bool fdata = !strcmp(kw, "file_data") || !strcmp(kw, "file.data");
	/* Suricata 7 matches a second statement of a multi-buffer against
	 * its own instance (another name, another certificate) */
	if (sticky && (buf == BUF_TLS_SAN || buf == BUF_TLS_CERTS ||
		       buf == BUF_HTTP_REQUEST_HEADER || buf == BUF_HTTP_RESPONSE_HEADER) &&
	    ps->lists[buf].n)
		return fail(ps, -ENOTSUP, "'%s' a second time in one rule (each statement of "
			    "a multi-buffer matching its own instance) is not supported", kw);
	if (ps->cur_buf == LIST_BASE64_DATA)
		return fail(ps, -EINVAL, "'%s' after base64_data: Suricata's base64_data is the "
			    "rule's last buffer", kw);
	if (sticky) {
		int rc = stmt_end(ps);
		if (rc)
			return rc;
		ps->cur_buf = (int)buf;
		ps->cur_is_file_data = fdata;
		return 0;
	}
	/* modifier: the previous content moves to this buffer */
	if (ps->cur_buf >= 0)
		return fail(ps, -EINVAL, "'%s' after the sticky buffer '%s'", kw,
			    buf_name((enum buf_id)ps->cur_buf));
	if (ps->lc_list < 0)
		return fail(ps, -EINVAL, "'%s' needs a preceding content", kw);
	if (ps->lc_list != BUF_PAYLOAD) {
		if (ps->lc_list == (int)buf)
			return 0;	/* repeated modifier */
		return fail(ps, -EINVAL, "'%s' on a content already in '%s'", kw,
			    buf_name((enum buf_id)ps->lc_list));
	}
	return move_last_content_to(ps, (int)buf);
}

static int content_mod(struct pstate *ps, const char *kw, const char *v)
{
	struct sm *m = last_content(ps);
	if (!m)
		return fail(ps, -EINVAL, "'%s' needs a preceding content", kw);
	long long x;
	if (!strcmp(kw, "nocase")) {
		if (v)
			return fail(ps, -EINVAL, "'nocase' takes no value");
		m->flags |= SMF_NOCASE;
		return 0;
	}
	if (!strcmp(kw, "startswith") || !strcmp(kw, "endswith")) {
		if (v)
			return fail(ps, -EINVAL, "'%s' takes no value", kw);
		if (m->flags & (SMF_HAS_DEPTH | SMF_HAS_OFFSET | SMF_HAS_DISTANCE |
				SMF_HAS_WITHIN))
			return fail(ps, -EINVAL, "'%s' cannot be combined with positions", kw);
		m->flags |= kw[0] == 's' ? SMF_STARTSWITH : SMF_ENDSWITH;
		return 0;
	}
	if (!strcmp(kw, "fast_pattern")) {
		if (ps->lc_list == LIST_BASE64_DATA)
			return fail(ps, -EINVAL, "fast_pattern in base64_data: decoded data is not "
				    "prefiltered");
		if (m->flags & SMF_NEGATED && v && !strcmp(v, "only"))
			return fail(ps, -EINVAL, "fast_pattern:only on a negated content");
		m->flags |= SMF_FAST_PATTERN;
		if (!v)
			return 0;
		if (!strcmp(v, "only")) {
			m->flags |= SMF_FP_ONLY;
			return 0;
		}
		char *comma = strchr(v, ',');
		long long off, len;
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%s", v);
		/* the offset must fit in tmp: a long value is cut there */
		if (!comma || (size_t)(comma - v) >= sizeof(tmp))
			return fail(ps, -EINVAL, "bad fast_pattern value '%s'", v);
		tmp[comma - v] = 0;
		if (parse_int(tmp, 0, 65535, &off) ||
		    parse_int(comma + 1, 1, 65535, &len) ||
		    off + len > m->u.content.len)
			return fail(ps, -EINVAL, "bad fast_pattern chop '%s'", v);
		m->u.content.has_chop = true;
		m->u.content.fp_chop_off = (uint16_t)off;
		m->u.content.fp_chop_len = (uint16_t)len;
		return 0;
	}
	if (!v)
		return fail(ps, -EINVAL, "'%s' needs a value", kw);
	uint8_t var = 0;
	x = 0;
	if (parse_int(v, -65535, 65535, &x)) {
		char name[64];
		snprintf(name, sizeof(name), "%s", v);
		int vr = var_ref(ps, trim(name), ps->lc_list, kw, &var);
		if (vr < 0)
			return -EINVAL;
		if (vr == 0)
			return fail(ps, -EINVAL, "bad %s value '%s'", kw, v);
	}
	bool relative_kw = !strcmp(kw, "distance") || !strcmp(kw, "within");
	if (relative_kw && (m->flags & (SMF_HAS_DEPTH | SMF_HAS_OFFSET)))
		return fail(ps, -EINVAL, "'%s' mixed with depth/offset on one content", kw);
	if (!relative_kw && (m->flags & (SMF_HAS_DISTANCE | SMF_HAS_WITHIN)))
		return fail(ps, -EINVAL, "'%s' mixed with distance/within on one content", kw);
	if (m->flags & (SMF_STARTSWITH | SMF_ENDSWITH))
		return fail(ps, -EINVAL, "'%s' with startswith/endswith", kw);
	int slot;
	if (!strcmp(kw, "offset")) {
		if (x < 0)
			return fail(ps, -EINVAL, "negative offset");
		m->u.content.offset = (int32_t)x;
		m->flags |= SMF_HAS_OFFSET;
		slot = 0;
	} else if (!strcmp(kw, "depth")) {
		if (!var && x < (long long)m->u.content.len)
			return fail(ps, -EINVAL, "depth %lld is less than the content length %u",
				    x, m->u.content.len);
		m->u.content.depth = (int32_t)x;
		m->flags |= SMF_HAS_DEPTH;
		slot = 1;
	} else if (!strcmp(kw, "distance")) {
		m->u.content.distance = (int32_t)x;
		m->flags |= SMF_HAS_DISTANCE | SMF_RELATIVE;
		slot = 2;
	} else {
		if (!var && x < (long long)m->u.content.len)
			return fail(ps, -EINVAL, "within %lld is less than the content length %u",
				    x, m->u.content.len);
		m->u.content.within = (int32_t)x;
		m->flags |= SMF_HAS_WITHIN | SMF_RELATIVE;
		slot = 3;
	}
	if (var) {
		/* the window is known only while matching: no bounds from it */
		m->u.content.var[slot] = var;
		m->flags |= SMF_VARS;
	}
	return 0;
}

static int opt_pcre(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'pcre' needs a value");
	bool neg = kw_negated(&v);
	size_t n = strlen(v);
	if (n < 4 || v[0] != '"' || v[n - 1] != '"' || v[1] != '/')
		return fail(ps, -EINVAL, "pcre must look like \"/regex/flags\"");
	const char *body = v + 2;
	const char *last = v + n - 2;
	while (last > body && *last != '/')
		last--;
	if (last < body || *last != '/')
		return fail(ps, -EINVAL, "pcre has no closing '/'");
	char *re = xstrndup(body, (size_t)(last - body));
	char *fl = xstrndup(last + 1, (size_t)(v + n - 1 - (last + 1)));
	if (!re || !fl) {
		free(re);
		free(fl);
		return -ENOMEM;
	}
	uint32_t opts = 0;
	unsigned hsflags = 0;
	bool relative = false;
	int buf = -1;
	int rc = 0;
	for (char *f = fl; *f; f++) {
		int b = -1;
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; hsflags |= HS_FLAG_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; hsflags |= HS_FLAG_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; hsflags |= HS_FLAG_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		case 'A': opts |= PCRE2_ANCHORED; break;
		case 'E': opts |= PCRE2_DOLLAR_ENDONLY; break;
		case 'G': opts |= PCRE2_UNGREEDY; break;
		case 'R': relative = true; break;
		case 'O': break;	/* only match limits */
		case 'B': break;	/* rawbytes: no-op as in Suricata */
		case 'U': b = BUF_HTTP_URI; break;
		case 'I': b = BUF_HTTP_RAW_URI; break;
		case 'P': b = BUF_HTTP_CLIENT_BODY; break;
		case 'Q': b = BUF_HTTP_SERVER_BODY; break;
		case 'H': b = BUF_HTTP_HEADER; break;
		case 'D': b = BUF_HTTP_RAW_HEADER; break;
		case 'M': b = BUF_HTTP_METHOD; break;
		case 'C': b = BUF_HTTP_COOKIE; break;
		case 'S': b = BUF_HTTP_STAT_CODE; break;
		case 'Y': b = BUF_HTTP_STAT_MSG; break;
		case 'V': b = BUF_HTTP_UA; break;
		case 'W': b = BUF_HTTP_HOST; break;
		case 'Z': b = BUF_HTTP_RAW_HOST; break;
		default:
			rc = fail(ps, -EINVAL, "unknown pcre flag '%c'", *f);
			goto out;
		}
		if (b >= 0) {
			if (buf >= 0 && buf != b) {
				rc = fail(ps, -EINVAL, "pcre names two buffers");
				goto out;
			}
			buf = b;
		}
	}
	if (buf >= 0 && ps->cur_buf >= 0 && ps->cur_buf != buf) {
		rc = fail(ps, -EINVAL, "pcre buffer flag conflicts with sticky buffer '%s'",
			  buf_name((enum buf_id)ps->cur_buf));
		goto out;
	}
	int err;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts,
					 &err, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(err, msg, sizeof(msg));
		rc = fail(ps, -EINVAL, "pcre does not compile at offset %zu: %s",
			  (size_t)erroff, (char *)msg);
		goto out;
	}
	if (buf >= 0 && ps->cur_buf < 0 && (rc = legacy_into(ps, buf))) {
		pcre2_code_free(code);
		goto out;
	}
	struct sm *m = list_push(ps, buf >= 0 ? buf : current_list(ps));
	if (!m) {
		pcre2_code_free(code);
		rc = -ENOMEM;
		goto out;
	}
	m->type = SM_PCRE;
	m->flags = (neg ? SMF_NEGATED : 0) | (relative ? SMF_RELATIVE : 0);
	m->u.pcre.code = code;
	atomic_init(&m->u.pcre.jit, PCRE_JIT_PENDING);
	m->u.pcre.memo = -1;
	m->u.pcre.src = re;
	re = NULL;
	/* a non-relative, non-negated pcre can prefilter a rule with no content */
	if (!neg && !relative && !ps->r->fp_regex && ps->last_list != LIST_BASE64_DATA) {
		ps->r->fp_regex = strdup(m->u.pcre.src);
		ps->r->fp_regex_flags = hsflags;
		ps->r->fp_buf = ps->last_list;
		if (opts & PCRE2_EXTENDED) {
			free(ps->r->fp_regex);
			ps->r->fp_regex = NULL;	/* hyperscan has no /x flag */
			ps->r->fp_buf = -1;
		}
	}
out:
	free(re);
	free(fl);
	return rc;
}

static bool parse_endian_etc(const char *w, uint32_t *bf, char **dce_kw)
{
	if (!strcmp(w, "big"))
		*bf &= ~BF_LITTLE;
	else if (!strcmp(w, "little"))
		*bf |= BF_LITTLE;
	else if (!strcmp(w, "string"))
		*bf |= BF_STRING;
	else if (!strcmp(w, "hex"))
		*bf |= BF_BASE_HEX;
	else if (!strcmp(w, "oct"))
		*bf |= BF_BASE_OCT;
	else if (!strcmp(w, "dec"))
		;
	else if (!strcmp(w, "dce")) {
		*dce_kw = "dce";
		return true;
	} else
		return false;
	return true;
}

/*
 * 'dce' in byte_test, byte_jump, byte_extract: the number is in the byte
 * order of the DCERPC PDU (Suricata's), so only in the stub data, and
 * never with a byte order or a string form of its own.  Suricata also
 * takes it before dce_stub_data, moving the keyword into the stub; that
 * form is refused here.
 */
static int dce_byte_order(struct pstate *ps, const char *kw, char **f, int n, uint32_t *bf)
{
	static const char *const own[] = { "big", "little", "string", "hex", "dec", "oct" };
	if (ps->cur_buf != BUF_DCE_STUB_DATA)
		return fail(ps, -ENOTSUP, "unsupported keyword 'dce' (%s outside dce_stub_data)", kw);
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			if (!strcmp(f[i], own[k]))
				return fail(ps, -EINVAL, "%s: 'dce' with '%s' (the PDU gives the byte "
					    "order)", kw, f[i]);
	*bf |= BF_DCE;
	return 0;
}

#define MAX_FIELDS 12
static int split_fields(char *s, char **f)
{
	int n = 0;
	char *save;
	for (char *t = strtok_r(s, ",", &save); t && n < MAX_FIELDS;
	     t = strtok_r(NULL, ",", &save))
		f[n++] = trim(t);
	return n;
}

static int opt_byte_test(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'byte_test' needs a value");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 4)
		return fail(ps, -EINVAL, "byte_test needs bytes, operator, value, offset");
	long long nb, off;
	uint64_t val;
	/* 0 with 'string': the number is the rest of the buffer (Suricata's
	 * http.content_len; byte_test:0,>=,N,0,string,dec) */
	if (parse_int(f[0], 0, 10, &nb))
		return fail(ps, -EINVAL, "byte_test: bad number of bytes '%s'", f[0]);
	uint32_t bf = 0;
	char *op = f[1];
	if (*op == '!') {
		bf |= BF_NEGATE_OP;
		op++;
	}
	char opc;
	if (!strcmp(op, "<")) opc = '<';
	else if (!strcmp(op, ">")) opc = '>';
	else if (!strcmp(op, "=")) opc = '=';
	else if (!strcmp(op, "<=")) opc = 'l';
	else if (!strcmp(op, ">=")) opc = 'g';
	else if (!strcmp(op, "&")) opc = '&';
	else if (!strcmp(op, "^")) opc = '^';
	else if (!strcmp(op, "") && (bf & BF_NEGATE_OP)) opc = '=';
	else
		return fail(ps, -EINVAL, "byte_test: bad operator '%s'", f[1]);
	uint8_t var_value = 0, var_offset = 0;
	int vr;
	val = 0;
	off = 0;
	if (parse_u64v(f[2], &val)) {
		if ((vr = var_ref(ps, f[2], current_list(ps), "byte_test value", &var_value)) < 0)
			return -EINVAL;
		if (!vr)
			return fail(ps, -EINVAL, "byte_test: bad value '%s'", f[2]);
	}
	if (parse_int(f[3], -65535, 65535, &off)) {
		if ((vr = var_ref(ps, f[3], current_list(ps), "byte_test offset", &var_offset)) < 0)
			return -EINVAL;
		if (!vr)
			return fail(ps, -EINVAL, "byte_test: bad offset '%s'", f[3]);
	}
	bool relative = false;
	uint64_t mask = 0;
	char *dce = NULL;
	for (int i = 4; i < n; i++) {
		if (!strcmp(f[i], "relative"))
			relative = true;
		else if (!strncmp(f[i], "bitmask", 7)) {
			if (parse_u64v(f[i] + 7, &mask) || !mask)
				return fail(ps, -EINVAL, "byte_test: bad bitmask '%s'", f[i]);
			bf |= BF_HAS_BITMASK;
		} else if (!parse_endian_etc(f[i], &bf, &dce))
			return fail(ps, -EINVAL, "byte_test: unknown option '%s'", f[i]);
	}
	int drc = dce ? dce_byte_order(ps, "byte_test", f + 4, n - 4, &bf) : 0;
	if (drc)
		return drc;
	if (!(bf & BF_STRING) && nb > 8)
		return fail(ps, -EINVAL, "byte_test: more than 8 bytes needs 'string'");
	if (!(bf & BF_STRING) && nb == 0)
		return fail(ps, -EINVAL, "byte_test: 0 bytes (the rest of the buffer) needs 'string'");
	if ((bf & (BF_BASE_HEX | BF_BASE_OCT)) && !(bf & BF_STRING))
		return fail(ps, -EINVAL, "byte_test: hex/oct need 'string'");
	struct sm *m = list_push(ps, current_list(ps));
	if (!m)
		return -ENOMEM;
	m->type = SM_BYTE_TEST;
	m->flags = relative ? SMF_RELATIVE : 0;
	m->u.btest.nbytes = (uint8_t)nb;
	m->u.btest.op = opc;
	m->u.btest.bflags = bf;
	m->u.btest.value = val;
	m->u.btest.bitmask = mask;
	m->u.btest.offset = (int32_t)off;
	m->u.btest.var_value = var_value;
	m->u.btest.var_offset = var_offset;
	if (var_value || var_offset)
		m->flags |= SMF_VARS;
	return 0;
}

/* a variable's name where byte_jump takes a number only (var_ref's test) */
static bool var_named(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return isalpha((unsigned char)*s) || *s == '_';
}
#define VAR_NOT_HERE " (byte_jump takes a byte_extract variable as nbytes or offset only)"

static int opt_byte_jump(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'byte_jump' needs a value");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 2)
		return fail(ps, -EINVAL, "byte_jump needs bytes, offset");
	long long nb = 0, off = 0, x;
	/* Suricata 7 takes a byte_extract variable as the number of bytes
	 * and as the offset; post_offset and multiplier stay numbers */
	uint8_t var_nbytes = 0, var_offset = 0;
	int vr;
	if (parse_int(f[0], 1, 10, &nb)) {
		if ((vr = var_ref(ps, f[0], current_list(ps), "byte_jump nbytes", &var_nbytes)) < 0)
			return -EINVAL;
		if (!vr)
			return fail(ps, -EINVAL, "byte_jump: bad number of bytes '%s'", f[0]);
	}
	if (parse_int(f[1], -65535, 65535, &off)) {
		if ((vr = var_ref(ps, f[1], current_list(ps), "byte_jump offset", &var_offset)) < 0)
			return -EINVAL;
		if (!vr)
			return fail(ps, -EINVAL, "byte_jump: bad offset '%s'", f[1]);
	}
	uint32_t bf = 0;
	bool relative = false;
	int32_t post = 0;
	uint32_t mult = 1;
	uint64_t mask = 0;
	char *dce = NULL;
	for (int i = 2; i < n; i++) {
		if (!strcmp(f[i], "relative"))
			relative = true;
		else if (!strcmp(f[i], "align"))
			bf |= BF_ALIGN;
		else if (!strcmp(f[i], "from_beginning"))
			bf |= BF_FROM_BEGIN;
		else if (!strcmp(f[i], "from_end"))
			bf |= BF_FROM_END;
		else if (!strncmp(f[i], "post_offset", 11)) {
			if (parse_int(f[i] + 11, -65535, 65535, &x))
				return fail(ps, -EINVAL, "byte_jump: bad post_offset '%s'%s", f[i],
					    var_named(f[i] + 11) ? VAR_NOT_HERE : "");
			post = (int32_t)x;
		} else if (!strncmp(f[i], "multiplier", 10)) {
			if (parse_int(f[i] + 10, 1, 65535, &x))
				return fail(ps, -EINVAL, "byte_jump: bad multiplier '%s'%s", f[i],
					    var_named(f[i] + 10) ? VAR_NOT_HERE : "");
			mult = (uint32_t)x;
		} else if (!strncmp(f[i], "bitmask", 7)) {
			if (parse_u64v(f[i] + 7, &mask) || !mask)
				return fail(ps, -EINVAL, "byte_jump: bad bitmask '%s'", f[i]);
			bf |= BF_HAS_BITMASK;
		} else if (!parse_endian_etc(f[i], &bf, &dce))
			return fail(ps, -EINVAL, "byte_jump: unknown option '%s'", f[i]);
	}
	int drc = dce ? dce_byte_order(ps, "byte_jump", f + 2, n - 2, &bf) : 0;
	if (drc)
		return drc;
	if (!(bf & BF_STRING) && nb > 8)
		return fail(ps, -EINVAL, "byte_jump: more than 8 bytes needs 'string'");
	struct sm *m = list_push(ps, current_list(ps));
	if (!m)
		return -ENOMEM;
	m->type = SM_BYTE_JUMP;
	m->flags = relative ? SMF_RELATIVE : 0;
	m->u.bjump.nbytes = (uint8_t)nb;
	m->u.bjump.bflags = bf;
	m->u.bjump.offset = (int32_t)off;
	m->u.bjump.post_offset = post;
	m->u.bjump.multiplier = mult;
	m->u.bjump.bitmask = mask;
	m->u.bjump.var_nbytes = var_nbytes;
	m->u.bjump.var_offset = var_offset;
	if (var_nbytes || var_offset)
		m->flags |= SMF_VARS;
	return 0;
}

static int opt_isdataat(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'isdataat' needs a value");
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 1)
		return fail(ps, -EINVAL, "'isdataat' needs an offset");
	bool neg = false;
	char *num = f[0];
	if (*num == '!') {
		neg = true;
		num++;
	}
	long long off = 0;
	uint8_t var = 0;
	if (parse_int(num, 0, 65535, &off)) {
		int vr = var_ref(ps, num, current_list(ps), "isdataat", &var);
		if (vr < 0)
			return -EINVAL;
		if (!vr)
			return fail(ps, -EINVAL, "isdataat: bad offset '%s'", f[0]);
	}
	bool relative = false;
	for (int i = 1; i < n; i++) {
		if (!strcmp(f[i], "relative"))
			relative = true;
		else if (!strcmp(f[i], "rawbytes"))
			;
		else
			return fail(ps, -EINVAL, "isdataat: unknown option '%s'", f[i]);
	}
	struct sm *m = list_push(ps, current_list(ps));
	if (!m)
		return -ENOMEM;
	m->type = SM_ISDATAAT;
	m->flags = (neg ? SMF_NEGATED : 0) | (relative ? SMF_RELATIVE : 0) | (var ? SMF_VARS : 0);
	m->u.isdataat.offset = (int32_t)off;
	m->u.isdataat.var_offset = var;
	return 0;
}

/* asn1: on the payload, where Suricata puts it; a sticky buffer before it is refused */
static int opt_asn1(struct pstate *ps, const char *v)
{
	struct asn1_opts o;

	if (!v)
		return fail(ps, -EINVAL, "'asn1' needs a value");
	if (ps->cur_buf >= 0)
		return fail(ps, -ENOTSUP, "asn1: only on the payload, not after a sticky buffer");
	if (asn1_parse_opts(v, &o, ps->err, ps->errlen))
		return -EINVAL;
	struct sm *m = list_push(ps, BUF_PAYLOAD);
	if (!m)
		return -ENOMEM;
	m->type = SM_ASN1;
	m->flags = o.flags & ASN1_RELATIVE_OFFSET ? SMF_RELATIVE : 0;
	m->u.asn1 = o;
	return 0;
}

/* a new variable's name for kw: checked, not yet taken; 0 or -errno */
static int new_var(struct pstate *ps, const char *kw, const char *name)
{
	if ((!isalpha((unsigned char)*name) && *name != '_') || strlen(name) >= 32)
		return fail(ps, -EINVAL, "%s: bad variable name '%s'", kw, name);
	for (int i = 0; i < ps->nvars; i++)
		if (!strcmp(ps->var_name[i], name))
			return fail(ps, -EINVAL, "%s: variable '%s' set twice", kw, name);
	if (ps->nvars == SM_MAX_VARS)
		return fail(ps, -EINVAL, "%s: more than %d variables", kw, SM_MAX_VARS);
	return 0;
}

/* an element of list that sets the new variable name (new_var() said
 * yes): *var is its index; NULL without memory */
static struct sm *push_var_setter(struct pstate *ps, int list, const char *name, uint8_t *var)
{
	struct sm *m = list_push(ps, list);
	if (!m)
		return NULL;
	snprintf(ps->var_name[ps->nvars], sizeof(ps->var_name[0]), "%s", name);
	ps->var_list[ps->nvars] = list;
	*var = (uint8_t)ps->nvars++;
	return m;
}

/*
 * byte_extract:N,OFFSET,NAME[,relative][,multiplier M][,big|little]
 * [,string[,hex|dec|oct]][,align 2|4][,bitmask B]: reads a number, as
 * byte_test does, into NAME for the options after it in the same buffer.
 */
static int opt_byte_extract(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'byte_extract' needs a value");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 3)
		return fail(ps, -EINVAL, "byte_extract needs bytes, offset, name");
	long long nb, off, x;
	if (parse_int(f[0], 1, 20, &nb))
		return fail(ps, -EINVAL, "byte_extract: bad number of bytes '%s'", f[0]);
	if (parse_int(f[1], -65535, 65535, &off))
		return fail(ps, -EINVAL, "byte_extract: bad offset '%s'", f[1]);
	const char *name = f[2];
	int vrc = new_var(ps, "byte_extract", name);
	if (vrc)
		return vrc;
	uint32_t bf = 0, mult = 1;
	uint8_t align = 0;
	bool relative = false;
	uint64_t mask = 0;
	char *dce = NULL;
	for (int i = 3; i < n; i++) {
		if (!strcmp(f[i], "relative")) {
			relative = true;
		} else if (!strncmp(f[i], "multiplier", 10)) {
			if (parse_int(f[i] + 10, 1, 65535, &x))
				return fail(ps, -EINVAL, "byte_extract: bad multiplier '%s'", f[i]);
			mult = (uint32_t)x;
		} else if (!strncmp(f[i], "align", 5)) {
			if (parse_int(f[i] + 5, 2, 4, &x) || x == 3)
				return fail(ps, -EINVAL, "byte_extract: align must be 2 or 4 ('%s')", f[i]);
			align = (uint8_t)x;
		} else if (!strncmp(f[i], "bitmask", 7)) {
			if (parse_u64v(f[i] + 7, &mask) || !mask)
				return fail(ps, -EINVAL, "byte_extract: bad bitmask '%s'", f[i]);
			bf |= BF_HAS_BITMASK;
		} else if (!parse_endian_etc(f[i], &bf, &dce)) {
			return fail(ps, -EINVAL, "byte_extract: unknown option '%s'", f[i]);
		}
	}
	int drc = dce ? dce_byte_order(ps, "byte_extract", f + 3, n - 3, &bf) : 0;
	if (drc)
		return drc;
	if (!(bf & BF_STRING) && nb > 8)
		return fail(ps, -EINVAL, "byte_extract: more than 8 bytes needs 'string'");
	if ((bf & (BF_BASE_HEX | BF_BASE_OCT)) && !(bf & BF_STRING))
		return fail(ps, -EINVAL, "byte_extract: hex/oct need 'string'");
	uint8_t var;
	struct sm *m = push_var_setter(ps, current_list(ps), name, &var);
	if (!m)
		return -ENOMEM;
	m->type = SM_BYTE_EXTRACT;
	m->flags = relative ? SMF_RELATIVE : 0;
	m->u.bextract.nbytes = (uint8_t)nb;
	m->u.bextract.var = var;
	m->u.bextract.align = align;
	m->u.bextract.bflags = bf;
	m->u.bextract.offset = (int32_t)off;
	m->u.bextract.multiplier = mult;
	m->u.bextract.bitmask = mask;
	return 0;
}

/*
 * byte_math: "bytes N, offset N, oper OP, rvalue V, result NAME" and
 * optionally relative, "endian big|little|dce", dce, "string hex|dec|oct",
 * "bitmask HEX"; the result is a variable as byte_extract's.
 */
static int opt_byte_math(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'byte_math' needs a value");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	long long nb = -1, off = LLONG_MIN, x;
	const char *oper = NULL, *rv = NULL, *result = NULL;
	uint32_t bf = 0;
	bool relative = false, dce = false;
	uint64_t mask = 0;
	for (int i = 0; i < n; i++) {
		char *val = f[i] + strcspn(f[i], " \t");
		if (*val)
			*val++ = 0;
		val = trim(val);
		const char *k = f[i];
		if (!strcmp(k, "relative") && !*val) {
			relative = true;
		} else if (!strcmp(k, "dce") && !*val) {
			dce = true;
		} else if (!strcmp(k, "bytes")) {
			if (parse_int(val, 1, 10, &nb))
				return fail(ps, -EINVAL, "byte_math: bad bytes '%s' (1 to 10)", val);
		} else if (!strcmp(k, "offset")) {
			if (parse_int(val, -65535, 65535, &off))
				return fail(ps, -EINVAL, "byte_math: bad offset '%s'", val);
		} else if (!strcmp(k, "oper")) {
			oper = val;
		} else if (!strcmp(k, "rvalue")) {
			rv = val;
		} else if (!strcmp(k, "result")) {
			result = val;
		} else if (!strcmp(k, "endian") && !strcmp(val, "dce")) {
			dce = true;
		} else if (!strcmp(k, "endian") && (!strcmp(val, "big") || !strcmp(val, "little"))) {
			bf = !strcmp(val, "little") ? bf | BF_LITTLE : bf & ~(uint32_t)BF_LITTLE;
		} else if (!strcmp(k, "string") && (!strcmp(val, "hex") || !strcmp(val, "dec") ||
						    !strcmp(val, "oct"))) {
			bf |= BF_STRING | (val[0] == 'h' ? BF_BASE_HEX : val[0] == 'o' ? BF_BASE_OCT : 0);
		} else if (!strcmp(k, "bitmask")) {
			/* hex, as Suricata reads it */
			char *e;
			errno = 0;
			mask = strtoull(val, &e, 16);
			if (!*val || *e || errno || !mask || mask > UINT32_MAX)
				return fail(ps, -EINVAL, "byte_math: bad bitmask '%s'", val);
			bf |= BF_HAS_BITMASK;
		} else {
			return fail(ps, -EINVAL, "byte_math: unknown option '%s%s%s'", k,
				    *val ? " " : "", val);
		}
	}
	if (nb < 0 || off == LLONG_MIN || !oper || !rv || !result)
		return fail(ps, -EINVAL, "byte_math needs bytes, offset, oper, rvalue and result");
	static const char *const opers[] = { "+", "-", "*", "/", "<<", ">>" };
	if (kw_index(oper, opers, sizeof(opers) / sizeof(opers[0])) < 0)
		return fail(ps, -EINVAL, "byte_math: bad oper '%s' (+ - * / << >>)", oper);
	char op = oper[0];	/* '<' and '>' stand for the shifts */
	if ((op == '<' || op == '>') && nb > 4)
		return fail(ps, -EINVAL, "byte_math: bytes must be 1 to 4 with '%s'", oper);
	if (!(bf & BF_STRING) && nb > 8)
		return fail(ps, -EINVAL, "byte_math: more than 8 bytes needs 'string'");
	if (dce) {
		if (ps->cur_buf != BUF_DCE_STUB_DATA)
			return fail(ps, -ENOTSUP, "unsupported keyword 'dce' (byte_math outside "
				    "dce_stub_data)");
		if (bf & (BF_STRING | BF_LITTLE) || (nb != 1 && nb != 2 && nb != 4))
			return fail(ps, -EINVAL, "byte_math: 'dce' takes 1, 2 or 4 bytes and no "
				    "string or endian of its own");
		bf |= BF_DCE;
	}
	int list = current_list(ps);
	uint8_t var_rv = 0;
	uint32_t rvalue = 0;
	if (isalpha((unsigned char)*rv) || *rv == '_') {
		if (var_ref(ps, rv, list, "byte_math rvalue", &var_rv) <= 0)
			return -EINVAL;
	} else if (parse_int(rv, 0, UINT32_MAX, &x)) {
		return fail(ps, -EINVAL, "byte_math: bad rvalue '%s'", rv);
	} else {
		rvalue = (uint32_t)x;
	}
	int rc = new_var(ps, "byte_math", result);
	if (rc)
		return rc;
	uint8_t var;
	struct sm *m = push_var_setter(ps, list, result, &var);
	if (!m)
		return -ENOMEM;
	m->type = SM_BYTE_MATH;
	m->flags = relative ? SMF_RELATIVE : 0;
	m->u.bmath.nbytes = (uint8_t)nb;
	m->u.bmath.var = var;
	m->u.bmath.var_rvalue = var_rv;
	m->u.bmath.oper = op;
	m->u.bmath.bflags = bf;
	m->u.bmath.rvalue = rvalue;
	m->u.bmath.offset = (int32_t)off;
	m->u.bmath.bitmask = mask;
	return 0;
}

static int opt_flow(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'flow' needs a value");
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 1)
		return fail(ps, -EINVAL, "'flow' needs a value");
	for (int i = 0; i < n; i++) {
		const char *w = f[i];
		if (!strcmp(w, "established"))
			ps->r->flow_state |= FLOW_ESTABLISHED;
		else if (!strcmp(w, "not_established"))
			ps->r->flow_state |= FLOW_NOT_ESTABLISHED;
		else if (!strcmp(w, "stateless"))
			ps->r->flow_state |= FLOW_STATELESS;
		else if (!strcmp(w, "to_server") || !strcmp(w, "from_client"))
			ps->r->flow_dirs |= DIR_TO_SERVER;
		else if (!strcmp(w, "to_client") || !strcmp(w, "from_server"))
			ps->r->flow_dirs |= DIR_TO_CLIENT;
		else if (!strcmp(w, "only_stream"))
			ps->r->only_stream = true;
		else if (!strcmp(w, "no_stream"))
			ps->r->no_stream = true;
		else if (!strcmp(w, "only_frag"))
			ps->r->flow_state |= FLOW_ONLY_FRAG;
		else if (!strcmp(w, "no_frag"))
			ps->r->flow_state |= FLOW_NO_FRAG;
		else
			return fail(ps, -EINVAL, "flow: unknown option '%s'", w);
	}
	if (ps->r->flow_dirs == (DIR_TO_SERVER | DIR_TO_CLIENT))
		return fail(ps, -EINVAL, "flow: both to_server and to_client");
	if ((ps->r->flow_state & FLOW_ESTABLISHED) &&
	    (ps->r->flow_state & FLOW_NOT_ESTABLISHED))
		return fail(ps, -EINVAL, "flow: established and not_established");
	if (ps->r->only_stream && ps->r->no_stream)
		return fail(ps, -EINVAL, "flow: only_stream and no_stream");
	if ((ps->r->flow_state & FLOW_ONLY_FRAG) && (ps->r->flow_state & FLOW_NO_FRAG))
		return fail(ps, -EINVAL, "flow: only_frag and no_frag");
	return 0;
}

/* the index of name in a rule set's table of names, added if new */
static int name_index(struct flowbit_names *fb, const char *name, uint32_t *idx)
{
	for (size_t i = 0; i < fb->n; i++) {
		if (!strcmp(fb->names[i], name)) {
			*idx = (uint32_t)i;
			return 0;
		}
	}
	char **v = realloc(fb->names, (fb->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	fb->names = v;
	v[fb->n] = strdup(name);
	if (!v[fb->n])
		return -ENOMEM;
	*idx = (uint32_t)fb->n++;
	return 0;
}

static int flowbit_index(struct pstate *ps, const char *name, uint32_t *idx)
{
	if (!*name)
		return fail(ps, -EINVAL, "flowbits: empty name");
	return name_index(ps->ctx->fbnames, name, idx);
}

/* a flowint variable's name as Suricata's: a letter, then letters,
 * digits, '_', '.', '/' */
static bool flowint_name_ok(const char *s, bool var_chars)
{
	if (!isalpha((unsigned char)*s) || !s[1])
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' &&
		    !(var_chars && (*s == '.' || *s == '/')))
			return false;
	return true;
}

/* flowint:name,op[,value]: value a number or another flowint */
static int opt_flowint(struct pstate *ps, const char *v)
{
	static const char *const ops[] = {
		[FI_SET] = "=", [FI_ADD] = "+", [FI_SUB] = "-", [FI_EQ] = "==", [FI_NE] = "!=",
		[FI_LT] = "<", [FI_LE] = "<=", [FI_GT] = ">", [FI_GE] = ">=", [FI_ISSET] = "isset",
		[FI_NOTSET] = "notset",
	};
	if (!v)
		return fail(ps, -EINVAL, "'flowint' needs a value");
	if (!ps->ctx->finames)
		return fail(ps, -ENOTSUP, "flowint is not supported here");
	char tmp[256];
	if (strlen(v) >= sizeof(tmp))
		return fail(ps, -EINVAL, "flowint: value too long");
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n < 2 || n > 3)
		return fail(ps, -EINVAL, "flowint: '%s' is not name, operator[, value]", v);
	if (!flowint_name_ok(f[0], true))
		return fail(ps, -EINVAL, "flowint: bad name '%s'", f[0]);
	int k = kw_index(!strcmp(f[1], "isnotset") ? "notset" : f[1], ops,
			 sizeof(ops) / sizeof(ops[0]));
	if (k < 0)
		return fail(ps, -EINVAL, "flowint: unknown operator '%s'", f[1]);
	struct flowint fi = { .op = (uint8_t)k };
	if (k != FI_ISSET && k != FI_NOTSET) {
		long long x;
		if (n < 3)
			return fail(ps, -EINVAL, "flowint: '%s' needs a value", f[1]);
		if (isdigit((unsigned char)*f[2])) {
			if (parse_int(f[2], 0, UINT32_MAX, &x))
				return fail(ps, -EINVAL, "flowint: bad value '%s' (0-%u)", f[2],
					    UINT32_MAX);
			fi.target = (uint32_t)x;
		} else {
			if (!flowint_name_ok(f[2], false))
				return fail(ps, -EINVAL, "flowint: bad value '%s'", f[2]);
			fi.target_var = true;
			int rc = name_index(ps->ctx->finames, f[2], &fi.target);
			if (rc)
				return rc;
		}
	}
	int rc = name_index(ps->ctx->finames, f[0], &fi.idx);
	if (rc)
		return rc;
	struct rule *r = ps->r;
	struct flowint *nv = realloc(r->fints, (r->nfints + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	r->fints = nv;
	nv[r->nfints++] = fi;
	return 0;
}

static int opt_flowbits(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'flowbits' needs a value");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *comma = strchr(tmp, ',');
	char *opname = trim(tmp);
	char *name = NULL;
	if (comma) {
		*comma = 0;
		opname = trim(tmp);
		name = trim(comma + 1);
	}
	if (!strcmp(opname, "noalert")) {
		if (name)
			return fail(ps, -EINVAL, "flowbits:noalert takes no name");
		ps->r->noalert = true;
		return 0;
	}
	struct flowbit fb = { 0 };
	if (!strcmp(opname, "set")) fb.op = FB_SET;
	else if (!strcmp(opname, "unset")) fb.op = FB_UNSET;
	else if (!strcmp(opname, "toggle")) fb.op = FB_TOGGLE;
	else if (!strcmp(opname, "isset")) fb.op = FB_ISSET;
	else if (!strcmp(opname, "isnotset")) fb.op = FB_ISNOTSET;
	else
		return fail(ps, -EINVAL, "flowbits: unknown operation '%s'", opname);
	if (!name)
		return fail(ps, -EINVAL, "flowbits:%s needs a name", opname);
	if (strchr(name, '&'))
		return fail(ps, -ENOTSUP, "unsupported keyword 'flowbits' (with '&')");
	if (strchr(name, '|') && fb.op != FB_ISSET)
		return fail(ps, -ENOTSUP, "unsupported keyword 'flowbits' ('|' outside isset)");
	char *save;
	for (char *t = strtok_r(name, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		if (fb.nidx >= 8)
			return fail(ps, -EINVAL, "flowbits: too many alternatives");
		char *nm = trim(t);
		for (char *c = nm; *c; c++)
			if (isspace((unsigned char)*c))
				return fail(ps, -EINVAL, "flowbits: space in name '%s'", nm);
		int rc = flowbit_index(ps, nm, &fb.idx[fb.nidx]);
		if (rc)
			return rc;
		fb.nidx++;
	}
	if (!fb.nidx)
		return fail(ps, -EINVAL, "flowbits: empty name");
	struct flowbit *nv = realloc(ps->r->fbits, (ps->r->nfbits + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	ps->r->fbits = nv;
	nv[ps->r->nfbits++] = fb;
	return 0;
}

/*
 * tag:session[,N,packets|seconds|bytes[,src|dst]]: the flow's packets
 * after an alert are logged (EVE "packet" events), as Suricata's default
 * tagged-packets output.  Host tags are not supported.
 */
static int opt_tag(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'tag' needs a value");
	if (ps->r->tag_metric)
		return fail(ps, -EINVAL, "'tag' given twice");
	char tmp[128];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n >= 1 && !strcmp(f[0], "host"))
		return fail(ps, -ENOTSUP, "unsupported keyword 'tag' (tag:host)");
	if (n < 1 || strcmp(f[0], "session"))
		return fail(ps, -EINVAL, "tag: '%s' is not session or host", n ? f[0] : "");
	if (n == 2 || n > 4)
		return fail(ps, -EINVAL, "tag: session[,count,packets|seconds|bytes[,src|dst]]");
	ps->r->tag_metric = TAG_PACKETS;
	ps->r->tag_count = 256;		/* Suricata's default */
	if (n == 1)
		return 0;
	long long c;
	if (parse_int(f[1], 1, UINT32_MAX, &c))
		return fail(ps, -EINVAL, "tag: bad count '%s'", f[1]);
	if (!strcmp(f[2], "packets"))
		ps->r->tag_metric = TAG_PACKETS;
	else if (!strcmp(f[2], "seconds"))
		ps->r->tag_metric = TAG_SECONDS;
	else if (!strcmp(f[2], "bytes"))
		ps->r->tag_metric = TAG_BYTES;
	else
		return fail(ps, -EINVAL, "tag: metric '%s' is not packets, seconds or bytes", f[2]);
	/* src/dst: Suricata ignores them on a session tag */
	if (n == 4 && strcmp(f[3], "src") && strcmp(f[3], "dst"))
		return fail(ps, -EINVAL, "tag: direction '%s' is not src or dst", f[3]);
	/* as Suricata: at most 256 packets */
	ps->r->tag_count = ps->r->tag_metric == TAG_PACKETS && c > 256 ? 256 : (uint32_t)c;
	return 0;
}

/* xbits:<op>,<name>,track <ip_src|ip_dst|ip_pair>[,expire <seconds>] */
static int opt_xbits(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'xbits' needs a value");
	char tmp[256];
	if (strlen(v) >= sizeof(tmp))
		return fail(ps, -EINVAL, "xbits: value too long");
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	if (n == 1 && !strcmp(f[0], "noalert")) {
		ps->r->noalert = true;
		return 0;
	}
	struct xbit_op x = { .expire = 30 };	/* Suricata's default */
	static const struct { const char *n; enum flowbit_op op; } ops[] = {
		{ "set", FB_SET }, { "unset", FB_UNSET }, { "toggle", FB_TOGGLE },
		{ "isset", FB_ISSET }, { "isnotset", FB_ISNOTSET },
	};
	size_t k;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (n >= 1 && !strcmp(f[0], ops[k].n))
			break;
	if (k == sizeof(ops) / sizeof(ops[0]))
		return fail(ps, -EINVAL, "xbits: unknown operation '%s'", n >= 1 ? f[0] : "");
	x.op = (uint8_t)ops[k].op;
	if (n < 2 || !*f[1] || strpbrk(f[1], " \t|&"))
		return fail(ps, -EINVAL, "xbits:%s needs one name", f[0]);
	x.name = xbits_name_key(f[1]);
	for (int i = 2; i < n; i++) {
		char *val = f[i] + strcspn(f[i], " \t");
		bool has_val = *val;
		*val = 0;
		val = trim(has_val ? val + 1 : val);
		if (!strcmp(f[i], "track")) {
			if (!strcmp(val, "ip_src"))
				x.track = XB_TRACK_SRC;
			else if (!strcmp(val, "ip_dst"))
				x.track = XB_TRACK_DST;
			else if (!strcmp(val, "ip_pair"))
				x.track = XB_TRACK_PAIR;
			else
				return fail(ps, -EINVAL, "xbits: track '%s' is not ip_src, ip_dst or ip_pair",
					    val);
		} else if (!strcmp(f[i], "expire")) {
			long long e;
			if (parse_int(val, 1, UINT32_MAX, &e))
				return fail(ps, -EINVAL, "xbits: expire '%s' is not 1 to %u seconds",
					    val, UINT32_MAX);
			x.expire = (uint32_t)e;
		} else {
			return fail(ps, -EINVAL, "xbits: unknown option '%s'", f[i]);
		}
	}
	if (!x.track)
		return fail(ps, -EINVAL, "xbits: 'track ip_src|ip_dst|ip_pair' is required");
	struct xbit_op *nv = realloc(ps->r->xbits, (ps->r->nxbits + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	ps->r->xbits = nv;
	nv[ps->r->nxbits++] = x;
	return 0;
}

static int parse_numcmp(struct pstate *ps, const char *kw, const char *v,
			struct numcmp *c, uint32_t max)
{
	if (!v)
		return fail(ps, -EINVAL, "'%s' needs a value", kw);
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *s = trim(tmp);
	long long a, b;
	char *rng = strstr(s, "<>");
	if (rng) {
		*rng = 0;
		if (parse_int(s, 0, max, &a) || parse_int(rng + 2, 0, max, &b) || a >= b)
			return fail(ps, -EINVAL, "%s: bad range '%s'", kw, v);
		c->op = 'R';
		c->a = (uint32_t)a;
		c->b = (uint32_t)b;
	} else {
		char op = '=';
		if ((*s == '<' || *s == '>') && s[1] == '=') {
			op = *s == '<' ? 'l' : 'g';
			s += 2;
		} else if (*s == '<' || *s == '>' || *s == '!' || *s == '=') {
			op = *s++;
		}
		if (parse_int(s, 0, max, &a))
			return fail(ps, -EINVAL, "%s: bad value '%s'", kw, v);
		c->op = op;
		c->a = (uint32_t)a;
	}
	c->set = true;
	return 0;
}

static int opt_threshold(struct pstate *ps, const char *kw, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'%s' needs a value", kw);
	if (ps->r->th.type != TH_NONE)
		return fail(ps, -EINVAL, "more than one threshold/detection_filter");
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *f[MAX_FIELDS];
	int n = split_fields(tmp, f);
	struct threshold th = { .type = !strcmp(kw, "detection_filter") ? TH_DETECTION : TH_NONE };
	bool have_track = false, have_count = false, have_secs = false;
	for (int i = 0; i < n; i++) {
		char *sp = f[i];
		while (*sp && !isspace((unsigned char)*sp))
			sp++;
		char *val = *sp ? trim(sp + 1) : sp;
		*sp = 0;
		const char *key = f[i];
		long long x;
		if (!strcmp(key, "type") && th.type != TH_DETECTION) {
			if (!strcmp(val, "limit")) th.type = TH_LIMIT;
			else if (!strcmp(val, "threshold")) th.type = TH_THRESHOLD;
			else if (!strcmp(val, "both")) th.type = TH_BOTH;
			else
				return fail(ps, -EINVAL, "%s: bad type '%s'", kw, val);
		} else if (!strcmp(key, "track")) {
			if (!strcmp(val, "by_src")) th.track = TRACK_SRC;
			else if (!strcmp(val, "by_dst")) th.track = TRACK_DST;
			else if (!strcmp(val, "by_rule")) th.track = TRACK_RULE;
			else if (!strcmp(val, "by_both")) th.track = TRACK_BOTH;
			else
				return fail(ps, -ENOTSUP, "unsupported keyword '%s' (track %s)", kw, val);
			have_track = true;
		} else if (!strcmp(key, "count")) {
			if (parse_int(val, 1, UINT32_MAX, &x))
				return fail(ps, -EINVAL, "%s: bad count '%s'", kw, val);
			th.count = (uint32_t)x;
			have_count = true;
		} else if (!strcmp(key, "seconds")) {
			if (parse_int(val, 1, UINT32_MAX, &x))
				return fail(ps, -EINVAL, "%s: bad seconds '%s'", kw, val);
			th.seconds = (uint32_t)x;
			have_secs = true;
		} else {
			return fail(ps, -EINVAL, "%s: unknown option '%s'", kw, key);
		}
	}
	if (th.type == TH_NONE || !have_track || !have_count || !have_secs)
		return fail(ps, -EINVAL, "%s needs type, track, count and seconds", kw);
	ps->r->th = th;
	return 0;
}

static int opt_flags(struct pstate *ps, const char *v)
{
	if (!v)
		return fail(ps, -EINVAL, "'flags' needs a value");
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *comma = strchr(tmp, ',');
	char *mask = NULL;
	if (comma) {
		*comma = 0;
		mask = trim(comma + 1);
	}
	char *s = trim(tmp);
	uint8_t set = 0, ign = 0;
	char mod = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'F': set |= TH_FIN; break;
		case 'S': set |= TH_SYN; break;
		case 'R': set |= TH_RST; break;
		case 'P': set |= TH_PUSH; break;
		case 'A': set |= TH_ACK; break;
		case 'U': set |= TH_URG; break;
		case 'C': case '1': set |= TH_CWR; break;
		case 'E': case '2': set |= TH_ECE; break;
		case '0': break;
		case '+': case '*': case '!':
			if (mod)
				return fail(ps, -EINVAL, "flags: two modifiers");
			mod = *s;
			break;
		default:
			return fail(ps, -EINVAL, "flags: unknown flag '%c'", *s);
		}
	}
	if (mask) {
		for (char *m = mask; *m; m++) {
			switch (*m) {
			case 'F': ign |= TH_FIN; break;
			case 'S': ign |= TH_SYN; break;
			case 'R': ign |= TH_RST; break;
			case 'P': ign |= TH_PUSH; break;
			case 'A': ign |= TH_ACK; break;
			case 'U': ign |= TH_URG; break;
			case 'C': case '1': ign |= TH_CWR; break;
			case 'E': case '2': ign |= TH_ECE; break;
			default:
				return fail(ps, -EINVAL, "flags: unknown mask flag '%c'", *m);
			}
		}
	}
	ps->r->has_tcp_flags = true;
	ps->r->tflags_set = set;
	ps->r->tflags_mask = (uint8_t)~ign;
	ps->r->tflags_mod = mod;
	return 0;
}

/*
 * Only kept here: the JSON object EVE logs is made when the rule first
 * alerts (rule_metadata_json()), and nothing in it can be wrong.
 */
static int opt_metadata(struct pstate *ps, const char *v)
{
	if (!v)
		return 0;
	struct rule *r = ps->r;
	size_t had = r->metadata ? strlen(r->metadata) : 0, n = strlen(v);
	char *m = realloc(r->metadata, had + 1 + n + 1);
	if (!m)
		return -ENOMEM;
	if (had)
		m[had++] = ',';
	memcpy(m + had, v, n + 1);
	r->metadata = m;
	return 0;
}

static int opt_ip_proto(struct pstate *ps, const char *v)
{
	long long x;
	if (!v)
		return fail(ps, -EINVAL, "'ip_proto' needs a value");
	if (!parse_int(v, 0, 255, &x)) {
		if (ps->r->ip_proto >= 0 && ps->r->ip_proto != (int)x)
			return fail(ps, -EINVAL, "ip_proto: %d and %lld in one rule", ps->r->ip_proto, x);
		ps->r->ip_proto = (int)x;
		return 0;
	}
	static const struct { const char *n; int p; } names[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "ipv6-icmp", 58 },
		{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "igmp", 2 },
		{ "sctp", 132 }, { "ipip", 4 },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(v, names[i].n)) {
			if (ps->r->ip_proto >= 0 && ps->r->ip_proto != names[i].p)
				return fail(ps, -EINVAL, "ip_proto: %d and %s in one rule",
					    ps->r->ip_proto, v);
			ps->r->ip_proto = names[i].p;
			return 0;
		}
	}
	if (*v == '<' || *v == '>' || *v == '!') {
		struct hdr_checks *h = &ps->r->hdr;
		if (h->n_ip_proto == sizeof(h->ip_proto) / sizeof(h->ip_proto[0]))
			return fail(ps, -EINVAL, "ip_proto: more than %zu comparisons",
				    sizeof(h->ip_proto) / sizeof(h->ip_proto[0]));
		ps->r->has_hdr = true;
		return parse_numcmp(ps, "ip_proto", v, &h->ip_proto[h->n_ip_proto++], 255);
	}
	return fail(ps, -EINVAL, "ip_proto: unknown protocol '%s'", v);
}

/* id, window, icmp_id, icmp_seq, seq, ack: one number ('!' for window) */
static int opt_hdr_number(struct pstate *ps, const char *kw, const char *v, long long max,
			  bool *has, long long *out, bool *neg)
{
	char tmp[32];

	if (!v)
		return fail(ps, -EINVAL, "'%s' needs a value", kw);
	if (*has)
		return fail(ps, -EINVAL, "'%s' given twice", kw);
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *s = trim(tmp);
	if (neg && *s == '!') {
		*neg = true;
		s = trim(s + 1);
	}
	if (parse_int(s, 0, max, out))
		return fail(ps, -EINVAL, "%s: bad value '%s' (0 to %lld)", kw, v, max);
	*has = true;
	ps->r->has_hdr = true;
	return 0;
}

static int opt_hdr(struct pstate *ps, const char *name, const char *v)
{
	struct hdr_checks *h = &ps->r->hdr;
	long long x;
	int rc;

	if (!strcmp(name, "ttl") || !strcmp(name, "fragoffset") || !strcmp(name, "tcp.mss")) {
		struct numcmp *c = name[0] == 'f' ? &h->fragoff : name[1] == 't' ? &h->ttl : &h->mss;
		if (c->set)
			return fail(ps, -EINVAL, "'%s' given twice", name);
		ps->r->has_hdr = true;
		return parse_numcmp(ps, name, v, c, c == &h->ttl ? 255 : 65535);
	}
	if (!strcmp(name, "id")) {
		rc = opt_hdr_number(ps, name, v, 65535, &h->has_id, &x, NULL);
		h->id = (uint16_t)x;
	} else if (!strcmp(name, "window")) {
		rc = opt_hdr_number(ps, name, v, 65535, &h->has_window, &x, &h->window_neg);
		h->window = (uint16_t)x;
	} else if (!strcmp(name, "icmp_id")) {
		rc = opt_hdr_number(ps, name, v, 65535, &h->has_icmp_id, &x, NULL);
		h->icmp_id = (uint16_t)x;
	} else if (!strcmp(name, "icmp_seq")) {
		rc = opt_hdr_number(ps, name, v, 65535, &h->has_icmp_seq, &x, NULL);
		h->icmp_seq = (uint16_t)x;
	} else if (!strcmp(name, "seq")) {
		rc = opt_hdr_number(ps, name, v, UINT32_MAX, &h->has_seq, &x, NULL);
		h->seq = (uint32_t)x;
	} else {
		rc = opt_hdr_number(ps, name, v, UINT32_MAX, &h->has_ack, &x, NULL);
		h->ack = (uint32_t)x;
	}
	return rc;
}

/*
 * fragbits:[!+*]{M,D,R}: Suricata's modifiers, as for flags.  Old Snort
 * rules put the modifier last (GPL's fragbits:M+), which Snort reads as
 * the same modifier; Suricata's parser drops it and so matches M alone.
 * Taken here as Snort meant it.
 */
static int opt_fragbits(struct pstate *ps, const char *v)
{
	struct hdr_checks *h = &ps->r->hdr;
	char tmp[32];

	if (!v)
		return fail(ps, -EINVAL, "'fragbits' needs a value");
	if (h->fragbits)
		return fail(ps, -EINVAL, "'fragbits' given twice");
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *s = trim(tmp);
	if (*s == '!' || *s == '+' || *s == '*')
		h->frag_mod = *s++;
	s = trim(s);
	h->fragbits = 0;
	size_t n = strlen(s);
	if (!h->frag_mod && n > 1 && (s[n - 1] == '!' || s[n - 1] == '+' || s[n - 1] == '*')) {
		h->frag_mod = s[n - 1];
		s[n - 1] = 0;
		s = trim(s);
	}
	for (; *s; s++) {
		switch (*s) {
		case 'M': case 'm': h->fragbits |= FRAG_MF; break;
		case 'D': case 'd': h->fragbits |= FRAG_DF; break;
		case 'R': case 'r': h->fragbits |= FRAG_RF; break;
		default:
			return fail(ps, -EINVAL, "fragbits: '%c' is not M, D or R (in '%s')", *s, v);
		}
	}
	if (!h->fragbits)
		return fail(ps, -EINVAL, "fragbits: no bit in '%s'", v);
	ps->r->has_hdr = true;
	return 0;
}

static int opt_ipopts(struct pstate *ps, const char *v)
{
	static const struct { const char *n; int type; } opts[] = {
		{ "eol", 0 }, { "nop", 1 }, { "rr", 7 }, { "ts", 68 }, { "sec", 130 },
		{ "lsrr", 131 }, { "esec", 133 }, { "satid", 136 }, { "ssrr", 137 },
	};
	char tmp[32];

	if (!v)
		return fail(ps, -EINVAL, "'ipopts' needs a value");
	if (ps->r->hdr.ipopt)
		return fail(ps, -EINVAL, "'ipopts' given twice");
	snprintf(tmp, sizeof(tmp), "%s", v);
	char *s = trim(tmp);
	if (!strcmp(s, "any")) {
		ps->r->hdr.ipopt = IPOPT_ANY;
	} else {
		size_t i;
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			if (!strcmp(s, opts[i].n))
				break;
		if (i == sizeof(opts) / sizeof(opts[0]))
			return fail(ps, -EINVAL, "ipopts: unknown option '%s'", s);
		ps->r->hdr.ipopt = (uint16_t)(opts[i].type + 1);
	}
	ps->r->has_hdr = true;
	return 0;
}

/* xor's key: "hex" (Suricata's form), up to 255 bytes */
static int xor_key(struct pstate *ps, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 4 || v[0] != '"' || v[n - 1] != '"' || (n - 2) % 2 || (n - 2) / 2 > 255)
		return fail(ps, -EINVAL, "xor: the key must be a quoted even number of hex "
			    "digits, up to 255 bytes");
	uint8_t *k = malloc((n - 2) / 2);
	if (!k)
		return -ENOMEM;
	for (size_t i = 1; i + 1 < n - 1; i += 2) {
		int hi = hex_digit((unsigned char)v[i]), lo = hex_digit((unsigned char)v[i + 1]);
		if (hi < 0 || lo < 0) {
			free(k);
			return fail(ps, -EINVAL, "xor: '%.2s' is not hex", v + i);
		}
		k[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	ps->xf.xor_key = k;
	ps->xf.xor_len = (uint8_t)((n - 2) / 2);
	return 0;
}

/* pcrexform's "regex": one capture, which the buffer becomes (Suricata's) */
static int pcrexform(struct pstate *ps, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 3 || v[0] != '"' || v[n - 1] != '"')
		return fail(ps, -EINVAL, "pcrexform: the regex must be quoted and not empty");
	char *src = xstrndup(v + 1, n - 2);
	if (!src)
		return -ENOMEM;
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, 0, &err, &off,
				       NULL);
	if (!re) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(err, msg, sizeof(msg));
		free(src);
		return fail(ps, -EINVAL, "pcrexform does not compile at offset %zu: %s",
			    (size_t)off, (char *)msg);
	}
	uint32_t caps = 0;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &caps);
	if (caps != 1) {
		pcre2_code_free(re);
		free(src);
		return fail(ps, -EINVAL, "pcrexform needs exactly one capture, found %u", caps);
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* the interpreter if refused */
	ps->xf.re = re;
	ps->xf.re_src = src;
	return 0;
}

/* a transform: right after its sticky buffer, as Suricata requires */
static int opt_transform(struct pstate *ps, const char *kw, enum xform xf, const char *v)
{
	if (ps->cur_buf < 0 || ps->cur_buf == LIST_BASE64_DATA)
		return fail(ps, -EINVAL, "transform '%s' needs a sticky buffer before it", kw);
	if (ps->stmt_items)
		return fail(ps, -EINVAL, "transform '%s' after a keyword of its buffer: transforms "
			    "follow the sticky buffer", kw);
	if (ps->xf.n == XF_MAX)
		return fail(ps, -ENOTSUP, "more than %d transforms on one buffer", XF_MAX);
	if (xf == XF_XOR) {
		if (ps->xf.xor_key)
			return fail(ps, -ENOTSUP, "two xor transforms on one buffer");
		int rc = xor_key(ps, v);
		if (rc)
			return rc;
	} else if (xf == XF_PCREXFORM) {
		if (ps->xf.re)
			return fail(ps, -ENOTSUP, "two pcrexform transforms on one buffer");
		int rc = pcrexform(ps, v);
		if (rc)
			return rc;
	} else if (v) {
		return fail(ps, -EINVAL, "'%s' takes no value", kw);
	}
	ps->xf.v[ps->xf.n++] = (uint8_t)xf;
	return 0;
}

/* bsize: the length of the sticky buffer (after its transforms) */
static int opt_bsize(struct pstate *ps, const char *v)
{
	if (ps->cur_buf < 0)
		return fail(ps, -EINVAL, "bsize needs a sticky buffer before it");
	struct numcmp c = { 0 };
	int rc = parse_numcmp(ps, "bsize", v, &c, UINT32_MAX);
	if (rc)
		return rc;
	struct sm *m = list_push(ps, ps->cur_buf);
	if (!m)
		return -ENOMEM;
	m->type = SM_BSIZE;
	m->u.bsize = c;
	return 0;
}

/*
 * dataset:CMD,NAME[, type T][, load FILE][, memcap SIZE][, hashsize N] and
 * datarep:NAME,OP,VALUE[, the same options]: the sticky buffer, after its
 * transforms, looked up in, added to or removed from the rule set's set
 * NAME (datasets.c), or its reputation there compared.  FILE is relative
 * to the rule file's directory, as Suricata reads it, and may not leave
 * it; save and state are refused, since nothing is written back.
 */
static int opt_set(struct pstate *ps, const char *kw, const char *v)
{
	bool rep = kw[4] == 'r';	/* datarep */
	if (!ps->ctx->datasets)
		return fail(ps, -ENOTSUP, "%s is not supported here", kw);
	if (ps->cur_buf < 0 || ps->cur_buf == LIST_BASE64_DATA)
		return fail(ps, -EINVAL, "%s needs a sticky buffer before it", kw);
	const char *usage = rep ? "a name, an operator and a value" : "a command and a name";
	if (!v)
		return fail(ps, -EINVAL, "'%s' needs %s", kw, usage);
	char tmp[1024];
	if (strlen(v) >= sizeof(tmp))
		return fail(ps, -EINVAL, "%s: value too long", kw);
	snprintf(tmp, sizeof(tmp), "%s", v);
	static const char *const cmds[] = { [DS_SET] = "set", [DS_UNSET] = "unset",
					     [DS_ISSET] = "isset", [DS_ISNOTSET] = "isnotset",
					     [DS_REP_GT] = ">", [DS_REP_LT] = "<",
					     [DS_REP_EQ] = "==" };
	struct dataset_spec sp = { .type = -1 };
	int cmd = -1;
	long long value = 0;
	const char *load = NULL;
	bool have[4] = { false };	/* type, load, memcap, hashsize */
	int npos = rep ? 3 : 2;		/* the positional values first */
	char *save;
	int k = 0;
	for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save), k++) {
		t = trim(t);
		if (k < npos && k == (rep ? 0 : 1)) {
			size_t n = strlen(t);
			bool ok = n && n < 64;
			for (size_t i = 0; ok && i < n; i++)
				ok = isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_' ||
				     t[i] == '.';
			if (!ok)
				return fail(ps, -EINVAL, "%s: bad name '%s' (letters, digits, "
					    "'-', '_', '.'; at most 63)", kw, t);
			sp.name = t;
			continue;
		}
		if (k < npos && k == (rep ? 1 : 0)) {
			for (int c = rep ? DS_REP_GT : 0; c < (rep ? DS_REP_EQ + 1 : DS_REP_GT); c++)
				if (!strcmp(t, cmds[c]))
					cmd = c;
			if (cmd < 0)
				return fail(ps, -EINVAL, rep ? "%s: unknown operator '%s' (>, <, ==)" :
					    "%s: unknown command '%s' (set, unset, isset, isnotset)",
					    kw, t);
			continue;
		}
		if (k < npos) {
			if (parse_int(t, 0, 65535, &value))
				return fail(ps, -EINVAL, "%s: bad value '%s' (0 to 65535)", kw, t);
			continue;
		}
		char *val = t;
		while (*val && !isspace((unsigned char)*val))
			val++;
		if (*val)
			*val++ = 0;
		val = trim(val);
		static const char *const opts[] = { "type", "load", "memcap", "hashsize" };
		int o = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(t, opts[i]))
				o = i;
		if (o < 0 && (!strcmp(t, "save") || !strcmp(t, "state")))
			return fail(ps, -ENOTSUP, "%s: '%s' is not supported (sets are not "
				    "written back)", kw, t);
		if (o < 0)
			return fail(ps, -EINVAL, "%s: unknown option '%s' (type, load, memcap, "
				    "hashsize)", kw, t);
		if (have[o])
			return fail(ps, -EINVAL, "%s: '%s' given twice", kw, t);
		have[o] = true;
		if (!*val)
			return fail(ps, -EINVAL, "%s: '%s' needs a value", kw, t);
		if (o == 0) {
			sp.type = dataset_type_parse(val);
			if (sp.type < 0 && (!strcmp(val, "ipv4") || !strcmp(val, "ip")))
				return fail(ps, -ENOTSUP, "%s: type %s is not supported (no "
					    "sticky buffer here holds an address)", kw, val);
			if (sp.type < 0)
				return fail(ps, -EINVAL, "%s: unknown type '%s' (string, md5, "
					    "sha256)", kw, val);
		} else if (o == 1) {
			bool up = !strcmp(val, "..") || !strncmp(val, "../", 3) ||
				  strstr(val, "/../") || (strlen(val) >= 3 &&
				  !strcmp(val + strlen(val) - 3, "/.."));
			if (val[0] == '/' || up)
				return fail(ps, -EINVAL, "%s: load '%s' must be inside the rule "
					    "file's directory (relative, without '..')", kw, val);
			load = val;
		} else if (o == 2) {
			if (config_parse_size(val, &sp.memcap) || !sp.memcap)
				return fail(ps, -EINVAL, "%s: bad memcap '%s'", kw, val);
		} else {
			long long x;
			if (parse_int(val, 1, 1 << 24, &x))
				return fail(ps, -EINVAL, "%s: bad hashsize '%s' (1 to %d)", kw, val,
					    1 << 24);
			sp.hashsize = (uint32_t)x;
		}
	}
	if (k < npos || cmd < 0 || !sp.name)
		return fail(ps, -EINVAL, "'%s' needs %s", kw, usage);
	char path[4096];
	if (load) {
		const char *slash = ps->ctx->file ? strrchr(ps->ctx->file, '/') : NULL;
		int n = slash ? snprintf(path, sizeof(path), "%.*s/%s",
					 (int)(slash - ps->ctx->file), ps->ctx->file, load) :
				snprintf(path, sizeof(path), "%s", load);
		if (n < 0 || (size_t)n >= sizeof(path))
			return fail(ps, -EINVAL, "%s: load path too long", kw);
		sp.load = path;
	}
	char err[512] = "";
	struct dataset *ds;
	int rc = dataset_table_get(ps->ctx->datasets, &sp, &ds, err, sizeof(err));
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return fail(ps, rc, "%s", err);
	struct sm *m = list_push(ps, ps->cur_buf);
	if (!m)
		return -ENOMEM;
	m->type = SM_DATASET;
	m->u.dataset.set = ds;
	m->u.dataset.cmd = (uint8_t)cmd;
	m->u.dataset.rep = (uint16_t)value;
	return 0;
}

/*
 * base64_decode[:bytes N][, offset N][, relative]: in the sticky buffer,
 * else in the list of the last keyword (a content a modifier moved), else
 * the payload, as Suricata places it.  Suricata's options come in that
 * order; here in any order, each once.
 */
static int opt_base64_decode(struct pstate *ps, const char *v)
{
	if (ps->cur_buf == LIST_BASE64_DATA)
		return fail(ps, -ENOTSUP, "base64_decode after base64_data is not supported");
	long long bytes = 0, offset = 0;
	bool rel = false, seen_bytes = false, seen_offset = false;
	char *dup = v ? strdup(v) : NULL;
	if (v && !dup)
		return -ENOMEM;
	int rc = 0;
	char *save = NULL;
	for (char *tok = dup ? strtok_r(dup, ",", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		char *w = trim(tok), *num = w + strcspn(w, " \t");
		if (*num)
			*num++ = 0;
		if (!strcmp(w, "relative") && !*trim(num) && !rel) {
			rel = true;
		} else if (!strcmp(w, "bytes") && !seen_bytes) {
			seen_bytes = true;
			if (parse_int(num, 0, B64_DECODE_MAX, &bytes))
				rc = fail(ps, -EINVAL, "base64_decode: bad bytes '%s' (0-%d)", trim(num),
					  B64_DECODE_MAX);
		} else if (!strcmp(w, "offset") && !seen_offset) {
			seen_offset = true;
			if (parse_int(num, 0, UINT32_MAX, &offset))
				rc = fail(ps, -EINVAL, "base64_decode: bad offset '%s'", trim(num));
		} else {
			rc = fail(ps, -EINVAL, "base64_decode: bad option '%s' (bytes N, offset N, "
				  "relative, each once)", w);
		}
	}
	if (!rc && dup && !seen_bytes && !seen_offset && !rel)
		rc = fail(ps, -EINVAL, "base64_decode: empty value");
	free(dup);
	if (rc)
		return rc;
	int list = ps->cur_buf >= 0 ? ps->cur_buf :
		   ps->last_list >= 0 ? ps->last_list : BUF_PAYLOAD;
	struct sm *m = list_push(ps, list);
	if (!m)
		return -ENOMEM;
	m->type = SM_BASE64_DECODE;
	m->flags = rel ? SMF_RELATIVE : 0;
	m->u.b64.bytes = bytes ? (uint32_t)bytes : B64_DECODE_MAX;
	m->u.b64.offset = (uint32_t)offset;
	ps->nb64++;
	return 0;
}

/*
 * Suricata ends a list's match at base64_decode (base64_data's match is
 * the rule's), and a base64_decode without base64_data never matches:
 * refuse both rather than load what cannot do what it says.
 */
static int base64_check(struct pstate *ps)
{
	const struct smlist *data = &ps->lists[LIST_BASE64_DATA];
	if (!ps->nb64)
		return 0;
	if (!data->n)
		return fail(ps, -EINVAL, "base64_decode without base64_data and a keyword after it "
			    "never matches");
	for (int b = 0; b < BUF__COUNT; b++) {
		struct smlist *l = &ps->lists[b];
		for (size_t i = 0; i < l->n; i++) {
			if (l->v[i].type != SM_BASE64_DECODE)
				continue;
			if (i + 1 < l->n)
				return fail(ps, -ENOTSUP, "keywords after base64_decode in %s (Suricata "
					    "skips them once base64_data matches) are not supported",
					    buf_name((enum buf_id)b));
		}
	}
	return 0;
}

static int handle_option(struct pstate *ps, const char *name, const char *v)
{
	struct rule *r = ps->r;
	long long x;
	/*
	 * Most frequent first (content, reference, metadata, nocase, sid,
	 * rev, msg, classtype, flow in ET Open): a rule set's load was 15%
	 * strcmp() when the 90 buffer names came first.
	 */
	if (!strcmp(name, "content"))
		return opt_content(ps, v, name);
	for (size_t i = 0; descriptive[i]; i++) {
		if (!strcmp(name, descriptive[i])) {
			if (!strcmp(name, "metadata"))
				return opt_metadata(ps, v);
			if (!strcmp(name, "target")) {
				if (!v || (strcmp(v, "src_ip") && strcmp(v, "dest_ip")))
					return fail(ps, -EINVAL, "target must be src_ip or dest_ip");
				r->target = v[0] == 's' ? 1 : 2;
			}
			return 0;
		}
	}
	if (!strcmp(name, "msg")) {
		if (!v)
			return fail(ps, -EINVAL, "'msg' needs a value");
		free(r->msg);
		r->msg = unquote(v);
		return r->msg ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "sid") || !strcmp(name, "rev") || !strcmp(name, "gid")) {
		if (parse_int(v, 1, UINT32_MAX, &x))
			return fail(ps, -EINVAL, "bad %s '%s'", name, v ? v : "");
		if (name[0] == 's')
			r->sid = (uint32_t)x;
		else if (name[0] == 'r')
			r->rev = (uint32_t)x;
		else
			r->gid = (uint32_t)x;
		return 0;
	}
	if (!strcmp(name, "priority")) {
		if (parse_int(v, 1, 255, &x))
			return fail(ps, -EINVAL, "bad priority '%s'", v ? v : "");
		r->priority = (int)x;
		return 0;
	}
	if (!strcmp(name, "classtype")) {
		if (!v)
			return fail(ps, -EINVAL, "'classtype' needs a value");
		r->ct = class_table_find(ps->ctx->classes, v);
		if (!r->ct)
			return fail(ps, -EINVAL, "unknown classtype '%s'", v);
		return 0;
	}
	if (!strcmp(name, "nocase") || !strcmp(name, "offset") ||
	    !strcmp(name, "depth") || !strcmp(name, "distance") ||
	    !strcmp(name, "within") || !strcmp(name, "fast_pattern") ||
	    !strcmp(name, "startswith") || !strcmp(name, "endswith"))
		return content_mod(ps, name, v);
	if (!strcmp(name, "flow"))
		return opt_flow(ps, v);
	if (!strcmp(name, "pcre"))
		return opt_pcre(ps, v);
	for (size_t i = 0; i < sizeof(buf_keywords) / sizeof(buf_keywords[0]); i++)
		if (!strcmp(name, buf_keywords[i].kw))
			return opt_buffer(ps, name, buf_keywords[i].buf,
					  buf_keywords[i].sticky, v);
	if (!strcmp(name, "uricontent")) {
		int rc = opt_content(ps, v, name);
		if (rc)
			return rc;
		if (ps->cur_buf >= 0)
			return fail(ps, -EINVAL, "uricontent after a sticky buffer");
		return move_last_content_to(ps, BUF_HTTP_URI);
	}
	if (!strcmp(name, "pkt_data")) {
		if (ps->cur_buf == LIST_BASE64_DATA)
			return fail(ps, -EINVAL, "'pkt_data' after base64_data: Suricata's "
				    "base64_data is the rule's last buffer");
		int rc = stmt_end(ps);
		ps->cur_buf = -1;
		ps->cur_is_file_data = false;
		return rc;
	}
	enum xform xf = xform_lookup(name);
	if (xf != XF_NONE)
		return opt_transform(ps, name, xf, v);
	if (!strcmp(name, "dataset") || !strcmp(name, "datarep"))
		return opt_set(ps, name, v);
	if (!strcmp(name, "bsize"))
		return opt_bsize(ps, v);
	if (!strcmp(name, "base64_decode"))
		return opt_base64_decode(ps, v);
	if (!strcmp(name, "base64_data")) {
		if (v)
			return fail(ps, -EINVAL, "'base64_data' takes no value");
		if (!ps->nb64)
			return fail(ps, -EINVAL, "base64_data without a base64_decode before it");
		int rc = stmt_end(ps);
		ps->cur_buf = LIST_BASE64_DATA;
		ps->cur_is_file_data = false;
		return rc;
	}
	if (!strcmp(name, "byte_test"))
		return opt_byte_test(ps, v);
	if (!strcmp(name, "byte_jump"))
		return opt_byte_jump(ps, v);
	if (!strcmp(name, "byte_extract"))
		return opt_byte_extract(ps, v);
	if (!strcmp(name, "byte_math"))
		return opt_byte_math(ps, v);
	if (!strcmp(name, "isdataat"))
		return opt_isdataat(ps, v);
	if (!strcmp(name, "asn1"))
		return opt_asn1(ps, v);
	if (!strcmp(name, "xbits"))
		return opt_xbits(ps, v);
	if (!strcmp(name, "tag"))
		return opt_tag(ps, v);
	if (!strcmp(name, "flowbits"))
		return opt_flowbits(ps, v);
	if (!strcmp(name, "flowint"))
		return opt_flowint(ps, v);
	if (!strcmp(name, "noalert")) {
		r->noalert = true;
		return 0;
	}
	if (!strcmp(name, "dsize"))
		return parse_numcmp(ps, name, v, &r->dsize, 65535);
	if (!strcmp(name, "itype"))
		return parse_numcmp(ps, name, v, &r->itype, 255);
	if (!strcmp(name, "icode"))
		return parse_numcmp(ps, name, v, &r->icode, 255);
	if (!strcmp(name, "dns.opcode")) {
		if (r->dns_opcode.set)
			return fail(ps, -ENOTSUP, "dns.opcode twice in one rule is not supported");
		return parse_numcmp(ps, name, v, &r->dns_opcode, 255);
	}
	if (!strcmp(name, "urilen")) {
		if (v) {
			char tmp[64];
			snprintf(tmp, sizeof(tmp), "%s", v);
			char *comma = strchr(tmp, ',');
			if (comma) {
				*comma = 0;
				char *mode = trim(comma + 1);
				if (!strcmp(mode, "raw"))
					r->urilen_raw = true;
				else if (strcmp(mode, "norm"))
					return fail(ps, -EINVAL, "urilen: bad mode '%s'", mode);
			}
			return parse_numcmp(ps, name, trim(tmp), &r->urilen, 65535);
		}
		return parse_numcmp(ps, name, v, &r->urilen, 65535);
	}
	if (!strcmp(name, "ip_proto"))
		return opt_ip_proto(ps, v);
	if (!strcmp(name, "ttl") || !strcmp(name, "fragoffset") || !strcmp(name, "id") ||
	    !strcmp(name, "window") || !strcmp(name, "tcp.mss") ||
	    !strcmp(name, "icmp_id") || !strcmp(name, "icmp_seq") || !strcmp(name, "seq") ||
	    !strcmp(name, "ack"))
		return opt_hdr(ps, name, v);
	if (!strcmp(name, "fragbits"))
		return opt_fragbits(ps, v);
	if (!strcmp(name, "ipopts"))
		return opt_ipopts(ps, v);
	if (!strcmp(name, "sameip")) {
		if (v)
			return fail(ps, -EINVAL, "'sameip' takes no value");
		r->hdr.sameip = r->has_hdr = true;
		return 0;
	}
	if (!strcmp(name, "flags"))
		return opt_flags(ps, v);
	int frc = tlskw_parse(r, name, v, ps->err, ps->errlen);
	if (frc != -ENOENT)
		return frc;
	frc = flowkw_parse(r, name, v, ps->err, ps->errlen);
	if (frc != -ENOENT)
		return frc;
	frc = dcekw_parse(r, name, v, ps->err, ps->errlen);
	if (frc != -ENOENT)
		return frc;
	if (!strcmp(name, "threshold") || !strcmp(name, "detection_filter"))
		return opt_threshold(ps, name, v);
	return fail(ps, -ENOTSUP, "unsupported keyword '%s'", name);
}

/* the buffers of the server's certificate */
#define CERT_BUFS ((1ull << (BUF_TLS_CERTS + 1)) - (1ull << BUF_TLS_CERT_SUBJECT))

/* which side (request/response) each buffer of the rule comes from */
static int resolve_directions(struct pstate *ps)
{
	struct rule *r = ps->r;
	bool req_only = false, resp_only = false, http = false, dns = false, tls = false;
	bool tls_cert = false, tls_sh = false, ssh = false;
	int tls_cli_buf = -1, tls_srv_buf = -1;	/* for messages */
	/*
	 * file_data in an smtp rule: the attachments of the client's messages
	 * (smtp.c), to_server only, as Suricata registers it for SMTP.  In a
	 * tcp or ip rule Suricata reads it on HTTP and SMTP flows alike; this
	 * engine makes such a rule an HTTP one, so one that could see SMTP
	 * (not to_client) is refused rather than missing its SMTP half.
	 */
	bool smtp_file = false;
	if (ps->file_data_lists[BUF_HTTP_SERVER_BODY] && ps->lists[BUF_HTTP_SERVER_BODY].n) {
		if (r->app_req == APP_SMTP) {
			if (r->flow_dirs == DIR_TO_CLIENT)
				return fail(ps, -EINVAL, "file_data in a to_client smtp rule: SMTP "
					    "attachments are sent to the server");
			ps->lists[BUF_SMTP_FILE_DATA] = ps->lists[BUF_HTTP_SERVER_BODY];
			memset(&ps->lists[BUF_HTTP_SERVER_BODY], 0, sizeof(struct smlist));
			if (r->fp_buf == BUF_HTTP_SERVER_BODY)
				r->fp_buf = BUF_SMTP_FILE_DATA;
			ps->file_data_lists[BUF_HTTP_SERVER_BODY] = false;
			smtp_file = true;
		} else if ((r->proto == RP_TCP || r->proto == RP_IP) && !r->app_req &&
			   r->flow_dirs != DIR_TO_CLIENT) {
			return fail(ps, -ENOTSUP, "file_data in %s rule that is not to_client: "
				    "Suricata also reads SMTP attachments there; write it as an http "
				    "or an smtp rule", r->proto == RP_TCP ? "a tcp" : "an ip");
		}
	}
	for (int b = 0; b < BUF__COUNT; b++) {
		if (!ps->lists[b].n)
			continue;
		r->bufmask |= 1ull << b;
		if (buf_is_http((enum buf_id)b)) {
			http = true;
			if (buf_info[b].side == SIDE_REQ)
				req_only = true;
			if (buf_info[b].side == SIDE_RESP)
				resp_only = true;
		}
		if (b == BUF_DNS_QUERY)
			dns = true;
		/* the ClientHello's; the ServerHello's; the certificate's */
		if (b == BUF_TLS_SNI || b == BUF_TLS_JA3_HASH || b == BUF_TLS_JA3_STRING ||
		    b == BUF_TLS_JA4_HASH) {
			tls = true;
			if (tls_cli_buf < 0)
				tls_cli_buf = b;
		}
		if (b == BUF_TLS_JA3S_HASH || b == BUF_TLS_JA3S_STRING)
			tls_sh = true;
		if (b >= BUF_TLS_CERT_SUBJECT && b <= BUF_TLS_CERTS)
			tls_cert = true;
		if ((tls_sh || tls_cert) && tls_srv_buf < 0)
			tls_srv_buf = b;
		if (b == BUF_SSH_PROTO || b == BUF_SSH_SOFTWARE || (HASSH_BUFS >> b & 1))
			ssh = true;
	}
	/* chain length, dates: the certificate's values */
	const char *tls_srv_name = tls_srv_buf >= 0 ? buf_name((enum buf_id)tls_srv_buf) : NULL;
	if (r->tc) {
		tls_cert = true;
		if (!tls_srv_name)
			tls_srv_name = r->tc->first;
	}
	if (tls && (tls_cert || tls_sh))
		return fail(ps, -EINVAL, "%s and %s in one rule: the client's and the server's "
			    "messages", buf_name((enum buf_id)tls_cli_buf), tls_srv_name);
	if (tls_cert && r->flow_dirs == DIR_TO_SERVER)
		return fail(ps, -EINVAL, "%s (the server's certificate) in a to_server rule",
			    r->bufmask & CERT_BUFS ? "tls.cert_*" : r->tc->first);
	if (tls_sh && r->flow_dirs == DIR_TO_SERVER)
		return fail(ps, -EINVAL, "ja3s.* (the server's hello) in a to_server rule");
	if (tls && tls_cli_buf != BUF_TLS_SNI && r->flow_dirs == DIR_TO_CLIENT)
		return fail(ps, -EINVAL, "%s (the client's hello) in a to_client rule",
			    tls_cli_buf == BUF_TLS_JA4_HASH ? "ja4.hash" : "ja3.*");
	tls_cert |= tls_sh;	/* the server's side, decided below */
	if (r->dns_opcode.set)
		dns = true;
	if (r->urilen.set)
		http = req_only = true;
	/* dce_iface, dce_opnum, dce_stub_data: a flow detected as DCERPC */
	bool dce = r->dce || ps->lists[BUF_DCE_STUB_DATA].n;
	if (dce && (http || dns || tls || tls_cert || ssh || smtp_file))
		return fail(ps, -EINVAL, "dce_* keywords with another protocol's buffer in one rule");
	if ((http + dns + (tls || tls_cert) + ssh + smtp_file) > 1)
		return fail(ps, -EINVAL, "buffers of different protocols in one rule");
	if (r->bufmask & PKT_HDR_BUFS) {
		/* a packet's buffer: checked on each packet, as Suricata's
		 * "requires packet" */
		const char *h = buf_name((enum buf_id)__builtin_ctzll(r->bufmask & PKT_HDR_BUFS));
		if (http || dns || tls || tls_cert || ssh || smtp_file || dce || r->urilen.set)
			return fail(ps, -ENOTSUP, "%s (a packet's header) with an application "
				    "buffer in one rule is not supported", h);
		if (r->only_stream)
			return fail(ps, -EINVAL, "%s with flow:only_stream", h);
		bool tcp_ok = r->proto == RP_IP || r->proto == RP_TCP || r->proto == RP_HTTP ||
			      r->proto == RP_TLS;
		bool udp_ok = r->proto == RP_IP || r->proto == RP_UDP || r->proto == RP_DNS;
		bool icmp_ok = r->proto == RP_IP || r->proto == RP_ICMP;
		const uint64_t l4 = 1ull << BUF_TCP_HDR | 1ull << BUF_UDP_HDR |
				    1ull << BUF_ICMPV4_HDR | 1ull << BUF_ICMPV6_HDR;
		uint64_t have = r->bufmask & PKT_HDR_BUFS;
		for (uint64_t m = have & l4; m; m &= m - 1) {
			int b = __builtin_ctzll(m);
			bool ok = b == BUF_TCP_HDR ? tcp_ok : b == BUF_UDP_HDR ? udp_ok : icmp_ok;
			if (!ok)
				return fail(ps, -EINVAL, "%s in a rule for another protocol never "
					    "matches", buf_name((enum buf_id)b));
		}
		/* one packet has one IP header and one L4 header; ICMPv4 is
		 * carried by IPv4, ICMPv6 by IPv6 */
		const uint64_t v4 = 1ull << BUF_IPV4_HDR | 1ull << BUF_ICMPV4_HDR;
		const uint64_t v6 = 1ull << BUF_IPV6_HDR | 1ull << BUF_ICMPV6_HDR;
		uint64_t a = 0, b = 0;
		if (__builtin_popcountll(have & l4) > 1) {
			a = have & l4 & -(have & l4);
			b = have & l4 & ~a;
		} else if ((have & v4) && (have & v6)) {
			a = have & v4;
			b = have & v6;
		}
		if (a)
			return fail(ps, -EINVAL, "%s and %s in one rule never match",
				    buf_name((enum buf_id)__builtin_ctzll(a)),
				    buf_name((enum buf_id)__builtin_ctzll(b)));
	}
	if (dce) {
		/* dcerpc.c reads DCERPC directly over TCP; Suricata's rule also
		 * matches it over UDP and in SMB named pipes */
		if (r->proto == RP_UDP)
			return fail(ps, -ENOTSUP, "dce_* keywords in a udp rule: DCERPC over UDP "
				    "is not parsed");
		if (r->app_req == APP_SMB)
			return fail(ps, -ENOTSUP, "dce_* keywords in an smb rule: DCERPC over SMB "
				    "named pipes is not parsed");
		if ((r->proto != RP_TCP && r->proto != RP_IP) ||
		    (r->app_req && r->app_req != APP_DCERPC))
			return fail(ps, -EINVAL, "dce_* keywords in a rule for another protocol");
		r->proto = RP_TCP;
		r->app_req = APP_DCERPC;
	}
	uint64_t hassh_cli = r->bufmask & (1ull << BUF_SSH_HASSH | 1ull << BUF_SSH_HASSH_STRING);
	uint64_t hassh_srv = r->bufmask & HASSH_BUFS & ~hassh_cli;
	if (hassh_cli && hassh_srv)
		return fail(ps, -EINVAL, "ssh.hassh and ssh.hassh.server in one rule: the "
			    "client's and the server's KEXINIT");
	if ((hassh_cli && r->flow_dirs == DIR_TO_CLIENT) ||
	    (hassh_srv && r->flow_dirs == DIR_TO_SERVER))
		return fail(ps, -EINVAL, "%s in a %s rule",
			    hassh_cli ? "ssh.hassh (the client's)" : "ssh.hassh.server",
			    hassh_cli ? "to_client" : "to_server");
	if (ssh) {
		/* an ssh rule: TCP on a flow detected as SSH (probe.c) */
		if (r->proto != RP_TCP && r->proto != RP_IP)
			return fail(ps, -EINVAL, "ssh buffer in a rule for another protocol");
		if (r->app_req && r->app_req != APP_SSH)
			return fail(ps, -EINVAL, "ssh buffer in a rule for another protocol");
		r->proto = RP_TCP;
		r->app_req = APP_SSH;
	}
	enum rule_proto app = http ? RP_HTTP : dns ? RP_DNS : tls || tls_cert ? RP_TLS : r->proto;
	if (app != r->proto) {
		/* a dcerpc rule needs a DCERPC flow: an http, dns or tls
		 * buffer there could never match */
		if (r->proto == RP_HTTP || r->proto == RP_DNS || r->proto == RP_TLS ||
		    r->app_req)
			return fail(ps, -EINVAL, "%s buffer in a rule for another protocol",
				    http ? "http" : dns ? "dns" : "tls");
		if (r->proto == RP_UDP && (http || tls || tls_cert))
			return fail(ps, -EINVAL, "TCP protocol buffer in a udp rule");
		if (r->proto == RP_ICMP)
			return fail(ps, -EINVAL, "application buffer in an icmp rule");
		r->proto = app;	/* tcp/ip rule using http_*: the flow must be http */
	}
	uint8_t fd = r->flow_dirs;
	/* file_data in a to_server rule is the request body */
	if (fd == DIR_TO_SERVER && ps->file_data_lists[BUF_HTTP_SERVER_BODY] &&
	    ps->lists[BUF_HTTP_SERVER_BODY].n) {
		if (ps->lists[BUF_HTTP_CLIENT_BODY].n)
			return fail(ps, -EINVAL, "file_data and http_client_body in a to_server rule");
		ps->lists[BUF_HTTP_CLIENT_BODY] = ps->lists[BUF_HTTP_SERVER_BODY];
		memset(&ps->lists[BUF_HTTP_SERVER_BODY], 0, sizeof(struct smlist));
		r->bufmask &= ~(1ull << BUF_HTTP_SERVER_BODY);
		r->bufmask |= 1ull << BUF_HTTP_CLIENT_BODY;
		if (r->fp_buf == BUF_HTTP_SERVER_BODY)
			r->fp_buf = BUF_HTTP_CLIENT_BODY;
		resp_only = false;
		req_only = true;
		for (int b = 0; b < BUF__COUNT; b++)
			if (ps->lists[b].n && buf_info[b].side == SIDE_RESP)
				resp_only = true;
	}
	if (resp_only && fd == DIR_TO_SERVER)
		return fail(ps, -EINVAL, "response buffer in a to_server rule");
	if ((dns || tls) && fd == DIR_TO_CLIENT)
		return fail(ps, -ENOTSUP, "unsupported keyword '%s' (in to_client rules)",
			    !dns ? "tls_sni" :
			    ps->lists[BUF_DNS_QUERY].n ? "dns_query" : "dns.opcode");
	if (resp_only || tls_cert || hassh_srv)
		r->dirs = DIR_TO_CLIENT;
	else if (req_only || dns || tls || smtp_file || hassh_cli)
		r->dirs = fd ? fd : DIR_TO_SERVER;
	else
		r->dirs = fd ? fd : (DIR_TO_SERVER | DIR_TO_CLIENT);
	/* file_data means the body of the side it is inspected on */
	if (ps->lists[BUF_HTTP_SERVER_BODY].n && ps->file_data_lists[BUF_HTTP_SERVER_BODY] &&
	    r->dirs == DIR_TO_SERVER) {
		struct smlist tmp = ps->lists[BUF_HTTP_CLIENT_BODY];
		if (tmp.n)
			return fail(ps, -EINVAL, "file_data and http_client_body in a to_server rule");
		ps->lists[BUF_HTTP_CLIENT_BODY] = ps->lists[BUF_HTTP_SERVER_BODY];
		ps->lists[BUF_HTTP_SERVER_BODY] = tmp;
		r->bufmask &= ~(1ull << BUF_HTTP_SERVER_BODY);
		r->bufmask |= 1ull << BUF_HTTP_CLIENT_BODY;
		if (r->fp_buf == BUF_HTTP_SERVER_BODY)
			r->fp_buf = BUF_HTTP_CLIENT_BODY;
	}
	if (r->bufmask & (1ull << BUF_HTTP_SERVER_BODY) && r->dirs != DIR_TO_CLIENT) {
		/* server body with no direction given: responses only */
		r->dirs = DIR_TO_CLIENT;
	}
	if (r->bufmask & (1ull << BUF_HTTP_CLIENT_BODY) && r->dirs == DIR_TO_CLIENT)
		return fail(ps, -ENOTSUP,
			    "unsupported keyword 'http_client_body' (in to_client rules)");
	if (ps->file_data_lists[BUF_HTTP_SERVER_BODY] && r->proto != RP_HTTP)
		return fail(ps, -ENOTSUP, "unsupported keyword 'file_data' (outside http)");

	/* raw payload: packet or reassembled stream */
	bool tcp_based = r->proto == RP_TCP || r->proto == RP_HTTP || r->proto == RP_TLS;
	/* dsize and header keywords are about one packet: its payload, too
	 * (unless flow:only_stream says otherwise) */
	/* header keywords and buffers, and the flow's counters, require the
	 * packet (Suricata's SIG_FLAG_REQUIRE_PACKET): its payload, then */
	bool packet = r->has_hdr || (r->bufmask & PKT_HDR_BUFS) || (r->fc && r->fc->ncnt);
	if (ps->lists[BUF_PAYLOAD].n && tcp_based && !r->no_stream && !r->dsize.set &&
	    (!packet || r->only_stream)) {
		ps->lists[BUF_STREAM] = ps->lists[BUF_PAYLOAD];
		memset(&ps->lists[BUF_PAYLOAD], 0, sizeof(ps->lists[BUF_PAYLOAD]));
		r->bufmask &= ~(1ull << BUF_PAYLOAD);
		r->bufmask |= 1ull << BUF_STREAM;
		if (r->fp_buf == BUF_PAYLOAD)
			r->fp_buf = BUF_STREAM;
	}
	if (r->only_stream && !tcp_based)
		return fail(ps, -EINVAL, "flow:only_stream in a rule that is not TCP");
	if (r->dsize.set && r->only_stream)
		return fail(ps, -EINVAL, "dsize with flow:only_stream");

	for (int d = 1; d <= 2; d++) {
		enum phase ph;
		if (r->proto == RP_HTTP && (r->bufmask & ~PACKET_BUFS || r->urilen.set)) {
			if (d == DIR_TO_SERVER)
				ph = (r->bufmask & (1ull << BUF_HTTP_CLIENT_BODY)) ?
					PH_REQ_BODY : PH_REQ_HEADERS;
			else
				ph = (r->bufmask & (1ull << BUF_HTTP_SERVER_BODY)) ?
					PH_RESP_BODY : PH_RESP_HEADERS;
		} else if (dns) {
			ph = PH_DNS_QUERY;
		} else if (tls) {
			ph = PH_TLS_HELLO;
		} else if (tls_cert) {
			/* ja3s alone: at the ServerHello; with certificate
			 * buffers, at the certificate (it has the ja3s too) */
			ph = r->bufmask & CERT_BUFS || r->tc ? PH_TLS_CERT : PH_TLS_SERVER_HELLO;
		} else if (ssh) {
			ph = r->bufmask & HASSH_BUFS ? PH_SSH_KEXINIT : PH_SSH_BANNER;
		} else if (smtp_file) {
			ph = PH_SMTP_MESSAGE;
		} else if (dce) {
			/* a request's keywords are decided on its first PDU, its
			 * stub once it is over; a response's once it is over */
			ph = d == DIR_TO_CLIENT ? PH_DCE_RESPONSE :
			     ps->lists[BUF_DCE_STUB_DATA].n ? PH_DCE_REQ_STUB : PH_DCE_REQUEST;
		} else if (r->bufmask & (1ull << BUF_STREAM)) {
			ph = PH_STREAM;
		} else {
			ph = PH_PACKET;
		}
		if (d == DIR_TO_SERVER)
			r->phase_ts = ph;
		else
			r->phase_tc = ph;
	}
	return 0;
}

/*
 * The hash buffers as Suricata sets them up: their contents are lowercased
 * (the buffers hold lowercase hex), and a rule whose content cannot be a
 * whole value is refused, as Suricata refuses it (it could never match).
 */
/* a content a list's transforms make unmatchable is an error, as in Suricata */
static int xform_check_contents(struct pstate *ps)
{
	for (int b = 0; b < BUF__COUNT; b++) {
		const struct smlist *l = &ps->lists[b];
		const struct xform_chain *xf = smlist_xf(ps->r, l);
		for (size_t i = 0; xf && i < l->n; i++) {
			const struct sm *m = &l->v[i];
			const char *why = m->type == SM_CONTENT ?
				xform_content_problem(xf, m->u.content.bytes, m->u.content.len,
						      m->flags & SMF_NOCASE) : NULL;
			if (why)
				return fail(ps, -EINVAL, "%s: a content can never match: it %s",
					    buf_name((enum buf_id)b), why);
		}
	}
	return 0;
}

static int hash_buffer_contents(struct pstate *ps)
{
	static const struct {
		enum buf_id buf;
		uint32_t len;
		bool colons;		/* "aa:bb:..." */
		bool first_only;	/* Suricata checks the length of the first only */
	} hb[] = {
		{ BUF_TLS_CERT_FINGERPRINT, 59, true, false },
		{ BUF_TLS_JA3_HASH, 32, false, true },
		{ BUF_TLS_JA3S_HASH, 32, false, true },
		{ BUF_SSH_HASSH, 32, false, true },
		{ BUF_SSH_HASSH_SERVER, 32, false, true },
	};
	for (size_t k = 0; k < sizeof(hb) / sizeof(hb[0]); k++) {
		struct smlist *l = &ps->lists[hb[k].buf];
		const char *name = buf_name(hb[k].buf);
		if (l->xf)
			continue;	/* the value transformed: any length */
		bool checked = false;
		for (size_t i = 0; i < l->n; i++) {
			struct sm *m = &l->v[i];
			if (m->type != SM_CONTENT)
				continue;
			bool check = !(hb[k].first_only && checked);
			checked = true;
			if (check && m->u.content.len != hb[k].len)
				return fail(ps, -EINVAL, "%s: a content of %u bytes can never match "
					    "(a value is %u)", name, m->u.content.len, hb[k].len);
			if (check && hb[k].colons && !memchr(m->u.content.bytes, ':', m->u.content.len))
				return fail(ps, -EINVAL, "%s: a content without ':' delimiters can "
					    "never match", name);
			for (uint32_t j = 0; j < m->u.content.len; j++)
				m->u.content.bytes[j] = (uint8_t)tolower(m->u.content.bytes[j]);
		}
	}
	return 0;
}

/* a fast pattern this short is a poor prefilter (choose_fast_pattern) */
#define FP_SHORT 2

static size_t fp_len(const struct sm *m)
{
	return m->u.content.has_chop ? m->u.content.fp_chop_len : m->u.content.len;
}

/* can m prefilter its list, through the list's transforms xf (NULL: none)? */
static bool xform_fp_ok(const struct xform_chain *xf, const struct sm *m)
{
	const uint8_t *b = m->u.content.bytes;
	size_t n = m->u.content.len;
	bool nocase = false;
	if (m->u.content.has_chop) {
		b += m->u.content.fp_chop_off;
		n = m->u.content.fp_chop_len;
	}
	return !xf || xform_prefilter(xf, &b, &n, &nocase);
}

static int choose_fast_pattern(struct pstate *ps)
{
	struct rule *r = ps->r;
	const struct sm *best = NULL;
	int best_buf = -1;
	/* Hyperscan scans the buffer untransformed: no pcre of a transformed
	 * list says anything about it */
	if (r->fp_regex && r->fp_buf >= 0 && ps->lists[r->fp_buf].xf) {
		free(r->fp_regex);
		r->fp_regex = NULL;
		r->fp_buf = -1;
	}
	/* an application-phase rule is a candidate only when its application
	 * event runs: its fast pattern must come from an application buffer */
	bool app_phase = r->phase_ts >= PH_REQ_HEADERS || r->phase_tc >= PH_REQ_HEADERS;
	if (app_phase && (r->fp_buf == BUF_PAYLOAD || r->fp_buf == BUF_STREAM)) {
		free(r->fp_regex);
		r->fp_regex = NULL;
		r->fp_buf = -1;
	}
	for (int b = app_phase ? BUF_HTTP_METHOD : 0; b < BUF__COUNT; b++) {
		for (size_t i = 0; i < ps->lists[b].n; i++) {
			const struct sm *m = &ps->lists[b].v[i];
			if (m->type != SM_CONTENT || !xform_fp_ok(smlist_xf(r, &ps->lists[b]), m))
				continue;
			if (m->flags & SMF_FAST_PATTERN) {
				if (m->flags & SMF_NEGATED)
					continue;	/* Suricata: negated fp has no use */
				if (best && (best->flags & SMF_FAST_PATTERN))
					return fail(ps, -EINVAL, "more than one fast_pattern");
				best = m;
				best_buf = b;
				continue;
			}
			if (m->flags & SMF_NEGATED)
				continue;
			if (best && (best->flags & SMF_FAST_PATTERN))
				continue;
			if (!best || fp_len(m) > fp_len(best)) {
				best = m;
				best_buf = b;
			}
		}
	}
	/*
	 * A one- or two-byte literal hits every few hundred bytes of data; on
	 * the raw stream its first hit keeps the rule a candidate for the
	 * rest of the stream, re-verified on every chunk.  The rule's own
	 * pcre in the same buffer is a much better filter, and as necessary
	 * for a match: prefilter with it, and keep the literal in case
	 * Hyperscan refuses the regex (hsdb.c).  An explicit fast_pattern is
	 * kept; '$' does not mean the same in streaming mode.
	 */
	if (best && !(best->flags & SMF_FAST_PATTERN) && fp_len(best) <= FP_SHORT &&
	    r->fp_regex && r->fp_buf == best_buf &&
	    !(best_buf == BUF_STREAM && strchr(r->fp_regex, '$'))) {
		r->fp_alt = best;
		best = NULL;
	} else if (best) {
		r->fp = best;
		r->fp_buf = best_buf;
		free(r->fp_regex);
		r->fp_regex = NULL;
	} else if (!r->fp_regex) {
		r->fp_buf = -1;
	}
	r->has_prefilter = best != NULL || r->fp_regex != NULL;
	return 0;
}

static void smlists_free(struct smlist *lists, size_t n)
{
	for (size_t b = 0; b < n; b++) {
		for (size_t i = 0; i < lists[b].n; i++) {
			struct sm *m = &lists[b].v[i];
			if (m->type == SM_CONTENT)
				free(m->u.content.bytes);
			else if (m->type == SM_PCRE) {
				pcre2_code_free(m->u.pcre.code);
				free(m->u.pcre.src);
			}
		}
		free(lists[b].v);
	}
}

/*
 * Move the non-empty lists into the rule, in list order, and point each
 * base64_decode at base64_data's list (the last, when there is one).
 */
static int take_lists(struct pstate *ps)
{
	struct rule *r = ps->r;
	size_t n = 0;
	r->bufmask = 0;
	for (int b = 0; b < BUF__COUNT; b++) {
		if (ps->lists[b].n) {
			r->bufmask |= 1ull << b;
			n++;
		}
	}
	r->b64data = ps->lists[LIST_BASE64_DATA].n != 0;
	n += r->b64data;
	if (n && !(r->lists = malloc(n * sizeof(*r->lists)))) {
		r->bufmask = 0;
		r->b64data = false;
		return -ENOMEM;
	}
	n = 0;
	for (int b = 0; b < RULE_LISTS; b++) {
		if (ps->lists[b].n)
			r->lists[n++] = ps->lists[b];
		else
			free(ps->lists[b].v);
		memset(&ps->lists[b], 0, sizeof(ps->lists[b]));
	}
	const struct smlist *data = rule_list(r, LIST_BASE64_DATA);
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < r->lists[k].n; i++) {
			if (r->lists[k].v[i].type == SM_BASE64_DECODE)
				r->lists[k].v[i].u.b64.data = data;
		}
	}
	return 0;
}

void rule_free(struct rule *r)
{
	if (!r)
		return;
	if (r->src_id == HDR_NO_ID)
		addr_free(r->src);
	if (r->dst_id == HDR_NO_ID)
		addr_free(r->dst);
	if (r->sport_id == HDR_NO_ID)
		port_free(r->sport);
	if (r->dport_id == HDR_NO_ID)
		port_free(r->dport);
	free(r->msg);
	free(r->metadata);
	free(atomic_load_explicit(&r->metadata_json, memory_order_relaxed));
	free(r->fbits);
	free(r->fints);
	free(r->sup);
	free(r->fc);
	tlskw_free(r->tc);
	free(r->dce);
	free(r->xbits);
	/* a rule refused before take_lists() has a bufmask but no lists */
	if (r->lists)
		smlists_free(r->lists, (size_t)__builtin_popcountll(rule_listmask(r)));
	free(r->lists);
	for (unsigned i = 0; i < r->nxfs; i++)
		xform_chain_free(&r->xfs[i]);
	free(r->xfs);
	free(r->fp_regex);
	free(r->file);
	free(r);
}

int rule_parse(struct parse_ctx *ctx, const char *line, struct rule **out,
	       char *err, size_t errlen)
{
	struct rule_text t;
	char lexerr[200];
	int rc = rule_lex(line, &t, lexerr, sizeof(lexerr));
	if (rc) {
		snprintf(err, errlen, "sid 0: %s", lexerr);
		return rc;
	}
	struct rule *r = calloc(1, sizeof(*r));
	if (!r) {
		rule_text_free(&t);
		return -ENOMEM;
	}
	r->gid = 1;
	r->priority = 0;
	r->ip_proto = -1;
	r->fp_buf = -1;
	r->src_id = r->dst_id = r->sport_id = r->dport_id = HDR_NO_ID;
	char msg[256] = "";
	struct pstate ps = { .ctx = ctx, .r = r, .err = msg, .errlen = sizeof(msg),
			   .cur_buf = -1, .last_list = -1, .lc_list = -1 };

	/* find the sid first so every message can name it */
	for (size_t i = 0; i < t.nopts; i++) {
		long long x;
		if (!strcmp(t.opts[i].name, "sid") &&
		    !parse_int(t.opts[i].value, 1, UINT32_MAX, &x))
			r->sid = (uint32_t)x;
	}
	/* then requires, before the rest: a rule for another engine may
	 * use what this one does not know (Suricata's order too) */
	for (size_t i = 0; i < t.nopts; i++) {
		if (strcmp(t.opts[i].name, "requires"))
			continue;
		rc = requires_check(t.opts[i].value, msg, sizeof(msg));
		if (rc == 1) {
			snprintf(err, errlen, "sid %u: skipped, %s", r->sid, msg);
			rule_text_free(&t);
			rule_free(r);
			return RULE_SKIPPED;
		}
		if (rc)
			goto out;
	}

	if (!strcmp(t.action, "alert")) r->action = 'a';
	else if (!strcmp(t.action, "drop")) r->action = 'd';
	else if (!strcmp(t.action, "reject") || !strcmp(t.action, "rejectsrc") ||
		 !strcmp(t.action, "rejectdst") || !strcmp(t.action, "rejectboth"))
		r->action = 'r';
	else if (!strcmp(t.action, "pass")) r->action = 'p';
	else {
		rc = fail(&ps, -EINVAL, "unknown action '%s'", t.action);
		goto out;
	}
	static const struct { const char *n; enum rule_proto p; } protos[] = {
		{ "ip", RP_IP }, { "pkthdr", RP_IP }, { "tcp", RP_TCP },
		{ "udp", RP_UDP }, { "icmp", RP_ICMP }, { "http", RP_HTTP },
		{ "dns", RP_DNS }, { "tls", RP_TLS },
	};
	bool found = false;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcmp(t.proto, protos[i].n)) {
			r->proto = protos[i].p;
			found = true;
		}
	}
	/* protocols whose rules need only the flow's payload: TCP, on flows
	 * detected as speaking them (probe.c) */
	static const struct { const char *n; enum app_proto a; } apps[] = {
		{ "ftp", APP_FTP }, { "smtp", APP_SMTP }, { "ssh", APP_SSH }, { "smb", APP_SMB },
		{ "dcerpc", APP_DCERPC },
	};
	for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		if (!strcmp(t.proto, apps[i].n)) {
			r->proto = RP_TCP;
			r->app_req = (uint8_t)apps[i].a;
			found = true;
		}
	}
	/* Suricata's TCP on packets only, or on the reassembled stream only */
	if (!strcmp(t.proto, "tcp-pkt") || !strcmp(t.proto, "tcp-stream")) {
		r->proto = RP_TCP;
		r->no_stream = t.proto[4] == 'p';
		r->only_stream = !r->no_stream;
		found = true;
	}
	if (!found) {
		rc = fail(&ps, -ENOTSUP, "unsupported protocol '%s'", t.proto);
		goto out;
	}
	char aerr[160];
	rc = ctx->hdrs ?
	     hdr_intern_addr(ctx->hdrs, ctx->cfg, t.src, &r->src, &r->src_id, aerr, sizeof(aerr)) :
	     addr_parse(ctx->cfg, t.src, &r->src, aerr, sizeof(aerr));
	if (!rc)
		rc = ctx->hdrs ?
		     hdr_intern_addr(ctx->hdrs, ctx->cfg, t.dst, &r->dst, &r->dst_id, aerr, sizeof(aerr)) :
		     addr_parse(ctx->cfg, t.dst, &r->dst, aerr, sizeof(aerr));
	if (!rc)
		rc = ctx->hdrs ?
		     hdr_intern_port(ctx->hdrs, ctx->cfg, t.sport, &r->sport, &r->sport_id, aerr,
				     sizeof(aerr)) :
		     port_parse(ctx->cfg, t.sport, &r->sport, aerr, sizeof(aerr));
	if (!rc)
		rc = ctx->hdrs ?
		     hdr_intern_port(ctx->hdrs, ctx->cfg, t.dport, &r->dport, &r->dport_id, aerr,
				     sizeof(aerr)) :
		     port_parse(ctx->cfg, t.dport, &r->dport, aerr, sizeof(aerr));
	if (rc) {
		rc = rc == -ENOMEM ? rc : fail(&ps, -EINVAL, "%s", aerr);
		goto out;
	}
	if (!strcmp(t.dir, "<>"))
		r->bidir = true;
	else if (strcmp(t.dir, "->")) {
		rc = fail(&ps, -EINVAL, "bad direction '%s'", t.dir);
		goto out;
	}
	for (size_t i = 0; i < t.nopts; i++) {
		rc = handle_option(&ps, t.opts[i].name, t.opts[i].value);
		if (rc) {
			if (rc == -ENOMEM)
				snprintf(msg, sizeof(msg), "out of memory");
			goto out;
		}
	}
	rc = stmt_end(&ps);
	if (!rc)
		rc = xform_check_contents(&ps);
	if (!rc)
		rc = base64_check(&ps);
	if (rc)
		goto out;
	if (!r->sid) {
		rc = fail(&ps, -EINVAL, "no sid");
		goto out;
	}
	if (!r->msg && !(r->msg = strdup("")))
		rc = -ENOMEM;
	if (rc)
		goto out;
	if (r->proto != RP_TCP && r->proto != RP_HTTP && r->proto != RP_TLS &&
	    r->proto != RP_IP && r->has_tcp_flags) {
		rc = fail(&ps, -EINVAL, "flags in a rule that is not TCP");
		goto out;
	}
	if ((r->itype.set || r->icode.set) && r->proto != RP_ICMP && r->proto != RP_IP) {
		rc = fail(&ps, -EINVAL, "itype/icode in a rule that is not ICMP");
		goto out;
	}
	rc = resolve_directions(&ps);
	if (rc)
		goto out;
	rc = hash_buffer_contents(&ps);
	if (rc)
		goto out;
	rc = choose_fast_pattern(&ps);
	if (rc)
		goto out;
	for (int b = 0; b < RULE_LISTS; b++)
		smlist_prepare(&ps.lists[b]);
	if (r->phase_ts == PH_STREAM || r->phase_tc == PH_STREAM)
		smlist_prepare_memos(&ps.lists[BUF_STREAM]);
	rc = take_lists(&ps);
	if (rc)
		goto out;
	rule_stream_bounds(r);
	if (!r->priority)
		r->priority = r->ct ? r->ct->priority : 3;
	/* flowbits and flowint ordering rank: setters before checkers
	 * (Suricata's order) */
	bool sets = false, checks = false;
	for (size_t i = 0; i < r->nfbits; i++) {
		if (r->fbits[i].op <= FB_TOGGLE)
			sets = true;
		else
			checks = true;
	}
	for (size_t i = 0; i < r->nfints; i++) {
		if (r->fints[i].op <= FI_SUB)
			sets = true;
		else
			checks = true;
	}
	r->fb_rank = sets && !checks ? 0 : sets ? 1 : 2;
out:
	smlists_free(ps.lists, RULE_LISTS);
	xform_chain_free(&ps.xf);
	rule_text_free(&t);
	if (rc) {
		if (rc == -ENOMEM && !msg[0])
			snprintf(msg, sizeof(msg), "out of memory");
		snprintf(err, errlen, "sid %u: %s", r->sid, msg);
		rule_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
