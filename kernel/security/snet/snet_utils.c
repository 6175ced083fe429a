// SPDX-License-Identifier: GPL-2.0
/*
 * snet - describing a call: who makes it, on which socket, to where
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "snet_sock.h"
#include "snet_utils.h"

/* Which addresses and ports make two calls of a syscall identical. */
#define SNET_KEY_LOCAL_ADDR	BIT(0)
#define SNET_KEY_LOCAL_PORT	BIT(1)
#define SNET_KEY_REMOTE_ADDR	BIT(2)
#define SNET_KEY_REMOTE_PORT	BIT(3)
#define SNET_KEY_LOCAL		(SNET_KEY_LOCAL_ADDR | SNET_KEY_LOCAL_PORT)
#define SNET_KEY_REMOTE		(SNET_KEY_REMOTE_ADDR | SNET_KEY_REMOTE_PORT)

static const u8 snet_key_fields[__SNET_SYSCALL_MAX] = {
	[SNET_SYSCALL_CREATE] = 0,
	[SNET_SYSCALL_BIND] = SNET_KEY_LOCAL,
	[SNET_SYSCALL_CONNECT] = SNET_KEY_REMOTE,
	[SNET_SYSCALL_LISTEN] = SNET_KEY_LOCAL,
	[SNET_SYSCALL_ACCEPT] = SNET_KEY_LOCAL,
	/* The peer's port is ephemeral: a ticket names the peer's host. */
	[SNET_SYSCALL_POST_ACCEPT] = SNET_KEY_LOCAL | SNET_KEY_REMOTE_ADDR,
	[SNET_SYSCALL_SENDMSG] = SNET_KEY_REMOTE,
	[SNET_SYSCALL_RECVMSG] = SNET_KEY_LOCAL | SNET_KEY_REMOTE,
	[SNET_SYSCALL_CLOSE] = 0,
};

static bool snet_addr_any(const struct in6_addr *addr)
{
	return ipv6_addr_any(addr);
}

/* Reads the addresses the socket has now; unlocked, as getsockname does. */
static __always_inline void snet_call_sock_addrs(struct snet_call *call,
						 struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	call->local_port = READ_ONCE(inet->inet_num);
	call->remote_port = ntohs(READ_ONCE(inet->inet_dport));
	if (sk->sk_family == AF_INET) {
		__be32 saddr = READ_ONCE(inet->inet_saddr);

		if (!saddr)
			saddr = READ_ONCE(inet->inet_rcv_saddr);
		ipv6_addr_set(&call->local_addr, saddr, 0, 0, 0);
		ipv6_addr_set(&call->remote_addr, READ_ONCE(inet->inet_daddr),
			      0, 0, 0);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (sk->sk_family == AF_INET6) {
		call->local_addr = sk->sk_v6_rcv_saddr;
		call->remote_addr = sk->sk_v6_daddr;
#endif
	} else {
		call->local_addr = (struct in6_addr){};
		call->remote_addr = (struct in6_addr){};
	}
	call->has_local = call->local_port ||
			  !snet_addr_any(&call->local_addr);
	call->has_remote = call->remote_port ||
			   !snet_addr_any(&call->remote_addr);
}

static void snet_call_get_exe(struct snet_call *call);

/*
 * Fills in what the socket says: enough for the ticket key.  What only an
 * event needs (who asks, the cookie, the executable) waits for
 * snet_call_describe(), so that a ticket hit costs no more than this.
 */
static __always_inline void __snet_call_init(struct snet_call *call, u8 syscall,
					     struct sock *sk)
{
	/*
	 * Field by field, not memset(): this runs on every mediated call, a
	 * ticket hit included, and snet_call_describe() fills the rest.
	 */
	call->syscall = syscall;
	call->size = 0;
	call->backlog = 0;
	call->exe_buf = NULL;
	call->exe = NULL;
	call->family = sk->sk_family;
	call->protocol = sk->sk_protocol;
	call->sock_type = sk->sk_type;
	snet_call_sock_addrs(call, sk);
}

void snet_call_init(struct snet_call *call, u8 syscall, struct sock *sk)
{
	__snet_call_init(call, syscall, sk);
}

/* Completes @call for an event; current is the caller. */
void snet_call_describe(struct snet_call *call, struct sock *sk, bool exe)
{
	const struct snet_sock_state *state = snet_sock_state(sk);

	call->cookie = state ? state->cookie : sock_gen_cookie(sk);
	call->label = state ? READ_ONCE(state->label) : 0;
	call->netns = sock_net(sk)->ns.inum;
	call->pid = task_pid_nr(current);
	call->tgid = task_tgid_nr(current);
	call->uid = from_kuid_munged(&init_user_ns, current_uid());
	call->gid = from_kgid_munged(&init_user_ns, current_gid());
	get_task_comm(call->comm, current);
	if (exe)
		snet_call_get_exe(call);
}

/*
 * Takes the address a bind(), connect() or sendmsg() names.  Returns
 * -EINVAL for an address the protocol will refuse anyway (short, of
 * another family): such a call is not worth asking about.
 */
static __always_inline int snet_call_set_addr(struct snet_call *call,
					      bool remote,
					      const struct sockaddr *addr,
					      int addrlen)
{
	struct in6_addr *dst = remote ? &call->remote_addr : &call->local_addr;
	u16 *port = remote ? &call->remote_port : &call->local_port;

	if (!addr || addrlen < (int)sizeof(addr->sa_family))
		return -EINVAL;
	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

		if (addrlen < (int)sizeof(*sin))
			return -EINVAL;
		if (call->family == AF_INET) {
			ipv6_addr_set(dst, sin->sin_addr.s_addr, 0, 0, 0);
		} else {
			/* An AF_INET6 socket sees IPv4 peers as mapped. */
			ipv6_addr_set_v4mapped(sin->sin_addr.s_addr, dst);
		}
		*port = ntohs(sin->sin_port);
	} else if (addr->sa_family == AF_INET6 && call->family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)addr;

		if (addrlen < SIN6_LEN_RFC2133)
			return -EINVAL;
		*dst = sin6->sin6_addr;
		*port = ntohs(sin6->sin6_port);
	} else {
		return -EINVAL;
	}
	if (remote)
		call->has_remote = true;
	else
		call->has_local = true;
	return 0;
}

