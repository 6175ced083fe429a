// SPDX-License-Identifier: GPL-2.0
/*
 * snet - Security for NETwork syscalls: set-up
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/lsm_hooks.h>
#include <linux/mutex.h>
#include <uapi/linux/lsm.h>

#include "snet_core.h"
#include "snet_event.h"
#include "snet_fs.h"
#include "snet_hooks.h"
#include "snet_netlink.h"
#include "snet_sock.h"
#include "snet_ticket.h"

bool snet_initialized __ro_after_init;

struct lsm_blob_sizes snet_blob_sizes __ro_after_init = {
	.lbs_task = sizeof(struct snet_ticket_cache),
	.lbs_sock = sizeof(struct snet_sock_blob),
};

static const struct lsm_id snet_lsmid = {
	.name = SNET_NAME,
	.id = LSM_ID_SNET,
};

struct snet_config snet_config = {
	.default_verdict = IS_ENABLED(CONFIG_SECURITY_SNET_DEFAULT_DENY) ?
			   SNET_VERDICT_DENY : SNET_VERDICT_ALLOW,
	.timeout_ms = CONFIG_SECURITY_SNET_TIMEOUT_MS,
	.ticket_life = SNET_TICKET_ONCE,
	.ticket_seconds = 60,
	.ticket_max = 64,
	.label_mask = 0,
};

/* Serialises writers of snet_config; readers take no lock. */
DEFINE_MUTEX(snet_config_lock);

DEFINE_STATIC_KEY_FALSE(snet_active);

/* Serialises the static key's updates so they follow the latest state. */
static DEFINE_MUTEX(snet_active_lock);

/* Turns the hooks on while anything can make them act; process context. */
void snet_active_update(void)
{
	bool on;

	mutex_lock(&snet_active_lock);
	on = snet_event_count(&snet_events) ||
	     READ_ONCE(snet_config.label_mask) ||
	     snet_sock_tickets_live();
	if (on)
		static_branch_enable(&snet_active);
	else
		static_branch_disable(&snet_active);
	mutex_unlock(&snet_active_lock);
}

static int __init snet_init(void)
{
	/* init_task got its blob before any task_alloc hook could run. */
	snet_ticket_cache_init(snet_task_tickets(current));
	snet_add_hooks(&snet_lsmid);
	snet_initialized = true;
	pr_info("snet: Security for NETwork syscalls initialized\n");
	return 0;
}

/* What needs the network and filesystems up: after the LSM init. */
static int __init snet_late_init(void)
{
	int err;

	if (!snet_initialized)
		return 0;
	err = snet_netlink_init();
	if (err) {
		pr_err("snet: generic netlink family: error %d\n", err);
		return err;
	}
	err = snet_fs_init();
	if (err)
		pr_err("snet: securityfs entries: error %d\n", err);
	return 0;
}

device_initcall(snet_late_init);

DEFINE_LSM(snet) = {
	.name = SNET_NAME,
	.init = snet_init,
	.blobs = &snet_blob_sizes,
};
