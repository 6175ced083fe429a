// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keywords of issue 3 that test_keywords.c (one TCP payload per case)
 * cannot show: actions, protocols, addresses and ports, dns.query, tls.sni,
 * the flow options, flowbits and the descriptive keywords as they appear
 * in the EVE log.  Each has a case that must alert and one that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>


#include "testutil.h"

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

static void setup_rules(const char *rules)
{
	tu_setup(rules, &RS, &W);
}

static void teardown_rules(void)
{
	tu_teardown(&RS, &W);
}

static int send_raw(const uint8_t *pkt, size_t len, struct snet_inspect_verdict *v)
{
	struct timespec ts = { 1700000000, 0 };
	assert_int_equal(snet_inspect_worker_packet(W, pkt, len, &ts, NULL, v), 0);
	return v->action;
}

/* ---- actions ---- */

static void actions(void **state)
{
	(void)state;
	setup_rules("alert udp any any -> any 1 (msg:\"a\"; content:\"X\"; sid:1;)\n"
		    "drop udp any any -> any 2 (msg:\"d\"; content:\"X\"; sid:2;)\n"
		    "reject udp any any -> any 3 (msg:\"r\"; content:\"X\"; sid:3;)\n"
		    "pass udp any any -> any 4 (msg:\"p\"; content:\"X\"; sid:4;)\n"
		    "alert udp any any -> any 4 (msg:\"a4\"; content:\"X\"; sid:5;)\n");
	struct snet_inspect_verdict v;
	static const struct { uint16_t port; const char *data; int action; uint32_t sid; } c[] = {
		{ 1, "X", SNET_INSPECT_ACCEPT, 1 }, { 1, "Y", SNET_INSPECT_ACCEPT, 0 },
		{ 2, "X", SNET_INSPECT_DROP, 2 }, { 2, "Y", SNET_INSPECT_ACCEPT, 0 },
		{ 3, "X", SNET_INSPECT_REJECT, 3 }, { 3, "Y", SNET_INSPECT_ACCEPT, 0 },
		/* pass wins and silences the alert of the same packet */
		{ 4, "X", SNET_INSPECT_PASS, 0 }, { 4, "Y", SNET_INSPECT_ACCEPT, 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int a = tu_udp_send(W, "10.0.0.1", "192.0.2.1", (uint16_t)(2000 + i), c[i].port,
				    c[i].data, (double)i, &v);
		if (a != c[i].action || (c[i].sid ? !tu_has_sid(&v, c[i].sid) : v.nalerts != 0))
			fail_msg("case %zu: port %u '%s': action %d alerts %u", i, c[i].port,
				 c[i].data, a, v.nalerts);
	}
	teardown_rules();
}

/* ---- protocols ---- */

static void protocols(void **state)
{
	(void)state;
	setup_rules("alert ip any any -> any any (msg:\"ip\"; content:\"IPALL\"; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"tcp\"; flow:no_stream; content:\"ONLY\"; sid:2;)\n"
		    "alert udp any any -> any any (msg:\"udp\"; content:\"ONLY\"; sid:3;)\n"
		    "alert icmp any any -> any any (msg:\"icmp\"; content:\"ONLY\"; sid:4;)\n"
		    "alert ip any any -> any any (msg:\"ipp\"; ip_proto:17; content:\"PROTO\"; sid:5;)\n"
		    "alert ip any any -> any any (msg:\"ipp1\"; ip_proto:1; content:\"PROTO\"; sid:6;)\n"
		    /* can never match: no packet is both UDP and TCP */
		    "alert udp any any -> any any (msg:\"ipp6\"; ip_proto:6; content:\"PROTO\"; sid:7;)\n"
		    "alert tcp any any -> any any (msg:\"ipp6t\"; ip_proto:6; flow:no_stream; "
		    "content:\"ONLY\"; sid:8;)\n");
	uint8_t pkt[256];
	struct snet_inspect_verdict v;
	size_t n = tu_tcp(pkt, 0, "10.0.0.1", "192.0.2.1", 1000, 80, 1, 1, 0x18, "ONLY IPALL", 10);
	send_raw(pkt, n, &v);
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 1) && tu_has_sid(&v, 8));
	assert_false(tu_has_sid(&v, 3) || tu_has_sid(&v, 4));
	n = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 80, "ONLY IPALL PROTO", 16);
	send_raw(pkt, n, &v);
	assert_true(tu_has_sid(&v, 3) && tu_has_sid(&v, 1) && tu_has_sid(&v, 5));
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 4) || tu_has_sid(&v, 6) ||
		     tu_has_sid(&v, 7) || tu_has_sid(&v, 8));
	n = tu_icmp(pkt, "10.0.0.1", "192.0.2.1", 8, 0, "ONLY IPALL PROTO", 16);
	send_raw(pkt, n, &v);
	assert_true(tu_has_sid(&v, 4) && tu_has_sid(&v, 1) && tu_has_sid(&v, 6));
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 3) || tu_has_sid(&v, 5));
	teardown_rules();
}

/* ---- flags (rules without content, looked up by the flags they need) ---- */

