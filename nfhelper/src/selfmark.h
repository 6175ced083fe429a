/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet mark snetd puts on its own sockets (SO_MARK), so that its
 * nft table never queues snetd's own traffic to snetd.  Set once at start,
 * before any thread exists; read-only afterwards.
 */
#ifndef SNETD_SELFMARK_H
#define SNETD_SELFMARK_H

#include <stdint.h>

/* 0: mark nothing (inspection off). */
void self_mark_set(uint32_t mark);
/* Mark socket @fd; 0, or a negative errno (SO_MARK needs CAP_NET_ADMIN). */
int self_mark_apply(int fd);

#endif /* SNETD_SELFMARK_H */
