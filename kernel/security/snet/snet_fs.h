/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - securityfs: state and counters under /sys/kernel/security/snet/
 *
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_FS_H
#define _SECURITY_SNET_FS_H

#include <linux/init.h>

int __init snet_fs_init(void);

#endif /* _SECURITY_SNET_FS_H */