static void tcp_flags(void **state)
{
	(void)state;
	setup_rules("alert tcp any any -> any any (msg:\"sf\"; flags:SF; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"u+\"; flags:U+; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"not-a\"; flags:!A; sid:3;)\n"
		    "alert tcp any any -> any 80 (msg:\"s-port\"; flags:S,12; sid:4;)\n");
	static const struct { uint8_t fl; uint16_t dport; int hit1, hit2, hit3, hit4; } c[] = {
		{ 0x03, 81, 1, 0, 1, 0 },	/* SYN FIN */
		{ 0x13, 81, 0, 0, 0, 0 },	/* SYN FIN ACK: not exactly SF */
		{ 0x30, 81, 0, 1, 0, 0 },	/* URG ACK */
		{ 0x18, 81, 0, 0, 0, 0 },	/* PSH ACK */
		{ 0xc2, 80, 0, 0, 1, 1 },	/* SYN with ECN bits ignored */
		{ 0xc2, 81, 0, 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t pkt[128];
		size_t n = tu_tcp(pkt, 0, "10.0.0.1", "192.0.2.1", (uint16_t)(3000 + i), c[i].dport,
				  1, 1, c[i].fl, "", 0);
		struct snet_inspect_verdict v;
		send_raw(pkt, n, &v);
		if (tu_has_sid(&v, 1) != c[i].hit1 || tu_has_sid(&v, 2) != c[i].hit2 ||
		    tu_has_sid(&v, 3) != c[i].hit3 || tu_has_sid(&v, 4) != c[i].hit4)
			fail_msg("flags %#x port %u: sids %d %d %d %d", c[i].fl, c[i].dport,
				 tu_has_sid(&v, 1), tu_has_sid(&v, 2), tu_has_sid(&v, 3),
				 tu_has_sid(&v, 4));
	}
	teardown_rules();
}

/* ---- addresses and ports ---- */

struct hcase {
	const char *hdr;	/* "SRC SPORT -> DST DPORT" */
	const char *src, *dst;
	uint16_t sport, dport;
	int hit;
};

static void addresses_and_ports(void **state)
{
	(void)state;
	static const struct hcase c[] = {
		{ "10.0.0.0/8 any -> any any", "10.1.2.3", "192.0.2.1", 1, 2, 1 },
		{ "10.0.0.0/8 any -> any any", "11.1.2.3", "192.0.2.1", 1, 2, 0 },
		{ "[10.0.0.0/8,!10.0.0.5] any -> any any", "10.0.0.4", "192.0.2.1", 1, 2, 1 },
		{ "[10.0.0.0/8,!10.0.0.5] any -> any any", "10.0.0.5", "192.0.2.1", 1, 2, 0 },
		{ "!10.0.0.0/8 any -> any any", "11.0.0.1", "192.0.2.1", 1, 2, 1 },
		{ "!10.0.0.0/8 any -> any any", "10.0.0.1", "192.0.2.1", 1, 2, 0 },
		{ "$HOME_NET any -> $EXTERNAL_NET any", "10.0.0.1", "192.0.2.1", 1, 2, 1 },
		{ "$HOME_NET any -> $EXTERNAL_NET any", "192.0.2.1", "10.0.0.1", 1, 2, 0 },
		{ "any any -> 192.0.2.0-192.0.2.9 any", "10.0.0.1", "192.0.2.9", 1, 2, 1 },
		{ "any any -> 192.0.2.0-192.0.2.9 any", "10.0.0.1", "192.0.2.10", 1, 2, 0 },
		{ "any any -> any 1000:2000", "10.0.0.1", "192.0.2.1", 1, 1500, 1 },
		{ "any any -> any 1000:2000", "10.0.0.1", "192.0.2.1", 1, 2001, 0 },
		{ "any any -> any [1000:2000,!1500]", "10.0.0.1", "192.0.2.1", 1, 1499, 1 },
		{ "any any -> any [1000:2000,!1500]", "10.0.0.1", "192.0.2.1", 1, 1500, 0 },
		{ "any any -> any 1024:", "10.0.0.1", "192.0.2.1", 1, 65535, 1 },
		{ "any any -> any 1024:", "10.0.0.1", "192.0.2.1", 1, 1023, 0 },
		{ "any !53 -> any $HTTP_PORTS", "10.0.0.1", "192.0.2.1", 54, 80, 1 },
		{ "any !53 -> any $HTTP_PORTS", "10.0.0.1", "192.0.2.1", 53, 80, 0 },
		{ "any any -> any $HTTP_PORTS", "10.0.0.1", "192.0.2.1", 1, 81, 0 },
		{ "10.0.0.1 7 <> 192.0.2.1 8", "192.0.2.1", "10.0.0.1", 8, 7, 1 },
		{ "10.0.0.1 7 <> 192.0.2.1 8", "192.0.2.1", "10.0.0.1", 7, 8, 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char rule[256];
		snprintf(rule, sizeof(rule), "alert udp %s (msg:\"h\"; content:\"H\"; sid:1;)\n", c[i].hdr);
		setup_rules(rule);
		struct snet_inspect_verdict v;
		tu_udp_send(W, c[i].src, c[i].dst, c[i].sport, c[i].dport, "H", 0, &v);
		if (tu_has_sid(&v, 1) != c[i].hit)
			fail_msg("%s: %s:%u -> %s:%u: want %s", c[i].hdr, c[i].src, c[i].sport, c[i].dst,
				 c[i].dport, c[i].hit ? "alert" : "no alert");
		teardown_rules();
	}
}

/*
 * One flow, packets alternating between its directions: header expressions
 * are remembered per flow (worker.c), the two directions swap source and
 * destination.  The client is 10.0.0.1:1234 ($HOME_NET), the server
 * 192.0.2.1:4000.
 */
/*
 * Three rounds of a one-byte packet each way on @c: sid N (1..@nsids)
 * alerts exactly when to_server[N] (client to server) or to_client[N].
 */
static void expect_both_directions(struct tu_conn *c, const char *byte, uint32_t nsids,
				   const int *to_server, const int *to_client)
{
	for (int round = 0; round < 3; round++) {
		for (int d = 0; d < 2; d++) {
			const int *want = d ? to_client : to_server;
			struct snet_inspect_verdict v;
			if (d == 0)
				tu_conn_send(c, byte, 1, &v);
			else
				tu_conn_reply(c, byte, 1, &v);
			for (uint32_t sid = 1; sid <= nsids; sid++)
				if (tu_has_sid(&v, sid) != want[sid])
					fail_msg("round %d %s: sid %u %s", round,
						 d ? "to_client" : "to_server", sid,
						 want[sid] ? "missing" : "unexpected");
		}
	}
}

static void headers_both_directions(void **state)
{
	(void)state;
	static const char *const rules =
		"alert tcp $HOME_NET any -> $EXTERNAL_NET 4000 (msg:\"out\"; content:\"A\"; sid:1;)\n"
		"alert tcp $EXTERNAL_NET 4000 -> $HOME_NET any (msg:\"in\"; content:\"A\"; sid:2;)\n"
		"alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:\"in-any\"; content:\"A\"; sid:3;)\n"
		"alert tcp $HOME_NET any <> $EXTERNAL_NET 4000 (msg:\"bi\"; content:\"A\"; sid:4;)\n"
		"alert tcp any 1234 -> any any (msg:\"cport\"; content:\"A\"; sid:5;)\n"
		"alert tcp any !4000 -> any any (msg:\"neg\"; content:\"A\"; sid:6;)\n"
		"alert tcp any any -> 10.0.0.0/8 ![1:100,5000:] (msg:\"range\"; content:\"A\"; sid:7;)\n";
	/* sids that must alert on a to_server (1) and a to_client (2) packet */
	static const int want[2][8] = {
		{ 0, 1, 0, 0, 1, 1, 1, 0 },
		{ 0, 0, 1, 1, 1, 0, 0, 1 },
	};
	setup_rules(rules);
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 4000);
	expect_both_directions(&c, "A", 7, want[0], want[1]);
	teardown_rules();
	/* the same per packet, on UDP */
	setup_rules("alert udp $HOME_NET any -> $EXTERNAL_NET 53 (msg:\"o\"; content:\"U\"; sid:1;)\n"
		    "alert udp $EXTERNAL_NET 53 -> $HOME_NET any (msg:\"i\"; content:\"U\"; sid:2;)\n");
	for (int round = 0; round < 2; round++) {
		struct snet_inspect_verdict v;
		tu_udp_send(W, "10.0.0.1", "192.0.2.1", 1234, 53, "U", round, &v);
		assert_true(tu_has_sid(&v, 1));
		assert_false(tu_has_sid(&v, 2));
		tu_udp_send(W, "192.0.2.1", "10.0.0.1", 53, 1234, "U", round + 0.5, &v);
		assert_true(tu_has_sid(&v, 2));
		assert_false(tu_has_sid(&v, 1));
	}
	teardown_rules();
}

/*
 * Rules with nothing to prefilter, keyed by a port or not, on one flow
 * with packets in both directions: each direction sees exactly the rules
 * its header admits, every time.  Client 10.0.0.1:1234, server
 * 192.0.2.1:4000.
 */
static void always_rules_both_directions(void **state)
{
	(void)state;
	setup_rules("alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:\"o\"; dsize:>0; sid:1;)\n"
		    "alert tcp any 4000 -> any any (msg:\"sp\"; dsize:>0; sid:2;)\n"
		    "alert tcp any any -> any 4000 (msg:\"dp\"; dsize:>0; sid:3;)\n"
		    "alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:\"i\"; dsize:>0; sid:4;)\n"
		    "alert tcp any any <> any 4000 (msg:\"bi\"; dsize:>0; sid:5;)\n"
		    "alert tcp any any -> any 4001 (msg:\"other\"; dsize:>0; sid:6;)\n"
		    "alert tcp any any -> any any (msg:\"big\"; dsize:>3; sid:7;)\n"
		    "alert tcp any any -> any any (msg:\"st\"; flow:to_server; "
		    "byte_test:1,=,66,0; sid:8;)\n");
	static const int want[2][9] = {
		{ 0, 1, 0, 1, 0, 1, 0, 0, 1 },
		{ 0, 0, 1, 0, 1, 1, 0, 0, 0 },
	};
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 4000);
	expect_both_directions(&c, "B", 8, want[0], want[1]);
	/* dsize is per packet, not per flow */
	struct snet_inspect_verdict v;
	tu_conn_send(&c, "BBBB", 4, &v);
	assert_true(tu_has_sid(&v, 7) && tu_has_sid(&v, 1));
	tu_conn_send(&c, "B", 1, &v);
	assert_false(tu_has_sid(&v, 7));
	teardown_rules();
}

