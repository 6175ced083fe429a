// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the [inspect] and [nfqueue] sections of snetd.conf. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static struct snetd_config cfg;
static char err[512];

static int parse(const char *text)
{
	config_defaults(&cfg);
	return config_parse(text, "t.conf", &cfg, err, sizeof(err));
}

static void defaults_are_off_and_sane(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_false(cfg.nfq.enabled);
	assert_int_equal(cfg.nfq.queue_first, 0);
	assert_int_equal(cfg.nfq.queue_count, 2);
	assert_true(cfg.nfq.output);
	assert_false(cfg.nfq.input);
	assert_true(cfg.nfq.loopback);
	assert_int_equal(cfg.nfq.n_protocols, 2);
	assert_int_equal(cfg.nfq.label_mask, 0xffff0000u);
	assert_true(cfg.nfq.deny_ticket);
	assert_true(cfg.nfq.gso);
	assert_false(cfg.nfq.fail_open);
	assert_false(cfg.nfq.bypass);
	/* The shipped file parses. */
	{
		char *path = NULL, *text;

		assert_true(asprintf(&path, "%s/rules/snetd.conf",
				     getenv("SNET_TOP") ? getenv("SNET_TOP") : "../..") > 0);
		text = test_read(path);
		assert_non_null(text);
		config_defaults(&cfg);
		assert_int_equal(config_parse(text, path, &cfg, err, sizeof(err)), 0);
		free(text);
		free(path);
	}
}

static void every_key(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"[inspect]\n"
		"enabled = yes\n"
		"rules = /r/a.rules /r/dir\n"
		"config = /etc/snet/inspector.conf\n"
		"eve_log = /var/log/eve.json\n"
		"deny_ticket = no\n"
		"[nfqueue]\n"
		"external_ruleset = yes\n"
		"queues = 4-7\n"
		"balance = cpu\n"
		"queue_maxlen = 100\n"
		"fail_open = yes\n"
		"bypass = yes\n"
		"rcvbuf = 1048576\n"
		"batch = 16\n"
		"gso = no\n"
		"output = yes\n"
		"input = yes\n"
		"loopback = no\n"
		"protocols = tcp, icmp icmpv6\n"
		"ports = 80 443,8000-9000\n"
		"interfaces = eth0 wg0\n"
		"label_mask = 0x00ff0000\n"
		"self_mark = 0x1\n"
		"reject_mark = 0x2\n"
		"pass_ctmark = 0x4\n"), 0);
	assert_true(cfg.nfq.enabled);
	assert_string_equal(cfg.nfq.rules, "/r/a.rules /r/dir");
	assert_false(cfg.nfq.deny_ticket);
	assert_true(cfg.nfq.external_ruleset);
	assert_int_equal(cfg.nfq.queue_first, 4);
	assert_int_equal(cfg.nfq.queue_count, 4);
	assert_true(cfg.nfq.cpu_fanout);
	assert_int_equal(cfg.nfq.queue_maxlen, 100);
	assert_true(cfg.nfq.fail_open && cfg.nfq.bypass && cfg.nfq.input);
	assert_false(cfg.nfq.loopback);
	assert_int_equal(cfg.nfq.batch, 16);
	assert_false(cfg.nfq.gso);
	assert_int_equal(cfg.nfq.n_protocols, 3);
	assert_int_equal(cfg.nfq.protocols[1], 1);
	assert_int_equal(cfg.nfq.protocols[2], 58);
	assert_int_equal(cfg.nfq.n_ports, 3);
	assert_int_equal(cfg.nfq.ports[2].lo, 8000);
	assert_int_equal(cfg.nfq.ports[2].hi, 9000);
	assert_int_equal(cfg.nfq.n_ifaces, 2);
	assert_string_equal(cfg.nfq.ifaces[1], "wg0");
	assert_int_equal(cfg.nfq.label_mask, 0x00ff0000u);
	assert_int_equal(cfg.nfq.pass_ctmark, 4);
	/* One queue. */
	assert_int_equal(parse("[nfqueue]\nqueues = 9\n"), 0);
	assert_int_equal(cfg.nfq.queue_first, 9);
	assert_int_equal(cfg.nfq.queue_count, 1);
}

