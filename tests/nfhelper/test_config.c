// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: snetd.conf loading (libinih), defaults and errors. */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"

static void parse_fails(const char *text, const char *expect)
{
	struct snetd_config cfg;
	char err[1024];

	config_defaults(&cfg);
	assert_int_equal(config_parse(text, "c.conf", &cfg, err, sizeof(err)), -EINVAL);
	if (!strstr(err, expect))
		fail_msg("error '%s' lacks '%s'", err, expect);
}

static void defaults_work_without_a_file(void **state)
{
	struct snetd_config cfg;
	char err[256];

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse("", "empty", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.policy, "/etc/snet/default.policy");
	assert_string_equal(cfg.control_socket, "/run/snet/snetd.sock");
	assert_int_equal(cfg.timeout_ms, 5000);
	assert_int_equal(cfg.kernel_default, SNET_VERDICT_DENY);
	assert_int_equal(cfg.default_verdict, SNET_VERDICT_DENY);
	assert_true(cfg.prompt_enabled);
	assert_string_equal(cfg.remote_host, "");
	assert_int_equal(cfg.n_events, 5);
	assert_int_equal(cfg.events[0].syscall, SNET_SYSCALL_CONNECT);
	assert_int_equal(cfg.events[0].protocol, 6);
	assert_true(cfg.answer_margin_ms < cfg.timeout_ms);
}

static void every_key_is_read(void **state)
{
	struct snetd_config cfg;
	char err[256];

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse(
		"; comment\n# comment\n"
		"[daemon]\npolicy = /tmp/p.policy\ndecision_log =\nlog_level = debug\n"
		"workers = 4\nsocket_table_size = 1024\nrcvbuf = 0x100000\n"
		"[kernel]\ndefault_verdict = allow\ntimeout_ms = 800\nticket_max = 64\n"
		"events = connect:tcp, sendmsg:udp\n"
		"  recvmsg:17\n"
		"events = post-accept:tcp\n"
		"[decision]\ndefault = allow\ndefault_ticket = 90s\nanswer_margin_ms = 100\n"
		"[remote]\nserver = [::1]:7000 ; inline comment\ntimeout_ms = 300\nconnections = 3\n"
		"tls = yes\ntls_ca_file = /etc/snet/ca.pem\ntls_server_name = decide.example\n"
		"[prompt]\nenabled = no\n"
		"[control]\nsocket = /tmp/s.sock\ngroup = adm\n",
		"full.conf", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.policy, "/tmp/p.policy");
	assert_string_equal(cfg.decision_log, "");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.workers, 4);
	assert_int_equal(cfg.socket_table_size, 1024);
	assert_int_equal(cfg.rcvbuf, 0x100000);
	assert_int_equal(cfg.kernel_default, SNET_VERDICT_ALLOW);
	assert_int_equal(cfg.timeout_ms, 800);
	assert_int_equal(cfg.ticket_max, 64);
	assert_int_equal(cfg.n_events, 4);
	assert_int_equal(cfg.events[1].syscall, SNET_SYSCALL_SENDMSG);
	assert_int_equal(cfg.events[1].protocol, 17);
	assert_int_equal(cfg.events[2].syscall, SNET_SYSCALL_RECVMSG);
	assert_int_equal(cfg.events[3].syscall, SNET_SYSCALL_POST_ACCEPT);
	assert_int_equal(cfg.default_verdict, SNET_VERDICT_ALLOW);
	assert_int_equal(cfg.default_life, SNET_TICKET_TIMED);
	assert_int_equal(cfg.default_seconds, 90);
	assert_int_equal(cfg.answer_margin_ms, 100);
	assert_string_equal(cfg.remote_host, "::1");
	assert_string_equal(cfg.remote_port, "7000");
	assert_int_equal(cfg.remote_timeout_ms, 300);
	assert_int_equal(cfg.remote_connections, 3);
	assert_true(cfg.remote_tls);
	assert_string_equal(cfg.remote_tls_ca_file, "/etc/snet/ca.pem");
	assert_string_equal(cfg.remote_tls_server_name, "decide.example");
	assert_string_equal(cfg.remote_tls_cert_file, "");
	assert_false(cfg.prompt_enabled);
	assert_string_equal(cfg.control_socket, "/tmp/s.sock");
	assert_string_equal(cfg.control_group, "adm");
}

