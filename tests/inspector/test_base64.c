// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * base64_decode and base64_data, as Suricata 7 runs them: the decoder's
 * RFC 4648 reading (it stops at the first byte outside the alphabet), the
 * options (bytes, offset, relative), the list it lands in (payload, raw
 * stream, a sticky buffer, the list of a content a modifier moved), the
 * retry at a later occurrence of the content it is relative to, and on
 * the raw stream an alert only for a match that new data completed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

/* base64 of some strings (python3 base64.b64encode) */
#define B64_RUN_CMD	"cnVuIGNtZC5leGUgbm93"		/* "run cmd.exe now" */
#define B64_RUN_CALC	"cnVuIGNhbGMuZXhl"		/* "run calc.exe" */
#define B64_PASSWD	"Li4vLi4vZXRjL3Bhc3N3ZA=="	/* "../../etc/passwd" */
#define B64_HOSTS	"Li4vLi4vZXRjL2hvc3Rz"		/* "../../etc/hosts" */
#define B64_GOOD	"Z29vZA=="			/* "good" */
#define B64_EVIL	"ZXZpbA=="			/* "evil" */
#define B64_HELLO	"aGVsbG8g"			/* "hello " */
#define B64_WORLD	"d29ybGQ="			/* "world" */
#define B64_LEN		"AAABACBsZW4="			/* 00 00 01 00 " len" */

static void decodes(const char *in, const char *want, size_t want_len)
{
	uint8_t out[128];
	size_t n = base64_decode_rfc4648((const uint8_t *)in, strlen(in), out, 0, NULL);
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
}

static void decoder(void **state)
{
	(void)state;
	decodes("", "", 0);
	decodes("Zg==", "f", 1);
	decodes("Zm8=", "fo", 2);
	decodes("Zm9v", "foo", 3);
	decodes("Zm9vYmFy", "foobar", 6);
	/* RFC 4648: the first byte outside the alphabet ends the data */
	decodes("Zm9v!YmFy", "foo", 3);
	decodes("Zm9v YmFy", "foo", 3);
	/* an incomplete last group is decoded as if padded */
	decodes("Zm9vYg", "foob", 4);
	decodes("Zm9vYmE", "fooba", 5);
	/* '=' ends a group, not the data */
	decodes("Zg==Zm8=", "ffo", 3);
	/* the decoded bytes wholly from the first mark bytes of text */
	uint8_t out[16];
	size_t old;
	assert_int_equal(base64_decode_rfc4648((const uint8_t *)"Zm9vYmFy", 8, out, 4, &old), 6);
	assert_int_equal(old, 3);
	base64_decode_rfc4648((const uint8_t *)"Zm9vYmFy", 8, out, 5, &old);
	assert_int_equal(old, 3);
	base64_decode_rfc4648((const uint8_t *)"Zm9vYmFy", 8, out, 6, &old);
	assert_int_equal(old, 4);
	base64_decode_rfc4648((const uint8_t *)"Zm9vYmFy", 8, out, 0, &old);
	assert_int_equal(old, 0);
	/* past where the decoding stopped: all of it */
	base64_decode_rfc4648((const uint8_t *)"Zm9v!YmFy", 9, out, 7, &old);
	assert_int_equal(old, 3);
}

struct bcase {
	const char *name;
	const char *opts;	/* of a tcp rule to port 7000, sid 1 */
	const char *hit, *miss;	/* one client payload each */
};

