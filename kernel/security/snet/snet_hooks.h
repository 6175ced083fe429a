/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - the LSM hooks
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_HOOKS_H
#define _SECURITY_SNET_HOOKS_H

#include <linux/init.h>
#include <linux/lsm_hooks.h>

void __init snet_add_hooks(const struct lsm_id *lsmid);

#endif /* _SECURITY_SNET_HOOKS_H */
