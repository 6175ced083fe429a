/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - what snet knows of a socket: its identity, label and ticket
 *
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_SOCK_H
#define _SECURITY_SNET_SOCK_H

#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <net/sock.h>

#include "snet_core.h"

/* A decision set from userspace for every later call on one socket. */
struct snet_sock_ticket {
	u64 id;
	u8 verdict;
	u32 syscall_mask;	/* BIT(enum snet_syscall) */
	unsigned long expires;	/* jiffies; 0: until the socket closes */
	struct rcu_head rcu;
};

/*
 * The state of one socket that snet has seen.  Created in process context
 * the first time snet acts on the socket, found by cookie and by label
 * while the socket is open, freed (after an RCU grace period) with the
 * struct sock.  Hooks read @ticket under RCU with no lock.
 */
struct snet_sock_state {
	u64 cookie;
	u32 label;		/* 0: none */
	pid_t tgid;		/* who created it, initial namespaces */
	uid_t uid;
	char comm[TASK_COMM_LEN];
	u8 family;
	u8 protocol;
	/*
	 * Protects @dead and writes of @ticket.  Taken with _bh in process
	 * context: the last sock_put() may free the state in softirq.
	 */
	spinlock_t lock;
	bool dead;
	bool indexed;		/* in the cookie and label tables */
	struct snet_sock_ticket __rcu *ticket;
	struct rcu_head rcu;
};

/* The sock security blob: set once, by cmpxchg; freed with the sock. */
struct snet_sock_blob {
	struct snet_sock_state *state;
};

/* Who owns a socket, as SNET_CMD_SOCK_GET reports it. */
struct snet_sock_info {
	u64 cookie;
	u32 label;
	pid_t tgid;
	uid_t uid;
	char comm[TASK_COMM_LEN];
	u8 family;
	u8 protocol;
};

static inline struct snet_sock_blob *snet_sk(const struct sock *sk)
{
	return sk->sk_security + snet_blob_sizes.lbs_sock;
}

static inline struct snet_sock_state *snet_sock_state(const struct sock *sk)
{
	return READ_ONCE(snet_sk(sk)->state);
}

/* The socket ticket's verdict for @syscall, or SNET_VERDICT_NONE. */
static inline u8 snet_sock_ticket_check(const struct snet_sock_state *state,
					u8 syscall)
{
	const struct snet_sock_ticket *ticket;
	u8 verdict = SNET_VERDICT_NONE;

	rcu_read_lock();
	ticket = rcu_dereference(state->ticket);
	if (ticket && (ticket->syscall_mask & BIT(syscall)) &&
	    (!ticket->expires || time_before(jiffies, ticket->expires)))
		verdict = ticket->verdict;
	rcu_read_unlock();
	return verdict;
}

struct snet_sock_state *snet_sock_attach(struct sock *sk);
void snet_sock_closed(struct sock *sk);
void snet_sock_free(struct sock *sk);

int snet_sock_ticket_set(u64 cookie, u8 verdict, u32 syscall_mask,
			 u32 seconds, u64 *id);
int snet_sock_ticket_revoke(u64 cookie);
unsigned int snet_sock_ticket_revoke_all(void);
int snet_sock_ticket_revoke_id(u64 id);
int snet_sock_info(u64 cookie, u32 label, struct snet_sock_info *info);

struct snet_sock_ticket_entry {
	u64 cookie;
	u64 id;
	u8 verdict;
	u32 syscall_mask;
	unsigned long expires;
};

int snet_sock_ticket_next(u64 *cookie, struct snet_sock_ticket_entry *entry);
unsigned int snet_sock_tickets_live(void);

u32 snet_label_to_mark(u32 label, u32 mask);
u32 snet_label_max(u32 mask);

#endif /* _SECURITY_SNET_SOCK_H */
