/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - tickets: decisions a task remembers
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_TICKET_H
#define _SECURITY_SNET_TICKET_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/ipv6.h>

#include "snet_core.h"

/* Not changed once on a list: a lockless reader sees it whole. */
struct snet_ticket {
	struct list_head node;
	u64 id;
	struct snet_request req;
	u8 verdict;
	u8 life;		/* SNET_TICKET_TIMED or SNET_TICKET_TASK */
	unsigned long expires;	/* jiffies, for SNET_TICKET_TIMED */
	struct rcu_head rcu;
};

/*
 * A task's tickets: its security blob.  @lock protects @list and @count and
 * is only taken in process context (hooks, netlink); the task's last
 * reference frees the tickets without it.  The owner's hooks also read
 * the first entry of @list under RCU without the lock (snet_ticket_first()),
 * so a ticket joins the list with list_add_rcu(), leaves it with
 * list_del_rcu() and is freed after a grace period; only the owner moves
 * entries within the list (it cannot be reading it at the same time).
 */
struct snet_ticket_cache {
	spinlock_t lock;	/* protects list and count */
	struct list_head list;	/* most recently used first */
	unsigned int count;
};

static inline struct snet_ticket_cache *
snet_task_tickets(const struct task_struct *task)
{
	return task->security + snet_blob_sizes.lbs_task;
}

void snet_ticket_cache_init(struct snet_ticket_cache *cache);
void snet_ticket_cache_destroy(struct snet_ticket_cache *cache);
u8 snet_ticket_lookup(struct snet_ticket_cache *cache,
		      const struct snet_request *req, unsigned long now);
int snet_ticket_add(struct snet_ticket_cache *cache,
		    const struct snet_request *req, u8 verdict, u8 life,
		    u32 seconds, unsigned long now, unsigned int max, u64 *id);
int snet_ticket_copy(struct snet_ticket_cache *dst,
		     struct snet_ticket_cache *src, unsigned long now,
		     gfp_t gfp);
unsigned int snet_ticket_clear(struct snet_ticket_cache *cache);
int snet_ticket_revoke(struct snet_ticket_cache *cache, u64 id);
int snet_ticket_for_each(struct snet_ticket_cache *cache, unsigned int skip,
			 int (*fn)(const struct snet_ticket *ticket, void *arg),
			 void *arg);
u64 snet_ticket_new_id(void);

static inline bool snet_ticket_expired(const struct snet_ticket *ticket,
				       unsigned long now)
{
	return ticket->life == SNET_TICKET_TIMED &&
	       time_after_eq(now, ticket->expires);
}

/* Field by field, inline: a memcmp() call showed on every ticket hit. */
static __always_inline bool snet_request_equal(const struct snet_request *a,
					       const struct snet_request *b)
{
	return a->syscall == b->syscall && a->protocol == b->protocol &&
	       a->family == b->family && a->local_port == b->local_port &&
	       a->remote_port == b->remote_port &&
	       ipv6_addr_equal(&a->remote_addr, &b->remote_addr) &&
	       ipv6_addr_equal(&a->local_addr, &b->local_addr);
}

/*
 * The common case of snet_ticket_lookup(), inline: the verdict of the most
 * recently used ticket if it decides @req, else SNET_VERDICT_NONE, and the
 * caller then takes the whole lookup.  Lockless: a ticket is not changed
 * once on the list and is freed only after a grace period, so an equal,
 * unexpired first entry is a valid answer, whatever netlink adds or
 * revokes meanwhile.
 */
static __always_inline u8 snet_ticket_first(struct snet_ticket_cache *cache,
					    const struct snet_request *req,
					    unsigned long now)
{
	const struct snet_ticket *ticket;
	u8 verdict = SNET_VERDICT_NONE;

	rcu_read_lock();
	ticket = list_first_or_null_rcu(&cache->list, struct snet_ticket, node);
	if (ticket && !snet_ticket_expired(ticket, now) &&
	    snet_request_equal(&ticket->req, req))
		verdict = ticket->verdict;
	rcu_read_unlock();
	return verdict;
}

#endif /* _SECURITY_SNET_TICKET_H */
