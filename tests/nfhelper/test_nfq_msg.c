// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: NFQUEUE messages (parse what the kernel sends, build what
 * snetd sends), packet id gaps, the kernel's queue counters. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "nfq.h"
#include "nfq_msg.h"

/* A packet message as nfnetlink_queue builds it. */
static size_t kernel_packet(char *buf, uint16_t queue, uint32_t id,
			    uint32_t mark, const void *data, size_t len,
			    bool with_cap_len, uint32_t cap_len)
{
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_PACKET, queue);
	struct nfqnl_msg_packet_hdr ph = {
		.packet_id = htonl(id), .hw_protocol = htons(0x0800), .hook = 3,
	};

	mnl_attr_put(nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
	mnl_attr_put_u32(nlh, NFQA_MARK, htonl(mark));
	mnl_attr_put_u32(nlh, NFQA_UID, htonl(1000));
	mnl_attr_put_u32(nlh, NFQA_GID, htonl(100));
	mnl_attr_put_u32(nlh, NFQA_SKB_INFO, htonl(NFQA_SKB_GSO));
	if (with_cap_len)
		mnl_attr_put_u32(nlh, NFQA_CAP_LEN, htonl(cap_len));
	mnl_attr_put(nlh, NFQA_PAYLOAD, len, data);
	return nlh->nlmsg_len;
}

static void parses_a_packet(void **state)
{
	char buf[4096];
	const char payload[] = "\x45 fake ip packet";
	struct nfq_pkt p;
	int err;

	(void)state;
	kernel_packet(buf, 3, 42, 0x00050000, payload, sizeof(payload), true,
		      sizeof(payload) + 100);
	assert_int_equal(nfq_msg_parse((struct nlmsghdr *)buf, &p, &err),
			 NFQ_MSG_PACKET);
	assert_int_equal(p.queue, 3);
	assert_int_equal(p.id, 42);
	assert_int_equal(p.hw_protocol, 0x0800);
	assert_int_equal(p.hook, 3);
	assert_true(p.has_mark);
	assert_int_equal(p.mark, 0x00050000);
	assert_true(p.has_uid && p.has_gid);
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.gid, 100);
	assert_int_equal(p.skb_info, NFQA_SKB_GSO);
	assert_int_equal(p.len, sizeof(payload));
	assert_memory_equal(p.payload, payload, sizeof(payload));
	/* Captured less than the packet: orig_len says how much more. */
	assert_int_equal(p.orig_len, sizeof(payload) + 100);
}

static void refuses_malformed_packets(void **state)
{
	char buf[4096];
	struct nlmsghdr *nlh;
	struct nfq_pkt p;
	int err;

	(void)state;
	/* No packet header. */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_PACKET, 0);
	mnl_attr_put_u32(nlh, NFQA_MARK, htonl(1));
	assert_int_equal(nfq_msg_parse(nlh, &p, &err), -EBADMSG);
	/* A header attribute too short. */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_PACKET, 0);
	mnl_attr_put_u16(nlh, NFQA_PACKET_HDR, 7);
	assert_int_equal(nfq_msg_parse(nlh, &p, &err), -EBADMSG);
	/* The kernel's length below what it copied. */
	kernel_packet(buf, 0, 1, 0, "abcdef", 6, true, 3);
	assert_int_equal(nfq_msg_parse((struct nlmsghdr *)buf, &p, &err), -EBADMSG);
	/* A message too short for its nfgenmsg. */
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_len = NLMSG_HDRLEN + 1;
	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET;
	assert_int_equal(nfq_msg_parse(nlh, &p, &err), -EBADMSG);
}

struct seen {
	int kinds[8];
	uint32_t ids[8];
	int errs[8];
	int n;
};

static int record(int kind, const struct nfq_pkt *pkt, int err, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->kinds[s->n] = kind;
		s->ids[s->n] = pkt ? pkt->id : 0;
		s->errs[s->n] = err;
	}
	s->n++;
	return 0;
}

