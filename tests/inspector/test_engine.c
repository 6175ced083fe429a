// SPDX-License-Identifier: GPL-2.0-or-later
/* Engine behaviour: verdicts, flows, reload, counters, load errors. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "app.h"
#include "internal.h"
#include "testutil.h"

static struct snet_inspect_ruleset *load_ok(const char *text)
{
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	int rc = tu_load(text, &rs, &rep);
	if (rc)
		fail_msg("load: %s", snet_inspect_report_message(rep, 0));
	snet_inspect_report_free(rep);
	return rs;
}

static void action_order(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert tcp any any -> any any (msg:\"a\"; content:\"X\"; sid:1;)\n"
		"drop tcp any any -> any any (msg:\"d\"; content:\"XY\"; sid:2;)\n"
		"reject tcp any any -> any any (msg:\"r\"; content:\"XYZ\"; sid:3;)\n"
		"pass tcp any any -> any any (msg:\"p\"; content:\"PASS\"; sid:4;)\n");
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 80);
	assert_int_equal(tu_conn_send(&c, "XYZ", 3, &v), SNET_INSPECT_DROP);
	assert_int_equal(v.nalerts, 3);
	/* the flow stays dropped */
	assert_int_equal(tu_conn_send(&c, "hello", 5, &v), SNET_INSPECT_DROP);
	assert_int_equal(v.scanned, 0);
	tu_conn_open(&c, w, 81);
	assert_int_equal(tu_conn_send(&c, "X PASS XYZ", 10, &v), SNET_INSPECT_PASS);
	assert_int_equal(v.nalerts, 0);
	assert_int_equal(tu_conn_send(&c, "XYZ", 3, &v), SNET_INSPECT_PASS);
	assert_int_equal(v.scanned, 0);
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(w, &st);
	assert_int_equal(st.packets_seen, st.packets_scanned + st.packets_bypassed +
			 st.packets_flow_dropped + st.packets_invalid);
	assert_int_equal(st.packets_bypassed, 1);
	assert_int_equal(st.packets_flow_dropped, 1);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static void cross_segment(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert tcp any any -> any any (msg:\"s\"; flow:to_server; content:\"SPLIT-PATTERN\"; sid:1;)\n");
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 80);
	tu_conn_send(&c, "aaaaSPLIT-", 10, &v);
	assert_int_equal(v.nalerts, 0);
	tu_conn_send(&c, "PATTERNbbb", 10, &v);
	assert_int_equal(v.nalerts, 1);
	assert_true(tu_has_sid(&v, 1));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* rules without a prefilter, decided per flow side (the worker keeps
 * which of them the side's header admits): flows and directions mixed */
static void no_prefilter_per_side(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert tcp 192.0.2.1 any -> any any (msg:\"r\"; dsize:>0; sid:1;)\n"
		"alert tcp any any -> 192.0.2.1 any (msg:\"s\"; dsize:>3; sid:2;)\n");
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn a = { 0 }, b = { 0 }, c6 = { .v6 = 1 };
	struct snet_inspect_verdict v;
	tu_conn_open(&a, w, 80);
	tu_conn_open(&b, w, 81);
	tu_conn_open(&c6, w, 80);
	tu_conn_send(&a, "ab", 2, &v);
	assert_int_equal(v.nalerts, 0);
	tu_conn_reply(&a, "xy", 2, &v);
	assert_true(tu_has_sid(&v, 1) && v.nalerts == 1);
	tu_conn_send(&b, "abcd", 4, &v);
	assert_true(tu_has_sid(&v, 2) && v.nalerts == 1);
	tu_conn_send(&c6, "abcdef", 6, &v);
	assert_int_equal(v.nalerts, 0);
	tu_conn_send(&a, "abcde", 5, &v);
	assert_true(tu_has_sid(&v, 2) && v.nalerts == 1);
	tu_conn_reply(&c6, "xyz", 3, &v);
	assert_int_equal(v.nalerts, 0);
	tu_conn_reply(&b, "z", 1, &v);
	assert_true(tu_has_sid(&v, 1) && v.nalerts == 1);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static const uint8_t *naive_find(const uint8_t *h, size_t hl, const uint8_t *n, size_t nl,
				 bool nocase)
{
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t j = 0;
		while (j < nl && (nocase ? tolower(h[i + j]) == tolower(n[j]) : h[i + j] == n[j]))
			j++;
		if (j == nl)
			return h + i;
	}
	return NULL;
}

/* the search of verification, from any anchor byte, against a plain one */
static void memmem_anchor_leftmost(void **state)
{
	(void)state;
	static const uint8_t abc[] = { 'a', 'A', 'b', 'B', ':', '\r', 0xff };
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		uint8_t h[40], n[6];
		seed = seed * 1103515245u + 12345u;
		size_t hl = seed >> 8 & 31, nl = 1 + (seed >> 16) % 6;
		for (size_t i = 0; i < hl; i++) {
			seed = seed * 1103515245u + 12345u;
			h[i] = abc[(seed >> 16) % sizeof(abc)];
		}
		for (size_t i = 0; i < nl; i++) {
			seed = seed * 1103515245u + 12345u;
			n[i] = abc[(seed >> 16) % sizeof(abc)];
		}
		for (int nocase = 0; nocase < 2; nocase++) {
			const uint8_t *want = naive_find(h, hl, n, nl, nocase);
			assert_ptr_equal(memmem_anchor(h, hl, n, nl, needle_anchor(n, nl, nocase), nocase),
					 want);
			for (size_t a = 0; a < nl; a++)
				assert_ptr_equal(memmem_anchor(h, hl, n, nl, a, nocase), want);
		}
	}
}

/*
 * The same on haystacks long enough for memmem_anchor's 32-start blocks
 * (util.c: pair_scan), matches in a block, across two and in the tail;
 * each haystack exactly its length (the SAN build checks the reads).
 */
