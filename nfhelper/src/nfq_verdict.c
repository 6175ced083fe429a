// SPDX-License-Identifier: GPL-2.0-or-later
/* Inspector verdict -> NFQUEUE verdict, mark, conntrack mark, ticket. */
#include "nfq_verdict.h"

#include <string.h>
#include <linux/netfilter.h>
#include <snet/inspect.h>

void nfq_verdict_plan(int action, uint32_t mark, uint32_t reject_mark,
		      uint32_t pass_ctmark, struct nfq_verdict_plan *out)
{
	memset(out, 0, sizeof(*out));
	switch (action) {
	case SNET_INSPECT_ACCEPT:
		out->verdict = NF_ACCEPT;
		out->batch = true;
		break;
	case SNET_INSPECT_PASS:
		out->verdict = NF_ACCEPT;
		out->ctmark_bits = pass_ctmark;
		break;
	case SNET_INSPECT_REJECT:
		out->verdict = NF_REPEAT;
		out->set_mark = true;
		out->mark = mark | reject_mark;
		out->deny_socket = true;
		break;
	case SNET_INSPECT_DROP:
	default:
		out->verdict = NF_DROP;
		out->deny_socket = true;
		break;
	}
}
