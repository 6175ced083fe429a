/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - describing a call: who makes it, on which socket, to where
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_UTILS_H
#define _SECURITY_SNET_UTILS_H

#include <linux/in6.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/types.h>

#include "snet_core.h"

/* Everything an event reports about one mediated call. */
struct snet_call {
	u8 syscall;
	u8 protocol;
	u8 family;
	u16 sock_type;
	bool has_local;
	bool has_remote;
	u16 local_port;
	u16 remote_port;
	struct in6_addr local_addr;	/* AF_INET: s6_addr32[0] */
	struct in6_addr remote_addr;
	u64 size;
	u32 backlog;
	u64 cookie;
	u32 label;
	u32 netns;
	pid_t pid;
	pid_t tgid;
	uid_t uid;
	gid_t gid;
	char comm[TASK_COMM_LEN];
	char *exe_buf;		/* owns the page that exe points into */
	const char *exe;	/* NULL when it cannot be had */
};

void snet_call_init(struct snet_call *call, u8 syscall, struct sock *sk);
void snet_call_describe(struct snet_call *call, struct sock *sk, bool exe);
void snet_call_key(const struct snet_call *call, struct snet_request *req);
int snet_call_start(struct snet_call *call, struct snet_request *req,
		    u8 syscall, struct sock *sk, bool remote,
		    const struct sockaddr *addr, int addrlen);
void snet_call_release(struct snet_call *call);

static inline bool snet_family_mediated(int family)
{
	return family == AF_INET || family == AF_INET6;
}

#endif /* _SECURITY_SNET_UTILS_H */