static void memmem_anchor_long(void **state)
{
	(void)state;
	static const uint8_t abc[] = { 'a', 'A', 'b', ':', '\r', 0xff, 0x00, 'z' };
	uint32_t seed = 777;
	for (int round = 0; round < 4000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t hl = 64 + (seed >> 8) % 300, nl = 1 + (seed >> 20) % 12;
		uint8_t *h = malloc(hl), n[12];
		assert_non_null(h);
		/* mostly one byte, so partial matches are common */
		for (size_t i = 0; i < hl; i++) {
			seed = seed * 1103515245u + 12345u;
			h[i] = (seed >> 16) % 4 ? 'z' : abc[(seed >> 20) % sizeof(abc)];
		}
		for (size_t i = 0; i < nl; i++) {
			seed = seed * 1103515245u + 12345u;
			n[i] = (seed >> 16) % 3 ? 'z' : abc[(seed >> 20) % sizeof(abc)];
		}
		if (round % 3 == 0) {	/* plant the needle somewhere */
			seed = seed * 1103515245u + 12345u;
			memcpy(h + (seed >> 8) % (hl - nl + 1), n, nl);
		}
		for (int nocase = 0; nocase < 2; nocase++) {
			const uint8_t *want = naive_find(h, hl, n, nl, nocase);
			for (size_t a = 0; a < nl; a++)
				assert_ptr_equal(memmem_anchor(h, hl, n, nl, a, nocase), want);
		}
		free(h);
	}
}

static void ipv6_flow(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert tcp $HOME_NET any -> any any (msg:\"v6\"; flow:established,to_server; content:\"SIX\"; sid:1;)\n");
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn c = { .v6 = 1 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 80);
	tu_conn_send(&c, "SIX", 3, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* addr_home_reach() of expression e against the tests' HOME_NET (bit 0
 * inside, bit 1 outside) */
static unsigned reach(const struct snet_inspect_config *cfg, const struct addr_node *home,
		      const char *e)
{
	struct addr_node *n = NULL;
	assert_int_equal(addr_parse(cfg, e, &n, NULL, 0), 0);
	unsigned r = addr_home_reach(n, home);
	addr_free(n);
	return r;
}

/* addr_match of one address against an expression */
static bool addr_in(const char *expr, const char *ip)
{
	struct snet_inspect_config *cfg;
	assert_int_equal(snet_inspect_config_new(&cfg), 0);
	struct addr_node *n = NULL;
	assert_int_equal(addr_parse(cfg, expr, &n, NULL, 0), 0);
	struct ip_addr a = { 0 };
	if (inet_pton(AF_INET, ip, a.a) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, ip, a.a) == 1)
		a.family = AF_INET6;
	else
		fail_msg("bad address %s", ip);
	bool v = addr_match(n, &a);
	addr_free(n);
	snet_inspect_config_free(cfg);
	return v;
}

/* range ends compare as 16-byte big-endian numbers (addr.c: addr_le),
 * in both 8-byte halves */
