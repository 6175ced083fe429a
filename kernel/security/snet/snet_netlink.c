// SPDX-License-Identifier: GPL-2.0
/*
 * snet - the generic netlink family SNET
 *
 * Userspace configures snet, registers the deciding daemon, chooses the
 * mediated calls, answers events and manages tickets through this family.
 * Every command and the events group need CAP_NET_ADMIN in the initial user
 * namespace.  The family lives in the initial network namespace only.
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "snet_core.h"
#include "snet_event.h"
#include "snet_label.h"
#include "snet_netlink.h"
#include "snet_sock.h"
#include "snet_stats.h"
#include "snet_ticket.h"
#include "snet_verdict.h"

enum snet_mcgrp {
	SNET_MCGRP_EVENTS,
};

/* Who decides: written under snet_daemon_lock. */
static DEFINE_MUTEX(snet_daemon_lock);
static u32 snet_daemon_portid;
struct pid __rcu *snet_daemon_pid;

static struct genl_family snet_family;

static int snet_nla_validate_addr(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);

	if (len != sizeof(struct in_addr) && len != sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address must be 4 or 16 bytes");
		return -EINVAL;
	}
	return 0;
}

static int snet_nla_validate_family(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	u8 family = nla_get_u8(attr);

	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	return 0;
}

/* The label bits must be one run, so that a label is a plain number. */
static int snet_nla_validate_mask(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	u32 mask = nla_get_u32(attr);

	if (mask && (mask >> __ffs(mask)) & ((mask >> __ffs(mask)) + 1)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "label mask bits must be contiguous");
		return -EINVAL;
	}
	return 0;
}

static const struct netlink_range_validation snet_timeout_range = {
	.min = 1,
	.max = SNET_TIMEOUT_MS_MAX,
};

static const struct netlink_range_validation snet_seconds_range = {
	.min = 1,
	.max = SNET_TICKET_SECONDS_MAX,
};

#define SNET_NLA_READ_ONLY { .type = NLA_REJECT, \
			     .reject_message = "attribute is read only" }

