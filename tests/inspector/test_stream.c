// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw TCP stream semantics (docs/rules.md, "Raw TCP stream"): matches split
 * over segments, positions counted from the stream start, the reassembly
 * depth, alerting again on later data, out-of-order data, memory caps and
 * a rule set switched while a flow is in progress.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

struct ctx {
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	struct tu_conn c;
};

static void start(struct ctx *x, const char *rules, const char *const *kv)
{
	x->rs = tu_load_ok(rules, kv);
	assert_non_null(x->rs);
	x->w = tu_worker(x->rs);
	assert_non_null(x->w);
	memset(&x->c, 0, sizeof(x->c));
	tu_conn_open(&x->c, x->w, 4000);
}

static void stop(struct ctx *x)
{
	tu_worker_free(x->w);
	snet_inspect_ruleset_unref(x->rs);
}

/* send the pieces in order; return the index of each piece that alerted
 * sid 1 as a bitmask */
static unsigned send_pieces(struct ctx *x, const char *const *pieces, size_t n)
{
	unsigned hits = 0;
	for (size_t i = 0; i < n; i++) {
		struct snet_inspect_verdict v;
		tu_conn_send(&x->c, pieces[i], strlen(pieces[i]), &v);
		if (tu_has_sid(&v, 1))
			hits |= 1u << i;
	}
	return hits;
}

/* pieces of one flow, and the pieces sid 1 must alert on (bit i: piece i) */
struct piece_case {
	const char *p[6];
	size_t n;
	unsigned want;
};

/* each case on a fresh flow of @rule */
static void run_piece_cases(const char *rule, const struct piece_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ctx x;
		start(&x, rule, NULL);
		unsigned got = send_pieces(&x, c[i].p, c[i].n);
		if (got != c[i].want)
			fail_msg("case %zu: alerts on pieces %#x, want %#x", i, got, c[i].want);
		stop(&x);
	}
}

static struct snet_inspect_stats stats(struct ctx *x)
{
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(x->w, &st);
	return st;
}

#define PAT "SPLIT-PATTERN-XYZ"
#define RULE_LIT "alert tcp any any -> any any (msg:\"lit\"; flow:to_server; content:\"" PAT "\"; sid:1;)\n"

/* the pattern cut once, at every position: found on the second segment */
static void split_in_two_every_position(void **state)
{
	(void)state;
	const char *pat = PAT;
	size_t n = strlen(pat);
	for (size_t cut = 1; cut < n; cut++) {
		struct ctx x;
		start(&x, RULE_LIT, NULL);
		char a[64], b[64];
		snprintf(a, sizeof(a), "aaaa%.*s", (int)cut, pat);
		snprintf(b, sizeof(b), "%sbbbb", pat + cut);
		const char *p[] = { a, b };
		unsigned hits = send_pieces(&x, p, 2);
		if (hits != 2u)
			fail_msg("cut at %zu: alerts on pieces %#x, want only the second", cut, hits);
		stop(&x);
	}
}

/* a byte_extract length and the content it bounds in different segments */
static void byte_extract_across_segments(void **state)
{
	(void)state;
	static const struct piece_case c[] = {
		{ { "xxLEN", "\x05", "abcde!" }, 3, 1u << 2 },
		{ { "xxLEN\x04", "abcde!" }, 2, 0 },		/* 'e' is past the length */
		{ { "xxLEN\x05" "ab", "cde!" }, 2, 1u << 1 },
	};
	run_piece_cases("alert tcp any any -> any any (msg:\"be\"; flow:to_server; content:\"LEN\"; "
			"byte_extract:1,0,n,relative; content:\"e\"; within:n; content:\"!\"; "
			"distance:0; sid:1;)\n", c, sizeof(c) / sizeof(c[0]));
}

/* cut twice, at every pair of positions: found on the third segment */
static void split_in_three_every_position(void **state)
{
	(void)state;
	const char *pat = PAT;
	size_t n = strlen(pat);
	for (size_t i = 1; i < n - 1; i++) {
		for (size_t j = i + 1; j < n; j++) {
			struct ctx x;
			start(&x, RULE_LIT, NULL);
			char a[64], b[64], c[64];
			snprintf(a, sizeof(a), "%.*s", (int)i, pat);
			snprintf(b, sizeof(b), "%.*s", (int)(j - i), pat + i);
			snprintf(c, sizeof(c), "%s!", pat + j);
			const char *p[] = { a, b, c };
			unsigned hits = send_pieces(&x, p, 3);
			if (hits != 4u)
				fail_msg("cuts at %zu,%zu: alerts on pieces %#x, want the third", i, j,
					 hits);
			stop(&x);
		}
	}
}

