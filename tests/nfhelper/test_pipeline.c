// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the decision pipeline, with its real threads, a real policy
 * file, the real remote client against the test server on loopback, and
 * the prompt driven through its API.  Verdicts land in a recorder, which
 * stands where the kernel would.
 */
#include "testutil.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "declog.h"
#include "pipeline.h"
#include "policy.h"

#define TCP 6
#define UDP 17

static const char base_policy[] =
	"allow proto tcp remote-port 80 ticket 30s\n"	/* 1 */
	"deny proto tcp remote-port 23 ticket exit\n";	/* 2 */

struct fixture {
	char *dir, *policy_path, *log_path;
	struct declog *log;
	struct recorder rec;
	struct pipeline *pl;
	struct pipeline_params params;
	struct test_server server;
	bool has_server;
};

static struct fixture *fixture_new(const char *policy_text)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = test_tmpdir();
	f->policy_path = test_write(f->dir, "test.policy", policy_text);
	assert_true(asprintf(&f->log_path, "%s/decisions.jsonl", f->dir) > 0);
	assert_int_equal(declog_open(f->log_path, &f->log), 0);
	recorder_init(&f->rec);
	f->params = (struct pipeline_params){
		.workers = 2,
		.timeout_ms = 3000,
		.margin_ms = 250,
		.fallback = { .verdict = SNET_VERDICT_DENY, .life = SNET_TICKET_ONCE },
		.remote_timeout_ms = 1000,
		.remote_connections = 2,
		.prompt_enabled = true,
		.policy_path = f->policy_path,
		.log = f->log,
	};
	return f;
}

static void fixture_server(struct fixture *f, const char *const *args)
{
	test_server_start(&f->server, args);
	f->has_server = true;
	f->params.remote_host = "127.0.0.1";
	f->params.remote_port = f->server.port;
}

static void fixture_start(struct fixture *f)
{
	struct verdict_ops ops = recorder_ops(&f->rec);
	struct policy *p;
	char err[1024];

	if (policy_load(f->policy_path, &p, err, sizeof(err)))
		fail_msg("%s", err);
	if (pipeline_start(&f->params, &ops, p, &f->pl, err, sizeof(err)))
		fail_msg("%s", err);
	policy_put(p);
}

static void fixture_free(struct fixture *f)
{
	pipeline_stop(f->pl);
	/* Every sender a thread opened was closed. */
	assert_int_equal(f->rec.opens, f->rec.closes);
	declog_close(f->log);
	recorder_destroy(&f->rec);
	if (f->has_server)
		test_server_stop(&f->server);
	test_rmtree(f->dir);
	free(f->dir);
	free(f->policy_path);
	free(f->log_path);
	free(f);
}

static struct recorded wait_verdict(struct fixture *f, uint32_t id, int timeout_ms)
{
	uint64_t end = test_now_ms() + (uint64_t)timeout_ms;
	struct recorded r;

	while (!recorder_get(&f->rec, id, &r)) {
		if (test_now_ms() > end)
			fail_msg("no verdict for event %u within %d ms", id, timeout_ms);
		usleep(2000);
	}
	return r;
}

static int count_held(const struct snet_event *ev, int64_t left_ms, void *arg)
{
	(void)ev;
	(void)left_ms;
	(*(int *)arg)++;
	return 0;
}

static void wait_held(struct fixture *f, int n)
{
	for (int i = 0; i < 500; i++) {
		int held = 0;

		pipeline_prompt_foreach(f->pl, count_held, &held);
		if (held == n)
			return;
		usleep(2000);
	}
	fail_msg("the prompt never held %d events", n);
}

/* Statistics are complete once nothing is in flight any more. */
static void wait_idle(struct fixture *f, struct pipeline_stats *st)
{
	for (int i = 0; i < 1000; i++) {
		pipeline_stats(f->pl, st);
		if (st->in_flight == 0)
			return;
		usleep(2000);
	}
	fail_msg("events still in flight");
}

static void submit(struct fixture *f, const struct snet_event *ev)
{
	assert_int_equal(pipeline_submit(f->pl, ev, test_now_ms() * 1000000ull), 0);
}

