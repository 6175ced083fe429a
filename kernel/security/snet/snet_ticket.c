// SPDX-License-Identifier: GPL-2.0
/*
 * snet - tickets: decisions a task remembers
 *
 * When the daemon's verdict carries a lifetime, the waiting task keeps a
 * ticket: a later identical request (see struct snet_request) is decided
 * from the ticket, with no upcall.  Tickets belong to one task (thread).
 * A new task starts with a copy of its parent's tickets; a task that
 * executes a new program drops them, since they were granted to the old one.
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "snet_ticket.h"

static atomic64_t snet_ticket_last_id = ATOMIC64_INIT(0);

u64 snet_ticket_new_id(void)
{
	return atomic64_inc_return(&snet_ticket_last_id);
}

void snet_ticket_cache_init(struct snet_ticket_cache *cache)
{
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->list);
	cache->count = 0;
}

/* The owner is gone: no one else can reach @cache, no lock needed. */
void snet_ticket_cache_destroy(struct snet_ticket_cache *cache)
{
	struct snet_ticket *ticket, *next;

	list_for_each_entry_safe(ticket, next, &cache->list, node)
		kfree(ticket);
	INIT_LIST_HEAD(&cache->list);
	cache->count = 0;
}

static void snet_ticket_del(struct snet_ticket_cache *cache,
			    struct snet_ticket *ticket)
{
	list_del_rcu(&ticket->node);
	cache->count--;
	kfree_rcu(ticket, rcu);
}

/*
 * Returns the verdict of the ticket that decides @req, or SNET_VERDICT_NONE,
 * and moves that ticket to the front; expired tickets met on the way are
 * dropped.  The hooks call it only when snet_ticket_first() found no
 * answer in the front ticket, which needs no lock.
 */
u8 snet_ticket_lookup(struct snet_ticket_cache *cache,
		      const struct snet_request *req, unsigned long now)
{
	struct snet_ticket *ticket, *next;
	u8 verdict = SNET_VERDICT_NONE;

	spin_lock(&cache->lock);
	list_for_each_entry_safe(ticket, next, &cache->list, node) {
		if (snet_ticket_expired(ticket, now)) {
			snet_ticket_del(cache, ticket);
			continue;
		}
		if (!snet_request_equal(&ticket->req, req))
			continue;
		verdict = ticket->verdict;
		list_move(&ticket->node, &cache->list);
		break;
	}
	spin_unlock(&cache->lock);
	return verdict;
}

/*
 * Remembers @verdict for @req.  A ticket for the same request is replaced;
 * past @max tickets the least recently used one goes.
 */
int snet_ticket_add(struct snet_ticket_cache *cache,
		    const struct snet_request *req, u8 verdict, u8 life,
		    u32 seconds, unsigned long now, unsigned int max, u64 *id)
{
	struct snet_ticket *ticket, *old, *next;

	if (verdict != SNET_VERDICT_ALLOW && verdict != SNET_VERDICT_DENY)
		return -EINVAL;
	if (life != SNET_TICKET_TIMED && life != SNET_TICKET_TASK)
		return -EINVAL;
	if (life == SNET_TICKET_TIMED && !seconds)
		return -EINVAL;
	if (!max)
		return -ENOSPC;

	ticket = kzalloc(sizeof(*ticket), GFP_KERNEL);
	if (!ticket)
		return -ENOMEM;
	ticket->id = snet_ticket_new_id();
	ticket->req = *req;
	ticket->verdict = verdict;
	ticket->life = life;
	if (life == SNET_TICKET_TIMED)
		ticket->expires = now + (unsigned long)seconds * HZ;

	spin_lock(&cache->lock);
	list_for_each_entry_safe(old, next, &cache->list, node) {
		if (snet_ticket_expired(old, now) ||
		    snet_request_equal(&old->req, req))
			snet_ticket_del(cache, old);
	}
	while (cache->count >= max)
		snet_ticket_del(cache, list_last_entry(&cache->list,
						       struct snet_ticket, node));
	list_add_rcu(&ticket->node, &cache->list);
	cache->count++;
	/* Once unlocked, a revoke may free it. */
	if (id)
		*id = ticket->id;
	spin_unlock(&cache->lock);
	return 0;
}

/*
 * Gives a new task a copy of its parent's live tickets.  On allocation
 * failure the copy stops short: the child asks again, nothing breaks.
 */
