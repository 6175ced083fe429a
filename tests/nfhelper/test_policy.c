// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the policy language's parser, matcher and file editing. */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

#define TCP 6
#define UDP 17

static struct policy *parse_ok(const char *text)
{
	struct policy *p = NULL;
	char err[2048];
	int rc = policy_parse(text, strlen(text), "t.policy", &p, err, sizeof(err));

	if (rc)
		fail_msg("policy did not parse: %s", err);
	return p;
}

/* The error text of a policy that must not parse. */
static void parse_fails(const char *text, const char *expect)
{
	struct policy *p = NULL;
	char err[2048];

	assert_int_equal(policy_parse(text, strlen(text), "t.policy", &p, err,
				      sizeof(err)), -EINVAL);
	assert_null(p);
	if (!strstr(err, expect))
		fail_msg("error '%s' lacks '%s'", err, expect);
}

/* Line of the first matching rule, 0 for none. */
static unsigned int match_line(struct policy *p, const struct snet_event *ev)
{
	struct policy_verdict v;

	return policy_match(p, ev, &v) ? v.line : 0;
}

static void each_match_kind(void **state)
{
	struct policy *p = parse_ok(
		"# one rule per kind of match\n"
		"allow syscall bind proto udp local-port 5353\n"          /* 2 */
		"deny exe /usr/bin/nc\n"                                 /* 3 */
		"allow exe \"/opt/my app/*\"\n"                          /* 4 */
		"allow uid 1000-1999 proto tcp remote-port 443\n"        /* 5 */
		"deny gid 50\n"                                          /* 6 */
		"allow remote 192.0.2.0/24,2001:db8::/32\n"              /* 7 */
		"allow local 127.0.0.0/8 syscall listen\n"               /* 8 */
		"deny family inet6 comm badcomm\n"                       /* 9 */
		"allow syscall connect remote-port 8000-8099\n"          /* 10 */
		"deny\n");                                               /* 11 */
	struct snet_event ev;

	(void)state;
	ev = test_event(1, SNET_SYSCALL_BIND, UDP, NULL, 0, "/bin/x", 0);
	test_event_local(&ev, "0.0.0.0", 5353);
	assert_int_equal(match_line(p, &ev), 2);
	ev.local_port = 5354;
	assert_int_equal(match_line(p, &ev), 11);

	ev = test_event(2, SNET_SYSCALL_CONNECT, TCP, "198.51.100.1", 80,
			"/usr/bin/nc", 1000);
	assert_int_equal(match_line(p, &ev), 3);
	/* An unknown executable never matches an exe rule. */
	ev.exe[0] = '\0';
	assert_int_equal(match_line(p, &ev), 11);

	ev = test_event(3, SNET_SYSCALL_CONNECT, TCP, "198.51.100.1", 80,
			"/opt/my app/bin", 5);
	assert_int_equal(match_line(p, &ev), 4);
	/* '*' does not cross a '/'. */
	snprintf(ev.exe, sizeof(ev.exe), "/opt/my app/sub/bin");
	assert_int_equal(match_line(p, &ev), 11);

	ev = test_event(4, SNET_SYSCALL_CONNECT, TCP, "198.51.100.1", 443,
			"/bin/curl", 1500);
	assert_int_equal(match_line(p, &ev), 5);
	ev.uid = 2000;
	assert_int_equal(match_line(p, &ev), 11);
	ev.gid = 50;
	assert_int_equal(match_line(p, &ev), 6);

	ev = test_event(5, SNET_SYSCALL_SENDMSG, UDP, "192.0.2.55", 53, "/bin/dig", 7);
	assert_int_equal(match_line(p, &ev), 7);
	ev = test_event(6, SNET_SYSCALL_SENDMSG, UDP, "2001:db8:1::5", 53, "/bin/dig", 7);
	assert_int_equal(match_line(p, &ev), 7);
	ev = test_event(7, SNET_SYSCALL_SENDMSG, UDP, "2001:db9::5", 53, "/bin/dig", 7);
	assert_int_equal(match_line(p, &ev), 11);

	ev = test_event(8, SNET_SYSCALL_LISTEN, TCP, NULL, 0, "/bin/srv", 7);
	test_event_local(&ev, "127.0.0.1", 8080);
	assert_int_equal(match_line(p, &ev), 8);
	ev.syscall = SNET_SYSCALL_BIND;
	assert_int_equal(match_line(p, &ev), 11);

	ev = test_event(9, SNET_SYSCALL_CONNECT, TCP, "2001:db9::1", 22, "/bin/ssh", 7);
	snprintf(ev.comm, sizeof(ev.comm), "badcomm");
	assert_int_equal(match_line(p, &ev), 9);

	ev = test_event(10, SNET_SYSCALL_CONNECT, UDP, "203.0.113.1", 8099, "/bin/a", 7);
	assert_int_equal(match_line(p, &ev), 10);
	ev.remote_port = 8100;
	assert_int_equal(match_line(p, &ev), 11);
	/* A remote-port rule needs a remote address in the event. */
	ev = test_event(11, SNET_SYSCALL_CONNECT, UDP, NULL, 0, "/bin/a", 7);
	assert_int_equal(match_line(p, &ev), 11);
	policy_put(p);
}

