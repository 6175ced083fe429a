// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DNS over TCP: the length-prefixed message parser (dns.c) on messages
 * joined and split every way TCP can deliver them, a response, malformed
 * lengths; then Suricata's probe, and dns.query, app-layer-protocol:dns
 * and alert dns rules on a TCP flow as on UDP, with the EVE dns object.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "app.h"
#include "testutil.h"

static struct snet_inspect_ruleset *RS;
static struct snet_inspect_worker *W;

/* tu_dns_msg() after its 2-byte length, appended at b + at */
static size_t tcp_msg(uint8_t *b, size_t at, const char *name, uint16_t id, int qr)
{
	size_t n = tu_dns_msg(b + at + 2, name, id, qr);
	b[at] = (uint8_t)(n >> 8);
	b[at + 1] = (uint8_t)n;
	return at + 2 + n;
}

/* ---- the parser alone ---- */

struct seen {
	char names[8][256];
	uint16_t ids[8];
	int n;
	size_t room_left;	/* bytes the room callback grants */
};

static void on_query(void *ctx, const struct dns_query *q, int nq)
{
	struct seen *s = ctx;
	for (int i = 0; i < nq && s->n < 8; i++, s->n++) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", q[i].name);
		s->ids[s->n] = q[i].id;
	}
}

static bool on_room(void *ctx, size_t add)
{
	struct seen *s = ctx;
	if (add > s->room_left)
		return false;
	s->room_left -= add;
	return true;
}

static const struct dns_tcp_ops OPS = { on_query, on_room };

/* feed d in pieces at the cut points (ascending, then n) */
static int feed_cut(struct dns_tcp_state *st, int dir, const uint8_t *d, size_t n,
		    const size_t *cuts, size_t ncuts, struct seen *s)
{
	size_t at = 0;
	int rc = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;
		int r = dns_tcp_feed(st, dir, d + at, end - at, &OPS, s);
		if (r)
			rc = r;
		at = end;
	}
	return rc;
}

