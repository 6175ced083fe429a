/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - Security for NETwork syscalls: definitions shared by all parts
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_CORE_H
#define _SECURITY_SNET_CORE_H

#include <linux/in6.h>
#include <linux/jump_label.h>
#include <linux/lsm_hooks.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <net/sock.h>
#include <uapi/linux/snet.h>

#define SNET_NAME "snet"

/* Bounds of the run-time configuration, enforced by the netlink policy. */
#define SNET_TIMEOUT_MS_MAX		600000
#define SNET_TICKET_SECONDS_MAX		(365 * 24 * 3600)
#define SNET_TICKET_MAX_MAX		4096

extern struct lsm_blob_sizes snet_blob_sizes __ro_after_init;
extern bool snet_initialized __ro_after_init;

/*
 * The run-time configuration.  Writers hold snet_config_lock and use
 * WRITE_ONCE(); readers use READ_ONCE() without a lock: every field stands
 * on its own, no reader needs two of them to agree.
 */
struct snet_config {
	u8 default_verdict;
	u32 timeout_ms;
	u8 ticket_life;
	u32 ticket_seconds;
	u32 ticket_max;
	u32 label_mask;
};

extern struct snet_config snet_config;
extern struct mutex snet_config_lock;

/*
 * On while anything can make a hook act (an event is registered, a daemon
 * is registered, labels are on, or a socket ticket was set); off, every hook
 * returns after one patched jump.  Updated by snet_active_update().
 */
DECLARE_STATIC_KEY_FALSE(snet_active);

void snet_active_update(void);

/*
 * What makes two calls "identical" for a ticket: the syscall, protocol,
 * family, and the addresses and ports that matter for that syscall (the
 * others are zero; see snet_request_key()).  Compared with memcmp(), so
 * every byte, padding included, is always written.
 */
struct snet_request {
	u8 syscall;
	u8 protocol;
	u8 family;
	u8 pad;
	u16 local_port;
	u16 remote_port;
	struct in6_addr local_addr;	/* AF_INET: s6_addr32[0] */
	struct in6_addr remote_addr;
};

static inline u8 snet_default_verdict(void)
{
	return READ_ONCE(snet_config.default_verdict);
}

static inline int snet_verdict_to_errno(u8 verdict)
{
	return verdict == SNET_VERDICT_DENY ? -EACCES : 0;
}

#endif /* _SECURITY_SNET_CORE_H */
