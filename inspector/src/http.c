// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP/1.x parser over the reassembled stream: requests on the to_server
 * side, responses on the to_client side, paired in order (pipelining kept
 * up to HTTP_MAX_TX transactions).  Fills the buffers that http_* keywords
 * inspect.  Bodies: Content-Length, chunked, or until close; response
 * bodies with Content-Encoding gzip/deflate are inflated (zlib), up to the
 * body limit.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "app.h"

#define HDR_LIMIT (64 * 1024)
#define BODY_RESERVE_MAX (16 * 1024)

enum { ST_IDLE, ST_HDR, ST_BODY };
enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE };
enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER };

/*
 * The methods Suricata's protocol detection knows (WebDAV and DeltaV
 * included), and SEARCH and SUBSCRIBE; as there, in any case and followed
 * by a space or a tab.  The longest, with its blank, is 17 bytes: the
 * probe's PROBE_MIN (app.h) covers it.
 */
static const char *const methods[] = { "GET", "POST", "HEAD", "PUT", "DELETE",
	"OPTIONS", "CONNECT", "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL",
	"COPY", "MOVE", "LOCK", "UNLOCK", "CHECKOUT", "UNCHECKOUT", "CHECKIN",
	"UPDATE", "LABEL", "REPORT", "MKWORKSPACE", "MKACTIVITY", "MERGE", "INVALID",
	"VERSION-CONTROL", "BASELINE-CONTROL", "SEARCH", "SUBSCRIBE", NULL };

bool http_probe_request(const uint8_t *d, size_t n)
{
	for (int i = 0; methods[i]; i++) {
		size_t l = strlen(methods[i]);
		if (n > l && !strncasecmp((const char *)d, methods[i], l) && isblank(d[l]))
			return true;
	}
	return false;
}

bool http_probe_response(const uint8_t *d, size_t n)
{
	return n >= 5 && !strncasecmp((const char *)d, "HTTP/", 5);
}

/* the first / last space or tab of [p, end), or NULL */
static const char *blank_first(const char *p, const char *end)
{
	for (; p < end; p++)
		if (isblank((unsigned char)*p))
			return p;
	return NULL;
}

static const char *blank_last(const char *p, const char *end)
{
	while (end > p)
		if (isblank((unsigned char)*--end))
			return end;
	return NULL;
}

struct http_state *http_state_new(uint64_t body_limit)
{
	struct http_state *h = calloc(1, sizeof(*h));
	if (h) {
		h->body_limit = body_limit;
		h->tx = h->txq;
		h->cap = sizeof(h->txq) / sizeof(h->txq[0]);
	}
	return h;
}

/* room for add more bytes of state, under the caller's cap */
static bool grow(struct http_state *h, size_t add)
{
	return !add || !h->ops || !h->ops->room || h->ops->room(h->ctx, add);
}

static void emit(struct http_state *h, enum http_event ev, struct http_tx *tx)
{
	h->ops->event(h->ctx, ev, tx);
}

/*
 * zlib's allocations (some 7 KiB of state, then the 32 KiB window at the
 * first inflate) are most of what a compressed body's parser holds: they
 * are counted and asked for under the cap like the rest.  Each block
 * starts with its size, for z_free.
 */
#define ZHDR sizeof(max_align_t)

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	struct http_state *h = opaque;
	size_t n = (size_t)items * size;
	char *p;

	if (!grow(h, ZHDR + n) || !(p = malloc(ZHDR + n)))
		return Z_NULL;
	memcpy(p, &n, sizeof(n));
	h->zmem += ZHDR + n;
	return p + ZHDR;
}

static void z_free(voidpf opaque, voidpf addr)
{
	struct http_state *h = opaque;
	char *p = (char *)addr - ZHDR;
	size_t n;

	memcpy(&n, p, sizeof(n));
	h->zmem -= ZHDR + n;
	free(p);
}

/* an inflater for d's body; false when refused under the cap */
static bool zs_start(struct http_state *h, struct http_dir_state *d)
{
	z_stream *zs;

	if (!grow(h, sizeof(*zs)) || !(zs = calloc(1, sizeof(*zs))))
		return false;
	h->zmem += sizeof(*zs);
	zs->zalloc = z_alloc;
	zs->zfree = z_free;
	zs->opaque = h;
	if (inflateInit2(zs, 15 + 32) != Z_OK) {
		free(zs);
		h->zmem -= sizeof(*zs);
		return false;
	}
	d->zs = zs;
	d->zraw = false;
	return true;
}