/*
 * HTTP rules decided on a body event whose fast pattern is in a header
 * buffer, and rules decided on the headers: the header and the body events
 * scan separate databases (db_subkey in hsdb.c).
 */
static void http_header_fp_body_rule(void **state)
{
	(void)state;
	setup_rules("alert http any any -> any any (msg:\"b\"; flow:to_client; http.header; "
		    "content:\"X-Long-Header-Name|3a| abcdefgh\"; file_data; content:\"BODY\"; sid:1;)\n"
		    "alert http any any -> any any (msg:\"h\"; flow:to_client; http.header; "
		    "content:\"X-Long-Header-Name\"; sid:2;)\n"
		    "alert http any any -> any any (msg:\"m\"; flow:to_client; http.header; "
		    "content:\"X-Long-Header-Name|3a| abcdefgh\"; file_data; content:\"NOPE\"; sid:3;)\n"
		    "alert http any any -> any any (msg:\"r\"; flow:to_server; http.uri; "
		    "content:\"/upload-path-long\"; http.request_body; content:\"k=v\"; sid:4;)\n"
		    "alert http any any -> any any (msg:\"u\"; flow:to_server; http.uri; "
		    "content:\"/upload-path\"; sid:5;)\n");
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 80);
	struct snet_inspect_verdict v;
	static const char req[] = "POST /upload-path-long HTTP/1.1\r\nHost: h\r\n"
				  "Content-Length: 3\r\n\r\n";
	tu_conn_send(&c, req, strlen(req), &v);
	assert_true(tu_has_sid(&v, 5));
	assert_false(tu_has_sid(&v, 4));
	tu_conn_send(&c, "k=v", 3, &v);
	assert_true(tu_has_sid(&v, 4));
	assert_false(tu_has_sid(&v, 5));
	static const char hdr[] = "HTTP/1.1 200 OK\r\nX-Long-Header-Name: abcdefgh\r\n"
				  "Content-Length: 8\r\n\r\n";
	tu_conn_reply(&c, hdr, strlen(hdr), &v);
	assert_true(tu_has_sid(&v, 2));
	assert_false(tu_has_sid(&v, 1) || tu_has_sid(&v, 3));
	tu_conn_reply(&c, "BODY1234", 8, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 3));
	teardown_rules();
}

/*
 * The HTTP buffers that point into the header block (http.start) instead
 * of being copies: a URI normalization leaves as it is, a header field
 * seen once; a repeated field is joined in a copy.  A keep-alive flow's
 * second transaction reuses the first one's struct and must not see its
 * buffers.  Response bodies are reserved from Content-Length (up to 16
 * KiB) and grow past that.
 */
static void http_buffer_parts(void **state)
{
	(void)state;
	setup_rules("alert http any any -> any any (msg:\"plain\"; flow:to_server; http.uri; "
		    "content:\"/plain/p.php?q=1\"; startswith; endswith; sid:1;)\n"
		    "alert http any any -> any any (msg:\"norm\"; flow:to_server; http.uri; "
		    "content:\"/a/c d.php?x=%41\"; startswith; endswith; sid:2;)\n"
		    "alert http any any -> any any (msg:\"cookie\"; flow:to_server; http.cookie; "
		    "content:\"a=1, b=2\"; startswith; endswith; sid:3;)\n"
		    "alert http any any -> any any (msg:\"ua\"; flow:to_server; http.user_agent; "
		    "content:\"Agent\"; sid:4;)\n"
		    "alert http any any -> any any (msg:\"body\"; flow:to_client; file_data; "
		    "content:\"BEGIN\"; content:\"END\"; distance:3000; within:3; sid:5;)\n"
		    "alert http any any -> any any (msg:\"big\"; flow:to_client; file_data; "
		    "content:\"LASTBYTES\"; endswith; isdataat:!1,relative; sid:6;)\n"
		    "alert http any any -> any any (msg:\"host\"; flow:to_server; http.host; "
		    "content:\"www.example.com\"; startswith; endswith; sid:7;)\n");
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 80);
	struct snet_inspect_verdict v;
	static const char r1[] = "GET /plain/p.php?q=1 HTTP/1.1\r\nHost: WWW.Example.com:8080\r\n"
				 "User-Agent: Agent1\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n";
	tu_conn_send(&c, r1, strlen(r1), &v);
	assert_true(tu_has_sid(&v, 1) && tu_has_sid(&v, 3) && tu_has_sid(&v, 4) &&
		    tu_has_sid(&v, 7));
	assert_false(tu_has_sid(&v, 2));
	/* a body of 3008 bytes in three segments */
	static const char h1[] = "HTTP/1.1 200 OK\r\nContent-Length: 3008\r\n\r\nBEGIN";
	tu_conn_reply(&c, h1, strlen(h1), &v);
	char *body = malloc(20010);
	assert_non_null(body);
	memset(body, 'x', 20010);
	tu_conn_reply(&c, body, 1500, &v);
	assert_false(tu_has_sid(&v, 5));
	tu_conn_reply(&c, body, 1500, &v);
	assert_false(tu_has_sid(&v, 5));
	tu_conn_reply(&c, "END", 3, &v);
	assert_true(tu_has_sid(&v, 5));
	/* the second transaction: no User-Agent, one Cookie, a URI to normalize */
	static const char r2[] = "GET /a/./b/../c%20d.php?x=%41 HTTP/1.1\r\nHost: h\r\n"
				 "Cookie: a=1, b=2\r\n\r\n";
	tu_conn_send(&c, r2, strlen(r2), &v);
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 1) || tu_has_sid(&v, 4) || tu_has_sid(&v, 7));
	/* 20,010 body bytes: past the reserved 16 KiB */
	static const char h2[] = "HTTP/1.1 200 OK\r\nContent-Length: 20019\r\n\r\n";
	tu_conn_reply(&c, h2, strlen(h2), &v);
	for (int i = 0; i < 13; i++) {
		tu_conn_reply(&c, body, 1500, &v);
		assert_false(tu_has_sid(&v, 6));
	}
	memcpy(body + 510, "LASTBYTES", 9);
	tu_conn_reply(&c, body, 519, &v);
	assert_true(tu_has_sid(&v, 6));
	assert_false(tu_has_sid(&v, 5));
	free(body);
	teardown_rules();
}

/* ---- dns.query ---- */

static void dns_query_keyword(void **state)
{
	(void)state;
	setup_rules("alert dns any any -> any any (msg:\"d\"; dns.query; content:\"evil.example\"; "
		    "nocase; endswith; sid:1;)\n"
		    "alert dns any any -> any any (msg:\"l\"; dns_query; content:\"bad\"; startswith; sid:2;)\n");
	static const struct { const char *name; int hit1, hit2; } c[] = {
		{ "www.EVIL.example", 1, 0 }, { "evil.example.org", 0, 0 },
		{ "bad.host", 0, 1 }, { "not.bad", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t q[300], pkt[400];
		size_t ql = tu_dns_msg(q, c[i].name, (uint16_t)(0x100 + i), 0);
		size_t n = tu_udp(pkt, "10.0.0.1", "10.0.0.53", (uint16_t)(5000 + i), 53, q, ql);
		struct snet_inspect_verdict v;
		send_raw(pkt, n, &v);
		if (tu_has_sid(&v, 1) != c[i].hit1 || tu_has_sid(&v, 2) != c[i].hit2)
			fail_msg("query %s: sid1 %d sid2 %d", c[i].name, tu_has_sid(&v, 1),
				 tu_has_sid(&v, 2));
	}
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .dns.query[0].rrname==\"www.EVIL.example\" and .app_proto==\"dns\")"), 1);
	teardown_rules();
}

/* ---- tls.sni ---- */

