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
 * reference frees the tickets without it.  The owner's hooks also walk
 * @list under RCU without the lock, so a ticket leaves the list with
 * list_del_rcu() and is freed after a grace period; only the owner moves
 * entries within the list (it cannot be walking it at the same time).
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

#endif /* _SECURITY_SNET_TICKET_H */