struct bad {
	const char *text, *why;
};

static void refuses_bad_values(void **state)
{
	static const struct bad bad[] = {
		{ "[nfqueue]\nqueues = 5-2\n", "t.conf:2: queues: a range of 1 to 64 queues" },
		{ "[nfqueue]\nqueues = 0-64\n", "t.conf:2: queues: a range of 1 to 64 queues" },
		{ "[nfqueue]\nqueues = x\n", "t.conf:2: queues: expected N or N-M (0-65535)" },
		{ "[nfqueue]\nbalance = random\n", "t.conf:2: balance: expected hash or cpu, got 'random'" },
		{ "[nfqueue]\nprotocols = tcp sctp\n", "t.conf:2: protocols: 'sctp' is not tcp, udp, icmp or icmpv6" },
		{ "[nfqueue]\nprotocols = tcp tcp\n", "t.conf:2: protocols: 'tcp' listed twice" },
		{ "[nfqueue]\nprotocols =\n", "t.conf:2: protocols: at least one" },
		{ "[nfqueue]\nports = 80 70-90\n", "t.conf:2: ports: '70-90' overlaps an earlier entry" },
		{ "[nfqueue]\nports = 0\n", "t.conf:2: ports: '0' is not PORT or LOW-HIGH (1-65535)" },
		{ "[nfqueue]\nports = 90-80\n", "t.conf:2: ports: '90-80': the range is empty" },
		{ "[nfqueue]\ninterfaces = lo\n", "t.conf:2: interfaces: loopback is chosen with 'loopback'" },
		{ "[nfqueue]\ninterfaces = averyveryverylongname\n", "t.conf:2: interfaces: 'averyveryverylongname' is not an interface name" },
		{ "[nfqueue]\nbatch = 0\n", "t.conf:2: batch: expected a number from 1 to 1024, got '0'" },
		{ "[nfqueue]\nqueues = 1\nqueues = 2\n", "t.conf:3: 'queues' set twice in [nfqueue]" },
		{ "[inspect]\nenabled = yes\n[nfqueue]\nlabel_mask = 0x00ff00ff\n", "t.conf:0: [nfqueue] label_mask must be one run of contiguous bits" },
		{ "[inspect]\nenabled = yes\n[nfqueue]\nself_mark = 0x10000\n", "t.conf:0: [nfqueue] self_mark and reject_mark must not overlap label_mask" },
		{ "[inspect]\nenabled = yes\n[nfqueue]\nreject_mark = 0x800\n", "t.conf:0: [nfqueue] self_mark and reject_mark must not overlap" },
		{ "[inspect]\nenabled = yes\nrules =\n", "t.conf:0: [inspect] rules must name at least one file or directory" },
		{ "[inspect]\nenabled = yes\n[nfqueue]\noutput = no\n", "t.conf:0: [nfqueue] output and input are both off: nothing would be inspected" },
		{ "[inspect]\nbogus = 1\n", "t.conf:2: unknown key 'bogus' in [inspect]" },
		{ "[inspect]\nenabled = yes\n[nfqueue]\nqueues = 65530-65535\n", "t.conf:0: [nfqueue] queues: with gso, the segment queues after the range must fit under 65536" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text), -EINVAL);
		assert_string_equal(err, bad[i].why);
	}
	/* Checks that need inspection on are not made while it is off. */
	assert_int_equal(parse("[nfqueue]\nlabel_mask = 0x00ff00ff\n"), 0);
	/* External ruleset: no chain needed. */
	assert_int_equal(parse("[inspect]\nenabled = yes\n[nfqueue]\noutput = no\n"
			       "external_ruleset = yes\n"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_off_and_sane),
		cmocka_unit_test(every_key),
		cmocka_unit_test(refuses_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
