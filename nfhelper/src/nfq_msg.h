/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NFQUEUE netlink messages, built and parsed with libmnl and the message
 * helpers of libnetfilter_queue (not its legacy nfq_open handle API):
 * the packet messages the kernel sends, the configuration and verdict
 * messages snetd sends.  No sockets here, so that it can be tested and
 * fuzzed alone.
 */
#ifndef SNETD_NFQ_MSG_H
#define SNETD_NFQ_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* One queued packet, pointing into the receive buffer. */
struct nfq_pkt {
	uint16_t queue;		/* res_id of the message */
	uint32_t id;		/* the kernel's packet id */
	uint16_t hw_protocol;	/* ETH_P_IP or ETH_P_IPV6 (host order) */
	uint8_t hook;		/* NF_INET_LOCAL_OUT, NF_INET_LOCAL_IN... */
	bool has_mark;
	uint32_t mark;
	uint32_t indev, outdev;	/* ifindex, 0 if none */
	bool has_uid, has_gid;	/* the sending socket's owner */
	uint32_t uid, gid;
	uint32_t skb_info;	/* NFQA_SKB_* */
	bool has_ct;		/* conntrack attached (NFQA_CT) */
	const uint8_t *payload;	/* from the network header */
	size_t len;		/* bytes captured */
	uint32_t orig_len;	/* the packet's length (>= len) */
};

/*
 * What the receive buffer held, message by message: a packet (0), an
 * error or acknowledgement of an earlier request (NFQ_MSG_ERROR with the
 * error in *err; 0 is an ack), or something else (NFQ_MSG_OTHER).
 */
enum nfq_msg_kind {
	NFQ_MSG_PACKET = 0,
	NFQ_MSG_ERROR,
	NFQ_MSG_OTHER,
};

/*
 * Parse one netlink message.  Returns the kind, or -EBADMSG when it is
 * malformed (a packet without its header, attributes that overrun, a
 * payload longer than the message).  @pkt is filled for a packet.
 */
int nfq_msg_parse(const struct nlmsghdr *nlh, struct nfq_pkt *pkt, int *err);

/*
 * Walk the messages of one datagram of @len bytes, calling @cb for each
 * (kind as above, or -EBADMSG for a malformed one; @pkt is valid only for
 * NFQ_MSG_PACKET).  Stops at the first truncated message header and
 * returns -EBADMSG then, else 0 or @cb's first non-zero return.
 */
int nfq_msg_each(const void *buf, size_t len,
		 int (*cb)(int kind, const struct nfq_pkt *pkt, int err,
			   void *arg),
		 void *arg);

/* A buffer of outgoing messages (verdicts), sent in one sendmsg(). */
struct nfq_out {
	char *buf;
	size_t cap, len;
	unsigned int n;		/* messages in it */
	uint32_t seq;
};

#define NFQ_VERDICT_MAX_BYTES 128	/* upper bound of one verdict message */

/* A verdict on one packet.  @mark: the packet's new mark, if @set_mark.
 * @ctmark_bits: conntrack mark bits to set (0: leave conntrack alone). */
int nfq_out_verdict(struct nfq_out *o, uint16_t queue, uint32_t id,
		    uint32_t verdict, bool set_mark, uint32_t mark,
		    uint32_t ctmark_bits);
/* One verdict for every packet of the queue up to and including @max_id. */
int nfq_out_batch(struct nfq_out *o, uint16_t queue, uint32_t max_id,
		  uint32_t verdict);
void nfq_out_reset(struct nfq_out *o);

/* Configuration requests (each asks for an acknowledgement). */
int nfq_out_bind(struct nfq_out *o, uint16_t queue);
int nfq_out_unbind(struct nfq_out *o, uint16_t queue);
/* Copy whole packets up to @range bytes; @flags under @mask (NFQA_CFG_F_*). */
int nfq_out_params(struct nfq_out *o, uint16_t queue, uint32_t range,
		   uint32_t maxlen, uint32_t flags, uint32_t mask);

#endif /* SNETD_NFQ_MSG_H */