const struct nla_policy snet_nl_policy[SNET_A_MAX + 1] = {
	[SNET_A_PAD] = SNET_NLA_READ_ONLY,
	[SNET_A_VERSION] = SNET_NLA_READ_ONLY,
	[SNET_A_DEFAULT_VERDICT] = NLA_POLICY_RANGE(NLA_U8, SNET_VERDICT_ALLOW,
						    SNET_VERDICT_DENY),
	[SNET_A_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						    &snet_timeout_range),
	[SNET_A_TICKET_LIFE] = NLA_POLICY_MAX(NLA_U8, SNET_TICKET_MAX),
	[SNET_A_TICKET_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&snet_seconds_range),
	[SNET_A_TICKET_MAX] = NLA_POLICY_RANGE(NLA_U32, 1,
					       SNET_TICKET_MAX_MAX),
	[SNET_A_LABEL_MASK] = NLA_POLICY_VALIDATE_FN(NLA_U32,
						     snet_nla_validate_mask),
	[SNET_A_DAEMON_PID] = SNET_NLA_READ_ONLY,
	[SNET_A_VERDICT_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[SNET_A_SYSCALL] = NLA_POLICY_MAX(NLA_U8, SNET_SYSCALL_MAX),
	[SNET_A_PROTOCOL] = { .type = NLA_U8 },
	[SNET_A_FAMILY] = NLA_POLICY_VALIDATE_FN(NLA_U8,
						 snet_nla_validate_family),
	[SNET_A_SOCK_TYPE] = SNET_NLA_READ_ONLY,
	[SNET_A_LOCAL_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						     snet_nla_validate_addr),
	[SNET_A_LOCAL_PORT] = { .type = NLA_U16 },
	[SNET_A_REMOTE_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						      snet_nla_validate_addr),
	[SNET_A_REMOTE_PORT] = { .type = NLA_U16 },
	[SNET_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[SNET_A_TGID] = SNET_NLA_READ_ONLY,
	[SNET_A_UID] = SNET_NLA_READ_ONLY,
	[SNET_A_GID] = SNET_NLA_READ_ONLY,
	[SNET_A_COMM] = SNET_NLA_READ_ONLY,
	[SNET_A_EXE] = SNET_NLA_READ_ONLY,
	[SNET_A_SOCK_COOKIE] = NLA_POLICY_MIN(NLA_U64, 1),
	[SNET_A_NETNS] = SNET_NLA_READ_ONLY,
	[SNET_A_LABEL] = NLA_POLICY_MIN(NLA_U32, 1),
	[SNET_A_SIZE] = SNET_NLA_READ_ONLY,
	[SNET_A_BACKLOG] = SNET_NLA_READ_ONLY,
	[SNET_A_TIMEOUT_LEFT_MS] = SNET_NLA_READ_ONLY,
	[SNET_A_VERDICT] = NLA_POLICY_RANGE(NLA_U8, SNET_VERDICT_ALLOW,
					    SNET_VERDICT_DENY),
	[SNET_A_TICKET_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[SNET_A_TICKET_EXPIRES_MS] = SNET_NLA_READ_ONLY,
	[SNET_A_SYSCALL_MASK] = NLA_POLICY_MASK(NLA_U32,
						GENMASK(SNET_SYSCALL_MAX, 0)),
	[SNET_A_STATS] = SNET_NLA_READ_ONLY,
};

/* Addresses in messages: 4 bytes for AF_INET, 16 for AF_INET6. */
static int snet_nl_put_addr(struct sk_buff *skb, int type, u8 family,
			    const struct in6_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type, addr->s6_addr32[0]);
	return nla_put_in6_addr(skb, type, addr);
}

static int snet_nl_put_call(struct sk_buff *skb, const struct snet_call *call,
			    u32 id)
{
	if (nla_put_u32(skb, SNET_A_VERDICT_ID, id) ||
	    nla_put_u8(skb, SNET_A_SYSCALL, call->syscall) ||
	    nla_put_u8(skb, SNET_A_PROTOCOL, call->protocol) ||
	    nla_put_u8(skb, SNET_A_FAMILY, call->family) ||
	    nla_put_u16(skb, SNET_A_SOCK_TYPE, call->sock_type) ||
	    nla_put_u32(skb, SNET_A_PID, call->pid) ||
	    nla_put_u32(skb, SNET_A_TGID, call->tgid) ||
	    nla_put_u32(skb, SNET_A_UID, call->uid) ||
	    nla_put_u32(skb, SNET_A_GID, call->gid) ||
	    nla_put_string(skb, SNET_A_COMM, call->comm) ||
	    nla_put_u64_64bit(skb, SNET_A_SOCK_COOKIE, call->cookie,
			      SNET_A_PAD) ||
	    nla_put_u32(skb, SNET_A_NETNS, call->netns))
		return -EMSGSIZE;
	if (call->has_local &&
	    (snet_nl_put_addr(skb, SNET_A_LOCAL_ADDR, call->family,
			      &call->local_addr) ||
	     nla_put_u16(skb, SNET_A_LOCAL_PORT, call->local_port)))
		return -EMSGSIZE;
	if (call->has_remote &&
	    (snet_nl_put_addr(skb, SNET_A_REMOTE_ADDR, call->family,
			      &call->remote_addr) ||
	     nla_put_u16(skb, SNET_A_REMOTE_PORT, call->remote_port)))
		return -EMSGSIZE;
	if (call->exe && nla_put_string(skb, SNET_A_EXE, call->exe))
		return -EMSGSIZE;
	if (call->label && nla_put_u32(skb, SNET_A_LABEL, call->label))
		return -EMSGSIZE;
	if ((call->syscall == SNET_SYSCALL_SENDMSG ||
	     call->syscall == SNET_SYSCALL_RECVMSG) &&
	    nla_put_u64_64bit(skb, SNET_A_SIZE, call->size, SNET_A_PAD))
		return -EMSGSIZE;
	if (call->syscall == SNET_SYSCALL_LISTEN &&
	    nla_put_u32(skb, SNET_A_BACKLOG, call->backlog))
		return -EMSGSIZE;
	return 0;
}

static size_t snet_nl_call_size(const struct snet_call *call)
{
	return 12 * nla_total_size(sizeof(u32)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       nla_total_size(TASK_COMM_LEN) +
	       (call->exe ? nla_total_size(strlen(call->exe) + 1) : 0);
}

/*
 * Multicasts the event for @call; @id is 0 for a notification.  Returns
 * -ESRCH when no one listens: then no one can answer.
 */
int snet_netlink_send_event(const struct snet_call *call, u32 id)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(snet_nl_call_size(call), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &snet_family, 0, SNET_CMD_EVENT);
	if (!hdr) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	err = snet_nl_put_call(skb, call, id);
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_multicast(&snet_family, skb, 0, SNET_MCGRP_EVENTS,
				 GFP_KERNEL);
}

static struct sk_buff *snet_nl_new_reply(struct genl_info *info, u8 cmd,
					 void **hdr)
{
	struct sk_buff *skb;

	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &snet_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int snet_nl_send_reply(struct sk_buff *skb, void *hdr,
			      struct genl_info *info)
{
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int snet_nl_get_config(struct sk_buff *skb_in, struct genl_info *info)
{
	struct sk_buff *skb;
	struct pid *daemon;
	pid_t daemon_pid;
	void *hdr;

	skb = snet_nl_new_reply(info, SNET_CMD_GET_CONFIG, &hdr);
	if (!skb)
		return -ENOMEM;
	rcu_read_lock();
	daemon = rcu_dereference(snet_daemon_pid);
	daemon_pid = daemon ? pid_nr(daemon) : 0;
	rcu_read_unlock();
	if (nla_put_u32(skb, SNET_A_VERSION, SNET_GENL_VERSION) ||
	    nla_put_u8(skb, SNET_A_DEFAULT_VERDICT,
		       READ_ONCE(snet_config.default_verdict)) ||
	    nla_put_u32(skb, SNET_A_TIMEOUT_MS,
			READ_ONCE(snet_config.timeout_ms)) ||
	    nla_put_u8(skb, SNET_A_TICKET_LIFE,
		       READ_ONCE(snet_config.ticket_life)) ||
	    nla_put_u32(skb, SNET_A_TICKET_SECONDS,
			READ_ONCE(snet_config.ticket_seconds)) ||
	    nla_put_u32(skb, SNET_A_TICKET_MAX,
			READ_ONCE(snet_config.ticket_max)) ||
	    nla_put_u32(skb, SNET_A_LABEL_MASK,
			READ_ONCE(snet_config.label_mask)) ||
	    nla_put_u32(skb, SNET_A_DAEMON_PID, daemon_pid)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	return snet_nl_send_reply(skb, hdr, info);
}

static int snet_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	int err = 0;

	mutex_lock(&snet_config_lock);
	if (attrs[SNET_A_DEFAULT_VERDICT])
		WRITE_ONCE(snet_config.default_verdict,
			   nla_get_u8(attrs[SNET_A_DEFAULT_VERDICT]));
	if (attrs[SNET_A_TIMEOUT_MS])
		WRITE_ONCE(snet_config.timeout_ms,
			   nla_get_u32(attrs[SNET_A_TIMEOUT_MS]));
	if (attrs[SNET_A_TICKET_LIFE])
		WRITE_ONCE(snet_config.ticket_life,
			   nla_get_u8(attrs[SNET_A_TICKET_LIFE]));
	if (attrs[SNET_A_TICKET_SECONDS])
		WRITE_ONCE(snet_config.ticket_seconds,
			   nla_get_u32(attrs[SNET_A_TICKET_SECONDS]));
	if (attrs[SNET_A_TICKET_MAX])
		WRITE_ONCE(snet_config.ticket_max,
			   nla_get_u32(attrs[SNET_A_TICKET_MAX]));
	if (attrs[SNET_A_LABEL_MASK]) {
		u32 mask = nla_get_u32(attrs[SNET_A_LABEL_MASK]);

		err = snet_label_switch(mask);
		if (err)
			NL_SET_ERR_MSG(info->extack,
				       "cannot register the labelling hooks");
		else
			WRITE_ONCE(snet_config.label_mask, mask);
	}
	mutex_unlock(&snet_config_lock);
	snet_active_update();
	return err;
}

/*
 * Labels exist for the daemon's packet inspection: once it is gone no one
 * reads them, so they stop, as at its clean stop, and packets no longer
 * pass through snet.  Lock order: snet_daemon_lock, then snet_config_lock.
 */
static void snet_daemon_labels_off(void)
{
	mutex_lock(&snet_config_lock);
	if (READ_ONCE(snet_config.label_mask) && !snet_label_switch(false))
		WRITE_ONCE(snet_config.label_mask, 0);
	mutex_unlock(&snet_config_lock);
}

/*
 * Drops the daemon; the caller holds snet_daemon_lock and calls
 * snet_active_update() after releasing it.
 */
static void snet_daemon_drop(void)
{
	struct pid *old;
	unsigned int n;

	old = rcu_replace_pointer(snet_daemon_pid, NULL,
				  lockdep_is_held(&snet_daemon_lock));
	snet_daemon_portid = 0;
	put_pid(old);
	n = snet_verdict_release_all(&snet_verdicts, snet_default_verdict());
	while (n--)
		snet_stat_inc(SNET_STAT_DAEMON_GONE);
	snet_daemon_labels_off();
}

static int snet_nl_register(struct sk_buff *skb, struct genl_info *info)
{
	int err = 0;

	mutex_lock(&snet_daemon_lock);
	if (rcu_access_pointer(snet_daemon_pid)) {
		if (snet_daemon_portid != info->snd_portid) {
			NL_SET_ERR_MSG(info->extack,
				       "another daemon is registered");
			err = -EBUSY;
		}
	} else {
		snet_daemon_portid = info->snd_portid;
		rcu_assign_pointer(snet_daemon_pid, get_pid(task_tgid(current)));
	}
	mutex_unlock(&snet_daemon_lock);
	snet_active_update();
	return err;
}

static int snet_nl_unregister(struct sk_buff *skb, struct genl_info *info)
{
	int err = 0;

	mutex_lock(&snet_daemon_lock);
	if (rcu_access_pointer(snet_daemon_pid))
		snet_daemon_drop();
	else
		err = -ENOENT;
	mutex_unlock(&snet_daemon_lock);
	snet_active_update();
	return err;
}

/* The daemon's socket closed (it exited, or was killed): release all. */
static int snet_nl_notify(struct notifier_block *nb, unsigned long state,
			  void *data)
{
	const struct netlink_notify *n = data;
	bool dropped = false;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	mutex_lock(&snet_daemon_lock);
	if (rcu_access_pointer(snet_daemon_pid) &&
	    n->portid == snet_daemon_portid) {
		snet_daemon_drop();
		dropped = true;
	}
	mutex_unlock(&snet_daemon_lock);
	if (dropped)
		snet_active_update();
	return NOTIFY_DONE;
}

static struct notifier_block snet_nl_notifier = {
	.notifier_call = snet_nl_notify,
};

/* Inserts or removes the (syscall, protocol) pair the request names. */
static int snet_nl_event_change(struct genl_info *info, bool insert)
{
	u8 syscall, protocol;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SNET_A_SYSCALL) ||
	    GENL_REQ_ATTR_CHECK(info, SNET_A_PROTOCOL))
		return -EINVAL;
	syscall = nla_get_u8(info->attrs[SNET_A_SYSCALL]);
	protocol = nla_get_u8(info->attrs[SNET_A_PROTOCOL]);
	if (insert)
		err = snet_event_insert(&snet_events, syscall, protocol);
	else
		err = snet_event_remove(&snet_events, syscall, protocol);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack, "event already registered");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "event not registered");
	snet_active_update();
	return err;
}