static void first_match_wins_and_tickets(void **state)
{
	struct policy *p = parse_ok(
		"allow proto tcp remote-port 80 ticket 30s\n"
		"deny proto tcp ticket exit\n"
		"allow ticket once\n"
		"deny proto udp ticket 2h\n");
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP,
					  "192.0.2.1", 80, "/bin/x", 0);
	struct policy_verdict v;

	(void)state;
	assert_true(policy_match(p, &ev, &v));
	assert_int_equal(v.line, 1);
	assert_int_equal(v.verdict, SNET_VERDICT_ALLOW);
	assert_int_equal(v.life, SNET_TICKET_TIMED);
	assert_int_equal(v.seconds, 30);
	ev.remote_port = 81;
	assert_true(policy_match(p, &ev, &v));
	assert_int_equal(v.line, 2);
	assert_int_equal(v.verdict, SNET_VERDICT_DENY);
	assert_int_equal(v.life, SNET_TICKET_TASK);
	ev.protocol = UDP;
	assert_true(policy_match(p, &ev, &v));
	assert_int_equal(v.line, 3); /* not 4: the earlier rule wins */
	assert_int_equal(v.life, SNET_TICKET_ONCE);
	assert_int_equal(policy_rule_count(p), 4);
	policy_put(p);
}

static void empty_policy_matches_nothing(void **state)
{
	struct policy *p = parse_ok("\n# only comments\n   \t\n");
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP,
					  "192.0.2.1", 80, "/bin/x", 0);

	(void)state;
	assert_int_equal(policy_rule_count(p), 0);
	assert_int_equal(match_line(p, &ev), 0);
	policy_put(p);
}

static void errors_name_file_line_and_problem(void **state)
{
	(void)state;
	parse_fails("allow\npermit exe /bin/x\n", "t.policy:2: a rule starts with 'allow' or 'deny'");
	parse_fails("allow colour red\n", "t.policy:1: unknown keyword 'colour'");
	parse_fails("\n\nallow exe\n", "t.policy:3: 'exe' needs a value");
	parse_fails("allow exe bin/x\n", "absolute path");
	parse_fails("allow syscall connect syscall bind\n", "'syscall' given twice");
	parse_fails("allow syscall fork\n", "unknown syscall 'fork'");
	parse_fails("allow syscall close\n", "close is only notified");
	parse_fails("allow proto tcp,,udp\n", "empty item");
	parse_fails("allow proto xtp\n", "unknown protocol 'xtp'");
	parse_fails("allow remote 10.0.0.1/8\n", "remote '10.0.0.1/8': address has bits set");
	parse_fails("allow remote nowhere\n", "remote 'nowhere'");
	parse_fails("allow remote-port 70000\n", "remote-port '70000'");
	parse_fails("allow local-port 90-80\n", "range runs backwards");
	parse_fails("allow uid 10-5\n", "range runs backwards");
	parse_fails("allow uid no-such-user-here\n", "no such user");
	parse_fails("allow gid no-such-group-here\n", "no such group");
	parse_fails("allow ticket forever\n", "ticket is once, exit, or a duration");
	parse_fails("allow ticket 0s\n", "1 second");
	parse_fails("allow family ipx\n", "family is inet or inet6");
	parse_fails("allow comm waytoolongcommname\n", "at most 15");
	parse_fails("allow exe \"/bin/x\n", "unterminated quoted string");
	parse_fails("allow exe \"/bin/x\"y\n", "runs into the next word");
	parse_fails("allow exe /bin/\"x\"\n", "a quote inside a word");
	parse_fails("allow exe \"/bin/\\x\"\n", "only");
	/* Every error is reported, each with its line. */
	parse_fails("allow\nbogus\nallow\nallow nope 1\n",
		    "t.policy:2: a rule starts with 'allow' or 'deny', not 'bogus'\n"
		    "t.policy:4: unknown keyword 'nope'");
}

