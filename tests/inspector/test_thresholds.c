// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * threshold (types limit, threshold, both) and detection_filter, tracked
 * by_src and by_dst, with their time windows: which matches of a sequence
 * alert.  Suricata's meaning (docs/rules.md):
 *   limit N       the first N matches of a window alert
 *   threshold N   every Nth match of a window alerts
 *   both N        the Nth match of a window alerts, once
 *   detection_filter N   every match after the Nth of a window alerts
 * Past a limit's count (and a both's), a match acts without an alert: a
 * drop rule keeps dropping.  A match a threshold, both or detection_filter
 * has not reached yet neither alerts nor acts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

/* one matching packet: from src to dst at time t */
struct step {
	const char *src, *dst;
	double t;
	int alert;
};

struct tcase {
	const char *name;
	const char *opt;	/* the threshold or detection_filter option */
	struct step steps[12];
};

#define A "10.0.0.1"
#define B "10.0.0.2"
#define X "192.0.2.1"
#define Y "192.0.2.2"

static const struct tcase cases[] = {
	{ "limit_by_src", "threshold:type limit, track by_src, count 2, seconds 60;", {
		{ A, X, 0, 1 }, { A, Y, 1, 1 }, { A, X, 2, 0 }, { A, Y, 3, 0 },
		{ B, X, 4, 1 },			/* another source: its own count */
		{ A, X, 61, 1 }, { A, X, 62, 1 }, { A, X, 63, 0 },	/* a new window */
		{ 0 } } },
	{ "limit_by_dst", "threshold:type limit, track by_dst, count 1, seconds 60;", {
		{ A, X, 0, 1 }, { B, X, 1, 0 }, { A, Y, 2, 1 }, { B, Y, 3, 0 },
		{ B, X, 70, 1 },
		{ 0 } } },
	{ "threshold_by_src", "threshold:type threshold, track by_src, count 3, seconds 60;", {
		{ A, X, 0, 0 }, { A, X, 1, 0 }, { A, X, 2, 1 },
		{ A, X, 3, 0 }, { B, X, 4, 0 }, { A, X, 5, 0 }, { A, X, 6, 1 },
		{ A, X, 61, 0 }, { A, X, 62, 0 }, { A, X, 63, 1 },
		{ 0 } } },
	{ "threshold_by_dst", "threshold:type threshold, track by_dst, count 2, seconds 60;", {
		{ A, X, 0, 0 }, { B, X, 1, 1 }, { A, Y, 2, 0 }, { A, X, 3, 0 }, { B, X, 4, 1 },
		{ B, Y, 5, 1 },
		{ 0 } } },
	{ "both_by_src", "threshold:type both, track by_src, count 3, seconds 60;", {
		{ A, X, 0, 0 }, { A, Y, 1, 0 }, { A, X, 2, 1 }, { A, X, 3, 0 }, { A, X, 4, 0 },
		{ A, X, 5, 0 }, { A, X, 6, 0 },
		{ A, X, 61, 0 }, { A, X, 62, 0 }, { A, X, 63, 1 },
		{ 0 } } },
	{ "both_by_dst", "threshold:type both, track by_dst, count 2, seconds 60;", {
		{ A, X, 0, 0 }, { B, X, 1, 1 }, { A, X, 2, 0 }, { B, X, 3, 0 },
		{ A, Y, 4, 0 }, { B, Y, 5, 1 },
		{ 0 } } },
	{ "detection_filter_by_src", "detection_filter:track by_src, count 2, seconds 60;", {
		{ A, X, 0, 0 }, { A, X, 1, 0 }, { A, X, 2, 1 }, { A, Y, 3, 1 }, { B, X, 4, 0 },
		{ A, X, 61, 0 }, { A, X, 62, 0 }, { A, X, 63, 1 },
		{ 0 } } },
	{ "detection_filter_by_dst", "detection_filter:track by_dst, count 1, seconds 60;", {
		{ A, X, 0, 0 }, { B, X, 1, 1 }, { A, Y, 2, 0 }, { A, X, 3, 1 },
		{ 0 } } },
	/* by_rule: one count for the rule, whoever sends */
	{ "limit_by_rule", "threshold:type limit, track by_rule, count 2, seconds 60;", {
		{ A, X, 0, 1 }, { B, Y, 1, 1 }, { A, Y, 2, 0 }, { B, X, 3, 0 },
		{ B, Y, 61, 1 },
		{ 0 } } },
	/* by_both: one count per pair of hosts, either direction */
	{ "limit_by_both", "threshold:type limit, track by_both, count 1, seconds 60;", {
		{ A, X, 0, 1 }, { X, A, 1, 0 }, { A, X, 2, 0 }, { A, Y, 3, 1 },
		{ B, X, 4, 1 }, { Y, A, 5, 0 },
		{ 0 } } },
};