static int snet_nl_event_insert(struct sk_buff *skb, struct genl_info *info)
{
	return snet_nl_event_change(info, true);
}

static int snet_nl_event_remove(struct sk_buff *skb, struct genl_info *info)
{
	return snet_nl_event_change(info, false);
}

static int snet_nl_event_flush(struct sk_buff *skb, struct genl_info *info)
{
	snet_event_flush(&snet_events);
	snet_active_update();
	return 0;
}

static int snet_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	u8 syscall, protocol;
	void *hdr;
	int pos;

	/* cb->args[0]: the next bitmap position to look at. */
	for (pos = cb->args[0];
	     (pos = snet_event_next(&snet_events, pos, &syscall,
				    &protocol)) >= 0;
	     pos++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &snet_family,
				  NLM_F_MULTI, SNET_CMD_EVENT_LIST);
		if (!hdr)
			break;
		if (nla_put_u8(skb, SNET_A_SYSCALL, syscall) ||
		    nla_put_u8(skb, SNET_A_PROTOCOL, protocol)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = pos + 1;
	}
	return skb->len;
}

static bool snet_nl_sender_is_daemon(void)
{
	return snet_daemon_is_current();
}

static int snet_nl_verdict(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u8 life = READ_ONCE(snet_config.ticket_life);
	u32 seconds = READ_ONCE(snet_config.ticket_seconds);
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SNET_A_VERDICT_ID) ||
	    GENL_REQ_ATTR_CHECK(info, SNET_A_VERDICT))
		return -EINVAL;
	if (!snet_nl_sender_is_daemon()) {
		NL_SET_ERR_MSG(info->extack,
			       "only the registered daemon answers events");
		return -EPERM;
	}
	if (attrs[SNET_A_TICKET_LIFE])
		life = nla_get_u8(attrs[SNET_A_TICKET_LIFE]);
	if (attrs[SNET_A_TICKET_SECONDS])
		seconds = nla_get_u32(attrs[SNET_A_TICKET_SECONDS]);
	err = snet_verdict_answer(&snet_verdicts,
				  nla_get_u32(attrs[SNET_A_VERDICT_ID]),
				  nla_get_u8(attrs[SNET_A_VERDICT]), life,
				  seconds);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack,
			       "no call waits with this id (timed out?)");
	return err;
}

