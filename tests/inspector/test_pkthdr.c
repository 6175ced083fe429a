// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The header sticky buffers ipv4.hdr, ipv6.hdr, tcp.hdr, udp.hdr,
 * icmpv4.hdr and icmpv6.hdr, as Suricata fills them: IPv4 with its
 * options, IPv6 with its extension headers, TCP with its options, UDP's 8
 * bytes, ICMPv4's 8 and a timestamp message's timestamps or a router
 * advertisement's addresses, ICMPv6's 8; prefiltered by Hyperscan
 * like any buffer, checked on each packet (the rule's payload contents
 * then too), absent from a packet of another protocol or version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "testutil.h"

#define RULES \
	"alert tcp any any -> any any (msg:\"mss 1460\"; flags:S; tcp.hdr; " \
	"content:\"|02 04 05 b4|\"; offset:20; sid:1;)\n" \
	"alert ip any any -> any any (msg:\"ttl 3\"; ipv4.hdr; byte_test:1,=,3,8; sid:2;)\n" \
	"alert udp any any -> any any (msg:\"to 53\"; udp.hdr; content:\"|00 35|\"; offset:2; " \
	"depth:2; sid:3;)\n" \
	"alert tcp any any -> any any (msg:\"v6 hop limit 1\"; ipv6.hdr; byte_test:1,=,1,7; " \
	"sid:4;)\n" \
	/* a payload content with a header buffer: the packet's payload */ \
	"alert tcp any any -> any any (msg:\"window and data\"; tcp.hdr; " \
	"content:\"|12 34|\"; offset:14; depth:2; pkt_data; content:\"knock\"; sid:5;)\n" \
	"alert tcp any any -> any any (msg:\"small mss\"; flags:S; tcp.mss:<1000; sid:6;)\n" \
	/* an http rule with a packet's buffer: the packets of HTTP flows */ \
	"alert http any any -> any any (msg:\"http window\"; tcp.hdr; content:\"|ff ff|\"; " \
	"offset:14; depth:2; pkt_data; content:\"GET \"; startswith; sid:7;)\n" \
	/* ICMP: an echo's id; a timestamp message's originate timestamp, in \
	 * the header, not the payload; ICMPv6's first 8 bytes */ \
	"alert icmp any any -> any any (msg:\"echo id\"; icmpv4.hdr; content:\"|ab cd|\"; " \
	"offset:4; depth:2; sid:8;)\n" \
	"alert icmp any any -> any any (msg:\"timestamp\"; itype:13; icmpv4.hdr; " \
	"content:\"|11 22 33 44|\"; sid:9;)\n" \
	"alert icmp any any -> any any (msg:\"ts payload\"; itype:13; content:\"|11 22 33 44|\"; " \
	"sid:10;)\n" \
	"alert ip any any -> any any (msg:\"v6 echo\"; icmpv6.hdr; content:\"|80 00|\"; " \
	"startswith; sid:11;)\n" \
	"alert icmp any any -> any any (msg:\"v6 hdr\"; icmpv6.hdr; bsize:8; sid:12;)\n" \
	"alert icmp any any -> any any (msg:\"advert\"; itype:9; icmpv4.hdr; bsize:24; sid:13;)\n" \
	/* others on the same buffers: the prefilter databases are shared */ \
	"alert tcp any any -> any any (msg:\"n\"; tcp.hdr; content:\"|de ad be ef|\"; sid:90;)\n" \
	"alert ip any any -> any any (msg:\"n\"; ipv4.hdr; content:\"|de ad be ef|\"; sid:91;)\n"

static struct snet_inspect_ruleset *RS;
static struct snet_inspect_worker *W;
static double T = 1700000000;

static unsigned run(const uint8_t *pkt, size_t n)
{
	struct timespec ts = { (time_t)T, 0 };
	T += 1;
	struct snet_inspect_verdict v;
	assert_int_equal(snet_inspect_worker_packet(W, pkt, n, &ts, NULL, &v), 0);
	unsigned m = 0;
	for (unsigned s = 1; s <= 13; s++)
		if (tu_has_sid(&v, s))
			m |= 1u << s;
	return m;
}

