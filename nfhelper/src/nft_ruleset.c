// SPDX-License-Identifier: GPL-2.0-or-later
/* table inet snet with libnftnl and libmnl: one batch in, one batch out. */
#include "nft_ruleset.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

/* nft's data types and byte orders, which it reads back from a set's
 * user data to print its elements. */
#define NFT_TYPE_INET_SERVICE 13
#define NFT_BYTEORDER_BIG_ENDIAN 2
#define PORT_SET_ID 1

#define BATCH_LIMIT (256u << 10)

struct batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t seq, first_seq;
	unsigned int acks;	/* messages that will be acknowledged */
	bool failed;
};

static int batch_start(struct batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	/* mnl wants room for one message past the limit. */
	bt->buf = malloc(BATCH_LIMIT * 2);
	if (!bt->buf)
		return -ENOMEM;
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_LIMIT);
	bt->seq = (uint32_t)time(NULL);
	bt->first_seq = bt->seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return 0;
}

static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type,
				  uint16_t flags)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				    NFPROTO_INET, flags | NLM_F_ACK, bt->seq++);
	bt->acks++;
	return nlh;
}

static void batch_next(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->failed = true;	/* over BATCH_LIMIT */
}

static void batch_free(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
}

/* Send the batch and collect one acknowledgement per message. */
static int batch_send(struct batch *bt, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned int acks = 0;
	int rc = 0;

	if (bt->failed) {
		snprintf(err, errlen, "the nft batch is too large");
		return -E2BIG;
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		snprintf(err, errlen, "netfilter netlink socket: %s", strerror(errno));
		goto out;
	}
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "sending the nft batch: %s", strerror(errno));
		goto out;
	}
	/* Every message asked for an acknowledgement; a failed transaction
	 * answers the failing one with its error (and nothing is applied):
	 * stop at the first error. */
	while (acks < bt->acks) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int left = (int)n;

		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "reading the nft answer: %s",
				 strerror(errno));
			break;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			acks++;
			if (e->error && !rc) {
				rc = e->error;
				snprintf(err, errlen, "nft message %u of the batch: %s",
					 nlh->nlmsg_seq - bt->first_seq,
					 strerror(-e->error));
			}
		}
		if (rc)
			break;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	return rc;
}

/* --- objects -------------------------------------------------------------- */

static void add_table(struct batch *bt, uint16_t type, bool comment)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_udata_buf *ud = NULL;
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE_NAME);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	if (comment) {
		ud = nftnl_udata_buf_alloc(256);
		nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, NFT_TABLE_COMMENT);
		nftnl_table_set_data(t, NFTNL_TABLE_USERDATA,
				     nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	}
	nlh = batch_msg(bt, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_next(bt);
	nftnl_udata_buf_free(ud);
	nftnl_table_free(t);
}

static void add_port_set(struct batch *bt, const struct nft_plan *p)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	struct nlmsghdr *nlh;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE_NAME);
	nftnl_set_set_str(s, NFTNL_SET_NAME, NFT_PORT_SET);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, PORT_SET_ID);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_INTERVAL);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, NFT_TYPE_INET_SERVICE);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, sizeof(uint16_t));
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, NFT_BYTEORDER_BIG_ENDIAN);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nlh = batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_next(bt);

	/* An interval set holds boundaries: a start, then the end's
	 * successor flagged as an interval end; like nft, a leading end at
	 * 0 closes the gap below the first range. */
	for (int i = -1; i < (int)p->n_ports; i++) {
		uint16_t bounds[2];
		int nb = 0;

		if (i < 0) {
			if (p->ports[0].lo == 0)
				continue;
			bounds[nb++] = 0;
		} else {
			bounds[nb++] = p->ports[i].lo;
			if (p->ports[i].hi < 65535)
				bounds[nb++] = (uint16_t)(p->ports[i].hi + 1);
		}
		for (int j = 0; j < nb; j++) {
			struct nftnl_set_elem *e = nftnl_set_elem_alloc();
			uint16_t key = htons(bounds[j]);
			bool end = i < 0 || j == 1;

			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &key, sizeof(key));
			if (end)
				nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
						       NFT_SET_ELEM_INTERVAL_END);
			nftnl_set_elem_add(s, e);
		}
	}
	nlh = batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_udata_buf_free(ud);
	nftnl_set_free(s);
}

