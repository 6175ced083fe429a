// SPDX-License-Identifier: GPL-2.0
/*
 * snet - what snet knows of a socket: its identity, label and ticket
 *
 * Userspace names a socket by its cookie (SO_COOKIE, and the events
 * report it) or by its label (the bits of the packet mark that snet sets,
 * see snet_label.c).  A socket ticket, set by cookie, decides the later
 * calls on that socket with no upcall: this is how payload inspection in
 * userspace makes a socket's next sendmsg() fail with EACCES.
 *
 * Copyright (C) 2026 snet developers
 */

#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/xarray.h>

#include "snet_sock.h"
#include "snet_stats.h"
#include "snet_ticket.h"

/*
 * Open sockets by cookie and by label.  Entries are added and removed in
 * process context only (first use, close), under each table's xa_lock;
 * lookups run under RCU.
 */
static DEFINE_XARRAY(snet_sock_by_cookie);
static DEFINE_XARRAY_ALLOC1(snet_sock_by_label);
static u32 snet_label_next;	/* cyclic cursor, under the label xa_lock */

/* Socket tickets alive, for the securityfs view. */
static atomic_t snet_sock_ticket_count = ATOMIC_INIT(0);

u32 snet_label_max(u32 mask)
{
	if (!mask)
		return 0;
	return mask >> __ffs(mask);
}

/* The mark bits for @label; 0 if it does not fit under @mask. */
u32 snet_label_to_mark(u32 label, u32 mask)
{
	if (!mask || !label || label > snet_label_max(mask))
		return 0;
	return label << __ffs(mask);
}

static void snet_sock_give_label(struct snet_sock_state *state)
{
	u32 mask = READ_ONCE(snet_config.label_mask);
	u32 label;
	int err;

	if (!mask)
		return;
	err = xa_alloc_cyclic(&snet_sock_by_label, &label, state,
			      XA_LIMIT(1, snet_label_max(mask)),
			      &snet_label_next, GFP_KERNEL);
	if (err < 0) {
		if (err == -EBUSY)
			snet_stat_inc(SNET_STAT_LABEL_EXHAUSTED);
		return;
	}
	WRITE_ONCE(state->label, label);
	snet_stat_inc(SNET_STAT_LABELLED);
}

/*
 * Returns the socket's state, creating it on first use (process context:
 * the caller holds the socket's file).  NULL when memory is short: snet
 * then treats the socket as one it has not seen.
 */
struct snet_sock_state *snet_sock_attach(struct sock *sk)
{
	struct snet_sock_blob *blob = snet_sk(sk);
	struct snet_sock_state *state, *old;

	state = READ_ONCE(blob->state);
	if (state)
		return state;

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return NULL;
	spin_lock_init(&state->lock);
	state->cookie = sock_gen_cookie(sk);
	state->tgid = task_tgid_nr(current);
	state->uid = from_kuid_munged(&init_user_ns, current_uid());
	get_task_comm(state->comm, current);
	state->family = sk->sk_family;
	state->protocol = sk->sk_protocol;

	old = cmpxchg(&blob->state, NULL, state);
	if (old) {
		kfree(state);
		return old;
	}

	/*
	 * Two threads may race to here for the same socket only through
	 * the cmpxchg above, which one of them lost: indexing is single.
	 */
	if (!xa_insert(&snet_sock_by_cookie, state->cookie, state,
		       GFP_KERNEL)) {
		state->indexed = true;
		snet_sock_give_label(state);
	}
	return state;
}

/* The socket is being closed: it can no longer be named. */
void snet_sock_closed(struct sock *sk)
{
	struct snet_sock_state *state = snet_sock_state(sk);

	if (!state || !state->indexed)
		return;
	xa_erase(&snet_sock_by_cookie, state->cookie);
	/*
	 * The label stays on the state: packets the socket still sends after
	 * close(2) (queued data, FIN) keep their attribution.  Cyclic
	 * allocation keeps the freed label from coming back at once.
	 */
	if (state->label)
		xa_erase(&snet_sock_by_label, state->label);
	state->indexed = false;
}

/* The struct sock is freed; maybe in softirq (RCU callback). */
void snet_sock_free(struct sock *sk)
{
	struct snet_sock_blob *blob = snet_sk(sk);
	struct snet_sock_state *state = blob->state;
	struct snet_sock_ticket *ticket;

	if (!state)
		return;
	blob->state = NULL;
	/* Every socket snet indexes goes through __sock_release() first. */
	WARN_ON_ONCE(state->indexed);

	spin_lock_bh(&state->lock);
	state->dead = true;
	ticket = rcu_replace_pointer(state->ticket, NULL,
				     lockdep_is_held(&state->lock));
	spin_unlock_bh(&state->lock);
	if (ticket) {
		atomic_dec(&snet_sock_ticket_count);
		kfree_rcu(ticket, rcu);
	}
	kfree_rcu(state, rcu);
}

