// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the control socket (a real server thread on a unix socket
 * under /tmp, with a real pipeline), its request parser, and the snetctl
 * binary against it.  snetd runs here without the kernel link, so the
 * commands that need the kernel must say so.
 */
#include "testutil.h"

#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctl_server.h"
#include "pipeline.h"
#include "policy.h"
#include "socktable.h"

struct fixture {
	char *dir, *sock, *policy_path;
	struct recorder rec;
	struct pipeline *pl;
	struct sock_table *socks;
	struct ctl_server *srv;
};

/* the logs snetd would reopen: counted, and made to fail on demand */
static int reopen_calls, reopen_fails;

static int test_reopen(void *ctx, char *err, size_t errlen)
{
	(void)ctx;
	reopen_calls++;
	if (reopen_fails) {
		snprintf(err, errlen, "decision log /x/decisions.jsonl: reopen: %s",
			 strerror(EACCES));
		return -EACCES;
	}
	return 0;
}

static const struct ctl_log_ops test_log_ops = { .reopen = test_reopen };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pipeline_params pp = {
		.workers = 1, .timeout_ms = 1500, .margin_ms = 300,
		.fallback = { .verdict = SNET_VERDICT_DENY },
		.prompt_enabled = true,
	};
	struct verdict_ops ops;
	struct policy *p;
	char err[1024];

	assert_non_null(f);
	f->dir = test_tmpdir();
	f->policy_path = test_write(f->dir, "ctl.policy", "allow proto tcp remote-port 80\n");
	assert_true(asprintf(&f->sock, "%s/run/snetd.sock", f->dir) > 0);
	recorder_init(&f->rec);
	ops = recorder_ops(&f->rec);
	pp.policy_path = f->policy_path;
	assert_int_equal(policy_load(f->policy_path, &p, err, sizeof(err)), 0);
	assert_int_equal(pipeline_start(&pp, &ops, p, &f->pl, err, sizeof(err)), 0);
	policy_put(p);
	assert_int_equal(sock_table_new(64, &f->socks), 0);
	struct ctl_server_params cp = {
		.path = f->sock, .config_path = "/tmp/test.conf", .pipeline = f->pl,
		.sockets = f->socks, .kernel = NULL, .logs = &test_log_ops,
	};
	if (ctl_server_start(&cp, &f->srv, err, sizeof(err)))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ctl_server_stop(f->srv);
	pipeline_stop(f->pl);
	sock_table_free(f->socks);
	recorder_destroy(&f->rec);
	assert_int_equal(access(f->sock, F_OK), -1); /* the socket file is gone */
	test_rmtree(f->dir);
	free(f->dir);
	free(f->sock);
	free(f->policy_path);
	free(f);
	return 0;
}

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_text(int fd, const char *text, size_t len)
{
	assert_int_equal(send(fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* One line from @fd as JSON, or NULL at EOF; fails after 3 s. */
static json_t *recv_json(int fd)
{
	char buf[65536];
	size_t used = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		assert_int_equal(poll(&pfd, 1, 3000), 1);
		/* Read byte by byte: the next line stays in the socket. */
		n = recv(fd, buf + used, 1, 0);
		if (n <= 0)
			return NULL;
		if (buf[used] == '\n') {
			json_error_t jerr;
			json_t *o = json_loadb(buf, used, 0, &jerr);

			if (!o)
				fail_msg("reply is not JSON: %s", jerr.text);
			return o;
		}
		used++;
		assert_true(used < sizeof(buf));
	}
}

static json_t *call(struct fixture *f, const char *line)
{
	int fd = ctl_connect(f->sock);
	json_t *r;

	send_text(fd, line, strlen(line));
	send_text(fd, "\n", 1);
	r = recv_json(fd);
	close(fd);
	assert_non_null(r);
	return r;
}

static void expect_error(struct fixture *f, const char *line, const char *what)
{
	json_t *r = call(f, line);
	const char *err = json_string_value(json_object_get(r, "error"));

	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("for %s: error '%s' lacks '%s'", line, err, what);
	json_decref(r);
}

static void status_stats_events_sockets(void **state)
{
	struct fixture *f = *state;
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, 6, "192.0.2.4", 443,
					  "/usr/bin/curl", 1000);
	json_t *r, *o;

	ev.cookie = 99;
	assert_int_equal(sock_table_update(f->socks, &ev, 1), 0);
	r = call(f, "{\"cmd\":\"status\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	o = json_object_get(r, "status");
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), getpid());
	assert_int_equal(json_integer_value(json_object_get(o, "rules")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "policy")), f->policy_path);
	assert_int_equal(json_integer_value(json_object_get(o, "sockets")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(o, "kernel_error")),
			       "without the snet kernel link"));
	json_decref(r);

	r = call(f, "{\"cmd\":\"stats\"}");
	o = json_object_get(r, "daemon");
	assert_true(json_is_integer(json_object_get(o, "submitted")));
	assert_true(json_is_object(json_object_get(o, "decided_by")));
	assert_non_null(json_object_get(r, "kernel_error"));
	json_decref(r);

	r = call(f, "{\"cmd\":\"events\"}");
	assert_int_equal(json_array_size(json_object_get(r, "events")), 0);
	json_decref(r);

	r = call(f, "{\"cmd\":\"sockets\",\"limit\":10}");
	o = json_array_get(json_object_get(r, "sockets"), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "cookie")), 99);
	assert_string_equal(json_string_value(json_object_get(o, "exe")), "/usr/bin/curl");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "remote"),
							    "port")), 443);
	json_decref(r);
}