static void policy_decides_with_rule_and_ticket(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event a = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					 "/usr/bin/curl", 1000);
	struct snet_event b = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 23,
					 "/usr/bin/telnet", 1000);
	struct recorded r;

	(void)state;
	f->params.prompt_enabled = false;
	fixture_start(f);
	submit(f, &a);
	submit(f, &b);
	r = wait_verdict(f, 1, 2000);
	assert_int_equal(r.d.verdict, SNET_VERDICT_ALLOW);
	assert_int_equal(r.d.by, DECIDER_POLICY);
	assert_int_equal(r.d.rule_line, 1);
	assert_int_equal(r.d.life, SNET_TICKET_TIMED);
	assert_int_equal(r.d.seconds, 30);
	assert_non_null(strstr(r.d.detail, "test.policy:1"));
	r = wait_verdict(f, 2, 2000);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	assert_int_equal(r.d.rule_line, 2);
	assert_int_equal(r.d.life, SNET_TICKET_TASK);

	struct pipeline_stats st;

	wait_idle(f, &st);
	assert_int_equal(st.submitted, 2);
	assert_int_equal(st.decided[DECIDER_POLICY], 2);
	assert_int_equal(st.allowed, 1);
	assert_int_equal(st.denied, 1);
	assert_int_equal(st.in_flight, 0);
	fixture_free(f);
}

static void decision_log_says_who_decided(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event a = test_event(5, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					 "/usr/bin/curl", 1000);
	struct snet_event b = test_event(6, SNET_SYSCALL_CONNECT, UDP, "192.0.2.1", 9,
					 "/usr/bin/x", 1000);
	char *text, *line, *save = NULL;
	int n = 0;

	(void)state;
	f->params.prompt_enabled = false;
	fixture_start(f);
	submit(f, &a);
	submit(f, &b);
	assert_true(recorder_wait(&f->rec, 2, 2000));
	pipeline_stop(f->pl);
	f->pl = NULL;
	text = test_read(f->log_path);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr), *ev, *d;

		assert_non_null(o);
		assert_non_null(json_object_get(o, "time"));
		assert_true(json_is_integer(json_object_get(o, "latency_us")));
		ev = json_object_get(o, "event");
		d = json_object_get(o, "decision");
		if (json_integer_value(json_object_get(ev, "id")) == 5) {
			assert_string_equal(json_string_value(json_object_get(d, "by")), "policy");
			assert_int_equal(json_integer_value(json_object_get(d, "rule_line")), 1);
			assert_string_equal(json_string_value(json_object_get(d, "verdict")), "allow");
			assert_string_equal(json_string_value(json_object_get(d, "ticket")), "seconds");
			assert_int_equal(json_integer_value(json_object_get(d, "seconds")), 30);
		} else {
			assert_int_equal(json_integer_value(json_object_get(ev, "id")), 6);
			assert_string_equal(json_string_value(json_object_get(d, "by")), "default");
			assert_string_equal(json_string_value(json_object_get(d, "verdict")), "deny");
			assert_string_equal(json_string_value(json_object_get(d, "detail")),
					    "no rule matched");
		}
		json_decref(o);
		n++;
	}
	assert_int_equal(n, 2);
	free(text);
	fixture_free(f);
}

static void remote_decides_what_the_policy_does_not(void **state)
{
	static const char *const args[] = { "-t", "exit", "-D", "25", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct snet_event a = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 25,
					 "/usr/bin/mail", 1000);
	struct snet_event b = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					 "/usr/bin/curl", 1000);
	struct snet_event c = test_event(3, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 8080,
					 "/usr/bin/curl", 1000);
	struct recorded r;

	(void)state;
	fixture_server(f, args);
	fixture_start(f);
	submit(f, &a);
	submit(f, &b);
	submit(f, &c);
	r = wait_verdict(f, 1, 2000);
	assert_int_equal(r.d.by, DECIDER_REMOTE);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	assert_int_equal(r.d.life, SNET_TICKET_TASK);
	r = wait_verdict(f, 2, 2000);
	assert_int_equal(r.d.by, DECIDER_POLICY); /* the policy comes first */
	r = wait_verdict(f, 3, 2000);
	assert_int_equal(r.d.by, DECIDER_REMOTE);
	assert_int_equal(r.d.verdict, SNET_VERDICT_ALLOW);
	/* The server was asked about 1 and 3 only. */
	char *log = test_read(f->server.log);

	assert_non_null(log);
	assert_non_null(strstr(log, "\"id\":1,"));
	assert_non_null(strstr(log, "\"id\":3,"));
	assert_null(strstr(log, "\"id\":2,"));
	free(log);
	fixture_free(f);
}