static void run_case(void **state)
{
	const struct tcase *c = *state;
	char rule[512];
	snprintf(rule, sizeof(rule),
		 "alert udp any any -> any any (msg:\"t\"; content:\"HIT\"; %s sid:1; rev:1;)\n",
		 c->opt);
	struct snet_inspect_ruleset *rs = tu_load_ok(rule, NULL);
	assert_non_null(rs);
	struct snet_inspect_worker *w = tu_worker(rs);
	assert_non_null(w);
	for (int i = 0; c->steps[i].src; i++) {
		const struct step *s = &c->steps[i];
		struct snet_inspect_verdict v;
		/* a source port per packet: thresholds are not per flow */
		assert_true(tu_udp_send(w, s->src, s->dst, (uint16_t)(3000 + i), 53000, "xHITx", s->t,
					&v) >= 0);
		if (tu_has_sid(&v, 1) != s->alert)
			fail_msg("%s: step %d (%s -> %s at %.0fs): %s, want %s", c->name, i, s->src,
				 s->dst, s->t, tu_has_sid(&v, 1) ? "alert" : "no alert",
				 s->alert ? "alert" : "no alert");
	}
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
}

/*
 * What each type does to a drop rule's action, as Suricata: limit and both
 * past their count drop without an alert (the limit is on alerts, not on
 * protection); before their count threshold, both and detection_filter
 * neither drop nor alert.
 */
static void thresholded_actions(void **state)
{
	(void)state;
	static const struct {
		const char *opt;
		int act[5];	/* 1: dropped */
		int alert[5];
	} t[] = {
		{ "threshold:type limit, track by_src, count 2, seconds 60;",
		  { 1, 1, 1, 1, 1 }, { 1, 1, 0, 0, 0 } },
		{ "threshold:type both, track by_src, count 2, seconds 60;",
		  { 0, 1, 1, 1, 1 }, { 0, 1, 0, 0, 0 } },
		{ "threshold:type threshold, track by_src, count 2, seconds 60;",
		  { 0, 1, 0, 1, 0 }, { 0, 1, 0, 1, 0 } },
		{ "detection_filter:track by_src, count 2, seconds 60;",
		  { 0, 0, 1, 1, 1 }, { 0, 0, 1, 1, 1 } },
	};
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		char rule[512];
		snprintf(rule, sizeof(rule), "drop udp any any -> any any (msg:\"d\"; "
			 "content:\"BAD\"; %s sid:1;)\n", t[k].opt);
		struct snet_inspect_ruleset *rs = tu_load_ok(rule, NULL);
		assert_non_null(rs);
		struct snet_inspect_worker *w = tu_worker(rs);
		for (int i = 0; i < 5; i++) {
			struct snet_inspect_verdict v;
			int a = tu_udp_send(w, A, X, (uint16_t)(1000 + i), 2000, "BAD", i, &v);
			if ((a == SNET_INSPECT_DROP) != t[k].act[i] ||
			    tu_has_sid(&v, 1) != t[k].alert[i])
				fail_msg("%s match %d: %s, %s", t[k].opt, i + 1,
					 a == SNET_INSPECT_DROP ? "dropped" : "accepted",
					 tu_has_sid(&v, 1) ? "alert" : "no alert");
		}
		tu_worker_free(w);
		snet_inspect_ruleset_unref(rs);
	}
}