static void parser_two_in_one_segment(void **state)
{
	(void)state;
	uint8_t b[600];
	size_t n = tcp_msg(b, 0, "one.example", 1, 0);
	n = tcp_msg(b, n, "two.example", 2, 0);
	struct seen s = { .room_left = 1 << 20 };
	struct dns_tcp_state *st = dns_tcp_state_new();
	assert_non_null(st);
	assert_int_equal(dns_tcp_feed(st, 0, b, n, &OPS, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "one.example");
	assert_string_equal(s.names[1], "two.example");
	assert_int_equal(s.ids[1], 2);
	/* read in place: nothing was kept */
	assert_int_equal(dns_tcp_state_memory(st), sizeof(*st));
	dns_tcp_state_free(st);
}

static void parser_splits(void **state)
{
	(void)state;
	uint8_t b[600];
	size_t n = tcp_msg(b, 0, "split.example", 7, 0);
	size_t n2 = tcp_msg(b, n, "next.example", 8, 0);
	/* a query cut in its body; a length prefix cut after its first byte;
	 * every single byte; the second message's prefix at a segment's end */
	const size_t body_cut[] = { 20 };
	const size_t prefix_cut[] = { 1 };
	const size_t second_prefix[] = { n + 1, n + 2 };
	struct { const size_t *c; size_t nc; } cases[] = {
		{ body_cut, 1 }, { prefix_cut, 1 }, { second_prefix, 2 }, { NULL, 0 },
	};
	for (size_t k = 0; k < 4; k++) {
		struct seen s = { .room_left = 1 << 20 };
		struct dns_tcp_state *st = dns_tcp_state_new();
		assert_non_null(st);
		if (cases[k].c) {
			assert_int_equal(feed_cut(st, 0, b, n2, cases[k].c, cases[k].nc, &s), 0);
		} else {
			for (size_t i = 0; i < n2; i++)
				assert_int_equal(dns_tcp_feed(st, 0, b + i, 1, &OPS, &s), 0);
		}
		if (s.n != 2 || strcmp(s.names[0], "split.example") || strcmp(s.names[1], "next.example"))
			fail_msg("case %zu: %d queries", k, s.n);
		/* the gathering buffer is given back once a message is whole */
		assert_int_equal(dns_tcp_state_memory(st), sizeof(*st));
		dns_tcp_state_free(st);
	}
	/* half a message: nothing yet */
	struct seen s = { .room_left = 1 << 20 };
	struct dns_tcp_state *st = dns_tcp_state_new();
	assert_int_equal(dns_tcp_feed(st, 0, b, 10, &OPS, &s), 0);
	assert_int_equal(s.n, 0);
	assert_true(dns_tcp_state_memory(st) > sizeof(*st));
	dns_tcp_state_free(st);
}

static void parser_malformed(void **state)
{
	(void)state;
	uint8_t b[600];
	struct seen s = { .room_left = 1 << 20 };
	struct dns_tcp_state *st = dns_tcp_state_new();
	/* a length shorter than a header stops the side; later data is ignored */
	const uint8_t short_len[] = { 0, 4, 1, 2, 3, 4 };
	assert_int_equal(dns_tcp_feed(st, 0, short_len, sizeof(short_len), &OPS, &s), -EBADMSG);
	size_t n = tcp_msg(b, 0, "after.example", 1, 0);
	assert_int_equal(dns_tcp_feed(st, 0, b, n, &OPS, &s), 0);
	assert_int_equal(s.n, 0);
	/* the other side goes on */
	n = tcp_msg(b, 0, "after.example", 1, 1);
	assert_int_equal(dns_tcp_feed(st, 1, b, n, &OPS, &s), 0);
	dns_tcp_state_free(st);

	/* a length that runs past the message into garbage: the name is cut */
	st = dns_tcp_state_new();
	n = tcp_msg(b, 0, "cut.example", 1, 0);
	b[1] = 16;	/* header and 4 bytes of the name */
	assert_int_equal(dns_tcp_feed(st, 0, b, n, &OPS, &s), -EBADMSG);
	assert_int_equal(s.n, 0);
	dns_tcp_state_free(st);

	/* a response on the client's side */
	st = dns_tcp_state_new();
	n = tcp_msg(b, 0, "resp.example", 1, 1);
	assert_int_equal(dns_tcp_feed(st, 0, b, n, &OPS, &s), -EBADMSG);
	dns_tcp_state_free(st);

	/* zero lengths are skipped */
	st = dns_tcp_state_new();
	b[0] = b[1] = 0;
	n = tcp_msg(b, 2, "zero.example", 1, 0);
	assert_int_equal(dns_tcp_feed(st, 0, b, n, &OPS, &s), 0);
	assert_int_equal(s.n, 1);
	dns_tcp_state_free(st);

	/* no memory for a split message: the side stops */
	struct seen tight = { .room_left = 10 };
	st = dns_tcp_state_new();
	n = tcp_msg(b, 0, "big.example", 1, 0);
	assert_int_equal(dns_tcp_feed(st, 0, b, n - 1, &OPS, &tight), -ENOMEM);
	assert_int_equal(dns_tcp_feed(st, 0, b + n - 1, 1, &OPS, &tight), 0);
	assert_int_equal(tight.n, 0);
	dns_tcp_state_free(st);
}

static void parser_response(void **state)
{
	(void)state;
	uint8_t b[600];
	struct seen s = { .room_left = 1 << 20 };
	struct dns_tcp_state *st = dns_tcp_state_new();
	size_t n = tcp_msg(b, 0, "resp.example", 1, 1);
	n = tcp_msg(b, n, "resp2.example", 2, 1);
	const size_t cut[] = { 5 };
	assert_int_equal(feed_cut(st, 1, b, n, cut, 1, &s), 0);
	assert_int_equal(s.n, 0);	/* responses give no questions to rules */
	/* a query on the server's side is malformed there */
	n = tcp_msg(b, 0, "q.example", 3, 0);
	assert_int_equal(dns_tcp_feed(st, 1, b, n, &OPS, &s), -EBADMSG);
	dns_tcp_state_free(st);
}

static void probe(void **state)
{
	(void)state;
	uint8_t b[600];
	size_t n = tcp_msg(b, 0, "probe.example", 1, 0);
	assert_true(dns_tcp_probe(b, n));
	assert_true(dns_tcp_probe(b, 14));	/* the header alone is enough */
	assert_false(dns_tcp_probe(b, 13));
	uint8_t r[600];
	memcpy(r, b, n);
	r[4] = 0x38;	/* opcode 7 */
	assert_false(dns_tcp_probe(r, n));
	memcpy(r, b, n);
	r[1] = 13;	/* a length that cannot hold the question it counts */
	assert_false(dns_tcp_probe(r, n));
	assert_false(dns_tcp_probe((const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18));
}

/* ---- through the engine ---- */

#define RULES \
	"alert dns any any -> any any (msg:\"q\"; dns.query; content:\"evil.example\"; " \
	"nocase; endswith; sid:1;)\n" \
	"alert tcp any any -> any any (msg:\"alp\"; app-layer-protocol:dns; sid:2;)\n" \
	"alert dns any any -> any any (msg:\"any dns\"; flow:to_server; sid:3;)\n" \
	"alert udp any any -> any any (msg:\"alp udp\"; app-layer-protocol:dns; sid:4;)\n"

static void engine_tcp(void **state)
{
	(void)state;
	tu_setup(RULES, &RS, &W);
	struct tu_conn c;
	struct snet_inspect_verdict v;
	uint8_t b[600];
	tu_conn_open(&c, W, 53);
	/* the query split across two segments: the probe reads the first
	 * one's length and header, the query is read once whole */
	size_t n = tcp_msg(b, 0, "www.EVIL.example", 0x4242, 0);
	tu_conn_send(&c, (const char *)b, 16, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_true(tu_has_sid(&v, 2));
	assert_true(tu_has_sid(&v, 3));
	tu_conn_send(&c, (const char *)b + 16, n - 16, &v);
	assert_true(tu_has_sid(&v, 1));
	/* a good query, then one to alert, in one segment */
	n = tcp_msg(b, 0, "good.example.org", 1, 0);
	n = tcp_msg(b, n, "x.evil.example", 2, 0);
	tu_conn_send(&c, (const char *)b, n, &v);
	assert_true(tu_has_sid(&v, 1));
	n = tcp_msg(b, 0, "www.EVIL.example", 0x4242, 1);
	tu_conn_reply(&c, (const char *)b, n, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 4));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .proto==\"TCP\" and "
				      ".app_proto==\"dns\" and .dns.query[0].rrname==\"www.EVIL.example\" "
				      "and .dns.query[0].id==16962 and .dns.query[0].rrtype==\"A\")"), 1);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and "
				      ".dns.query[0].rrname==\"x.evil.example\")"), 1);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1)"), 2);

	/* the same rules on UDP */
	n = tu_dns_msg(b, "udp.evil.example", 9, 0);
	uint8_t pkt[700];
	size_t pl = tu_udp(pkt, "10.0.0.1", "10.0.0.53", 5000, 53, b, n);
	struct timespec ts = { 1700000100, 0 };
	assert_int_equal(snet_inspect_worker_packet(W, pkt, pl, &ts, NULL, &v), 0);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	assert_true(tu_has_sid(&v, 3));
	assert_true(tu_has_sid(&v, 4));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .proto==\"UDP\" and "
				      ".dns.query[0].rrname==\"udp.evil.example\")"), 1);
	tu_teardown(&RS, &W);
}

