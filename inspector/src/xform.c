// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transforms: the keywords after a sticky buffer (dotprefix,
 * to_lowercase, to_sha256...) that change what its contents, pcres and
 * bsize inspect, as Suricata 7 computes each.  Applied at verification,
 * on the worker's scratch (xform_apply); the prefilter scans the buffer
 * as it came, with a literal the transform cannot have made
 * (xform_prefilter).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "internal.h"
#include "match.h"

static const struct {
	const char *name;
	enum xform id;
} names[] = {
	{ "dotprefix", XF_DOTPREFIX },
	{ "strip_whitespace", XF_STRIP_WHITESPACE },
	{ "compress_whitespace", XF_COMPRESS_WHITESPACE },
	{ "to_lowercase", XF_TO_LOWERCASE },
	{ "to_uppercase", XF_TO_UPPERCASE },
	{ "to_md5", XF_TO_MD5 },
	{ "to_sha1", XF_TO_SHA1 },
	{ "to_sha256", XF_TO_SHA256 },
	{ "url_decode", XF_URL_DECODE },
	{ "xor", XF_XOR },
	{ "pcrexform", XF_PCREXFORM },
};

enum xform xform_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return names[i].id;
	return XF_NONE;
}

bool xform_equal(const struct xform_chain *a, const struct xform_chain *b)
{
	return a->n == b->n && !memcmp(a->v, b->v, a->n) && a->xor_len == b->xor_len &&
	       (!a->xor_len || !memcmp(a->xor_key, b->xor_key, a->xor_len)) &&
	       !a->re_src == !b->re_src && (!a->re_src || !strcmp(a->re_src, b->re_src));
}

void xform_chain_free(struct xform_chain *c)
{
	free(c->xor_key);
	pcre2_code_free(c->re);
	free(c->re_src);
	memset(c, 0, sizeof(*c));
}

const char *xform_content_problem(const struct xform_chain *c, const uint8_t *b, size_t n,
				  bool nocase)
{
	if (!c->n)
		return NULL;
	/* the last transform decides what the buffer can hold */
	switch (c->v[c->n - 1]) {
	case XF_TO_LOWERCASE:
		for (size_t i = 0; i < n && !nocase; i++)
			if (isupper(b[i]))
				return "has upper case letters, which to_lowercase leaves none of";
		break;
	case XF_TO_UPPERCASE:
		for (size_t i = 0; i < n && !nocase; i++)
			if (islower(b[i]))
				return "has lower case letters, which to_uppercase leaves none of";
		break;
	case XF_STRIP_WHITESPACE:
		for (size_t i = 0; i < n; i++)
			if (isspace(b[i]))
				return "has white space, which strip_whitespace leaves none of";
		break;
	case XF_COMPRESS_WHITESPACE:
		for (size_t i = 0; i + 1 < n; i++)
			if (isspace(b[i]) && isspace(b[i + 1]))
				return "has two white space characters in a row, which "
				       "compress_whitespace leaves none of";
		break;
	default:
		break;
	}
	return NULL;
}

bool xform_prefilter(const struct xform_chain *c, const uint8_t **b, size_t *n, bool *nocase)
{
	unsigned dots = 0;
	for (unsigned i = 0; i < c->n; i++) {
		switch (c->v[i]) {
		case XF_DOTPREFIX:
			dots++;
			break;
		case XF_TO_LOWERCASE:
		case XF_TO_UPPERCASE:
			*nocase = true;
			break;
		case XF_PCREXFORM:	/* a piece of its input, or all of it */
			break;
		default:
			return false;
		}
	}
	/*
	 * The buffer is a piece of: up to dots dots, then the original (its
	 * case changed).  An occurrence of the literal that covers added
	 * dots starts with them; without its leading dots (as many as were
	 * added, at most) it lies in the original.
	 */
	for (; dots && *n && **b == '.'; dots--) {
		(*b)++;
		(*n)--;
	}
	return *n > 0;
}