static int snet_nl_get_addr(struct genl_info *info, int type, u8 family,
			    struct in6_addr *addr)
{
	const struct nlattr *attr = info->attrs[type];

	memset(addr, 0, sizeof(*addr));
	if (!attr)
		return 0;
	if (nla_len(attr) != (family == AF_INET ? 4 : 16)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "address length does not match family");
		return -EINVAL;
	}
	memcpy(addr, nla_data(attr), nla_len(attr));
	return 0;
}

/* A task ticket for the thread @SNET_A_PID; the request's key fields. */
static int snet_nl_task_ticket_set(struct genl_info *info, u8 verdict,
				   u8 life, u32 seconds, u64 *id)
{
	struct nlattr **attrs = info->attrs;
	struct task_struct *task;
	struct snet_request req;
	struct snet_call call;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SNET_A_SYSCALL) ||
	    GENL_REQ_ATTR_CHECK(info, SNET_A_PROTOCOL) ||
	    GENL_REQ_ATTR_CHECK(info, SNET_A_FAMILY))
		return -EINVAL;
	if (life != SNET_TICKET_TIMED && life != SNET_TICKET_TASK) {
		NL_SET_ERR_MSG(info->extack,
			       "a ticket lasts some seconds or the task's life");
		return -EINVAL;
	}
	memset(&call, 0, sizeof(call));
	call.syscall = nla_get_u8(attrs[SNET_A_SYSCALL]);
	call.protocol = nla_get_u8(attrs[SNET_A_PROTOCOL]);
	call.family = nla_get_u8(attrs[SNET_A_FAMILY]);
	err = snet_nl_get_addr(info, SNET_A_LOCAL_ADDR, call.family,
			       &call.local_addr);
	if (!err)
		err = snet_nl_get_addr(info, SNET_A_REMOTE_ADDR, call.family,
				       &call.remote_addr);
	if (err)
		return err;
	if (attrs[SNET_A_LOCAL_PORT])
		call.local_port = nla_get_u16(attrs[SNET_A_LOCAL_PORT]);
	if (attrs[SNET_A_REMOTE_PORT])
		call.remote_port = nla_get_u16(attrs[SNET_A_REMOTE_PORT]);
	snet_call_key(&call, &req);

	rcu_read_lock();
	task = find_task_by_pid_ns(nla_get_u32(attrs[SNET_A_PID]),
				   &init_pid_ns);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SNET_A_PID],
				    "no such task");
		return -ESRCH;
	}
	err = snet_ticket_add(snet_task_tickets(task), &req, verdict, life,
			      seconds, jiffies, READ_ONCE(snet_config.ticket_max),
			      id);
	put_task_struct(task);
	return err;
}

