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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_grows_flows_found),
		cmocka_unit_test(memcap_refuses_and_counts),
		cmocka_unit_test(idle_flows_evicted_for_new_ones),
		cmocka_unit_test(idle_flow_expired_out_of_time_order),
		cmocka_unit_test(flow_max_refuses),
		cmocka_unit_test(tcp_ooo_capped),
	};
	return cmocka_run_group_tests_name("flows", tests, NULL, NULL);
}
