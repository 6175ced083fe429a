// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the remote decision client against the real test server on
 * loopback (snet-test-remote), and its reply parser.
 */
#include "testutil.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "remote.h"

static struct remote_client *client_for(const struct test_server *s)
{
	struct remote_client *rc;
	char err[256];

	assert_int_equal(remote_client_new("127.0.0.1", s->port, NULL, &rc, err, sizeof(err)), 0);
	return rc;
}

static void answers_and_keeps_the_connection(void **state)
{
	static const char *const args[] = { "-t", "exit", "-D", "25", NULL };
	struct test_server s;
	struct remote_client *rc;
	struct decision d;
	char why[256], *log;
	struct snet_event ev;

	(void)state;
	test_server_start(&s, args);
	rc = client_for(&s);
	ev = test_event(41, SNET_SYSCALL_CONNECT, 6, "192.0.2.9", 443, "/usr/bin/curl", 1000);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), 1);
	assert_int_equal(d.verdict, SNET_VERDICT_ALLOW);
	assert_int_equal(d.life, SNET_TICKET_TASK);
	assert_int_equal(d.by, DECIDER_REMOTE);
	assert_non_null(strstr(d.detail, "127.0.0.1:"));
	assert_non_null(strstr(d.detail, "test server"));
	ev.id = 42;
	ev.remote_port = 25;
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), 1);
	assert_int_equal(d.verdict, SNET_VERDICT_DENY);

	/* What the server received: the documented request shape. */
	log = test_read(s.log);
	assert_non_null(log);
	json_error_t jerr;
	json_t *req = json_loadb(log, strcspn(log, "\n"), 0, &jerr);

	assert_non_null(req);
	assert_int_equal(json_integer_value(json_object_get(req, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(req, "id")), 41);
	json_t *e = json_object_get(req, "event");

	assert_string_equal(json_string_value(json_object_get(e, "syscall")), "connect");
	assert_string_equal(json_string_value(json_object_get(e, "protocol")), "tcp");
	assert_string_equal(json_string_value(json_object_get(e, "family")), "inet");
	assert_string_equal(json_string_value(json_object_get(e, "exe")), "/usr/bin/curl");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(e, "remote"), "addr")), "192.0.2.9");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(e, "remote"), "port")), 443);
	assert_int_equal(json_integer_value(json_object_get(e, "uid")), 1000);
	json_decref(req);
	free(log);
	remote_client_free(rc);
	test_server_stop(&s);
}

static void timed_ticket_and_none(void **state)
{
	static const char *const a1[] = { "-v", "deny", "-t", "45", NULL };
	static const char *const a2[] = { "-v", "none", NULL };
	struct test_server s;
	struct remote_client *rc;
	struct decision d;
	char why[256];
	struct snet_event ev = test_event(7, SNET_SYSCALL_SENDMSG, 17, "2001:db8::1",
					  53, NULL, 0);

	(void)state;
	test_server_start(&s, a1);
	rc = client_for(&s);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), 1);
	assert_int_equal(d.verdict, SNET_VERDICT_DENY);
	assert_int_equal(d.life, SNET_TICKET_TIMED);
	assert_int_equal(d.seconds, 45);
	remote_client_free(rc);
	test_server_stop(&s);

	test_server_start(&s, a2);
	rc = client_for(&s);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), 0);
	remote_client_free(rc);
	test_server_stop(&s);
}

static void slow_server_times_out_within_budget(void **state)
{
	static const char *const args[] = { "-d", "600", NULL };
	struct test_server s;
	struct remote_client *rc;
	struct decision d;
	char why[256];
	struct snet_event ev = test_event(9, SNET_SYSCALL_CONNECT, 6, "192.0.2.1", 80,
					  NULL, 0);
	uint64_t t0;

	(void)state;
	test_server_start(&s, args);
	rc = client_for(&s);
	t0 = test_now_ms();
	assert_int_equal(remote_query(rc, &ev, 150, &d, why, sizeof(why)), -ETIMEDOUT);
	assert_true(test_now_ms() - t0 < 400);
	assert_non_null(strstr(why, "no answer in time"));
	/* The late answer to 9 must not be taken for the answer to 10. */
	ev.id = 10;
	assert_int_equal(remote_query(rc, &ev, 2000, &d, why, sizeof(why)), 1);
	remote_client_free(rc);
	test_server_stop(&s);
}