static void addr_range_edges(void **state)
{
	(void)state;
	assert_false(addr_in("10.0.0.0/8", "9.255.255.255"));
	assert_true(addr_in("10.0.0.0/8", "10.0.0.0"));
	assert_true(addr_in("10.0.0.0/8", "10.255.255.255"));
	assert_false(addr_in("10.0.0.0/8", "11.0.0.0"));
	assert_true(addr_in("[1.2.3.4]", "1.2.3.4"));
	assert_false(addr_in("[1.2.3.4]", "1.2.3.5"));
	assert_false(addr_in("10.0.0.0/8", "::a00:1"));
	assert_false(addr_in("2001:db8::/64", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(addr_in("2001:db8::/64", "2001:db8::"));
	assert_true(addr_in("2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff"));
	assert_false(addr_in("2001:db8::/64", "2001:db8:0:1::"));
	assert_true(addr_in("2001:db8::8000:0:0:0/65", "2001:db8::8000:0:0:1"));
	assert_false(addr_in("2001:db8::8000:0:0:0/65", "2001:db8::7fff:ffff:ffff:ffff"));
	assert_false(addr_in("2001:db8::/128", "2001:db8::1"));
	assert_true(addr_in("!2001:db8::/128", "2001:db8::1"));
}

/* does the database of (buf, dir, home class) hold sid's pattern? */
static bool db_has_sid(const struct snet_inspect_ruleset *rs, enum buf_id b, int dir,
		       enum phase ph, unsigned hc, uint32_t sid)
{
	const struct prefilter_db *db = rs->dbs.idx[b][dir - 1][db_subkey(b, 0, ph, hc)];
	for (size_t i = 0; db && i < db->nids; i++)
		if (rs->rules[db->rule_ids[i]]->sid == sid)
			return true;
	return false;
}

/*
 * The application buffers' databases are split by home class (source,
 * destination in HOME_NET): a rule is in the classes its addresses can
 * match, and the flows of each class still see every rule that can match.
 */
static void home_classes(void **state)
{
	(void)state;
	struct snet_inspect_config *cfg;
	assert_int_equal(snet_inspect_config_new(&cfg), 0);
	snet_inspect_config_set_var(cfg, "HOME_NET", "[10.0.0.0/8,2001:db8:1::/48]");
	snet_inspect_config_set_var(cfg, "EXTERNAL_NET", "!$HOME_NET");
	struct addr_node *home = NULL;
	assert_int_equal(addr_parse(cfg, "$HOME_NET", &home, NULL, 0), 0);
	assert_int_equal(reach(cfg, home, "any"), 3);
	assert_int_equal(reach(cfg, home, "$HOME_NET"), 1);
	assert_int_equal(reach(cfg, home, "$EXTERNAL_NET"), 2);
	assert_int_equal(reach(cfg, home, "[10.0.0.0/8,2001:db8:1::/48]"), 1);
	assert_int_equal(reach(cfg, home, "10.1.2.0/24"), 1);
	assert_int_equal(reach(cfg, home, "!10.1.2.0/24"), 3);
	assert_int_equal(reach(cfg, home, "8.8.8.8"), 2);
	assert_int_equal(reach(cfg, home, "2001:db8:2::1"), 2);
	assert_int_equal(reach(cfg, home, "[10.0.0.0/8,8.8.8.8]"), 3);
	assert_int_equal(reach(cfg, home, "[$HOME_NET,!10.0.0.0/8]"), 1);
	assert_int_equal(reach(cfg, home, "[any,!$HOME_NET]"), 2);
	assert_int_equal(reach(cfg, home, "[!10.0.0.0/8]"), 3);
	assert_int_equal(reach(cfg, home, "!0.0.0.0/0"), 3);	/* IPv6 home too */
	assert_int_equal(reach(cfg, home, "![10.0.0.0/8]"), 3);
	/* outside H only "within one range of H" is exact: the rest is "some" */
	assert_int_equal(reach(cfg, home, "![0.0.0.0/0,::/0]"), 2);
	/* a HOME_NET that is not a union of ranges: no claim */
	struct addr_node *odd = NULL;
	assert_int_equal(addr_parse(cfg, "[10.0.0.0/8,!10.1.0.0/16]", &odd, NULL, 0), 0);
	assert_int_equal(reach(cfg, odd, "8.8.8.8"), 3);
	addr_free(odd);
	addr_free(home);
	snet_inspect_config_free(cfg);

	struct snet_inspect_ruleset *rs = load_ok(
		"alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"out\"; flow:to_server; http.uri; content:\"/p\"; sid:1;)\n"
		"alert http $EXTERNAL_NET any -> $HOME_NET any (msg:\"in\"; flow:to_server; http.uri; content:\"/p\"; sid:2;)\n"
		"alert http $EXTERNAL_NET any <> $HOME_NET any (msg:\"bi\"; flow:to_server; http.uri; content:\"/p\"; sid:3;)\n"
		"alert http any any -> [192.0.2.0/24,2001:db8:2::/48] any (msg:\"dst\"; flow:to_server; http.uri; content:\"/p\"; sid:4;)\n"
		"alert http [10.0.0.1,!10.0.0.0/8] any -> any any (msg:\"none\"; flow:to_server; http.uri; content:\"/p\"; sid:5;)\n"
		"alert http $EXTERNAL_NET any -> $HOME_NET any (msg:\"resp\"; flow:to_client; http.stat_code; content:\"200\"; sid:6;)\n"
		"alert http $HOME_NET any -> any any (msg:\"resp-home\"; flow:to_client; http.stat_code; content:\"200\"; sid:7;)\n");
	/* client in HOME_NET, server outside: to_server class 1, to_client 2 */
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 1, 1));
	assert_false(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 1, 2));
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 2, 2));
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 1, 3));
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 2, 3));
	assert_false(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 3, 3));
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 1, 4));
	assert_false(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 2, 4));
	assert_true(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, 0, 4));
	for (unsigned hc = 0; hc < 4; hc++)
		assert_false(db_has_sid(rs, BUF_HTTP_URI, DIR_TO_SERVER, PH_REQ_HEADERS, hc, 5));
	assert_true(db_has_sid(rs, BUF_HTTP_STAT_CODE, DIR_TO_CLIENT, PH_RESP_HEADERS, 2, 6));
	assert_false(db_has_sid(rs, BUF_HTTP_STAT_CODE, DIR_TO_CLIENT, PH_RESP_HEADERS, 2, 7));
	for (int v6 = 0; v6 < 2; v6++) {
		struct snet_inspect_worker *w = tu_worker(rs);
		struct tu_conn c = { .v6 = v6 };
		struct snet_inspect_verdict v;
		tu_conn_open(&c, w, 80);
		static const char req[] = "GET /p HTTP/1.1\r\nHost: h\r\n\r\n";
		tu_conn_send(&c, req, strlen(req), &v);
		assert_true(tu_has_sid(&v, 1) && tu_has_sid(&v, 3));
		assert_true(tu_has_sid(&v, 4));
		assert_false(tu_has_sid(&v, 2) || tu_has_sid(&v, 5));
		static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		tu_conn_reply(&c, resp, strlen(resp), &v);
		assert_true(tu_has_sid(&v, 6));
		assert_false(tu_has_sid(&v, 7));
		tu_worker_free(w);
	}
	snet_inspect_ruleset_unref(rs);
}

static int udp_send(struct snet_inspect_worker *w, const char *d, struct snet_inspect_verdict *v)
{
	uint8_t pkt[600];
	size_t len = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 2000, d, strlen(d));
	struct timespec ts = { 1700000000, 0 };
	return snet_inspect_worker_packet(w, pkt, len, &ts, NULL, v);
}