static void slow_remote_stalls_nothing_else(void **state)
{
	static const char *const args[] = { "-d", "700", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct snet_event slow = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					    8080, "/x", 0);
	struct snet_event fast = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					    80, "/x", 0);
	uint64_t t0 = test_now_ms();
	struct recorded r;

	(void)state;
	fixture_server(f, args);
	f->params.remote_connections = 1;
	fixture_start(f);
	submit(f, &slow);
	usleep(20000); /* the slow one is at the server now */
	submit(f, &fast);
	r = wait_verdict(f, 2, 2000);
	assert_true(r.at_ms - t0 < 300);
	r = wait_verdict(f, 1, 3000);
	assert_int_equal(r.d.by, DECIDER_REMOTE);
	assert_true(r.at_ms - t0 >= 650);
	fixture_free(f);
}

static void remote_too_slow_falls_to_default_in_time(void **state)
{
	static const char *const args[] = { "-d", "2000", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	uint64_t t0 = test_now_ms();
	struct recorded r;
	struct pipeline_stats st;

	(void)state;
	fixture_server(f, args);
	f->params.timeout_ms = 800;
	f->params.margin_ms = 200;
	f->params.remote_timeout_ms = 5000; /* the kernel's deadline bounds it */
	f->params.prompt_enabled = false;
	fixture_start(f);
	submit(f, &ev);
	r = wait_verdict(f, 1, 2000);
	assert_int_equal(r.d.by, DECIDER_DEFAULT);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	assert_non_null(strstr(r.d.detail, "no answer in time"));
	/* Before the kernel would have given up (800 ms). */
	assert_true(r.at_ms - t0 < 800);
	assert_true(r.at_ms - t0 >= 500);
	wait_idle(f, &st);
	assert_int_equal(st.remote_errors, 1);
	fixture_free(f);
}

static void garbage_from_remote_is_no_answer(void **state)
{
	static const char *const args[] = { "-m", "garbage", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	struct recorded r;

	(void)state;
	fixture_server(f, args);
	f->params.prompt_enabled = false;
	fixture_start(f);
	submit(f, &ev);
	r = wait_verdict(f, 1, 2000);
	assert_int_equal(r.d.by, DECIDER_DEFAULT);
	assert_non_null(strstr(r.d.detail, "remote:"));
	assert_non_null(strstr(r.d.detail, "not JSON"));
	fixture_free(f);
}

static void prompt_answers(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(9, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	struct prompt_answer ans = {
		.verdict = SNET_VERDICT_ALLOW, .life = SNET_TICKET_TIMED,
		.seconds = 60, .uid = 1234,
	};
	struct recorded r;

	(void)state;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	submit(f, &ev);
	wait_held(f, 1);
	/* A duplicate of an event in flight is refused. */
	assert_int_equal(pipeline_submit(f->pl, &ev, test_now_ms() * 1000000ull), -EEXIST);
	assert_int_equal(pipeline_prompt_answer(f->pl, 10, &ans), -ENOENT);
	assert_int_equal(pipeline_prompt_answer(f->pl, 9, &ans), 0);
	r = wait_verdict(f, 9, 2000);
	assert_int_equal(r.d.by, DECIDER_PROMPT);
	assert_int_equal(r.d.verdict, SNET_VERDICT_ALLOW);
	assert_int_equal(r.d.life, SNET_TICKET_TIMED);
	assert_int_equal(r.d.seconds, 60);
	assert_int_equal(r.d.prompt_uid, 1234);
	/* Answered once only. */
	assert_int_equal(pipeline_prompt_answer(f->pl, 9, &ans), -ENOENT);
	ans.verdict = SNET_VERDICT_NONE;
	assert_int_equal(pipeline_prompt_answer(f->pl, 9, &ans), -EINVAL);
	pipeline_prompt_detach(f->pl);
	fixture_free(f);
}

static void unanswered_prompt_falls_to_default_before_the_kernel(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(3, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	uint64_t t0;
	struct recorded r;

	(void)state;
	f->params.timeout_ms = 700;
	f->params.margin_ms = 200;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	t0 = test_now_ms();
	submit(f, &ev);
	r = wait_verdict(f, 3, 2000);
	assert_int_equal(r.d.by, DECIDER_TIMEOUT);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	assert_true(r.at_ms - t0 >= 450);
	assert_true(r.at_ms - t0 < 700);
	pipeline_prompt_detach(f->pl);
	fixture_free(f);
}

static void prompt_detach_releases_held_events(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(4, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	struct recorded r;
	uint64_t t0;

	(void)state;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	submit(f, &ev);
	wait_held(f, 1);
	t0 = test_now_ms();
	pipeline_prompt_detach(f->pl);
	r = wait_verdict(f, 4, 1000);
	assert_int_equal(r.d.by, DECIDER_DEFAULT);
	assert_true(r.at_ms - t0 < 200);
	assert_non_null(strstr(r.d.detail, "prompt detached"));
	fixture_free(f);
}

static void always_adds_a_rule_that_decides_next_time(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(20, SNET_SYSCALL_CONNECT, TCP, "203.0.113.5",
					  4444, "/usr/bin/app", 1000);
	struct prompt_answer ans = {
		.verdict = SNET_VERDICT_ALLOW, .life = SNET_TICKET_TASK,
		.always = true, .uid = 0,
	};
	struct recorded r;
	struct policy *p;
	char *text;

	(void)state;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	submit(f, &ev);
	wait_held(f, 1);
	assert_int_equal(pipeline_prompt_answer(f->pl, 20, &ans), 0);
	r = wait_verdict(f, 20, 2000);
	assert_int_equal(r.d.by, DECIDER_PROMPT);
	assert_int_equal(r.d.life, SNET_TICKET_TASK);
	assert_non_null(strstr(r.d.detail, "always: rule added"));
	text = test_read(f->policy_path);
	assert_non_null(strstr(text, base_policy)); /* the rest intact */
	assert_non_null(strstr(text, "# added at the prompt by uid 0"));
	assert_non_null(strstr(text, "allow syscall connect proto tcp exe \"/usr/bin/app\" "
				     "remote 203.0.113.5 remote-port 4444 ticket exit\n"));
	free(text);
	p = pipeline_policy(f->pl);
	assert_int_equal(policy_rule_count(p), 3);
	policy_put(p);
	/* The same request again: the new rule decides, nobody is asked. */
	ev.id = 21;
	submit(f, &ev);
	r = wait_verdict(f, 21, 2000);
	assert_int_equal(r.d.by, DECIDER_POLICY);
	assert_int_equal(r.d.rule_line, 4);
	pipeline_prompt_detach(f->pl);
	fixture_free(f);
}

static void broken_reload_keeps_the_running_policy(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					  "/x", 0);
	struct pipeline_stats st;
	struct recorded r;
	char err[1024], *path;

	(void)state;
	f->params.prompt_enabled = false;
	fixture_start(f);
	path = test_write(f->dir, "test.policy", "allow proto tcp\ndeny proto tcpp\n");
	free(path);
	assert_int_equal(pipeline_reload_policy(f->pl, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "test.policy:2: unknown protocol 'tcpp'"));
	submit(f, &ev);
	r = wait_verdict(f, 1, 2000);
	assert_int_equal(r.d.rule_line, 1);
	assert_int_equal(r.d.seconds, 30); /* still the old rule 1 */
	/* A good file is taken. */
	path = test_write(f->dir, "test.policy", "deny\n");
	free(path);
	assert_int_equal(pipeline_reload_policy(f->pl, err, sizeof(err)), 0);
	ev.id = 2;
	submit(f, &ev);
	r = wait_verdict(f, 2, 2000);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	pipeline_stats(f->pl, &st);
	assert_int_equal(st.policy_reloads, 1);
	assert_int_equal(st.policy_reload_failures, 1);
	fixture_free(f);
}

struct stage_seen {
	uint32_t id;
	enum job_stage stage;
	int64_t left_ms;
};

static int first_inflight(const struct inflight_info *i, void *arg)
{
	struct stage_seen *s = arg;

	s->id = i->ev->id;
	s->stage = i->stage;
	s->left_ms = i->left_ms;
	return 1;
}

static void in_flight_events_are_listed(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(8, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	struct stage_seen s = { 0 };

	(void)state;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	submit(f, &ev);
	wait_held(f, 1);
	assert_true(pipeline_in_flight(f->pl, 8));
	assert_false(pipeline_in_flight(f->pl, 9));
	assert_int_equal(pipeline_inflight_foreach(f->pl, first_inflight, &s), 1);
	assert_int_equal(s.id, 8);
	assert_int_equal(s.stage, STAGE_PROMPT);
	assert_true(s.left_ms > 2000 && s.left_ms <= 2750);
	pipeline_prompt_detach(f->pl);
	fixture_free(f);
}

static void a_thousand_waiting_calls_are_all_answered(void **state)
{
	static const char *const args[] = { "-D", "9", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct pipeline_stats st;
	uint64_t total = 0;

	(void)state;
	fixture_server(f, args);
	f->params.workers = 3;
	f->params.remote_connections = 4;
	fixture_start(f);
	for (uint32_t i = 1; i <= 1000; i++) {
		/* Half the policy decides, half the server. */
		struct snet_event ev = test_event(i, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
						  i % 2 ? 80 : 9, "/x", i);

		submit(f, &ev);
	}
	assert_true(recorder_wait(&f->rec, 1000, 20000));
	wait_idle(f, &st);
	for (int i = 0; i < N_DECIDERS; i++)
		total += st.decided[i];
	assert_int_equal(total, 1000);
	assert_int_equal(st.decided[DECIDER_POLICY], 500);
	assert_int_equal(st.decided[DECIDER_REMOTE], 500);
	assert_int_equal(st.denied, 500);
	for (uint32_t i = 1; i <= 1000; i++) {
		struct recorded r;

		assert_true(recorder_get(&f->rec, i, &r));
		assert_int_equal(r.d.verdict, i % 2 ? SNET_VERDICT_ALLOW : SNET_VERDICT_DENY);
	}
	fixture_free(f);
}

static void stop_answers_everything_in_flight(void **state)
{
	static const char *const args[] = { "-d", "300", NULL };
	struct fixture *f = fixture_new(base_policy);

	(void)state;
	fixture_server(f, args);
	f->params.remote_connections = 1;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	for (uint32_t i = 1; i <= 20; i++) {
		struct snet_event ev = test_event(i, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
						  i % 4 ? 8080 : 80, "/x", 0);

		submit(f, &ev);
	}
	pipeline_stop(f->pl);
	f->pl = NULL;
	assert_int_equal(recorder_count(&f->rec), 20);
	for (uint32_t i = 4; i <= 20; i += 4) {
		struct recorded r;

		assert_true(recorder_get(&f->rec, i, &r));
		assert_int_equal(r.d.by, DECIDER_POLICY);
	}
	fixture_free(f);
}

static void refused_verdicts_and_notifications(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					  "/x", 0);
	struct pipeline_stats st;

	(void)state;
	f->rec.fail_with = -ENOENT; /* the kernel stopped waiting */
	fixture_start(f);
	submit(f, &ev);
	assert_true(recorder_wait(&f->rec, 1, 2000));
	wait_idle(f, &st);
	assert_int_equal(st.send_errors, 1);
	assert_int_equal(st.in_flight, 0);
	ev.id = 0; /* a notification is not a question */
	assert_int_equal(pipeline_submit(f->pl, &ev, 0), -EINVAL);
	fixture_free(f);
}

/*
 * After lost events the kernel's pending list and the events queued on the
 * socket can both bring a call: it is decided once.
 */
static void a_call_seen_twice_is_decided_once(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(7, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					  "/x", 0);
	struct pipeline_stats st;

	(void)state;
	fixture_start(f);
	submit(f, &ev);
	assert_true(recorder_wait(&f->rec, 1, 2000));
	wait_idle(f, &st);
	assert_int_equal(pipeline_submit(f->pl, &ev, test_now_ms() * 1000000ull), -EEXIST);
	usleep(50000);
	assert_int_equal(recorder_count(&f->rec), 1);
	pipeline_stats(f->pl, &st);
	assert_int_equal(st.submitted, 1);
	fixture_free(f);
}

/* The memory of ids is bounded: the oldest are forgotten first. */
static void old_ids_are_forgotten_oldest_first(void **state)
{
	const uint32_t n = PIPELINE_RECENT_IDS + 7000;
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					  "/x", 0);
	struct pipeline_stats st;
	uint32_t again = 0;

	(void)state;
	f->params.log = NULL;
	fixture_start(f);
	for (uint32_t id = 1; id <= n; id++) {
		ev.id = id;
		submit(f, &ev);
	}
	assert_true(recorder_wait(&f->rec, n, 60000));
	wait_idle(f, &st);
	/* The latest are all remembered (after thousands of evictions from
	 * the hash set), the ones before them are not. */
	for (uint32_t id = n - PIPELINE_RECENT_IDS + 1; id <= n; id++) {
		ev.id = id;
		assert_int_equal(pipeline_submit(f->pl, &ev, test_now_ms() * 1000000ull),
				 -EEXIST);
	}
	for (uint32_t id = 1; id <= n - PIPELINE_RECENT_IDS; id += 97) {
		ev.id = id;
		submit(f, &ev);
		again++;
	}
	assert_true(recorder_wait(&f->rec, n + again, 10000));
	fixture_free(f);
}

/* A call from the pending list has waited already: its own time left. */
static void pending_event_keeps_the_time_it_has_left(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(9, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1",
					  8080, "/x", 0);
	struct recorded r;
	uint64_t t0;

	(void)state;
	f->params.timeout_ms = 5000;
	f->params.margin_ms = 200;
	fixture_start(f);
	pipeline_prompt_attach(f->pl);
	ev.timeout_left_ms = 700;
	t0 = test_now_ms();
	submit(f, &ev);
	r = wait_verdict(f, 9, 3000);
	assert_int_equal(r.d.by, DECIDER_TIMEOUT);
	assert_true(r.at_ms - t0 >= 450);
	assert_true(r.at_ms - t0 < 700);
	pipeline_prompt_detach(f->pl);
	fixture_free(f);
}

/*
 * workers = 0: the submitting thread runs the policy step, so the verdict
 * is sent before pipeline_submit() returns; what the policy leaves still
 * goes to the remote server and the default on their own threads.
 */
static void inline_policy_step_answers_before_submit_returns(void **state)
{
	static const char *const args[] = { "-D", "25", NULL };
	struct fixture *f = fixture_new(base_policy);
	struct snet_event a = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					 "/usr/bin/curl", 1000);
	struct snet_event b = test_event(2, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 25,
					 "/usr/bin/mail", 1000);
	struct recorded r;

	(void)state;
	f->params.workers = 0;
	fixture_server(f, args);
	fixture_start(f);
	submit(f, &a);
	assert_true(recorder_get(&f->rec, 1, &r));
	assert_int_equal(r.d.by, DECIDER_POLICY);
	assert_int_equal(r.d.rule_line, 1);
	submit(f, &b);
	r = wait_verdict(f, 2, 2000);
	assert_int_equal(r.d.by, DECIDER_REMOTE);
	assert_int_equal(r.d.verdict, SNET_VERDICT_DENY);
	fixture_free(f);
}

/* The log's writer: every answer gets its line, in the order answered. */
static void decision_log_lines_follow_the_answers(void **state)
{
	struct fixture *f = fixture_new(base_policy);
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, TCP, "192.0.2.1", 80,
					  "/x", 0);
	struct pipeline_stats st;
	char *text, *line, *save = NULL;
	uint32_t want = 1;

	(void)state;
	f->params.workers = 0;
	fixture_start(f);
	for (uint32_t id = 1; id <= 500; id++) {
		ev.id = id;
		submit(f, &ev);
	}
	assert_int_equal(recorder_count(&f->rec), 500);
	for (int i = 0; i < 1000; i++) {
		pipeline_stats(f->pl, &st);
		if (st.log_queued == 0)
			break;
		usleep(2000);
	}
	assert_int_equal(st.log_queued, 0);
	assert_int_equal(st.log_errors, 0);
	text = test_read(f->log_path);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr);

		assert_non_null(o);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "event"),
								    "id")), want);
		json_decref(o);
		want++;
	}
	assert_int_equal(want, 501);
	free(text);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_decides_with_rule_and_ticket),
		cmocka_unit_test(decision_log_says_who_decided),
		cmocka_unit_test(remote_decides_what_the_policy_does_not),
		cmocka_unit_test(slow_remote_stalls_nothing_else),
		cmocka_unit_test(remote_too_slow_falls_to_default_in_time),
		cmocka_unit_test(garbage_from_remote_is_no_answer),
		cmocka_unit_test(prompt_answers),
		cmocka_unit_test(unanswered_prompt_falls_to_default_before_the_kernel),
		cmocka_unit_test(prompt_detach_releases_held_events),
		cmocka_unit_test(always_adds_a_rule_that_decides_next_time),
		cmocka_unit_test(broken_reload_keeps_the_running_policy),
		cmocka_unit_test(in_flight_events_are_listed),
		cmocka_unit_test(a_thousand_waiting_calls_are_all_answered),
		cmocka_unit_test(stop_answers_everything_in_flight),
		cmocka_unit_test(refused_verdicts_and_notifications),
		cmocka_unit_test(a_call_seen_twice_is_decided_once),
		cmocka_unit_test(old_ids_are_forgotten_oldest_first),
		cmocka_unit_test(pending_event_keeps_the_time_it_has_left),
		cmocka_unit_test(inline_policy_step_answers_before_submit_returns),
		cmocka_unit_test(decision_log_lines_follow_the_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
