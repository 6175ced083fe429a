// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The asn1 keyword, with Suricata 6's meaning: rust/src/asn1/{mod,parse_rules}.rs
 * over der-parser 4's parse_ber_recursive.
 *
 * Decoding starts at absolute_offset, or at the previous match's end plus
 * relative_offset, or at 0; a start outside the buffer or past 65535 (a u16
 * there) matches nothing.  From there up to ASN1_MAX_FRAMES top-level
 * objects are decoded one after the other until the buffer ends or one
 * does not decode; data left after that many objects makes the whole
 * keyword not match.  The checks run on every node kept: the top-level
 * objects and, under a SEQUENCE or SET, their elements (other constructed
 * objects are not descended into).  An object that does not decode is
 * dropped with all it holds, truncated ones included: der-parser needs the
 * whole content.  Inside a definite-length SEQUENCE, an element that does
 * not decode ends the list and the rest is ignored.
 *
 *   oversize_length N    a node's length is above N
 *   bitstring_overflow   universal primitive BIT STRING whose unused-bits
 *                        count is above 8 times its length
 *   double_overflow      universal primitive REAL of more than 256 bytes in
 *                        the decimal (first byte 00xxxxxx) encoding
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asn1.h"

#define ASN1_CHECKS (ASN1_BITSTRING_OVERFLOW | ASN1_DOUBLE_OVERFLOW | ASN1_OVERSIZE_LENGTH)

/* ---- the keyword's value (parse_rules.rs) ---- */

/* nom's multispace */
static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	return strncmp(s, w, n) ? NULL : s + n;
}

/*
 * "name", whitespace, then a number no larger than max (neg: a '-' may
 * come first); the end of it, or NULL with nothing taken.
 */
static const char *word_num(const char *s, const char *name, bool neg, uint64_t max,
			    int64_t *v)
{
	s = skip_word(s, name);
	if (!s || !is_ws(*s))
		return NULL;
	while (is_ws(*s))
		s++;
	bool minus = neg && *s == '-';
	s += minus;
	if (!is_digit(*s))
		return NULL;
	uint64_t x = 0;
	for (; is_digit(*s); s++)
		if (x <= max)	/* saturate: any longer run is too large anyway */
			x = x * 10 + (uint64_t)(*s - '0');
	if (x > max)
		return NULL;
	*v = minus ? -(int64_t)x : (int64_t)x;
	return s;
}

static int parse_error(const char *at, char *err, size_t errlen)
{
	static const char *const numeric[][2] = {
		{ "oversize_length", "0..4294967295" },
		{ "absolute_offset", "0..65535" },
		{ "relative_offset", "-65535..65535" },
	};
	while (is_ws(*at))
		at++;
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
		if (skip_word(at, numeric[i][0])) {
			snprintf(err, errlen, "asn1: '%s' needs a space then a number in %s",
				 numeric[i][0], numeric[i][1]);
			return -EINVAL;
		}
	if (*at == ',')
		snprintf(err, errlen, "asn1: empty option before ',' (a comma must follow an option directly)");
	else if (!*at)
		snprintf(err, errlen, "asn1: no option given");
	else
		snprintf(err, errlen, "asn1: unknown option '%.*s' (expected bitstring_overflow, "
			 "double_overflow, oversize_length N, absolute_offset N or relative_offset N)",
			 (int)strcspn(at, " \t\r\n,"), at);
	return -EINVAL;
}

/*
 * As Suricata's nom parser: each round takes whitespace, then each of the
 * five options at most once and in this order, then one whitespace run or
 * one comma.  Only the first option a round found counts (so
 * "bitstring_overflowdouble_overflow" is bitstring_overflow alone); a round
 * that finds none is an error.  Repeats are allowed, the last wins;
 * absolute_offset wins over relative_offset; no check at all is allowed.
 */