int snet_ticket_copy(struct snet_ticket_cache *dst,
		     struct snet_ticket_cache *src, unsigned long now,
		     gfp_t gfp)
{
	struct snet_ticket *ticket, *copy;
	LIST_HEAD(copies);
	unsigned int n = 0, i;
	int err = 0;

	/* Most tasks hold no ticket: no lock for them (fork is hot). */
	if (!READ_ONCE(src->count))
		return 0;

	/* Count under the lock, allocate outside it, fill under it again. */
	spin_lock(&src->lock);
	n = src->count;
	spin_unlock(&src->lock);

	for (i = 0; i < n; i++) {
		copy = kzalloc(sizeof(*copy), gfp);
		if (!copy) {
			err = -ENOMEM;
			break;
		}
		list_add_tail(&copy->node, &copies);
	}

	spin_lock(&src->lock);
	list_for_each_entry(ticket, &src->list, node) {
		if (snet_ticket_expired(ticket, now))
			continue;
		copy = list_first_entry_or_null(&copies, struct snet_ticket,
						node);
		if (!copy)
			break;
		list_del(&copy->node);
		copy->id = snet_ticket_new_id();
		copy->req = ticket->req;
		copy->verdict = ticket->verdict;
		copy->life = ticket->life;
		copy->expires = ticket->expires;
		list_add_tail(&copy->node, &dst->list);
		dst->count++;
	}
	spin_unlock(&src->lock);

	list_for_each_entry_safe(copy, ticket, &copies, node)
		kfree(copy);
	return err;
}

/* Returns how many tickets were dropped. */
unsigned int snet_ticket_clear(struct snet_ticket_cache *cache)
{
	struct snet_ticket *ticket, *next;
	unsigned int n;

	if (!READ_ONCE(cache->count))
		return 0;
	spin_lock(&cache->lock);
	n = cache->count;
	list_for_each_entry_safe(ticket, next, &cache->list, node)
		snet_ticket_del(cache, ticket);
	spin_unlock(&cache->lock);
	return n;
}

int snet_ticket_revoke(struct snet_ticket_cache *cache, u64 id)
{
	struct snet_ticket *ticket;
	int err = -ENOENT;

	spin_lock(&cache->lock);
	list_for_each_entry(ticket, &cache->list, node) {
		if (ticket->id == id) {
			snet_ticket_del(cache, ticket);
			err = 0;
			break;
		}
	}
	spin_unlock(&cache->lock);
	return err;
}

/*
 * Calls @fn on each ticket after the first @skip, under the cache's lock
 * (@fn must not sleep), until @fn returns non-zero.  Returns how many
 * tickets @fn accepted (returned 0 for), so that a netlink dump can resume.
 */
int snet_ticket_for_each(struct snet_ticket_cache *cache, unsigned int skip,
			 int (*fn)(const struct snet_ticket *ticket, void *arg),
			 void *arg)
{
	const struct snet_ticket *ticket;
	unsigned int i = 0;
	int done = 0;

	spin_lock(&cache->lock);
	list_for_each_entry(ticket, &cache->list, node) {
		if (i++ < skip)
			continue;
		if (fn(ticket, arg))
			break;
		done++;
	}
	spin_unlock(&cache->lock);
	return done;
}

#ifdef CONFIG_SECURITY_SNET_KUNIT_TEST

static struct snet_request test_request(u8 syscall, u16 port)
{
	struct snet_request req;

	memset(&req, 0, sizeof(req));
	req.syscall = syscall;
	req.protocol = IPPROTO_TCP;
	req.family = AF_INET;
	req.remote_port = port;
	req.remote_addr.s6_addr32[0] = htonl(0x7f000001);
	return req;
}

static struct snet_ticket_cache *test_cache(struct kunit *const test)
{
	struct snet_ticket_cache *cache;

	cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	snet_ticket_cache_init(cache);
	return cache;
}

static void test_ticket_lookup(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request req = test_request(SNET_SYSCALL_CONNECT, 80);
	struct snet_request other = test_request(SNET_SYSCALL_CONNECT, 81);
	unsigned long now = 1000;
	u64 id = 0;
	int ret;

	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &req, now));
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_DENY, SNET_TICKET_TASK, 0, now, 8, &id);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_NE(test, 0ULL, id);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_lookup(cache, &req, now));
	/* Another port is another request. */
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &other, now));
	other = req;
	other.syscall = SNET_SYSCALL_SENDMSG;
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &other, now));

	/* The same request again replaces the ticket. */
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_TASK, 0, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, 1U, cache->count);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req, now));
	snet_ticket_cache_destroy(cache);
}