/* one transform from in to out (room: xform_room); returns the length */
static size_t apply_one(const struct xform_chain *c, enum xform t, const uint8_t *in, size_t n,
			uint8_t *out)
{
	size_t o = 0;
	switch (t) {
	case XF_DOTPREFIX:
		out[0] = '.';
		memcpy(out + 1, in, n);
		return n + 1;
	case XF_STRIP_WHITESPACE:
		for (size_t i = 0; i < n; i++)
			if (!isspace(in[i]))
				out[o++] = in[i];
		return o;
	case XF_COMPRESS_WHITESPACE:
		/* a run of white space is its first character */
		for (size_t i = 0; i < n; i++)
			if (!isspace(in[i]) || !i || !isspace(in[i - 1]))
				out[o++] = in[i];
		return o;
	case XF_TO_LOWERCASE:
		for (size_t i = 0; i < n; i++)
			out[i] = (uint8_t)tolower(in[i]);
		return n;
	case XF_TO_UPPERCASE:
		for (size_t i = 0; i < n; i++)
			out[i] = (uint8_t)toupper(in[i]);
		return n;
	case XF_TO_MD5:
	case XF_TO_SHA1:
	case XF_TO_SHA256: {
		const EVP_MD *md = t == XF_TO_MD5 ? EVP_md5() : t == XF_TO_SHA1 ? EVP_sha1() :
						   EVP_sha256();
		unsigned len = 0;
		if (!EVP_Digest(in, n, out, &len, md, NULL))
			return SIZE_MAX;
		return len;
	}
	case XF_URL_DECODE:
		/* %XX and '+', as Suricata's url_decode; a bad escape stays */
		for (size_t i = 0; i < n; i++) {
			bool esc = in[i] == '%' && i + 2 < n;
			int hi = esc ? hex_digit(in[i + 1]) : -1, lo = esc ? hex_digit(in[i + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				out[o++] = (uint8_t)(hi << 4 | lo);
				i += 2;
			} else {
				out[o++] = in[i] == '+' ? ' ' : in[i];
			}
		}
		return o;
	case XF_XOR:
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ c->xor_key[i % c->xor_len];
		return n;
	case XF_PCREXFORM:
		break;	/* xform_apply's: it needs the match data */
	case XF_NONE:
		break;
	}
	memcpy(out, in, n);
	return n;
}

/* the regex's capture if it matches, else the buffer unchanged (Suricata's) */
static size_t pcrexform(struct match_env *env, const pcre2_code *re, const uint8_t *in, size_t n,
			uint8_t *out)
{
	int rc = pcre2_match(re, in, n, 0, 0, env->md, env->mctx);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT)
		env->pcre_errors++;
	if (rc > 1) {
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(env->md);
		if (ov[2] != PCRE2_UNSET && ov[3] >= ov[2]) {
			memcpy(out, in + ov[2], ov[3] - ov[2]);
			return ov[3] - ov[2];
		}
	}
	memcpy(out, in, n);
	return n;
}

int xform_apply(struct match_env *env, const struct xform_chain *c, const uint8_t **buf,
		size_t *len)
{
	const uint8_t *in = *buf;
	size_t n = *len;
	/* no transform grows a buffer by more than one byte or past a digest */
	size_t room = n + c->n + EVP_MAX_MD_SIZE;
	for (unsigned i = 0; i < c->n; i++) {
		int k = i & 1;
		if (env->xcap[k] < room) {
			uint8_t *p = realloc(env->xbuf[k], room);
			if (!p)
				return -ENOMEM;
			env->xbuf[k] = p;
			env->xcap[k] = room;
		}
		if (c->v[i] == XF_PCREXFORM)
			n = pcrexform(env, c->re, in, n, env->xbuf[k]);
		else
			n = apply_one(c, (enum xform)c->v[i], in, n, env->xbuf[k]);
		if (n == SIZE_MAX)
			return -EIO;
		in = env->xbuf[k];
	}
	*buf = in;
	*len = n;
	return 0;
}
