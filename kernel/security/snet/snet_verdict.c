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
#include <linux/wordpart.h>

#include "snet_stats.h"
#include "snet_verdict.h"

struct snet_verdict_table snet_verdicts = {
	.lock = __SPIN_LOCK_UNLOCKED(snet_verdicts.lock),
	.list = LIST_HEAD_INIT(snet_verdicts.list),
};

void snet_verdict_table_init(struct snet_verdict_table *table)
{
	spin_lock_init(&table->lock);
	table->last_seq = 0;
	INIT_LIST_HEAD(&table->list);
	hash_init(table->buckets);
}

void snet_pending_init(struct snet_pending *pending,
		       const struct snet_call *call, unsigned long timeout)
{
	INIT_HLIST_NODE(&pending->hnode);
	INIT_LIST_HEAD(&pending->node);
	pending->seq = 0;
	pending->id = 0;
	pending->queued = false;
	init_completion(&pending->done);
	pending->verdict = SNET_VERDICT_NONE;
	pending->released = false;
	pending->ticket_life = SNET_TICKET_ONCE;
	pending->ticket_seconds = 0;
	pending->deadline = jiffies + timeout;
	pending->call = call;
}

/* The waiting call with @id; the caller holds the table's lock. */
static struct snet_pending *snet_verdict_find(struct snet_verdict_table *table,
					      u32 id)
{
	struct snet_pending *pending;

	hash_for_each_possible(table->buckets, pending, hnode, id)
		if (pending->id == id)
			return pending;
	return NULL;
}

/* Takes @pending out of the table; the caller holds the table's lock. */
static void snet_verdict_unqueue(struct snet_pending *pending)
{
	hash_del(&pending->hnode);
	list_del_init(&pending->node);
	pending->queued = false;
}

/*
 * Gives @pending an id no other waiting call has: the low 32 bits of a
 * 64-bit sequence, never 0, so ids come back only after 2^32 calls, and
 * even then not while one still waits.
 */
int snet_verdict_add(struct snet_verdict_table *table,
		     struct snet_pending *pending)
{
	spin_lock(&table->lock);
	do {
		pending->seq = ++table->last_seq;
		pending->id = lower_32_bits(pending->seq);
	} while (!pending->id || snet_verdict_find(table, pending->id));
	hash_add(table->buckets, &pending->hnode, pending->id);
	list_add_tail(&pending->node, &table->list);
	pending->queued = true;
	spin_unlock(&table->lock);
	return 0;
}

/*
 * For a call that could not be sent: it leaves without waiting.  Only if
 * still there: the daemon leaving may have released it already.
 */
void snet_verdict_remove(struct snet_verdict_table *table,
			 struct snet_pending *pending)
{
	spin_lock(&table->lock);
	if (pending->queued)
		snet_verdict_unqueue(pending);
	spin_unlock(&table->lock);
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

	spin_lock(&table->lock);
	pending = snet_verdict_find(table, id);
	if (!pending) {
		spin_unlock(&table->lock);
		return -ENOENT;
	}
	pending->verdict = verdict;
	pending->ticket_life = ticket_life;
	pending->ticket_seconds = ticket_seconds;
	snet_verdict_unqueue(pending);
	complete(&pending->done);
	spin_unlock(&table->lock);
	return 0;
}

enum snet_wait_result snet_verdict_wait(struct snet_verdict_table *table,
					struct snet_pending *pending)
{
	enum snet_wait_result result;
	unsigned long now = jiffies;
	long left = 0;

	if (time_before(now, pending->deadline))
		left = wait_for_completion_interruptible_timeout(&pending->done,
								 pending->deadline - now);
	/*
	 * Completed: the answer was written before complete(), and the
	 * answerer let go of @pending when our wait returned.
	 */
	if (left > 0)
		return pending->released ? SNET_WAIT_RELEASED :
					   SNET_WAIT_ANSWERED;

	/* Timed out or signalled: an answer given before this lock counts. */
	spin_lock(&table->lock);
	if (pending->verdict != SNET_VERDICT_NONE) {
		result = pending->released ? SNET_WAIT_RELEASED :
					     SNET_WAIT_ANSWERED;
	} else {
		snet_verdict_unqueue(pending);
		result = left < 0 ? SNET_WAIT_INTERRUPTED : SNET_WAIT_TIMEOUT;
	}
	spin_unlock(&table->lock);
	return result;
}

/* The daemon is gone: every waiting call gets @verdict now. */
unsigned int snet_verdict_release_all(struct snet_verdict_table *table,
				      u8 verdict)
{
	struct snet_pending *pending, *next;
	unsigned int released = 0;

	spin_lock(&table->lock);
	list_for_each_entry_safe(pending, next, &table->list, node) {
		pending->verdict = verdict;
		pending->released = true;
		snet_verdict_unqueue(pending);
		complete(&pending->done);
		released++;
	}
	spin_unlock(&table->lock);
	return released;
}

bool snet_verdict_empty(struct snet_verdict_table *table)
{
	bool empty;

	spin_lock(&table->lock);
	empty = list_empty(&table->list);
	spin_unlock(&table->lock);
	return empty;
}

/*
 * Calls @fn, under the table's lock (@fn must not sleep), on each waiting
 * call from sequence number @first_seq on, in arrival order, until @fn
 * returns non-zero; then *@stopped_at is that call's sequence number.
 * Returns 0 when all were seen, 1 if stopped.
 */
int snet_verdict_for_each(struct snet_verdict_table *table, u64 first_seq,
			  int (*fn)(const struct snet_pending *pending,
				    void *arg),
			  void *arg, u64 *stopped_at)
{
	struct snet_pending *pending;
	int stopped = 0;

	spin_lock(&table->lock);
	list_for_each_entry(pending, &table->list, node) {
		if (pending->seq < first_seq)
			continue;
		if (fn(pending, arg)) {
			*stopped_at = pending->seq;
			stopped = 1;
			break;
		}
	}
	spin_unlock(&table->lock);
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

	/* A removed id is not reused at once. */
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
	KUNIT_EXPECT_TRUE(test, snet_verdict_empty(table));
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
	KUNIT_EXPECT_TRUE(test, snet_verdict_empty(table));
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
	KUNIT_EXPECT_TRUE(test, snet_verdict_empty(table));
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
	KUNIT_EXPECT_TRUE(test, snet_verdict_empty(table));
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
	KUNIT_EXPECT_TRUE(test, snet_verdict_empty(table));
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
	u64 stopped = 0;
	int i;

	for (i = 0; i < 3; i++) {
		snet_pending_init(&p[i], NULL, HZ);
		KUNIT_ASSERT_EQ(test, 0, snet_verdict_add(table, &p[i]));
	}
	KUNIT_EXPECT_EQ(test, 1, snet_verdict_for_each(table, 0,
						       test_collect_cb, seen, &stopped));
	KUNIT_EXPECT_EQ(test, p[0].id, seen[1]);
	KUNIT_EXPECT_EQ(test, p[1].id, seen[2]);
	KUNIT_EXPECT_EQ(test, p[2].seq, stopped);
	/* Resuming from a sequence number skips what came before. */
	seen[0] = 0;
	KUNIT_EXPECT_EQ(test, 0, snet_verdict_for_each(table, p[2].seq,
						       test_collect_cb, seen,
						       &stopped));
	KUNIT_EXPECT_EQ(test, 1U, seen[0]);
	KUNIT_EXPECT_EQ(test, p[2].id, seen[1]);
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