static int snet_nl_ticket_set(struct sk_buff *skb_in, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u32 mask = BIT(SNET_SYSCALL_SENDMSG);
	u32 seconds = 0;
	struct sk_buff *skb;
	u8 verdict, life;
	void *hdr;
	u64 id = 0;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SNET_A_VERDICT))
		return -EINVAL;
	verdict = nla_get_u8(attrs[SNET_A_VERDICT]);
	life = attrs[SNET_A_TICKET_LIFE] ?
	       nla_get_u8(attrs[SNET_A_TICKET_LIFE]) : SNET_TICKET_TASK;
	if (attrs[SNET_A_TICKET_SECONDS])
		seconds = nla_get_u32(attrs[SNET_A_TICKET_SECONDS]);
	if (life == SNET_TICKET_TIMED && !seconds) {
		NL_SET_ERR_MSG(info->extack, "a timed ticket needs seconds");
		return -EINVAL;
	}
	if (life != SNET_TICKET_TIMED)
		seconds = 0;

	if (attrs[SNET_A_SOCK_COOKIE] && attrs[SNET_A_PID]) {
		NL_SET_ERR_MSG(info->extack,
			       "a ticket is for a socket or for a task");
		return -EINVAL;
	}
	if (attrs[SNET_A_SOCK_COOKIE]) {
		if (life == SNET_TICKET_ONCE) {
			NL_SET_ERR_MSG(info->extack,
				       "a socket ticket lasts seconds or until close");
			return -EINVAL;
		}
		if (attrs[SNET_A_SYSCALL_MASK])
			mask = nla_get_u32(attrs[SNET_A_SYSCALL_MASK]);
		if (!mask) {
			NL_SET_ERR_MSG(info->extack, "empty syscall mask");
			return -EINVAL;
		}
		err = snet_sock_ticket_set(nla_get_u64(attrs[SNET_A_SOCK_COOKIE]),
					   verdict, mask, seconds, &id);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[SNET_A_SOCK_COOKIE],
					    "no open socket snet knows has this cookie");
		snet_active_update();
	} else if (attrs[SNET_A_PID]) {
		err = snet_nl_task_ticket_set(info, verdict, life, seconds,
					      &id);
	} else {
		NL_SET_ERR_MSG(info->extack,
			       "SNET_A_SOCK_COOKIE or SNET_A_PID is required");
		return -EINVAL;
	}
	if (err)
		return err;

	skb = snet_nl_new_reply(info, SNET_CMD_TICKET_SET, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put_u64_64bit(skb, SNET_A_TICKET_ID, id, SNET_A_PAD)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	return snet_nl_send_reply(skb, hdr, info);
}

