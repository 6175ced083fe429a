// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The asn1 keyword on hand-made BER: each check firing and not, offsets,
 * truncation and der-parser 4's quirks that Suricata 6 inherits, and the
 * option syntax with its errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "asn1.h"

static struct asn1_opts opts(const char *value)
{
	struct asn1_opts o;
	char err[256] = "";
	if (asn1_parse_opts(value, &o, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", value, err);
	return o;
}

static bool m(const char *value, const void *buf, size_t len, size_t prev_end)
{
	struct asn1_opts o = opts(value);
	return asn1_match(&o, buf, len, prev_end);
}

#define B(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

/* X.690 A.3, Suricata's own test data: [APPLICATION 0] of length 133 */
static const uint8_t a3[] =
	"\x60\x81\x85\x61\x10\x1A\x04" "John" "\x1A\x01" "P" "\x1A\x05" "Smith"
	"\xA0\x0A\x1A\x08" "Director" "\x42\x01\x33\xA1\x0A\x43\x08" "19710917"
	"\xA2\x12\x61\x10\x1A\x04" "Mary" "\x1A\x01" "T" "\x1A\x05" "Smith"
	"\xA3\x42\x31\x1F\x61\x11\x1A\x05" "Ralph" "\x1A\x01" "T" "\x1A\x05" "Smith"
	"\xA0\x0A\x43\x08" "19571111"
	"\x31\x1F\x61\x11\x1A\x05" "Susan" "\x1A\x01" "B" "\x1A\x05" "Jones"
	"\xA0\x0A\x43\x08" "19590717";

static void suricata_vectors(void **state)
{
	(void)state;
	assert_int_equal(sizeof(a3) - 1, 136);
	assert_true(m("oversize_length 132 absolute_offset 0", a3, sizeof(a3) - 1, 0));
	assert_false(m("oversize_length 133 absolute_offset 0", a3, sizeof(a3) - 1, 0));
	/* its six elements as top-level objects: the largest is [3], 66 long */
	assert_true(m("oversize_length 65", a3 + 3, sizeof(a3) - 4, 0));
	assert_false(m("oversize_length 66", a3 + 3, sizeof(a3) - 4, 0));
	assert_true(m("bitstring_overflow, absolute_offset 0", B(0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow, absolute_offset 0", B(0x03, 0x01, 0x07), 0));
	/* relative to the end of a match of "AA" */
	assert_true(m("relative_offset 2, bitstring_overflow, oversize_length 140",
		      B('A', 'A', 0x03, 0x01, 0xff), 0));
}

static void oversize(void **state)
{
	(void)state;
	assert_true(m("oversize_length 2", B(0x04, 0x03, 1, 2, 3), 0));
	assert_false(m("oversize_length 3", B(0x04, 0x03, 1, 2, 3), 0));
	assert_true(m("oversize_length 0", B(0x04, 0x01, 1), 0));
	assert_false(m("oversize_length 0", B(0x04, 0x00), 0));
	/* long form, minimal and not */
	uint8_t lf[3 + 128];
	memset(lf, 0x41, sizeof(lf));
	lf[0] = 0x04;
	lf[1] = 0x81;
	lf[2] = 0x80;
	assert_true(m("oversize_length 127", lf, sizeof(lf), 0));
	assert_false(m("oversize_length 128", lf, sizeof(lf), 0));
	assert_true(m("oversize_length 4", B(0x04, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5), 0));
	assert_false(m("oversize_length 5", B(0x04, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5), 0));
	/* nine length octets are fine while the value fits 64 bits */
	assert_true(m("oversize_length 4",
		      B(0x04, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0x05, 1, 2, 3, 4, 5), 0));
	/* any class: a context-specific node with a high tag number */
	assert_true(m("oversize_length 2", B(0x9f, 0x81, 0x00, 0x03, 1, 2, 3), 0));
	/* a node inside a SEQUENCE read as indefinite (its own length is 0) */
	assert_true(m("oversize_length 2", B(0x30, 0x80, 0x04, 0x03, 1, 2, 3, 0, 0), 0));
	assert_false(m("oversize_length 3", B(0x30, 0x80, 0x04, 0x03, 1, 2, 3, 0, 0), 0));
}

static void truncated(void **state)
{
	(void)state;
	/* the content must be all there: a claimed length alone is no match */
	assert_false(m("oversize_length 0", B(0x04, 0x05, 1, 2), 0));
	assert_false(m("oversize_length 0", B(0x04, 0x82, 0xff, 0xff, 1, 2), 0));
	assert_false(m("oversize_length 0", B(0x04, 0x82, 0x01), 0));
	assert_false(m("oversize_length 0", B(0x04), 0));
	assert_false(m("oversize_length 0", B(0x04, 0xff, 1), 0));	/* reserved length */
	/* a SEQUENCE cut short hides the node that would fire */
	assert_false(m("bitstring_overflow", B(0x30, 0x10, 0x03, 0x01, 0xff), 0));
	/* the objects before a broken one still count */
	assert_true(m("bitstring_overflow", B(0x03, 0x01, 0xff, 0x30, 0x10, 0x02), 0));
	assert_true(m("bitstring_overflow", B(0x03, 0x01, 0xff, 0x30), 0));
	/* not those after it */
	assert_false(m("bitstring_overflow", B(0x05, 0x01, 0x00, 0x03, 0x01, 0xff), 0));
	/* six octets of high tag number are too many */
	assert_false(m("oversize_length 0",
		       B(0x9f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x01, 0x00), 0));
	assert_true(m("oversize_length 0", B(0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x01, 0x00), 0));
	assert_false(m("oversize_length 0", NULL, 0, 0));
}

static void bitstring(void **state)
{
	(void)state;
	/* unused bits above 8 times the length, the unused-bits octet included */
	assert_true(m("bitstring_overflow", B(0x03, 0x02, 0x11, 0x00), 0));
	assert_false(m("bitstring_overflow", B(0x03, 0x02, 0x10, 0x00), 0));
	assert_false(m("bitstring_overflow", B(0x03, 0x02, 0x09, 0x00), 0));
	assert_true(m("bitstring_overflow", B(0x03, 0x01, 0x09), 0));
	assert_false(m("bitstring_overflow", B(0x03, 0x01, 0x08), 0));
	/* empty: no unused-bits octet, does not decode */
	assert_false(m("bitstring_overflow, oversize_length 0", B(0x03, 0x00, 0x03, 0x01, 0xff), 0));
	/* universal only; constructed does not decode */
	assert_false(m("bitstring_overflow", B(0x83, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0xc3, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0x23, 0x03, 0x03, 0x01, 0xff), 0));
	/* the tag number counts, not its form */
	assert_true(m("bitstring_overflow", B(0x1f, 0x03, 0x01, 0xff), 0));
	/* the other checks do not fire on it */
	assert_false(m("double_overflow, oversize_length 1", B(0x03, 0x01, 0xff), 0));
}

/* a REAL of n content octets starting with first */
static size_t real(uint8_t *buf, size_t n, uint8_t first)
{
	buf[0] = 0x09;
	buf[1] = 0x82;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	memset(buf + 4, 0x05, n);
	buf[4] = first;
	return n + 4;
}

static void double_overflow(void **state)
{
	(void)state;
	uint8_t buf[4 + 300];
	assert_true(m("double_overflow", buf, real(buf, 257, 0x05), 0));
	assert_false(m("double_overflow", buf, real(buf, 256, 0x05), 0));
	assert_true(m("double_overflow", buf, real(buf, 300, 0x3f), 0));
	/* binary and special encodings are not the affected one */
	assert_false(m("double_overflow", buf, real(buf, 257, 0x80), 0));
	assert_false(m("double_overflow", buf, real(buf, 257, 0x40), 0));
	/* one octet short of the length given: does not decode */
	assert_false(m("double_overflow", buf, real(buf, 257, 0x05) - 1, 0));
	/* constructed, or not universal */
	real(buf, 257, 0x05);
	buf[0] = 0x29;
	assert_false(m("double_overflow", buf, 261, 0));
	buf[0] = 0x89;
	assert_false(m("double_overflow", buf, 261, 0));
	/* in a SEQUENCE */
	uint8_t seq[4 + 261];
	seq[0] = 0x30;
	seq[1] = 0x82;
	seq[2] = 0x01;
	seq[3] = 0x05;
	real(seq + 4, 257, 0x00);
	assert_true(m("double_overflow", seq, sizeof(seq), 0));
}

static void nested(void **state)
{
	(void)state;
	/* SEQUENCE { INTEGER, SET { BIT STRING } } */
	assert_true(m("bitstring_overflow",
		      B(0x30, 0x08, 0x02, 0x01, 0x05, 0x31, 0x03, 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow",
		       B(0x30, 0x08, 0x02, 0x01, 0x05, 0x31, 0x03, 0x03, 0x01, 0x07), 0));
	/* a private-class SEQUENCE is read as one, but [0] and [APPLICATION 0] are not */
	assert_true(m("bitstring_overflow", B(0xf0, 0x03, 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0xa0, 0x03, 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0x60, 0x03, 0x03, 0x01, 0xff), 0));
	/* an element that does not decode ends the list, the SEQUENCE stays */
	assert_true(m("bitstring_overflow", B(0x30, 0x06, 0x03, 0x01, 0xff, 0x05, 0x01, 0x00), 0));
	assert_false(m("bitstring_overflow", B(0x30, 0x06, 0x05, 0x01, 0x00, 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0x30, 0x06, 0x0c, 0x01, 0xff, 0x03, 0x01, 0xff), 0));
	assert_true(m("bitstring_overflow", B(0x30, 0x06, 0x0c, 0x01, 0x41, 0x03, 0x01, 0xff), 0));
	/* a SEQUENCE must be constructed */
	assert_false(m("bitstring_overflow", B(0x10, 0x03, 0x03, 0x01, 0xff), 0));
}

/* n SEQUENCEs around BIT STRING 03 01 ff */
static size_t wrap(uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		buf[2 * i] = 0x30;
		buf[2 * i + 1] = (uint8_t)(2 * (n - 1 - i) + 3);
	}
	buf[2 * n] = 0x03;
	buf[2 * n + 1] = 0x01;
	buf[2 * n + 2] = 0xff;
	return 2 * n + 3;
}

static void limits(void **state)
{
	(void)state;
	uint8_t buf[256];
	/* 30 levels decode, the 31st does not */
	assert_true(m("bitstring_overflow", buf, wrap(buf, 29), 0));
	assert_false(m("bitstring_overflow", buf, wrap(buf, 30), 0));
	/* 30 top-level objects; anything after them fails the whole decode */
	size_t n = 0;
	for (int i = 0; i < 29; i++) {
		buf[n++] = 0x05;
		buf[n++] = 0x00;
	}
	memcpy(buf + n, "\x03\x01\xff", 3);
	assert_true(m("bitstring_overflow", buf, n + 3, 0));
	buf[n + 3] = 0x00;
	assert_false(m("bitstring_overflow", buf, n + 4, 0));
	for (n = 0; n < 90; n += 3)
		memcpy(buf + n, "\x03\x01\xff", 3);
	assert_true(m("bitstring_overflow", buf, n, 0));
	buf[n] = 0x04;	/* even a 31st that would not decode */
	assert_false(m("bitstring_overflow", buf, n + 1, 0));
}

/* der-parser 4 reads a 0 length (0x80 too) before more data as indefinite */
static void zero_length(void **state)
{
	(void)state;
	assert_true(m("bitstring_overflow", B(0x30, 0x80, 0x03, 0x01, 0xff, 0x00, 0x00), 0));
	assert_true(m("bitstring_overflow", B(0x30, 0x00, 0x03, 0x01, 0xff, 0x00, 0x00), 0));
	/* end-of-contents of any class */
	assert_true(m("bitstring_overflow", B(0x30, 0x80, 0x03, 0x01, 0xff, 0x40, 0x00), 0));
	/* no end-of-contents, or a bad element: the whole object fails */
	assert_false(m("bitstring_overflow", B(0x30, 0x80, 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow", B(0x30, 0x80, 0x03, 0x01, 0xff, 0x05, 0x01, 0x00, 0x00, 0x00), 0));
	assert_false(m("bitstring_overflow", B(0x30, 0x00, 0x03, 0x01, 0xff, 0x00, 0x01, 0x00), 0));
	/* an empty SEQUENCE at the end is fine */
	assert_true(m("bitstring_overflow", B(0x03, 0x01, 0xff, 0x30, 0x00), 0));
	/* other types take it as length 0 */
	assert_true(m("bitstring_overflow", B(0x60, 0x80, 0x03, 0x01, 0xff), 0));
	assert_false(m("oversize_length 0", B(0x60, 0x80, 0x04, 0x00), 0));
}

static void offsets(void **state)
{
	(void)state;
	/* 'A' 'A' read as [APPLICATION 1] of length 65: does not decode */
	assert_false(m("bitstring_overflow", B('A', 'A', 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow, absolute_offset 0", B('A', 'A', 0x03, 0x01, 0xff), 0));
	assert_true(m("bitstring_overflow, absolute_offset 2", B('A', 'A', 0x03, 0x01, 0xff), 0));
	assert_false(m("bitstring_overflow, absolute_offset 5", B('A', 'A', 0x03, 0x01, 0xff), 0));
	/* absolute ignores the previous match */
	assert_true(m("bitstring_overflow, absolute_offset 2", B('A', 'A', 0x03, 0x01, 0xff), 4));
	/* no offset option: from 0, whatever matched before */
	assert_true(m("bitstring_overflow", B(0x03, 0x01, 0xff, 'A'), 3));
	/* relative to the previous match's end */
	assert_true(m("bitstring_overflow, relative_offset 0", B('A', 'A', 0x03, 0x01, 0xff), 2));
	assert_true(m("bitstring_overflow, relative_offset 1", B('A', 'A', 0x03, 0x01, 0xff), 1));
	assert_true(m("bitstring_overflow, relative_offset -1", B('A', 'A', 0x03, 0x01, 0xff), 3));
	assert_true(m("bitstring_overflow, relative_offset -3", B('A', 'A', 0x03, 0x01, 0xff), 5));
	assert_false(m("bitstring_overflow, relative_offset -4", B('A', 'A', 0x03, 0x01, 0xff), 3));
	assert_false(m("bitstring_overflow, relative_offset 3", B('A', 'A', 0x03, 0x01, 0xff), 2));
	assert_false(m("bitstring_overflow, relative_offset 0", B('A', 'A', 0x03, 0x01, 0xff), 5));
	/* the start must fit a u16 */
	size_t len = 70000;
	uint8_t *big = calloc(1, len);
	assert_non_null(big);
	/* each followed by an object that does not decode, to end there */
	memcpy(big + 65532, "\x03\x01\xff\x03\x01\xff\x04\xff", 8);
	assert_true(m("bitstring_overflow, absolute_offset 65535", big, len, 0));
	assert_true(m("bitstring_overflow, relative_offset 0", big, len, 65535));
	assert_true(m("bitstring_overflow, relative_offset -3", big, len, 65535));
	assert_true(m("bitstring_overflow, relative_offset 3", big, len, 65532));
	assert_false(m("bitstring_overflow, relative_offset 3", big, len, 65533));
	/* beyond 65535 nothing is looked at, though the data there would fire */
	memset(big, 0, len);
	memcpy(big + 65536, "\x03\x01\xff\x04\xff", 5);
	assert_false(m("bitstring_overflow, relative_offset 0", big, len, 65536));
	assert_false(m("bitstring_overflow, relative_offset 1", big, len, 65535));
	assert_true(m("bitstring_overflow", big + 65536, 5, 0));
	assert_false(m("bitstring_overflow, relative_offset -1", big, len, (size_t)UINT32_MAX + 65536));
	free(big);
}

static void no_check(void **state)
{
	(void)state;
	/* allowed, never fires */
	struct asn1_opts o = opts("absolute_offset 0");
	assert_int_equal(o.flags, ASN1_ABSOLUTE_OFFSET);
	assert_false(asn1_match(&o, B(0x03, 0x01, 0xff), 0));
}

struct popt {
	const char *value;
	uint8_t flags;
	uint32_t max_size;
	int32_t offset;
};

static void parse_ok(void **state)
{
	(void)state;
	static const struct popt ok[] = {
		{ "bitstring_overflow", ASN1_BITSTRING_OVERFLOW, 0, 0 },
		{ "double_overflow", ASN1_DOUBLE_OVERFLOW, 0, 0 },
		{ "oversize_length 1024", ASN1_OVERSIZE_LENGTH, 1024, 0 },
		{ "oversize_length 0", ASN1_OVERSIZE_LENGTH, 0, 0 },
		{ "oversize_length 4294967295", ASN1_OVERSIZE_LENGTH, 4294967295u, 0 },
		{ "oversize_length 007", ASN1_OVERSIZE_LENGTH, 7, 0 },
		{ "absolute_offset 0", ASN1_ABSOLUTE_OFFSET, 0, 0 },
		{ "absolute_offset 65535", ASN1_ABSOLUTE_OFFSET, 0, 65535 },
		{ "relative_offset 65535", ASN1_RELATIVE_OFFSET, 0, 65535 },
		{ "relative_offset -65535", ASN1_RELATIVE_OFFSET, 0, -65535 },
		{ "relative_offset -0", ASN1_RELATIVE_OFFSET, 0, 0 },
		{ "oversize_length 1024, relative_offset 10",
		  ASN1_OVERSIZE_LENGTH | ASN1_RELATIVE_OFFSET, 1024, 10 },
		{ "oversize_length 1024 absolute_offset 10",
		  ASN1_OVERSIZE_LENGTH | ASN1_ABSOLUTE_OFFSET, 1024, 10 },
		{ "double_overflow, oversize_length 1024 absolute_offset 10,\n bitstring_overflow",
		  ASN1_DOUBLE_OVERFLOW | ASN1_BITSTRING_OVERFLOW | ASN1_OVERSIZE_LENGTH |
		  ASN1_ABSOLUTE_OFFSET, 1024, 10 },
		{ "\n\t double_overflow, oversize_length 1024 relative_offset 10,\n bitstring_overflow",
		  ASN1_DOUBLE_OVERFLOW | ASN1_BITSTRING_OVERFLOW | ASN1_OVERSIZE_LENGTH |
		  ASN1_RELATIVE_OFFSET, 1024, 10 },
		{ "bitstring_overflow,double_overflow,", ASN1_BITSTRING_OVERFLOW | ASN1_DOUBLE_OVERFLOW, 0, 0 },
		{ "oversize_length\t\t5  ", ASN1_OVERSIZE_LENGTH, 5, 0 },
		/* repeats: the last wins; absolute beats relative in any order */
		{ "oversize_length 5, oversize_length 7", ASN1_OVERSIZE_LENGTH, 7, 0 },
		{ "absolute_offset 3, relative_offset 5", ASN1_ABSOLUTE_OFFSET, 0, 3 },
		{ "relative_offset 5, absolute_offset 3", ASN1_ABSOLUTE_OFFSET, 0, 3 },
		{ "relative_offset 5 relative_offset -2", ASN1_RELATIVE_OFFSET, 0, -2 },
		/* Suricata's parser: two options run together, the first counts */
		{ "bitstring_overflowdouble_overflow", ASN1_BITSTRING_OVERFLOW, 0, 0 },
		{ "double_overflowbitstring_overflow", ASN1_BITSTRING_OVERFLOW | ASN1_DOUBLE_OVERFLOW, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct asn1_opts o = opts(ok[i].value);
		if (o.flags != ok[i].flags || o.max_size != ok[i].max_size ||
		    o.offset != ok[i].offset)
			fail_msg("'%s': flags %#x max_size %u offset %d, want %#x %u %d", ok[i].value,
				 o.flags, o.max_size, o.offset, ok[i].flags, ok[i].max_size,
				 ok[i].offset);
	}
}

static void parse_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "", "empty value" },
		{ "   ", "no option given" },
		{ "oversize_length", "'oversize_length' needs a space then a number in 0..4294967295" },
		{ "oversize_length -1", "'oversize_length' needs" },
		{ "oversize_length 4294967296", "'oversize_length' needs" },
		{ "oversize_length 99999999999999999999999", "'oversize_length' needs" },
		{ "oversize_length x", "'oversize_length' needs" },
		{ "oversize_length,5", "'oversize_length' needs" },
		{ "absolute_offset", "'absolute_offset' needs a space then a number in 0..65535" },
		{ "absolute_offset -1", "'absolute_offset' needs" },
		{ "absolute_offset 65536", "'absolute_offset' needs" },
		{ "relative_offset", "'relative_offset' needs a space then a number in -65535..65535" },
		{ "relative_offset 65536", "'relative_offset' needs" },
		{ "relative_offset -65536", "'relative_offset' needs" },
		{ "relative_offset - 5", "'relative_offset' needs" },
		{ "relative_offset +5", "'relative_offset' needs" },
		{ "oversize_length 1024, some_other_param 360", "unknown option 'some_other_param'" },
		{ "oversize_length 1024,,", "empty option before ','" },
		{ ",bitstring_overflow", "empty option before ','" },
		{ "oversize_length 5 , bitstring_overflow", "empty option before ','" },
		{ "bitstring_overflowabsolute_offset", "'absolute_offset' needs" },
		{ "bitstring_overflowx", "unknown option 'x'" },
		{ "oversize_length 5x", "unknown option 'x'" },
		{ "BITSTRING_OVERFLOW", "unknown option 'BITSTRING_OVERFLOW'" },
		{ "bitstring_overflow; double_overflow", "unknown option ';'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct asn1_opts o;
		char err[256] = "";
		memset(&o, 0xff, sizeof(o));
		int rc = asn1_parse_opts(bad[i][0], &o, err, sizeof(err));
		if (rc != -22)	/* -EINVAL */
			fail_msg("'%s': rc %d, want -EINVAL", bad[i][0], rc);
		if (!strstr(err, bad[i][1]) || strncmp(err, "asn1: ", 6))
			fail_msg("'%s': message \"%s\", want \"%s\"", bad[i][0], err, bad[i][1]);
		assert_int_equal(o.flags, 0);
	}
	/* a short error buffer is not overrun */
	struct asn1_opts o;
	char small[8];
	memset(small, 'x', sizeof(small));
	assert_int_equal(asn1_parse_opts("nope", &o, small, 5), -22);
	assert_string_equal(small, "asn1");
	assert_int_equal(small[5], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suricata_vectors),
		cmocka_unit_test(oversize),
		cmocka_unit_test(truncated),
		cmocka_unit_test(bitstring),
		cmocka_unit_test(double_overflow),
		cmocka_unit_test(nested),
		cmocka_unit_test(limits),
		cmocka_unit_test(zero_length),
		cmocka_unit_test(offsets),
		cmocka_unit_test(no_check),
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_errors),
	};
	return cmocka_run_group_tests_name("asn1", tests, NULL, NULL);
}
