// SPDX-License-Identifier: GPL-2.0
/*
 * snet - calls waiting for the daemon's verdict
 *
 * A mediated call that no ticket decides gets a unique id and waits,
 * interruptibly and for at most the configured timeout, until the daemon
 * answers with that id, the daemon goes away (every waiting call is then
 * released with the default verdict), or a signal comes.
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>

#include "snet_stats.h"
#include "snet_verdict.h"

struct snet_verdict_table snet_verdicts = {
	.pending = XARRAY_INIT(snet_verdicts.pending, XA_FLAGS_ALLOC1),
};

void snet_verdict_table_init(struct snet_verdict_table *table)
{
	xa_init_flags(&table->pending, XA_FLAGS_ALLOC1);
	table->next_id = 0;
}

void snet_pending_init(struct snet_pending *pending,
		       const struct snet_call *call, unsigned long timeout)
{
	pending->id = 0;
	init_completion(&pending->done);
	pending->verdict = SNET_VERDICT_NONE;
	pending->released = false;
	pending->ticket_life = SNET_TICKET_ONCE;
	pending->ticket_seconds = 0;
	pending->deadline = jiffies + timeout;
	pending->call = call;
}

/* Gives @pending an id no other waiting call has; ids wrap, never 0. */
int snet_verdict_add(struct snet_verdict_table *table,
		     struct snet_pending *pending)
{
	int err;

	err = xa_alloc_cyclic(&table->pending, &pending->id, pending,
			      XA_LIMIT(1, U32_MAX), &table->next_id,
			      GFP_KERNEL);
	return err < 0 ? err : 0;
}

/*
 * For a call that could not be sent: it leaves without waiting.  Only if
 * still there: the daemon leaving may have released it already.
 */
void snet_verdict_remove(struct snet_verdict_table *table,
			 struct snet_pending *pending)
{
	xa_cmpxchg(&table->pending, pending->id, pending, NULL, 0);
}

int snet_verdict_answer(struct snet_verdict_table *table, u32 id, u8 verdict,
			u8 ticket_life, u32 ticket_seconds)
{
	struct snet_pending *pending;

	if (verdict != SNET_VERDICT_ALLOW && verdict != SNET_VERDICT_DENY)
		return -EINVAL;
	if (ticket_life > SNET_TICKET_MAX ||
	    (ticket_life == SNET_TICKET_TIMED && !ticket_seconds))
		return -EINVAL;

	xa_lock(&table->pending);
	pending = xa_load(&table->pending, id);
	if (!pending) {
		xa_unlock(&table->pending);
		return -ENOENT;
	}
	pending->verdict = verdict;
	pending->ticket_life = ticket_life;
	pending->ticket_seconds = ticket_seconds;
	__xa_erase(&table->pending, id);
	complete(&pending->done);
	xa_unlock(&table->pending);
	return 0;
}

enum snet_wait_result snet_verdict_wait(struct snet_verdict_table *table,
					struct snet_pending *pending)
{
	enum snet_wait_result result;
	long left = 0;

	if (time_before(jiffies, pending->deadline))
		left = wait_for_completion_interruptible_timeout(&pending->done,
								 pending->deadline - jiffies);

	/* Whatever woke us, an answer given before this lock counts. */
	xa_lock(&table->pending);
	if (pending->verdict != SNET_VERDICT_NONE) {
		result = pending->released ? SNET_WAIT_RELEASED :
					     SNET_WAIT_ANSWERED;
	} else {
		__xa_erase(&table->pending, pending->id);
		result = left < 0 ? SNET_WAIT_INTERRUPTED : SNET_WAIT_TIMEOUT;
	}
	xa_unlock(&table->pending);
	return result;
}

/* The daemon is gone: every waiting call gets @verdict now. */
unsigned int snet_verdict_release_all(struct snet_verdict_table *table,
				      u8 verdict)
{
	struct snet_pending *pending;
	unsigned int released = 0;
	unsigned long id;

	xa_lock(&table->pending);
	xa_for_each(&table->pending, id, pending) {
		pending->verdict = verdict;
		pending->released = true;
		__xa_erase(&table->pending, id);
		complete(&pending->done);
		released++;
	}
	xa_unlock(&table->pending);
	return released;
}

/*
 * Calls @fn, under the table's lock (@fn must not sleep), on each waiting
 * call with an id of at least @first_id, until @fn returns non-zero; then
 * *@stopped_at is that call's id.  Returns 0 when all were seen, 1 if
 * stopped.
 */