static void bad_servers_are_no_answer(void **state)
{
	static const char *const garbage[] = { "-m", "garbage", NULL };
	static const char *const closer[] = { "-m", "close", NULL };
	static const char *const wrong[] = { "-m", "wrong-id", NULL };
	struct test_server s;
	struct remote_client *rc;
	struct decision d;
	char why[256];
	struct snet_event ev = test_event(3, SNET_SYSCALL_CONNECT, 6, "192.0.2.1", 80,
					  NULL, 0);

	(void)state;
	test_server_start(&s, garbage);
	rc = client_for(&s);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "not JSON"));
	remote_client_free(rc);
	test_server_stop(&s);

	test_server_start(&s, closer);
	rc = client_for(&s);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), -ECONNRESET);
	remote_client_free(rc);
	test_server_stop(&s);

	test_server_start(&s, wrong);
	rc = client_for(&s);
	assert_int_equal(remote_query(rc, &ev, 1000, &d, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "not the id 3"));
	remote_client_free(rc);
	test_server_stop(&s);
}

static void unreachable_server_backs_off(void **state)
{
	struct test_server s;
	struct remote_client *rc;
	struct decision d;
	char why[256], port[8];
	struct snet_event ev = test_event(3, SNET_SYSCALL_CONNECT, 6, "192.0.2.1", 80,
					  NULL, 0);

	(void)state;
	/* A port that was free a moment ago: nobody listens there now. */
	test_server_start(&s, NULL);
	snprintf(port, sizeof(port), "%s", s.port);
	test_server_stop(&s);
	assert_int_equal(remote_client_new("127.0.0.1", port, NULL, &rc, why, sizeof(why)), 0);
	assert_int_equal(remote_query(rc, &ev, 500, &d, why, sizeof(why)), -ECONNREFUSED);
	assert_non_null(strstr(why, "cannot connect"));
	assert_int_equal(remote_query(rc, &ev, 500, &d, why, sizeof(why)), -EAGAIN);
	remote_client_free(rc);
	assert_int_equal(remote_client_new("no.such.host.invalid", "1", NULL, &rc, why,
					   sizeof(why)), -EHOSTUNREACH);
}

/* A self-signed certificate for @san in DIR/BASE.crt and DIR/BASE.key. */
static void make_cert(const char *dir, const char *base, const char *san)
{
	char *cmd;

	assert_true(asprintf(&cmd, "openssl req -x509 -newkey ec -pkeyopt "
			     "ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=snet-test "
			     "-addext subjectAltName=%s -keyout %s/%s.key -out %s/%s.crt "
			     "> %s/%s.log 2>&1", san, dir, base, dir, base, dir, base) > 0);
	if (system(cmd) != 0)
		fail_msg("openssl cannot make a test certificate, see %s/%s.log", dir, base);
	free(cmd);
}