/* port 53 is how the probe starts; HTTP on 53 is still HTTP */
static void engine_tcp_not_dns(void **state)
{
	(void)state;
	struct tu_conn c;
	struct snet_inspect_verdict v;
	uint8_t b[600];
	size_t n = tcp_msg(b, 0, "www.evil.example", 1, 0);
	tu_setup(RULES, &RS, &W);
	tu_conn_open(&c, W, 5353);
	tu_conn_send(&c, (const char *)b, n, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	tu_teardown(&RS, &W);
	tu_setup(RULES, &RS, &W);
	tu_conn_open(&c, W, 53);
	tu_conn_send(&c, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 38, &v);
	assert_false(tu_has_sid(&v, 2));
	tu_teardown(&RS, &W);
	/* a malformed query stops the client's side: later queries unseen */
	tu_setup(RULES, &RS, &W);
	tu_conn_open(&c, W, 53);
	n = tcp_msg(b, 0, "first.example", 1, 0);
	b[1] = 14;	/* header and 2 bytes of the name */
	n = tcp_msg(b, 16, "www.evil.example", 2, 0);
	tu_conn_send(&c, (const char *)b, n, &v);
	assert_true(tu_has_sid(&v, 2));
	assert_false(tu_has_sid(&v, 1));
	tu_teardown(&RS, &W);
}

/* dns.opcode: the request's opcode, with Suricata's numeric forms */
static void engine_opcode(void **state)
{
	(void)state;
	tu_setup("alert dns any any -> any any (msg:\"update\"; dns.opcode:5; sid:1;)\n"
		 "alert dns any any -> any any (msg:\"not query\"; dns.opcode:!0; sid:2;)\n"
		 "alert dns any any -> any any (msg:\"update evil\"; dns.opcode:>=4; dns.query; "
		 "content:\"evil\"; sid:3;)\n"
		 "alert udp any any -> any 53 (msg:\"payload\"; dns.opcode:0; content:\"evil\"; "
		 "sid:4;)\n", &RS, &W);
	static const struct { const char *name; unsigned opcode; bool s1, s2, s3, s4; } c[] = {
		{ "www.evil.example", 0, false, false, false, true },
		{ "zone.evil.example", 5, true, true, true, false },
		{ "zone.good.example", 5, true, true, false, false },
		{ "x.good.example", 2, false, true, false, false },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t b[512], pkt[700];
		size_t n = tu_dns_msg(b, c[i].name, (uint16_t)(40 + i), 0);
		b[2] = (uint8_t)(b[2] & ~0x78) | (uint8_t)(c[i].opcode << 3);
		size_t pl = tu_udp(pkt, "10.0.0.1", "10.0.0.53", (uint16_t)(5100 + i), 53, b, n);
		struct timespec ts = { 1700000200 + (time_t)i, 0 };
		struct snet_inspect_verdict v;
		assert_int_equal(snet_inspect_worker_packet(W, pkt, pl, &ts, NULL, &v), 0);
		if (tu_has_sid(&v, 1) != c[i].s1 || tu_has_sid(&v, 2) != c[i].s2 ||
		    tu_has_sid(&v, 3) != c[i].s3 || tu_has_sid(&v, 4) != c[i].s4)
			fail_msg("%s opcode %u: %d %d %d %d", c[i].name, c[i].opcode,
				 tu_has_sid(&v, 1), tu_has_sid(&v, 2), tu_has_sid(&v, 3),
				 tu_has_sid(&v, 4));
	}
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and "
				      ".dns.query[0].opcode==5)"), 2);
	tu_teardown(&RS, &W);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_two_in_one_segment),
		cmocka_unit_test(parser_splits),
		cmocka_unit_test(parser_malformed),
		cmocka_unit_test(parser_response),
		cmocka_unit_test(probe),
		cmocka_unit_test(engine_tcp),
		cmocka_unit_test(engine_tcp_not_dns),
		cmocka_unit_test(engine_opcode),
	};
	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
