// SPDX-License-Identifier: GPL-2.0
/*
 * snet - securityfs: state and counters under /sys/kernel/security/snet/
 *
 *   state   - daemon, configuration, calls waiting now, live socket tickets
 *   stats   - the counters of enum snet_stat, "name value" per line
 *   events  - the mediated (syscall, protocol) pairs, one per line
 *
 * Copyright (C) 2026 snet developers
 */

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/seq_file.h>

#include "snet_core.h"
#include "snet_event.h"
#include "snet_fs.h"
#include "snet_netlink.h"
#include "snet_sock.h"
#include "snet_stats.h"

static const char *const snet_syscall_names[__SNET_SYSCALL_MAX] = {
	[SNET_SYSCALL_CREATE] = "create",
	[SNET_SYSCALL_BIND] = "bind",
	[SNET_SYSCALL_CONNECT] = "connect",
	[SNET_SYSCALL_LISTEN] = "listen",
	[SNET_SYSCALL_ACCEPT] = "accept",
	[SNET_SYSCALL_POST_ACCEPT] = "post_accept",
	[SNET_SYSCALL_SENDMSG] = "sendmsg",
	[SNET_SYSCALL_RECVMSG] = "recvmsg",
	[SNET_SYSCALL_CLOSE] = "close",
};

static const char *snet_verdict_name(u8 verdict)
{
	return verdict == SNET_VERDICT_DENY ? "deny" : "allow";
}

static int snet_state_show(struct seq_file *m, void *v)
{
	struct pid *daemon;
	pid_t daemon_pid;

	rcu_read_lock();
	daemon = rcu_dereference(snet_daemon_pid);
	daemon_pid = daemon ? pid_nr(daemon) : 0;
	rcu_read_unlock();

	seq_printf(m, "version %u\n", SNET_GENL_VERSION);
	seq_printf(m, "active %d\n", static_key_enabled(&snet_active) ? 1 : 0);
	seq_printf(m, "daemon_pid %d\n", daemon_pid);
	seq_printf(m, "default_verdict %s\n",
		   snet_verdict_name(READ_ONCE(snet_config.default_verdict)));
	seq_printf(m, "timeout_ms %u\n", READ_ONCE(snet_config.timeout_ms));
	seq_printf(m, "ticket_life %u\n", READ_ONCE(snet_config.ticket_life));
	seq_printf(m, "ticket_seconds %u\n",
		   READ_ONCE(snet_config.ticket_seconds));
	seq_printf(m, "ticket_max %u\n", READ_ONCE(snet_config.ticket_max));
	seq_printf(m, "label_mask 0x%08x\n",
		   READ_ONCE(snet_config.label_mask));
	seq_printf(m, "events %u\n", snet_event_count(&snet_events));
	seq_printf(m, "pending %d\n", atomic_read(&snet_pending_count));
	seq_printf(m, "sock_tickets %u\n", snet_sock_tickets_live());
	return 0;
}

static int snet_stats_show(struct seq_file *m, void *v)
{
	int stat;

	for (stat = SNET_STAT_EVENTS; stat <= SNET_STAT_MAX; stat++)
		seq_printf(m, "%s %llu\n", snet_stat_name(stat),
			   snet_stat_read(stat));
	return 0;
}

static int snet_events_show(struct seq_file *m, void *v)
{
	u8 syscall, protocol;
	int pos = 0;

	while ((pos = snet_event_next(&snet_events, pos, &syscall,
				      &protocol)) >= 0) {
		seq_printf(m, "%s %u\n", snet_syscall_names[syscall], protocol);
		pos++;
	}
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(snet_state);
DEFINE_SHOW_ATTRIBUTE(snet_stats);
DEFINE_SHOW_ATTRIBUTE(snet_events);

int __init snet_fs_init(void)
{
	struct dentry *dir, *file;

	dir = securityfs_create_dir(SNET_NAME, NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	file = securityfs_create_file("state", 0444, dir, NULL,
				      &snet_state_fops);
	if (IS_ERR(file))
		goto err;
	file = securityfs_create_file("stats", 0444, dir, NULL,
				      &snet_stats_fops);
	if (IS_ERR(file))
		goto err;
	file = securityfs_create_file("events", 0444, dir, NULL,
				      &snet_events_fops);
	if (IS_ERR(file))
		goto err;
	return 0;
err:
	securityfs_recursive_remove(dir);
	return PTR_ERR(file);
}