/* one byte per segment, far from the stream start */
static void split_byte_by_byte_deep(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, RULE_LIT, NULL);
	char fill[20000];
	memset(fill, 'f', sizeof(fill) - 1);
	fill[sizeof(fill) - 1] = 0;
	struct snet_inspect_verdict v;
	tu_conn_send(&x.c, fill, strlen(fill), &v);
	assert_false(tu_has_sid(&v, 1));
	const char *pat = PAT;
	for (size_t i = 0; pat[i]; i++) {
		char one[2] = { pat[i], 0 };
		tu_conn_send(&x.c, one, 1, &v);
		assert_int_equal(tu_has_sid(&v, 1), pat[i + 1] == 0);
	}
	stop(&x);
}

/* a rule prefiltered by a regex only: its match spans 3000 bytes and
 * three segments, starting 20 KB into the stream */
static void regex_prefilter_across_segments(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, "alert tcp any any -> any any (msg:\"re\"; flow:to_server; "
		  "pcre:\"/BEGIN[a-z]{3000}END/\"; sid:1;)\n", NULL);
	static char fill[20001], mid[1501];
	memset(fill, '.', sizeof(fill) - 1);
	memset(mid, 'q', sizeof(mid) - 1);
	char *head = malloc(1600), *tail = malloc(1600);
	assert_non_null(head);
	assert_non_null(tail);
	snprintf(head, 1600, "xxBEGIN%.*s", 1000, mid);
	snprintf(tail, 1600, "%.*sENDyy", 500, mid);
	const char *p[] = { fill, head, mid, tail };
	assert_int_equal(send_pieces(&x, p, 4), 8u);
	/* the same with one letter too many does not match */
	stop(&x);
	start(&x, "alert tcp any any -> any any (msg:\"re\"; flow:to_server; "
		  "pcre:\"/BEGIN[a-z]{3000}END/\"; sid:1;)\n", NULL);
	snprintf(tail, 1600, "%.*sENDyy", 501, mid);
	assert_int_equal(send_pieces(&x, p, 4), 0u);
	free(head);
	free(tail);
	stop(&x);
}

/* a one-byte literal and a pcre: the pcre prefilters instead, its match
 * split over segments; the literal is still required, and later data
 * completing a new match alerts again */
static void short_literal_pcre_across_segments(void **state)
{
	(void)state;
	const char *rule = "alert tcp any any -> any any (msg:\"sl\"; flow:to_server; "
			   "content:\"=\"; pcre:\"/java[\\x09\\x0a]*script\\x3a/i\"; sid:1;)\n";
	struct ctx x;
	start(&x, rule, NULL);
	const char *p[] = { "href=", "\"jav", "a\tScri", "pt:x", "...", "JavaScript:" };
	assert_int_equal(send_pieces(&x, p, 6), 8u | 32u);
	stop(&x);
	/* no '=' anywhere: the pcre alone does not alert */
	start(&x, rule, NULL);
	const char *q[] = { "href ", "\"jav", "ascript:x" };
	assert_int_equal(send_pieces(&x, q, 3), 0u);
	stop(&x);
	/* the '=' arriving after the pcre's match completes the rule */
	start(&x, rule, NULL);
	const char *r[] = { "javascript:", "..", "a=b" };
	assert_int_equal(send_pieces(&x, r, 3), 4u);
	stop(&x);
}

/*
 * A rule that stays a candidate for the whole stream re-runs its absolute
 * pcre on every new segment from where a match may still begin (a partial
 * match, match.c): matches that begin segments earlier, lookbehinds over
 * a segment boundary and '$' at the end of the data so far are found as
 * when the whole stream is searched.
 */