static const struct bcase cases[] = {
	{ "relative", "content:\"data=\"; base64_decode:relative; base64_data; "
	  "content:\"cmd.exe\";", "GET /?data=" B64_RUN_CMD "\n",
	  "GET /?data=" B64_RUN_CALC "\n" },
	/* without relative, from the buffer's start */
	{ "absolute", "base64_decode; base64_data; content:\"cmd.exe\";",
	  B64_RUN_CMD, "x" B64_RUN_CMD },
	/* offset 4 from the start: "id: " skipped, "id:" misaligned */
	{ "offset", "content:\"id:\"; base64_decode:offset 4; base64_data; "
	  "content:\"cmd.exe\";", "id: " B64_RUN_CMD, "id:" B64_RUN_CMD },
	{ "offset relative", "content:\"id:\"; base64_decode:offset 1, relative; base64_data; "
	  "content:\"run\"; startswith;", "xx id: " B64_RUN_CMD, "xx id:" B64_RUN_CMD },
	/* bytes: only so much text is decoded ("run cmd." is 12 of it) */
	{ "bytes", "content:\"d=\"; base64_decode:bytes 16, relative; base64_data; "
	  "content:\"cmd.\";", "d=" B64_RUN_CMD, "d=xx" B64_RUN_CMD },
	{ "bytes cut", "content:\"d=\"; base64_decode:relative, bytes 12; base64_data; "
	  "content:\"run cmd.e\";", "d=" B64_RUN_CMD "AAAA", "d=" "x" B64_RUN_CMD },
	/* the decoding stops at the first byte outside the alphabet */
	{ "stops", "content:\"m=\"; base64_decode:relative; base64_data; content:\"hello\"; "
	  "startswith;", "m=" B64_HELLO "!" B64_WORLD, "m=!" B64_HELLO },
	{ "stops 2", "content:\"m=\"; base64_decode:relative; base64_data; content:!\"world\";",
	  "m=" B64_HELLO "!" B64_WORLD, "m=" B64_HELLO B64_WORLD },
	/* a later "k=" is tried when the decoding after the first fails */
	{ "retry", "content:\"k=\"; base64_decode:relative; base64_data; content:\"evil\";",
	  "k=" B64_GOOD "&k=" B64_EVIL, "k=" B64_GOOD "&k=" B64_GOOD },
	/* base64_data's keywords: positions, pcre, byte_test, isdataat */
	{ "positions", "content:\"k=\"; base64_decode:relative; base64_data; content:\"../\"; "
	  "depth:3; content:\"passwd\"; distance:7; within:6;", "k=" B64_PASSWD,
	  "k=" B64_HOSTS },
	{ "pcre", "content:\"k=\"; base64_decode:relative; base64_data; "
	  "pcre:\"/etc\\/(passwd|shadow)$/\";", "k=" B64_PASSWD, "k=" B64_HOSTS },
	{ "byte_test", "content:\"L\"; base64_decode:relative; base64_data; "
	  "byte_test:4,=,256,0; content:\"len\"; distance:1;", "L" B64_LEN, "L" B64_HOSTS },
	{ "isdataat", "content:\"k=\"; base64_decode:relative; base64_data; content:\"evil\"; "
	  "isdataat:!1,relative;", "k=" B64_EVIL, "k=" B64_PASSWD },
	{ "byte_extract", "content:\"L\"; base64_decode:relative; base64_data; "
	  "byte_extract:4,0,n; content:\"len\"; distance:1; byte_test:4,=,n,0;",
	  "L" B64_LEN, "L" B64_HOSTS },
};

static int hits_in(const char *opts, const char *payload, bool no_stream)
{
	char rule[1024];
	snprintf(rule, sizeof(rule), "alert tcp any any -> any 7000 (msg:\"b64\"; %s%s sid:1;)",
		 no_stream ? "flow:no_stream; " : "", opts);
	return tu_stream_hits(rule, 7000, payload);
}

/* each case on the raw stream and on the packet */
static void run_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int pkt = 0; pkt < 2; pkt++) {
			int hit = hits_in(cases[i].opts, cases[i].hit, pkt);
			int miss = hits_in(cases[i].opts, cases[i].miss, pkt);
			if (hit != 1 || miss != 0)
				fail_msg("%s (%s): hit %d, miss %d", cases[i].name,
					 pkt ? "packet" : "stream", hit, miss);
		}
	}
}