static void flowbits_and_threshold(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert udp any any -> any any (msg:\"set\"; content:\"LOGIN\"; flowbits:set,logged; flowbits:noalert; sid:1;)\n"
		"alert udp any any -> any any (msg:\"chk\"; content:\"CMD\"; flowbits:isset,logged; sid:2;)\n"
		"alert udp any any -> any any (msg:\"lim\"; content:\"PING\"; threshold:type limit,track by_src,count 1,seconds 60; sid:3;)\n");
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	udp_send(w, "CMD", &v);
	assert_false(tu_has_sid(&v, 2));
	udp_send(w, "LOGIN", &v);
	assert_int_equal(v.nalerts, 0);	/* noalert */
	udp_send(w, "CMD", &v);
	assert_true(tu_has_sid(&v, 2));
	udp_send(w, "PING", &v);
	assert_true(tu_has_sid(&v, 3));
	udp_send(w, "PING", &v);
	assert_false(tu_has_sid(&v, 3));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static void reload_keeps_flow_ruleset(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *a = load_ok(
		"alert tcp any any -> any any (msg:\"old\"; content:\"OLD\"; sid:1;)\n");
	struct snet_inspect_ruleset *b = load_ok(
		"alert tcp any any -> any any (msg:\"new\"; content:\"NEW\"; sid:2;)\n");
	struct snet_inspect_worker *w = tu_worker(a);
	struct tu_conn c1 = { 0 }, c2 = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c1, w, 80);
	assert_int_equal(snet_inspect_worker_set_ruleset(w, b), 0);
	snet_inspect_ruleset_unref(a);	/* the flow still holds it */
	tu_conn_send(&c1, "OLD NEW", 7, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	tu_conn_open(&c2, w, 81);
	tu_conn_send(&c2, "OLD NEW", 7, &v);
	assert_true(tu_has_sid(&v, 2));
	assert_false(tu_has_sid(&v, 1));
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(w, &st);
	assert_int_equal(st.flows_on_old_ruleset, 1);
	assert_int_equal(st.ruleset_switches, 1);
	assert_int_equal(st.packets_seen, st.packets_scanned);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(b);
}

static void failed_load_leaves_old(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert tcp any any -> any any (msg:\"x\"; content:\"A\"; sid:1;)\n");
	struct snet_inspect_ruleset *keep = rs;
	struct snet_inspect_report *rep = NULL;
	int rc = tu_load("alert tcp any any -> any any (msg:\"bad\"; nosuch; sid:2;)\n", &rs, &rep);
	assert_int_not_equal(rc, 0);
	assert_ptr_equal(rs, keep);
	assert_int_equal(snet_inspect_report_loaded(rep), 0);
	assert_non_null(strstr(snet_inspect_report_message(rep, 0), ":1: sid 2: unsupported keyword 'nosuch'"));
	snet_inspect_report_free(rep);
	snet_inspect_ruleset_unref(rs);
}

/*
 * requires: a rule for another engine version or with a feature this one
 * lacks is skipped, counted apart from the set (not loaded, not rejected,
 * not in the total), even with keywords this engine does not know.
 */
static void requires_skips(void **state)
{
	(void)state;
	static const struct { const char *req; int loads; const char *why; } cases[] = {
		{ "version >= 7.0.3", 1, NULL },
		{ "version >= 8", 0, "requires version >= 8; this engine reads Suricata 7.0.17" },
		{ "version >= 7.0.3 < 8 | >= 8.0.3", 1, NULL },
		{ "version >= 8.0.3 | >= 7.0.3 < 8", 1, NULL },
		{ "version >= 8.0.0-beta1", 0, "requires version" },
		{ "version < 7.0.17", 0, "requires version" },
		{ "version <= 7.0.17", 1, NULL },
		{ "version > 7", 1, NULL },
		{ "feature geoip", 0, "requires feature 'geoip', which this engine does not have" },
		{ "feature ja4, version >= 7", 1, NULL },
		{ "feature ja3, feature lua", 0, "requires feature 'lua'" },
		{ "color blue, version >= 7", 0, "requires 'color', which this engine does not know" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		/* a keyword this engine does not know: a skipped rule is not read */
		snprintf(text, sizeof(text),
			 "alert tcp any any -> any any (msg:\"ok\"; content:\"a\"; sid:1;)\n"
			 "alert tcp any any -> any any (msg:\"r\"; %scontent:\"b\"; "
			 "requires: %s; sid:2;)\n", cases[i].loads ? "" : "quic.sni; ", cases[i].req);
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		assert_int_equal(tu_load(text, &rs, &rep), 0);
		assert_int_equal(snet_inspect_report_rejected(rep), 0);
		assert_int_equal(snet_inspect_report_loaded(rep), 1 + cases[i].loads);
		assert_int_equal(snet_inspect_report_skipped(rep), !cases[i].loads);
		const char *sum = snet_inspect_report_summary(rep);
		assert_non_null(strstr(sum, cases[i].loads ? "loaded 2 of 2 rules" :
				       "loaded 1 of 1 rules"));
		assert_int_equal(strstr(sum, "1 skipped: their requires: is not met") != NULL,
				 !cases[i].loads);
		if (cases[i].why) {
			const char *m = snet_inspect_report_message(rep, 0);
			if (!m || !strstr(m, ":2: sid 2: skipped, ") || !strstr(m, cases[i].why))
				fail_msg("requires: %s: got '%s'", cases[i].req, m ? m : "(none)");
		}
		snet_inspect_report_free(rep);
		snet_inspect_ruleset_unref(rs);
	}
}

static void malformed_corpus(void **state)
{
	(void)state;
	FILE *f = fopen(SRCDIR "/malformed-rules.txt", "r");
	assert_non_null(f);
	char line[2048];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = 0;
		char text[4096];
		/* a valid first rule, so "duplicate sid" has something to hit */
		snprintf(text, sizeof(text),
			 "alert tcp any any -> any any (msg:\"ok\"; content:\"a\"; sid:1;)\n%s", tab + 1);
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		tu_load(text, &rs, &rep);
		const char *msg = snet_inspect_report_message(rep, 0);
		if (!msg || !strstr(msg, line) || !strstr(msg, ":2: sid "))
			fail_msg("rule %s: expected '%s' at line 2, got '%s'", tab + 1, line,
				 msg ? msg : "(no message)");
		assert_int_equal(snet_inspect_report_rejected(rep), 1);
		snet_inspect_report_free(rep);
		snet_inspect_ruleset_unref(rs);
		n++;
	}
	fclose(f);
	assert_true(n >= 15);
}

static void eve_fields_and_reopen(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"drop udp any any -> any any (msg:\"evil\"; content:\"EVIL\"; classtype:trojan-activity; sid:7; rev:3;)\n");
	struct snet_inspect_eve *eve;
	char path[] = "/tmp/snet-test-eve-reopen.json", moved[] = "/tmp/snet-test-eve-reopen.json.1";
	unlink(path);
	unlink(moved);
	assert_int_equal(snet_inspect_eve_open(path, &eve), 0);
	struct snet_inspect_worker *w;
	assert_int_equal(snet_inspect_worker_new(rs, eve, &w), 0);
	uint8_t pkt[200];
	size_t len = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 2000, "EVIL", 4);
	struct timespec ts = { 1700000000, 0 };
	struct snet_inspect_meta m = { .has_process = 1, .pid = 42, .tgid = 42, .uid = 1000,
				       .comm = "curl", .exe = "/usr/bin/curl", .has_cookie = 1,
				       .socket_cookie = 99, .socket_action = "deny-ticket" };
	struct snet_inspect_verdict v;
	snet_inspect_worker_packet(w, pkt, len, &ts, &m, &v);
	assert_int_equal(v.action, SNET_INSPECT_DROP);
	assert_int_equal(rename(path, moved), 0);
	snet_inspect_eve_request_reopen(eve);
	len = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1001, 2000, "EVIL", 4);
	snet_inspect_worker_packet(w, pkt, len, &ts, &m, &v);
	snet_inspect_worker_free(w);
	snet_inspect_eve_close(eve);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "jq -e -c 'select(.event_type==\"alert\" and .alert.signature_id==7 and .alert.rev==3 "
		 "and .alert.action==\"blocked\" and .alert.category==\"A Network Trojan was detected\" "
		 "and .snet.pid==42 and .snet.exe==\"/usr/bin/curl\" and .snet.socket_action==\"deny-ticket\" "
		 "and .snet.socket_cookie==99 and .proto==\"UDP\" and .dest_port==2000)' %s %s > /dev/null",
		 moved, path);
	assert_int_equal(system(cmd), 0);
	if (getenv("SNET_TEST_KEEP"))
		return;
	unlink(path);
	unlink(moved);
	snet_inspect_ruleset_unref(rs);
}