int snet_verdict_for_each(struct snet_verdict_table *table, u32 first_id,
			  int (*fn)(const struct snet_pending *pending,
				    void *arg),
			  void *arg, u32 *stopped_at)
{
	struct snet_pending *pending;
	unsigned long id;
	int stopped = 0;

	xa_lock(&table->pending);
	xa_for_each_start(&table->pending, id, pending, first_id) {
		if (fn(pending, arg)) {
			*stopped_at = id;
			stopped = 1;
			break;
		}
	}
	xa_unlock(&table->pending);
	return stopped;
}

#ifdef CONFIG_SECURITY_SNET_KUNIT_TEST

static struct snet_verdict_table *test_table(struct kunit *const test)
{
	struct snet_verdict_table *table;

	table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);
	snet_verdict_table_init(table);
	return table;
}

static void test_verdict_ids(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	struct snet_pending p[3];
	int i;
	int ret;

	for (i = 0; i < 3; i++) {
		snet_pending_init(&p[i], NULL, HZ);
		KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p[i]));
		KUNIT_EXPECT_NE(test, 0U, p[i].id);
	}
	KUNIT_EXPECT_NE(test, p[0].id, p[1].id);
	KUNIT_EXPECT_NE(test, p[1].id, p[2].id);
	KUNIT_EXPECT_NE(test, p[0].id, p[2].id);

	/* A removed id is not reused at once (cyclic allocation). */
	snet_verdict_remove(table, &p[2]);
	snet_pending_init(&p[2], NULL, HZ);
	KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p[2]));
	KUNIT_EXPECT_GT(test, p[2].id, p[1].id);

	ret = snet_verdict_answer(table, 0, SNET_VERDICT_ALLOW, SNET_TICKET_ONCE, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, ret);
	ret = snet_verdict_answer(table, 12345, SNET_VERDICT_ALLOW, SNET_TICKET_ONCE, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, ret);
	ret = snet_verdict_answer(table, p[0].id, SNET_VERDICT_NONE, SNET_TICKET_ONCE, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, ret);
	ret = snet_verdict_answer(table, p[0].id, SNET_VERDICT_ALLOW, SNET_TICKET_TIMED, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, ret);
	for (i = 0; i < 3; i++)
		snet_verdict_remove(table, &p[i]);
	KUNIT_EXPECT_TRUE(test, xa_empty(&table->pending));
}

static void test_verdict_answer(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	struct snet_pending p;
	int ret;

	snet_pending_init(&p, NULL, 10 * HZ);
	KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p));
	ret = snet_verdict_answer(table, p.id, SNET_VERDICT_DENY, SNET_TICKET_TIMED, 30);
	KUNIT_ASSERT_EQ(test, 0, ret);
	/* Answered once: a second answer finds nothing. */
	ret = snet_verdict_answer(table, p.id, SNET_VERDICT_ALLOW, SNET_TICKET_ONCE, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, ret);
	KUNIT_EXPECT_EQ(test, SNET_WAIT_ANSWERED,
			snet_verdict_wait(table, &p));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY, p.verdict);
	KUNIT_EXPECT_EQ(test, SNET_TICKET_TIMED, p.ticket_life);
	KUNIT_EXPECT_EQ(test, 30U, p.ticket_seconds);
	KUNIT_EXPECT_TRUE(test, xa_empty(&table->pending));
}

static void test_verdict_timeout(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	unsigned long start = jiffies;
	struct snet_pending p;
	int ret;

	snet_pending_init(&p, NULL, msecs_to_jiffies(30));
	KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p));
	KUNIT_EXPECT_EQ(test, SNET_WAIT_TIMEOUT, snet_verdict_wait(table, &p));
	KUNIT_EXPECT_TRUE(test, time_after_eq(jiffies,
					      start + msecs_to_jiffies(30)));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE, p.verdict);
	/* A late answer finds nothing and touches nothing. */
	ret = snet_verdict_answer(table, p.id, SNET_VERDICT_ALLOW, SNET_TICKET_ONCE, 0);
	KUNIT_EXPECT_EQ(test, -ENOENT, ret);
	KUNIT_EXPECT_TRUE(test, xa_empty(&table->pending));
}