static void pcre_resumes_where_a_match_may_begin(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, "alert tcp any any -> any any (msg:\"p\"; flow:to_server; content:\"zz\"; "
		  "pcre:\"/^Content-Type\\x3a\\s*application\\/smi.*?<area\\s+href=/smi\"; sid:1;)\n",
	      NULL);
	const char *a[] = { "zz\r\n", "Content-Type: appli", "cation/smil\r\n\r\n....", "..<ar",
			    "ea  href=x", "<area href=" };
	assert_int_equal(send_pieces(&x, a, 6), 16u);
	stop(&x);
	start(&x, "alert tcp any any -> any any (msg:\"lb\"; flow:to_server; content:\"xyz\"; "
		  "pcre:\"/(?<=ke)y=val/\"; sid:1;)\n", NULL);
	const char *b[] = { "xyz ke", "y=v", "al", "ky=val", "key=val" };
	assert_int_equal(send_pieces(&x, b, 5), 4u | 16u);
	stop(&x);
	start(&x, "alert tcp any any -> any any (msg:\"end\"; flow:to_server; content:\"zz\"; "
		  "pcre:\"/abc$/\"; sid:1;)\n", NULL);
	const char *c[] = { "zz", "xxab", "c", "d", "abc" };
	assert_int_equal(send_pieces(&x, c, 5), 4u | 16u);
	stop(&x);
	start(&x, "alert tcp any any -> any any (msg:\"n\"; flow:to_server; content:\"zz\"; "
		  "pcre:\"/needle[0-9]+x/\"; sid:1;)\n", NULL);
	const char *d[] = { "zz", "hay", "hay needle", "12", "", "3", "x", "needle9x" };
	assert_int_equal(send_pieces(&x, d, 8), 64u | 128u);
	stop(&x);
}

/*
 * Two independent contents on the stream: a new match needs one of them
 * to end in the new data, whichever came first; the earlier content's
 * occurrences are retried only when that is why the rest failed.
 */
static void independent_contents_either_order(void **state)
{
	(void)state;
	static const char rule[] = "alert tcp any any -> any any (msg:\"ab\"; flow:to_server; "
				   "content:\"AAA\"; content:\"BBB\"; sid:1;)\n";
	static const struct piece_case c[] = {
		{ { "BBB", "xAAAx" }, 2, 2u },
		{ { "AAA", "zz", "BBB" }, 3, 4u },
		{ { "AAABBB", "AAA" }, 2, 1u | 2u },
		{ { "AAABBB", "zz", "AA", "A" }, 4, 1u | 8u },
		{ { "AAAx", "xBB", "x" }, 3, 0u },
		/* a content that ends in the new data, begun before it */
		{ { "AAA", "B", "BB" }, 3, 4u },
		{ { "BB", "BAAA" }, 2, 2u },
		{ { "AAABB", "x", "B" }, 3, 0u },
		{ { "AAABB", "B", "x", "AA", "A" }, 5, 2u | 16u },
	};
	run_piece_cases(rule, c, sizeof(c) / sizeof(c[0]));
}

/* two contents far apart: the first in the first segment, the second
 * (the fast pattern) and a relative one in later segments */
static void multi_content_across_segments(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, "alert tcp any any -> any any (msg:\"mc\"; flow:to_server; content:\"USER \"; "
		  "content:\"administrator\"; distance:0; content:\"PASS\"; distance:0; within:20; "
		  "sid:1;)\n", NULL);
	static char fill[5001];
	memset(fill, '-', sizeof(fill) - 1);
	const char *p[] = { "USER ", fill, "xx adminis", "trator ", "and then PA", "SS 1234" };
	assert_int_equal(send_pieces(&x, p, 6), 32u);
	stop(&x);
	/* PASS too far after the fast pattern: no match */
	start(&x, "alert tcp any any -> any any (msg:\"mc\"; flow:to_server; content:\"USER \"; "
		  "content:\"administrator\"; distance:0; content:\"PASS\"; distance:0; within:20; "
		  "sid:1;)\n", NULL);
	const char *q[] = { "USER ", fill, "xx administrator", fill, "PASS" };
	assert_int_equal(send_pieces(&x, q, 5), 0u);
	stop(&x);
}

/*
 * A pending rule searches its absolute contents from a memo of where they
 * do not occur: occurrences found before, split over segments, or where
 * only a later one completes the match must still count.
 */