static void nul_byte_is_an_error(void **state)
{
	static const char text[] = "allow\nallow\0 exe /x\n";
	struct policy *p = NULL;
	char err[512];

	(void)state;
	assert_int_equal(policy_parse(text, sizeof(text) - 1, "n.policy", &p, err,
				      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "n.policy:2: NUL byte"));
}

static void many_errors_are_capped(void **state)
{
	char text[4096] = "";
	struct policy *p = NULL;
	char err[8192];

	(void)state;
	for (int i = 0; i < 20; i++)
		strcat(text, "nope\n");
	assert_int_equal(policy_parse(text, strlen(text), "m.policy", &p, err,
				      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "m.policy:8:"));
	assert_null(strstr(err, "m.policy:9:"));
	assert_non_null(strstr(err, "12 more errors"));
}

static void comments_quotes_and_names(void **state)
{
	struct policy *p = parse_ok(
		"allow exe \"/opt/a \\\"quoted\\\" \\\\ path\" # trailing comment\n"
		"deny uid root proto tcp\n");
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, UDP,
					  "192.0.2.1", 1, "/opt/a \"quoted\" \\ path", 9);

	(void)state;
	assert_int_equal(match_line(p, &ev), 1);
	ev = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 1, "/bin/x", 0);
	assert_int_equal(match_line(p, &ev), 2);
	policy_put(p);
}

/* The rule "always" writes must parse, and match its event and no other. */
static void rule_for_event_round_trips(void **state)
{
	static const char *const exes[] = {
		"/usr/bin/curl", "/opt/odd name/b\"in", "/opt/star*dir/[x]?\\y",
	};
	char rule[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(exes) / sizeof(exes[0]); i++) {
		struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP,
						  "2001:db8::7", 443, exes[i], 1000);
		struct snet_event other = ev;
		struct policy *p;

		assert_int_equal(policy_rule_for_event(&ev, SNET_VERDICT_ALLOW, rule,
						       sizeof(rule)), 0);
		p = parse_ok(rule);
		struct policy_verdict v;

		assert_true(policy_match(p, &ev, &v));
		assert_int_equal(v.verdict, SNET_VERDICT_ALLOW);
		assert_int_equal(v.life, SNET_TICKET_TASK);
		other.remote_port = 444;
		assert_false(policy_match(p, &other, &v));
		other = ev;
		/* A path the glob would also match must not. */
		snprintf(other.exe, sizeof(other.exe), "%sX", exes[i]);
		assert_false(policy_match(p, &other, &v));
		other = ev;
		other.syscall = SNET_SYSCALL_SENDMSG;
		assert_false(policy_match(p, &other, &v));
		policy_put(p);
	}
}

