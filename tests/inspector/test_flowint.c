// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flowint, as Suricata runs it: per-flow integers that rules add to, set
 * and compare; a rule that modifies is ordered before one that reads, the
 * modification happens once the rule matched, a comparison needs its
 * variable set (a target variable not set is 0), '+' sets a variable not
 * set and '-' leaves it unset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "testutil.h"

#define RULES \
	/* the reader first in the file: the order must come from the rule set */ \
	"alert tcp any any -> any 7100 (msg:\"third failure\"; content:\"FAIL\"; " \
	"flowint:fails,>=,3; sid:1;)\n" \
	"alert tcp any any -> any 7100 (msg:\"count\"; content:\"FAIL\"; flowint:fails,+,1; " \
	"noalert; sid:2;)\n" \
	"alert tcp any any -> any 7100 (msg:\"first hello\"; content:\"HELLO\"; " \
	"flowint:fails,notset; sid:3;)\n" \
	"alert tcp any any -> any 7100 (msg:\"limit\"; content:\"LIMIT\"; flowint:limit,=,2; " \
	"noalert; sid:4;)\n" \
	"alert tcp any any -> any 7100 (msg:\"over limit\"; content:\"FAIL\"; " \
	"flowint:fails,>,limit; sid:5;)\n" \
	"alert tcp any any -> any 7100 (msg:\"dec\"; content:\"DEC\"; flowint:down,-,1; " \
	"noalert; sid:6;)\n" \
	"alert tcp any any -> any 7100 (msg:\"down set\"; content:\"DEC\"; flowint:down,isset; " \
	"sid:7;)\n" \
	"alert tcp any any -> any 7100 (msg:\"equal\"; content:\"EQ\"; flowint:fails,==,limit; " \
	"flowint:fails,!=,0; sid:9;)\n" \
	"alert icmp any any -> any any (msg:\"ping\"; itype:8; flowint:pings,+,1; sid:8;)\n"

static unsigned sids(const struct snet_inspect_verdict *v)
{
	unsigned m = 0;
	for (unsigned s = 1; s <= 9; s++)
		if (tu_has_sid(v, s))
			m |= 1u << s;
	return m;
}

static void counting(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup(RULES, &rs, &w);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 7100);
	static const struct { const char *data; unsigned want; } steps[] = {
		/* no variable yet: notset holds, '-' leaves "down" unset */
		{ "HELLO\n", 1u << 3 },
		{ "DEC\n", 0 },
		/* fails = 1; over "limit", which is not set (0) */
		{ "FAIL\n", 1u << 5 },
		{ "HELLO\n", 0 },
		{ "LIMIT\n", 0 },
		/* fails = 2: not over limit 2, not 3 yet; equal to it */
		{ "FAIL\n", 0 },
		{ "EQ\n", 1u << 9 },
		/* fails = 3, set before sid 1 reads it */
		{ "FAIL\n", 1u << 1 | 1u << 5 },
		{ "FAIL\n", 1u << 1 | 1u << 5 },
		{ "DEC\n", 0 },
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		tu_conn_send(&c, steps[i].data, strlen(steps[i].data), &v);
		if (sids(&v) != steps[i].want)
			fail_msg("step %zu (%.4s): sids %#x, want %#x", i, steps[i].data, sids(&v),
				 steps[i].want);
	}
	/* another flow starts with no variables */
	struct tu_conn c2 = { 0 };
	c2.v6 = 1;
	tu_conn_open(&c2, w, 7100);
	tu_conn_send(&c2, "FAIL\n", 5, &v);
	assert_int_equal(sids(&v), 1u << 5);
	tu_conn_send(&c2, "HELLO\n", 6, &v);
	assert_int_equal(sids(&v), 0);
	tu_teardown(&rs, &w);
}

/* no flow (ICMP): a rule that only modifies still matches */
static void no_flow(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup(RULES, &rs, &w);
	uint8_t pkt[128];
	size_t n = tu_icmp(pkt, "10.0.0.1", "10.0.0.2", 8, 0, "ping", 4);
	struct timespec ts = { 1700000000, 0 };
	struct snet_inspect_verdict v;
	assert_int_equal(snet_inspect_worker_packet(w, pkt, n, &ts, NULL, &v), 0);
	assert_true(tu_has_sid(&v, 8));
	tu_teardown(&rs, &w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counting),
		cmocka_unit_test(no_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