static void errors_name_file_line_and_problem(void **state)
{
	char longline[400];

	(void)state;
	parse_fails("[daemon]\nworkers = 65\n", "c.conf:2: workers: expected a number from 0 to 64, got '65'");
	parse_fails("[daemon]\nworkers = two\n", "c.conf:2:");
	parse_fails("[daemon]\n\ncolour = red\n", "c.conf:3: unknown key 'colour' in [daemon]");
	parse_fails("[nosuch]\nx = 1\n", "c.conf:2: unknown section [nosuch]");
	parse_fails("policy = /x\n", "c.conf:1: unknown section []");
	parse_fails("[daemon]\nworkers = 2\nworkers = 3\n", "c.conf:3: 'workers' set twice");
	parse_fails("[kernel]\ndefault_verdict = maybe\n", "c.conf:2: default_verdict: expected allow or deny");
	parse_fails("[kernel]\nevents = connect\n", "is not syscall:protocol");
	parse_fails("[kernel]\nevents = dial:tcp\n", "unknown syscall 'dial'");
	parse_fails("[kernel]\nevents = connect:xtp\n", "unknown protocol 'xtp'");
	parse_fails("[kernel]\nevents = connect:tcp connect:6\n", "listed twice");
	parse_fails("[remote]\nserver = nohostport\n", "c.conf:2: server:");
	parse_fails("[remote]\nserver = host:0\n", "port must be 1-65535");
	parse_fails("[remote]\nserver = [::1:80\n", "expected [address]:port");
	parse_fails("[prompt]\nenabled = perhaps\n", "expected yes or no");
	parse_fails("[daemon]\nlog_level = chatty\n", "log_level");
	parse_fails("[decision]\ndefault_ticket = forever\n", "default_ticket");
	parse_fails("[daemon]\nthis line has no equals sign\n", "c.conf:2: expected [section] or key = value");
	parse_fails("[kernel]\ntimeout_ms = 100\n[decision]\nanswer_margin_ms = 100\n",
		    "answer_margin_ms (100) must be below [kernel] timeout_ms (100)");
	parse_fails("[control]\nsocket = relative.sock\n", "must be an absolute path");
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	char *text;

	assert_true(asprintf(&text, "[daemon]\n\npolicy = /%s\n", longline) > 0);
	parse_fails(text, "c.conf:3: line too long");
	free(text);
	assert_true(asprintf(&text, "[control]\nsocket = /%.150s\n", longline) > 0);
	parse_fails(text, "c.conf:2: socket: value longer than 107 characters");
	free(text);
}

static void load_from_a_file(void **state)
{
	char *dir = test_tmpdir(), *path, err[512];
	struct snetd_config cfg;

	(void)state;
	path = test_write(dir, "snetd.conf", "[daemon]\nworkers = 7\n");
	config_defaults(&cfg);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.workers, 7);
	free(path);
	assert_int_equal(config_load("/nonexistent/snetd.conf", &cfg, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/snetd.conf: cannot open"));
	/* A NUL byte would hide the rest of the file from the parser. */
	path = test_write(dir, "nul.conf", "[daemon]\n");
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	assert_int_equal(fwrite("workers = 7\n\0workers = 8\n", 1, 25, f), 25);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL byte"));
	free(path);
	test_rmtree(dir);
	free(dir);
}

static void shipped_config_is_the_defaults(void **state)
{
	struct snetd_config shipped, defaults;
	const char *top = getenv("SNET_TOP");
	char *path, err[512];

	(void)state;
	assert_non_null(top);
	assert_true(asprintf(&path, "%s/rules/snetd.conf", top) > 0);
	config_defaults(&shipped);
	if (config_load(path, &shipped, err, sizeof(err)))
		fail_msg("%s", err);
	config_defaults(&defaults);
	/* The shipped file documents the defaults: it must not differ. */
	assert_memory_equal(&shipped, &defaults, sizeof(shipped));
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_work_without_a_file),
		cmocka_unit_test(every_key_is_read),
		cmocka_unit_test(errors_name_file_line_and_problem),
		cmocka_unit_test(load_from_a_file),
		cmocka_unit_test(shipped_config_is_the_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