/* a TCP packet whose header has the options opt (a multiple of 4 bytes) */
static size_t tcp_opts(uint8_t *b, int v6, uint16_t sport, uint8_t flags, const void *opt,
		       size_t olen, const char *data)
{
	uint8_t body[256];
	memcpy(body, opt, olen);
	memcpy(body + olen, data, strlen(data));
	size_t n = tu_tcp(b, v6, v6 ? "2001:db8::1" : "10.0.0.1", v6 ? "2001:db8::2" : "10.0.0.2",
			  sport, 8080, 100, 0, flags, body, olen + strlen(data));
	size_t ip = v6 ? 40 : 20;
	b[ip + 12] = (uint8_t)((5 + olen / 4) << 4);
	return n;
}

static void tcp_header(void **state)
{
	(void)state;
	uint8_t b[512];
	static const uint8_t mss1460[] = { 2, 4, 0x05, 0xb4 }, mss1400[] = { 2, 4, 0x05, 0x78 };
	assert_int_equal(run(b, tcp_opts(b, 0, 40001, 0x02, mss1460, 4, "")), 1u << 1);
	assert_int_equal(run(b, tcp_opts(b, 0, 40002, 0x02, mss1400, 4, "")), 0);
	/* the options, not the payload: the same bytes as data do not count */
	assert_int_equal(run(b, tcp_opts(b, 0, 40003, 0x02, "", 0, "\x02\x04\x05\xb4")), 0);
	/* IPv6 too */
	assert_int_equal(run(b, tcp_opts(b, 1, 40004, 0x02, mss1460, 4, "")) & 1u << 1, 1u << 1);
}

static void ip_headers(void **state)
{
	(void)state;
	uint8_t b[512];
	size_t n = tcp_opts(b, 0, 40011, 0x10, "", 0, "x");
	b[8] = 3;	/* TTL */
	assert_int_equal(run(b, n), 1u << 2);
	b[8] = 64;
	assert_int_equal(run(b, n), 0);
	/* an IPv6 packet has no ipv4.hdr; its hop limit is byte 7 */
	n = tcp_opts(b, 1, 40012, 0x10, "", 0, "x");
	b[7] = 1;
	assert_int_equal(run(b, n), 1u << 4);
	b[7] = 2;
	assert_int_equal(run(b, n), 0);
	n = tu_udp(b, "10.0.0.1", "10.0.0.2", 5000, 53, "x", 1);
	assert_int_equal(run(b, n), 1u << 3);
	n = tu_udp(b, "10.0.0.1", "10.0.0.2", 5000, 54, "x", 1);
	assert_int_equal(run(b, n), 0);
	/* a port 53 in a TCP header is not udp.hdr's */
	n = tu_tcp(b, 0, "10.0.0.1", "10.0.0.2", 5000, 53, 1, 0, 0x02, "", 0);
	assert_int_equal(run(b, n) & 1u << 3, 0);
}

/* tcp.mss: the option's value, after NOPs; no option or a bad one: no match */
static void mss(void **state)
{
	(void)state;
	uint8_t b[512];
	static const uint8_t nop_mss536[] = { 1, 1, 2, 4, 0x02, 0x18, 1, 0 },
			     mss1460[] = { 2, 4, 0x05, 0xb4 }, none[] = { 1, 1, 1, 0 },
			     bad_len[] = { 3, 9, 2, 4, 0x02, 0x18, 0, 0 },
			     after_eol[] = { 0, 0, 0, 0, 2, 4, 0x02, 0x18 };
	assert_int_equal(run(b, tcp_opts(b, 0, 40031, 0x02, nop_mss536, 8, "")), 1u << 6);
	assert_int_equal(run(b, tcp_opts(b, 0, 40032, 0x02, mss1460, 4, "")) & 1u << 6, 0);
	assert_int_equal(run(b, tcp_opts(b, 0, 40033, 0x02, none, 4, "")), 0);
	assert_int_equal(run(b, tcp_opts(b, 0, 40034, 0x02, bad_len, 8, "")), 0);
	assert_int_equal(run(b, tcp_opts(b, 0, 40035, 0x02, after_eol, 8, "")), 0);
	/* in the payload, not an option */
	assert_int_equal(run(b, tcp_opts(b, 0, 40036, 0x02, "", 0, "\x02\x04\x02\x18")), 0);
}