/* threshold.config: suppressions and thresholds set without editing rules */
static void threshold_config(void **state)
{
	(void)state;
	char path[] = "/tmp/snet-test-threshold-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] =
		"# tuning\n"
		"suppress gen_id 1, sig_id 1, track by_src, ip [10.0.0.1,10.9.0.0/16]\n"
		"suppress gen_id 1, sig_id 2, track by_dst, \\\n"
		"    ip 192.0.2.1\n"
		"suppress gen_id 1, sig_id 3\n"
		"suppress gen_id 1, sig_id 5\n"
		"threshold gen_id 1, sig_id 4, type limit, track by_src, count 1, seconds 60\n"
		"event_filter gen_id 7, sig_id 0, type limit, track by_rule, count 2, seconds 60\n"
		"rate_filter gen_id 1, sig_id 8, track by_src, count 2, seconds 60, new_action drop, timeout 30\n"
		"threshold gen_id 1, sig_id 1, type limit, track by_flow, count 1, seconds 1\n"
		"suppress gen_id 1, sig_id 99\n"
		"suppress gen_id 1, sig_id 1, track by_src\n"
		"bogus gen_id 1\n"
		"rate_filter gen_id 1, sig_id 8, track by_src, count 2, seconds 60, new_action sdrop, timeout 30\n";
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	const char *kv[] = { "threshold-file", path, NULL };
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	assert_int_equal(tu_load_with(
		"alert udp any any -> any any (msg:\"1\"; content:\"ONE\"; sid:1;)\n"
		"drop udp any any -> any any (msg:\"2\"; content:\"TWO\"; sid:2;)\n"
		"alert udp any any -> any any (msg:\"3\"; content:\"THREE\"; sid:3;)\n"
		"alert udp any any -> any any (msg:\"4\"; content:\"FOUR\"; "
		"threshold:type limit, track by_src, count 5, seconds 60; sid:4;)\n"
		"drop udp any any -> any any (msg:\"5\"; content:\"FIVE\"; sid:5;)\n"
		"alert udp any any -> any any (msg:\"6\"; content:\"SIX\"; gid:7; sid:6;)\n"
		"alert udp any any -> any any (msg:\"8\"; content:\"EIGHT\"; sid:8;)\n",
		kv, &rs, &rep), 0);
	/* each line it could not use, with its line and reason */
	static const char *const want[] = {
		":10: track by_flow is not supported; line ignored",
		":11: no rule 1:99 is loaded",
		":12: a suppress with track needs ip, and ip needs track; line ignored",
		":13: 'bogus' is not suppress, threshold, event_filter or rate_filter; line ignored",
		":14: new_action sdrop is not supported; line ignored",
	};
	assert_int_equal(snet_inspect_report_message_count(rep), 5);
	for (size_t i = 0; i < 5; i++) {
		const char *m = snet_inspect_report_message(rep, i);
		if (strncmp(m, path, strlen(path)) || strcmp(m + strlen(path), want[i]))
			fail_msg("message %zu: '%s', want '%s%s'", i, m, path, want[i]);
	}
	snet_inspect_report_free(rep);
	unlink(path);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct snet_inspect_verdict v;
	/* sid 1 suppressed from A and 10.9/16, not from B */
	tu_udp_send(w, A, X, 1000, 2000, "ONE", 0, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_udp_send(w, "10.9.3.4", X, 1000, 2000, "ONE", 0, &v);
	assert_false(tu_has_sid(&v, 1));
	tu_udp_send(w, B, X, 1000, 2000, "ONE", 0, &v);
	assert_true(tu_has_sid(&v, 1));
	/* sid 2, a drop rule, suppressed towards X: neither drop nor alert */
	assert_int_equal(tu_udp_send(w, A, X, 1001, 2000, "TWO", 1, &v), SNET_INSPECT_ACCEPT);
	assert_false(tu_has_sid(&v, 2));
	assert_int_equal(tu_udp_send(w, A, Y, 1001, 2000, "TWO", 1, &v), SNET_INSPECT_DROP);
	assert_true(tu_has_sid(&v, 2));
	/* sids 3 and 5 suppressed whole: noalert, and sid 5 still drops */
	tu_udp_send(w, A, X, 1002, 2000, "THREE", 2, &v);
	assert_int_equal(v.nalerts, 0);
	assert_int_equal(tu_udp_send(w, A, X, 1003, 2000, "FIVE", 2, &v), SNET_INSPECT_DROP);
	assert_int_equal(v.nalerts, 0);
	/* sid 4's own limit of 5 replaced by 1 */
	tu_udp_send(w, A, X, 1004, 2000, "FOUR", 3, &v);
	assert_true(tu_has_sid(&v, 4));
	tu_udp_send(w, A, X, 1004, 2000, "FOUR", 4, &v);
	assert_false(tu_has_sid(&v, 4));
	/* gen_id 7, sig_id 0: limit 2 for the rule, whatever the addresses */
	int n = 0;
	for (int i = 0; i < 4; i++) {
		tu_udp_send(w, i % 2 ? A : B, i < 2 ? X : Y, (uint16_t)(1010 + i), 2000, "SIX", 5 + i, &v);
		n += tu_has_sid(&v, 6);
	}
	assert_int_equal(n, 2);
	/* sid 8, an alert rule: from the third match in 60 s from one source,
	 * it drops for 30 s (and alerts as the drop it now is) */
	static const struct { const char *src; int t, drop; } rf[] = {
		{ A, 20, 0 }, { A, 21, 0 }, { B, 22, 0 }, { A, 22, 1 }, { A, 40, 1 },
		{ B, 41, 0 }, { A, 52, 1 }, { A, 81, 0 }, { A, 82, 0 }, { A, 83, 1 },
	};
	for (size_t i = 0; i < sizeof(rf) / sizeof(rf[0]); i++) {
		int a = tu_udp_send(w, rf[i].src, X, (uint16_t)(1100 + i), 2000, "EIGHT",
				    rf[i].t, &v);
		if ((a == SNET_INSPECT_DROP) != rf[i].drop || !tu_has_sid(&v, 8))
			fail_msg("rate_filter step %zu (%s at %ds): %s, %s", i, rf[i].src, rf[i].t,
				 a == SNET_INSPECT_DROP ? "dropped" : "accepted",
				 tu_has_sid(&v, 8) ? "alert" : "no alert");
	}
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);

	/* a file that cannot be read fails the load, naming it */
	const char *kv2[] = { "threshold-file", "/nonexistent/threshold.config", NULL };
	assert_int_not_equal(tu_load_with(
		"alert udp any any -> any any (msg:\"1\"; content:\"ONE\"; sid:1;)\n",
		kv2, &rs, &rep), 0);
	assert_string_equal(snet_inspect_report_message(rep, 0),
			    "/nonexistent/threshold.config: No such file or directory");
	snet_inspect_report_free(rep);
}

