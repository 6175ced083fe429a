// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow table under pressure: flow-memcap and flow-max refuse new flows
 * (counted in flows_memcap), the memory in use stays under the cap, packets
 * of refused flows are still inspected per packet, and flows idle past
 * their timeout are evicted to make room.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

#define RULES \
	"alert udp any any -> any any (msg:\"pkt\"; content:\"PKT\"; sid:1;)\n" \
	"alert udp any any -> any any (msg:\"set\"; content:\"LOGIN\"; flowbits:set,in; flowbits:noalert; sid:2;)\n" \
	"alert udp any any -> any any (msg:\"chk\"; content:\"CMD\"; flowbits:isset,in; sid:3;)\n"

static struct snet_inspect_stats stats(struct snet_inspect_worker *w)
{
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(w, &st);
	return st;
}

/*
 * The flow table starts with a few thousand buckets and doubles as flows
 * come: every flow must still be found, from either side, after the
 * moves (its flowbit set by its first packet is seen by its last).
 */
static void table_grows_flows_found(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = tu_load_ok(RULES, NULL);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	char src[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(src, sizeof(src), "10.0.%d.%d", i / 250, i % 250 + 1);
		tu_udp_send(w, src, "192.0.2.1", (uint16_t)(20000 + i % 7), 53000, "LOGIN", 0, &v);
	}
	struct snet_inspect_stats st = stats(w);
	assert_int_equal(st.flows_created, 10000);
	assert_int_equal(st.flows_active, 10000);
	for (int i = 0; i < 10000; i++) {
		snprintf(src, sizeof(src), "10.0.%d.%d", i / 250, i % 250 + 1);
		tu_udp_send(w, "192.0.2.1", src, 53000, (uint16_t)(20000 + i % 7), "CMD", 1, &v);
		if (!tu_has_sid(&v, 3))
			fail_msg("flow %d (%s) not found again", i, src);
	}
	st = stats(w);
	assert_int_equal(st.flows_created, 10000);
	assert_int_equal(st.flows_memcap, 0);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static void memcap_refuses_and_counts(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "64kb", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(RULES, kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	/* many more flows than 64 KiB can hold */
	for (int i = 0; i < 2000; i++) {
		assert_true(tu_udp_send(w, "10.0.0.1", "192.0.2.1", (uint16_t)(10000 + i), 53000,
					"PKT", 0, &v) >= 0);
		/* refused or not, the packet is inspected */
		assert_true(v.scanned);
		assert_true(tu_has_sid(&v, 1));
	}
	struct snet_inspect_stats st = stats(w);
	assert_true(st.flows_memcap > 0);
	assert_int_equal(st.flows_created + st.flows_memcap, 2000);
	assert_true(st.flow_memory <= 64 * 1024);
	assert_true(st.flows_active == st.flows_created);
	assert_int_equal(st.packets_seen, st.packets_scanned);
	/* a refused flow has no flow state: its flowbits do not persist */
	tu_udp_send(w, "10.0.0.9", "192.0.2.1", 999, 53000, "LOGIN", 1, &v);
	tu_udp_send(w, "10.0.0.9", "192.0.2.1", 999, 53000, "CMD", 1, &v);
	assert_false(tu_has_sid(&v, 3));
	assert_int_equal(stats(w).flows_memcap, st.flows_memcap + 2);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static void idle_flows_evicted_for_new_ones(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "64kb", "udp-timeout", "30", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(RULES, kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	for (int i = 0; i < 2000; i++)
		tu_udp_send(w, "10.0.0.1", "192.0.2.1", (uint16_t)(10000 + i), 53000, "x", 0, &v);
	struct snet_inspect_stats full = stats(w);
	assert_true(full.flows_memcap > 0);
	/* within the timeout the table stays full: a new flow is refused */
	tu_udp_send(w, "10.0.0.2", "192.0.2.1", 5000, 53000, "LOGIN", 20, &v);
	assert_int_equal(stats(w).flows_memcap, full.flows_memcap + 1);
	/* past it the idle flows go and the new flow is tracked */
	tu_udp_send(w, "10.0.0.3", "192.0.2.1", 5001, 53000, "LOGIN", 40, &v);
	tu_udp_send(w, "10.0.0.3", "192.0.2.1", 5001, 53000, "CMD", 40.5, &v);
	assert_true(tu_has_sid(&v, 3));
	struct snet_inspect_stats st = stats(w);
	assert_int_equal(st.flows_memcap, full.flows_memcap + 1);
	assert_true(st.flows_ended >= full.flows_created);
	assert_true(st.flow_memory <= 64 * 1024);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* expiry stops at the first recent flow only while packet times are in
 * order: here an idle flow sits behind a recent one in the list */
static void idle_flow_expired_out_of_time_order(void **state)
{
	(void)state;
	const char *kv[] = { "udp-timeout", "30", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(RULES, kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	tu_udp_send(w, "10.0.0.1", "192.0.2.1", 10000, 53000, "x", 115, NULL);
	tu_udp_send(w, "10.0.0.1", "192.0.2.1", 10001, 53000, "x", 0, NULL);
	assert_int_equal(stats(w).flows_ended, 0);
	tu_udp_send(w, "10.0.0.1", "192.0.2.1", 10002, 53000, "x", 120, NULL);
	struct snet_inspect_stats st = stats(w);
	assert_int_equal(st.flows_ended, 1);
	assert_int_equal(st.flows_active, 2);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

static void flow_max_refuses(void **state)
{
	(void)state;
	const char *kv[] = { "flow-max", "10", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(RULES, kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	for (int i = 0; i < 15; i++)
		tu_udp_send(w, "10.0.0.1", "192.0.2.1", (uint16_t)(10000 + i), 53000, "x", 0, NULL);
	struct snet_inspect_stats st = stats(w);
	assert_int_equal(st.flows_created, 10);
	assert_int_equal(st.flows_active, 10);
	assert_int_equal(st.flows_memcap, 5);
	/* packets of tracked flows still find their flow */
	tu_udp_send(w, "10.0.0.1", "192.0.2.1", 10003, 53000, "x", 1, NULL);
	assert_int_equal(stats(w).flows_memcap, 5);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* TCP: the out-of-order segments a flow holds count against the cap */
static void tcp_ooo_capped(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "64kb", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(
		"alert tcp any any -> any any (msg:\"s\"; content:\"NEEDLE\"; sid:1;)\n", kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn c = { 0 };
	tu_conn_open(&c, w, 80);
	static char chunk[8001];
	memset(chunk, 'o', 8000);
	/* segments after a hole: held until the memory runs out */
	for (uint32_t i = 0; i < 20; i++)
		tu_conn_send_at(&c, 100 + i * 8000, chunk, 8000, NULL);
	struct snet_inspect_stats st = stats(w);
	assert_true(st.reassembly_ooo_dropped > 0);
	assert_true(st.flow_memory <= 64 * 1024);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* a POST of a body of len bytes: "HEADMARK", filler, "TAILMARK" */
static void post_body(struct tu_conn *c, size_t len, struct snet_inspect_verdict *all)
{
	char hdr[128];
	int hn = snprintf(hdr, sizeof(hdr), "POST /up HTTP/1.1\r\nHost: h\r\n"
			  "Content-Length: %zu\r\n\r\n", len);
	char *body = malloc(len);
	assert_non_null(body);
	memset(body, 'a', len);
	memcpy(body, "HEADMARK", 8);
	memcpy(body + len - 8, "TAILMARK", 8);
	struct snet_inspect_verdict v;
	memset(all, 0, sizeof(*all));
	tu_conn_send(c, hdr, (size_t)hn, &v);
	for (size_t off = 0; off < len; off += 1400) {
		tu_conn_send(c, body + off, len - off < 1400 ? len - off : 1400, &v);
		for (unsigned i = 0; i < v.nalerts_kept && all->nalerts_kept < SNET_INSPECT_MAX_ALERTS; i++)
			all->alerts[all->nalerts_kept++] = v.alerts[i];
	}
	free(body);
}

#define BODY_RULES \
	"alert http any any -> any any (msg:\"head\"; http.request_body; content:\"HEADMARK\"; sid:1;)\n" \
	"alert http any any -> any any (msg:\"tail\"; http.request_body; content:\"TAILMARK\"; sid:2;)\n"

/*
 * HTTP parser state grows only under the cap: a request body is kept up
 * to where memory was refused (its start still inspected, no gap inside
 * it), and the refusal is counted.
 */
static void http_body_cut_at_memcap(void **state)
{
	(void)state;
	struct snet_inspect_verdict all;
	struct tu_conn c = { 0 };
	/* the same body under the default cap: both ends seen */
	const char *roomy[] = { "http-body-limit", "1mb", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(BODY_RULES, roomy);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	tu_conn_open(&c, w, 80);
	post_body(&c, 200000, &all);
	assert_true(tu_has_sid(&all, 1));
	assert_true(tu_has_sid(&all, 2));
	assert_int_equal(stats(w).http_memcap, 0);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);

	const char *tight[] = { "http-body-limit", "1mb", "flow-memcap", "64kb", NULL };
	rs = tu_load_ok(BODY_RULES, tight);
	assert_non_null(rs);
	w = tu_worker(rs);
	tu_conn_open(&c, w, 80);
	post_body(&c, 200000, &all);
	assert_true(tu_has_sid(&all, 1));
	assert_false(tu_has_sid(&all, 2));
	struct snet_inspect_stats st = stats(w);
	assert_int_equal(st.http_memcap, 1);	/* once: the body stops there */
	assert_true(st.flow_memory <= 64 * 1024);
	/* the flow goes on: the next request on it is parsed */
	post_body(&c, 100, &all);
	assert_true(tu_has_sid(&all, 1));
	assert_true(tu_has_sid(&all, 2));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* a header block that cannot be held stops its direction, counted */
static void http_headers_refused_at_memcap(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "64kb", NULL };
	struct snet_inspect_ruleset *rs = tu_load_ok(
		"alert http any any -> any any (msg:\"ua\"; http.user_agent; content:\"evil\"; sid:1;)\n",
		kv);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	struct tu_conn c = { 0 };
	tu_conn_open(&c, w, 80);
	/* a 60 KB header block: the parser's copy would pass the cap */
	static char filler[1401];
	memset(filler, 'x', 1400);
	tu_conn_send(&c, "GET / HTTP/1.1\r\nX-Pad: ", 23, &v);
	for (int i = 0; i < 43; i++)
		tu_conn_send(&c, filler, 1400, &v);
	tu_conn_send(&c, "\r\nUser-Agent: evil\r\n\r\n", 22, &v);
	assert_false(tu_has_sid(&v, 1));
	struct snet_inspect_stats st = stats(w);
	assert_true(st.http_memcap >= 1);
	assert_true(st.flow_memory <= 64 * 1024);
	/* nothing more is parsed on that side */
	tu_conn_send(&c, "GET / HTTP/1.1\r\nUser-Agent: evil\r\n\r\n", 36, &v);
	assert_false(tu_has_sid(&v, 1));
	/* another flow, with room, is */
	struct tu_conn c2 = { 0 };
	tu_conn_open(&c2, w, 8080);
	tu_conn_send(&c2, "GET / HTTP/1.1\r\nUser-Agent: evil\r\n\r\n", 36, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/* a ClientHello is gathered under the cap too: refused, it is not parsed */
static void tls_hello_refused_at_memcap(void **state)
{
	(void)state;
	const char *kv[] = { "flow-memcap", "64kb", NULL };
	static uint8_t hello[16384];
	size_t n = tu_client_hello_padded(hello, "victim.example", 15000);
	static char chunk[8000];
	memset(chunk, 'o', sizeof(chunk));
	for (int hog = 0; hog < 2; hog++) {
		struct snet_inspect_ruleset *rs = tu_load_ok(
			"alert tls any any -> any any (msg:\"sni\"; tls.sni; content:\"victim\"; sid:1;)\n",
			kv);
		assert_non_null(rs);
		struct snet_inspect_worker *w = tu_worker(rs);
		struct snet_inspect_verdict v;
		struct tu_conn c = { 0 };
		if (hog) {
			/* another flow's segments after a hole fill the cap */
			tu_conn_open(&c, w, 80);
			for (uint32_t i = 0; i < 10; i++)
				tu_conn_send_at(&c, 100 + i * 8000, chunk, sizeof(chunk), NULL);
		}
		tu_conn_open(&c, w, 443);
		int seen = 0;
		for (size_t off = 0; off < n; off += 1400) {
			tu_conn_send(&c, (const char *)hello + off, n - off < 1400 ? n - off : 1400, &v);
			seen |= tu_has_sid(&v, 1);
		}
		struct snet_inspect_stats st = stats(w);
		assert_int_equal(seen, !hog);
		assert_int_equal(st.tls_memcap, hog);
		assert_true(st.flow_memory <= 64 * 1024);
		tu_worker_free(w);
		snet_inspect_ruleset_unref(rs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_grows_flows_found),
		cmocka_unit_test(memcap_refuses_and_counts),
		cmocka_unit_test(idle_flows_evicted_for_new_ones),
		cmocka_unit_test(idle_flow_expired_out_of_time_order),
		cmocka_unit_test(flow_max_refuses),
		cmocka_unit_test(tcp_ooo_capped),
		cmocka_unit_test(http_body_cut_at_memcap),
		cmocka_unit_test(http_headers_refused_at_memcap),
		cmocka_unit_test(tls_hello_refused_at_memcap),
	};
	return cmocka_run_group_tests_name("flows", tests, NULL, NULL);
}
