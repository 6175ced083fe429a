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
#include <linux/xarray.h>

#include "snet_utils.h"

/*
 * One waiting call.  It lives on the waiter's stack; it is reachable from
 * the table while its id is there, and the answer fields (@verdict,
 * @released, @ticket_*) are written under the table's xa_lock.  A waiter
 * leaves only after taking that lock, so an answer never touches a
 * pending that is gone.
 */
struct snet_pending {
	u32 id;
	struct completion done;
	u8 verdict;		/* SNET_VERDICT_NONE until answered */
	bool released;		/* answered by the default: daemon gone */
	u8 ticket_life;
	u32 ticket_seconds;
	unsigned long deadline;	/* jiffies */
	const struct snet_call *call;
};

/* Pending calls by id; xa_lock protects the answer fields. */
struct snet_verdict_table {
	struct xarray pending;
	u32 next_id;		/* cyclic allocation cursor, under xa_lock */
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
int snet_verdict_for_each(struct snet_verdict_table *table, u32 first_id,
			  int (*fn)(const struct snet_pending *pending,
				    void *arg),
			  void *arg, u32 *stopped_at);

#endif /* _SECURITY_SNET_VERDICT_H */