/* in a sticky buffer, and in the list a legacy modifier moved a content to */
static void http_buffers(void **state)
{
	(void)state;
	static const char *const rules[] = {
		"alert http any any -> any any (msg:\"b\"; http.uri; content:\"q=\"; "
		"base64_decode:relative; base64_data; content:\"passwd\"; sid:1;)",
		"alert http any any -> any any (msg:\"b\"; content:\"q=\"; http_uri; "
		"base64_decode:relative; base64_data; content:\"passwd\"; sid:1;)",
		"alert http any any -> any any (msg:\"b\"; http.header; content:\"X-Data: \"; "
		"base64_decode:relative; base64_data; content:\"passwd\"; sid:1;)",
	};
	static const char *const hit[] = {
		"GET /s?q=" B64_PASSWD " HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /s?q=" B64_PASSWD " HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX-Data: " B64_PASSWD "\r\n\r\n",
	};
	static const char *const miss[] = {
		"GET /s?q=" B64_HOSTS " HTTP/1.1\r\nHost: a\r\n\r\n",
		/* in the header, not the uri */
		"GET /s HTTP/1.1\r\nHost: a\r\nX: q=" B64_PASSWD "\r\n\r\n",
		"GET /s?q=" B64_PASSWD " HTTP/1.1\r\nHost: a\r\nX-Data: " B64_HOSTS "\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		assert_int_equal(tu_stream_hits(rules[i], 80, hit[i]), 1);
		assert_int_equal(tu_stream_hits(rules[i], 80, miss[i]), 0);
	}
}

/*
 * On the raw stream: the match that data split over segments completes
 * alerts on the segment that completes it, once; a later segment with a
 * new encoded command alerts again.
 */
#define STREAM_RULE "alert tcp any any -> any 7000 (msg:\"b\"; content:\"data=\"; " \
	"base64_decode:relative; base64_data; content:\"cmd.exe\"; sid:1;)"

static void stream_segments(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup(STREAM_RULE, &rs, &w);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 7000);
	tu_conn_send(&c, "data=cnVuIGNt", 13, &v);	/* "run cm" */
	assert_int_equal(tu_has_sid(&v, 1), 0);
	tu_conn_send(&c, "ZC5leGUgbm93\n", 13, &v);	/* "d.exe now" */
	assert_int_equal(tu_has_sid(&v, 1), 1);
	tu_conn_send(&c, "more text\n", 10, &v);
	assert_int_equal(tu_has_sid(&v, 1), 0);
	tu_conn_send(&c, "data=" B64_RUN_CALC "\n", 5 + strlen(B64_RUN_CALC) + 1, &v);
	assert_int_equal(tu_has_sid(&v, 1), 0);
	tu_conn_send(&c, "data=" B64_RUN_CMD "\n", 5 + strlen(B64_RUN_CMD) + 1, &v);
	assert_int_equal(tu_has_sid(&v, 1), 1);
	tu_teardown(&rs, &w);

	/* the "data=" is old; the text after it goes on in new bytes */
	tu_setup(STREAM_RULE, &rs, &w);
	memset(&c, 0, sizeof(c));
	tu_conn_open(&c, w, 7000);
	tu_conn_send(&c, "data=cnVuIG", 11, &v);
	assert_int_equal(tu_has_sid(&v, 1), 0);
	tu_conn_send(&c, "NtZC5leGUgbm93", 14, &v);
	assert_int_equal(tu_has_sid(&v, 1), 1);
	tu_conn_send(&c, "AAAA", 4, &v);	/* more base64, no new command */
	assert_int_equal(tu_has_sid(&v, 1), 0);
	tu_teardown(&rs, &w);
}

/* the rule's verdict: a drop rule on base64_data drops the packet */
static void drop_rule(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup("drop tcp any any -> any 7000 (msg:\"b\"; content:\"k=\"; "
		 "base64_decode:relative; base64_data; content:\"evil\"; sid:1;)", &rs, &w);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 7000);
	tu_conn_send(&c, "k=" B64_EVIL "\n", 10, &v);
	assert_int_equal(tu_has_sid(&v, 1), 1);
	assert_int_equal(v.action, SNET_INSPECT_DROP);
	tu_teardown(&rs, &w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decoder),
		cmocka_unit_test(run_cases),
		cmocka_unit_test(http_buffers),
		cmocka_unit_test(stream_segments),
		cmocka_unit_test(drop_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