static void tls_sni_keyword(void **state)
{
	(void)state;
	static const struct { const char *sni; int hit; } c[] = {
		{ "coin-hive.com", 1 }, { "www.coin-hive.com", 1 }, { "coin-hive.com.example", 0 },
		{ "example.org", 0 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		setup_rules("alert tls any any -> any any (msg:\"t\"; flow:established,to_server; "
			    "tls.sni; content:\"coin-hive.com\"; endswith; sid:1;)\n"
			    "alert tls any any -> any any (msg:\"l\"; tls_sni; content:\"coin\"; sid:2;)\n");
		struct tu_conn conn = { 0 };
		tu_conn_open(&conn, W, 443);
		uint8_t hello[600];
		size_t n = tu_client_hello(hello, c[i].sni);
		struct snet_inspect_verdict v1, v2;
		/* the hello in two segments */
		tu_conn_send(&conn, (const char *)hello, 20, &v1);
		tu_conn_send(&conn, (const char *)hello + 20, n - 20, &v2);
		if (tu_has_sid(&v2, 1) != c[i].hit || tu_has_sid(&v1, 1))
			fail_msg("sni %s: sid 1 on the first segment %d, on the second %d", c[i].sni,
				 tu_has_sid(&v1, 1), tu_has_sid(&v2, 1));
		assert_int_equal(tu_has_sid(&v2, 2), strstr(c[i].sni, "coin") != NULL);
		teardown_rules();
	}
}

/* ---- ftp, smtp, ssh, smb: TCP rules on flows detected as those ---- */

struct text_case {
	uint16_t port;
	const char *server_first, *client, *server_after;
	uint32_t want;		/* sids 1..5 that must alert, as bits */
	const char *app;	/* the alert's app_proto */
};

static void text_protocols(void **state)
{
	(void)state;
	static const struct text_case c[] = {
		/* the greeting does not say: the client's USER does */
		{ 2101, "220 ProFTPD Server ready\r\n", "USER anonymous\r\n", NULL, 0, "ftp" },
		{ 2102, "220 ProFTPD Server ready\r\n", "USER a\r\nSITE EXEC id\r\n", NULL,
		  1u << 1 | 1u << 5, "ftp" },
		/* vsftpd's greeting does */
		{ 2103, "220 (vsFTPd 3.0.3)\r\n", "SITE EXEC id\r\n", NULL, 1u << 1 | 1u << 5, "ftp" },
		/* the same command in a flow of no known protocol */
		{ 2104, "OK\r\n", "HELLO\r\nSITE EXEC id\r\n", NULL, 1u << 5, NULL },
		{ 2105, "220 mx.example.com ESMTP Postfix\r\n", "EHLO x\r\nMAIL FROM:<a@b>\r\n", NULL,
		  1u << 2, "smtp" },
		{ 2106, NULL, "SSH-2.0-OpenSSH_9.2\r\n", "SSH-2.0-libssh_0.9.6\r\n", 1u << 3, "ssh" },
		{ 2107, NULL, "\x00\x00\x00\x2f\xffSMBr\x00\x00\x00\x00", NULL, 1u << 4, "smb" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		setup_rules("alert ftp any any -> any any (msg:\"f\"; flow:to_server,established; "
			    "content:\"SITE EXEC\"; sid:1;)\n"
			    "alert smtp any any -> any any (msg:\"s\"; flow:to_server,established; "
			    "content:\"MAIL FROM\"; sid:2;)\n"
			    "alert ssh any any -> any any (msg:\"h\"; flow:to_client; "
			    "content:\"SSH-2.0-libssh\"; sid:3;)\n"
			    "alert smb any any -> any any (msg:\"b\"; content:\"|ff|SMBr\"; sid:4;)\n"
			    "alert tcp any any -> any any (msg:\"t\"; content:\"SITE EXEC\"; sid:5;)\n");
		struct tu_conn conn = { 0 };
		struct snet_inspect_verdict v;
		uint32_t got = 0;
		tu_conn_open(&conn, W, c[i].port);
		if (c[i].server_first) {
			tu_conn_reply(&conn, c[i].server_first, strlen(c[i].server_first), &v);
			for (uint32_t sid = 1; sid <= 5; sid++)
				got |= (uint32_t)tu_has_sid(&v, sid) << sid;
		}
		size_t cn = c[i].port == 2107 ? 14 : strlen(c[i].client);
		tu_conn_send(&conn, c[i].client, cn, &v);
		for (uint32_t sid = 1; sid <= 5; sid++)
			got |= (uint32_t)tu_has_sid(&v, sid) << sid;
		if (c[i].server_after) {
			tu_conn_reply(&conn, c[i].server_after, strlen(c[i].server_after), &v);
			for (uint32_t sid = 1; sid <= 5; sid++)
				got |= (uint32_t)tu_has_sid(&v, sid) << sid;
		}
		if (got != c[i].want)
			fail_msg("port %u: sids 0x%x, want 0x%x", c[i].port, got, c[i].want);
		if (c[i].want & ~(1u << 5)) {
			char f[128];
			snprintf(f, sizeof(f), "select((.dest_port == %u or .src_port == %u) and .app_proto == \"%s\")",
				 c[i].port, c[i].port, c[i].app);
			if (tu_eve_count(f) < 1)
				fail_msg("port %u: no alert with app_proto %s", c[i].port, c[i].app);
		}
		teardown_rules();
	}
}

/* ---- protocol detection over the stream, not the first segment ---- */

/* data in pieces of at most `piece` bytes; did any carry sid? */
static int send_pieces(struct tu_conn *c, const uint8_t *d, size_t n, size_t piece, uint32_t sid)
{
	struct snet_inspect_verdict v;
	int hit = 0;
	for (size_t off = 0; off < n; off += piece) {
		tu_conn_send(c, (const char *)d + off, n - off < piece ? n - off : piece, &v);
		hit |= tu_has_sid(&v, sid);
	}
	return hit;
}

/*
 * A first segment too short for any probe is held and probed again with
 * what follows, and the parser gets it: a client writing "G" before "ET /"
 * or a DNS length before its message is not a way around the HTTP and
 * DNS rules.
 */
static void probe_across_segments(void **state)
{
	(void)state;
	setup_rules("alert http any any -> any any (msg:\"u\"; http.uri; content:\"/evil\"; sid:1;)\n"
		    "alert dns any any -> any any (msg:\"d\"; dns.query; content:\"evil.example\"; sid:2;)\n"
		    "alert tls any any -> any any (msg:\"t\"; tls.sni; content:\"evil.example\"; sid:3;)\n"
		    "alert tcp any any -> any any (msg:\"f\"; flow:to_server; "
		    "app-layer-protocol:failed; sid:4;)\n");
	static const char req[] = "GET /evil HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 80);
	assert_true(send_pieces(&c, (const uint8_t *)req, sizeof(req) - 1, 1, 1));	/* a byte each */
	tu_conn_open(&c, W, 8080);
	tu_conn_send(&c, "G", 1, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_conn_send(&c, req + 1, sizeof(req) - 2, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 1 and .app_proto == \"http\" "
				      "and .http.url == \"/evil\")"), 2);

	uint8_t m[300];
	size_t mn = tu_dns_msg(m + 2, "evil.example", 7, 0);
	tu_put16(m, mn);
	tu_conn_open(&c, W, 53);
	tu_conn_send(&c, (const char *)m, 2, &v);	/* the length alone */
	tu_conn_send(&c, (const char *)m + 2, mn, &v);
	assert_true(tu_has_sid(&v, 2));

	uint8_t h[512];
	size_t hn = tu_client_hello(h, "evil.example");
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)h, 1, &v);	/* the record type alone */
	tu_conn_send(&c, (const char *)h + 1, hn - 1, &v);
	assert_true(tu_has_sid(&v, 3));

	/* held bytes the side's end leaves unnamed: that side named nothing */
	tu_conn_open(&c, W, 7000);
	tu_conn_send(&c, "hel", 3, &v);
	assert_false(tu_has_sid(&v, 4));
	tu_conn_fin(&c, &v);
	assert_true(tu_has_sid(&v, 4));
	teardown_rules();
}