int asn1_parse_opts(const char *value, struct asn1_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (!value || !*value) {
		snprintf(err, errlen, "asn1: empty value (expected options such as "
			 "'bitstring_overflow, absolute_offset 0')");
		return -EINVAL;
	}
	const char *s = value;
	while (*s) {
		const char *p = s, *q;
		bool bs = false, dbl = false, ovs = false, abs = false, rel = false;
		int64_t vo = 0, va = 0, vr = 0;

		while (is_ws(*p))
			p++;
		if ((q = skip_word(p, "bitstring_overflow"))) {
			bs = true;
			p = q;
		}
		if ((q = skip_word(p, "double_overflow"))) {
			dbl = true;
			p = q;
		}
		if ((q = word_num(p, "oversize_length", false, UINT32_MAX, &vo))) {
			ovs = true;
			p = q;
		}
		if ((q = word_num(p, "absolute_offset", false, UINT16_MAX, &va))) {
			abs = true;
			p = q;
		}
		if ((q = word_num(p, "relative_offset", true, UINT16_MAX, &vr))) {
			rel = true;
			p = q;
		}
		if (is_ws(*p))
			while (is_ws(*p))
				p++;
		else if (*p == ',')
			p++;

		if (bs) {
			o->flags |= ASN1_BITSTRING_OVERFLOW;
		} else if (dbl) {
			o->flags |= ASN1_DOUBLE_OVERFLOW;
		} else if (ovs) {
			o->flags |= ASN1_OVERSIZE_LENGTH;
			o->max_size = (uint32_t)vo;
		} else if (abs) {
			o->flags = (o->flags & ~ASN1_RELATIVE_OFFSET) | ASN1_ABSOLUTE_OFFSET;
			o->offset = (int32_t)va;
		} else if (rel) {
			if (!(o->flags & ASN1_ABSOLUTE_OFFSET)) {
				o->flags |= ASN1_RELATIVE_OFFSET;
				o->offset = (int32_t)vr;
			}
		} else {
			memset(o, 0, sizeof(*o));
			return parse_error(s, err, errlen);
		}
		s = p;
	}
	return 0;
}

/* ---- BER, as der-parser 4 reads it ---- */

enum { CLS_UNIVERSAL, CLS_APPLICATION, CLS_CONTEXT, CLS_PRIVATE };

struct ber_hdr {
	unsigned cls;
	bool cons;
	uint32_t tag;
	uint64_t len;
	size_t hlen;
};

/* identifier and length octets; -1 if malformed or cut short */
static int read_hdr(const uint8_t *p, size_t n, struct ber_hdr *h)
{
	if (!n)
		return -1;
	h->cls = p[0] >> 6;
	h->cons = p[0] & 0x20;
	h->tag = p[0] & 0x1f;
	size_t i = 1;
	if (h->tag == 0x1f) {
		/* high tag number: at most five more octets, kept mod 2^32 */
		h->tag = 0;
		for (;;) {
			if (i >= n || i > 5)
				return -1;
			h->tag = h->tag << 7 | (p[i] & 0x7f);
			if (!(p[i++] & 0x80))
				break;
		}
	}
	if (i >= n)
		return -1;
	uint8_t b = p[i++];
	h->len = b & 0x7f;
	if (b & 0x80) {
		/* 0x80 (indefinite) reads as length 0 there; 0xff is reserved */
		size_t nb = b & 0x7f;
		if (nb == 0x7f || n - i < nb)
			return -1;
		h->len = 0;
		for (size_t k = 0; k < nb; k++) {
			if (h->len >> 56)
				return -1;
			h->len = h->len << 8 | p[i + k];
		}
		i += nb;
	}
	h->hlen = i;
	return 0;
}

/* what Rust's str::from_utf8 accepts */
static bool valid_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t more;
		uint8_t lo = 0x80, hi = 0xbf;	/* range of the second octet */
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return false;
		}
		if (n - i - 1 < more || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= more; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += more + 1;
	}
	return true;
}

static bool printable(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c && strchr(" '()+,-./:=?", c));
}

static bool all(const uint8_t *s, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		bool ok = kind == 'n' ? (c >= '0' && c <= '9') || c == ' ' :
			  kind == 'p' ? printable(c) : c < 0x80;
		if (!ok)
			return false;
	}
	return true;
}

static int decode(const struct asn1_opts *o, const uint8_t *p, size_t n, unsigned depth,
		  size_t *used, bool *fired);

/* the elements of a SEQUENCE or SET whose content starts at c */
static int decode_elements(const struct asn1_opts *o, const struct ber_hdr *h,
			   const uint8_t *c, size_t avail, unsigned depth, size_t *used,
			   bool *fired)
{
	size_t off = 0, u;
	bool f;

	if (h->len) {
		/* an element that does not decode ends the list, quietly */
		while (off < h->len && !decode(o, c + off, h->len - off, depth - 1, &u, &f)) {
			*fired |= f;
			off += u;
		}
		*used = h->hlen + h->len;
		return 0;
	}
	if (!avail) {
		*used = h->hlen;
		return 0;
	}
	/*
	 * Length 0 with more input: read as indefinite, elements up to an
	 * end-of-contents (tag number 0, length 0, whatever the class); here
	 * any element that does not decode fails the whole object.
	 */
	for (;;) {
		struct ber_hdr e;
		if (read_hdr(c + off, avail - off, &e))
			return -1;
		if (e.tag == 0 && e.len == 0) {
			*used = h->hlen + off + e.hlen;
			return 0;
		}
		if (decode(o, c + off, avail - off, depth - 1, &u, &f))
			return -1;
		*fired |= f;
		off += u;
	}
}

