/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which socket sent a queued packet.  The snet LSM writes the socket's
 * label into the packet mark; a label is turned into the socket's owner
 * by snetd's socket table (checked against the packet's addresses, since
 * labels are recycled), else by asking the kernel (SNET_CMD_SOCK_GET).
 * The answer is cached per flow, so both directions of a connection find
 * it and the lookup happens once per flow.  One per inspection worker:
 * not thread-safe.
 */
#ifndef SNETD_SOCKATTR_H
#define SNETD_SOCKATTR_H

#include <stdbool.h>
#include <stdint.h>

#include "pkttuple.h"

struct sock_table;
struct snet_nl;

struct sock_owner {
	bool known;		/* pid..exe below are valid */
	bool has_cookie;
	uint64_t cookie;
	uint32_t label;
	uint32_t pid, tgid, uid, gid;
	char comm[17];
	const char *exe;	/* NULL if unknown; valid until the next lookup */
	bool ticketed;		/* a deny ticket was set (by the caller) */
	const char *source;	/* "table", "kernel" */
};

struct sockattr_stats {
	uint64_t cache_hits, table_hits, kernel_hits, misses;
};

struct sockattr;

/*
 * @table: snetd's socket table (may be NULL); @nl: this thread's libsnet
 * handle for SOCK_GET (NULL without the LSM); @slots: cache size (a power
 * of two).
 */
int sockattr_new(struct sock_table *table, struct snet_nl *nl,
		 unsigned int slots, struct sockattr **out);
void sockattr_free(struct sockattr *sa);

/*
 * The owner of the packet's flow at @now_ms.  @label is the label from the
 * packet's mark (0: none, e.g. an incoming packet); @outgoing says the
 * packet's source is the local socket.  @gid_hint is the socket's gid as
 * NFQUEUE reported it (-1: none).  Never fails: returns an entry with
 * known == false when nobody is found.  The entry stays valid (and its
 * ticketed flag may be set) until the next call.
 */
struct sock_owner *sockattr_lookup(struct sockattr *sa,
				   const struct pkt_tuple *t, uint32_t label,
				   bool outgoing, int64_t gid_hint,
				   uint64_t now_ms);

void sockattr_stats(const struct sockattr *sa, struct sockattr_stats *st);

#endif /* SNETD_SOCKATTR_H */