/*
 * Request lines as Suricata's detection takes them: any of its methods, in
 * any case, followed by a space or a tab; the longest sent a byte a segment.
 */
static void http_request_line_forms(void **state)
{
	(void)state;
	setup_rules("alert http any any -> any any (msg:\"u\"; http.uri; content:\"/evil\"; sid:1;)\n"
		    "alert http any any -> any any (msg:\"m\"; http.method; content:\"get\"; "
		    "startswith; endswith; sid:2;)\n"
		    "alert http any any -> any any (msg:\"p\"; http.protocol; content:\"HTTP/1.1\"; "
		    "startswith; endswith; sid:3;)\n");
	static const char *const req[] = {
		"get /evil HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET\t/evil\tHTTP/1.1\r\nHost: x\r\n\r\n",
		"GET \t /evil HTTP/1.1\r\nHost: x\r\n\r\n",
		"BASELINE-CONTROL /evil HTTP/1.1\r\nHost: x\r\n\r\n",
		"MKWORKSPACE /evil HTTP/1.1\r\nHost: x\r\n\r\n",
	};
	const uint32_t want[] = { 1u << 1 | 1u << 2 | 1u << 3, 1u << 1 | 1u << 3,
				  1u << 1 | 1u << 3, 1u << 1 | 1u << 3, 1u << 1 | 1u << 3 };
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		struct tu_conn c = { 0 };
		uint32_t got = 0;
		tu_conn_open(&c, W, (uint16_t)(9000 + i));
		/* a byte a segment: the method is held until its blank */
		for (size_t off = 0; req[i][off]; off++) {
			struct snet_inspect_verdict v;
			tu_conn_send(&c, req[i] + off, 1, &v);
			for (uint32_t sid = 1; sid <= 3; sid++)
				got |= (uint32_t)tu_has_sid(&v, sid) << sid;
		}
		if (got != want[i])
			fail_msg("request %zu: sids 0x%x, want 0x%x", i, got, want[i]);
	}
	teardown_rules();
}

/*
 * An absolute-form request URI (which every server takes): http.uri is its
 * path and query, as Suricata's, so a rule anchored at the path still
 * holds; http.uri.raw keeps it whole.
 */
static void http_absolute_uri(void **state)
{
	(void)state;
	setup_rules("alert http any any -> any any (msg:\"u\"; http.uri; content:\"/evil.php?x=1\"; "
		    "startswith; endswith; sid:1;)\n"
		    "alert http any any -> any any (msg:\"r\"; http.uri.raw; content:\"http\"; "
		    "startswith; content:\"/evil.php?x=1\"; endswith; sid:2;)\n"
		    "alert http any any -> any any (msg:\"h\"; http.uri; content:\"victim\"; sid:3;)\n");
	static const char *const req[] = {
		"GET http://victim.example:8080/evil.php?x=1 HTTP/1.1\r\nHost: victim.example\r\n\r\n",
		"GET HTTP://u:p@victim.example/a/../evil.php?x=1 HTTP/1.1\r\nHost: victim.example\r\n\r\n",
		"GET /evil.php?x=1 HTTP/1.1\r\nHost: victim.example\r\n\r\n",
	};
	/* (sid 2's "http" is case-sensitive: not the second's "HTTP") */
	const uint32_t want[] = { 1u << 1 | 1u << 2, 1u << 1, 1u << 1 };
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		struct tu_conn c = { 0 };
		struct snet_inspect_verdict v;
		uint32_t got = 0;
		tu_conn_open(&c, W, (uint16_t)(9100 + i));
		tu_conn_send(&c, req[i], strlen(req[i]), &v);
		for (uint32_t sid = 1; sid <= 3; sid++)
			got |= (uint32_t)tu_has_sid(&v, sid) << sid;
		if (got != want[i])
			fail_msg("request %zu: sids 0x%x, want 0x%x", i, got, want[i]);
	}
	teardown_rules();
}

/* ---- ssh.proto, ssh.software: each side's identification line ---- */

static void ssh_banners(void **state)
{
	(void)state;
	static const char *rules =
		/* ET's PuTTY rule, as it is: the protocol version is "2.0" */
		"alert ssh any any -> any any (msg:\"putty\"; flow:established,to_server; "
		"ssh_proto; content:\"PUTTY\"; sid:1;)\n"
		"alert ssh any any -> any any (msg:\"p\"; flow:to_server; ssh.proto; "
		"content:\"2.0\"; endswith; sid:2;)\n"
		"alert ssh any any -> any any (msg:\"s\"; flow:to_client; ssh.software; "
		"content:\"OpenSSH_\"; startswith; sid:3;)\n"
		"alert tcp any any -> any any (msg:\"t\"; ssh_software; content:\"PuTTY_Release\"; "
		"sid:4;)\n"
		"alert ssh any any -> any any (msg:\"c\"; ssh.software; content:\"comment\"; sid:5;)\n"
		"alert ssh any any -> any any (msg:\"o\"; ssh.proto; content:\"1.99\"; sid:6;)\n";
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	uint32_t got;

	setup_rules(rules);
	tu_conn_open(&c, W, 22);
	tu_conn_reply(&c, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 32, &v);
	got = 0;
	for (uint32_t sid = 1; sid <= 6; sid++)
		got |= (uint32_t)tu_has_sid(&v, sid) << sid;
	assert_int_equal(got, 1u << 3);
	/* the client's line in two segments */
	tu_conn_send(&c, "SSH-2.0-PuT", 11, &v);
	assert_int_equal(v.nalerts, 0);
	tu_conn_send(&c, "TY_Release_0.70 comment\r\n", 25, &v);
	got = 0;
	for (uint32_t sid = 1; sid <= 6; sid++)
		got |= (uint32_t)tu_has_sid(&v, sid) << sid;
	assert_int_equal(got, 1u << 2 | 1u << 4);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==4 and .app_proto==\"ssh\" and "
				      ".ssh.client.software_version==\"PuTTY_Release_0.70\" and "
				      ".ssh.server.proto_version==\"2.0\")"), 1);
	/* an old server: proto 1.99, software up to the end of the line */
	tu_conn_open(&c, W, 2222);
	tu_conn_reply(&c, "SSH-1.99-Cisco-1.25\n", 20, &v);
	assert_true(tu_has_sid(&v, 6));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==6 and "
				      ".ssh.server.software_version==\"Cisco-1.25\")"), 1);
	/* not SSH: the same line later in a flow says nothing */
	tu_conn_open(&c, W, 2022);
	tu_conn_send(&c, "HELLO\r\n", 7, &v);
	tu_conn_send(&c, "SSH-2.0-PuTTY_Release_0.70\r\n", 28, &v);
	assert_int_equal(v.nalerts, 0);
	teardown_rules();
}

/* ---- ssh.hassh, ssh.hassh.server: each side's KEXINIT ---- */

#define HASSH_CLI "7c7db5452a921beacb9e426088f87bf6"
#define HASSH_SRV "a7a8ab7f41ae48ba6682874243cb95ea"

/* an SSH binary packet holding a KEXINIT (msg, 20) with these name-lists */
static size_t kexinit(uint8_t *b, uint8_t msg)
{
	static const char *const lists[10] = {
		"curve25519-sha256,ext-info-c", "ssh-ed25519",
		"chacha20-poly1305@openssh.com,aes128-ctr", "aes256-gcm@openssh.com",
		"umac-64-etm@openssh.com", "hmac-sha2-256", "none,zlib@openssh.com", "none",
		"", "",
	};
	size_t n = 5;
	b[n++] = msg;
	memset(b + n, 0xc0, 16);	/* cookie */
	n += 16;
	for (int i = 0; i < 10; i++) {
		size_t l = strlen(lists[i]);
		b[n++] = 0, b[n++] = 0, b[n++] = (uint8_t)(l >> 8), b[n++] = (uint8_t)l;
		memcpy(b + n, lists[i], l);
		n += l;
	}
	b[n++] = 0;	/* first_kex_packet_follows */
	memset(b + n, 0, 4);
	n += 4;
	uint8_t pad = (uint8_t)(8 - n % 8 + 4);
	memset(b + n, 0, pad);
	n += pad;
	size_t len = n - 4;
	b[0] = 0, b[1] = 0, b[2] = (uint8_t)(len >> 8), b[3] = (uint8_t)len, b[4] = pad;
	return n;
}