/* The ticket key: the fields that matter for this syscall, others zero. */
static __always_inline void __snet_call_key(const struct snet_call *call,
					    struct snet_request *req)
{
	static const struct in6_addr none;
	u8 fields = snet_key_fields[call->syscall];

	/* Every byte is compared: each field written, the pad included. */
	req->syscall = call->syscall;
	req->protocol = call->protocol;
	req->family = call->family;
	req->pad = 0;
	req->local_addr = fields & SNET_KEY_LOCAL_ADDR ? call->local_addr : none;
	req->local_port = fields & SNET_KEY_LOCAL_PORT ? call->local_port : 0;
	req->remote_addr = fields & SNET_KEY_REMOTE_ADDR ?
			   call->remote_addr : none;
	req->remote_port = fields & SNET_KEY_REMOTE_PORT ?
			   call->remote_port : 0;
}

void snet_call_key(const struct snet_call *call, struct snet_request *req)
{
	__snet_call_key(call, req);
}

/*
 * snet_call_init(), snet_call_set_addr() of @addr if there is one, and
 * the ticket key, in one call: a ticket hit is this and a lookup, and
 * under emulation every call and return on that path was measurable.
 * Returns snet_call_set_addr()'s error; the key and the call then hold
 * the socket's own addresses.
 */
int snet_call_start(struct snet_call *call, struct snet_request *req,
		    u8 syscall, struct sock *sk, bool remote,
		    const struct sockaddr *addr, int addrlen)
{
	int err = 0;

	__snet_call_init(call, syscall, sk);
	if (addr)
		err = snet_call_set_addr(call, remote, addr, addrlen);
	__snet_call_key(call, req);
	return err;
}

/* The caller's executable, for the event; only when an upcall is made. */
static void snet_call_get_exe(struct snet_call *call)
{
	struct file *exe;
	char *path;

	exe = get_task_exe_file(current);
	if (!exe)
		return;
	call->exe_buf = __getname();
	if (call->exe_buf) {
		path = d_path(&exe->f_path, call->exe_buf, PATH_MAX);
		if (!IS_ERR(path))
			call->exe = path;
	}
	fput(exe);
}

void snet_call_release(struct snet_call *call)
{
	if (call->exe_buf)
		__putname(call->exe_buf);
	call->exe_buf = NULL;
	call->exe = NULL;
}