/* Each field of a request, each word of its addresses, tells two apart. */
static void test_ticket_request_fields(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request req = test_request(SNET_SYSCALL_POST_ACCEPT, 80);
	struct snet_request other;
	unsigned long now = 1000;
	int i, ret;

	req.family = AF_INET6;
	req.local_port = 8080;
	for (i = 0; i < 4; i++) {
		req.local_addr.s6_addr32[i] = htonl(0x20010db8 + i);
		req.remote_addr.s6_addr32[i] = htonl(0x20010db8 + 16 + i);
	}
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_TASK,
			      0, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	other = req;
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &other, now));

#define SNET_TEST_DIFFERS(field, value) do {				\
		other = req;						\
		other.field = (value);					\
		KUNIT_EXPECT_EQ_MSG(test, SNET_VERDICT_NONE,		\
				    snet_ticket_lookup(cache, &other, now), \
				    "%s", #field);			\
	} while (0)
	SNET_TEST_DIFFERS(syscall, SNET_SYSCALL_CONNECT);
	SNET_TEST_DIFFERS(protocol, IPPROTO_UDP);
	SNET_TEST_DIFFERS(family, AF_INET);
	SNET_TEST_DIFFERS(local_port, 8081);
	SNET_TEST_DIFFERS(remote_port, 81);
	for (i = 0; i < 4; i++) {
		SNET_TEST_DIFFERS(local_addr.s6_addr32[i], 0);
		SNET_TEST_DIFFERS(remote_addr.s6_addr32[i], 0);
	}
#undef SNET_TEST_DIFFERS
	snet_ticket_cache_destroy(cache);
}

/*
 * The hooks' inline test sees only the most recently used ticket: a hit
 * there, NONE for anything else (the hook then takes the whole lookup),
 * and never an expired ticket's verdict.
 */
static void test_ticket_first(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request a = test_request(SNET_SYSCALL_CONNECT, 80);
	struct snet_request b = test_request(SNET_SYSCALL_CONNECT, 443);
	unsigned long now = 1000;
	int ret;

	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_first(cache, &a, now));
	ret = snet_ticket_add(cache, &a, SNET_VERDICT_DENY, SNET_TICKET_TIMED,
			      2, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	ret = snet_ticket_add(cache, &b, SNET_VERDICT_ALLOW, SNET_TICKET_TASK,
			      0, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	/* b was added last: first; a is behind it. */
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_first(cache, &b, now));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_first(cache, &a, now));
	/* The whole lookup finds a and moves it to the front. */
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_lookup(cache, &a, now));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_first(cache, &a, now));
	/* Expired, even in front: no verdict. */
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_first(cache, &a, now + 2 * HZ));
	snet_ticket_cache_destroy(cache);
}

static void test_ticket_expiry(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request req = test_request(SNET_SYSCALL_CONNECT, 443);
	unsigned long now = 5000;
	int ret;

	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_TIMED, 2, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req, now + 2 * HZ - 1));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &req, now + 2 * HZ));
	/* The expired ticket was dropped on the way. */
	KUNIT_EXPECT_EQ(test, 0U, cache->count);

	/* Across a jiffies wrap. */
	now = ULONG_MAX - HZ;
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_DENY, SNET_TICKET_TIMED, 3, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_lookup(cache, &req, now + 2 * HZ));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &req, now + 3 * HZ));

	/* A task ticket never expires. */
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_DENY, SNET_TICKET_TASK, 0, now, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_lookup(cache, &req, now + 1000 * HZ));
	snet_ticket_cache_destroy(cache);
}

static void test_ticket_invalid(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request req = test_request(SNET_SYSCALL_BIND, 1);
	int ret;

	ret = snet_ticket_add(cache, &req, SNET_VERDICT_NONE, SNET_TICKET_TASK, 0, 0, 8, NULL);
	KUNIT_EXPECT_EQ(test, -EINVAL, ret);
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_ONCE, 0, 0, 8, NULL);
	KUNIT_EXPECT_EQ(test, -EINVAL, ret);
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_TIMED, 0, 0, 8, NULL);
	KUNIT_EXPECT_EQ(test, -EINVAL, ret);
	ret = snet_ticket_add(cache, &req, SNET_VERDICT_ALLOW, SNET_TICKET_TASK, 0, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, -ENOSPC, ret);
	KUNIT_EXPECT_EQ(test, 0U, cache->count);
}