static unsigned hassh_sids(const struct snet_inspect_verdict *v)
{
	unsigned m = 0;
	for (unsigned sid = 1; sid <= 4; sid++)
		m |= (unsigned)tu_has_sid(v, sid) << sid;
	return m;
}

static void ssh_hassh(void **state)
{
	(void)state;
	setup_rules("alert ssh any any -> any any (msg:\"h\"; ssh.hassh; content:\"" HASSH_CLI
		    "\"; sid:1;)\n"
		    "alert ssh any any -> any any (msg:\"hs\"; ssh.hassh.string; "
		    "content:\"|3b|chacha20-poly1305@openssh.com,\"; sid:2;)\n"
		    /* upper case: the buffer is lowercase hex, the content too */
		    "alert ssh any any -> any any (msg:\"srv\"; ssh.hassh.server; content:\""
		    "A7A8AB7F41AE48BA6682874243CB95EA\"; sid:3;)\n"
		    "alert ssh any any -> any any (msg:\"both\"; ssh.software; content:\"PuTTY\"; "
		    "ssh.hassh.string; content:\"curve25519\"; startswith; sid:4;)\n");
	uint8_t pkt[1024], seg[1400];
	size_t pn = kexinit(pkt, 20);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;

	/* the client's banner and KEXINIT in one segment */
	tu_conn_open(&c, W, 22);
	static const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
	memcpy(seg, banner, sizeof(banner) - 1);
	memcpy(seg + sizeof(banner) - 1, pkt, pn);
	tu_conn_send(&c, (const char *)seg, sizeof(banner) - 1 + pn, &v);
	assert_int_equal(hassh_sids(&v), 1u << 1 | 1u << 2);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .app_proto==\"ssh\" and "
				      ".ssh.client.hassh.hash==\"" HASSH_CLI "\" and "
				      ".ssh.client.hassh.string==\"curve25519-sha256,ext-info-c;"
				      "chacha20-poly1305@openssh.com,aes128-ctr;"
				      "umac-64-etm@openssh.com;none,zlib@openssh.com\")"), 1);
	/* the server's: its banner, then the KEXINIT in three segments */
	tu_conn_reply(&c, "SSH-2.0-OpenSSH_9.6\r\n", 21, &v);
	assert_int_equal(hassh_sids(&v), 0);
	tu_conn_reply(&c, (const char *)pkt, 3, &v);
	tu_conn_reply(&c, (const char *)pkt + 3, 40, &v);
	assert_int_equal(hassh_sids(&v), 0);
	tu_conn_reply(&c, (const char *)pkt + 43, pn - 43, &v);
	assert_int_equal(hassh_sids(&v), 1u << 3);
	/* later packets are not a KEXINIT again */
	tu_conn_send(&c, (const char *)pkt, pn, &v);
	assert_int_equal(hassh_sids(&v), 0);

	/* a banner whose CR ends a segment, the LF in the next with the KEXINIT */
	tu_conn_open(&c, W, 2200);
	tu_conn_send(&c, "SSH-2.0-PuTTY_Release_0.81\r", 27, &v);
	seg[0] = '\n';
	memcpy(seg + 1, pkt, pn);
	tu_conn_send(&c, (const char *)seg, pn + 1, &v);
	assert_int_equal(hassh_sids(&v), 1u << 1 | 1u << 2 | 1u << 4);

	/* another message first: no HASSH */
	tu_conn_open(&c, W, 2201);
	size_t qn = kexinit(pkt, 21);
	memcpy(seg, banner, sizeof(banner) - 1);
	memcpy(seg + sizeof(banner) - 1, pkt, qn);
	tu_conn_send(&c, (const char *)seg, sizeof(banner) - 1 + qn, &v);
	assert_int_equal(hassh_sids(&v), 0);
	/* a length past RFC 4253's: no HASSH, and nothing held */
	tu_conn_open(&c, W, 2202);
	tu_conn_send(&c, "SSH-2.0-x\r\n\x7f\xff\xff\xff\x05", 16, &v);
	assert_int_equal(hassh_sids(&v), 0);
	teardown_rules();
}

/* ---- the server's certificate ---- */

static void tls_cert_keywords(void **state)
{
	(void)state;
	uint8_t der[2048], flight[4096], hello[600];
	/* a serial whose top bit is set */
	static const uint8_t serial[] = { 0xe7, 0xf9, 0xb6, 0xde, 0x01 };
	time_t now = time(NULL);
	struct tu_cert spec = { .subject = "C=US,O=Example Org,CN=evil.example",
				.issuer = "C=US,O=Let's Encrypt,CN=R3", .serial = serial,
				.serial_len = sizeof(serial), .not_before = now,
				.not_after = now + 86400 };
	size_t dn = tu_make_cert(der, sizeof(der), &spec);
	struct tu_der chain[] = { { der, dn } };
	static const uint8_t tls13_ext[] = { 0, 43, 0, 2, 3, 4 };	/* supported_versions */

	/* 0: TLS 1.2; 1: 1.3; 2: 1.2 with a change_cipher_spec record after
	 * the flight in the same segment (the certificate came before it) */
	for (int tls13 = 0; tls13 < 3; tls13++) {
		setup_rules("alert tls $EXTERNAL_NET any -> $HOME_NET any (msg:\"s\"; "
			    "flow:established,from_server; tls_cert_subject; content:\"CN=evil.example\"; "
			    "nocase; isdataat:!1,relative; sid:1;)\n"
			    "alert tls any any -> any any (msg:\"i\"; tls.cert_issuer; "
			    "content:\"C=US, O=Let's Encrypt, CN=R3\"; startswith; endswith; sid:2;)\n"
			    "alert tls any any -> any any (msg:\"n\"; tls_cert_serial; "
			    "content:\"00:E7:F9:B6:DE:01\"; startswith; endswith; sid:3;)\n"
			    "alert tls any any -> any any (msg:\"o\"; tls.cert_subject; "
			    "content:\"CN=good.example\"; sid:4;)\n"
			    "alert tls any any -> any any (msg:\"f\"; tls.cert_subject; "
			    "content:\"C=US, O=Example Org, CN=evil.example\"; startswith; endswith; sid:5;)\n");
		struct tu_conn conn = { 0 };
		struct snet_inspect_verdict v1, v2;
		tu_conn_open(&conn, W, 443);
		size_t hn = tu_client_hello(hello, "evil.example");
		tu_conn_send(&conn, (const char *)hello, hn, &v1);
		size_t fn = tu_server_flight(flight, tls13_ext, tls13 == 1 ? sizeof(tls13_ext) : 0,
					     chain, 1);
		if (tls13 == 2) {
			static const uint8_t ccs[] = { 20, 3, 3, 0, 1, 1 };
			memcpy(flight + fn, ccs, sizeof(ccs));
			fn += sizeof(ccs);
		}
		/* the certificate split between two segments */
		tu_conn_reply(&conn, (const char *)flight, 100, &v1);
		tu_conn_reply(&conn, (const char *)flight + 100, fn - 100, &v2);
		assert_int_equal(v1.nalerts, 0);
		if (tls13 == 1) {
			/* TLS 1.3 encrypts it: anything in the clear is not it */
			assert_int_equal(v2.nalerts, 0);
		} else {
			assert_true(tu_has_sid(&v2, 1) && tu_has_sid(&v2, 2) && tu_has_sid(&v2, 3) &&
				    tu_has_sid(&v2, 5));
			assert_false(tu_has_sid(&v2, 4));
			assert_int_equal(tu_eve_count("select(.alert.signature_id == 1 and "
						      ".tls.subject == \"C=US, O=Example Org, CN=evil.example\" and "
						      ".tls.issuerdn == \"C=US, O=Let'\\''s Encrypt, CN=R3\" and "
						      ".tls.serial == \"00:E7:F9:B6:DE:01\")"), 1);
		}
		teardown_rules();
	}
}

