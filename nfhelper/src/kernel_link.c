// SPDX-License-Identifier: GPL-2.0-or-later
/* snetd's use of libsnet: setup, events, verdicts, control commands. */
#include "kernel_link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "log.h"
#include "names.h"

struct kernel_link {
	struct snet_nl *events;	/* subscribed; main loop */
	struct snet_nl *cmd;	/* registered the daemon; main thread */
	struct snet_nl *ctl;	/* the control thread's */
	struct ctl_kernel_ops ctl_ops;
	bool registered;
	bool labels_set;	/* we turned the kernel's labels on */
};

static int verdict_open(void *ctx, void **sender)
{
	struct snet_nl *nl;
	int rc;

	(void)ctx;
	rc = snet_nl_open(&nl);
	if (rc)
		return rc;
	*sender = nl;
	return 0;
}

static void verdict_close(void *ctx, void *sender)
{
	(void)ctx;
	snet_nl_close(sender);
}

static int verdict_send(void *sender, uint32_t id, const struct decision *d)
{
	return snet_nl_verdict(sender, id, d->verdict, d->life, d->seconds);
}

static int ctl_config(void *ctx, struct snet_config *cfg)
{
	struct kernel_link *kl = ctx;

	return snet_nl_config_get(kl->ctl, cfg);
}

static int ctl_stats(void *ctx, uint64_t stats[SNET_STAT_MAX + 1])
{
	struct kernel_link *kl = ctx;

	return snet_nl_stats(kl->ctl, stats);
}

static int ctl_ticket_list(void *ctx, uint32_t pid,
			   int (*cb)(const struct snet_ticket *t, void *arg),
			   void *arg)
{
	struct kernel_link *kl = ctx;

	return snet_nl_ticket_list(kl->ctl, pid, cb, arg);
}

static int ctl_ticket_revoke(void *ctx, uint64_t id, uint32_t pid,
			     uint64_t cookie)
{
	struct kernel_link *kl = ctx;

	return snet_nl_ticket_revoke(kl->ctl, id, pid, cookie);
}

/*
 * Without NETLINK_BROADCAST_ERROR a multicast that overflows our full
 * event socket looks to the kernel like one that no one listens to
 * (-ESRCH), and snet applies its default at once.  With it the kernel sees
 * -ENOBUFS and keeps the call waiting: we learn of the loss and answer it
 * from the pending list.
 */
static int report_overflow(struct snet_nl *nl)
{
	int one = 1;

	if (setsockopt(snet_nl_fd(nl), SOL_NETLINK, NETLINK_BROADCAST_ERROR,
		       &one, sizeof(one)))
		return -errno;
	return 0;
}

void kernel_link_close(struct kernel_link *kl)
{
	int rc;

	if (!kl)
		return;
	if (kl->labels_set) {
		/* Our table is gone: no one reads labels; the kernel's label
		 * hook need not see every packet. */
		struct snet_config off = { .label_mask = 0 };

		rc = snet_nl_config_set(kl->cmd, &off, SNET_CFG_LABEL_MASK);
		if (rc)
			log_msg(LOG_WARNING, "turning packet labels off: %s",
				strerror(-rc));
	}
	if (kl->registered) {
		rc = snet_nl_unregister(kl->cmd);
		if (rc)
			log_msg(LOG_ERR, "unregister: %s (closing the socket releases the waiting calls anyway)",
				strerror(-rc));
		else
			log_msg(LOG_INFO, "unregistered; the kernel's default applies");
	}
	if (kl->events)
		snet_nl_close(kl->events);
	if (kl->cmd)
		snet_nl_close(kl->cmd);
	if (kl->ctl)
		snet_nl_close(kl->ctl);
	free(kl);
}