static void kernel_commands_say_the_kernel_is_missing(void **state)
{
	struct fixture *f = *state;

	expect_error(f, "{\"cmd\":\"tickets\"}", "without the snet kernel link");
	expect_error(f, "{\"cmd\":\"tickets\",\"action\":\"revoke\",\"all\":true}",
		     "without the snet kernel link");
}

static void malformed_requests_get_errors(void **state)
{
	struct fixture *f = *state;
	json_t *r;
	int fd;

	expect_error(f, "hello", "not JSON");
	expect_error(f, "[1,2]", "a request is a JSON object");
	expect_error(f, "{\"cmd\":5}", "needs \"cmd\"");
	expect_error(f, "{}", "needs \"cmd\"");
	expect_error(f, "{\"cmd\":\"format-disk\"}", "unknown command");
	expect_error(f, "{\"cmd\":\"status\",\"cmd\":\"stats\"}", "not JSON");
	expect_error(f, "{\"cmd\":\"tickets\",\"action\":\"burn\"}", "list or revoke");
	expect_error(f, "{\"cmd\":\"tickets\",\"action\":\"revoke\"}", "exactly one");
	expect_error(f, "{\"cmd\":\"tickets\",\"action\":\"revoke\",\"id\":1,\"pid\":2}",
		     "exactly one");
	expect_error(f, "{\"cmd\":\"tickets\",\"action\":\"revoke\",\"id\":-1}", "integer");
	expect_error(f, "{\"cmd\":\"sockets\",\"limit\":\"all\"}", "integer");
	expect_error(f, "{\"cmd\":\"answer\",\"id\":1,\"verdict\":\"allow\"}", "prompt");
	expect_error(f, "{\"cmd\":\"answer\",\"verdict\":\"allow\"}", "\"id\"");
	expect_error(f, "{\"cmd\":\"answer\",\"id\":3,\"verdict\":\"yes\"}", "verdict");
	expect_error(f, "{\"cmd\":\"answer\",\"id\":3,\"verdict\":\"allow\",\"ticket\":\"seconds\"}",
		     "seconds");

	/* Several requests on one connection, one reply each, in order. */
	fd = ctl_connect(f->sock);
	send_text(fd, "{\"cmd\":\"events\"}\nnonsense\n{\"cmd\":\"status\"}\n", 44);
	r = recv_json(fd);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	r = recv_json(fd);
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	r = recv_json(fd);
	assert_non_null(json_object_get(r, "status"));
	json_decref(r);
	close(fd);

	/* An endless line: an error, then the connection is closed. */
	char *big = malloc(70000);

	assert_non_null(big);
	memset(big, 'x', 70000);
	fd = ctl_connect(f->sock);
	send(fd, big, 70000, MSG_NOSIGNAL);
	free(big);
	r = recv_json(fd);
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "longer than"));
	json_decref(r);
	assert_null(recv_json(fd));
	close(fd);

	/* And the server still serves. */
	r = call(f, "{\"cmd\":\"status\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
}