/*
 * The EVE lines one packet makes with @rs (then released), whole, in @buf;
 * @nalerts alerts expected.
 */
static void eve_of_packet(struct snet_inspect_ruleset *rs, const uint8_t *pkt, size_t len,
			  const struct snet_inspect_meta *m, int nalerts, char *buf, size_t size)
{
	char path[] = "/tmp/snet-test-eve-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct snet_inspect_eve *eve;
	assert_int_equal(snet_inspect_eve_open(path, &eve), 0);
	struct snet_inspect_worker *w;
	assert_int_equal(snet_inspect_worker_new(rs, eve, &w), 0);
	struct timespec ts = { 1700000000, 1000 };
	struct snet_inspect_verdict v;
	snet_inspect_worker_packet(w, pkt, len, &ts, m, &v);
	assert_int_equal(v.nalerts, nalerts);
	assert_int_equal(snet_inspect_eve_lines(eve), nalerts);
	snet_inspect_worker_free(w);
	snet_inspect_eve_close(eve);
	snet_inspect_ruleset_unref(rs);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	unlink(path);
}

/* the EVE lines of one packet with two alerts: metadata (of two options,
 * merged as Suricata does), target, app-less UDP, the snet object and a
 * msg that needs escaping, byte for byte */
static void eve_lines_exact(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert udp any any -> any any (msg:\"m \\\"q\\\" \\\\ x\"; content:\"EVIL\"; "
		"metadata:created_at 2020_01_01, tag a; target:dest_ip; classtype:trojan-activity; "
		"metadata: tag b,updated_at 2020_02_02; sid:8; rev:2;)\n"
		"alert udp any any -> any any (msg:\"two\"; content:\"EVIL\"; sid:9;)\n");
	uint8_t pkt[200];
	size_t len = tu_udp(pkt, "10.0.0.1", "192.0.2.1", 1000, 2000, "EVIL", 4);
	struct snet_inspect_meta m = { .has_process = 1, .pid = 42, .tgid = 41, .uid = 1000,
				       .gid = 100, .comm = "cu\"rl", .exe = "/usr/bin/curl" };
	char got[4096];
	eve_of_packet(rs, pkt, len, &m, 2, got, sizeof(got));
	static const char want[] =
		"{\"timestamp\":\"2023-11-14T22:13:20.000001+0000\","
		"\"flow_id\":4459995570727026689,\"event_type\":\"alert\","
		"\"src_ip\":\"10.0.0.1\",\"src_port\":1000,\"dest_ip\":\"192.0.2.1\","
		"\"dest_port\":2000,\"proto\":\"UDP\",\"alert\":{\"action\":\"allowed\","
		"\"gid\":1,\"signature_id\":8,\"rev\":2,\"signature\":\"m \\\"q\\\" \\\\ x\","
		"\"category\":\"A Network Trojan was detected\",\"severity\":1,"
		"\"metadata\":{\"created_at\":[\"2020_01_01\"],\"tag\":[\"a\",\"b\"],"
		"\"updated_at\":[\"2020_02_02\"]},"
		"\"source\":{\"ip\":\"10.0.0.1\",\"port\":1000},"
		"\"target\":{\"ip\":\"192.0.2.1\",\"port\":2000}},\"snet\":{\"pid\":42,"
		"\"tgid\":41,\"uid\":1000,\"gid\":100,\"comm\":\"cu\\\"rl\","
		"\"exe\":\"/usr/bin/curl\",\"socket_action\":\"none\"}}\n"
		"{\"timestamp\":\"2023-11-14T22:13:20.000001+0000\","
		"\"flow_id\":4459995570727026689,\"event_type\":\"alert\","
		"\"src_ip\":\"10.0.0.1\",\"src_port\":1000,\"dest_ip\":\"192.0.2.1\","
		"\"dest_port\":2000,\"proto\":\"UDP\",\"alert\":{\"action\":\"allowed\","
		"\"gid\":1,\"signature_id\":9,\"rev\":0,\"signature\":\"two\","
		"\"category\":\"\",\"severity\":3},\"snet\":{\"pid\":42,\"tgid\":41,"
		"\"uid\":1000,\"gid\":100,\"comm\":\"cu\\\"rl\",\"exe\":\"/usr/bin/curl\","
		"\"socket_action\":\"none\"}}\n";
	assert_string_equal(got, want);
}

/*
 * Lines written without jansson are what jansson dumps of them: control
 * characters, DEL and '/' in a message, ICMP fields; a message that is
 * not ASCII goes through jansson itself.
 */
static void eve_lines_as_jansson_dumps(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert icmp any any -> any any (msg:\"t\tb\x01\x1f\x7f /s\"; content:\"EVIL\"; "
		"sid:10;)\n"
		"alert icmp any any -> any any (msg:\"caf\xc3\xa9\"; content:\"EVIL\"; sid:11;)\n");
	uint8_t pkt[200];
	size_t len = tu_icmp(pkt, "10.0.0.1", "192.0.2.1", 8, 0, "EVIL", 4);
	char text[4096];
	eve_of_packet(rs, pkt, len, NULL, 2, text, sizeof(text));
	int n = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		json_t *o = json_loads(line, 0, NULL);
		assert_non_null(o);
		char *d = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_non_null(d);
		assert_string_equal(line, d);
		assert_non_null(strstr(line, "\"icmp_type\":8,\"icmp_code\":0"));
		free(d);
		json_decref(o);
		n++;
	}
	assert_int_equal(n, 2);
}

/* http_state_memory() recomputed from scratch, its cache left as it was */
static size_t http_mem_fresh(struct http_state *h)
{
	bool valid = h->mem_valid, busy = h->busy;
	size_t mem = h->mem;
	h->mem_valid = false;
	h->busy = true;
	size_t m = http_state_memory(h);
	h->mem_valid = valid;
	h->busy = busy;
	h->mem = mem;
	return m;
}

