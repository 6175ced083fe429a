/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - the generic netlink family SNET
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_NETLINK_H
#define _SECURITY_SNET_NETLINK_H

#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <net/netlink.h>

#include "snet_utils.h"

/*
 * The registered daemon's thread group.  Written under the daemon mutex;
 * the hooks only compare the pointer (never dereference it), so a plain
 * rcu_access_pointer() is enough: while the daemon is registered its
 * struct pid is pinned, and after that the pointer is NULL.
 */
extern struct pid __rcu *snet_daemon_pid;

static inline bool snet_daemon_registered(void)
{
	return rcu_access_pointer(snet_daemon_pid);
}

static inline bool snet_daemon_is_current(void)
{
	return rcu_access_pointer(snet_daemon_pid) == task_tgid(current);
}

extern const struct nla_policy snet_nl_policy[SNET_A_MAX + 1];

int snet_netlink_init(void);
int snet_netlink_send_event(const struct snet_call *call, u32 id);

#endif /* _SECURITY_SNET_NETLINK_H */
