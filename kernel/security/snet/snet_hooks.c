// SPDX-License-Identifier: GPL-2.0
/*
 * snet - the LSM hooks
 *
 * Each socket hook asks, in order: is snet active at all (a static key);
 * does a socket ticket decide this call; is this (syscall, protocol)
 * mediated, on a user AF_INET/AF_INET6 socket of a task that is not the
 * daemon; does one of the task's tickets decide it; and only then asks the
 * daemon and waits.
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <linux/binfmts.h>
#include <linux/jiffies.h>
#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "snet_core.h"
#include "snet_event.h"
#include "snet_hooks.h"
#include "snet_netlink.h"
#include "snet_sock.h"
#include "snet_stats.h"
#include "snet_ticket.h"
#include "snet_utils.h"
#include "snet_verdict.h"

/* Asks the daemon about @call and waits; returns 0 or a negative errno. */
static int snet_ask(struct snet_call *call, struct sock *sk,
		    const struct snet_request *req)
{
	struct snet_pending pending;
	u8 verdict = snet_default_verdict();
	int err;

	/* From its first upcall on, userspace can name the socket. */
	snet_sock_attach(sk);
	snet_call_describe(call, sk, true);
	snet_pending_init(&pending, call,
			  msecs_to_jiffies(READ_ONCE(snet_config.timeout_ms)));
	if (snet_verdict_add(&snet_verdicts, &pending)) {
		snet_stat_inc(SNET_STAT_SEND_FAILED);
		goto out;
	}
	atomic_inc(&snet_pending_count);
	err = snet_netlink_send_event(call, pending.id);
	/*
	 * -ENOBUFS: some listener missed it, maybe not the daemon; wait.
	 * Anything else: no one got it, no one will answer.
	 */
	if (err && err != -ENOBUFS) {
		snet_verdict_remove(&snet_verdicts, &pending);
		atomic_dec(&snet_pending_count);
		snet_stat_inc(SNET_STAT_SEND_FAILED);
		goto out;
	}
	snet_stat_inc(SNET_STAT_EVENTS);

	switch (snet_verdict_wait(&snet_verdicts, &pending)) {
	case SNET_WAIT_ANSWERED:
		verdict = pending.verdict;
		snet_stat_inc(verdict == SNET_VERDICT_ALLOW ?
			      SNET_STAT_ALLOW : SNET_STAT_DENY);
		/* A ticket is a cache: failing to keep one only costs a
		 * later upcall, so its error does not change this call.
		 */
		if (pending.ticket_life != SNET_TICKET_ONCE)
			snet_ticket_add(snet_task_tickets(current), req,
					verdict, pending.ticket_life,
					pending.ticket_seconds, jiffies,
					READ_ONCE(snet_config.ticket_max),
					NULL);
		break;
	case SNET_WAIT_RELEASED:
		verdict = pending.verdict;
		snet_stat_inc(SNET_STAT_DAEMON_GONE);
		break;
	case SNET_WAIT_TIMEOUT:
		snet_stat_inc(SNET_STAT_TIMEOUT);
		break;
	case SNET_WAIT_INTERRUPTED:
		atomic_dec(&snet_pending_count);
		snet_stat_inc(SNET_STAT_INTERRUPTED);
		snet_call_release(call);
		/* Nothing happened yet: the call restarts or fails EINTR. */
		return -ERESTARTSYS;
	}
	atomic_dec(&snet_pending_count);
out:
	snet_call_release(call);
	return snet_verdict_to_errno(verdict);
}

/* Does a socket ticket decide @syscall on @sk?  SNET_VERDICT_NONE if not. */
static __always_inline u8 snet_sock_decides(const struct sock *sk, u8 syscall)
{
	const struct snet_sock_state *state = snet_sock_state(sk);
	u8 verdict;

	if (!state)
		return SNET_VERDICT_NONE;
	verdict = snet_sock_ticket_check(state, syscall);
	if (verdict == SNET_VERDICT_DENY)
		snet_stat_inc(SNET_STAT_SOCK_DENY);
	else if (verdict == SNET_VERDICT_ALLOW)
		snet_stat_inc(SNET_STAT_SOCK_ALLOW);
	return verdict;
}

