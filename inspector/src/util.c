// SPDX-License-Identifier: GPL-2.0-or-later
/* Growable strings, small string helpers, mkdir -p. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "internal.h"

/* what b's allocation becomes to hold extra more bytes (b->cap: as it is) */
static size_t strbuf_cap_for(const struct strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return b->cap;
	size_t cap = b->cap ? b->cap * 2 : 64;
	while (cap < need)
		cap *= 2;
	return cap;
}

size_t strbuf_growth(const struct strbuf *b, size_t extra)
{
	return strbuf_cap_for(b, extra) - b->cap;
}

static int strbuf_reserve(struct strbuf *b, size_t extra)
{
	size_t cap = strbuf_cap_for(b, extra);
	if (cap == b->cap)
		return 0;
	char *s = realloc(b->s, cap);
	if (!s)
		return -ENOMEM;
	b->s = s;
	b->cap = cap;
	return 0;
}

int strbuf_append(struct strbuf *b, const void *data, size_t n)
{
	int rc = strbuf_reserve(b, n);
	if (rc)
		return rc;
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
	return 0;
}

int strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	int rc = strbuf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int mkdir_parents(const char *path, mode_t mode)
{
	char p[4096];
	size_t n = strlen(path);

	if (!n || n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*s = c;
	}
}

void strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
}

/* the three bytes of a group of four sextets */
static void base64_group(const uint8_t g[4], uint8_t *out)
{
	out[0] = (uint8_t)(g[0] << 2 | g[1] >> 4);
	out[1] = (uint8_t)(g[1] << 4 | g[2] >> 2);
	out[2] = (uint8_t)(g[2] << 6 | g[3]);
}

size_t base64_decode_rfc4648(const uint8_t *in, size_t n, uint8_t *out, size_t mark,
			     size_t *at_mark)
{
	uint8_t g[4] = { 0 };
	unsigned k = 0, pad = 0;
	size_t len = 0, old = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (i == mark)
			old = len + (k >= 2 ? k - 1 : 0);
		int v = base64_value(in[i]);
		if (v < 0) {
			if (in[i] != '=')
				break;	/* RFC 4648: the rest is not base64 */
			pad++;
			v = 0;
		}
		g[k++] = (uint8_t)v;
		if (k == 4) {
			/* Suricata's count: '=' anywhere in the group */
			base64_group(g, out + len);
			len += pad >= 3 ? 0 : 3 - pad;
			k = pad = 0;
		}
	}
	if (k) {
		/* an incomplete group, padded with zero sextets (one sextet
		 * still gives a byte, as in Suricata) */
		memset(g + k, 0, 4 - k);
		base64_group(g, out + len);
		len += k == 3 ? 2 : 1;
	}
	if (at_mark)
		*at_mark = old < len ? old : len;
	return len;
}

int md5_hex(const void *p, size_t n, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(n ? p : "", n, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return -EIO;
	for (unsigned int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 33 - 2 * i, "%02x", md[i]);
	return 0;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/*
 * Case-insensitive memmem: the candidates for the first byte are found
 * with memchr (one per case, each rescanned only once passed), the rest
 * compared folded.  Hot: verification of nocase contents.
 */
const uint8_t *memmem_nocase(const uint8_t *hay, size_t hlen,
			     const uint8_t *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	if (hlen < nlen)
		return NULL;
	uint8_t lo = fold(needle[0]);
	uint8_t up = lo >= 'a' && lo <= 'z' ? (uint8_t)(lo - 32) : lo;
	const uint8_t *end = hay + hlen - nlen + 1;	/* last start + 1 */
	/* next candidate of each case at or after p; NULL: search again, end: none */
	const uint8_t *pl = NULL, *pu = NULL;
	const uint8_t *p = hay;
	while (p < end) {
		if (pl != end && (!pl || pl < p)) {
			pl = memchr(p, lo, (size_t)(end - p));
			if (!pl)
				pl = end;
		}
		if (lo == up) {
			pu = pl;
		} else if (pu != end && (!pu || pu < p)) {
			pu = memchr(p, up, (size_t)(end - p));
			if (!pu)
				pu = end;
		}
		const uint8_t *c = pl < pu ? pl : pu;
		if (c == end)
			return NULL;
		size_t j = 1;
		while (j < nlen && fold(c[j]) == fold(needle[j]))
			j++;
		if (j == nlen)
			return c;
		p = c + 1;
	}
	return NULL;
}

/*
 * How common a byte is in what rules search (HTTP headers, URIs, text
 * and binary bodies), lower is rarer: lowercase letters and the space
 * most, then digits, uppercase and line ends, then the punctuation of
 * URIs and headers; other bytes are rare in text and no commoner than
 * any other in binary data.
 */
static int byte_rank(uint8_t c)
{
	if (c == ' ' || (c >= 'a' && c <= 'z'))
		return 5;
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '\r' || c == '\n')
		return 4;
	if (strchr("/.:-=&?,;_%", c) && c)
		return 3;
	if (c > ' ' && c < 0x7f)
		return 2;
	return 1;
}

static bool is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

uint16_t needle_anchor(const uint8_t *needle, size_t nlen, bool nocase)
{
	size_t best = 0;
	int rank = 99;
	for (size_t i = 0; i < nlen && i <= UINT16_MAX; i++) {
		/* nocase: a letter needs two searches (one per case), so a
		 * letter is taken only if the needle has nothing else */
		int r = byte_rank(needle[i]) + (nocase && is_alpha(needle[i]) ? 10 : 0);
		if (r < rank) {
			rank = r;
			best = i;
		}
	}
	return (uint16_t)best;
}

static bool same_at(const uint8_t *c, const uint8_t *needle, size_t nlen, bool nocase)
{
	if (!nocase)
		return !memcmp(c, needle, nlen);
	size_t j = 0;
	while (j < nlen && fold(c[j]) == fold(needle[j]))
		j++;
	return j == nlen;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * In binary data the anchor byte turns up every 256 bytes or so and each
 * turn costs a memchr call: 32 starts at a time are checked for the anchor
 * byte and a second byte of the needle at once (1 false start in 65,536),
 * about twice as fast on the random bodies of the benchmark's streams.
 * Both bytes are compared exactly, so neither is a letter of a nocase
 * needle.  Returns the leftmost match among starts [0, *done), sets *done.
 */
__attribute__((target("avx2")))
static const uint8_t *pair_scan(const uint8_t *hay, size_t nstarts, const uint8_t *needle,
				size_t nlen, size_t a1, size_t a2, bool nocase, size_t *done)
{
	const __m256i v1 = _mm256_set1_epi8((char)needle[a1]);
	const __m256i v2 = _mm256_set1_epi8((char)needle[a2]);
	size_t s = 0;
	for (; s + 32 <= nstarts; s += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(hay + s + a1));
		__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(hay + s + a2));
		unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(x, v1),
									     _mm256_cmpeq_epi8(y, v2)));
		for (; m; m &= m - 1) {
			const uint8_t *c = hay + s + (unsigned)__builtin_ctz(m);
			if (same_at(c, needle, nlen, nocase))
				return c;
		}
	}
	*done = s;
	return NULL;
}