/* ---- flow ---- */

static void flow_established(void **state)
{
	(void)state;
	setup_rules("alert udp any any -> any any (msg:\"e\"; flow:established; content:\"E\"; sid:1;)\n"
		    "alert udp any any -> any any (msg:\"n\"; flow:not_established; content:\"E\"; sid:2;)\n"
		    "alert udp any any -> any any (msg:\"s\"; flow:stateless; content:\"E\"; sid:3;)\n");
	struct snet_inspect_verdict v;
	/* one way only: not established */
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 1000, 2000, "E", 0, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 3));
	/* the reply establishes the flow */
	tu_udp_send(W, "192.0.2.1", "10.0.0.1", 2000, 1000, "E", 1, &v);
	assert_true(tu_has_sid(&v, 1) && tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 2));
	teardown_rules();
}

static void flow_directions(void **state)
{
	(void)state;
	setup_rules("alert tcp any any -> any any (msg:\"ts\"; flow:to_server; content:\"D\"; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"tc\"; flow:to_client; content:\"D\"; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"fs\"; flow:from_server; content:\"D\"; sid:3;)\n");
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 80);
	struct snet_inspect_verdict v;
	tu_conn_send(&c, "D", 1, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 3));
	tu_conn_reply(&c, "D", 1, &v);
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 1));
	teardown_rules();
}

/* only_stream sees the reassembled stream, no_stream single packets; the
 * protocols tcp-stream and tcp-pkt say the same */
static void flow_stream_options(void **state)
{
	(void)state;
	setup_rules("alert tcp any any -> any any (msg:\"os\"; flow:to_server,only_stream; "
		    "content:\"WHOLEWORD\"; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"ns\"; flow:to_server,no_stream; "
		    "content:\"WHOLEWORD\"; sid:2;)\n"
		    "alert tcp-stream any any -> any any (msg:\"ts\"; flow:to_server; "
		    "content:\"WHOLEWORD\"; sid:3;)\n"
		    "alert tcp-pkt any any -> any any (msg:\"tp\"; flow:to_server; "
		    "content:\"WHOLEWORD\"; sid:4;)\n");
	struct tu_conn c = { 0 };
	tu_conn_open(&c, W, 80);
	struct snet_inspect_verdict v;
	tu_conn_send(&c, "WHOLE", 5, &v);
	tu_conn_send(&c, "WORD", 4, &v);
	/* split: only the stream has it */
	assert_true(tu_has_sid(&v, 1) && tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 4));
	tu_conn_send(&c, " WHOLEWORD", 10, &v);	/* in one packet: all */
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 4));
	assert_true(tu_has_sid(&v, 1) && tu_has_sid(&v, 3));
	teardown_rules();
}

/* ---- flowbits ---- */

static void flowbits_ops(void **state)
{
	(void)state;
	setup_rules(
		"alert udp any any -> any any (msg:\"set\"; content:\"SET\"; flowbits:set,a; flowbits:noalert; sid:1;)\n"
		"alert udp any any -> any any (msg:\"isset\"; content:\"Q\"; flowbits:isset,a; sid:2;)\n"
		"alert udp any any -> any any (msg:\"isnotset\"; content:\"Q\"; flowbits:isnotset,a; sid:3;)\n"
		"alert udp any any -> any any (msg:\"unset\"; content:\"UNSET\"; flowbits:unset,a; sid:4;)\n"
		"alert udp any any -> any any (msg:\"toggle\"; content:\"TOGGLE\"; flowbits:toggle,a; sid:5;)\n"
		"alert udp any any -> any any (msg:\"any\"; content:\"Q\"; flowbits:isset,b|a; sid:6;)\n");
	struct snet_inspect_verdict v;
	const char *s = "10.0.0.1", *d = "192.0.2.1";
	tu_udp_send(W, s, d, 1000, 2000, "Q", 0, &v);
	assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 6));
	assert_true(tu_has_sid(&v, 3));
	tu_udp_send(W, s, d, 1000, 2000, "SET", 0, &v);
	assert_int_equal(v.nalerts, 0);		/* noalert */
	tu_udp_send(W, s, d, 1000, 2000, "Q", 0, &v);
	assert_true(tu_has_sid(&v, 2) && tu_has_sid(&v, 6));
	assert_false(tu_has_sid(&v, 3));
	/* bits belong to the flow: another flow has none */
	tu_udp_send(W, s, d, 1001, 2000, "Q", 0, &v);
	assert_false(tu_has_sid(&v, 2));
	tu_udp_send(W, s, d, 1000, 2000, "UNSET", 0, &v);
	tu_udp_send(W, s, d, 1000, 2000, "Q", 0, &v);
	assert_false(tu_has_sid(&v, 2));
	assert_true(tu_has_sid(&v, 3));
	tu_udp_send(W, s, d, 1000, 2000, "TOGGLE", 0, &v);
	tu_udp_send(W, s, d, 1000, 2000, "Q", 0, &v);
	assert_true(tu_has_sid(&v, 2));
	tu_udp_send(W, s, d, 1000, 2000, "TOGGLE", 0, &v);
	tu_udp_send(W, s, d, 1000, 2000, "Q", 0, &v);
	assert_false(tu_has_sid(&v, 2));
	/* a setter and a checker in one packet: the setter runs first */
	tu_udp_send(W, s, d, 1002, 2000, "SET Q", 0, &v);
	assert_true(tu_has_sid(&v, 2));
	teardown_rules();
}

/* ---- descriptive keywords, as written to the EVE log ---- */

static void descriptive(void **state)
{
	(void)state;
	setup_rules("alert udp any any -> any any (msg:\"Descriptive \\\"test\\\"\"; content:\"DESC\"; "
		    "classtype:trojan-activity; priority:2; reference:url,example.org/x; "
		    "reference:cve,2020-0001; metadata:created_at 2020_01_01, tag A, tag B; "
		    "target:dest_ip; gid:3; sid:77; rev:9;)\n"
		    "alert udp any any -> any any (msg:\"plain\"; content:\"PLAIN\"; sid:78;)\n"
		    "alert udp any any -> any any (msg:\"cls\"; content:\"CLS\"; classtype:bad-unknown; "
		    "target:src_ip; sid:79;)\n");
	struct snet_inspect_verdict v;
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 1000, 2000, "no match", 0, &v);
	assert_int_equal(v.nalerts, 0);
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 1000, 2000, "DESC", 0, &v);
	assert_int_equal(v.nalerts, 1);
	assert_int_equal(v.alerts[0].gid, 3);
	assert_int_equal(v.alerts[0].sid, 77);
	assert_int_equal(v.alerts[0].rev, 9);
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 1000, 2000, "PLAIN CLS", 0, &v);
	assert_int_equal(v.nalerts, 2);
	assert_int_equal(tu_eve_count(
		"select(.alert.signature_id==77 and .alert.gid==3 and .alert.rev==9 and "
		".alert.signature==\"Descriptive \\\"test\\\"\" and "
		".alert.category==\"A Network Trojan was detected\" and .alert.severity==2 and "
		".alert.metadata.created_at==[\"2020_01_01\"] and .alert.metadata.tag==[\"A\",\"B\"] and "
		".alert.target.ip==\"192.0.2.1\" and .alert.target.port==2000 and "
		".alert.source.ip==\"10.0.0.1\")"), 1);
	/* no classtype: severity 3, empty category; classtype alone sets it */
	assert_int_equal(tu_eve_count(
		"select(.alert.signature_id==78 and .alert.severity==3 and .alert.category==\"\" and "
		"(.alert|has(\"target\")|not) and (.alert|has(\"metadata\")|not))"), 1);
	assert_int_equal(tu_eve_count(
		"select(.alert.signature_id==79 and .alert.severity==2 and "
		".alert.category==\"Potentially Bad Traffic\" and .alert.target.ip==\"10.0.0.1\")"), 1);
	assert_int_equal(tu_eve_count("select(.event_type==\"alert\")"), 3);
	teardown_rules();
}

