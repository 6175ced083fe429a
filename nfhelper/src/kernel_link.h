/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snetd's link to the snet LSM, through libsnet: one netlink socket
 * subscribed to events (read by the main loop), one that registered the
 * daemon and sends its commands, one for the control thread, and one per
 * answering thread (opened through kernel_link_verdict_ops()).
 */
#ifndef SNETD_KERNEL_LINK_H
#define SNETD_KERNEL_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "ctl_server.h"
#include "pipeline.h"
#include "snet_nl.h"

struct kernel_link;

/*
 * Open, subscribe, register as the deciding daemon, set the kernel's
 * default, timeout and ticket limit, and install the configured events
 * (replacing whatever was installed).  The events socket is blocking: read
 * it when poll() says it is readable.
 */
int kernel_link_open(const struct snetd_config *cfg, struct kernel_link **out,
		     char *err, size_t errlen);
/* Whether this kernel has the snet LSM's netlink family. */
bool kernel_link_available(void);
/* Unregister (the kernel then applies its default) and close. */
void kernel_link_close(struct kernel_link *kl);

int kernel_link_events_fd(const struct kernel_link *kl);
/* Read the next event; -ENOBUFS when some were lost. */
int kernel_link_read(struct kernel_link *kl,
		     int (*cb)(const struct snet_event *ev, void *arg), void *arg);
/* The calls waiting now (to catch up after -ENOBUFS). */
int kernel_link_pending(struct kernel_link *kl,
			int (*cb)(const struct snet_event *ev, void *arg),
			void *arg);

struct verdict_ops kernel_link_verdict_ops(struct kernel_link *kl);
/* For the control thread only. */
const struct ctl_kernel_ops *kernel_link_ctl_ops(struct kernel_link *kl);

#endif /* SNETD_KERNEL_LINK_H */