static void rule_for_event_without_exe_and_for_bind(void **state)
{
	struct snet_event ev = test_event(1, SNET_SYSCALL_BIND, UDP, NULL, 0, NULL, 33);
	struct policy_verdict v;
	struct policy *p;
	char rule[1024];

	(void)state;
	test_event_local(&ev, "0.0.0.0", 68);
	assert_int_equal(policy_rule_for_event(&ev, SNET_VERDICT_DENY, rule,
					       sizeof(rule)), 0);
	assert_non_null(strstr(rule, "uid 33"));
	assert_non_null(strstr(rule, "comm testcomm"));
	assert_non_null(strstr(rule, "local 0.0.0.0 local-port 68"));
	p = parse_ok(rule);
	assert_true(policy_match(p, &ev, &v));
	assert_int_equal(v.verdict, SNET_VERDICT_DENY);
	ev.uid = 34;
	assert_false(policy_match(p, &ev, &v));
	policy_put(p);
	/* Control characters cannot be written on a policy line. */
	ev = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 1, "/bin/a\nb", 0);
	assert_int_equal(policy_rule_for_event(&ev, SNET_VERDICT_DENY, rule,
					       sizeof(rule)), -EINVAL);
	assert_int_equal(policy_rule_for_event(&ev, SNET_VERDICT_DENY, rule, 8),
			 -ENAMETOOLONG);
}

static void append_is_atomic_and_keeps_the_rest(void **state)
{
	char *dir = test_tmpdir(), err[1024], *text;
	const char *orig = "# my policy\nallow proto udp   # keep my spacing\ndeny exe /bin/nc";
	char *path = test_write(dir, "p.policy", orig);
	struct policy *p = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(policy_file_append(path, "allow proto tcp remote-port 22",
					    "added by a test", err, sizeof(err)), 0);
	text = test_read(path);
	assert_string_equal(text, "# my policy\nallow proto udp   # keep my spacing\n"
			    "deny exe /bin/nc\n# added by a test\n"
			    "allow proto tcp remote-port 22\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(policy_load(path, &p, err, sizeof(err)), 0);
	assert_int_equal(policy_rule_count(p), 3);
	policy_put(p);

	/* A rule that does not parse changes nothing. */
	assert_int_equal(policy_file_append(path, "allow bogus 1", NULL, err,
					    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":6: unknown keyword 'bogus'"));
	text = test_read(path);
	assert_non_null(strstr(text, "remote-port 22\n"));
	assert_null(strstr(text, "bogus"));
	free(text);
	assert_int_equal(policy_file_append(path, "allow\ndeny", NULL, err,
					    sizeof(err)), -EINVAL);
	/* No temporary file is left behind. */
	char *cmd;

	assert_true(asprintf(&cmd, "test $(ls %s | wc -l) -eq 1", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* A missing file is created. */
	free(path);
	assert_true(asprintf(&path, "%s/new.policy", dir) > 0);
	assert_int_equal(policy_file_append(path, "deny", NULL, err, sizeof(err)), 0);
	text = test_read(path);
	assert_string_equal(text, "deny\n");
	free(text);
	free(path);
	test_rmtree(dir);
	free(dir);
}

static void load_reports_io_errors(void **state)
{
	struct policy *p = NULL;
	char err[512];

	(void)state;
	assert_int_equal(policy_load("/nonexistent/x.policy", &p, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.policy: cannot open"));
	assert_int_equal(policy_load("/tmp", &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

static void shipped_default_policy_parses(void **state)
{
	const char *top = getenv("SNET_TOP");
	struct policy *p = NULL;
	char *path, err[4096];

	(void)state;
	assert_non_null(top);
	assert_true(asprintf(&path, "%s/rules/policy/default.policy", top) > 0);
	if (policy_load(path, &p, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(policy_rule_count(p) > 0);
	/* Loopback is allowed, whoever asks. */
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "127.0.0.1",
					  8080, "/bin/anything", 1000);
	struct policy_verdict v;

	assert_true(policy_match(p, &ev, &v));
	assert_int_equal(v.verdict, SNET_VERDICT_ALLOW);
	policy_put(p);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_match_kind),
		cmocka_unit_test(first_match_wins_and_tickets),
		cmocka_unit_test(empty_policy_matches_nothing),
		cmocka_unit_test(errors_name_file_line_and_problem),
		cmocka_unit_test(nul_byte_is_an_error),
		cmocka_unit_test(many_errors_are_capped),
		cmocka_unit_test(comments_quotes_and_names),
		cmocka_unit_test(rule_for_event_round_trips),
		cmocka_unit_test(rule_for_event_without_exe_and_for_bind),
		cmocka_unit_test(append_is_atomic_and_keeps_the_rest),
		cmocka_unit_test(load_reports_io_errors),
		cmocka_unit_test(shipped_default_policy_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