/* Is @syscall on @sk a call the daemon decides? */
static __always_inline bool snet_mediated(const struct sock *sk, u8 syscall)
{
	return snet_event_is_mediated(syscall, sk->sk_protocol) &&
	       snet_family_mediated(sk->sk_family) && !sk->sk_kern_sock &&
	       !snet_daemon_is_current();
}

/*
 * The common test of the hooks that act on an existing socket: socket
 * ticket first, then mediation.  Returns 1 when the call must be decided,
 * else 0 or a negative errno (the decision).
 */
static __always_inline int snet_prepare(struct sock *sk, u8 syscall)
{
	u8 verdict;

	if (!sk)
		return 0;
	verdict = snet_sock_decides(sk, syscall);
	if (verdict != SNET_VERDICT_NONE)
		return snet_verdict_to_errno(verdict);
	return snet_mediated(sk, syscall);
}

/* A task ticket decided: counted, and its errno. */
static __always_inline int snet_ticket_decided(u8 verdict)
{
	snet_stat_inc(verdict == SNET_VERDICT_ALLOW ? SNET_STAT_TICKET_ALLOW :
						      SNET_STAT_TICKET_DENY);
	return snet_verdict_to_errno(verdict);
}

/*
 * The most recent task ticket did not decide: the others, the daemon or
 * the default do.  Out of line, with the struct snet_call an event needs,
 * so that a ticket hit builds none; its key, snet_call_key(), is the one
 * snet_request_start() built (KUnit checks it).  Nor is the call cleared
 * (INIT_STACK_ALL_ZERO would, 168 bytes): snet_call_start() and
 * snet_call_describe() write every field an event reads.  @arg is the
 * backlog of a listen(), the size of a sendmsg() or recvmsg().
 */
static noinline int snet_decide_miss(struct sock *sk, u8 syscall, bool remote,
				     struct sockaddr *address, int addrlen,
				     u64 arg)
{
	struct snet_call call __uninitialized;
	struct snet_request req __uninitialized;
	u8 verdict;

	/* Its error, a name the protocol refuses, was weighed already. */
	snet_call_start(&call, syscall, sk, remote, address, addrlen);
	snet_call_key(&call, &req);
	verdict = snet_ticket_lookup(snet_task_tickets(current), &req, jiffies);
	if (verdict != SNET_VERDICT_NONE)
		return snet_ticket_decided(verdict);
	if (!snet_daemon_registered()) {
		snet_stat_inc(SNET_STAT_NO_DAEMON);
		return snet_verdict_to_errno(snet_default_verdict());
	}
	if (syscall == SNET_SYSCALL_LISTEN)
		call.backlog = arg;
	else
		call.size = arg;
	return snet_ask(&call, sk, &req);
}

/*
 * Decides a mediated call: a task ticket, else the daemon or the default.
 * Inline in the deciders below, so that @syscall is a constant: a hit on
 * the most recently used ticket builds only its key and reads that ticket,
 * with no call (under emulation each call and return on this path was
 * measurable); anything else is a tail call.  @address is what the call
 * names (the peer if @remote, else the local address), or NULL: bind and
 * connect always name one.  With @must_name a name the protocol will
 * refuse ends the matter (no upcall); without, the socket's own addresses
 * stay.
 */
static __always_inline int snet_decide_call(struct sock *sk, u8 syscall,
					    bool remote,
					    struct sockaddr *address,
					    int addrlen, bool must_name,
					    u64 arg)
{
	struct snet_request req __uninitialized;
	u8 verdict;

	if (snet_request_start(&req, syscall, sk, remote, address, addrlen) &&
	    must_name)
		return 0;
	verdict = snet_ticket_first(snet_task_tickets(current), &req, jiffies);
	if (verdict != SNET_VERDICT_NONE)
		return snet_ticket_decided(verdict);
	return snet_decide_miss(sk, syscall, remote, address, addrlen, arg);
}

