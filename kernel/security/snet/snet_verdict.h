/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - calls waiting for the daemon's verdict
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_VERDICT_H
#define _SECURITY_SNET_VERDICT_H

#include <linux/completion.h>
#include <linux/types.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "snet_utils.h"

#define SNET_VERDICT_HASH_BITS	8

/*
 * One waiting call.  It lives on the waiter's stack and is reachable from
 * the table while @queued; its answer fields (@verdict, @released,
 * @ticket_*) are written under the table's lock, before complete().  A
 * waiter whose wait did not complete leaves only after taking that lock,
 * so an answer never touches a pending that is gone.
 */
struct snet_pending {
	struct hlist_node hnode;	/* in the bucket of @id */
	struct list_head node;		/* in the table's list, by @seq */
	u64 seq;
	u32 id;
	bool queued;
	struct completion done;
	u8 verdict;		/* SNET_VERDICT_NONE until answered */
	bool released;		/* answered by the default: daemon gone */
	u8 ticket_life;
	u32 ticket_seconds;
	unsigned long deadline;	/* jiffies */
	const struct snet_call *call;
};

/*
 * The waiting calls: a hash by id for answers, a list in arrival order for
 * listing and release.  Nothing is allocated per call: an upcall must not
 * cost an allocation (and its RCU-deferred free) on top of its wait.
 */
struct snet_verdict_table {
	spinlock_t lock;	/* protects all below and queued answers */
	u64 last_seq;
	struct list_head list;
	struct hlist_head buckets[1 << SNET_VERDICT_HASH_BITS];
};

enum snet_wait_result {
	SNET_WAIT_ANSWERED,
	SNET_WAIT_RELEASED,
	SNET_WAIT_TIMEOUT,
	SNET_WAIT_INTERRUPTED,
};

extern struct snet_verdict_table snet_verdicts;

void snet_verdict_table_init(struct snet_verdict_table *table);
void snet_pending_init(struct snet_pending *pending,
		       const struct snet_call *call, unsigned long timeout);
int snet_verdict_add(struct snet_verdict_table *table,
		     struct snet_pending *pending);
void snet_verdict_remove(struct snet_verdict_table *table,
			 struct snet_pending *pending);
int snet_verdict_answer(struct snet_verdict_table *table, u32 id, u8 verdict,
			u8 ticket_life, u32 ticket_seconds);
enum snet_wait_result snet_verdict_wait(struct snet_verdict_table *table,
					struct snet_pending *pending);
unsigned int snet_verdict_release_all(struct snet_verdict_table *table,
				      u8 verdict);
bool snet_verdict_empty(struct snet_verdict_table *table);
int snet_verdict_for_each(struct snet_verdict_table *table, u64 first_seq,
			  int (*fn)(const struct snet_pending *pending,
				    void *arg),
			  void *arg, u64 *stopped_at);

#endif /* _SECURITY_SNET_VERDICT_H */