static void walks_a_datagram(void **state)
{
	char buf[8192];
	size_t len = 0;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct seen s = { 0 };

	(void)state;
	len += NLMSG_ALIGN(kernel_packet(buf, 0, 7, 0, "x", 1, false, 0));
	len += NLMSG_ALIGN(kernel_packet(buf + len, 0, 8, 0, "yy", 2, false, 0));
	nlh = mnl_nlmsg_put_header(buf + len);
	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -ENOENT;
	len += NLMSG_ALIGN(nlh->nlmsg_len);
	assert_int_equal(nfq_msg_each(buf, len, record, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.kinds[0], NFQ_MSG_PACKET);
	assert_int_equal(s.ids[0], 7);
	assert_int_equal(s.ids[1], 8);
	assert_int_equal(s.kinds[2], NFQ_MSG_ERROR);
	assert_int_equal(s.errs[2], -ENOENT);
	/* Bytes that do not make a message header: truncated. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(nfq_msg_each(buf, len + 7, record, &s), -EBADMSG);
	assert_int_equal(s.n, 3);
}

/* Find attribute @type of the nfnetlink message @nlh. */
static const struct nlattr *attr_of(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void builds_verdicts(void **state)
{
	char buf[1024];
	struct nfq_out o = { .buf = buf, .cap = sizeof(buf) };
	const struct nlmsghdr *nlh;
	const struct nfqnl_msg_verdict_hdr *vh;
	const struct nlattr *a, *ct, *inner;
	const struct nfgenmsg *nfg;
	int left;
	uint32_t mark = 0, mask = 0;

	(void)state;
	assert_int_equal(nfq_out_verdict(&o, 2, 10, NF_REPEAT, true, 0x401, 0), 0);
	assert_int_equal(nfq_out_verdict(&o, 2, 11, NF_ACCEPT, false, 0, 0x800), 0);
	assert_int_equal(nfq_out_batch(&o, 2, 19, NF_ACCEPT), 0);
	assert_int_equal(o.n, 3);

	nlh = (const struct nlmsghdr *)buf;
	left = (int)o.len;
	assert_true(mnl_nlmsg_ok(nlh, left));
	assert_int_equal(nlh->nlmsg_type, (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT);
	nfg = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ntohs(nfg->res_id), 2);
	vh = mnl_attr_get_payload(attr_of(nlh, NFQA_VERDICT_HDR));
	assert_int_equal(ntohl(vh->id), 10);
	assert_int_equal(ntohl(vh->verdict), NF_REPEAT);
	a = attr_of(nlh, NFQA_MARK);
	assert_non_null(a);
	assert_int_equal(ntohl(mnl_attr_get_u32(a)), 0x401);
	assert_null(attr_of(nlh, NFQA_CT));

	nlh = mnl_nlmsg_next(nlh, &left);
	assert_true(mnl_nlmsg_ok(nlh, left));
	vh = mnl_attr_get_payload(attr_of(nlh, NFQA_VERDICT_HDR));
	assert_int_equal(ntohl(vh->id), 11);
	assert_int_equal(ntohl(vh->verdict), NF_ACCEPT);
	assert_null(attr_of(nlh, NFQA_MARK));
	ct = attr_of(nlh, NFQA_CT);
	assert_non_null(ct);
	mnl_attr_for_each_nested(inner, ct) {
		if (mnl_attr_get_type(inner) == CTA_MARK)
			mark = ntohl(mnl_attr_get_u32(inner));
		if (mnl_attr_get_type(inner) == CTA_MARK_MASK)
			mask = ntohl(mnl_attr_get_u32(inner));
	}
	/* Only the pass bit changes: mask and value are that bit. */
	assert_int_equal(mark, 0x800);
	assert_int_equal(mask, 0x800);

	nlh = mnl_nlmsg_next(nlh, &left);
	assert_true(mnl_nlmsg_ok(nlh, left));
	assert_int_equal(nlh->nlmsg_type,
			 (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT_BATCH);
	vh = mnl_attr_get_payload(attr_of(nlh, NFQA_VERDICT_HDR));
	assert_int_equal(ntohl(vh->id), 19);
	nlh = mnl_nlmsg_next(nlh, &left);
	assert_int_equal(left, 0);

	nfq_out_reset(&o);
	assert_int_equal(o.len, 0);
	assert_int_equal(o.n, 0);
}

static void verdict_buffer_fills(void **state)
{
	char buf[3 * NFQ_VERDICT_MAX_BYTES];
	struct nfq_out o = { .buf = buf, .cap = sizeof(buf) };
	int n = 0;

	(void)state;
	while (nfq_out_verdict(&o, 0, (uint32_t)n, NF_DROP, false, 0, 0) == 0)
		n++;
	/* Full means: no room left for the largest verdict message. */
	assert_true(n >= 3);
	assert_int_equal(o.n, (unsigned int)n);
	assert_true(o.len <= o.cap);
	assert_true(o.cap - o.len < NFQ_VERDICT_MAX_BYTES);
	assert_int_equal(nfq_out_batch(&o, 0, 9, NF_ACCEPT), -ENOSPC);
	/* The largest one does fit in its bound. */
	nfq_out_reset(&o);
	assert_int_equal(nfq_out_verdict(&o, 0, 1, NF_REPEAT, true, 1, 2), 0);
	assert_true(o.len <= NFQ_VERDICT_MAX_BYTES);
}

static void config_requests_ask_for_acks(void **state)
{
	char buf[1024];
	struct nfq_out o = { .buf = buf, .cap = sizeof(buf) };
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct nlattr *a;
	int left;

	(void)state;
	assert_int_equal(nfq_out_bind(&o, 5), 0);
	assert_int_equal(nfq_out_params(&o, 5, 0xffff, 1024,
					NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN,
					NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN |
					NFQA_CFG_F_UID_GID), 0);
	left = (int)o.len;
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	assert_non_null(attr_of(nlh, NFQA_CFG_CMD));
	nlh = mnl_nlmsg_next(nlh, &left);
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	a = attr_of(nlh, NFQA_CFG_QUEUE_MAXLEN);
	assert_int_equal(ntohl(mnl_attr_get_u32(a)), 1024);
	a = attr_of(nlh, NFQA_CFG_FLAGS);
	assert_int_equal(ntohl(mnl_attr_get_u32(a)), NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN);
	a = attr_of(nlh, NFQA_CFG_MASK);
	assert_int_equal(ntohl(mnl_attr_get_u32(a)),
			 NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_UID_GID);
	a = attr_of(nlh, NFQA_CFG_PARAMS);
	assert_int_equal(ntohl(((const struct nfqnl_msg_config_params *)
				mnl_attr_get_payload(a))->copy_range), 0xffff);
}

static void counts_id_gaps(void **state)
{
	struct nfq_idtrack t = { 0 };

	(void)state;
	assert_int_equal(nfq_idtrack_note(&t, 5), 0);	/* the first says nothing */
	assert_int_equal(nfq_idtrack_note(&t, 6), 0);
	assert_int_equal(nfq_idtrack_note(&t, 10), 3);
	assert_int_equal(nfq_idtrack_note(&t, 10), 0);
	/* The kernel's counter wraps. */
	t.last = 0xfffffffe;
	assert_int_equal(nfq_idtrack_note(&t, 0xffffffff), 0);
	assert_int_equal(nfq_idtrack_note(&t, 1), 1);
	/* A restarted sequence (the queue was rebound) is no loss. */
	assert_int_equal(nfq_idtrack_note(&t, 5000), 4998);
	assert_int_equal(nfq_idtrack_note(&t, 1), 0);
	assert_int_equal(nfq_idtrack_note(&t, 2), 0);
}

static void reads_kernel_counters(void **state)
{
	const char *text =
		"    0  12345     0 2 65535     0     0      100  1\n"
		"    1  12346     3 2 65535    17     4     2000  1\n";
	struct nfq_kstats st;

	(void)state;
	assert_int_equal(nfq_kstats_parse(text, 1, &st), 0);
	assert_int_equal(st.portid, 12346);
	assert_int_equal(st.waiting, 3);
	assert_int_equal(st.queue_dropped, 17);
	assert_int_equal(st.user_dropped, 4);
	assert_int_equal(st.id_sequence, 2000);
	assert_int_equal(nfq_kstats_parse(text, 0, &st), 0);
	assert_int_equal(st.id_sequence, 100);
	assert_int_equal(nfq_kstats_parse(text, 2, &st), -ENOENT);
	assert_int_equal(nfq_kstats_parse("", 0, &st), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_packet),
		cmocka_unit_test(refuses_malformed_packets),
		cmocka_unit_test(walks_a_datagram),
		cmocka_unit_test(builds_verdicts),
		cmocka_unit_test(verdict_buffer_fills),
		cmocka_unit_test(config_requests_ask_for_acks),
		cmocka_unit_test(counts_id_gaps),
		cmocka_unit_test(reads_kernel_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