static void test_ticket_lru(struct kunit *const test)
{
	struct snet_ticket_cache *cache = test_cache(test);
	struct snet_request req[4];
	int i;
	int ret;

	for (i = 0; i < 4; i++)
		req[i] = test_request(SNET_SYSCALL_CONNECT, 1000 + i);
	for (i = 0; i < 3; i++) {
		ret = snet_ticket_add(cache, &req[i], SNET_VERDICT_ALLOW,
				      SNET_TICKET_TASK, 0, 0, 3, NULL);
		KUNIT_ASSERT_EQ(test, 0, ret);
	}
	/* Using req[0] makes req[1] the least recently used. */
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req[0], 0));
	ret = snet_ticket_add(cache, &req[3], SNET_VERDICT_ALLOW, SNET_TICKET_TASK, 0, 0, 3, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, 3U, cache->count);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(cache, &req[1], 0));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req[0], 0));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req[2], 0));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(cache, &req[3], 0));
	snet_ticket_cache_destroy(cache);
}

static int test_count_cb(const struct snet_ticket *ticket, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_ticket_revoke_copy_clear(struct kunit *const test)
{
	struct snet_ticket_cache *parent = test_cache(test);
	struct snet_ticket_cache *child = test_cache(test);
	struct snet_request a = test_request(SNET_SYSCALL_CONNECT, 22);
	struct snet_request b = test_request(SNET_SYSCALL_CONNECT, 23);
	struct snet_request c = test_request(SNET_SYSCALL_CONNECT, 24);
	int seen = 0;
	u64 id_a;
	int ret;

	ret = snet_ticket_add(parent, &a, SNET_VERDICT_ALLOW, SNET_TICKET_TASK, 0, 0, 8, &id_a);
	KUNIT_ASSERT_EQ(test, 0, ret);
	ret = snet_ticket_add(parent, &b, SNET_VERDICT_DENY, SNET_TICKET_TIMED, 10, 0, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);
	ret = snet_ticket_add(parent, &c, SNET_VERDICT_DENY, SNET_TICKET_TIMED, 1, 0, 8, NULL);
	KUNIT_ASSERT_EQ(test, 0, ret);

	/* The child gets the live tickets, with ids of its own. */
	KUNIT_EXPECT_EQ(test, 0, snet_ticket_copy(child, parent, 5 * HZ,
						  GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, 2U, child->count);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_ALLOW,
			snet_ticket_lookup(child, &a, 5 * HZ));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_DENY,
			snet_ticket_lookup(child, &b, 5 * HZ));
	KUNIT_EXPECT_EQ(test, -ENOENT, snet_ticket_revoke(child, id_a));

	KUNIT_EXPECT_EQ(test, 0, snet_ticket_revoke(parent, id_a));
	KUNIT_EXPECT_EQ(test, -ENOENT, snet_ticket_revoke(parent, id_a));
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(parent, &a, 0));
	KUNIT_EXPECT_EQ(test, 2, snet_ticket_for_each(parent, 0,
						      test_count_cb, &seen));
	KUNIT_EXPECT_EQ(test, 2, seen);
	seen = 0;
	KUNIT_EXPECT_EQ(test, 1, snet_ticket_for_each(parent, 1,
						      test_count_cb, &seen));
	KUNIT_EXPECT_EQ(test, 1, seen);

	KUNIT_EXPECT_EQ(test, 2U, snet_ticket_clear(parent));
	KUNIT_EXPECT_EQ(test, 0U, parent->count);
	KUNIT_EXPECT_EQ(test, SNET_VERDICT_NONE,
			snet_ticket_lookup(parent, &b, 0));
	snet_ticket_cache_destroy(child);
}

static struct kunit_case snet_ticket_test_cases[] = {
	KUNIT_CASE(test_ticket_lookup),
	KUNIT_CASE(test_ticket_request_fields),
	KUNIT_CASE(test_ticket_first),
	KUNIT_CASE(test_ticket_expiry),
	KUNIT_CASE(test_ticket_invalid),
	KUNIT_CASE(test_ticket_lru),
	KUNIT_CASE(test_ticket_revoke_copy_clear),
	{}
};

static struct kunit_suite snet_ticket_test_suite = {
	.name = "snet_ticket",
	.test_cases = snet_ticket_test_cases,
};

kunit_test_suite(snet_ticket_test_suite);

#endif /* CONFIG_SECURITY_SNET_KUNIT_TEST */
