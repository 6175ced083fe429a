/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 and IPv6 fragment reassembly of one worker (defrag.c), as
 * Suricata's defrag does it, with its "first" overlap policy: bytes
 * already held win, a later fragment only fills gaps.  A datagram is kept
 * by (family, source, destination, IP protocol, identification) until its
 * last fragment has come and every byte before it, then handed back whole
 * for the normal per-packet path.  Limits (each counted in the worker's
 * stats, never silent): defrag-memcap for all the data held, defrag-timeout
 * from a datagram's first fragment, DEFRAG_MAX_LEN bytes and
 * DEFRAG_MAX_FRAGS fragments per datagram.
 */
#ifndef SNET_INSPECT_DEFRAG_H
#define SNET_INSPECT_DEFRAG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define DEFRAG_MAX_LEN 65535	/* IPv4 total length, IPv6 payload length */
#define DEFRAG_MAX_FRAGS 256	/* fragments of one datagram taken in */
#define DEFRAG_BUCKETS 4096	/* hash chains of the datagrams held */

struct defrag_ctx;
struct defrag {
	struct defrag_ctx **ht;	/* DEFRAG_BUCKETS chains, from the first fragment on */
	struct defrag_ctx *oldest, *newest;	/* in order of their first fragment */
	uint64_t mem;		/* bytes held: contexts, headers, fragment data */
	uint64_t seed;		/* of the hash: chains an outsider cannot aim at */
	uint8_t *out;		/* the datagram made whole last (not in mem) */
};

/*
 * Take fragment p (p->is_frag) seen at time now (microseconds).  Returns
 * 1 when it completes its datagram: *dg, *dglen are the whole datagram,
 * valid until the next call.  Returns 0 when it is held, or not taken:
 * then it is counted in st and *why says why (NULL: held, or its datagram
 * was dropped from reassembly before).
 */
int defrag_add(struct defrag *d, const struct packet *p, uint64_t now, uint64_t memcap,
	       uint32_t timeout, struct snet_inspect_stats *st, const uint8_t **dg,
	       size_t *dglen, const char **why);
/* Give up the datagrams whose first fragment is older than timeout
 * seconds at now (all of them if all), counted in defrag_timeouts. */
void defrag_expire(struct defrag *d, uint64_t now, uint32_t timeout, bool all,
		   struct snet_inspect_stats *st);
void defrag_free(struct defrag *d);
#endif