/*
 * One decider per syscall, out of line: the hooks only test, reach it by
 * a tail call, and so set up no stack frame on the way out (the common
 * path of every socket call while snet is active).
 */
static noinline int snet_decide_create(struct sock *sk)
{
	return snet_decide_call(sk, SNET_SYSCALL_CREATE, false, NULL, 0, false,
				0);
}

static noinline int snet_decide_bind(struct sock *sk,
				     struct sockaddr *address, int addrlen)
{
	return snet_decide_call(sk, SNET_SYSCALL_BIND, false, address, addrlen,
				true, 0);
}

/* AF_UNSPEC dissolves an association: nothing to decide. */
static noinline int snet_decide_connect(struct sock *sk,
					struct sockaddr *address, int addrlen)
{
	return snet_decide_call(sk, SNET_SYSCALL_CONNECT, true, address,
				addrlen, true, 0);
}

static noinline int snet_decide_listen(struct sock *sk, int backlog)
{
	return snet_decide_call(sk, SNET_SYSCALL_LISTEN, false, NULL, 0, false,
				backlog);
}

static noinline int snet_decide_accept(struct sock *sk)
{
	return snet_decide_call(sk, SNET_SYSCALL_ACCEPT, false, NULL, 0, false,
				0);
}

static noinline int snet_decide_post_accept(struct sock *sk)
{
	return snet_decide_call(sk, SNET_SYSCALL_POST_ACCEPT, false, NULL, 0,
				false, 0);
}

static noinline int snet_decide_sendmsg(struct sock *sk, struct msghdr *msg,
					int size)
{
	struct sockaddr *name = NULL;

	/*
	 * A datagram names its destination; a stream ignores msg_name.  A
	 * name the protocol will refuse leaves the socket's own peer.
	 */
	if (msg->msg_name && sk->sk_type != SOCK_STREAM)
		name = msg->msg_name;
	return snet_decide_call(sk, SNET_SYSCALL_SENDMSG, true, name,
				msg->msg_namelen, false, size);
}

static noinline int snet_decide_recvmsg(struct sock *sk, int size)
{
	return snet_decide_call(sk, SNET_SYSCALL_RECVMSG, false, NULL, 0, false,
				size);
}

static int snet_socket_post_create(struct socket *sock, int family, int type,
				   int protocol, int kern)
{
	struct sock *sk = sock->sk;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	if (kern || !sk || !snet_family_mediated(family) ||
	    snet_daemon_is_current())
		return 0;
	/* With labels on, every new socket gets one. */
	if (READ_ONCE(snet_config.label_mask))
		snet_sock_attach(sk);
	if (!snet_event_is_mediated(SNET_SYSCALL_CREATE, sk->sk_protocol))
		return 0;
	return snet_decide_create(sk);
}

static int snet_socket_bind(struct socket *sock, struct sockaddr *address,
			    int addrlen)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_BIND);
	if (ret <= 0)
		return ret;
	return snet_decide_bind(sock->sk, address, addrlen);
}

static int snet_socket_connect(struct socket *sock, struct sockaddr *address,
			       int addrlen)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_CONNECT);
	if (ret <= 0)
		return ret;
	return snet_decide_connect(sock->sk, address, addrlen);
}

static int snet_socket_listen(struct socket *sock, int backlog)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_LISTEN);
	if (ret <= 0)
		return ret;
	return snet_decide_listen(sock->sk, backlog);
}

static int snet_socket_accept(struct socket *sock, struct socket *newsock)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_ACCEPT);
	if (ret <= 0)
		return ret;
	return snet_decide_accept(sock->sk);
}