static void content_memo_keeps_occurrences(void **state)
{
	(void)state;
	static const char rule[] = "alert tcp any any -> any any (msg:\"m\"; flow:to_server; "
				   "content:\"AAAA\"; content:\"BB\"; distance:0; within:4; "
				   "content:\"CC\"; distance:0; sid:1;)\n";
	static const struct piece_case c[] = {
		/* the first occurrence fails for good, a later one matches */
		{ { "AAAA..xBB", "AAAAxBB", "..CC" }, 3, 4u },
		{ { "AAAA.BB..", "zz", "CC", "CC" }, 4, 4u | 8u },
		/* occurrences cut over segments, at every step */
		{ { "xxAA", "AAB", "B", "xC", "C" }, 5, 16u },
		{ { "AAAA......", "AA", "AA", "BBCC" }, 4, 8u },
		{ { "AAAAAAAAB", "BxxCC", "AAAAB" }, 3, 2u },
		/* the window of BB ends in later data */
		{ { "zzAAAA", "..", "BB", "CC" }, 4, 8u },
		{ { "AAAA", "......BB", "CC" }, 3, 0u },
	};
	run_piece_cases(rule, c, sizeof(c) / sizeof(c[0]));
}

/*
 * A pending rule is not verified on a chunk when one of its relative
 * contents occurs nowhere in the stream (match.c: present_gate), searched
 * from a memo of where it does not occur: the content split over chunks,
 * found before its anchor, or only in later data must still count.
 */
static void relative_content_gate(void **state)
{
	(void)state;
	static const char rule[] = "alert tcp any any -> any any (msg:\"g\"; flow:to_server; "
				   "content:\"TYPE|3a| \"; content:\"image\"; distance:0; within:12; "
				   "content:\"<if\"; distance:0; pcre:\"/<if[^>]*src/\"; sid:1;)\n";
	static const struct piece_case c[] = {
		/* image too far from TYPE: never */
		{ { "TYPE: text/html ", "xxxx", "<if src", "image" }, 4, 0u },
		/* image split over chunks, the pcre ends with it */
		{ { "TYPE: ", "ima", "ge <if src" }, 3, 4u },
		{ { "TYPE: image", "...", "<if", " src" }, 4, 8u },
		/* an occurrence before the anchor content, then one after */
		{ { "image TYPE: ", "x", "image", "<if src" }, 4, 8u },
		{ { "TYPE: imag", "e", "zz", "<ifsrc" }, 4, 8u },
		{ { "TYPE: <if src", "image", "<if src" }, 3, 4u },
		/* image begins in data searched before */
		{ { "TYPE: ", "xxxxxxim", "age<if src" }, 3, 4u },
		{ { "TYPE: ", "xxxxxxxxim", "age<if src" }, 3, 0u },
	};
	run_piece_cases(rule, c, sizeof(c) / sizeof(c[0]));
}

/*
 * The same gate for an absolute pcre: it must have a complete match,
 * searched from its partial-match memo before the rule's contents; a
 * match split over chunks, or anchored after a line end, must count.
 */
static void pcre_gate_first(void **state)
{
	(void)state;
	static const char rule[] = "alert tcp any any -> any any (msg:\"p\"; flow:to_server; "
				   "content:\"TYPE\"; pcre:\"/^TYPE\\s*img.*?src/sm\"; sid:1;)\n";
	static const struct piece_case c[] = {
		{ { "TYPE img", " x ", "sr", "c" }, 4, 8u },
		{ { "TYPE", "  img", "src" }, 3, 4u },
		{ { "TYPE x img src" }, 1, 0u },
		{ { "TYPE x img src", "\nTYPE img src" }, 2, 2u },
		{ { "xTYPE img src", "src" }, 2, 0u },
		/* a new TYPE counts with the pcre's first match: separate elements */
		{ { "TYPE img src", "src", "\nTYPE\nimg", "\nsrc" }, 4, 1u | 4u | 8u },
	};
	run_piece_cases(rule, c, sizeof(c) / sizeof(c[0]));
}

