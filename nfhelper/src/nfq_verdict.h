/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From the inspector's verdict on a packet to what snetd tells NFQUEUE and
 * the LSM:
 *   accept -> NF_ACCEPT, answered in a batch with its neighbours;
 *   drop   -> NF_DROP, and a deny ticket on the sending socket;
 *   reject -> NF_REPEAT with reject_mark added to the packet mark: the
 *             chain runs again and its first rules answer the marked
 *             packet with "reject with tcp reset" (or an ICMP port
 *             unreachable), which drops it; and the deny ticket;
 *   pass   -> NF_ACCEPT with pass_ctmark set on the connection: the
 *             chain accepts the rest of the flow before queueing it.
 */
#ifndef SNETD_NFQ_VERDICT_H
#define SNETD_NFQ_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

struct nfq_verdict_plan {
	uint32_t verdict;	/* NF_ACCEPT, NF_DROP, NF_REPEAT */
	bool batch;		/* a plain accept: may share a batch verdict */
	bool set_mark;
	uint32_t mark;
	uint32_t ctmark_bits;	/* conntrack mark bits to set */
	bool deny_socket;	/* set a deny ticket on the sender */
};

/*
 * @action: enum snet_inspect_action.  @mark: the packet's mark.
 * Unknown actions are dropped (the inspector has only four).
 */
void nfq_verdict_plan(int action, uint32_t mark, uint32_t reject_mark,
		      uint32_t pass_ctmark, struct nfq_verdict_plan *out);

#endif /* SNETD_NFQ_VERDICT_H */