/* @newsock is connected: the peer is known. */
static int snet_socket_post_accept(struct socket *sock,
				   struct socket *newsock)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	/* A ticket on the listening socket covers what it accepts. */
	if (sock->sk) {
		u8 verdict = snet_sock_decides(sock->sk,
					       SNET_SYSCALL_POST_ACCEPT);

		if (verdict != SNET_VERDICT_NONE)
			return snet_verdict_to_errno(verdict);
	}
	ret = snet_prepare(newsock->sk, SNET_SYSCALL_POST_ACCEPT);
	if (ret <= 0)
		return ret;
	return snet_decide_post_accept(newsock->sk);
}

static int snet_socket_sendmsg(struct socket *sock, struct msghdr *msg,
			       int size)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_SENDMSG);
	if (ret <= 0)
		return ret;
	return snet_decide_sendmsg(sock->sk, msg, size);
}

static int snet_socket_recvmsg(struct socket *sock, struct msghdr *msg,
			       int size, int flags)
{
	int ret;

	if (!static_branch_unlikely(&snet_active))
		return 0;
	ret = snet_prepare(sock->sk, SNET_SYSCALL_RECVMSG);
	if (ret <= 0)
		return ret;
	return snet_decide_recvmsg(sock->sk, size);
}

/* The notification of a close; apart for the same reason as above. */
static noinline void snet_notify_close(struct sock *sk)
{
	/* Not cleared: init and describe write what an event reads. */
	struct snet_call call __uninitialized;

	snet_call_init(&call, SNET_SYSCALL_CLOSE, sk);
	snet_call_describe(&call, sk, false);
	if (!snet_netlink_send_event(&call, 0))
		snet_stat_inc(SNET_STAT_EVENTS);
}

/*
 * close(2) cannot be refused: the daemon is told (a notification, id 0,
 * no exe path: the earlier events of this socket carried it), and the
 * socket leaves snet's tables whatever the static key says.
 */
static void snet_socket_closed(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return;
	if (static_branch_unlikely(&snet_active) &&
	    snet_mediated(sk, SNET_SYSCALL_CLOSE) &&
	    snet_daemon_registered())
		snet_notify_close(sk);
	snet_sock_closed(sk);
}

static void snet_sk_free_security(struct sock *sk)
{
	snet_sock_free(sk);
}

static int snet_task_alloc(struct task_struct *task,
			   unsigned long clone_flags)
{
	struct snet_ticket_cache *tickets = snet_task_tickets(task);

	snet_ticket_cache_init(tickets);
	/* A short copy only means more upcalls: never fail the fork. */
	snet_ticket_copy(tickets, snet_task_tickets(current), jiffies,
			 GFP_KERNEL);
	return 0;
}

static void snet_task_free(struct task_struct *task)
{
	snet_ticket_cache_destroy(snet_task_tickets(task));
}

/* Tickets were granted to the old program, not to the new one. */
static void snet_bprm_committed_creds(const struct linux_binprm *bprm)
{
	snet_ticket_clear(snet_task_tickets(current));
}

static struct security_hook_list snet_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(socket_post_create, snet_socket_post_create),
	LSM_HOOK_INIT(socket_bind, snet_socket_bind),
	LSM_HOOK_INIT(socket_connect, snet_socket_connect),
	LSM_HOOK_INIT(socket_listen, snet_socket_listen),
	LSM_HOOK_INIT(socket_accept, snet_socket_accept),
	LSM_HOOK_INIT(socket_post_accept, snet_socket_post_accept),
	LSM_HOOK_INIT(socket_sendmsg, snet_socket_sendmsg),
	LSM_HOOK_INIT(socket_recvmsg, snet_socket_recvmsg),
	LSM_HOOK_INIT(socket_closed, snet_socket_closed),
	LSM_HOOK_INIT(sk_free_security, snet_sk_free_security),
	LSM_HOOK_INIT(task_alloc, snet_task_alloc),
	LSM_HOOK_INIT(task_free, snet_task_free),
	LSM_HOOK_INIT(bprm_committed_creds, snet_bprm_committed_creds),
};

void __init snet_add_hooks(const struct lsm_id *lsmid)
{
	security_add_hooks(snet_hooks, ARRAY_SIZE(snet_hooks), lsmid);
}
