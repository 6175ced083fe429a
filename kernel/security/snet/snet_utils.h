/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - describing a call: who makes it, on which socket, to where
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_UTILS_H
#define _SECURITY_SNET_UTILS_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/types.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

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
int snet_call_start(struct snet_call *call, u8 syscall, struct sock *sk,
		    bool remote, const struct sockaddr *addr, int addrlen);
void snet_call_release(struct snet_call *call);

static inline bool snet_family_mediated(int family)
{
	return family == AF_INET || family == AF_INET6;
}

/* Which addresses and ports make two calls of a syscall identical. */
#define SNET_KEY_LOCAL_ADDR	BIT(0)
#define SNET_KEY_LOCAL_PORT	BIT(1)
#define SNET_KEY_REMOTE_ADDR	BIT(2)
#define SNET_KEY_REMOTE_PORT	BIT(3)
#define SNET_KEY_LOCAL		(SNET_KEY_LOCAL_ADDR | SNET_KEY_LOCAL_PORT)
#define SNET_KEY_REMOTE		(SNET_KEY_REMOTE_ADDR | SNET_KEY_REMOTE_PORT)

/* A switch, not a table: the hooks pass a constant and it folds away. */
static __always_inline u8 snet_key_fields(u8 syscall)
{
	switch (syscall) {
	case SNET_SYSCALL_BIND:
	case SNET_SYSCALL_LISTEN:
	case SNET_SYSCALL_ACCEPT:
		return SNET_KEY_LOCAL;
	case SNET_SYSCALL_CONNECT:
	case SNET_SYSCALL_SENDMSG:
		return SNET_KEY_REMOTE;
	case SNET_SYSCALL_POST_ACCEPT:
		/* The peer's port is ephemeral: a ticket names its host. */
		return SNET_KEY_LOCAL | SNET_KEY_REMOTE_ADDR;
	case SNET_SYSCALL_RECVMSG:
		return SNET_KEY_LOCAL | SNET_KEY_REMOTE;
	default:
		return 0;
	}
}

/*
 * The socket's local address now (@local) or its peer's; returns the port.
 * Unlocked, as getsockname() reads them.
 */
static __always_inline u16 snet_sock_addr(const struct sock *sk, bool local,
					  struct in6_addr *addr)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_family == AF_INET) {
		__be32 a;

		if (local) {
			a = READ_ONCE(inet->inet_saddr);
			if (!a)
				a = READ_ONCE(inet->inet_rcv_saddr);
		} else {
			a = READ_ONCE(inet->inet_daddr);
		}
		ipv6_addr_set(addr, a, 0, 0, 0);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6) {
		*addr = local ? sk->sk_v6_rcv_saddr : sk->sk_v6_daddr;
#endif
	} else {
		*addr = (struct in6_addr){};
	}
	return local ? READ_ONCE(inet->inet_num) :
		       ntohs(READ_ONCE(inet->inet_dport));
}

/*
 * The address and port that @addr names for a socket of @family.
 * -EINVAL for one the protocol will refuse anyway (short, of another
 * family): such a call is not worth asking about.
 */
static __always_inline int snet_sockaddr_get(const struct sockaddr *addr,
					     int addrlen, u8 family,
					     struct in6_addr *dst, u16 *port)
{
	if (addrlen < (int)sizeof(addr->sa_family))
		return -EINVAL;
	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

		if (addrlen < (int)sizeof(*sin))
			return -EINVAL;
		if (family == AF_INET)
			ipv6_addr_set(dst, sin->sin_addr.s_addr, 0, 0, 0);
		else	/* An AF_INET6 socket sees IPv4 peers as mapped. */
			ipv6_addr_set_v4mapped(sin->sin_addr.s_addr, dst);
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (addr->sa_family == AF_INET6 && family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)addr;

		if (addrlen < SIN6_LEN_RFC2133)
			return -EINVAL;
		*dst = sin6->sin6_addr;
		*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -EINVAL;
}

/*
 * Zeroes what is not in @fields (snet_key_fields() of the request's
 * syscall), and the pad: requests compare whole.
 */
static __always_inline void snet_request_mask(struct snet_request *req,
					      u8 fields)
{
	req->pad = 0;
	if (!(fields & SNET_KEY_LOCAL_ADDR))
		req->local_addr = (struct in6_addr){};
	if (!(fields & SNET_KEY_LOCAL_PORT))
		req->local_port = 0;
	if (!(fields & SNET_KEY_REMOTE_ADDR))
		req->remote_addr = (struct in6_addr){};
	if (!(fields & SNET_KEY_REMOTE_PORT))
		req->remote_port = 0;
}

/*
 * The ticket key of @syscall on @sk, naming @addr (if not NULL) as the
 * peer when @remote, else as the local address: the same key as
 * snet_call_key() of snet_call_start() (KUnit checks it), built without a
 * struct snet_call, and inline, so that with a constant @syscall a ticket
 * hit reads only what its key holds.  No temporaries: a 16-byte local
 * makes GCC realign the hook's stack.  Returns what snet_call_start()
 * returns for @addr.
 */
static __always_inline int snet_request_start(struct snet_request *req,
					      u8 syscall, const struct sock *sk,
					      bool remote,
					      const struct sockaddr *addr,
					      int addrlen)
{
	const u8 fields = snet_key_fields(syscall);
	int err = 0;

	req->syscall = syscall;
	req->protocol = sk->sk_protocol;
	req->family = sk->sk_family;
	if (fields & SNET_KEY_LOCAL)
		req->local_port = snet_sock_addr(sk, true, &req->local_addr);
	if (fields & SNET_KEY_REMOTE)
		req->remote_port = snet_sock_addr(sk, false, &req->remote_addr);
	/* A valid name replaces the socket's own; a refused one leaves it. */
	if (addr)
		err = snet_sockaddr_get(addr, addrlen, sk->sk_family,
					remote ? &req->remote_addr :
						 &req->local_addr,
					remote ? &req->remote_port :
						 &req->local_port);
	snet_request_mask(req, fields);
	return err;
}

#endif /* _SECURITY_SNET_UTILS_H */