/* offset and depth count from the first byte of the stream */
static void offset_depth_from_stream_start(void **state)
{
	(void)state;
	const char *depth_rule = "alert tcp any any -> any any (msg:\"d\"; flow:to_server; "
				 "content:\"MAGIC\"; depth:5; sid:1;)\n";
	struct ctx x;
	start(&x, depth_rule, NULL);
	const char *a[] = { "MAG", "IC and more" };
	assert_int_equal(send_pieces(&x, a, 2), 2u);
	stop(&x);
	/* MAGIC at the start of the second packet is at stream offset 1 */
	start(&x, depth_rule, NULL);
	const char *b[] = { "x", "MAGIC" };
	assert_int_equal(send_pieces(&x, b, 2), 0u);
	stop(&x);

	const char *off_rule = "alert tcp any any -> any any (msg:\"o\"; flow:to_server; "
			       "content:\"KEY\"; offset:100; depth:10; sid:1;)\n";
	char fill[101];
	memset(fill, '.', 90);
	fill[90] = 0;
	start(&x, off_rule, NULL);
	const char *c[] = { fill, "..........KEY" };	/* KEY at stream offset 100 */
	assert_int_equal(send_pieces(&x, c, 2), 2u);
	stop(&x);
	/* KEY at offset 100 of the second packet but 190 of the stream */
	memset(fill, '.', 100);
	fill[100] = 0;
	char second[200];
	snprintf(second, sizeof(second), "%sKEY", fill);
	start(&x, off_rule, NULL);
	fill[90] = 0;
	const char *d[] = { fill, second };
	assert_int_equal(send_pieces(&x, d, 2), 0u);
	stop(&x);

	/* startswith: the stream's first bytes, not the packet's */
	const char *sw = "alert tcp any any -> any any (msg:\"s\"; flow:to_server; "
			 "content:\"HELLO\"; startswith; sid:1;)\n";
	start(&x, sw, NULL);
	const char *e[] = { "HEL", "LO world" };
	assert_int_equal(send_pieces(&x, e, 2), 2u);
	stop(&x);
	start(&x, sw, NULL);
	const char *f[] = { "well ", "HELLO" };
	assert_int_equal(send_pieces(&x, f, 2), 0u);
	stop(&x);
}

/* a match past reassembly-depth is not inspected, and the bytes are counted */
static void beyond_reassembly_depth(void **state)
{
	(void)state;
	const char *kv[] = { "reassembly-depth", "4kb", NULL };
	static char fill[4097];
	memset(fill, '.', 4096);
	struct ctx x;
	start(&x, RULE_LIT, kv);
	fill[4096 - 20] = 0;	/* the pattern ends inside the depth */
	const char *a[] = { fill, PAT ".." };
	assert_int_equal(send_pieces(&x, a, 2), 2u);
	assert_int_equal(stats(&x).reassembly_truncated, 0);
	stop(&x);

	start(&x, RULE_LIT, kv);
	memset(fill, '.', 4096);
	fill[4096 - 5] = 0;	/* the pattern would end 12 bytes past it */
	const char *b[] = { fill, PAT, PAT };
	assert_int_equal(send_pieces(&x, b, 3), 0u);
	struct snet_inspect_stats st = stats(&x);
	assert_int_equal(st.reassembly_truncated, 2 * strlen(PAT) - 5);
	stop(&x);
}

/* Suricata: a raw-stream rule is inspected on each new stream data and
 * alerts whenever that data completes a match; a match already reported
 * is not reported again */
static void alerts_again_on_later_data(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, "alert tcp any any -> any any (msg:\"p\"; flow:to_server; content:\"PING\"; sid:1;)\n",
	      NULL);
	const char *p[] = { "PING", "zzzz", "a PING", "PI", "NG", "nothing", "PINGPING" };
	assert_int_equal(send_pieces(&x, p, 7), 1u | 4u | 16u | 64u);
	assert_int_equal(stats(&x).alerts, 4);
	stop(&x);
	/* a rule of two contents alerts again when later data completes a new
	 * match with the earlier first content */
	start(&x, "alert tcp any any -> any any (msg:\"two\"; flow:to_server; content:\"open\"; "
		  "content:\"sesame\"; distance:0; sid:1;)\n", NULL);
	const char *q[] = { "open ", "sesame", "...", "sesame again" };
	assert_int_equal(send_pieces(&x, q, 4), 2u | 8u);
	stop(&x);
}