/*
 * Decode the object at p[0..n) as parse_ber_recursive(p, depth): 0 with
 * its size in *used and in *fired whether a check fires on it or on a node
 * kept under it; -1 if it does not decode.  Recursion is at most depth
 * deep, each octet is looked at a bounded number of times.
 */
static int decode(const struct asn1_opts *o, const uint8_t *p, size_t n, unsigned depth,
		  size_t *used, bool *fired)
{
	struct ber_hdr h;
	if (!depth || read_hdr(p, n, &h))
		return -1;
	const uint8_t *c = p + h.hlen;
	size_t avail = n - h.hlen;
	if (h.len > avail || h.len > UINT32_MAX)
		return -1;
	size_t len = (size_t)h.len;
	bool univ = h.cls == CLS_UNIVERSAL;

	*fired = (o->flags & ASN1_OVERSIZE_LENGTH) && h.len > o->max_size;
	*used = h.hlen + len;
	/* application and context-specific content is kept as raw octets */
	if (h.cls == CLS_APPLICATION || h.cls == CLS_CONTEXT)
		return 0;
	/* universal and private alike: the tag number picks the type */
	switch (h.tag) {
	case 0:		/* end-of-contents */
	case 5:		/* NULL */
		if (len || (h.tag == 5 && h.cons))
			return -1;
		break;
	case 1:		/* BOOLEAN */
		if (len != 1)
			return -1;
		break;
	case 3:		/* BIT STRING: unused-bits octet, then the bits */
		if (h.cons || !len)
			return -1;
		if (univ && (o->flags & ASN1_BITSTRING_OVERFLOW) && len < 32 && c[0] > len * 8)
			*fired = true;
		break;
	case 6:		/* OBJECT IDENTIFIER */
	case 13:	/* RELATIVE-OID */
		if (h.cons || !len || c[len - 1] & 0x80)
			return -1;
		break;
	case 10:	/* ENUMERATED: must fit a u64 */
		if (h.cons || !len || len > 8)
			return -1;
		break;
	case 12:	/* UTF8String */
		if (h.cons || !valid_utf8(c, len))
			return -1;
		break;
	case 18:	/* NumericString */
	case 19:	/* PrintableString */
	case 22:	/* IA5String */
		if (h.cons || !all(c, len, h.tag == 18 ? 'n' : h.tag == 19 ? 'p' : 'a'))
			return -1;
		break;
	case 2:		/* INTEGER */
	case 4:		/* OCTET STRING */
	case 20:	/* T61String */
	case 27:	/* GeneralString */
	case 30:	/* BMPString */
		if (h.cons)
			return -1;
		break;
	case 16:	/* SEQUENCE */
	case 17:	/* SET */
		if (!h.cons)
			return -1;
		return decode_elements(o, &h, c, avail, depth, used, fired);
	case 9:		/* REAL: raw octets there */
		if (univ && !h.cons && (o->flags & ASN1_DOUBLE_OVERFLOW) && len > 256 &&
		    !(c[0] & 0xc0))
			*fired = true;
		break;
	default:	/* UTCTime, GeneralizedTime and unknown types: raw octets */
		break;
	}
	return 0;
}

bool asn1_match(const struct asn1_opts *o, const uint8_t *buf, size_t len, size_t prev_end)
{
	size_t off = 0;

	if (!buf || !len || !(o->flags & ASN1_CHECKS))
		return false;
	if (o->flags & ASN1_ABSOLUTE_OFFSET) {
		off = (uint16_t)o->offset;
	} else if (o->flags & ASN1_RELATIVE_OFFSET) {
		/* a u32 prev_end plus the offset must land in 0..65535 */
		if (prev_end > UINT32_MAX)
			return false;
		int64_t at = (int64_t)prev_end + o->offset;
		if (at < 0 || at > UINT16_MAX)
			return false;
		off = (size_t)at;
	}
	if (off >= len)
		return false;

	const uint8_t *p = buf + off;
	size_t n = len - off, u;
	unsigned frames = 0;
	bool fired = false, f;
	while (n) {
		/* more than the frames allowed fails the whole decode */
		if (frames >= ASN1_MAX_FRAMES)
			return false;
		if (decode(o, p, n, ASN1_MAX_FRAMES, &u, &f))
			break;
		fired |= f;
		frames++;
		p += u;
		n -= u;
	}
	return fired;
}
