// SPDX-License-Identifier: GPL-2.0-or-later
/* The decision pipeline: deciders, remote workers, the prompt broker. */
#include "pipeline.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "declog.h"
#include "event_json.h"
#include "log.h"
#include "names.h"
#include "policy.h"
#include "remote.h"

/* Below this, asking the remote server is pointless. */
#define MIN_REMOTE_BUDGET_MS 10

/*
 * Ids submitted lately.  After lost events the main loop asks the kernel
 * for the calls still waiting, and then reads the events that were queued
 * on its socket before the loss: without this memory a call decided from
 * the pending list would be decided again (and its verdict refused) when
 * its queued event comes in.  The kernel never reuses an id soon (cyclic
 * u32), so remembering the last RECENT_IDS is exact for any socket backlog
 * under that many events (the default 4 MiB buffer holds a few thousand).
 */
#define RECENT_IDS PIPELINE_RECENT_IDS
#define RECENT_SLOTS (2 * RECENT_IDS)	/* a power of two: linear probing */

struct job {
	struct job *next;		/* in one queue or list at a time */
	struct job *in_prev, *in_next;	/* the in-flight list */
	struct snet_event ev;
	uint64_t recv_ns, deadline_ns;	/* CLOCK_MONOTONIC */
	_Atomic int stage;		/* enum job_stage */
	char why[200];			/* why the steps so far did not decide */
	struct prompt_answer answer;	/* set by pipeline_prompt_answer() */
	enum decider fall_by;		/* who to name when the prompt lets go */
	/* Once answered, for the decision log's writer. */
	struct decision decided;
	uint64_t latency_us;
	int send_rc;
};

/*
 * Answered jobs wait for the decision log's writer at most this many deep;
 * past it (the disk stalls) their lines are dropped and counted.
 */
#define LOG_QUEUE_MAX 65536
/* The writer gathers up to this many bytes of lines into one write(). */
#define LOG_BATCH_BYTES (64u << 10)
/*
 * Woken for a new line, the writer lets more gather this long first: under
 * a steady stream of decisions it then wakes once per period, not once per
 * decision (each wake-up is a futex call on the deciding thread and a
 * context switch), and writes them together.
 */
#define LOG_GATHER_MS 5
/* ... unless this many wait already. */
#define LOG_GATHER_ENOUGH 256

struct job_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	size_t len;
	bool closed;			/* no more jobs will come */
};

struct worker {
	struct pipeline *pl;
	pthread_t thread;
	bool started;
	struct remote_client *remote;	/* remote workers only */
};

struct pipeline {
	struct pipeline_params params;
	char *policy_path, *remote_host, *remote_port;
	struct verdict_ops ops;

	pthread_mutex_t policy_lock;	/* guards .policy (the pointer) */
	struct policy *policy;
	pthread_mutex_t policy_file_lock; /* serialises reload and append */

	pthread_mutex_t inflight_lock;
	struct job *oldest, *newest;
	size_t in_flight;
	/* Under inflight_lock: the ids of the last RECENT_IDS submissions. */
	uint32_t *recent_ring;		/* oldest at recent_head once full */
	uint32_t *recent_slots;		/* hash set of the ring; 0 = empty */
	size_t recent_head, recent_n;

	struct job_queue decide_q, remote_q;
	struct worker *deciders, *remotes;
	unsigned int n_remotes;
	/* workers == 0: pipeline_submit() runs the policy step itself, with
	 * this sender of the submitting thread (opened at its first event). */
	void *inline_sender;
	bool inline_opened;

	/* The decision log's writer: answered jobs, oldest first. */
	pthread_mutex_t log_lock;
	pthread_cond_t log_cond;
	struct job *log_head, *log_tail;
	size_t log_len;			/* queued + being written */
	bool log_stop;
	pthread_t logger;
	bool logger_started;

	/* The prompt broker. */
	pthread_mutex_t prompt_lock;
	pthread_cond_t prompt_cond;	/* CLOCK_MONOTONIC */
	struct job *held;		/* waiting for a person */
	struct job *answered;		/* answered, verdict not yet sent */
	size_t n_held;
	unsigned int prompt_clients;
	bool broker_stop;
	pthread_t broker;
	bool broker_started;
	int prompt_efd;

	atomic_bool stopping;

	/* Statistics. */
	atomic_uint_fast64_t submitted, decided[N_DECIDERS], allowed, denied;
	atomic_uint_fast64_t remote_errors, remote_skipped, send_errors,
			     log_errors, reloads, reload_failures, rules_added,
			     max_latency_us;
};

