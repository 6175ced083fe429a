// SPDX-License-Identifier: GPL-2.0
/*
 * snet - counters
 *
 * Copyright (C) 2026 snet developers
 */

#include <linux/cpumask.h>

#include "snet_stats.h"

DEFINE_PER_CPU(struct snet_stats, snet_stats);
atomic_t snet_pending_count = ATOMIC_INIT(0);

static const char *const snet_stat_names[__SNET_STAT_MAX] = {
	[SNET_STAT_EVENTS] = "events",
	[SNET_STAT_ALLOW] = "verdict_allow",
	[SNET_STAT_DENY] = "verdict_deny",
	[SNET_STAT_TIMEOUT] = "timeout",
	[SNET_STAT_NO_DAEMON] = "no_daemon",
	[SNET_STAT_DAEMON_GONE] = "daemon_gone",
	[SNET_STAT_INTERRUPTED] = "interrupted",
	[SNET_STAT_SEND_FAILED] = "send_failed",
	[SNET_STAT_TICKET_ALLOW] = "ticket_allow",
	[SNET_STAT_TICKET_DENY] = "ticket_deny",
	[SNET_STAT_SOCK_DENY] = "sock_ticket_deny",
	[SNET_STAT_SOCK_ALLOW] = "sock_ticket_allow",
	[SNET_STAT_PENDING] = "pending",
	[SNET_STAT_LABELLED] = "labelled",
	[SNET_STAT_LABEL_EXHAUSTED] = "label_exhausted",
};

/* Sums the per-CPU counters; a gauge for SNET_STAT_PENDING. */
u64 snet_stat_read(enum snet_stat stat)
{
	u64 sum = 0;
	int cpu;

	if (stat == SNET_STAT_PENDING)
		return atomic_read(&snet_pending_count);
	for_each_possible_cpu(cpu)
		sum += per_cpu(snet_stats.count[stat], cpu);
	return sum;
}

const char *snet_stat_name(enum snet_stat stat)
{
	if (stat >= __SNET_STAT_MAX)
		return NULL;
	return snet_stat_names[stat];
}