static unsigned http_mem_events, http_mem_wrong;

static void http_mem_cb(void *ctx, enum http_event ev, struct http_tx *tx)
{
	(void)ev;
	(void)tx;
	struct http_state *h = ctx;
	http_mem_events++;
	if (http_state_memory(h) != http_mem_fresh(h))
		http_mem_wrong++;
}

static const struct http_ops http_mem_ops = { http_mem_cb, NULL };

/* the cached memory figure follows every feed, and callbacks in one feed */
static void http_memory_cached(void **state)
{
	(void)state;
	struct http_state *h = http_state_new(1 << 20);
	assert_non_null(h);
	assert_int_equal(http_state_memory(h), http_mem_fresh(h));
	static const char two[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
				  "GET /bbbbbbbbbbbbbbbb HTTP/1.1\r\nHost: yyyyyyyy\r\n"
				  "User-Agent: zzzzzzzzzzzzzzzzzz\r\n\r\n";
	/* two requests in one feed: each callback sees the state as it is */
	http_feed(h, 0, (const uint8_t *)two, sizeof(two) - 1, &http_mem_ops, h);
	assert_int_equal(http_mem_events, 2);
	assert_int_equal(http_mem_wrong, 0);
	size_t m1 = http_state_memory(h);
	assert_int_equal(m1, http_mem_fresh(h));
	assert_int_equal(http_state_memory(h), m1);	/* from the cache */
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n"
				   "Server: wwwwwwwwwwww\r\n\r\nabcd";
	http_feed(h, 1, (const uint8_t *)resp, sizeof(resp) - 1, &http_mem_ops, h);
	assert_int_equal(http_mem_wrong, 0);
	assert_int_equal(http_state_memory(h), http_mem_fresh(h));
	assert_int_not_equal(http_state_memory(h), m1);
	http_eof(h, 1, &http_mem_ops, h);
	assert_int_equal(http_state_memory(h), http_mem_fresh(h));
	http_state_free(h);
}

/* a gzip response of the text repeated: headers and body in r */
static size_t gzip_response(uint8_t *r, size_t cap, const char *text, int times)
{
	uint8_t plain[8192], z[4096];
	size_t pl = 0, tl = strlen(text);
	for (int i = 0; i < times && pl + tl <= sizeof(plain); i++, pl += tl)
		memcpy(plain + pl, text, tl);
	z_stream zs = { 0 };
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = (uInt)pl;
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zl = sizeof(z) - zs.avail_out;
	deflateEnd(&zs);
	int n = snprintf((char *)r, cap, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
			 "Content-Length: %zu\r\n\r\n", zl);
	assert_true(n > 0 && (size_t)n + zl <= cap);
	memcpy(r + n, z, zl);
	return (size_t)n + zl;
}

static unsigned gz_bodies;
static size_t gz_room_max;	/* the largest one addition allowed */
static unsigned gz_refused;

static void gz_event(void *ctx, enum http_event ev, struct http_tx *tx)
{
	(void)ctx;
	if (ev == HTTP_EV_RESP_BODY && strstr((const char *)tx->resp[BUF_HTTP_SERVER_BODY].p,
					      "inflated"))
		gz_bodies++;
}

static bool gz_room(void *ctx, size_t add)
{
	(void)ctx;
	if (add <= gz_room_max)
		return true;
	gz_refused++;
	return false;
}

/*
 * An inflated body's zlib state (its 32 KiB window most of all) counts in
 * the flow's memory while the body lasts, and is asked for: refused, the
 * body is not kept (not kept compressed either).
 */
static void http_gzip_memory(void **state)
{
	(void)state;
	static uint8_t r[8192];
	size_t n = gzip_response(r, sizeof(r), "inflated text, ", 200);
	const struct http_ops ops = { gz_event, gz_room };
	gz_room_max = SIZE_MAX;
	struct http_state *h = http_state_new(1 << 20);
	assert_non_null(h);
	size_t idle = http_state_memory(h);
	http_feed(h, 1, r, n - 10, &ops, NULL);
	size_t mid = http_state_memory(h);
	assert_true(mid >= idle + 32768 + 3000);	/* the window and the text */
	assert_int_equal(mid, http_mem_fresh(h));
	http_feed(h, 1, r + n - 10, 10, &ops, NULL);
	assert_int_equal(gz_bodies, 1);
	assert_int_equal(h->zmem, 0);		/* the body ended: zlib freed */
	assert_true(http_state_memory(h) < idle + 4096);
	http_state_free(h);

	/* no room for zlib's state (some 7 KiB): the body is not kept */
	gz_room_max = 4096;
	h = http_state_new(1 << 20);
	assert_non_null(h);
	http_feed(h, 1, r, n, &ops, NULL);
	assert_int_equal(gz_bodies, 1);
	assert_int_equal(gz_refused, 1);
	assert_int_equal(h->zmem, 0);
	/* the side goes on: the next response is kept */
	gz_room_max = SIZE_MAX;
	http_feed(h, 1, r, n, &ops, NULL);
	assert_int_equal(gz_bodies, 2);
	http_state_free(h);
}

/* many tracked addresses: each its own count, windows expire, and the
 * table does not keep the expired ones (threshold_check's hash) */
static void threshold_many_addresses(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert udp any any -> any any (msg:\"l\"; content:\"x\"; threshold:type limit,track by_src,count 1,seconds 10; sid:1;)\n");
	const struct rule *r = rs->rules[0];
	struct ip_addr dst = { .family = AF_INET, .a = { 192, 0, 2, 1 } };
	for (unsigned round = 0; round < 20; round++) {
		uint64_t now = 100 + 11 * (uint64_t)round;
		for (unsigned i = 0; i < 300; i++) {
			/* v4 and v6 sources that differ only in the last bytes */
			struct ip_addr src = { .family = i % 2 ? AF_INET6 : AF_INET };
			src.a[0] = 10;
			src.a[i % 2 ? 14 : 2] = (uint8_t)(i >> 8);
			src.a[i % 2 ? 15 : 3] = (uint8_t)i;
			src.a[1] = (uint8_t)(round % 4);
			assert_int_equal(threshold_check(rs, r, &src, &dst, now), TH_ALERT);
			assert_int_equal(threshold_check(rs, r, &src, &dst, now), TH_ACT);
			assert_int_equal(threshold_check(rs, r, &src, &dst, now + 9), TH_ACT);
		}
		/* the first source again in the same window, then after it */
		struct ip_addr s0 = { .family = AF_INET, .a = { 10, (uint8_t)(round % 4) } };
		assert_int_equal(threshold_check(rs, r, &s0, &dst, now + 5), TH_ACT);
		assert_int_equal(threshold_check(rs, r, &s0, &dst, now + 11), TH_ALERT);
	}
	/* 6,000 matches from 1,200 addresses, windows of 10 s: expired ones go */
	assert_true(rs->nth <= 1024);
	snet_inspect_ruleset_unref(rs);
}

static void check_only(void **state)
{
	(void)state;
	struct snet_inspect_config *cfg;
	snet_inspect_config_new(&cfg);
	const char *p[] = { SRCDIR "/../../rules/signatures" };
	struct snet_inspect_report *rep;
	snet_inspect_config_set(cfg, "classification-file", getenv("SNET_TEST_CLASSIFICATION"));
	assert_int_equal(snet_inspect_ruleset_check(cfg, p, 1, &rep), 0);
	assert_true(snet_inspect_report_loaded(rep) >= 5);
	assert_int_equal(snet_inspect_report_rejected(rep), 0);
	snet_inspect_report_free(rep);
	char err[256];
	assert_int_equal(snet_inspect_config_set(cfg, "reassembly-depth", "lots"), -22);
	assert_int_equal(snet_inspect_config_set(cfg, "reassembly-depth", "2mb"), 0);
	snet_inspect_config_free(cfg);
	(void)err;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * classification-file unset: the rules directory's own classification.config,
 * read from the release its link names, as snet-update installs a set.
 */
static void classification_from_rules_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/snet-test-classes-XXXXXX", rel[4200], cur[4200], cmd[4300];
	struct snet_inspect_config *cfg;
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep;

	assert_non_null(mkdtemp(dir));
	snprintf(rel, sizeof(rel), "%s/rel1", dir);
	snprintf(cur, sizeof(cur), "%s/current", dir);
	assert_int_equal(mkdir(rel, 0755), 0);
	assert_int_equal(symlink("rel1", cur), 0);
	write_text(rel, "a.rules", "alert tcp any any -> any any (msg:\"c\"; content:\"abc\"; "
		   "classtype:snet-test-class; sid:1; rev:1;)\n");
	assert_int_equal(snet_inspect_config_new(&cfg), 0);
	const char *p[] = { cur };

	/* no classification.config anywhere: the classtype is unknown */
	assert_int_not_equal(snet_inspect_ruleset_load(cfg, p, 1, &rs, &rep), 0);
	assert_int_equal(snet_inspect_report_rejected(rep), 1);
	assert_non_null(strstr(snet_inspect_report_message(rep, 0),
			       "unknown classtype 'snet-test-class'"));
	snet_inspect_report_free(rep);

	write_text(rel, "classification.config",
		   "# comment\nconfig classification: snet-test-class,A Test Class,2\n");
	if (snet_inspect_ruleset_load(cfg, p, 1, &rs, &rep))
		fail_msg("%s", snet_inspect_report_summary(rep));
	assert_int_equal(snet_inspect_report_loaded(rep), 1);
	snet_inspect_report_free(rep);
	assert_int_equal(rs->nrules, 1);
	assert_non_null(rs->rules[0]->ct);
	assert_string_equal(rs->rules[0]->ct->desc, "A Test Class");
	snet_inspect_ruleset_unref(rs);

	/* a file named in the configuration wins over the directory's */
	write_text(dir, "other.config", "config classification: snet-test-class,Named,3\n");
	snprintf(cmd, sizeof(cmd), "%s/other.config", dir);
	assert_int_equal(snet_inspect_config_set(cfg, "classification-file", cmd), 0);
	assert_int_equal(snet_inspect_ruleset_load(cfg, p, 1, &rs, &rep), 0);
	snet_inspect_report_free(rep);
	assert_string_equal(rs->rules[0]->ct->desc, "Named");
	snet_inspect_ruleset_unref(rs);
	snet_inspect_config_free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static size_t count_cache_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "snet-", 5) && strlen(de->d_name) == 74;
	closedir(d);
	return n;
}