/* ---- IP, TCP and ICMP header keywords ---- */

/* the sids 10..28 that alerted, as bits */
static uint32_t hdr_sids(const struct snet_inspect_verdict *v)
{
	uint32_t m = 0;
	for (uint32_t sid = 10; sid <= 28; sid++)
		if (tu_has_sid(v, sid))
			m |= 1u << (sid - 10);
	return m;
}

#define S(x) (1u << ((x) - 10))

/* a copy of an IPv4 packet with options (padded to 4 bytes) after the header */
static size_t with_ipopts(uint8_t *out, const uint8_t *pkt, size_t n, const uint8_t *opt,
			  size_t olen)
{
	size_t ol = (olen + 3) & ~(size_t)3;
	memcpy(out, pkt, 20);
	memset(out + 20, 0, ol);
	memcpy(out + 20, opt, olen);
	memcpy(out + 20 + ol, pkt + 20, n - 20);
	out[0] = (uint8_t)(0x40 | (20 + ol) / 4);
	out[2] = (uint8_t)((n + ol) >> 8);
	out[3] = (uint8_t)(n + ol);
	return n + ol;
}

static void header_keywords(void **state)
{
	(void)state;
	setup_rules("alert ip any any -> any any (msg:\"ttl>\"; ttl:>200; sid:10;)\n"
		    "alert ip any any -> any any (msg:\"ttl1\"; ttl:1; sid:11;)\n"
		    "alert ip any any -> any any (msg:\"id\"; id:666; sid:12;)\n"
		    "alert ip any any -> any any (msg:\"!D\"; fragbits:!D; sid:13;)\n"
		    "alert ip any any -> any any (msg:\"M\"; fragbits: M; sid:14;)\n"
		    "alert ip any any -> any any (msg:\"*MR\"; fragbits:*MR; sid:15;)\n"
		    "alert ip any any -> any any (msg:\"D+\"; fragbits:D+; sid:16;)\n"
		    "alert ip any any -> any any (msg:\"rr\"; ipopts:rr; sid:17;)\n"
		    "alert ip any any -> any any (msg:\"any\"; ipopts:any; sid:18;)\n"
		    "alert ip any any -> any any (msg:\"same\"; sameip; sid:19;)\n"
		    "alert tcp any any -> any any (msg:\"seq\"; seq:0; sid:20;)\n"
		    "alert tcp any any -> any any (msg:\"ack\"; ack:0; sid:21;)\n"
		    "alert tcp any any -> any any (msg:\"win\"; window:1024; sid:22;)\n"
		    "alert tcp any any -> any any (msg:\"!win\"; window:!65535; sid:23;)\n"
		    "alert icmp any any -> any any (msg:\"icmp_id\"; icmp_id:666; sid:24;)\n"
		    "alert icmp any any -> any any (msg:\"icmp_seq\"; icmp_seq:7; sid:25;)\n"
		    "alert ip any any -> any any (msg:\"proto>\"; ip_proto:>134; sid:26;)\n"
		    "alert ip any any -> any any (msg:\"!tcp!udp\"; ip_proto:!6; ip_proto:!17; sid:27;)\n"
		    "alert tcp any any -> any any (msg:\"win+content\"; window:1024; content:\"W\"; sid:28;)\n");
	uint8_t pkt[256], opt[256];
	struct snet_inspect_verdict v;
	size_t n;
	static const uint8_t rr[] = { 7, 7, 4, 0, 0, 0, 0 }, nops[] = { 1, 1, 1, 0 };

	/* A: TTL 64, id 0, no fragment bits */
	n = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 53, "x", 1);
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13));
	/* B: TTL 250, id 666, DF */
	pkt[8] = 250, pkt[4] = 666 >> 8, pkt[5] = 666 & 0xff, pkt[6] = 0x40;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(10) | S(12));
	/* C: TTL 1, DF and MF: exactly M no, any of M R yes, D and more yes
	 * (D+, old Snort's modifier last, is +D) */
	pkt[8] = 1, pkt[4] = pkt[5] = 0, pkt[6] = 0x60;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(11) | S(15) | S(16));
	/* D: MF alone (a first fragment) */
	pkt[8] = 64, pkt[6] = 0x20;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(14) | S(15));
	/* E: a record-route option; F: no-ops only */
	pkt[6] = 0;
	size_t m = with_ipopts(opt, pkt, n, rr, sizeof(rr));
	send_raw(opt, m, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(17) | S(18));
	m = with_ipopts(opt, pkt, n, nops, sizeof(nops));
	send_raw(opt, m, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(18));
	/* G: source and destination the same */
	n = tu_udp(pkt, "10.0.0.1", "10.0.0.1", 1000, 53, "x", 1);
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(19));
	/* M: an unknown protocol above 134 */
	n = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 53, "x", 1);
	pkt[9] = 200;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(26) | S(27));
	/* H: a SYN with seq 0, ack 0, window 65535 */
	n = tu_tcp(pkt, 0, "10.0.0.1", "192.0.2.1", 1001, 80, 0, 0, 0x02, "", 0);
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(20) | S(21));
	/* I: seq 5, ack 9, window 1024, with the payload a rule wants */
	n = tu_tcp(pkt, 0, "10.0.0.1", "192.0.2.1", 1002, 80, 5, 9, 0x18, "W", 1);
	pkt[20 + 14] = 1024 >> 8, pkt[20 + 15] = 0;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(22) | S(23) | S(28));
	/* J: an echo request with id 666, seq 7; K: the same bytes in an
	 * unreachable message, which has no id */
	n = tu_icmp(pkt, "10.0.0.1", "192.0.2.1", 8, 0, "x", 1);
	pkt[24] = 666 >> 8, pkt[25] = 666 & 0xff, pkt[26] = 0, pkt[27] = 7;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(24) | S(25) | S(27));
	pkt[20] = 3;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(13) | S(27));
	/* L: IPv6, hop limit 250: ttl applies, id and fragbits never do */
	n = tu_tcp(pkt, 1, "2001:db8::1", "2001:db8::2", 1003, 80, 1, 1, 0x02, "", 0);
	pkt[7] = 250;
	send_raw(pkt, n, &v);
	assert_int_equal(hdr_sids(&v), S(10));
	teardown_rules();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(actions),
		cmocka_unit_test(protocols),
		cmocka_unit_test(tcp_flags),
		cmocka_unit_test(header_keywords),
		cmocka_unit_test(addresses_and_ports),
		cmocka_unit_test(headers_both_directions),
		cmocka_unit_test(http_header_fp_body_rule),
		cmocka_unit_test(http_buffer_parts),
		cmocka_unit_test(always_rules_both_directions),
		cmocka_unit_test(dns_query_keyword),
		cmocka_unit_test(tls_sni_keyword),
		cmocka_unit_test(tls_cert_keywords),
		cmocka_unit_test(text_protocols),
		cmocka_unit_test(probe_across_segments),
		cmocka_unit_test(http_request_line_forms),
		cmocka_unit_test(http_absolute_uri),
		cmocka_unit_test(ssh_banners),
		cmocka_unit_test(ssh_hassh),
		cmocka_unit_test(flow_established),
		cmocka_unit_test(flow_directions),
		cmocka_unit_test(flow_stream_options),
		cmocka_unit_test(flowbits_ops),
		cmocka_unit_test(descriptive),
	};
	return cmocka_run_group_tests_name("protocols", tests, NULL, NULL);
}