/* libgcc fills the CPU model before main(): a read, no state of ours that
 * worker threads would share */
static bool have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif

const uint8_t *memmem_anchor(const uint8_t *hay, size_t hlen, const uint8_t *needle,
			     size_t nlen, size_t anchor, bool nocase)
{
	if (nlen == 0)
		return hay;
	if (hlen < nlen || anchor >= nlen)
		return NULL;
	if (nocase && is_alpha(needle[anchor]))
		return memmem_nocase(hay, hlen, needle, nlen);
	const uint8_t *start = hay;
#if defined(__x86_64__) && defined(__GNUC__)
	if (hlen - nlen + 1 >= 64 && have_avx2()) {
		/* the second byte: the last, else the first, else the anchor again */
		size_t a2 = nlen - 1;
		if (a2 == anchor || (nocase && is_alpha(needle[a2])))
			a2 = 0;
		if (a2 == anchor || (nocase && is_alpha(needle[a2])))
			a2 = anchor;
		size_t done = 0;
		const uint8_t *c = pair_scan(hay, hlen - nlen + 1, needle, nlen, anchor, a2, nocase,
					     &done);
		if (c)
			return c;
		start = hay + done;	/* the last starts, fewer than 32: below */
	}
#endif
	/* candidates for the anchor byte, left to right: the first whole
	 * match is the leftmost, as memmem's */
	uint8_t a = needle[anchor];
	const uint8_t *p = start + anchor, *last = hay + (hlen - nlen) + anchor;
	while (p <= last) {
		const uint8_t *q = memchr(p, a, (size_t)(last - p) + 1);
		if (!q)
			return NULL;
		const uint8_t *c = q - anchor;
		if (same_at(c, needle, nlen, nocase))
			return c;
		p = q + 1;
	}
	return NULL;
}

bool kw_negated(const char **v)
{
	const char *p = *v;
	bool neg = false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '!') {
		neg = true;
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	*v = p;
	return neg;
}

int kw_index(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

int kw_value_copy(const char *name, const char *v, char *buf, size_t len, char *err,
		  size_t errlen)
{
	if (!v) {
		snprintf(err, errlen, "'%s' needs a value", name);
		return -EINVAL;
	}
	if (strlen(v) >= len) {
		snprintf(err, errlen, "%s: value too long", name);
		return -EINVAL;
	}
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

/* a decimal or 0x hexadecimal number up to max; *s moves past it */
static int read_uint(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	int base = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10;
	if (base == 16)
		p += 2;
	if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
		return -1;
	uint64_t v = 0;
	while (base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)) {
		unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0') :
			     (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		if (d > max || v > (max - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
		p++;
	}
	*out = v;
	*s = p;
	return 0;
}

int uint_cmp_parse(const char *v, uint64_t max, struct uint_cmp *c)
{
	while (isspace((unsigned char)*v))
		v++;
	static const struct { const char *s; char op; } ops[] = {
		{ "<=", 'l' }, { ">=", 'g' }, { "!=", '!' }, { "<", '<' }, { ">", '>' },
		{ "=", '=' }, { "!", '!' },
	};
	c->op = 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);
		if (!strncmp(v, ops[i].s, n)) {
			c->op = ops[i].op;
			v += n;
			break;
		}
	}
	while (isspace((unsigned char)*v))
		v++;
	if (read_uint(&v, max, &c->a))
		return -1;
	while (isspace((unsigned char)*v))
		v++;
	if ((*v == '-' || !strncmp(v, "<>", 2)) && (!c->op || c->op == '!')) {
		v += *v == '-' ? 1 : 2;
		while (isspace((unsigned char)*v))
			v++;
		if (read_uint(&v, max, &c->b) || c->b <= c->a)
			return -1;
		c->op = c->op == '!' ? 'N' : 'R';
		while (isspace((unsigned char)*v))
			v++;
	}
	if (!c->op)
		c->op = '=';
	return *v ? -1 : 0;
}