static void icmp_headers(void **state)
{
	(void)state;
	uint8_t b[512];
	const char *a = "10.0.0.1", *z = "10.0.0.2";
	/* echo request, id abcd */
	size_t n = tu_icmp(b, a, z, 8, 0, "ping", 4);
	b[20 + 4] = 0xab;
	b[20 + 5] = 0xcd;
	assert_int_equal(run(b, n), 1u << 8);
	b[20 + 5] = 0xce;
	assert_int_equal(run(b, n), 0);
	/* a timestamp request: its three timestamps are the header's, so the
	 * payload after them does not have the originate timestamp */
	static const uint8_t ts[12] = { 0x11, 0x22, 0x33, 0x44 };
	n = tu_icmp(b, a, z, 13, 0, ts, sizeof(ts));
	assert_int_equal(run(b, n), 1u << 9);
	/* cut short, it keeps its 8-byte header: the bytes are payload */
	n = tu_icmp(b, a, z, 13, 0, ts, 8);
	assert_int_equal(run(b, n), 1u << 10);
	/* a router advertisement: its 2 addresses of 2 words are its header,
	 * if they are all there */
	static const uint8_t adv[16] = { 0 };
	n = tu_icmp(b, a, z, 9, 0, adv, sizeof(adv));
	b[20 + 4] = 2;
	b[20 + 5] = 2;
	assert_int_equal(run(b, n), 1u << 13);
	b[20 + 4] = 3;
	assert_int_equal(run(b, n), 0);
	/* ICMPv6 echo request: 8 bytes, and no icmpv4.hdr */
	n = tu_icmp6(b, "2001:db8::1", "2001:db8::2", 128, 0, "\xab\xcd", 2);
	assert_int_equal(run(b, n), 1u << 11 | 1u << 12);
	n = tu_icmp6(b, "2001:db8::1", "2001:db8::2", 129, 0, "", 0);
	assert_int_equal(run(b, n), 1u << 12);
	/* shorter than 8 bytes: no header buffer */
	n = tu_icmp6(b, "2001:db8::1", "2001:db8::2", 128, 0, "", 0) - 2;
	b[5] = 6;
	assert_int_equal(run(b, n), 0);
}

/* the payload contents of a header-buffer rule: the packet's */
static void with_payload(void **state)
{
	(void)state;
	uint8_t b[512];
	size_t n = tcp_opts(b, 0, 40021, 0x18, "", 0, "knock knock");
	b[20 + 14] = 0x12;
	b[20 + 15] = 0x34;	/* window */
	assert_int_equal(run(b, n), 1u << 5);
	n = tcp_opts(b, 0, 40022, 0x18, "", 0, "hello");
	b[20 + 14] = 0x12;
	b[20 + 15] = 0x34;
	assert_int_equal(run(b, n), 0);
}

static void app_rule(void **state)
{
	(void)state;
	/* first of the tests: tu_conn's clock starts at 0, before run()'s */
	struct snet_inspect_worker *w = W;
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 80);
	tu_conn_send(&c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27, &v);
	assert_true(tu_has_sid(&v, 7));
	/* the same bytes on a flow that speaks SSH */
	struct tu_conn d = { 0 };
	d.v6 = 1;
	tu_conn_open(&d, w, 81);
	tu_conn_send(&d, "SSH-2.0-x\r\n", 11, &v);
	tu_conn_send(&d, "GET / HTTP/1.1\r\n\r\n", 18, &v);
	assert_false(tu_has_sid(&v, 7));
}

static int setup(void **state)
{
	(void)state;
	tu_setup(RULES, &RS, &W);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_teardown(&RS, &W);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(app_rule),
		cmocka_unit_test(tcp_header),
		cmocka_unit_test(ip_headers),
		cmocka_unit_test(with_payload),
		cmocka_unit_test(mss),
		cmocka_unit_test(icmp_headers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
