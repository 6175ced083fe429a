// SPDX-License-Identifier: GPL-2.0-or-later
/* NFQUEUE messages with libmnl and libnetfilter_queue's nlmsg helpers. */
#include "nfq_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static int parse_packet(const struct nlmsghdr *nlh, struct nfq_pkt *p)
{
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	const struct nfqnl_msg_packet_hdr *ph;
	const struct nfgenmsg *nfg;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg))
		return -EBADMSG;
	/* mnl_attr_parse() checks each attribute's length against the
	 * message and the type's minimum (nfq_pkt_parse_attr_cb). */
	if (nfq_nlmsg_parse(nlh, attr) < 0)
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	memset(p, 0, sizeof(*p));
	p->queue = ntohs(nfg->res_id);
	if (!attr[NFQA_PACKET_HDR] ||
	    mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return -EBADMSG;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	p->id = ntohl(ph->packet_id);
	p->hw_protocol = ntohs(ph->hw_protocol);
	p->hook = ph->hook;
	if (attr[NFQA_MARK]) {
		p->has_mark = true;
		p->mark = ntohl(mnl_attr_get_u32(attr[NFQA_MARK]));
	}
	if (attr[NFQA_IFINDEX_INDEV])
		p->indev = ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV]));
	if (attr[NFQA_IFINDEX_OUTDEV])
		p->outdev = ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_OUTDEV]));
	if (attr[NFQA_UID]) {
		p->has_uid = true;
		p->uid = ntohl(mnl_attr_get_u32(attr[NFQA_UID]));
	}
	if (attr[NFQA_GID]) {
		p->has_gid = true;
		p->gid = ntohl(mnl_attr_get_u32(attr[NFQA_GID]));
	}
	if (attr[NFQA_SKB_INFO])
		p->skb_info = ntohl(mnl_attr_get_u32(attr[NFQA_SKB_INFO]));
	p->has_ct = attr[NFQA_CT] != NULL;
	if (attr[NFQA_PAYLOAD]) {
		p->payload = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		p->len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	p->orig_len = (uint32_t)p->len;
	if (attr[NFQA_CAP_LEN]) {
		uint32_t cap = ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN]));

		/* The kernel's length of the whole packet: never below
		 * what it copied. */
		if (cap < p->len)
			return -EBADMSG;
		p->orig_len = cap;
	}
	return NFQ_MSG_PACKET;
}

int nfq_msg_parse(const struct nlmsghdr *nlh, struct nfq_pkt *pkt, int *err)
{
	*err = 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e;

		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return -EBADMSG;
		e = mnl_nlmsg_get_payload(nlh);
		*err = e->error;
		return NFQ_MSG_ERROR;
	}
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
		return parse_packet(nlh, pkt);
	return NFQ_MSG_OTHER;
}

/*
 * mnl_nlmsg_ok() compares the length as a signed int: a length of 2^31 or
 * more passes it.  Check it as what it is.
 */
static bool msg_ok(const struct nlmsghdr *nlh, int left)
{
	return left >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (uint32_t)left;
}

int nfq_msg_each(const void *buf, size_t len,
		 int (*cb)(int kind, const struct nfq_pkt *pkt, int err,
			   void *arg),
		 void *arg)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	while (msg_ok(nlh, left)) {
		struct nfq_pkt pkt;
		int err, kind, rc;

		kind = nfq_msg_parse(nlh, &pkt, &err);
		rc = cb(kind, kind == NFQ_MSG_PACKET ? &pkt : NULL, err, arg);
		if (rc)
			return rc;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	/* Leftover bytes that do not make a header: a truncated datagram. */
	return left > 0 ? -EBADMSG : 0;
}

void nfq_out_reset(struct nfq_out *o)
{
	o->len = 0;
	o->n = 0;
}

/* Room for one more message of at most NFQ_VERDICT_MAX_BYTES. */
static struct nlmsghdr *out_put(struct nfq_out *o, int type, uint16_t queue)
{
	struct nlmsghdr *nlh;

	if (o->cap - o->len < NFQ_VERDICT_MAX_BYTES)
		return NULL;
	nlh = nfq_nlmsg_put(o->buf + o->len, type, queue);
	nlh->nlmsg_seq = ++o->seq;
	return nlh;
}

static void out_done(struct nfq_out *o, struct nlmsghdr *nlh)
{
	o->len += NLMSG_ALIGN(nlh->nlmsg_len);
	o->n++;
}

int nfq_out_verdict(struct nfq_out *o, uint16_t queue, uint32_t id,
		    uint32_t verdict, bool set_mark, uint32_t mark,
		    uint32_t ctmark_bits)
{
	struct nlmsghdr *nlh = out_put(o, NFQNL_MSG_VERDICT, queue);

	if (!nlh)
		return -ENOSPC;
	nfq_nlmsg_verdict_put(nlh, (int)id, (int)verdict);
	if (set_mark)
		nfq_nlmsg_verdict_put_mark(nlh, mark);
	if (ctmark_bits) {
		/* ctnetlink glue: new = (old & ~MARK_MASK) ^ MARK, so only
		 * these bits change. */
		struct nlattr *nest = mnl_attr_nest_start(nlh, NFQA_CT);

		mnl_attr_put_u32(nlh, CTA_MARK, htonl(ctmark_bits));
		mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(ctmark_bits));
		mnl_attr_nest_end(nlh, nest);
	}
	out_done(o, nlh);
	return 0;
}

int nfq_out_batch(struct nfq_out *o, uint16_t queue, uint32_t max_id,
		  uint32_t verdict)
{
	struct nlmsghdr *nlh = out_put(o, NFQNL_MSG_VERDICT_BATCH, queue);

	if (!nlh)
		return -ENOSPC;
	nfq_nlmsg_verdict_put(nlh, (int)max_id, (int)verdict);
	out_done(o, nlh);
	return 0;
}

static int out_cmd(struct nfq_out *o, uint16_t queue, uint8_t cmd)
{
	struct nlmsghdr *nlh = out_put(o, NFQNL_MSG_CONFIG, queue);

	if (!nlh)
		return -ENOSPC;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, cmd);
	out_done(o, nlh);
	return 0;
}

int nfq_out_bind(struct nfq_out *o, uint16_t queue)
{
	return out_cmd(o, queue, NFQNL_CFG_CMD_BIND);
}

int nfq_out_unbind(struct nfq_out *o, uint16_t queue)
{
	return out_cmd(o, queue, NFQNL_CFG_CMD_UNBIND);
}

int nfq_out_params(struct nfq_out *o, uint16_t queue, uint32_t range,
		   uint32_t maxlen, uint32_t flags, uint32_t mask)
{
	struct nlmsghdr *nlh = out_put(o, NFQNL_MSG_CONFIG, queue);

	if (!nlh)
		return -ENOSPC;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, (int)range);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(mask));
	out_done(o, nlh);
	return 0;
}