/*
 * "deflate" is zlib's format (RFC 9110 8.4.1.2), but many servers send
 * raw deflate, which browsers take, and so does libhtp: when the first
 * bytes are no zlib or gzip header, the body is inflated again as raw
 * deflate, once.  A header's failure comes within its first two bytes,
 * so what earlier calls inflated is all in d->zhead.
 */
static bool zs_raw_retry(struct http_dir_state *d, z_stream *zs)
{
	if (d->zraw || zs->total_out || zs->total_in > sizeof(d->zhead))
		return false;
	d->zraw = true;
	return inflateReset2(zs, -15) == Z_OK;
}

/* a buffer's own bytes, not those it shares with http.start */
static void hbuf_free(struct hbuf *b)
{
	if (b->cap)
		free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

static void tx_free(struct http_tx *tx)
{
	if (!tx)
		return;
	for (int b = 0; b < HTTP_TX_BUFS; b++) {
		hbuf_free(&tx->req[b]);
		hbuf_free(&tx->resp[b]);
	}
	free(tx);
}

/* a finished transaction's struct is kept for the next one of the flow
 * (a keep-alive connection has many): its buffers are freed, it is zeroed */
static void tx_done(struct http_state *h, struct http_tx *tx)
{
	if (h->spare) {
		tx_free(tx);
		return;
	}
	for (int b = 0; b < HTTP_TX_BUFS; b++) {
		hbuf_free(&tx->req[b]);
		hbuf_free(&tx->resp[b]);
	}
	memset(tx, 0, sizeof(*tx));
	h->spare = tx;
}

static void zs_end(struct http_state *h, struct http_dir_state *d)
{
	if (d->zs) {
		inflateEnd(d->zs);
		free(d->zs);
		h->zmem -= sizeof(z_stream);
		d->zs = NULL;
	}
}

void http_state_free(struct http_state *h)
{
	if (!h)
		return;
	for (int i = 0; i < 2; i++) {
		strbuf_free(&h->d[i].hdr);
		strbuf_free(&h->d[i].chunk_line);
		zs_end(h, &h->d[i]);
	}
	for (unsigned i = 0; i < h->ntx; i++)
		tx_free(h->tx[i]);
	if (h->tx != h->txq)
		free(h->tx);
	free(h->spare);
	free(h);
}

/* what the state holds: allocations as made (a part of http.start is in it) */
size_t http_state_memory(struct http_state *h)
{
	if (h->mem_valid)
		return h->mem;
	size_t m = sizeof(*h) + h->zmem + (h->spare ? sizeof(struct http_tx) : 0) +
		   (h->tx != h->txq ? h->cap * sizeof(*h->tx) : 0);
	for (int d = 0; d < 2; d++)
		m += h->d[d].hdr.cap + h->d[d].chunk_line.cap;
	for (unsigned i = 0; i < h->ntx; i++) {
		m += sizeof(struct http_tx);
		for (int b = 0; b < HTTP_TX_BUFS; b++)
			m += h->tx[i]->req[b].cap + h->tx[i]->resp[b].cap;
	}
	/* during a feed the parser is still changing the state */
	if (!h->busy) {
		h->mem = m;
		h->mem_valid = true;
	}
	return m;
}

static int hbuf_set(struct http_state *h, struct hbuf *b, const void *p, size_t n)
{
	uint8_t *c;
	if (!grow(h, n + 1) || !(c = malloc(n + 1)))
		return -ENOMEM;
	memcpy(c, p, n);
	c[n] = 0;
	hbuf_free(b);
	b->p = c;
	b->n = n;
	b->cap = n + 1;
	b->set = true;
	return 0;
}

/*
 * The parts of a header block (method, URI, the request or status line,
 * the headers) point into the side's copy of the whole block (http.start,
 * set first) instead of each being a copy of its own: one allocation per
 * block instead of six (or more: single header fields and URIs that need
 * no normalization are parts too).  They are not 0-terminated; one that is
 * appended to (a repeated header field) gets a copy of its own first, in
 * hbuf_reserve().
 */
static void hbuf_part(struct hbuf *b, const struct hbuf *start, const char *hb, const char *p,
		      size_t n)
{
	hbuf_free(b);
	b->p = start->p + (p - hb);
	b->n = n;
	b->cap = 0;
	b->set = true;
}

/* room for n more bytes and the terminating 0 */
static int hbuf_reserve(struct http_state *h, struct hbuf *b, size_t n)
{
	if (b->n + n + 1 <= b->cap)
		return 0;
	if (!b->cap && b->p) {
		/* a part of http.start: a copy of its own first */
		uint8_t *c;
		if (!grow(h, b->n + n + 1) || !(c = malloc(b->n + n + 1)))
			return -ENOMEM;
		memcpy(c, b->p, b->n);
		b->p = c;
		b->cap = b->n + n + 1;
		return 0;
	}
	/* geometric growth: headers and bodies arrive in many small pieces */
	size_t cap = b->cap * 2 > 64 ? b->cap * 2 : 64;
	if (cap < b->n + n + 1)
		cap = b->n + n + 1;
	if (!grow(h, cap - b->cap))
		return -ENOMEM;
	uint8_t *c = realloc(b->p, cap);
	if (!c)
		return -ENOMEM;
	b->p = c;
	b->cap = cap;
	return 0;
}

static int hbuf_append(struct http_state *h, struct hbuf *b, const void *p, size_t n)
{
	int rc = hbuf_reserve(h, b, n);
	if (rc)
		return rc;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	b->set = true;
	return 0;
}

/* does the path [u, u + q) have a '%' or a "/." that normalize_uri changes? */
static bool uri_plain(const uint8_t *u, size_t q)
{
	if (memchr(u, '%', q))
		return false;
	for (const uint8_t *d = memchr(u, '.', q); d; d = memchr(d + 1, '.', q - (size_t)(d + 1 - u)))
		if (d > u && d[-1] == '/')
			return false;
	return true;
}

/*
 * Where an absolute-form URI's path starts ("http://host:80/a?b" -> "/a?b";
 * every server takes the form, RFC 9112 3.2.2): as Suricata's http.uri
 * (uri-include-all off) is the path, query and fragment only, scheme,
 * credentials, host and port left to http.uri.raw.  Other forms: u.
 */
static const uint8_t *uri_path_start(const uint8_t *u, size_t n)
{
	const uint8_t *e = u + n, *p = u;

	if (!n || !isalpha(*p))
		return u;
	while (p < e && (isalnum(*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (e - p < 3 || memcmp(p, "://", 3))
		return u;
	for (p += 3; p < e && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	return p;
}

/*
 * libhtp-like normalization: %-decode the path, remove dot segments; the
 * query string stays as sent.  A URI it leaves as it is (most) becomes a
 * part of http.start like the raw URI, without a copy.
 */
static int normalize_uri(struct http_state *h, const uint8_t *u, size_t n, struct hbuf *out,
			 const struct hbuf *st, const char *hb)
{
	const uint8_t *qm = memchr(u, '?', n);
	size_t q = qm ? (size_t)(qm - u) : n;
	if (uri_plain(u, q)) {
		hbuf_part(out, st, hb, (const char *)u, n);
		return 0;
	}
	/* decoded in place: the dot removal never writes past where it reads */
	size_t cap = n + 1;
	uint8_t *path;
	if (!grow(h, cap) || !(path = malloc(cap)))
		return -ENOMEM;
	size_t pl = 0;
	for (size_t i = 0; i < q; i++) {
		if (u[i] == '%' && i + 2 < q && hex_digit(u[i + 1]) >= 0 &&
		    hex_digit(u[i + 2]) >= 0) {
			path[pl++] = (uint8_t)(hex_digit(u[i + 1]) << 4 | hex_digit(u[i + 2]));
			i += 2;
		} else {
			path[pl++] = u[i];
		}
	}
	/* remove "." and ".." segments (RFC 3986 5.2.4) */
	uint8_t *o = path;
	size_t ol = 0, i = 0;
	while (i < pl) {
		if (path[i] == '/' && i + 1 < pl && path[i + 1] == '.' &&
		    (i + 2 == pl || path[i + 2] == '/')) {
			i += 2;
			if (i == pl)
				o[ol++] = '/';
			continue;
		}
		if (path[i] == '/' && i + 2 < pl && path[i + 1] == '.' && path[i + 2] == '.' &&
		    (i + 3 == pl || path[i + 3] == '/')) {
			i += 3;
			while (ol > 0 && o[--ol] != '/')
				;
			if (i == pl)
				o[ol++] = '/';
			continue;
		}
		o[ol++] = path[i++];
	}
	memcpy(o + ol, u + q, n - q);
	ol += n - q;
	o[ol] = 0;
	hbuf_free(out);
	out->p = o;
	out->n = ol;
	out->cap = cap;
	out->set = true;
	return 0;
}

struct hdr_field {
	const char *name;
	size_t len;
	enum buf_id buf;
};
#define F(s, b) { s, sizeof(s) - 1, b }
static const struct hdr_field req_fields[] = {
	F("Host", BUF_HTTP_RAW_HOST), F("User-Agent", BUF_HTTP_UA),
	F("Cookie", BUF_HTTP_COOKIE), F("Referer", BUF_HTTP_REFERER),
	F("Accept", BUF_HTTP_ACCEPT), F("Accept-Encoding", BUF_HTTP_ACCEPT_ENC),
	F("Accept-Language", BUF_HTTP_ACCEPT_LANG), F("Connection", BUF_HTTP_CONNECTION),
	F("Content-Type", BUF_HTTP_CONTENT_TYPE), F("Content-Length", BUF_HTTP_CONTENT_LEN),
	{ NULL, 0, 0 }
};
static const struct hdr_field resp_fields[] = {
	F("Set-Cookie", BUF_HTTP_COOKIE), F("Connection", BUF_HTTP_CONNECTION),
	F("Content-Type", BUF_HTTP_CONTENT_TYPE), F("Content-Length", BUF_HTTP_CONTENT_LEN),
	F("Server", BUF_HTTP_SERVER), F("Location", BUF_HTTP_LOCATION),
	{ NULL, 0, 0 }
};
#undef F

struct parsed_hdrs {
	int body_mode;
	uint64_t clen;
	bool gzip;
};

/*
 * Parse "Name: value" lines of [p, end) into the side's buffers.  [p, end)
 * lies in the block at hb, of which st (http.start) is the copy: a field
 * seen once (most) is a part of st; a repeated one gets a copy of its own
 * (hbuf_reserve) for ", " and the next value.
 */
static int parse_headers(struct http_state *h, struct hbuf *bufs, const char *p, const char *end,
			 bool request, struct parsed_hdrs *ph, const struct hbuf *st,
			 const char *hb)
{
	const struct hdr_field *fields = request ? req_fields : resp_fields;
	struct hbuf names = { 0 };
	/* the header buffers hold at most the block and a few separators */
	size_t most = (size_t)(end - p) + 4;
	int rc = hbuf_reserve(h, &names, most);
	if (!rc)
		rc = hbuf_reserve(h, &bufs[BUF_HTTP_HEADER], most);
	if (!rc)
		rc = hbuf_append(h, &names, "\r\n", 2);
	memset(ph, 0, sizeof(*ph));
	bool has_clen = false;
	while (!rc && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *le = eol;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p)
			break;	/* blank line */
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon) {
			const char *ne = colon;
			while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			const char *vs = colon + 1, *ve = le;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			size_t nl = (size_t)(ne - p), vl = (size_t)(ve - vs);
			rc = hbuf_append(h, &names, p, nl);
			if (!rc)
				rc = hbuf_append(h, &names, "\r\n", 2);
			if (!rc)
				rc = hbuf_append(h, &bufs[BUF_HTTP_HEADER], p, nl);
			if (!rc)
				rc = hbuf_append(h, &bufs[BUF_HTTP_HEADER], ": ", 2);
			if (!rc)
				rc = hbuf_append(h, &bufs[BUF_HTTP_HEADER], vs, vl);
			if (!rc)
				rc = hbuf_append(h, &bufs[BUF_HTTP_HEADER], "\r\n", 2);
			for (int i = 0; !rc && fields[i].name; i++) {
				if (fields[i].len != nl || strncasecmp(fields[i].name, p, nl))
					continue;
				struct hbuf *b = &bufs[fields[i].buf];
				if (!b->set) {
					hbuf_part(b, st, hb, vs, vl);
					continue;
				}
				rc = hbuf_append(h, b, ", ", 2);
				if (!rc)
					rc = hbuf_append(h, b, vs, vl);
			}
			if (nl == 14 && !strncasecmp(p, "Content-Length", 14)) {
				char num[32];
				size_t cl = vl < sizeof(num) - 1 ? vl : sizeof(num) - 1;
				memcpy(num, vs, cl);
				num[cl] = 0;
				char *e;
				unsigned long long v = strtoull(num, &e, 10);
				if (e != num && !*e) {
					ph->clen = v;
					has_clen = true;
				}
			} else if (nl == 17 && !strncasecmp(p, "Transfer-Encoding", 17)) {
				for (size_t k = 0; k + 7 <= vl; k++)
					if (!strncasecmp(vs + k, "chunked", 7))
						ph->body_mode = BODY_CHUNKED;
			} else if (nl == 16 && !strncasecmp(p, "Content-Encoding", 16)) {
				if ((vl == 4 && !strncasecmp(vs, "gzip", 4)) ||
				    (vl == 7 && !strncasecmp(vs, "deflate", 7)) ||
				    (vl == 6 && !strncasecmp(vs, "x-gzip", 6)))
					ph->gzip = true;
			}
		}
		p = eol < end ? eol + 1 : end;
	}
	if (!rc)
		rc = hbuf_append(h, &names, "\r\n", 2);
	if (!rc) {
		hbuf_free(&bufs[BUF_HTTP_HEADER_NAMES]);
		bufs[BUF_HTTP_HEADER_NAMES] = names;
	} else {
		free(names.p);
	}
	if (ph->body_mode != BODY_CHUNKED && has_clen)
		ph->body_mode = ph->clen ? BODY_LENGTH : BODY_NONE;
	return rc;
}

static struct http_tx *tx_push(struct http_state *h)
{
	if (h->ntx == h->cap) {
		unsigned cap = 2 * h->cap;
		bool inline_q = h->tx == h->txq;
		struct http_tx **q;
		if (h->cap == HTTP_MAX_TX ||
		    !grow(h, (inline_q ? cap : cap - h->cap) * sizeof(*q)) ||
		    !(q = realloc(inline_q ? NULL : h->tx, cap * sizeof(*q))))
			return NULL;
		if (inline_q)
			memcpy(q, h->txq, sizeof(h->txq));
		h->tx = q;
		h->cap = cap;
	}
	struct http_tx *tx = h->spare;
	h->spare = NULL;
	if (!tx && grow(h, sizeof(*tx)))
		tx = calloc(1, sizeof(*tx));
	if (tx)
		h->tx[h->ntx++] = tx;
	return tx;
}

static void tx_pop(struct http_state *h, struct http_tx *tx)
{
	for (unsigned i = 0; i < h->ntx; i++) {
		if (h->tx[i] == tx) {
			tx_done(h, tx);
			memmove(&h->tx[i], &h->tx[i + 1], (h->ntx - i - 1) * sizeof(h->tx[0]));
			h->ntx--;
			return;
		}
	}
}

static struct http_tx *current_req_tx(struct http_state *h)
{
	return h->ntx && !h->tx[h->ntx - 1]->req_done ? h->tx[h->ntx - 1] : NULL;
}

static struct http_tx *current_resp_tx(struct http_state *h)
{
	for (unsigned i = 0; i < h->ntx; i++)
		if (h->tx[i]->resp_started)
			return h->tx[i];
	return NULL;
}

/* a complete header block [hb, he): request or status line, headers */
static int on_header_block(struct http_state *h, int dir, const char *hb, const char *he)
{
	struct http_dir_state *d = &h->d[dir];
	const char *eol = memchr(hb, '\n', (size_t)(he - hb));
	const char *le = eol ? eol : he;
	const char *rest = eol ? eol + 1 : he;
	if (le > hb && le[-1] == '\r')
		le--;
	struct parsed_hdrs ph;
	int rc;
	if (dir == 0) {
		struct http_tx *tx = tx_push(h);
		if (!tx)
			return -ENOMEM;
		struct hbuf *b = tx->req;
		/* the request line's parts are apart by spaces or tabs */
		const char *sp1 = blank_first(hb, le);
		if (!sp1)
			return -EINVAL;
		const char *us = sp1 + 1;
		while (us < le && isblank((unsigned char)*us))
			us++;
		const char *sp2 = blank_last(us, le);
		const char *ue = sp2 ? sp2 : le;
		rc = hbuf_set(h, &b[BUF_HTTP_START], hb, (size_t)(he - hb));
		if (rc)
			return rc;
		const struct hbuf *st = &b[BUF_HTTP_START];
		hbuf_part(&b[BUF_HTTP_METHOD], st, hb, hb, (size_t)(sp1 - hb));
		hbuf_part(&b[BUF_HTTP_RAW_URI], st, hb, us, (size_t)(ue - us));
		hbuf_part(&b[BUF_HTTP_PROTOCOL], st, hb, sp2 ? sp2 + 1 : hb,
			  sp2 ? (size_t)(le - sp2 - 1) : 0);
		hbuf_part(&b[BUF_HTTP_REQUEST_LINE], st, hb, hb, (size_t)(le - hb));
		hbuf_part(&b[BUF_HTTP_RAW_HEADER], st, hb, rest, (size_t)(he - rest));
		const uint8_t *ps = uri_path_start((const uint8_t *)us, (size_t)(ue - us));
		rc = normalize_uri(h, ps, (size_t)((const uint8_t *)ue - ps), &b[BUF_HTTP_URI], st, hb);
		if (!rc)
			rc = parse_headers(h, b, rest, he, true, &ph, st, hb);
		if (rc)
			return rc;
		if (b[BUF_HTTP_RAW_HOST].set) {
			/* http.host: lowercase, without the port */
			const uint8_t *hp = b[BUF_HTTP_RAW_HOST].p;
			size_t hn = b[BUF_HTTP_RAW_HOST].n;
			if (hn && hp[0] != '[') {
				const uint8_t *c = memrchr(hp, ':', hn);
				if (c)
					hn = (size_t)(c - hp);
			}
			rc = hbuf_set(h, &b[BUF_HTTP_HOST], hp, hn);
			if (rc)
				return rc;
			for (size_t i = 0; i < hn; i++)
				b[BUF_HTTP_HOST].p[i] = (uint8_t)tolower(b[BUF_HTTP_HOST].p[i]);
		}
		tx->head_request = b[BUF_HTTP_METHOD].n == 4 &&
				   !strncasecmp((const char *)b[BUF_HTTP_METHOD].p, "HEAD", 4);
		d->body_mode = ph.body_mode == BODY_CLOSE ? BODY_NONE : ph.body_mode;
		d->body_left = ph.clen;
		d->chunk_state = CH_SIZE;
		d->body_cut = false;
		emit(h, HTTP_EV_REQ_HEADERS, tx);
		if (d->body_mode == BODY_NONE)
			tx->req_done = true;
		return 0;
	}
	/* response: pair with the oldest request without one */
	struct http_tx *tx = NULL;
	for (unsigned i = 0; i < h->ntx; i++) {
		if (!h->tx[i]->resp_started) {
			tx = h->tx[i];
			break;
		}
	}
	if (!tx) {
		tx = tx_push(h);	/* response to a request we did not see */
		if (!tx)
			return -ENOMEM;
		tx->req_done = true;
	}
	struct hbuf *b = tx->resp;
	/* as libhtp: the status line's parts are apart by any run of spaces
	 * or tabs */
	const char *sp1 = blank_first(hb, le);
	if (!sp1)
		return -EINVAL;
	const char *cs = sp1 + 1;
	while (cs < le && isblank((unsigned char)*cs))
		cs++;
	const char *ce = blank_first(cs, le);
	if (!ce)
		ce = le;
	const char *ms = ce;
	while (ms < le && isblank((unsigned char)*ms))
		ms++;
	rc = hbuf_set(h, &b[BUF_HTTP_START], hb, (size_t)(he - hb));
	if (rc)
		return rc;
	const struct hbuf *st = &b[BUF_HTTP_START];
	hbuf_part(&b[BUF_HTTP_STAT_CODE], st, hb, cs, (size_t)(ce - cs));
	hbuf_part(&b[BUF_HTTP_STAT_MSG], st, hb, ms, (size_t)(le - ms));
	hbuf_part(&b[BUF_HTTP_RESPONSE_LINE], st, hb, hb, (size_t)(le - hb));
	hbuf_part(&b[BUF_HTTP_RAW_HEADER], st, hb, rest, (size_t)(he - rest));
	rc = parse_headers(h, b, rest, he, false, &ph, st, hb);
	if (rc)
		return rc;
	/* the code ends at a space, a line end or the block's end (0) */
	int status = atoi((const char *)b[BUF_HTTP_STAT_CODE].p);
	if (status >= 100 && status < 200) {
		/* interim response: the final one follows */
		for (int i = 0; i < HTTP_TX_BUFS; i++) {
			hbuf_free(&b[i]);
			memset(&b[i], 0, sizeof(b[i]));
		}
		d->body_mode = BODY_NONE;
		return 0;
	}
	tx->status = status;
	tx->resp_started = true;
	if (status == 204 || status == 304 || tx->head_request)
		d->body_mode = BODY_NONE;
	else if (ph.body_mode == BODY_NONE && !b[BUF_HTTP_CONTENT_LEN].set)
		d->body_mode = BODY_CLOSE;
	else
		d->body_mode = ph.body_mode;
	d->body_left = ph.clen;
	d->chunk_state = CH_SIZE;
	d->body_cut = false;
	zs_end(h, d);
	/* no inflater: the body is not kept, rather than kept compressed */
	if (ph.gzip && d->body_mode != BODY_NONE && !zs_start(h, d))
		d->body_cut = true;
	emit(h, HTTP_EV_RESP_HEADERS, tx);
	if (d->body_mode == BODY_NONE)
		tx_pop(h, tx);
	return 0;
}

static void body_append(struct http_state *h, int dir, struct http_tx *tx,
			const uint8_t *p, size_t n)
{
	struct http_dir_state *d = &h->d[dir];
	struct hbuf *b = dir == 0 ? &tx->req[BUF_HTTP_CLIENT_BODY] : &tx->resp[BUF_HTTP_SERVER_BODY];
	uint64_t *total = dir == 0 ? &tx->req_body_len : &tx->resp_body_len;
	*total += n;
	/* refused memory once, the body stops there: no gap inside it */
	if (d->body_cut)
		return;
	if (d->zs) {
		z_stream *zs = d->zs;
		uint8_t out[8192];
		uLong before = zs->total_in;
		for (size_t i = before; i < sizeof(d->zhead) && i - before < n; i++)
			d->zhead[i] = p[i - before];
		zs->next_in = (Bytef *)p;
		zs->avail_in = (uInt)n;
		while (zs->avail_in && b->n < h->body_limit) {
			zs->next_out = out;
			zs->avail_out = sizeof(out);
			int zr = inflate(zs, Z_NO_FLUSH);
			size_t got = sizeof(out) - zs->avail_out;
			size_t room = h->body_limit - b->n;
			if (got && hbuf_append(h, b, out, got < room ? got : room)) {
				d->body_cut = true;
				break;
			}
			if (zr == Z_MEM_ERROR)
				d->body_cut = true;
			if (zr == Z_DATA_ERROR && zs_raw_retry(d, zs)) {
				/* the bytes before this call (one at most: two
				 * make a header, and its failure comes at the
				 * second), then all of it again; one byte of raw
				 * deflate decodes to nothing yet */
				zs->next_in = d->zhead;
				zs->avail_in = (uInt)before;
				zr = inflate(zs, Z_NO_FLUSH);
				zs->next_in = (Bytef *)p;
				zs->avail_in = (uInt)n;
				if (zr == Z_OK || zr == Z_BUF_ERROR)
					continue;
			}
			if (zr != Z_OK)
				break;	/* end of stream or corrupt: keep what we have */
		}
		return;
	}
	if (b->n >= h->body_limit)
		return;
	size_t room = h->body_limit - b->n;
	if (!b->cap && d->body_mode == BODY_LENGTH) {
		/* room for the announced length at once (bounded: it is the
		 * peer's word), not a realloc every time the data doubles */
		size_t want = d->body_left < room ? (size_t)d->body_left : room;
		if (want > BODY_RESERVE_MAX)
			want = BODY_RESERVE_MAX;
		if (want > n && hbuf_reserve(h, b, want)) {
			d->body_cut = true;
			return;
		}
	}
	if (hbuf_append(h, b, p, n < room ? n : room))
		d->body_cut = true;
}

static void body_done(struct http_state *h, int dir, struct http_tx *tx)
{
	struct http_dir_state *d = &h->d[dir];
	zs_end(h, d);
	d->state = ST_IDLE;
	if (dir == 0) {
		if (tx->req[BUF_HTTP_CLIENT_BODY].n)
			emit(h, HTTP_EV_REQ_BODY, tx);
		tx->req_done = true;
	} else {
		if (tx->resp[BUF_HTTP_SERVER_BODY].n)
			emit(h, HTTP_EV_RESP_BODY, tx);
		tx_pop(h, tx);
	}
}

/* consume body bytes; returns how many were used */
static size_t feed_body(struct http_state *h, int dir, const uint8_t *p, size_t n)
{
	struct http_dir_state *d = &h->d[dir];
	struct http_tx *tx = dir == 0 ? current_req_tx(h) : current_resp_tx(h);
	if (!tx) {
		d->state = ST_IDLE;
		return 0;
	}
	size_t used = 0;
	if (d->body_mode == BODY_LENGTH) {
		size_t take = n < d->body_left ? n : (size_t)d->body_left;
		body_append(h, dir, tx, p, take);
		d->body_left -= take;
		if (!d->body_left)
			body_done(h, dir, tx);
		return take;
	}
	if (d->body_mode == BODY_CLOSE) {
		body_append(h, dir, tx, p, n);
		return n;
	}
	while (used < n && d->state == ST_BODY) {
		switch (d->chunk_state) {
		case CH_SIZE:
		case CH_TRAILER: {
			const uint8_t *nl = memchr(p + used, '\n', n - used);
			size_t take = nl ? (size_t)(nl - (p + used)) + 1 : n - used;
			if (d->chunk_line.len + take > 1024 ||
			    !grow(h, strbuf_growth(&d->chunk_line, take)) ||
			    strbuf_append(&d->chunk_line, p + used, take)) {
				d->broken = true;
				return n;
			}
			used += take;
			if (!nl)
				break;
			char *line = d->chunk_line.s;
			if (d->chunk_state == CH_SIZE) {
				char *e;
				unsigned long long sz = strtoull(line, &e, 16);
				if (e == line) {
					d->broken = true;
					return n;
				}
				d->body_left = sz;
				d->chunk_state = sz ? CH_DATA : CH_TRAILER;
			} else if (!strcmp(line, "\r\n") || !strcmp(line, "\n")) {
				d->chunk_line.len = 0;
				body_done(h, dir, tx);
				return used;
			}
			d->chunk_line.len = 0;
			break;
		}
		case CH_DATA: {
			size_t take = n - used < d->body_left ? n - used : (size_t)d->body_left;
			body_append(h, dir, tx, p + used, take);
			used += take;
			d->body_left -= take;
			if (!d->body_left)
				d->chunk_state = CH_DATA_END;
			break;
		}
		case CH_DATA_END: {
			const uint8_t *nl = memchr(p + used, '\n', n - used);
			if (!nl) {
				used = n;
				break;
			}
			used = (size_t)(nl - p) + 1;
			d->chunk_state = CH_SIZE;
			break;
		}
		}
	}
	return used;
}

static void feed(struct http_state *h, int dir, const uint8_t *p, size_t n)
{
	struct http_dir_state *d = &h->d[dir];
	while (n && !d->broken) {
		if (d->state == ST_BODY) {
			size_t used = feed_body(h, dir, p, n);
			p += used;
			n -= used;
			continue;
		}
		if (d->state == ST_IDLE) {
			/* skip blank lines between messages */
			while (n && (*p == '\r' || *p == '\n')) {
				p++;
				n--;
			}
			if (!n)
				break;
			d->state = ST_HDR;
			d->hdr.len = 0;
		}
		size_t old = d->hdr.len;
		size_t take = n;
		if (old + take > HDR_LIMIT)
			take = HDR_LIMIT - old;
		if (!grow(h, strbuf_growth(&d->hdr, take)) || strbuf_append(&d->hdr, p, take)) {
			d->broken = true;
			break;
		}
		const char *s = d->hdr.s;
		size_t from = old > 3 ? old - 3 : 0, end = 0;
		for (size_t i = from; i < d->hdr.len; i++) {
			if (s[i] != '\n')
				continue;
			if (i >= 1 && s[i - 1] == '\n') {
				end = i + 1;
				break;
			}
			if (i >= 2 && s[i - 1] == '\r' && s[i - 2] == '\n') {
				end = i + 1;
				break;
			}
		}
		if (!end) {
			if (d->hdr.len >= HDR_LIMIT)
				d->broken = true;	/* header block too large */
			p += take;
			n -= take;
			continue;
		}
		size_t consumed = end - old;
		p += consumed;
		n -= consumed;
		bool ok = dir == 0 ? http_probe_request((uint8_t *)s, end) :
				      http_probe_response((uint8_t *)s, end);
		if (!ok || on_header_block(h, dir, s, s + end)) {
			d->broken = true;
			break;
		}
		d->state = d->body_mode == BODY_NONE ? ST_IDLE : ST_BODY;
		d->hdr.len = 0;
	}
}

static void eof(struct http_state *h, int dir)
{
	struct http_dir_state *d = &h->d[dir];
	if (d->state != ST_BODY || d->broken)
		return;
	struct http_tx *tx = dir == 0 ? current_req_tx(h) : current_resp_tx(h);
	if (tx)
		body_done(h, dir, tx);	/* body until close, or cut short */
	d->state = ST_IDLE;
}

/* every change of the state goes through these two: the cached memory
 * figure is dropped, and none is kept while the parser (or a callback)
 * runs, since the parser goes on changing the state after a callback */
void http_feed(struct http_state *h, int dir, const uint8_t *p, size_t n,
	       const struct http_ops *ops, void *ctx)
{
	h->busy = true;
	h->mem_valid = false;
	h->ops = ops;
	h->ctx = ctx;
	feed(h, dir, p, n);
	h->ops = NULL;
	h->ctx = NULL;
	h->busy = false;
}

void http_eof(struct http_state *h, int dir, const struct http_ops *ops, void *ctx)
{
	h->busy = true;
	h->mem_valid = false;
	h->ops = ops;
	h->ctx = ctx;
	eof(h, dir);
	h->ops = NULL;
	h->ctx = NULL;
	h->busy = false;
}