static void reload_reports_and_keeps(void **state)
{
	struct fixture *f = *state;
	json_t *r;
	char *p;

	p = test_write(f->dir, "ctl.policy", "allow\ndeny\n");
	free(p);
	r = call(f, "{\"cmd\":\"reload\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "rules")), 2);
	json_decref(r);
	p = test_write(f->dir, "ctl.policy", "allow\nallow whatever\n");
	free(p);
	expect_error(f, "{\"cmd\":\"reload\"}", "ctl.policy:2: unknown keyword 'whatever'");
	r = call(f, "{\"cmd\":\"status\"}");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "status"),
							    "rules")), 2);
	json_decref(r);
}

static void prompt_session(void **state)
{
	struct fixture *f = *state;
	struct snet_event ev = test_event(31, SNET_SYSCALL_CONNECT, 6, "198.51.100.7",
					  8443, "/usr/bin/app", 1000);
	json_t *m, *e;
	struct recorded rec;
	char line[256];
	int fd;

	fd = ctl_connect(f->sock);
	send_text(fd, "{\"cmd\":\"prompt\"}\n", 17);
	m = recv_json(fd);
	assert_true(json_is_true(json_object_get(m, "prompt")));
	json_decref(m);
	assert_int_equal(pipeline_submit(f->pl, &ev, test_now_ms() * 1000000ull), 0);
	m = recv_json(fd);
	e = json_object_get(m, "prompt");
	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "id")), 31);
	assert_string_equal(json_string_value(json_object_get(e, "exe")), "/usr/bin/app");
	assert_true(json_integer_value(json_object_get(e, "left_ms")) > 0);
	json_decref(m);
	snprintf(line, sizeof(line),
		 "{\"cmd\":\"answer\",\"id\":31,\"verdict\":\"allow\",\"ticket\":\"exit\"}\n");
	send_text(fd, line, strlen(line));
	/* The reply, and the withdrawal of the event from the prompt. */
	for (int i = 0; i < 2; i++) {
		m = recv_json(fd);
		assert_non_null(m);
		if (json_object_get(m, "answered"))
			assert_int_equal(json_integer_value(json_object_get(m, "answered")), 31);
		else
			assert_int_equal(json_integer_value(json_object_get(m, "gone")), 31);
		json_decref(m);
	}
	assert_true(recorder_wait(&f->rec, 1, 2000));
	assert_true(recorder_get(&f->rec, 31, &rec));
	assert_int_equal(rec.d.by, DECIDER_PROMPT);
	assert_int_equal(rec.d.life, SNET_TICKET_TASK);
	assert_int_equal(rec.d.prompt_uid, getuid());
	/* Unanswered: withdrawn when the default takes over. */
	ev.id = 32;
	assert_int_equal(pipeline_submit(f->pl, &ev, test_now_ms() * 1000000ull), 0);
	m = recv_json(fd);
	assert_non_null(json_object_get(m, "prompt"));
	json_decref(m);
	m = recv_json(fd);
	assert_int_equal(json_integer_value(json_object_get(m, "gone")), 32);
	json_decref(m);
	/* Withdrawn first, then answered with the default. */
	assert_true(recorder_wait(&f->rec, 2, 2000));
	assert_true(recorder_get(&f->rec, 32, &rec));
	assert_int_equal(rec.d.by, DECIDER_TIMEOUT);
	/* Too late to answer now. */
	send_text(fd, "{\"cmd\":\"answer\",\"id\":32,\"verdict\":\"allow\"}\n", 44);
	m = recv_json(fd);
	assert_non_null(strstr(json_string_value(json_object_get(m, "error")),
			       "not waiting"));
	json_decref(m);
	close(fd);
}

static void strangers_are_refused(void **state)
{
	struct fixture *f = *state;
	int pipefd[2], st;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char buf[256] = "";
		int fd;
		ssize_t n;

		close(pipefd[0]);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		/* Even with a path it can reach, the peer check turns it away. */
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->sock);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0)
				buf[n] = '\0';
		} else {
			snprintf(buf, sizeof(buf), "connect: %s", strerror(errno));
		}
		if (write(pipefd[1], buf, strlen(buf)) < 0)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	char out[256] = "";
	ssize_t n = read(pipefd[0], out, sizeof(out) - 1);

	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_true(n > 0);
	/* The file's mode (0600) refuses first, or the peer check does. */
	if (!strstr(out, "permission denied") && !strstr(out, "Permission denied"))
		fail_msg("a stranger was not refused: %s", out);
}