int kernel_link_open(const struct snetd_config *cfg, struct kernel_link **out,
		     char *err, size_t errlen)
{
	struct snet_config kc = {
		.default_verdict = cfg->kernel_default,
		.timeout_ms = cfg->timeout_ms,
		.ticket_max = cfg->ticket_max,
	};
	unsigned int fields = SNET_CFG_DEFAULT_VERDICT | SNET_CFG_TIMEOUT;
	struct kernel_link *kl;
	const char *step;
	int rc;

	kl = calloc(1, sizeof(*kl));
	if (!kl)
		return -ENOMEM;
	step = "open the SNET netlink family (is the snet LSM in this kernel?)";
	rc = snet_nl_open(&kl->events);
	if (rc)
		goto fail;
	rc = snet_nl_open(&kl->cmd);
	if (rc)
		goto fail;
	rc = snet_nl_open(&kl->ctl);
	if (rc)
		goto fail;
	step = "grow the event socket's receive buffer";
	rc = snet_nl_set_rcvbuf(kl->events, (int)cfg->rcvbuf);
	if (rc)
		goto fail;
	step = "join the events group";
	rc = snet_nl_subscribe(kl->events);
	if (rc)
		goto fail;
	step = "keep the calls whose events overflow the socket waiting";
	rc = report_overflow(kl->events);
	if (rc)
		goto fail;
	step = "register as the deciding daemon";
	rc = snet_nl_register(kl->cmd);
	if (rc)
		goto fail;
	kl->registered = true;
	step = "set the kernel's configuration";
	if (cfg->ticket_max)
		fields |= SNET_CFG_TICKET_MAX;
	/* Inspection learns each packet's socket from its label. */
	if (cfg->nfq.enabled) {
		kc.label_mask = cfg->nfq.label_mask;
		fields |= SNET_CFG_LABEL_MASK;
	}
	rc = snet_nl_config_set(kl->cmd, &kc, fields);
	if (rc)
		goto fail;
	kl->labels_set = cfg->nfq.enabled && cfg->nfq.label_mask;
	step = "flush the installed events";
	rc = snet_nl_event_flush(kl->cmd);
	if (rc)
		goto fail;
	for (unsigned int i = 0; i < cfg->n_events; i++) {
		const struct config_event *e = &cfg->events[i];

		rc = snet_nl_event_insert(kl->cmd, e->syscall, e->protocol);
		if (rc) {
			const char *p = name_of_protocol(e->protocol);

			snprintf(err, errlen, "cannot install event %s:%s (protocol %u): %s",
				 name_of_syscall(e->syscall), p ? p : "?",
				 e->protocol, strerror(-rc));
			kernel_link_close(kl);
			return rc;
		}
	}
	/*
	 * Non-blocking, the event socket is read with recvmmsg(): a lone
	 * event (the usual case) costs one call, as a blocking read would,
	 * and a burst is read eight at a time.
	 */
	step = "make the event socket non-blocking";
	rc = snet_nl_set_nonblocking(kl->events, true);
	if (rc)
		goto fail;
	kl->ctl_ops = (struct ctl_kernel_ops){
		.ctx = kl, .config = ctl_config, .stats = ctl_stats,
		.ticket_list = ctl_ticket_list, .ticket_revoke = ctl_ticket_revoke,
	};
	*out = kl;
	return 0;
fail:
	snprintf(err, errlen, "cannot %s: %s", step, strerror(-rc));
	kernel_link_close(kl);
	return rc;
}

bool kernel_link_available(void)
{
	struct snet_nl *nl;

	if (snet_nl_open(&nl))
		return false;
	snet_nl_close(nl);
	return true;
}

int kernel_link_events_fd(const struct kernel_link *kl)
{
	return snet_nl_fd(kl->events);
}

int kernel_link_read(struct kernel_link *kl,
		     int (*cb)(const struct snet_event *ev, void *arg), void *arg)
{
	return snet_nl_recv_events(kl->events, cb, arg);
}

int kernel_link_pending(struct kernel_link *kl,
			int (*cb)(const struct snet_event *ev, void *arg),
			void *arg)
{
	return snet_nl_pending_list(kl->cmd, cb, arg);
}

struct verdict_ops kernel_link_verdict_ops(struct kernel_link *kl)
{
	return (struct verdict_ops){
		.ctx = kl, .open = verdict_open, .close = verdict_close,
		.send = verdict_send,
	};
}

const struct ctl_kernel_ops *kernel_link_ctl_ops(struct kernel_link *kl)
{
	return &kl->ctl_ops;
}
