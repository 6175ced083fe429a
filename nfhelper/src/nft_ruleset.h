/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snetd's table inet snet in the kernel, through libnftnl: installed in
 * one atomic transaction (which also replaces a table a killed snetd left
 * behind), deleted on exit, and its queue counters read back.  Only this
 * table is ever touched.
 */
#ifndef SNETD_NFT_RULESET_H
#define SNETD_NFT_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include "nft_plan.h"

int nft_ruleset_install(const struct nft_plan *p, char *err, size_t errlen);
/* 0, or -ENOENT when there is no such table. */
int nft_ruleset_remove(char *err, size_t errlen);

/* What the queue rules' counters say: packets and bytes sent to NFQUEUE. */
struct nft_queue_counters {
	uint64_t packets, bytes;
};
int nft_ruleset_counters(struct nft_queue_counters *c);

#endif /* SNETD_NFT_RULESET_H */
