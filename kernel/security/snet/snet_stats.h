/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - counters
 *
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_STATS_H
#define _SECURITY_SNET_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <uapi/linux/snet.h>

/* Per-CPU so that hooks on many CPUs never share a cache line to count. */
struct snet_stats {
	u64 count[__SNET_STAT_MAX];
};

DECLARE_PER_CPU(struct snet_stats, snet_stats);

/* Calls waiting for a verdict right now. */
extern atomic_t snet_pending_count;

static inline void snet_stat_inc(enum snet_stat stat)
{
	this_cpu_inc(snet_stats.count[stat]);
}

u64 snet_stat_read(enum snet_stat stat);
const char *snet_stat_name(enum snet_stat stat);

#endif /* _SECURITY_SNET_STATS_H */