static char *path_in(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

/* One query over TLS with @tls; the result, @why filled. */
static int tls_query(const struct test_server *s, const struct remote_tls *tls,
		     char *why, size_t whylen)
{
	struct snet_event ev = test_event(77, SNET_SYSCALL_CONNECT, 6, "192.0.2.7", 443,
					  NULL, 0);
	struct remote_client *rc;
	struct decision d;
	int ret;

	assert_int_equal(remote_client_new("127.0.0.1", s->port, tls, &rc, why, whylen), 0);
	ret = remote_query(rc, &ev, 1500, &d, why, whylen);
	if (ret == 1) {
		assert_int_equal(d.verdict, SNET_VERDICT_ALLOW);
		assert_non_null(strstr(d.detail, "test server"));
	}
	remote_client_free(rc);
	return ret;
}

static void tls_server_certificate_checked(void **state)
{
	char *dir = test_tmpdir(), why[512];
	char *srv_crt = path_in(dir, "srv.crt"), *srv_key = path_in(dir, "srv.key");
	char *other_crt = path_in(dir, "other.crt");
	const char *const args[] = { "-T", srv_crt, "-K", srv_key, NULL };
	struct remote_tls tls = { .enabled = true, .ca_file = srv_crt };
	struct test_server s;
	struct remote_client *rc;

	(void)state;
	make_cert(dir, "srv", "DNS:decide.example,IP:127.0.0.1");
	make_cert(dir, "other", "DNS:decide.example,IP:127.0.0.1");
	test_server_start(&s, args);

	/* The server's address is what its certificate must name... */
	assert_int_equal(tls_query(&s, &tls, why, sizeof(why)), 1);
	/* ...or the configured name. */
	tls.server_name = "decide.example";
	assert_int_equal(tls_query(&s, &tls, why, sizeof(why)), 1);
	tls.server_name = "wrong.example";
	assert_int_equal(tls_query(&s, &tls, why, sizeof(why)), -EPROTO);
	if (!strstr(why, "certificate") || !strstr(why, "wrong.example"))
		fail_msg("wrong name: '%s'", why);
	/* A certificate that does not chain to the CA file. */
	tls.server_name = "";
	tls.ca_file = other_crt;
	assert_int_equal(tls_query(&s, &tls, why, sizeof(why)), -EPROTO);
	if (!strstr(why, "certificate"))
		fail_msg("untrusted: '%s'", why);
	/* Plain TCP to a TLS server: no answer, never a decision. */
	assert_true(tls_query(&s, NULL, why, sizeof(why)) < 0);
	test_server_stop(&s);

	/* TLS to a plain server: the handshake fails within the budget. */
	test_server_start(&s, NULL);
	tls.ca_file = srv_crt;
	uint64_t t0 = test_now_ms();

	assert_true(tls_query(&s, &tls, why, sizeof(why)) < 0);
	assert_true(test_now_ms() - t0 < 2500);
	test_server_stop(&s);

	/* Files that cannot be used are refused at start, by name. */
	tls.ca_file = "/nonexistent/ca.pem";
	assert_int_equal(remote_client_new("127.0.0.1", "1", &tls, &rc, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "/nonexistent/ca.pem"));
	tls.ca_file = srv_crt;
	tls.cert_file = other_crt;
	tls.key_file = srv_key;
	assert_int_equal(remote_client_new("127.0.0.1", "1", &tls, &rc, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "key"));
	test_rmtree(dir);
	free(srv_crt);
	free(srv_key);
	free(other_crt);
	free(dir);
}

static void tls_client_certificate(void **state)
{
	char *dir = test_tmpdir(), why[512];
	char *srv_crt = path_in(dir, "srv.crt"), *srv_key = path_in(dir, "srv.key");
	char *cli_crt = path_in(dir, "cli.crt"), *cli_key = path_in(dir, "cli.key");
	const char *const args[] = { "-T", srv_crt, "-K", srv_key, "-C", cli_crt, NULL };
	struct remote_tls tls = { .enabled = true, .ca_file = srv_crt };
	struct test_server s;

	(void)state;
	make_cert(dir, "srv", "IP:127.0.0.1");
	make_cert(dir, "cli", "DNS:snetd.example");
	test_server_start(&s, args);
	/* Without a certificate the server refuses (an error, not a decision). */
	assert_true(tls_query(&s, &tls, why, sizeof(why)) < 0);
	tls.cert_file = cli_crt;
	tls.key_file = cli_key;
	assert_int_equal(tls_query(&s, &tls, why, sizeof(why)), 1);
	test_server_stop(&s);
	test_rmtree(dir);
	free(srv_crt);
	free(srv_key);
	free(cli_crt);
	free(cli_key);
	free(dir);
}

static void reply_parser(void **state)
{
	static const struct {
		const char *line;
		int rc;
	} cases[] = {
		{ "{\"id\":5,\"verdict\":\"allow\"}", 1 },
		{ "{\"id\":5,\"verdict\":\"deny\",\"ticket\":\"exit\",\"extra\":[1]}", 1 },
		{ "{\"id\":5,\"verdict\":\"none\"}", 0 },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":\"seconds\",\"seconds\":9}", 1 },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":\"seconds\"}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":\"seconds\",\"seconds\":0}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":\"seconds\",\"seconds\":4294967296}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":\"forever\"}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"allow\",\"ticket\":3}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"maybe\"}", -EBADMSG },
		{ "{\"id\":5,\"verdict\":1}", -EBADMSG },
		{ "{\"id\":6,\"verdict\":\"allow\"}", -EBADMSG },
		{ "{\"id\":\"5\",\"verdict\":\"allow\"}", -EBADMSG },
		{ "{\"verdict\":\"allow\"}", -EBADMSG },
		{ "{\"id\":5,\"id\":5,\"verdict\":\"allow\"}", -EBADMSG },
		{ "[5,\"allow\"]", -EBADMSG },
		{ "", -EBADMSG },
		{ "{\"id\":5,\"verdict\":\"allow\"", -EBADMSG },
	};
	struct decision d;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = remote_parse_reply(cases[i].line, strlen(cases[i].line), 5,
					    &d, why, sizeof(why));

		if (rc != cases[i].rc)
			fail_msg("'%s': got %d, want %d", cases[i].line, rc, cases[i].rc);
		if (rc < 0 && !why[0])
			fail_msg("'%s': no reason given", cases[i].line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_and_keeps_the_connection),
		cmocka_unit_test(timed_ticket_and_none),
		cmocka_unit_test(slow_server_times_out_within_budget),
		cmocka_unit_test(bad_servers_are_no_answer),
		cmocka_unit_test(unreachable_server_backs_off),
		cmocka_unit_test(tls_server_certificate_checked),
		cmocka_unit_test(tls_client_certificate),
		cmocka_unit_test(reply_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