struct test_waiter {
	struct snet_verdict_table *table;
	struct snet_pending pending;
	struct completion added;
	struct completion finished;
	enum snet_wait_result result;
	bool allow_signal;
};

static int test_waiter_fn(void *data)
{
	struct test_waiter *w = data;

	if (w->allow_signal)
		allow_signal(SIGTERM);
	snet_pending_init(&w->pending, NULL, 20 * HZ);
	if (snet_verdict_add(w->table, &w->pending)) {
		w->result = -1;
		complete(&w->added);
		complete(&w->finished);
		return 0;
	}
	complete(&w->added);
	w->result = snet_verdict_wait(w->table, &w->pending);
	flush_signals(current);
	complete(&w->finished);
	return 0;
}

static struct test_waiter *test_start_waiter(struct kunit *const test,
					     struct snet_verdict_table *table,
					     bool allow_signal,
					     struct task_struct **task)
{
	struct test_waiter *w;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->table = table;
	w->allow_signal = allow_signal;
	init_completion(&w->added);
	init_completion(&w->finished);
	*task = kthread_run(test_waiter_fn, w, "snet-kunit-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(*task));
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&w->added, 5 * HZ),
			0UL);
	return w;
}

static void test_verdict_release_on_daemon_exit(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	struct test_waiter *w[2];
	struct task_struct *task;
	int i;

	for (i = 0; i < 2; i++)
		w[i] = test_start_waiter(test, table, false, &task);
	KUNIT_EXPECT_EQ(test, 2U, snet_verdict_release_all(table,
							   SNET_VERDICT_DENY));
	for (i = 0; i < 2; i++) {
		unsigned long left;

		/* Released at once, long before the 20 s timeout. */
		left = wait_for_completion_timeout(&w[i]->finished, 5 * HZ);
		KUNIT_ASSERT_GT(test, left, 0UL);
		KUNIT_EXPECT_EQ(test, SNET_WAIT_RELEASED, w[i]->result);
		KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY, w[i]->pending.verdict);
	}
	KUNIT_EXPECT_TRUE(test, xa_empty(&table->pending));
	KUNIT_EXPECT_EQ(test, 0U, snet_verdict_release_all(table,
							   SNET_VERDICT_DENY));
}

static void test_verdict_interrupted(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	struct task_struct *task;
	struct test_waiter *w;

	w = test_start_waiter(test, table, true, &task);
	/* Let it reach the wait, then signal it. */
	msleep(20);
	send_sig(SIGTERM, task, 1);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&w->finished,
							  5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, SNET_WAIT_INTERRUPTED, w->result);
	KUNIT_EXPECT_TRUE(test, xa_empty(&table->pending));
}

static int test_collect_cb(const struct snet_pending *pending, void *arg)
{
	u32 *seen = arg;

	if (seen[0] == 2)
		return 1;
	seen[1 + seen[0]++] = pending->id;
	return 0;
}

static void test_verdict_for_each(struct kunit *const test)
{
	struct snet_verdict_table *table = test_table(test);
	struct snet_pending p[3];
	u32 seen[3] = { 0 };
	u32 stopped = 0;
	int i;

	for (i = 0; i < 3; i++) {
		snet_pending_init(&p[i], NULL, HZ);
		KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p[i]));
	}
	KUNIT_EXPECT_EQ(test, 1, snet_verdict_for_each(table, 0,
						       test_collect_cb, seen, &stopped));
	KUNIT_EXPECT_EQ(test, p[0].id, seen[1]);
	KUNIT_EXPECT_EQ(test, p[1].id, seen[2]);
	KUNIT_EXPECT_EQ(test, p[2].id, stopped);
	for (i = 0; i < 3; i++)
		snet_verdict_remove(table, &p[i]);
}

static struct kunit_case snet_verdict_test_cases[] = {
	KUNIT_CASE(test_verdict_ids),
	KUNIT_CASE(test_verdict_answer),
	KUNIT_CASE(test_verdict_timeout),
	KUNIT_CASE(test_verdict_release_on_daemon_exit),
	KUNIT_CASE(test_verdict_interrupted),
	KUNIT_CASE(test_verdict_for_each),
	{}
};

static struct kunit_suite snet_verdict_test_suite = {
	.name = "snet_verdict",
	.test_cases = snet_verdict_test_cases,
};

kunit_test_suite(snet_verdict_test_suite);

#endif /* CONFIG_SECURITY_SNET_KUNIT_TEST */