/* thresholds belong to the rule set: two workers share the count */
static void shared_by_workers(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs = tu_load_ok(
		"alert udp any any -> any any (msg:\"l\"; content:\"HIT\"; "
		"threshold:type limit, track by_src, count 1, seconds 60; sid:1;)\n", NULL);
	assert_non_null(rs);
	struct snet_inspect_worker *w1 = NULL, *w2 = NULL;
	assert_int_equal(snet_inspect_worker_new(rs, NULL, &w1), 0);
	assert_int_equal(snet_inspect_worker_new(rs, NULL, &w2), 0);
	struct snet_inspect_verdict v;
	tu_udp_send(w1, A, X, 1000, 2000, "HIT", 0, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_udp_send(w2, A, X, 1001, 2000, "HIT", 1, &v);
	assert_false(tu_has_sid(&v, 1));
	snet_inspect_worker_free(w1);
	snet_inspect_worker_free(w2);
	snet_inspect_ruleset_unref(rs);
}

/* malformed threshold options are rejected with a message */
static void malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"threshold:type sometimes, track by_src, count 1, seconds 60;",
		"threshold:type limit, track by_flow, count 1, seconds 60;",
		"threshold:type limit, track by_src, seconds 60;",
		"detection_filter:track by_src, count 1;",
		"threshold:type limit, track by_src, count 1, seconds 60; "
		"detection_filter:track by_src, count 1, seconds 60;",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rule[512];
		snprintf(rule, sizeof(rule),
			 "alert udp any any -> any any (msg:\"t\"; content:\"x\"; %s sid:1;)\n", bad[i]);
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		if (tu_load(rule, &rs, &rep) == 0)
			fail_msg("loaded: %s", bad[i]);
		assert_int_equal(snet_inspect_report_rejected(rep), 1);
		assert_non_null(strstr(snet_inspect_report_message(rep, 0), ":1: sid 1: "));
		snet_inspect_report_free(rep);
	}
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct CMUnitTest *t = calloc(n + 4, sizeof(*t));
	assert_non_null(t);
	for (size_t i = 0; i < n; i++) {
		t[i].name = cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = (void *)&cases[i];
	}
	t[n].name = "thresholded_actions";
	t[n].test_func = thresholded_actions;
	t[n + 1].name = "shared_by_workers";
	t[n + 1].test_func = shared_by_workers;
	t[n + 2].name = "malformed";
	t[n + 2].test_func = malformed;
	t[n + 3].name = "threshold_config";
	t[n + 3].test_func = threshold_config;
	int rc = _cmocka_run_group_tests("thresholds", t, n + 4, NULL, NULL);
	free(t);
	return rc;
}
