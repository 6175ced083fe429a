// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: inspector verdicts -> NFQUEUE verdicts; packet headers ->
 * flow keys. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <snet/inspect.h>

#include "nfq_verdict.h"
#include "pkttuple.h"

static void each_action(void **state)
{
	struct nfq_verdict_plan v;

	(void)state;
	nfq_verdict_plan(SNET_INSPECT_ACCEPT, 0x30000, 0x400, 0x800, &v);
	assert_int_equal(v.verdict, NF_ACCEPT);
	assert_true(v.batch);
	assert_false(v.set_mark || v.ctmark_bits || v.deny_socket);

	nfq_verdict_plan(SNET_INSPECT_DROP, 0x30000, 0x400, 0x800, &v);
	assert_int_equal(v.verdict, NF_DROP);
	assert_false(v.batch);
	assert_true(v.deny_socket);
	assert_false(v.set_mark);

	/* Reject: the chain runs again with the reject bit added to the
	 * packet's own mark (its label stays). */
	nfq_verdict_plan(SNET_INSPECT_REJECT, 0x30000, 0x400, 0x800, &v);
	assert_int_equal(v.verdict, NF_REPEAT);
	assert_true(v.set_mark);
	assert_int_equal(v.mark, 0x30400);
	assert_true(v.deny_socket);
	assert_false(v.batch);

	nfq_verdict_plan(SNET_INSPECT_PASS, 0x30000, 0x400, 0x800, &v);
	assert_int_equal(v.verdict, NF_ACCEPT);
	assert_int_equal(v.ctmark_bits, 0x800);
	assert_false(v.batch || v.deny_socket || v.set_mark);

	/* Anything else is not let through. */
	nfq_verdict_plan(99, 0, 0x400, 0x800, &v);
	assert_int_equal(v.verdict, NF_DROP);
}

/* IPv4 + TCP header: 10.0.0.1:40000 -> 10.0.0.2:80, flags @fl. */
static size_t v4_tcp(uint8_t *p, uint8_t fl, uint16_t frag)
{
	memset(p, 0, 60);
	p[0] = 0x45;
	p[2] = 0;
	p[3] = 40;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[9] = IPPROTO_TCP;
	p[12] = 10; p[15] = 1;
	p[16] = 10; p[19] = 2;
	p[20] = 40000 >> 8; p[21] = 40000 & 0xff;
	p[22] = 0; p[23] = 80;
	p[32] = 0x50;	/* data offset: 20 bytes */
	p[33] = fl;
	return 40;
}

static void reads_ipv4(void **state)
{
	uint8_t p[64];
	struct pkt_tuple t;

	(void)state;
	assert_int_equal(pkt_tuple_parse(p, v4_tcp(p, 0x18, 0), &t), 0);
	assert_int_equal(t.family, AF_INET);
	assert_int_equal(t.proto, IPPROTO_TCP);
	assert_int_equal(t.sport, 40000);
	assert_int_equal(t.dport, 80);
	assert_int_equal(t.tcp_flags, 0x18);
	assert_int_equal(t.l4_payload, 0);
	/* Five payload bytes, then bytes past the IP length: not payload. */
	p[3] = 45;
	assert_int_equal(pkt_tuple_parse(p, 50, &t), 0);
	assert_int_equal(t.l4_payload, 5);
	p[3] = 40;
	assert_int_equal(t.src[0], 10);
	assert_int_equal(t.dst[3], 2);
	/* A later fragment has no ports. */
	assert_int_equal(pkt_tuple_parse(p, v4_tcp(p, 0x18, 185), &t), 0);
	assert_int_equal(t.sport, 0);
	assert_int_equal(t.dport, 0);
	/* Too short, a bad header length, not IP. */
	assert_int_equal(pkt_tuple_parse(p, 19, &t), -EINVAL);
	p[0] = 0x4f;
	assert_int_equal(pkt_tuple_parse(p, 40, &t), -EINVAL);
	p[0] = 0x55;
	assert_int_equal(pkt_tuple_parse(p, 40, &t), -EINVAL);
	assert_int_equal(pkt_tuple_parse(p, 0, &t), -EINVAL);
}

static void reads_ipv6_with_extension_headers(void **state)
{
	uint8_t p[128] = { 0 };
	struct pkt_tuple t;

	(void)state;
	p[0] = 0x60;
	p[6] = 0;		/* hop-by-hop */
	inet_pton(AF_INET6, "2001:db8::1", p + 8);
	inet_pton(AF_INET6, "2001:db8::2", p + 24);
	p[40] = 44;		/* then a fragment header */
	p[41] = 0;		/* 8 bytes */
	p[48] = IPPROTO_UDP;	/* first fragment, offset 0 */
	p[56] = 0x13; p[57] = 0x88;	/* 5000 */
	p[58] = 0x00; p[59] = 0x35;	/* 53 */
	assert_int_equal(pkt_tuple_parse(p, 64, &t), 0);
	assert_int_equal(t.family, AF_INET6);
	assert_int_equal(t.proto, IPPROTO_UDP);
	assert_int_equal(t.sport, 5000);
	assert_int_equal(t.dport, 53);
	/* A later fragment: the protocol, no ports. */
	p[50] = 0x01;
	assert_int_equal(pkt_tuple_parse(p, 64, &t), 0);
	assert_int_equal(t.proto, IPPROTO_UDP);
	assert_int_equal(t.sport, 0);
	/* An extension header running past the packet. */
	p[41] = 200;
	assert_int_equal(pkt_tuple_parse(p, 64, &t), -EINVAL);
}

static void flow_keys_ignore_direction(void **state)
{
	struct pkt_tuple a = { .family = AF_INET, .proto = 6, .sport = 40000,
			       .dport = 80 }, b;
	struct flow_key ka, kb;

	(void)state;
	a.src[0] = 10; a.src[3] = 1;
	a.dst[0] = 10; a.dst[3] = 2;
	b = a;
	memcpy(b.src, a.dst, 16);
	memcpy(b.dst, a.src, 16);
	b.sport = a.dport;
	b.dport = a.sport;
	flow_key_of(&a, &ka);
	flow_key_of(&b, &kb);
	assert_true(flow_key_equal(&ka, &kb));
	assert_int_equal(flow_key_hash(&ka), flow_key_hash(&kb));
	/* Same addresses (loopback): the ports order the ends. */
	memcpy(b.src, a.src, 16);
	memcpy(b.dst, a.src, 16);
	b.sport = 80;
	b.dport = 40000;
	a = b;
	a.sport = 40000;
	a.dport = 80;
	flow_key_of(&a, &ka);
	flow_key_of(&b, &kb);
	assert_true(flow_key_equal(&ka, &kb));
	/* Another port is another flow. */
	b.dport = 40001;
	flow_key_of(&b, &kb);
	assert_false(flow_key_equal(&ka, &kb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_action),
		cmocka_unit_test(reads_ipv4),
		cmocka_unit_test(reads_ipv6_with_extension_headers),
		cmocka_unit_test(flow_keys_ignore_direction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