/* segments out of order: inspected when the gap is filled */
static void out_of_order_segments(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, RULE_LIT, NULL);
	struct snet_inspect_verdict v;
	/* "SPLIT-" at 0, "PATTERN" at 6, "-XYZ" at 13, sent last first */
	tu_conn_send_at(&x.c, 13, "-XYZ", 4, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_conn_send_at(&x.c, 6, "PATTERN", 7, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_conn_send_at(&x.c, 0, "SPLIT-", 6, &v);
	assert_true(tu_has_sid(&v, 1));
	/* a retransmission of inspected data is not inspected again */
	tu_conn_send_at(&x.c, 0, "SPLIT-PATTERN-XYZ", 17, &v);
	assert_false(tu_has_sid(&v, 1));
	stop(&x);
}

/* the rule set a flow started with keeps matching it after a switch */
static void reload_keeps_stream_state(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *a = tu_load_ok(RULE_LIT, NULL);
	struct snet_inspect_ruleset *b = tu_load_ok(
		"alert tcp any any -> any any (msg:\"other\"; content:\"OTHER-PATTERN\"; sid:2;)\n",
		NULL);
	assert_non_null(a);
	assert_non_null(b);
	struct snet_inspect_worker *w = tu_worker(a);
	struct tu_conn c1 = { 0 }, c2 = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c1, w, 4000);
	tu_conn_send(&c1, "..SPLIT-PAT", 11, &v);
	assert_int_equal(snet_inspect_worker_set_ruleset(w, b), 0);
	snet_inspect_ruleset_unref(a);
	tu_conn_send(&c1, "TERN-XYZ OTHER-PAT", 18, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_conn_send(&c1, "TERN", 4, &v);
	assert_false(tu_has_sid(&v, 2));	/* the old set has no sid 2 */
	tu_conn_open(&c2, w, 4001);
	tu_conn_send(&c2, "SPLIT-PATTERN-XYZ OTHER-PAT", 27, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_conn_send(&c2, "TERN", 4, &v);
	assert_true(tu_has_sid(&v, 2));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(b);
}

/* the stream kept for raw rules counts against flow-memcap: past it raw
 * inspection of the direction stops, counted; the cap holds */
static void stream_memory_capped(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "96kb", NULL };
	struct ctx x;
	start(&x, RULE_LIT, kv);
	static char chunk[16001];
	memset(chunk, '.', 16000);
	struct snet_inspect_verdict v;
	uint64_t sent = 0;
	for (int i = 0; i < 8; i++) {
		tu_conn_send(&x.c, chunk, 16000, &v);
		sent += 16000;
	}
	tu_conn_send(&x.c, PAT, strlen(PAT), &v);
	assert_false(tu_has_sid(&v, 1));
	struct snet_inspect_stats st = stats(&x);
	assert_true(st.reassembly_memcap > 0);
	assert_true(st.reassembly_memcap <= sent + strlen(PAT));
	assert_true(st.flow_memory <= 96 * 1024);
	assert_int_equal(st.reassembly_truncated, 0);
	stop(&x);
	/* with room, the same stream is inspected to the end */
	start(&x, RULE_LIT, NULL);
	for (int i = 0; i < 8; i++)
		tu_conn_send(&x.c, chunk, 16000, &v);
	tu_conn_send(&x.c, PAT, strlen(PAT), &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(stats(&x).reassembly_memcap, 0);
	stop(&x);
}

/* when a direction ends its stream is freed */
static void stream_freed_at_fin(void **state)
{
	(void)state;
	struct ctx x;
	start(&x, RULE_LIT, NULL);
	static char chunk[30001];
	memset(chunk, '.', 30000);
	tu_conn_send(&x.c, chunk, 30000, NULL);
	uint64_t before = stats(&x).flow_memory;
	assert_true(before >= 30000);
	tu_conn_fin(&x.c, NULL);
	assert_true(stats(&x).flow_memory < before - 30000);
	stop(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_in_two_every_position),
		cmocka_unit_test(byte_extract_across_segments),
		cmocka_unit_test(split_in_three_every_position),
		cmocka_unit_test(split_byte_by_byte_deep),
		cmocka_unit_test(regex_prefilter_across_segments),
		cmocka_unit_test(short_literal_pcre_across_segments),
		cmocka_unit_test(pcre_resumes_where_a_match_may_begin),
		cmocka_unit_test(independent_contents_either_order),
		cmocka_unit_test(multi_content_across_segments),
		cmocka_unit_test(content_memo_keeps_occurrences),
		cmocka_unit_test(relative_content_gate),
		cmocka_unit_test(pcre_gate_first),
		cmocka_unit_test(offset_depth_from_stream_start),
		cmocka_unit_test(beyond_reassembly_depth),
		cmocka_unit_test(alerts_again_on_later_data),
		cmocka_unit_test(out_of_order_segments),
		cmocka_unit_test(reload_keeps_stream_state),
		cmocka_unit_test(stream_memory_capped),
		cmocka_unit_test(stream_freed_at_fin),
	};
	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