static void load_one(struct snet_inspect_config *cfg, const char *dir, int k, bool *hit)
{
	char rules[64], path[4200], text[256];
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;

	snprintf(rules, sizeof(rules), "set%d.rules", k);
	snprintf(text, sizeof(text), "alert tcp any any -> any any (msg:\"k\"; "
		 "content:\"pattern-%d\"; sid:%d; rev:1;)\n", k, 100 + k);
	write_text(dir, rules, text);
	snprintf(path, sizeof(path), "%s/%s", dir, rules);
	const char *p[] = { path };
	if (snet_inspect_ruleset_load(cfg, p, 1, &rs, &rep))
		fail_msg("%s", snet_inspect_report_summary(rep));
	*hit = snet_inspect_ruleset_from_cache(rs) == 1;
	snet_inspect_report_free(rep);
	snet_inspect_ruleset_unref(rs);
}

/* the cache keeps the cache-keep most recently used databases */
static void cache_keep_prunes(void **state)
{
	(void)state;
	char dir[] = "/tmp/snet-test-cache-XXXXXX", cache[4200], cmd[4300];
	struct snet_inspect_config *cfg;
	bool hit;

	assert_non_null(mkdtemp(dir));
	/* missing parents are made, as /var/cache/snet outside systemd */
	snprintf(cache, sizeof(cache), "%s/a/b/cache", dir);
	assert_int_equal(snet_inspect_config_new(&cfg), 0);
	assert_int_equal(snet_inspect_config_set(cfg, "cache-dir", cache), 0);
	assert_int_equal(snet_inspect_config_set(cfg, "cache-keep", "0"), -EINVAL);
	assert_int_equal(snet_inspect_config_set(cfg, "cache-keep", "2"), 0);
	load_one(cfg, dir, 1, &hit);
	assert_false(hit);
	/* not ours: never removed */
	write_text(cache, "notes.txt", "x");
	write_text(cache, "snet-0000.hsdb", "x");
	load_one(cfg, dir, 2, &hit);
	load_one(cfg, dir, 3, &hit);
	assert_false(hit);
	assert_int_equal(count_cache_files(cache), 2);
	load_one(cfg, dir, 1, &hit);	/* pruned: compiled again */
	assert_false(hit);
	/* now 3 and 1 are kept; a hit on 3 makes it newer than 1 */
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	load_one(cfg, dir, 3, &hit);
	assert_true(hit);
	nanosleep(&pause, NULL);
	load_one(cfg, dir, 4, &hit);
	assert_false(hit);
	assert_int_equal(count_cache_files(cache), 2);
	load_one(cfg, dir, 3, &hit);
	assert_true(hit);
	load_one(cfg, dir, 4, &hit);
	assert_true(hit);
	snprintf(cmd, sizeof(cmd), "%s/notes.txt", cache);
	assert_int_equal(access(cmd, F_OK), 0);
	snprintf(cmd, sizeof(cmd), "%s/snet-0000.hsdb", cache);
	assert_int_equal(access(cmd, F_OK), 0);
	snet_inspect_config_free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * Workers of one rule set on threads: a pcre is compiled to machine code
 * on its first use, once, under a lock (match.c), and the first packets
 * of every thread race for it.  Each thread must see every match, and
 * only the pcres that ran are compiled.  (ThreadSanitizer cannot check
 * the lock itself: it does not see into PCRE2.)
 */
#define PCRE_THREADS 4
#define PCRE_ROUNDS 300

struct pcre_thread {
	struct snet_inspect_ruleset *rs;
	pthread_barrier_t *start;	/* the first packets of all at once */
	int index;
	unsigned hits[3];	/* sids 1, 2, 3 */
	int err;
};

static void *pcre_thread_run(void *arg)
{
	struct pcre_thread *t = arg;
	struct snet_inspect_worker *w;
	t->err = snet_inspect_worker_new(t->rs, NULL, &w);
	pthread_barrier_wait(t->start);
	if (t->err)
		return NULL;
	uint8_t b[256];
	char src[32];
	snprintf(src, sizeof(src), "10.0.%d.1", t->index);
	for (int i = 0; i < PCRE_ROUNDS && !t->err; i++) {
		static const char *const msgs[] = { "id=12345!", "cmd=run&x=1", "nothing here" };
		const char *d = msgs[i % 3];
		size_t n = tu_udp(b, src, "10.9.9.9", (uint16_t)(2000 + i), 5353, d, strlen(d));
		struct timespec ts = { 1700000000 + i, 0 };
		struct snet_inspect_verdict v;
		t->err = snet_inspect_worker_packet(w, b, n, &ts, NULL, &v);
		for (unsigned s = 1; s <= 3; s++)
			t->hits[s - 1] += tu_has_sid(&v, s);
	}
	snet_inspect_worker_free(w);
	return NULL;
}

static void pcre_first_use_threads(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = load_ok(
		"alert udp any any -> any any (msg:\"p\"; pcre:\"/id=[0-9]{5}!/\"; sid:1;)\n"
		"alert udp any any -> any any (msg:\"c\"; content:\"cmd=\"; "
		"pcre:\"/^(run|exec)&/R\"; sid:2;)\n"
		"alert udp any any -> any any (msg:\"n\"; content:\"zz\"; pcre:\"/zz+y/\"; sid:3;)\n");
	/* no pcre is compiled before it runs */
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct smlist *l = rule_list(rs->rules[i], BUF_PAYLOAD);
		for (size_t k = 0; k < l->n; k++)
			if (l->v[k].type == SM_PCRE)
				assert_int_equal(atomic_load(&l->v[k].u.pcre.jit), PCRE_JIT_PENDING);
	}
	struct pcre_thread t[PCRE_THREADS];
	pthread_t tid[PCRE_THREADS];
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, PCRE_THREADS), 0);
	for (int i = 0; i < PCRE_THREADS; i++) {
		t[i] = (struct pcre_thread){ .rs = rs, .start = &start, .index = i };
		assert_int_equal(pthread_create(&tid[i], NULL, pcre_thread_run, &t[i]), 0);
	}
	for (int i = 0; i < PCRE_THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(t[i].err, 0);
		assert_int_equal(t[i].hits[0], PCRE_ROUNDS / 3);
		assert_int_equal(t[i].hits[1], PCRE_ROUNDS / 3);
		assert_int_equal(t[i].hits[2], 0);
	}
	pthread_barrier_destroy(&start);
	/* the two that ran are compiled; the third never ran */
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct smlist *l = rule_list(rs->rules[i], BUF_PAYLOAD);
		for (size_t k = 0; k < l->n; k++)
			if (l->v[k].type == SM_PCRE)
				assert_int_equal(atomic_load(&l->v[k].u.pcre.jit),
						 rs->rules[i]->sid == 3 ? PCRE_JIT_PENDING :
						 PCRE_JIT_READY);
	}
	snet_inspect_ruleset_unref(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(action_order),
		cmocka_unit_test(http_memory_cached),
		cmocka_unit_test(http_gzip_memory),
		cmocka_unit_test(threshold_many_addresses),
		cmocka_unit_test(cross_segment),
		cmocka_unit_test(no_prefilter_per_side),
		cmocka_unit_test(memmem_anchor_leftmost),
		cmocka_unit_test(memmem_anchor_long),
		cmocka_unit_test(ipv6_flow),
		cmocka_unit_test(home_classes),
		cmocka_unit_test(addr_range_edges),
		cmocka_unit_test(flowbits_and_threshold),
		cmocka_unit_test(reload_keeps_flow_ruleset),
		cmocka_unit_test(failed_load_leaves_old),
		cmocka_unit_test(malformed_corpus),
		cmocka_unit_test(requires_skips),
		cmocka_unit_test(eve_fields_and_reopen),
		cmocka_unit_test(eve_lines_exact),
		cmocka_unit_test(eve_lines_as_jansson_dumps),
		cmocka_unit_test(check_only),
		cmocka_unit_test(classification_from_rules_dir),
		cmocka_unit_test(cache_keep_prunes),
		cmocka_unit_test(pcre_first_use_threads),
	};
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
