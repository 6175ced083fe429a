/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of sockets snetd has heard of, by socket cookie: who owns each
 * (pid, tgid, uid, gid, comm, exe) and its addresses, from the kernel's
 * events.  The main loop writes it; snetctl and the inspection workers read
 * it (an rwlock).  Bounded: when full, the entry heard of longest ago goes.
 */
#ifndef SNETD_SOCKTABLE_H
#define SNETD_SOCKTABLE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet_nl.h"

struct sock_table;

/* What the table keeps of a socket, but its executable's path. */
struct sock_entry {
	uint64_t cookie;
	uint32_t label;
	uint32_t netns;
	uint32_t pid, tgid, uid, gid;
	char comm[17];
	uint8_t family, protocol;
	uint16_t sock_type;
	bool has_local, has_remote;
	uint8_t local_addr[16], remote_addr[16];
	uint16_t local_port, remote_port;
	uint8_t last_syscall;
	uint64_t first_seen_ms, last_seen_ms;	/* CLOCK_MONOTONIC */
};

/* A copy of an entry, with the path (kept apart in the table: most
 * sockets' paths are short). */
struct sock_info {
	struct sock_entry sock;
	char exe[PATH_MAX];		/* "" if unknown */
};

int sock_table_new(size_t max_entries, struct sock_table **out);
void sock_table_free(struct sock_table *t);

/*
 * Learn from @ev (at monotonic time @now_ms): add or refresh the socket's
 * entry; a close event removes it.  Events without a cookie are ignored.
 * Returns 0 or -ENOMEM.
 */
int sock_table_update(struct sock_table *t, const struct snet_event *ev,
		      uint64_t now_ms);

/* Copy the entry for @cookie (or, by_label, for @label) into @out. */
bool sock_table_lookup(struct sock_table *t, uint64_t cookie,
		       struct sock_info *out);
bool sock_table_lookup_label(struct sock_table *t, uint32_t label,
			     struct sock_info *out);

size_t sock_table_count(struct sock_table *t);
uint64_t sock_table_evictions(struct sock_table *t);

/*
 * Call @cb for each entry, oldest first, under the read lock (the callback
 * must not call back into the table).  Stops when @cb returns non-zero and
 * returns that value.
 */
int sock_table_foreach(struct sock_table *t,
		       int (*cb)(const struct sock_info *s, void *arg), void *arg);

#endif /* SNETD_SOCKTABLE_H */