const char *stage_name(enum job_stage stage)
{
	switch (stage) {
	case STAGE_QUEUED:
		return "queued";
	case STAGE_POLICY:
		return "policy";
	case STAGE_REMOTE_QUEUED:
		return "remote-queued";
	case STAGE_REMOTE:
		return "remote";
	case STAGE_PROMPT:
		return "prompt";
	case STAGE_ANSWERING:
		return "answering";
	}
	return "?";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int64_t ms_until(uint64_t deadline_ns, uint64_t now)
{
	return ((int64_t)deadline_ns - (int64_t)now) / 1000000;
}

/* --- queues ---------------------------------------------------------------- */

static void queue_init(struct job_queue *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->head = q->tail = NULL;
	q->len = 0;
	q->closed = false;
}

static void queue_destroy(struct job_queue *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
}

static void queue_push(struct job_queue *q, struct job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->len++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* The next job; NULL once the queue is closed and empty. */
static struct job *queue_pop(struct job_queue *q)
{
	struct job *j;

	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->closed)
		pthread_cond_wait(&q->cond, &q->lock);
	j = q->head;
	if (j) {
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		q->len--;
	}
	pthread_mutex_unlock(&q->lock);
	return j;
}

static void queue_close(struct job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* --- recently submitted ids ------------------------------------------------ */

static size_t recent_home(uint32_t id)
{
	return (size_t)((id * 2654435761u) & (RECENT_SLOTS - 1));
}

static bool recent_has(const struct pipeline *pl, uint32_t id)
{
	for (size_t i = recent_home(id); pl->recent_slots[i];
	     i = (i + 1) & (RECENT_SLOTS - 1))
		if (pl->recent_slots[i] == id)
			return true;
	return false;
}

/* Remove @id from the hash set, keeping every probe chain unbroken. */
static void recent_forget(struct pipeline *pl, uint32_t id)
{
	size_t i = recent_home(id), j;

	while (pl->recent_slots[i] != id) {
		if (!pl->recent_slots[i])
			return;
		i = (i + 1) & (RECENT_SLOTS - 1);
	}
	pl->recent_slots[i] = 0;
	for (j = (i + 1) & (RECENT_SLOTS - 1); pl->recent_slots[j];
	     j = (j + 1) & (RECENT_SLOTS - 1)) {
		size_t k = recent_home(pl->recent_slots[j]);

		/* Move the entry back into the hole unless its home lies
		 * cyclically after the hole and up to where it sits. */
		if (i <= j ? (k > i && k <= j) : (k > i || k <= j))
			continue;
		pl->recent_slots[i] = pl->recent_slots[j];
		pl->recent_slots[j] = 0;
		i = j;
	}
}

/* Remember @id, forgetting the oldest once RECENT_IDS are remembered. */
static void recent_add(struct pipeline *pl, uint32_t id)
{
	size_t i;

	if (pl->recent_n == RECENT_IDS) {
		recent_forget(pl, pl->recent_ring[pl->recent_head]);
		pl->recent_ring[pl->recent_head] = id;
		pl->recent_head = (pl->recent_head + 1) % RECENT_IDS;
	} else {
		pl->recent_ring[(pl->recent_head + pl->recent_n) % RECENT_IDS] = id;
		pl->recent_n++;
	}
	for (i = recent_home(id); pl->recent_slots[i];
	     i = (i + 1) & (RECENT_SLOTS - 1))
		;
	pl->recent_slots[i] = id;
}

/* --- answering ----------------------------------------------------------- */

static void notify_prompt(struct pipeline *pl)
{
	uint64_t one = 1;

	/* Only fails when the counter would overflow: it is readable then. */
	if (write(pl->prompt_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(LOG_ERR, "prompt eventfd: %s", strerror(errno));
}

static void max_update(atomic_uint_fast64_t *max, uint64_t v)
{
	uint64_t cur = atomic_load(max);

	while (v > cur && !atomic_compare_exchange_weak(max, &cur, v))
		;
}

/*
 * A place in the decision log's queue, taken before the job leaves the
 * in-flight list: in_flight and log_queued are never both 0 while an
 * answer's line is unwritten.  False when the queue is full (the line is
 * dropped and counted).
 */
static bool log_reserve(struct pipeline *pl)
{
	bool ok;

	pthread_mutex_lock(&pl->log_lock);
	ok = pl->log_len < LOG_QUEUE_MAX && !pl->log_stop;
	if (ok)
		pl->log_len++;
	pthread_mutex_unlock(&pl->log_lock);
	if (!ok && atomic_fetch_add(&pl->log_errors, 1) == 0)
		log_msg(LOG_ERR, "decision log: %d lines wait for the disk; dropping (further drops counted only)",
			LOG_QUEUE_MAX);
	return ok;
}

/* The writer takes @j (answered, out of every list) and frees it. */
static void log_job(struct pipeline *pl, struct job *j)
{
	pthread_mutex_lock(&pl->log_lock);
	j->next = NULL;
	if (pl->log_tail) {
		pl->log_tail->next = j;
	} else {
		pl->log_head = j;
		pthread_cond_signal(&pl->log_cond);
	}
	pl->log_tail = j;
	pthread_mutex_unlock(&pl->log_lock);
}

/* Send @d for @j with @sender, hand it to the log, forget the job. */
static void finish(struct pipeline *pl, void *sender, struct job *j,
		   const struct decision *d)
{
	uint64_t lat_us;
	bool logged;
	int rc;

	atomic_store(&j->stage, STAGE_ANSWERING);
	rc = sender ? pl->ops.send(sender, j->ev.id, d) : -ENOTCONN;
	lat_us = (now_ns() - j->recv_ns) / 1000;
	if (rc) {
		atomic_fetch_add(&pl->send_errors, 1);
		/* -ENOENT: the kernel no longer waits (timed out, or the
		 * caller was interrupted). */
		log_msg(rc == -ENOENT ? LOG_INFO : LOG_WARNING,
			"verdict for event %u not taken by the kernel: %s",
			j->ev.id, strerror(-rc));
	}
	atomic_fetch_add(&pl->decided[d->by], 1);
	atomic_fetch_add(d->verdict == SNET_VERDICT_ALLOW ? &pl->allowed :
			 &pl->denied, 1);
	max_update(&pl->max_latency_us, lat_us);
	log_msg(LOG_DEBUG, "event %u %s %s by %s%s%s in %llu us", j->ev.id,
		name_of_syscall(j->ev.syscall) ? name_of_syscall(j->ev.syscall) : "?",
		name_of_verdict(d->verdict), decider_name(d->by),
		d->detail[0] ? " " : "", d->detail, (unsigned long long)lat_us);

	logged = pl->params.log && log_reserve(pl);
	pthread_mutex_lock(&pl->inflight_lock);
	if (j->in_prev)
		j->in_prev->in_next = j->in_next;
	else
		pl->oldest = j->in_next;
	if (j->in_next)
		j->in_next->in_prev = j->in_prev;
	else
		pl->newest = j->in_prev;
	pl->in_flight--;
	pthread_mutex_unlock(&pl->inflight_lock);
	/* The log line is written off this thread: the verdict went first,
	 * and a slow disk delays no decision. */
	if (logged) {
		j->decided = *d;
		j->latency_us = lat_us;
		j->send_rc = rc;
		log_job(pl, j);
	} else {
		free(j);
	}
}

static void finish_default(struct pipeline *pl, void *sender, struct job *j,
			   enum decider by)
{
	struct decision d = pl->params.fallback;

	d.by = by;
	snprintf(d.detail, sizeof(d.detail), "%s", j->why);
	finish(pl, sender, j, &d);
}

static void note_why(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_why(struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->why, sizeof(j->why), fmt, ap);
	va_end(ap);
}

/* The prompt step: hold @j for a person, or fall to the default now. */
static void to_prompt(struct pipeline *pl, void *sender, struct job *j)
{
	if (pl->params.prompt_enabled && !atomic_load(&pl->stopping)) {
		pthread_mutex_lock(&pl->prompt_lock);
		if (pl->prompt_clients > 0 && !pl->broker_stop) {
			atomic_store(&j->stage, STAGE_PROMPT);
			j->next = pl->held;
			pl->held = j;
			pl->n_held++;
			pthread_cond_signal(&pl->prompt_cond);
			pthread_mutex_unlock(&pl->prompt_lock);
			notify_prompt(pl);
			return;
		}
		pthread_mutex_unlock(&pl->prompt_lock);
		if (!j->why[0])
			note_why(j, "no prompt attached");
	}
	finish_default(pl, sender, j, DECIDER_DEFAULT);
}

/* After the policy: the remote step if there is one, else the prompt. */
static void after_policy(struct pipeline *pl, void *sender, struct job *j)
{
	if (pl->n_remotes && !atomic_load(&pl->stopping)) {
		atomic_store(&j->stage, STAGE_REMOTE_QUEUED);
		queue_push(&pl->remote_q, j);
		return;
	}
	to_prompt(pl, sender, j);
}

/* --- threads ------------------------------------------------------------- */

/*
 * "FILE:LINE" into @buf, cut to fit.  By hand: snprintf()'s machinery was
 * a visible part of each upcall's time in the daemon.
 */
static void rule_ref(char *buf, size_t size, const char *name,
		     unsigned int line)
{
	char digits[12];
	size_t n = strnlen(name, size - 1), nd = 0, i;

	memcpy(buf, name, n);
	do
		digits[nd++] = (char)('0' + line % 10);
	while ((line /= 10) && nd < sizeof(digits));
	if (n + 1 + nd < size) {
		buf[n++] = ':';
		for (i = 0; i < nd; i++)
			buf[n++] = digits[nd - 1 - i];
	}
	buf[n] = '\0';
}

/* The policy decides @j, or hands it to the next step. */
static void policy_step(struct pipeline *pl, void *sender, struct job *j)
{
	struct policy_verdict pv;
	struct policy *p;

	atomic_store(&j->stage, STAGE_POLICY);
	p = pipeline_policy(pl);
	if (policy_match(p, &j->ev, &pv)) {
		struct decision d = {
			.verdict = pv.verdict, .life = pv.life,
			.seconds = pv.seconds, .by = DECIDER_POLICY,
			.rule_line = pv.line,
		};

		rule_ref(d.detail, sizeof(d.detail), policy_name(p), pv.line);
		policy_put(p);
		finish(pl, sender, j, &d);
		return;
	}
	policy_put(p);
	note_why(j, "no rule matched");
	after_policy(pl, sender, j);
}

static void *decider_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *pl = w->pl;
	void *sender = NULL;
	struct job *j;
	int rc;

	rc = pl->ops.open(pl->ops.ctx, &sender);
	if (rc)
		log_msg(LOG_ERR, "decider: cannot open a verdict channel: %s",
			strerror(-rc));
	while ((j = queue_pop(&pl->decide_q))) {
		if (!sender) {
			/* Cannot answer: the kernel's timeout will. */
			log_msg(LOG_ERR, "event %u dropped: no verdict channel",
				j->ev.id);
			finish_default(pl, NULL, j, DECIDER_DEFAULT);
			continue;
		}
		policy_step(pl, sender, j);
	}
	if (sender)
		pl->ops.close(pl->ops.ctx, sender);
	return NULL;
}

static void *remote_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *pl = w->pl;
	void *sender = NULL;
	struct job *j;
	int rc;

	rc = pl->ops.open(pl->ops.ctx, &sender);
	if (rc)
		log_msg(LOG_ERR, "remote worker: cannot open a verdict channel: %s",
			strerror(-rc));
	while ((j = queue_pop(&pl->remote_q))) {
		int64_t left = ms_until(j->deadline_ns, now_ns());
		int64_t budget = pl->params.remote_timeout_ms;
		struct decision d;
		char why[256];

		if (!sender) {
			finish_default(pl, NULL, j, DECIDER_DEFAULT);
			continue;
		}
		if (left < budget)
			budget = left;
		if (atomic_load(&pl->stopping) || budget < MIN_REMOTE_BUDGET_MS) {
			atomic_fetch_add(&pl->remote_skipped, 1);
			note_why(j, "remote: skipped, %lld ms left",
				 (long long)left);
			to_prompt(pl, sender, j);
			continue;
		}
		atomic_store(&j->stage, STAGE_REMOTE);
		rc = remote_query(w->remote, &j->ev, (int)budget, &d, why,
				  sizeof(why));
		if (rc == 1) {
			finish(pl, sender, j, &d);
			continue;
		}
		if (rc == 0) {
			note_why(j, "remote: no verdict");
		} else {
			atomic_fetch_add(&pl->remote_errors, 1);
			note_why(j, "remote: %.180s", why);
			/* Back-off refusals are expected while the server is
			 * down: log the first failure of each connect. */
			if (rc != -EAGAIN)
				log_msg(LOG_WARNING, "event %u: %s", j->ev.id, why);
		}
		to_prompt(pl, sender, j);
	}
	if (sender)
		pl->ops.close(pl->ops.ctx, sender);
	return NULL;
}

/* Take the jobs whose time is up (all of them when nobody can answer). */
static struct job *take_expired(struct pipeline *pl, uint64_t now,
				uint64_t *next_deadline)
{
	struct job *expired = NULL, **pp = &pl->held;
	bool all = pl->prompt_clients == 0 || pl->broker_stop;

	*next_deadline = UINT64_MAX;
	while (*pp) {
		struct job *j = *pp;

		if (all || j->deadline_ns <= now) {
			*pp = j->next;
			pl->n_held--;
			note_why(j, pl->broker_stop ? "shutting down" :
				 pl->prompt_clients == 0 ? "prompt detached" :
				 "prompt not answered in time");
			j->fall_by = all ? DECIDER_DEFAULT : DECIDER_TIMEOUT;
			j->next = expired;
			expired = j;
		} else {
			if (j->deadline_ns < *next_deadline)
				*next_deadline = j->deadline_ns;
			pp = &j->next;
		}
	}
	return expired;
}

/* "always": write the rule, then load the policy that has it. */
static void add_always_rule(struct pipeline *pl, const struct job *j,
			    struct decision *d)
{
	char rule[PATH_MAX * 2 + 256], comment[128], when[40], err[1024];
	int rc;

	rc = policy_rule_for_event(&j->ev, d->verdict, rule, sizeof(rule));
	if (rc) {
		log_msg(LOG_WARNING, "event %u: no rule can express it: %s",
			j->ev.id, strerror(-rc));
		snprintf(d->detail, sizeof(d->detail), "always: no rule written (%s)",
			 strerror(-rc));
		return;
	}
	json_time_now(when, sizeof(when));
	snprintf(comment, sizeof(comment), "added at the prompt by uid %u, %s",
		 d->prompt_uid, when);
	pthread_mutex_lock(&pl->policy_file_lock);
	rc = policy_file_append(pl->policy_path, rule, comment, err, sizeof(err));
	pthread_mutex_unlock(&pl->policy_file_lock);
	if (rc) {
		log_msg(LOG_ERR, "cannot add rule to %s: %s", pl->policy_path, err);
		snprintf(d->detail, sizeof(d->detail), "always: rule not written");
		return;
	}
	atomic_fetch_add(&pl->rules_added, 1);
	log_msg(LOG_NOTICE, "rule added to %s: %s", pl->policy_path, rule);
	snprintf(d->detail, sizeof(d->detail), "always: rule added to %.300s",
		 pl->policy_path);
	rc = pipeline_reload_policy(pl, err, sizeof(err));
	if (rc)
		log_msg(LOG_ERR, "policy reload after adding a rule: %s", err);
}

static void *broker_main(void *arg)
{
	struct pipeline *pl = arg;
	void *sender = NULL;
	int rc;

	rc = pl->ops.open(pl->ops.ctx, &sender);
	if (rc)
		log_msg(LOG_ERR, "prompt: cannot open a verdict channel: %s",
			strerror(-rc));
	pthread_mutex_lock(&pl->prompt_lock);
	for (;;) {
		uint64_t next;
		struct job *expired = take_expired(pl, now_ns(), &next);
		struct job *answered = pl->answered;
		bool changed = expired != NULL;

		pl->answered = NULL;
		if (expired || answered) {
			pthread_mutex_unlock(&pl->prompt_lock);
			if (changed)
				notify_prompt(pl);
			while (answered) {
				struct job *j = answered;
				struct decision d = {
					.verdict = j->answer.verdict,
					.life = j->answer.life,
					.seconds = j->answer.seconds,
					.by = DECIDER_PROMPT,
					.prompt_uid = j->answer.uid,
				};

				answered = j->next;
				if (j->answer.always) {
					d.life = SNET_TICKET_TASK;
					d.seconds = 0;
					add_always_rule(pl, j, &d);
				}
				finish(pl, sender, j, &d);
			}
			while (expired) {
				struct job *j = expired;

				expired = j->next;
				finish_default(pl, sender, j, j->fall_by);
			}
			pthread_mutex_lock(&pl->prompt_lock);
			continue;
		}
		if (pl->broker_stop)
			break;
		if (next == UINT64_MAX) {
			pthread_cond_wait(&pl->prompt_cond, &pl->prompt_lock);
		} else {
			struct timespec ts = {
				.tv_sec = (time_t)(next / 1000000000ull),
				.tv_nsec = (long)(next % 1000000000ull),
			};

			pthread_cond_timedwait(&pl->prompt_cond, &pl->prompt_lock, &ts);
		}
	}
	pthread_mutex_unlock(&pl->prompt_lock);
	if (sender)
		pl->ops.close(pl->ops.ctx, sender);
	return NULL;
}

static void log_error(struct pipeline *pl, int rc)
{
	if (rc && atomic_fetch_add(&pl->log_errors, 1) == 0)
		log_msg(LOG_ERR, "decision log: %s (further errors counted only)",
			strerror(-rc));
}

/*
 * The decision log's writer: formats the answered jobs' lines, oldest
 * first, and writes those that are waiting together.
 */
static void *logger_main(void *arg)
{
	struct pipeline *pl = arg;
	char *buf = malloc(LOG_BATCH_BYTES);
	size_t used = 0;

	if (!buf)
		log_msg(LOG_ERR, "decision log: no batch buffer, one write per line");
	pthread_mutex_lock(&pl->log_lock);
	for (;;) {
		struct job *jobs = pl->log_head;
		size_t n = 0;

		if (!jobs) {
			if (pl->log_stop)
				break;
			pthread_cond_wait(&pl->log_cond, &pl->log_lock);
			if (pl->log_head && !pl->log_stop &&
			    pl->log_len < LOG_GATHER_ENOUGH) {
				struct timespec ts;

				/* Only log_stop signals while the queue is
				 * not empty: this sleeps the whole period. */
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_nsec += LOG_GATHER_MS * 1000000L;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&pl->log_cond, &pl->log_lock, &ts);
			}
			continue;
		}
		pl->log_head = pl->log_tail = NULL;
		pthread_mutex_unlock(&pl->log_lock);
		while (jobs) {
			struct job *j = jobs;
			char *line;
			size_t len;
			int rc;

			jobs = j->next;
			n++;
			rc = declog_format(&j->ev, &j->decided, j->latency_us,
					   j->send_rc, &line, &len);
			free(j);
			if (rc) {
				log_error(pl, rc);
				continue;
			}
			if (buf && len <= LOG_BATCH_BYTES) {
				if (used + len > LOG_BATCH_BYTES) {
					log_error(pl, declog_append(pl->params.log, buf, used));
					used = 0;
				}
				memcpy(buf + used, line, len);
				used += len;
			} else {
				log_error(pl, declog_append(pl->params.log, line, len));
			}
			free(line);
		}
		if (used) {
			log_error(pl, declog_append(pl->params.log, buf, used));
			used = 0;
		}
		pthread_mutex_lock(&pl->log_lock);
		pl->log_len -= n;
	}
	pthread_mutex_unlock(&pl->log_lock);
	free(buf);
	return NULL;
}

/* --- public -------------------------------------------------------------- */

struct policy *pipeline_policy(struct pipeline *pl)
{
	struct policy *p;

	pthread_mutex_lock(&pl->policy_lock);
	p = policy_get(pl->policy);
	pthread_mutex_unlock(&pl->policy_lock);
	return p;
}

int pipeline_reload_policy(struct pipeline *pl, char *err, size_t errlen)
{
	struct policy *p = NULL, *old;
	int rc;

	pthread_mutex_lock(&pl->policy_file_lock);
	rc = policy_load(pl->policy_path, &p, err, errlen);
	pthread_mutex_unlock(&pl->policy_file_lock);
	if (rc) {
		atomic_fetch_add(&pl->reload_failures, 1);
		return rc;
	}
	pthread_mutex_lock(&pl->policy_lock);
	old = pl->policy;
	pl->policy = p;
	pthread_mutex_unlock(&pl->policy_lock);
	policy_put(old);
	atomic_fetch_add(&pl->reloads, 1);
	return 0;
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

static void pipeline_free(struct pipeline *pl)
{
	queue_destroy(&pl->decide_q);
	queue_destroy(&pl->remote_q);
	pthread_mutex_destroy(&pl->policy_lock);
	pthread_mutex_destroy(&pl->policy_file_lock);
	pthread_mutex_destroy(&pl->inflight_lock);
	pthread_mutex_destroy(&pl->prompt_lock);
	pthread_cond_destroy(&pl->prompt_cond);
	pthread_mutex_destroy(&pl->log_lock);
	pthread_cond_destroy(&pl->log_cond);
	if (pl->prompt_efd >= 0)
		close(pl->prompt_efd);
	for (unsigned int i = 0; pl->remotes && i < pl->n_remotes; i++)
		remote_client_free(pl->remotes[i].remote);
	free(pl->remotes);
	free(pl->deciders);
	free(pl->recent_ring);
	free(pl->recent_slots);
	policy_put(pl->policy);
	free(pl->policy_path);
	free(pl->remote_host);
	free(pl->remote_port);
	free(pl);
}

int pipeline_start(const struct pipeline_params *params,
		   const struct verdict_ops *ops, struct policy *policy,
		   struct pipeline **out, char *err, size_t errlen)
{
	struct pipeline *pl;
	pthread_condattr_t ca;
	bool failed = false;
	int rc;

	if (params->margin_ms >= params->timeout_ms ||
	    !params->policy_path) {
		snprintf(err, errlen, "pipeline: bad parameters");
		return -EINVAL;
	}
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	pl->params = *params;
	pl->ops = *ops;
	pl->policy_path = dup_or_null(params->policy_path, &failed);
	pl->params.policy_path = pl->policy_path;
	if (params->remote_host && params->remote_host[0]) {
		pl->remote_host = dup_or_null(params->remote_host, &failed);
		pl->remote_port = dup_or_null(params->remote_port, &failed);
		pl->n_remotes = params->remote_connections ?
				params->remote_connections : 1;
	}
	pl->params.remote_host = pl->remote_host;
	pl->params.remote_port = pl->remote_port;
	pl->policy = policy_get(policy);
	queue_init(&pl->decide_q);
	queue_init(&pl->remote_q);
	pthread_mutex_init(&pl->policy_lock, NULL);
	pthread_mutex_init(&pl->policy_file_lock, NULL);
	pthread_mutex_init(&pl->inflight_lock, NULL);
	pthread_mutex_init(&pl->prompt_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pl->prompt_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&pl->log_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pl->log_cond, &ca);
	pthread_condattr_destroy(&ca);
	pl->prompt_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pl->deciders = calloc(params->workers ? params->workers : 1,
			      sizeof(*pl->deciders));
	if (pl->n_remotes)
		pl->remotes = calloc(pl->n_remotes, sizeof(*pl->remotes));
	pl->recent_ring = calloc(RECENT_IDS, sizeof(*pl->recent_ring));
	pl->recent_slots = calloc(RECENT_SLOTS, sizeof(*pl->recent_slots));
	if (failed || pl->prompt_efd < 0 || !pl->deciders ||
	    !pl->recent_ring || !pl->recent_slots ||
	    (pl->n_remotes && !pl->remotes)) {
		snprintf(err, errlen, "pipeline: out of resources");
		pipeline_free(pl);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < pl->n_remotes; i++) {
		pl->remotes[i].pl = pl;
		rc = remote_client_new(pl->remote_host, pl->remote_port,
				       params->remote_tls,
				       &pl->remotes[i].remote, err, errlen);
		if (rc) {
			pipeline_free(pl);
			return rc;
		}
	}
	/* From here on pipeline_stop() undoes what started. */
	if (params->log) {
		rc = pthread_create(&pl->logger, NULL, logger_main, pl);
		if (rc)
			goto fail_threads;
		pl->logger_started = true;
	}
	rc = pthread_create(&pl->broker, NULL, broker_main, pl);
	if (rc)
		goto fail_threads;
	pl->broker_started = true;
	for (unsigned int i = 0; i < pl->n_remotes; i++) {
		rc = pthread_create(&pl->remotes[i].thread, NULL, remote_main,
				    &pl->remotes[i]);
		if (rc)
			goto fail_threads;
		pl->remotes[i].started = true;
	}
	for (unsigned int i = 0; i < params->workers; i++) {
		pl->deciders[i].pl = pl;
		rc = pthread_create(&pl->deciders[i].thread, NULL, decider_main,
				    &pl->deciders[i]);
		if (rc)
			goto fail_threads;
		pl->deciders[i].started = true;
	}
	*out = pl;
	return 0;
fail_threads:
	snprintf(err, errlen, "pipeline: cannot start a thread: %s", strerror(rc));
	pipeline_stop(pl);
	return -rc;
}

void pipeline_stop(struct pipeline *pl)
{
	if (!pl)
		return;
	atomic_store(&pl->stopping, true);
	/* Deciders drain their queue (policy, else default); then remote
	 * workers drain theirs; then the broker releases what it holds. */
	queue_close(&pl->decide_q);
	for (unsigned int i = 0; i < pl->params.workers; i++)
		if (pl->deciders[i].started)
			pthread_join(pl->deciders[i].thread, NULL);
	queue_close(&pl->remote_q);
	for (unsigned int i = 0; i < pl->n_remotes; i++)
		if (pl->remotes[i].started)
			pthread_join(pl->remotes[i].thread, NULL);
	pthread_mutex_lock(&pl->prompt_lock);
	pl->broker_stop = true;
	pthread_cond_signal(&pl->prompt_cond);
	pthread_mutex_unlock(&pl->prompt_lock);
	if (pl->broker_started)
		pthread_join(pl->broker, NULL);
	if (pl->inline_sender)
		pl->ops.close(pl->ops.ctx, pl->inline_sender);
	/* Last, the log: every answer above has its line. */
	pthread_mutex_lock(&pl->log_lock);
	pl->log_stop = true;
	pthread_cond_signal(&pl->log_cond);
	pthread_mutex_unlock(&pl->log_lock);
	if (pl->logger_started)
		pthread_join(pl->logger, NULL);
	if (pl->in_flight)
		log_msg(LOG_WARNING, "pipeline stopped with %zu events unanswered",
			pl->in_flight);
	/* Jobs that never reached a thread (start failed half-way). */
	while (pl->oldest) {
		struct job *j = pl->oldest;

		pl->oldest = j->in_next;
		free(j);
	}
	pipeline_free(pl);
}

/*
 * A zeroed job holding a copy of @ev.  Not calloc() and a whole copy: the
 * event's exe buffer is 4 KiB, mostly unused, and clearing and copying it
 * showed on every upcall.
 */
static struct job *job_new(const struct snet_event *ev)
{
	const size_t head = offsetof(struct snet_event, exe);
	const size_t tail = head + sizeof(ev->exe);
	size_t exe_len = strnlen(ev->exe, sizeof(ev->exe) - 1);
	struct job *j = malloc(sizeof(*j));

	if (!j)
		return NULL;
	memset(j, 0, offsetof(struct job, ev));
	memset(&j->ev + 1, 0,
	       sizeof(*j) - offsetof(struct job, ev) - sizeof(j->ev));
	memcpy(&j->ev, ev, head);
	memcpy(j->ev.exe, ev->exe, exe_len);
	j->ev.exe[exe_len] = '\0';
	memcpy((char *)&j->ev + tail, (const char *)ev + tail,
	       sizeof(*ev) - tail);
	return j;
}

int pipeline_submit(struct pipeline *pl, const struct snet_event *ev,
		    uint64_t recv_ns)
{
	uint64_t left_ms;
	struct job *j;

	if (!ev->id)
		return -EINVAL;
	if (atomic_load(&pl->stopping))
		return -ESHUTDOWN;
	j = job_new(ev);
	if (!j)
		return -ENOMEM;
	j->recv_ns = recv_ns;
	/* An event from the kernel's pending list has waited already: it
	 * says how long it has left. */
	left_ms = ev->timeout_left_ms && ev->timeout_left_ms < pl->params.timeout_ms ?
		  ev->timeout_left_ms : pl->params.timeout_ms;
	j->deadline_ns = recv_ns + (left_ms > pl->params.margin_ms ?
				    left_ms - pl->params.margin_ms : 0) * 1000000ull;
	atomic_init(&j->stage, STAGE_QUEUED);

	pthread_mutex_lock(&pl->inflight_lock);
	/* In flight, or decided lately: the same call, seen twice. */
	if (recent_has(pl, ev->id)) {
		pthread_mutex_unlock(&pl->inflight_lock);
		free(j);
		return -EEXIST;
	}
	for (struct job *o = pl->newest; o; o = o->in_prev) {
		if (o->ev.id == ev->id) {
			pthread_mutex_unlock(&pl->inflight_lock);
			free(j);
			return -EEXIST;
		}
	}
	recent_add(pl, ev->id);
	j->in_prev = pl->newest;
	j->in_next = NULL;
	if (pl->newest)
		pl->newest->in_next = j;
	else
		pl->oldest = j;
	pl->newest = j;
	pl->in_flight++;
	pthread_mutex_unlock(&pl->inflight_lock);
	atomic_fetch_add(&pl->submitted, 1);
	if (pl->params.workers) {
		queue_push(&pl->decide_q, j);
		return 0;
	}
	/* The policy step here and now: no hand-off to wait for.  It never
	 * blocks; what it leaves goes to the remote and prompt threads. */
	if (!pl->inline_opened) {
		int rc = pl->ops.open(pl->ops.ctx, &pl->inline_sender);

		pl->inline_opened = true;
		if (rc) {
			pl->inline_sender = NULL;
			log_msg(LOG_ERR, "cannot open a verdict channel: %s (the kernel's timeout decides)",
				strerror(-rc));
		}
	}
	if (!pl->inline_sender) {
		finish_default(pl, NULL, j, DECIDER_DEFAULT);
		return 0;
	}
	policy_step(pl, pl->inline_sender, j);
	return 0;
}

bool pipeline_in_flight(struct pipeline *pl, uint32_t id)
{
	bool found = false;

	pthread_mutex_lock(&pl->inflight_lock);
	for (struct job *j = pl->newest; j && !found; j = j->in_prev)
		found = j->ev.id == id;
	pthread_mutex_unlock(&pl->inflight_lock);
	return found;
}

int pipeline_inflight_foreach(struct pipeline *pl,
			      int (*cb)(const struct inflight_info *i, void *arg),
			      void *arg)
{
	uint64_t now = now_ns();
	int rc = 0;

	pthread_mutex_lock(&pl->inflight_lock);
	for (struct job *j = pl->oldest; j && !rc; j = j->in_next) {
		struct inflight_info info = {
			.ev = &j->ev,
			.stage = (enum job_stage)atomic_load(&j->stage),
			.age_ms = (now - j->recv_ns) / 1000000,
			.left_ms = ms_until(j->deadline_ns, now),
		};

		rc = cb(&info, arg);
	}
	pthread_mutex_unlock(&pl->inflight_lock);
	return rc;
}

void pipeline_stats(struct pipeline *pl, struct pipeline_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->submitted = atomic_load(&pl->submitted);
	for (int i = 0; i < N_DECIDERS; i++)
		out->decided[i] = atomic_load(&pl->decided[i]);
	out->allowed = atomic_load(&pl->allowed);
	out->denied = atomic_load(&pl->denied);
	out->remote_errors = atomic_load(&pl->remote_errors);
	out->remote_skipped = atomic_load(&pl->remote_skipped);
	out->send_errors = atomic_load(&pl->send_errors);
	out->log_errors = atomic_load(&pl->log_errors);
	out->policy_reloads = atomic_load(&pl->reloads);
	out->policy_reload_failures = atomic_load(&pl->reload_failures);
	out->rules_added = atomic_load(&pl->rules_added);
	out->max_latency_us = atomic_load(&pl->max_latency_us);
	pthread_mutex_lock(&pl->inflight_lock);
	out->in_flight = pl->in_flight;
	pthread_mutex_unlock(&pl->inflight_lock);
	pthread_mutex_lock(&pl->prompt_lock);
	out->held_for_prompt = pl->n_held;
	out->prompt_clients = pl->prompt_clients;
	pthread_mutex_unlock(&pl->prompt_lock);
	pthread_mutex_lock(&pl->log_lock);
	out->log_queued = pl->log_len;
	pthread_mutex_unlock(&pl->log_lock);
}

int pipeline_prompt_fd(struct pipeline *pl)
{
	return pl->prompt_efd;
}

void pipeline_prompt_attach(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->prompt_lock);
	pl->prompt_clients++;
	pthread_mutex_unlock(&pl->prompt_lock);
}

void pipeline_prompt_detach(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->prompt_lock);
	if (pl->prompt_clients > 0 && --pl->prompt_clients == 0)
		pthread_cond_signal(&pl->prompt_cond); /* release the held */
	pthread_mutex_unlock(&pl->prompt_lock);
}