static void add_chain(struct batch *bt, uint8_t chain)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE_NAME);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, nft_chain_name(chain));
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (chain != NFT_CHAIN_INSPECT) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM,
				    chain == NFT_CHAIN_OUTPUT ? NF_INET_LOCAL_OUT :
				    NF_INET_LOCAL_IN);
		/* After conntrack (-200) and snet's labels (-500). */
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_next(bt);
	nftnl_chain_free(c);
}

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e)
		nftnl_rule_add_expr(r, e);
	return e;
}

/* reg1 = <load>; reg1 &= bits; reg1 == bits */
static void bits_set(struct nftnl_rule *r, const char *load, uint32_t key,
		     uint32_t bits)
{
	struct nftnl_expr *e = expr(r, load);
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, !strcmp(load, "meta") ? NFTNL_EXPR_META_KEY :
			   NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, !strcmp(load, "meta") ? NFTNL_EXPR_META_DREG :
			   NFTNL_EXPR_CT_DREG, NFT_REG_1);
	e = expr(r, "bitwise");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &bits, sizeof(bits));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	e = expr(r, "cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &bits, sizeof(bits));
}

static void build_rule(struct nftnl_rule *r, const struct nft_plan *p,
		       const struct nft_rule_spec *s)
{
	struct nftnl_expr *e;

	if (s->mark_bits)
		bits_set(r, "meta", NFT_META_MARK, s->mark_bits);
	if (s->ctmark_bits)
		bits_set(r, "ct", NFT_CT_MARK, s->ctmark_bits);
	if (s->ifname) {
		char name[16] = { 0 };

		snprintf(name, sizeof(name), "%s", s->ifname);
		e = expr(r, "meta");
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY,
				   s->chain == NFT_CHAIN_INPUT ? NFT_META_IIFNAME :
				   NFT_META_OIFNAME);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
		e = expr(r, "cmp");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, name, sizeof(name));
	}
	if (s->l4proto) {
		e = expr(r, "meta");
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
		e = expr(r, "cmp");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set_u8(e, NFTNL_EXPR_CMP_DATA, s->l4proto);
	}
	if (s->mss_clamp) {
		/* tcp flags syn */
		uint8_t syn = 0x02, zero8 = 0;
		uint16_t mss = htons(s->mss_clamp);

		e = expr(r, "payload");
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
				   NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 13);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 1);
		e = expr(r, "bitwise");
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &syn, 1);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero8, 1);
		e = expr(r, "cmp");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_NEQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &zero8, 1);
		/* tcp option maxseg size > M */
		e = expr(r, "exthdr");
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, 2);	/* maxseg */
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
		e = expr(r, "cmp");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_GT);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &mss, sizeof(mss));
		/* tcp option maxseg size set M */
		e = expr(r, "immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &mss, sizeof(mss));
		e = expr(r, "exthdr");
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1);
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	}
	if (s->ports != NFT_PORT_ANY) {
		e = expr(r, "payload");
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
				   NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET,
				   s->ports == NFT_PORT_SPORT ? 0 : 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
		e = expr(r, "lookup");
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, NFT_PORT_SET);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, PORT_SET_ID);
	}
	if (s->set_ctmark_bits) {
		uint32_t keep = ~s->set_ctmark_bits, bits = s->set_ctmark_bits;

		e = expr(r, "ct");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
		e = expr(r, "bitwise");
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &keep, sizeof(keep));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &bits, sizeof(bits));
		e = expr(r, "ct");
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	}
	if (s->counter)
		expr(r, "counter");
	switch (s->action) {
	case NFT_ACT_ACCEPT:
	case NFT_ACT_JUMP_INSPECT:
		e = expr(r, "immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		if (s->action == NFT_ACT_ACCEPT) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
		} else {
			nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NFT_JUMP);
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, NFT_INSPECT_CHAIN);
		}
		break;
	case NFT_ACT_REJECT_TCP:
		e = expr(r, "reject");
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
		break;
	case NFT_ACT_REJECT:
		e = expr(r, "reject");
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE,
				  NFT_REJECT_ICMPX_PORT_UNREACH);
		break;
	case NFT_ACT_NONE:
		break;
	case NFT_ACT_QUEUE:
		e = expr(r, "queue");
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, p->queue_first);
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, p->queue_count);
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS,
				   (p->bypass ? NFT_QUEUE_FLAG_BYPASS : 0) |
				   (p->fanout ? NFT_QUEUE_FLAG_CPU_FANOUT : 0));
		break;
	}
}