/* Revokes in every thread of the process @tgid; -ESRCH if none. */
static int snet_nl_revoke_process(pid_t tgid)
{
	struct task_struct *task, *thread;
	int err = -ESRCH;

	rcu_read_lock();
	task = find_task_by_pid_ns(tgid, &init_pid_ns);
	if (task) {
		for_each_thread(task, thread)
			snet_ticket_clear(snet_task_tickets(thread));
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

static int snet_nl_revoke_id(u64 id)
{
	struct task_struct *process, *thread;
	int err = -ENOENT;

	rcu_read_lock();
	for_each_process_thread(process, thread) {
		if (!snet_ticket_revoke(snet_task_tickets(thread), id)) {
			err = 0;
			goto out;
		}
	}
out:
	rcu_read_unlock();
	if (err)
		err = snet_sock_ticket_revoke_id(id);
	return err;
}

static void snet_nl_revoke_all(void)
{
	struct task_struct *process, *thread;

	rcu_read_lock();
	for_each_process_thread(process, thread)
		snet_ticket_clear(snet_task_tickets(thread));
	rcu_read_unlock();
	snet_sock_ticket_revoke_all();
}

static int snet_nl_ticket_revoke(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	int err = 0;

	if (attrs[SNET_A_TICKET_ID])
		err = snet_nl_revoke_id(nla_get_u64(attrs[SNET_A_TICKET_ID]));
	else if (attrs[SNET_A_PID])
		err = snet_nl_revoke_process(nla_get_u32(attrs[SNET_A_PID]));
	else if (attrs[SNET_A_SOCK_COOKIE])
		err = snet_sock_ticket_revoke(nla_get_u64(attrs[SNET_A_SOCK_COOKIE]));
	else
		snet_nl_revoke_all();
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such ticket");
	else if (err == -ESRCH)
		NL_SET_ERR_MSG(info->extack, "no such process");
	snet_active_update();
	return err;
}

/* Ticket listing: one message per ticket, task tickets first. */
struct snet_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	pid_t pid;
	pid_t tgid;
};

static u32 snet_nl_ms_left(unsigned long expires)
{
	if (time_after_eq(jiffies, expires))
		return 0;
	return jiffies_to_msecs(expires - jiffies);
}

static int snet_nl_put_task_ticket(const struct snet_ticket *ticket,
				   void *arg)
{
	const struct snet_request *req = &ticket->req;
	struct snet_nl_dump *d = arg;
	struct sk_buff *skb = d->skb;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &snet_family, NLM_F_MULTI,
			  SNET_CMD_TICKET_LIST);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SNET_A_TICKET_ID, ticket->id, SNET_A_PAD) ||
	    nla_put_u32(skb, SNET_A_PID, d->pid) ||
	    nla_put_u32(skb, SNET_A_TGID, d->tgid) ||
	    nla_put_u8(skb, SNET_A_SYSCALL, req->syscall) ||
	    nla_put_u8(skb, SNET_A_PROTOCOL, req->protocol) ||
	    nla_put_u8(skb, SNET_A_FAMILY, req->family) ||
	    snet_nl_put_addr(skb, SNET_A_LOCAL_ADDR, req->family,
			     &req->local_addr) ||
	    nla_put_u16(skb, SNET_A_LOCAL_PORT, req->local_port) ||
	    snet_nl_put_addr(skb, SNET_A_REMOTE_ADDR, req->family,
			     &req->remote_addr) ||
	    nla_put_u16(skb, SNET_A_REMOTE_PORT, req->remote_port) ||
	    nla_put_u8(skb, SNET_A_VERDICT, ticket->verdict) ||
	    nla_put_u8(skb, SNET_A_TICKET_LIFE, ticket->life) ||
	    (ticket->life == SNET_TICKET_TIMED &&
	     nla_put_u32(skb, SNET_A_TICKET_EXPIRES_MS,
			 snet_nl_ms_left(ticket->expires)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int snet_nl_put_sock_ticket(struct snet_nl_dump *d,
				   const struct snet_sock_ticket_entry *e)
{
	struct sk_buff *skb = d->skb;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &snet_family, NLM_F_MULTI,
			  SNET_CMD_TICKET_LIST);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SNET_A_TICKET_ID, e->id, SNET_A_PAD) ||
	    nla_put_u64_64bit(skb, SNET_A_SOCK_COOKIE, e->cookie,
			      SNET_A_PAD) ||
	    nla_put_u8(skb, SNET_A_VERDICT, e->verdict) ||
	    nla_put_u32(skb, SNET_A_SYSCALL_MASK, e->syscall_mask) ||
	    nla_put_u8(skb, SNET_A_TICKET_LIFE,
		       e->expires ? SNET_TICKET_TIMED : SNET_TICKET_TASK) ||
	    (e->expires &&
	     nla_put_u32(skb, SNET_A_TICKET_EXPIRES_MS,
			 snet_nl_ms_left(e->expires)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args: [0] phase (0 tasks, 1 sockets, 2 done), [1] next thread id,
 * [2] tickets of that thread already sent, [3] next socket cookie.
 */
static int snet_nl_ticket_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_info *info = genl_info_dump(cb);
	pid_t filter = 0;
	struct snet_nl_dump d = { .skb = skb, .cb = cb };
	struct snet_sock_ticket_entry entry;
	struct task_struct *task;
	struct pid *pid;
	u64 cookie;
	int n;

	if (info->attrs[SNET_A_PID])
		filter = nla_get_u32(info->attrs[SNET_A_PID]);

	while (cb->args[0] == 0) {
		rcu_read_lock();
		pid = find_ge_pid(cb->args[1], &init_pid_ns);
		if (!pid) {
			rcu_read_unlock();
			cb->args[0] = filter ? 2 : 1;
			break;
		}
		cb->args[1] = pid_nr(pid);
		task = pid_task(pid, PIDTYPE_PID);
		n = 0;
		if (task && (!filter || task_tgid_nr(task) == filter)) {
			struct snet_ticket_cache *cache =
				snet_task_tickets(task);

			d.pid = task_pid_nr(task);
			d.tgid = task_tgid_nr(task);
			n = snet_ticket_for_each(cache, cb->args[2],
						 snet_nl_put_task_ticket, &d);
			/* Stopped short: the skb is full, resume here. */
			spin_lock(&cache->lock);
			if (cb->args[2] + n < cache->count) {
				spin_unlock(&cache->lock);
				rcu_read_unlock();
				cb->args[2] += n;
				return skb->len;
			}
			spin_unlock(&cache->lock);
		}
		rcu_read_unlock();
		cb->args[1]++;
		cb->args[2] = 0;
	}

	while (cb->args[0] == 1) {
		cookie = cb->args[3];
		if (snet_sock_ticket_next(&cookie, &entry)) {
			cb->args[0] = 2;
			break;
		}
		if (snet_nl_put_sock_ticket(&d, &entry))
			return skb->len;
		cb->args[3] = cookie + 1;
	}
	return skb->len;
}

static int snet_nl_get_stats(struct sk_buff *skb_in, struct genl_info *info)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;
	int stat;

	skb = snet_nl_new_reply(info, SNET_CMD_GET_STATS, &hdr);
	if (!skb)
		return -ENOMEM;
	nest = nla_nest_start(skb, SNET_A_STATS);
	if (!nest)
		goto nospace;
	for (stat = SNET_STAT_EVENTS; stat <= SNET_STAT_MAX; stat++)
		if (nla_put_u64_64bit(skb, stat, snet_stat_read(stat),
				      SNET_STAT_PAD))
			goto nospace;
	nla_nest_end(skb, nest);
	return snet_nl_send_reply(skb, hdr, info);
nospace:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

static int snet_nl_sock_get(struct sk_buff *skb_in, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct snet_sock_info si;
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (!attrs[SNET_A_SOCK_COOKIE] && !attrs[SNET_A_LABEL]) {
		NL_SET_ERR_MSG(info->extack,
			       "SNET_A_SOCK_COOKIE or SNET_A_LABEL is required");
		return -EINVAL;
	}
	err = snet_sock_info(attrs[SNET_A_SOCK_COOKIE] ?
			     nla_get_u64(attrs[SNET_A_SOCK_COOKIE]) : 0,
			     attrs[SNET_A_LABEL] ?
			     nla_get_u32(attrs[SNET_A_LABEL]) : 0, &si);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "no open socket snet knows");
		return err;
	}
	skb = snet_nl_new_reply(info, SNET_CMD_SOCK_GET, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put_u64_64bit(skb, SNET_A_SOCK_COOKIE, si.cookie, SNET_A_PAD) ||
	    (si.label && nla_put_u32(skb, SNET_A_LABEL, si.label)) ||
	    nla_put_u32(skb, SNET_A_TGID, si.tgid) ||
	    nla_put_u32(skb, SNET_A_UID, si.uid) ||
	    nla_put_string(skb, SNET_A_COMM, si.comm) ||
	    nla_put_u8(skb, SNET_A_FAMILY, si.family) ||
	    nla_put_u8(skb, SNET_A_PROTOCOL, si.protocol)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	return snet_nl_send_reply(skb, hdr, info);
}

static int snet_nl_put_pending(const struct snet_pending *pending, void *arg)
{
	struct snet_nl_dump *d = arg;
	struct sk_buff *skb = d->skb;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &snet_family, NLM_F_MULTI,
			  SNET_CMD_PENDING_LIST);
	if (!hdr)
		return -EMSGSIZE;
	if (snet_nl_put_call(skb, pending->call, pending->id) ||
	    nla_put_u32(skb, SNET_A_TIMEOUT_LEFT_MS,
			snet_nl_ms_left(pending->deadline))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: the sequence number of the next waiting call to report. */
static int snet_nl_pending_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct snet_nl_dump d = { .skb = skb, .cb = cb };
	u64 stopped;

	if (cb->args[1])
		return 0;
	if (snet_verdict_for_each(&snet_verdicts, cb->args[0],
				  snet_nl_put_pending, &d, &stopped)) {
		cb->args[0] = stopped;
		return skb->len;
	}
	cb->args[1] = 1;
	return skb->len;
}

static const struct genl_ops snet_nl_ops[] = {
	{
		.cmd = SNET_CMD_GET_CONFIG,
		.doit = snet_nl_get_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_SET_CONFIG,
		.doit = snet_nl_set_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_REGISTER,
		.doit = snet_nl_register,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_UNREGISTER,
		.doit = snet_nl_unregister,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_EVENT_INSERT,
		.doit = snet_nl_event_insert,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_EVENT_REMOVE,
		.doit = snet_nl_event_remove,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_EVENT_LIST,
		.dumpit = snet_nl_event_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_EVENT_FLUSH,
		.doit = snet_nl_event_flush,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_VERDICT,
		.doit = snet_nl_verdict,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_TICKET_SET,
		.doit = snet_nl_ticket_set,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_TICKET_REVOKE,
		.doit = snet_nl_ticket_revoke,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_TICKET_LIST,
		.dumpit = snet_nl_ticket_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_GET_STATS,
		.doit = snet_nl_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_SOCK_GET,
		.doit = snet_nl_sock_get,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SNET_CMD_PENDING_LIST,
		.dumpit = snet_nl_pending_dump,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group snet_nl_mcgrps[] = {
	[SNET_MCGRP_EVENTS] = {
		.name = SNET_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family snet_family __ro_after_init = {
	.name = SNET_GENL_NAME,
	.version = SNET_GENL_VERSION,
	.maxattr = SNET_A_MAX,
	.policy = snet_nl_policy,
	.module = THIS_MODULE,
	/* Every handler takes the lock of what it touches: the daemon's
	 * deciding threads answer in parallel, not behind genl_mutex.
	 */
	.parallel_ops = true,
	.ops = snet_nl_ops,
	.n_ops = ARRAY_SIZE(snet_nl_ops),
	.mcgrps = snet_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(snet_nl_mcgrps),
};

int __init snet_netlink_init(void)
{
	int err;

	err = genl_register_family(&snet_family);
	if (err)
		return err;
	err = netlink_register_notifier(&snet_nl_notifier);
	if (err)
		genl_unregister_family(&snet_family);
	return err;
}

#ifdef CONFIG_SECURITY_SNET_KUNIT_TEST

/* Parses @len bytes of attributes the way genetlink does for our ops. */
static int test_parse(struct kunit *const test, const void *buf, int len)
{
	struct nlattr **tb;

	tb = kunit_kcalloc(test, SNET_A_MAX + 1, sizeof(*tb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb);
	return __nla_parse(tb, SNET_A_MAX, buf, len, snet_nl_policy,
			   NL_VALIDATE_STRICT, NULL);
}

/* Builds one attribute of @type carrying @len bytes of @data. */
static int test_attr(u8 *buf, int type, const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)buf;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	return nla_total_size(len);
}

static void test_nl_valid(struct kunit *const test)
{
	u8 buf[128];
	u8 syscall = SNET_SYSCALL_CONNECT, proto = IPPROTO_TCP;
	u8 verdict = SNET_VERDICT_DENY, family = AF_INET6;
	u8 addr[16] = { 0xfe, 0x80 };
	u32 mask = 0xffff0000, id = 7;
	int len = 0;

	len += test_attr(buf + len, SNET_A_SYSCALL, &syscall, 1);
	len += test_attr(buf + len, SNET_A_PROTOCOL, &proto, 1);
	len += test_attr(buf + len, SNET_A_VERDICT, &verdict, 1);
	len += test_attr(buf + len, SNET_A_FAMILY, &family, 1);
	len += test_attr(buf + len, SNET_A_REMOTE_ADDR, addr, 16);
	len += test_attr(buf + len, SNET_A_LOCAL_ADDR, addr, 4);
	len += test_attr(buf + len, SNET_A_LABEL_MASK, &mask, 4);
	len += test_attr(buf + len, SNET_A_VERDICT_ID, &id, 4);
	KUNIT_EXPECT_EQ(test, 0, test_parse(test, buf, len));
}

static void test_nl_malformed(struct kunit *const test)
{
	u8 buf[64] = { 0 };
	u64 big = 1;
	u8 addr[20] = { 0 };
	u32 mask = 0xff00ff00, zero = 0;
	u8 bad_family = AF_UNIX, bad_verdict = SNET_VERDICT_NONE;
	u8 bad_syscall = __SNET_SYSCALL_MAX, life = __SNET_TICKET_MAX;
	char exe[] = "/bin/sh";

	/* A u32 sent as 8 bytes: oversized. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_TIMEOUT_MS, &big, 8)));
	/* A u8 sent as 8 bytes. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_VERDICT, &big, 8)));
	/* Addresses are 4 or 16 bytes, nothing else. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_REMOTE_ADDR, addr, 20)));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_LOCAL_ADDR, addr, 5)));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_LOCAL_ADDR, addr, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_FAMILY, &bad_family, 1)));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_LABEL_MASK, &mask, 4)));
	/* What only the kernel reports cannot be sent. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_EXE, exe, sizeof(exe))));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_DAEMON_PID, &zero, 4)));
	/* Unknown attribute types are refused in strict mode. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_MAX + 1, &zero, 4)));
	/* Out-of-range values. */
	KUNIT_EXPECT_EQ(test, -ERANGE, test_parse(test, buf,
						  test_attr(buf, SNET_A_VERDICT, &bad_verdict, 1)));
	KUNIT_EXPECT_EQ(test, -ERANGE, test_parse(test, buf,
						  test_attr(buf, SNET_A_SYSCALL, &bad_syscall, 1)));
	KUNIT_EXPECT_EQ(test, -ERANGE, test_parse(test, buf,
						  test_attr(buf, SNET_A_TICKET_LIFE, &life, 1)));
	KUNIT_EXPECT_EQ(test, -ERANGE, test_parse(test, buf,
						  test_attr(buf, SNET_A_TIMEOUT_MS, &zero, 4)));
	KUNIT_EXPECT_EQ(test, -ERANGE, test_parse(test, buf,
						  test_attr(buf, SNET_A_VERDICT_ID, &zero, 4)));
	/* A truncated attribute header. */
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf, 2));
}

static void test_nl_syscall_mask(struct kunit *const test)
{
	u8 buf[16] = { 0 };
	u32 good = BIT(SNET_SYSCALL_SENDMSG) | BIT(SNET_SYSCALL_CONNECT);
	u32 bad = BIT(SNET_SYSCALL_MAX + 1);

	KUNIT_EXPECT_EQ(test, 0, test_parse(test, buf,
					    test_attr(buf, SNET_A_SYSCALL_MASK, &good, 4)));
	KUNIT_EXPECT_EQ(test, -EINVAL, test_parse(test, buf,
						  test_attr(buf, SNET_A_SYSCALL_MASK, &bad, 4)));
}

static struct kunit_case snet_netlink_test_cases[] = {
	KUNIT_CASE(test_nl_valid),
	KUNIT_CASE(test_nl_malformed),
	KUNIT_CASE(test_nl_syscall_mask),
	{}
};

static struct kunit_suite snet_netlink_test_suite = {
	.name = "snet_netlink",
	.test_cases = snet_netlink_test_cases,
};

kunit_test_suite(snet_netlink_test_suite);

#endif /* CONFIG_SECURITY_SNET_KUNIT_TEST */