int pipeline_prompt_foreach(struct pipeline *pl,
			    int (*cb)(const struct snet_event *ev,
				      int64_t left_ms, void *arg),
			    void *arg)
{
	uint64_t now = now_ns();
	int rc = 0;

	pthread_mutex_lock(&pl->prompt_lock);
	for (struct job *j = pl->held; j && !rc; j = j->next)
		rc = cb(&j->ev, ms_until(j->deadline_ns, now), arg);
	pthread_mutex_unlock(&pl->prompt_lock);
	return rc;
}

int pipeline_prompt_answer(struct pipeline *pl, uint32_t id,
			   const struct prompt_answer *ans)
{
	struct job **pp, *j = NULL;

	if ((ans->verdict != SNET_VERDICT_ALLOW && ans->verdict != SNET_VERDICT_DENY) ||
	    ans->life > SNET_TICKET_MAX ||
	    (ans->life == SNET_TICKET_TIMED && ans->seconds == 0))
		return -EINVAL;
	pthread_mutex_lock(&pl->prompt_lock);
	for (pp = &pl->held; *pp; pp = &(*pp)->next) {
		if ((*pp)->ev.id == id) {
			j = *pp;
			*pp = j->next;
			pl->n_held--;
			break;
		}
	}
	if (j) {
		j->answer = *ans;
		j->next = pl->answered;
		pl->answered = j;
		pthread_cond_signal(&pl->prompt_cond);
	}
	pthread_mutex_unlock(&pl->prompt_lock);
	if (!j)
		return -ENOENT;
	notify_prompt(pl);
	return 0;
}
