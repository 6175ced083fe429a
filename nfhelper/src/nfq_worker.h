/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One inspection worker: a thread that owns one NFQUEUE queue, its own
 * inspector worker (Hyperscan scratch, flow table), its own socket cache
 * and libsnet handle.  Since nft spreads flows over the queues by a hash of
 * their addresses, a flow stays on one worker.
 *
 * Per packet: parse the NFQUEUE message, find the socket from the mark's
 * label, scan, answer (nfq_verdict.h), and deny the socket on a drop or a
 * reject.  Per burst (recvmmsg): plain accepts share one batch verdict,
 * sent after the packets' own verdicts in a single sendmsg().
 */
#ifndef SNETD_NFQ_WORKER_H
#define SNETD_NFQ_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <snet/inspect.h>

#include "config.h"
#include "sockattr.h"

struct inspect_engine;
struct sock_table;
struct nfq_worker;

struct nfq_worker_params {
	uint16_t queue;
	uint16_t segment_queue;		/* with [nfqueue] gso */
	const struct nfq_settings *cfg;	/* outlives the worker */
	struct inspect_engine *engine;
	struct sock_table *sockets;	/* NULL: none */
	bool lsm;			/* the snet LSM is there */
};

struct nfq_worker_stats {
	uint16_t queue;
	uint64_t packets, bytes;	/* received from the queue */
	uint64_t accepted, dropped, rejected, passed;
	uint64_t alerts;
	uint64_t lost;			/* gaps in the packet ids */
	uint64_t truncated;		/* longer than the copy range */
	uint64_t gso_requeued;		/* GSO packets sent to be segmented */
	uint64_t segments;		/* packets of the segment queue */
	uint64_t resets_released;	/* bare RSTs of dropped flows */
	uint64_t verdict_errors;	/* the kernel refused a verdict */
	uint64_t send_errors, recv_errors;
	uint64_t tickets, ticket_errors;
	uint64_t attributed;		/* packets whose process was known */
	uint64_t bursts;
	unsigned int generation;	/* rule set generation in use */
	struct snet_inspect_stats inspect;
	struct sockattr_stats attr;
};

/* Bind the queue and start the thread. */
int nfq_worker_start(const struct nfq_worker_params *p, struct nfq_worker **out,
		     char *err, size_t errlen);
/*
 * Stop: answer what is still queued (for at most @drain_ms), then end the
 * thread and unbind.  Call it after the nft table is gone, so that nothing
 * new arrives.
 */
void nfq_worker_stop(struct nfq_worker *w, int drain_ms);
/* A copy of the counters, as of the worker's last burst. */
void nfq_worker_stats(struct nfq_worker *w, struct nfq_worker_stats *st);
/* Make the worker look at the rule set now (after a reload). */
void nfq_worker_kick(struct nfq_worker *w);

#endif /* SNETD_NFQ_WORKER_H */