/* Replaces the ticket of a live state; the old one is returned. */
static int snet_sock_swap_ticket(struct snet_sock_state *state,
				 struct snet_sock_ticket *new,
				 struct snet_sock_ticket **old)
{
	spin_lock_bh(&state->lock);
	if (state->dead) {
		spin_unlock_bh(&state->lock);
		return -ENOENT;
	}
	*old = rcu_replace_pointer(state->ticket, new,
				   lockdep_is_held(&state->lock));
	spin_unlock_bh(&state->lock);
	if (new && !*old)
		atomic_inc(&snet_sock_ticket_count);
	if (!new && *old)
		atomic_dec(&snet_sock_ticket_count);
	return 0;
}

int snet_sock_ticket_set(u64 cookie, u8 verdict, u32 syscall_mask,
			 u32 seconds, u64 *id)
{
	struct snet_sock_ticket *ticket, *old = NULL;
	struct snet_sock_state *state;
	int err;

	if (verdict != SNET_VERDICT_ALLOW && verdict != SNET_VERDICT_DENY)
		return -EINVAL;
	if (!syscall_mask || syscall_mask & ~GENMASK(SNET_SYSCALL_MAX, 0))
		return -EINVAL;

	ticket = kzalloc(sizeof(*ticket), GFP_KERNEL);
	if (!ticket)
		return -ENOMEM;
	ticket->id = snet_ticket_new_id();
	ticket->verdict = verdict;
	ticket->syscall_mask = syscall_mask;
	if (seconds)
		ticket->expires = (jiffies + (unsigned long)seconds * HZ) ?: 1;

	rcu_read_lock();
	state = xa_load(&snet_sock_by_cookie, cookie);
	err = state ? snet_sock_swap_ticket(state, ticket, &old) : -ENOENT;
	rcu_read_unlock();
	if (err) {
		kfree(ticket);
		return err;
	}
	if (old)
		kfree_rcu(old, rcu);
	if (id)
		*id = ticket->id;
	return 0;
}

int snet_sock_ticket_revoke(u64 cookie)
{
	struct snet_sock_ticket *old = NULL;
	struct snet_sock_state *state;
	int err;

	rcu_read_lock();
	state = xa_load(&snet_sock_by_cookie, cookie);
	err = state ? snet_sock_swap_ticket(state, NULL, &old) : -ENOENT;
	rcu_read_unlock();
	if (err)
		return err;
	if (!old)
		return -ENOENT;
	kfree_rcu(old, rcu);
	return 0;
}

/* Revokes the socket tickets with @id (any, if @id is 0). */
static unsigned int snet_sock_ticket_revoke_match(u64 id)
{
	struct snet_sock_ticket *ticket, *old;
	struct snet_sock_state *state;
	unsigned int n = 0;
	unsigned long index;

	rcu_read_lock();
	xa_for_each(&snet_sock_by_cookie, index, state) {
		ticket = rcu_dereference(state->ticket);
		if (!ticket || (id && ticket->id != id))
			continue;
		old = NULL;
		if (snet_sock_swap_ticket(state, NULL, &old) || !old)
			continue;
		kfree_rcu(old, rcu);
		n++;
	}
	rcu_read_unlock();
	return n;
}

unsigned int snet_sock_ticket_revoke_all(void)
{
	return snet_sock_ticket_revoke_match(0);
}

int snet_sock_ticket_revoke_id(u64 id)
{
	if (!id)
		return -ENOENT;
	return snet_sock_ticket_revoke_match(id) ? 0 : -ENOENT;
}

/*
 * The first socket ticket on a socket with a cookie of at least *@cookie,
 * for listing; *@cookie becomes that socket's cookie.
 */
int snet_sock_ticket_next(u64 *cookie, struct snet_sock_ticket_entry *entry)
{
	const struct snet_sock_ticket *ticket;
	struct snet_sock_state *state;
	unsigned long index;
	int err = -ENOENT;

	rcu_read_lock();
	xa_for_each_start(&snet_sock_by_cookie, index, state, *cookie) {
		ticket = rcu_dereference(state->ticket);
		if (!ticket)
			continue;
		entry->cookie = state->cookie;
		entry->id = ticket->id;
		entry->verdict = ticket->verdict;
		entry->syscall_mask = ticket->syscall_mask;
		entry->expires = ticket->expires;
		*cookie = index;
		err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

unsigned int snet_sock_tickets_live(void)
{
	return atomic_read(&snet_sock_ticket_count);
}

/* Who owns the socket with @cookie, or with @label if @cookie is 0. */
int snet_sock_info(u64 cookie, u32 label, struct snet_sock_info *info)
{
	struct snet_sock_state *state;
	int err = 0;

	rcu_read_lock();
	if (cookie)
		state = xa_load(&snet_sock_by_cookie, cookie);
	else
		state = label ? xa_load(&snet_sock_by_label, label) : NULL;
	if (state) {
		info->cookie = state->cookie;
		info->label = READ_ONCE(state->label);
		info->tgid = state->tgid;
		info->uid = state->uid;
		memcpy(info->comm, state->comm, sizeof(info->comm));
		info->family = state->family;
		info->protocol = state->protocol;
	} else {
		err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}