/* Run snetctl with @args; its stdout into @out; returns its exit status. */
static int run_snetctl(const char *const *args, const char *input, char *out,
		       size_t outlen)
{
	const char *bin = getenv("SNETCTL");
	int in[2], o[2], st;
	char *argv[16];
	int n = 0;
	pid_t pid;

	assert_non_null(bin);
	argv[n++] = (char *)bin;
	for (; *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(o), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		close(in[1]);
		close(o[0]);
		execv(bin, argv);
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	if (input)
		assert_int_equal(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]);
	size_t used = 0;
	ssize_t r;

	while ((r = read(o[0], out + used, outlen - 1 - used)) > 0)
		used += (size_t)r;
	out[used] = '\0';
	close(o[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void snetctl_commands(void **state)
{
	struct fixture *f = *state;
	const char *status_json[] = { "-s", f->sock, "-j", "status", NULL };
	const char *status[] = { "-s", f->sock, "status", NULL };
	const char *events[] = { "-s", f->sock, "events", NULL };
	const char *tickets[] = { "-s", f->sock, "tickets", NULL };
	const char *bad[] = { "-s", f->sock, "tickets", "revoke", "x", NULL };
	const char *nowhere[] = { "-s", "/nonexistent/snetd.sock", "status", NULL };
	const char *raw[] = { "-s", f->sock, "raw", "{\"cmd\":1}", NULL };
	char out[65536];

	assert_int_equal(run_snetctl(status_json, NULL, out, sizeof(out)), 0);
	json_error_t jerr;
	json_t *r = json_loads(out, 0, &jerr);

	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	assert_int_equal(run_snetctl(status, NULL, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "rules: 1"));
	assert_int_equal(run_snetctl(events, NULL, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "no events in flight"));
	assert_int_equal(run_snetctl(tickets, NULL, out, sizeof(out)), 1);
	assert_int_equal(run_snetctl(bad, NULL, out, sizeof(out)), 2);
	assert_int_equal(run_snetctl(nowhere, NULL, out, sizeof(out)), 3);
	assert_int_equal(run_snetctl(raw, NULL, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "needs \\\"cmd\\\""));
}

static void reopen_logs_command(void **state)
{
	struct fixture *f = *state;
	const char *reopen[] = { "-s", f->sock, "reopen-logs", NULL };
	const char *extra[] = { "-s", f->sock, "reopen-logs", "now", NULL };
	const char *raw[] = { "-s", f->sock, "raw", "{\"cmd\":\"reopen-logs\"}", NULL };
	char out[4096];

	reopen_calls = reopen_fails = 0;
	assert_int_equal(run_snetctl(reopen, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "logs reopened\n");
	assert_int_equal(reopen_calls, 1);
	reopen_fails = 1;
	assert_int_equal(run_snetctl(reopen, NULL, out, sizeof(out)), 1);
	assert_int_equal(run_snetctl(raw, NULL, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "decision log /x/decisions.jsonl: reopen: Permission denied"));
	assert_int_equal(reopen_calls, 3);
	reopen_fails = 0;
	assert_int_equal(run_snetctl(extra, NULL, out, sizeof(out)), 2);
	assert_int_equal(reopen_calls, 3);
}

struct prompt_run {
	struct fixture *f;
	char out[8192];
	int status;
};

static void *prompt_thread(void *arg)
{
	struct prompt_run *pr = arg;
	const char *args[] = { "-s", pr->f->sock, "prompt", NULL };

	pr->status = run_snetctl(args, "deny 45s\nbogus answer\n77 allow always\n",
				 pr->out, sizeof(pr->out));
	return NULL;
}

static int held(const struct snet_event *ev, int64_t left_ms, void *arg)
{
	(void)ev;
	(void)left_ms;
	(*(int *)arg)++;
	return 0;
}

static void snetctl_prompt_from_a_script(void **state)
{
	struct fixture *f = *state;
	struct prompt_run pr = { .f = f };
	struct snet_event a = test_event(76, SNET_SYSCALL_CONNECT, 6, "198.51.100.7",
					 9000, "/usr/bin/one", 1000);
	struct snet_event b = test_event(77, SNET_SYSCALL_CONNECT, 17, "198.51.100.8",
					 9001, "/usr/bin/two", 1000);
	struct recorded r;
	pthread_t t;
	struct pipeline_stats st;

	/* Wait for snetctl to attach before the events come. */
	assert_int_equal(pthread_create(&t, NULL, prompt_thread, &pr), 0);
	for (int i = 0; i < 300; i++) {
		pipeline_stats(f->pl, &st);
		if (st.prompt_clients == 1)
			break;
		usleep(10000);
	}
	assert_int_equal(st.prompt_clients, 1);
	assert_int_equal(pipeline_submit(f->pl, &a, test_now_ms() * 1000000ull), 0);
	for (int i = 0, n = 0; i < 300 && n == 0; i++) {
		pipeline_prompt_foreach(f->pl, held, &n);
		usleep(5000);
	}
	assert_int_equal(pipeline_submit(f->pl, &b, test_now_ms() * 1000000ull), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(pr.status, 0);
	assert_non_null(strstr(pr.out, "[76] connect tcp"));
	assert_non_null(strstr(pr.out, "/usr/bin/one"));
	assert_non_null(strstr(pr.out, "not an answer: bogus answer"));
	assert_true(recorder_wait(&f->rec, 2, 2000));
	assert_true(recorder_get(&f->rec, 76, &r));
	assert_int_equal(r.d.by, DECIDER_PROMPT);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	assert_int_equal(r.d.life, SNET_TICKET_TIMED);
	assert_int_equal(r.d.seconds, 45);
	assert_true(recorder_get(&f->rec, 77, &r));
	assert_int_equal(r.d.verdict, SNET_VERDICT_ALLOW);
	assert_non_null(strstr(r.d.detail, "always"));
	char *text = test_read(f->policy_path);

	assert_non_null(strstr(text, "exe \"/usr/bin/two\" remote 198.51.100.8 remote-port 9001"));
	free(text);
}

static void request_parser_fields(void **state)
{
	struct ctl_request req;
	char err[256];
	const char *l;

	(void)state;
	l = "{\"cmd\":\"tickets\",\"action\":\"revoke\",\"cookie\":12345}";
	assert_int_equal(ctl_request_parse(l, strlen(l), &req, err, sizeof(err)), 0);
	assert_int_equal(req.cmd, CTL_TICKETS_REVOKE);
	assert_int_equal(req.cookie, 12345);
	l = "{\"cmd\":\"tickets\",\"pid\":77}";
	assert_int_equal(ctl_request_parse(l, strlen(l), &req, err, sizeof(err)), 0);
	assert_int_equal(req.cmd, CTL_TICKETS_LIST);
	assert_int_equal(req.pid, 77);
	l = "{\"cmd\":\"answer\",\"id\":9,\"verdict\":\"deny\",\"ticket\":\"seconds\",\"seconds\":5}";
	assert_int_equal(ctl_request_parse(l, strlen(l), &req, err, sizeof(err)), 0);
	assert_int_equal(req.event_id, 9);
	assert_int_equal(req.verdict, SNET_VERDICT_DENY);
	assert_int_equal(req.life, SNET_TICKET_TIMED);
	assert_int_equal(req.seconds, 5);
	l = "{\"cmd\":\"answer\",\"id\":9,\"verdict\":\"allow\",\"ticket\":\"always\"}";
	assert_int_equal(ctl_request_parse(l, strlen(l), &req, err, sizeof(err)), 0);
	assert_true(req.always);
	assert_int_equal(req.life, SNET_TICKET_TASK);
	l = "{\"cmd\":\"sockets\"}";
	assert_int_equal(ctl_request_parse(l, strlen(l), &req, err, sizeof(err)), 0);
	assert_int_equal(req.limit, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(status_stats_events_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_commands_say_the_kernel_is_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_requests_get_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(reload_reports_and_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(prompt_session, setup, teardown),
		cmocka_unit_test_setup_teardown(strangers_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(snetctl_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_logs_command, setup, teardown),
		cmocka_unit_test_setup_teardown(snetctl_prompt_from_a_script, setup, teardown),
		cmocka_unit_test(request_parser_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
