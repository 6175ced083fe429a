/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - labelling each socket's packets
 *
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_LABEL_H
#define _SECURITY_SNET_LABEL_H

#include <linux/netfilter_ipv4.h>

/*
 * Before anything else on the output path: conntrack (-200), nftables
 * chains at raw (-300) and later, and iptables' mangle, all see the label.
 */
#define SNET_LABEL_PRIORITY	(NF_IP_PRI_RAW_BEFORE_DEFRAG - 50)

int snet_label_switch(bool on);

#endif /* _SECURITY_SNET_LABEL_H */