static void add_rule(struct batch *bt, const struct nft_plan *p,
		     const struct nft_rule_spec *s)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud = NULL;
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, nft_chain_name(s->chain));
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	build_rule(r, p, s);
	if (s->comment) {
		ud = nftnl_udata_buf_alloc(256);
		nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, s->comment);
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	}
	nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_next(bt);
	nftnl_udata_buf_free(ud);
	nftnl_rule_free(r);
}

int nft_ruleset_install(const struct nft_plan *p, char *err, size_t errlen)
{
	struct batch bt;
	int rc = batch_start(&bt);

	if (rc) {
		snprintf(err, errlen, "nft batch: %s", strerror(-rc));
		return rc;
	}
	/* Create-if-missing then delete: whatever an earlier snetd left goes
	 * away in the same transaction that installs the new table. */
	add_table(&bt, NFT_MSG_NEWTABLE, false);
	add_table(&bt, NFT_MSG_DELTABLE, false);
	add_table(&bt, NFT_MSG_NEWTABLE, true);
	if (p->n_ports)
		add_port_set(&bt, p);
	add_chain(&bt, NFT_CHAIN_INSPECT);
	if (p->output)
		add_chain(&bt, NFT_CHAIN_OUTPUT);
	if (p->input)
		add_chain(&bt, NFT_CHAIN_INPUT);
	for (uint8_t c = 0; c < 3; c++)
		for (unsigned int i = 0; i < p->n_rules; i++)
			if (p->rules[i].chain == (c + 2) % 3)	/* inspect first */
				add_rule(&bt, p, &p->rules[i]);
	rc = batch_send(&bt, err, errlen);
	batch_free(&bt);
	return rc;
}

int nft_ruleset_remove(char *err, size_t errlen)
{
	struct batch bt;
	int rc = batch_start(&bt);

	if (rc) {
		snprintf(err, errlen, "nft batch: %s", strerror(-rc));
		return rc;
	}
	add_table(&bt, NFT_MSG_DELTABLE, false);
	rc = batch_send(&bt, err, errlen);
	batch_free(&bt);
	return rc;
}

/* --- counters ------------------------------------------------------------- */

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nft_queue_counters *c = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	uint64_t pk = 0, by = 0;
	bool queue = false;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	it = nftnl_expr_iter_create(r);
	while (it && (e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (!strcmp(name, "counter")) {
			pk = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			by = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		} else if (!strcmp(name, "queue")) {
			queue = true;
		}
	}
	nftnl_expr_iter_destroy(it);
	nftnl_rule_free(r);
	if (queue) {
		c->packets += pk;
		c->bytes += by;
	}
	return MNL_CB_OK;
}

int nft_ruleset_counters(struct nft_queue_counters *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct mnl_socket *nl = NULL;
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL), portid;
	int rc = 0;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	if (!r)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP,
				    seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE_NAME);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, rule_cb, c);
		if (rc <= MNL_CB_STOP)
			break;
	}
	rc = n < 0 || rc < 0 ? -errno : 0;
out:
	if (nl)
		mnl_socket_close(nl);
	return rc;
}
