// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IP fragment reassembly (defrag.c): a pattern split across fragments is
 * found in the datagram made whole (TCP, UDP and DNS, IPv4 and IPv6, in
 * and out of order), overlaps keep the bytes that came first and count
 * the conflicts, every limit (memory, time, length, fragment count) is
 * counted, and the fragments themselves are still inspected as IP packets
 * (fragbits, fragoffset).  Every case checks the counters' invariant.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;
static uint64_t calls;		/* packets given to the worker */

static void setup_with(const char *rules, const char *const *kv)
{
	RS = tu_load_ok(rules, kv);
	assert_non_null(RS);
	W = tu_worker(RS);
	assert_non_null(W);
	calls = 0;
}

static void teardown(void)
{
	tu_teardown(&RS, &W);
}

static struct snet_inspect_stats stats(void)
{
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(W, &st);
	return st;
}

/* the documented invariant, and a reassembled datagram as one packet more */
static void check_invariant(void)
{
	struct snet_inspect_stats st = stats();
	assert_int_equal(st.packets_seen, st.packets_scanned + st.packets_bypassed +
					  st.packets_flow_dropped + st.packets_invalid);
	assert_int_equal(st.packets_seen, calls + st.defrag_reassembled);
	assert_int_equal(st.packets_seen, st.verdict_accept + st.verdict_drop +
					  st.verdict_reject + st.verdict_pass);
}

static double now_s;

static int send_at(const uint8_t *pkt, size_t n, double t, struct snet_inspect_verdict *v)
{
	struct snet_inspect_verdict tmp;
	if (!v)
		v = &tmp;
	struct timespec ts = { 1700000000 + (time_t)t, (long)((t - (double)(long)t) * 1e9) };
	calls++;
	assert_int_equal(snet_inspect_worker_packet(W, pkt, n, &ts, NULL, v), 0);
	return v->action;
}

static int send_pkt(const uint8_t *pkt, size_t n, struct snet_inspect_verdict *v)
{
	now_s += 0.001;
	return send_at(pkt, n, now_s, v);
}

/*
 * Bytes [off, off + n) of the IPv4 packet whole's payload as a fragment
 * with identification id; MF if more.
 */
static size_t frag4(uint8_t *out, const uint8_t *whole, size_t off, size_t n, bool more,
		    uint16_t id)
{
	memcpy(out, whole, 20);
	memcpy(out + 20, whole + 20 + off, n);
	size_t tot = 20 + n;
	out[2] = (uint8_t)(tot >> 8);
	out[3] = (uint8_t)tot;
	out[4] = (uint8_t)(id >> 8);
	out[5] = (uint8_t)id;
	uint16_t fo = (uint16_t)(off / 8) | (more ? 0x2000 : 0);
	out[6] = (uint8_t)(fo >> 8);
	out[7] = (uint8_t)fo;
	return tot;
}

/*
 * The same for IPv6: whole is a packet without extension headers (its
 * next header is the fragmentable part's first), cut at its payload's
 * [off, off + n); hbh puts a hop-by-hop header before the fragment header
 * (in the unfragmentable part).
 */
static size_t frag6(uint8_t *out, const uint8_t *whole, bool hbh, size_t off, size_t n,
		    bool more, uint32_t id)
{
	memcpy(out, whole, 40);
	size_t h = 40;
	if (hbh) {
		static const uint8_t pad[8] = { 44, 0, 1, 4, 0, 0, 0, 0 };	/* PadN */
		out[6] = 0;
		memcpy(out + 40, pad, 8);
		h = 48;
	} else {
		out[6] = 44;
	}
	uint8_t *fh = out + h;
	uint16_t fo = (uint16_t)off | (more ? 1 : 0);
	fh[0] = whole[6];
	fh[1] = 0;
	fh[2] = (uint8_t)(fo >> 8);
	fh[3] = (uint8_t)fo;
	for (int i = 0; i < 4; i++)
		fh[4 + i] = (uint8_t)(id >> (24 - 8 * i));
	memcpy(fh + 8, whole + 40 + off, n);
	size_t pl = h - 40 + 8 + n;
	out[4] = (uint8_t)(pl >> 8);
	out[5] = (uint8_t)pl;
	return h + 8 + n;
}

/* a client data segment of c, as the next one in its stream (not sent) */
static size_t segment(struct tu_conn *c, uint8_t *buf, const char *data)
{
	size_t n = strlen(data);
	size_t len = c->v6 ? tu_tcp(buf, 1, "2001:db8:1::1", "2001:db8:2::1", 1234, c->dport,
				    c->cseq, c->sseq, 0x18, data, n) :
			     tu_tcp(buf, 0, "10.0.0.1", "192.0.2.1", 1234, c->dport, c->cseq,
				    c->sseq, 0x18, data, n);
	c->cseq += (uint32_t)n;
	return len;
}

/* ---- IPv4 TCP: the content split between two fragments ---- */

static void ipv4_tcp_split(void **state)
{
	(void)state;
	setup_with("drop tcp any any -> any 80 (msg:\"split\"; flow:established,to_server; "
		   "content:\"EVILCONTENT\"; sid:1;)\n"
		   "alert ip any any -> any any (msg:\"whole\"; content:\"EVILCONTENT\"; sid:2;)\n"
		   "alert ip any any -> any any (msg:\"half\"; content:\"XEVIL\"; sid:3;)\n",
		   NULL);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 80);
	calls += 3;
	/* the first 32 bytes: the TCP header and "GET XEVILCON"; the second
	 * fragment starts at "TENT" */
	uint8_t whole[256], f[256];
	size_t n = segment(&c, whole, "GET XEVILCONTENT HTTP/1.0\r\n\r\n");
	size_t pl = n - 20;
	size_t m = frag4(f, whole, 0, 32, true, 7);
	assert_int_equal(send_pkt(f, m, &v), SNET_INSPECT_ACCEPT);
	/* the fragment alone has no payload (Suricata's): not even its half
	 * matches, and the whole content is in neither fragment */
	assert_false(tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	m = frag4(f, whole, 32, pl - 32, false, 7);
	assert_int_equal(send_pkt(f, m, &v), SNET_INSPECT_DROP);
	assert_true(tu_has_sid(&v, 1));
	assert_true(tu_has_sid(&v, 2));	/* the datagram's TCP payload */
	assert_true(tu_has_sid(&v, 3));	/* the datagram's */
	assert_int_equal(tu_eve_count("select(.alert.signature_id==3)"), 1);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .src_port==1234 and "
				      ".dest_port==80 and .proto==\"TCP\")"), 1);
	struct snet_inspect_stats st = stats();
	assert_int_equal(st.defrag_fragments, 2);
	assert_int_equal(st.defrag_reassembled, 1);
	assert_int_equal(st.defrag_memory, 0);
	/* the datagram went through the flow: the flow is dropped now */
	n = segment(&c, whole, "more");
	assert_int_equal(send_pkt(whole, n, &v), SNET_INSPECT_DROP);
	assert_int_equal(stats().packets_flow_dropped, 1);
	assert_int_equal(stats().flows_created, 1);	/* fragments make no flow */
	check_invariant();
	teardown();
}

/* the same split without the second fragment: nothing is found */
static void ipv4_tcp_incomplete(void **state)
{
	(void)state;
	setup_with("alert tcp any any -> any 80 (msg:\"split\"; content:\"EVILCONTENT\"; "
		   "sid:1;)\n", NULL);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 80);
	calls += 3;
	uint8_t whole[256], f[256];
	size_t n = segment(&c, whole, "GET XEVILCONTENT HTTP/1.0\r\n\r\n");
	size_t m = frag4(f, whole, 32, n - 20 - 32, false, 9);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	assert_int_equal(stats().defrag_reassembled, 0);
	assert_true(stats().defrag_memory > 0);
	/* the end of input: given up, counted */
	snet_inspect_worker_expire(W, NULL);
	assert_int_equal(stats().defrag_timeouts, 1);
	assert_int_equal(stats().defrag_memory, 0);
	check_invariant();
	teardown();
}

/* ---- IPv4 UDP: a DNS query in two fragments ---- */

static const uint8_t dns_q[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	4, 'e', 'v', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0, 1, 0, 1,
};

static void ipv4_udp_dns(void **state)
{
	(void)state;
	setup_with("alert dns any any -> any any (msg:\"q\"; dns.query; "
		   "content:\"evil.example.com\"; sid:1;)\n", NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "10.0.0.53", 5353, 53, dns_q, sizeof(dns_q));
	size_t m = frag4(f, whole, 0, 16, true, 0x4242);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	m = frag4(f, whole, 16, n - 20 - 16, false, 0x4242);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .app_proto==\"dns\" and "
				      ".dns.query[0].rrname==\"evil.example.com\" and "
				      ".src_port==5353 and .dest_port==53)"), 1);
	assert_int_equal(stats().flows_created, 1);
	check_invariant();
	teardown();
}

/* ---- out of order: the last fragment first ---- */

static void out_of_order(void **state)
{
	(void)state;
	setup_with("alert udp any any -> any 9999 (msg:\"o\"; content:\"ABCDEFGHIJKLMNOP\"; "
		   "sid:1;)\n", NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	/* UDP header and 40 bytes: fragments of 16, 16 and 16 */
	static const char data[] = "xxxxxxxxABCDEFGHIJKLMNOPyyyyyyyyzzzzzzzz";
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, data, 40);
	size_t pl = n - 20;
	size_t m = frag4(f, whole, 32, pl - 32, false, 5);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	m = frag4(f, whole, 16, 16, true, 5);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	m = frag4(f, whole, 0, 16, true, 5);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(stats().defrag_reassembled, 1);
	assert_int_equal(stats().defrag_overlaps, 0);
	check_invariant();
	teardown();
}

/* ---- IPv6: hop-by-hop before the fragment header, options after ---- */

static void ipv6_tcp(void **state)
{
	(void)state;
	setup_with("alert tcp any any -> any 80 (msg:\"v6\"; flow:established,to_server; "
		   "content:\"EVILCONTENT\"; sid:1;)\n", NULL);
	struct tu_conn c = { .v6 = 1 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 80);
	calls += 3;
	uint8_t whole[256], f[256];
	size_t n = segment(&c, whole, "GET XEVILCONTENT HTTP/1.0\r\n\r\n");
	size_t pl = n - 40;
	/* without an extension header, out of order */
	size_t m = frag6(f, whole, false, 24, pl - 24, false, 0x01020304);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	m = frag6(f, whole, false, 0, 24, true, 0x01020304);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	/* with a hop-by-hop header before it: the next header byte that named
	 * the fragment header names TCP in the datagram */
	n = segment(&c, whole, "GET XEVILCONTENT HTTP/1.0\r\n\r\n");
	m = frag6(f, whole, true, 0, 24, true, 0x01020305);
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	m = frag6(f, whole, true, 24, pl - 24, false, 0x01020305);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(stats().defrag_reassembled, 2);
	assert_int_equal(stats().flows_created, 1);
	check_invariant();
	teardown();
}

/* destination options in the fragmentable part, split from the TCP header */
static void ipv6_dstopts_after(void **state)
{
	(void)state;
	setup_with("alert tcp any any -> any 80 (msg:\"v6\"; content:\"SECRET\"; sid:1;)\n"
		   "alert udp any any -> any any (msg:\"v6u\"; content:\"SECRET\"; sid:2;)\n",
		   NULL);
	uint8_t whole[256], f[256], seg[256];
	struct snet_inspect_verdict v;
	/* an IPv6 TCP SYN-less segment with midstream pickup: destination
	 * options (16 bytes), then TCP */
	size_t n = tu_tcp(seg, 1, "2001:db8:1::7", "2001:db8:2::7", 4321, 80, 1, 1, 0x18,
			  "xxSECRETxx", 10);
	memcpy(whole, seg, 40);
	whole[6] = 60;
	uint8_t dopt[16] = { 6, 1, 1, 12 };	/* PadN over the rest */
	memcpy(whole + 40, dopt, 16);
	memcpy(whole + 56, seg + 40, n - 40);
	size_t pl = n - 40 + 16;
	whole[4] = (uint8_t)(pl >> 8);
	whole[5] = (uint8_t)pl;
	/* the first fragment ends inside the options header */
	size_t m = frag6(f, whole, true, 0, 8, true, 77);
	send_pkt(f, m, &v);
	assert_int_equal(stats().packets_invalid, 0);
	assert_int_equal(v.nalerts, 0);
	m = frag6(f, whole, true, 8, pl - 8, false, 77);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	assert_int_equal(stats().defrag_reassembled, 1);
	check_invariant();
	teardown();
}

/* ---- overlaps: the bytes held first win ---- */

static void overlap_conflict(void **state)
{
	(void)state;
	setup_with("alert udp any any -> any 9999 (msg:\"good\"; content:\"GOODGOOD\"; sid:1;)\n"
		   "alert udp any any -> any 9999 (msg:\"evil\"; content:\"EVILEVIL\"; sid:2;)\n",
		   NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999,
			  "AAAAAAAAGOODGOODZZZZZZZZ", 24);
	size_t m = frag4(f, whole, 0, 16, true, 11);
	send_pkt(f, m, &v);
	m = frag4(f, whole, 16, 8, true, 11);	/* GOODGOOD */
	send_pkt(f, m, &v);
	/* the same place again with other bytes, and spilling into a gap */
	uint8_t evil[64];
	memcpy(evil, whole, n);
	memcpy(evil + 20 + 16, "EVILEVILZZZZZZZZ", 16);
	m = frag4(f, evil, 16, 16, true, 11);
	send_pkt(f, m, &v);
	struct snet_inspect_stats st = stats();
	assert_int_equal(st.defrag_overlaps, 1);
	assert_int_equal(st.defrag_overlap_conflicts, 1);
	/* the last fragment: its bytes overlap what is held, the same bytes */
	m = frag4(f, whole, 24, 8, false, 11);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	st = stats();
	assert_int_equal(st.defrag_overlaps, 2);
	assert_int_equal(st.defrag_overlap_conflicts, 1);
	assert_int_equal(st.defrag_reassembled, 1);
	check_invariant();
	teardown();
}

static void duplicate(void **state)
{
	(void)state;
	setup_with("alert udp any any -> any 9999 (msg:\"d\"; content:\"AAAABBBB\"; sid:1;)\n",
		   NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	size_t m = frag4(f, whole, 0, 16, true, 12);
	send_pkt(f, m, &v);
	send_pkt(f, m, &v);		/* the same again */
	assert_int_equal(stats().defrag_overlaps, 1);
	assert_int_equal(stats().defrag_overlap_conflicts, 0);
	m = frag4(f, whole, 16, n - 36, false, 12);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	/* the datagram is gone once whole: a late copy starts another,
	 * which never completes */
	send_pkt(f, m, &v);
	assert_int_equal(v.nalerts, 0);
	assert_int_equal(stats().defrag_reassembled, 1);
	check_invariant();
	teardown();
}

/* a second last fragment that ends elsewhere, and data past the end */
static void end_conflict(void **state)
{
	(void)state;
	setup_with("alert udp any any -> any 9999 (msg:\"e\"; content:\"AAAABBBB\"; sid:1;)\n",
		   NULL);
	uint8_t whole[256], f[256], longer[256];
	struct snet_inspect_verdict v;
	tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	tu_udp(longer, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBBCCCCCCCC", 24);
	size_t m = frag4(f, whole, 16, 8, false, 13);	/* ends at 24 */
	send_pkt(f, m, &v);
	m = frag4(f, longer, 16, 16, false, 13);	/* says 32 */
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_overlap_conflicts, 2);	/* the end, the bytes past it */
	m = frag4(f, whole, 0, 16, true, 13);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(stats().defrag_reassembled, 1);
	check_invariant();
	teardown();
}

/* ---- limits ---- */

static void memcap(void **state)
{
	(void)state;
	const char *kv[] = { "defrag-memcap", "4kb", NULL };
	setup_with("alert udp any any -> any 9999 (msg:\"m\"; content:\"END!\"; sid:1;)\n", kv);
	static uint8_t whole[8192], f[8192];
	char data[3000];
	memset(data, 'a', sizeof(data));
	memcpy(data + sizeof(data) - 4, "END!", 4);
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, data, sizeof(data));
	/* datagram 1: 2400 bytes held */
	size_t m = frag4(f, whole, 0, 2400, true, 1);
	send_pkt(f, m, &v);
	assert_true(stats().defrag_memory >= 2400);
	/* datagram 2: 2400 more do not fit under 4 KiB */
	m = frag4(f, whole, 0, 2400, true, 2);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_memcap, 1);
	/* datagram 1 completes; datagram 2 stays dropped from reassembly */
	m = frag4(f, whole, 2400, n - 20 - 2400, false, 1);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	m = frag4(f, whole, 2400, n - 20 - 2400, false, 2);
	send_pkt(f, m, &v);
	assert_false(tu_has_sid(&v, 1));
	struct snet_inspect_stats st = stats();
	assert_int_equal(st.defrag_reassembled, 1);
	assert_int_equal(st.defrag_memcap, 1);
	assert_true(st.defrag_memory < 1024);	/* datagram 2's empty context */
	check_invariant();
	/* a memory cap of 0: nothing is held, everything counted */
	teardown();
	const char *zero[] = { "defrag-memcap", "0", NULL };
	setup_with("alert udp any any -> any 9999 (msg:\"m\"; content:\"END!\"; sid:1;)\n", zero);
	m = frag4(f, whole, 0, 2400, true, 1);
	send_pkt(f, m, &v);
	m = frag4(f, whole, 2400, n - 20 - 2400, false, 1);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_memcap, 2);
	assert_int_equal(stats().defrag_reassembled, 0);
	check_invariant();
	teardown();
}

static void timeout(void **state)
{
	(void)state;
	const char *kv[] = { "defrag-timeout", "10", NULL };
	setup_with("alert udp any any -> any 9999 (msg:\"t\"; content:\"AAAABBBB\"; sid:1;)\n", kv);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	size_t m = frag4(f, whole, 0, 16, true, 21);
	send_at(f, m, 100, &v);
	/* its second half 11 s later: the first is gone */
	m = frag4(f, whole, 16, n - 36, false, 21);
	send_at(f, m, 111, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_int_equal(stats().defrag_timeouts, 1);
	assert_int_equal(stats().defrag_reassembled, 0);
	/* within the timeout it completes */
	m = frag4(f, whole, 0, 16, true, 21);
	send_at(f, m, 115, &v);
	assert_true(tu_has_sid(&v, 1));
	/* the periodic expiry frees a datagram left incomplete */
	m = frag4(f, whole, 0, 16, true, 22);
	send_at(f, m, 200, &v);
	assert_true(stats().defrag_memory > 0);
	struct timespec later = { 1700000000 + 211, 0 };
	snet_inspect_worker_expire(W, &later);
	assert_int_equal(stats().defrag_timeouts, 2);
	assert_int_equal(stats().defrag_memory, 0);
	/* and the worker's own expiry, on a later packet's time */
	m = frag4(f, whole, 0, 16, true, 23);
	send_at(f, m, 300, &v);
	size_t k = tu_udp(f, "10.0.0.4", "192.0.2.9", 4000, 9999, "x", 1);
	send_at(f, k, 320, &v);
	assert_int_equal(stats().defrag_timeouts, 3);
	check_invariant();
	teardown();
}

static void too_large(void **state)
{
	(void)state;
	setup_with("alert ip any any -> any any (msg:\"fo\"; fragoffset:>0; sid:1;)\n", NULL);
	uint8_t whole[4096], f[4096];
	struct snet_inspect_verdict v;
	memset(whole, 'z', sizeof(whole));
	tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "", 0);
	/* offset 65528 and 16 bytes: past 65535 with the header */
	size_t m = frag4(f, whole, 0, 16, false, 31);
	f[6] = 0x1f, f[7] = 0xff;
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));	/* still inspected as a fragment */
	assert_int_equal(stats().defrag_too_large, 1);
	/* the 257th fragment of a datagram */
	for (unsigned i = 0; i < 256; i++) {
		m = frag4(f, whole, i * 8, 8, true, 32);
		send_pkt(f, m, &v);
	}
	assert_int_equal(stats().defrag_too_large, 1);
	m = frag4(f, whole, 256 * 8, 8, false, 32);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_too_large, 2);
	assert_int_equal(stats().defrag_reassembled, 0);
	/* dropped: its data is freed, later fragments are ignored */
	assert_true(stats().defrag_memory < 1024);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_too_large, 2);
	/* IPv6: a payload past 65535 */
	uint8_t w6[128];
	tu_tcp(w6, 1, "2001:db8::1", "2001:db8::2", 1, 2, 1, 1, 0x10, "abcdefgh", 8);
	m = frag6(f, w6, false, 0, 16, false, 5);
	f[42] = 0xff, f[43] = 0xf8;	/* offset 65528 */
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_too_large, 3);
	check_invariant();
	teardown();
}

/* ---- malformed fragments: counted, inspected, never held ---- */

static void malformed(void **state)
{
	(void)state;
	setup_with("alert ip any any -> any any (msg:\"M\"; fragbits:M; sid:1;)\n", NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	/* 12 bytes with more to come: not a multiple of 8 */
	size_t m = frag4(f, whole, 0, 12, true, 41);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(stats().defrag_invalid, 1);
	/* empty */
	m = frag4(f, whole, 8, 0, true, 41);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_invalid, 2);
	assert_int_equal(stats().defrag_memory, 0);
	/* an IPv6 fragment header cut short: the packet is invalid */
	uint8_t w6[128];
	size_t k = tu_tcp(w6, 1, "2001:db8::1", "2001:db8::2", 1, 2, 1, 1, 0x10, "", 0);
	m = frag6(f, w6, false, 0, 0, true, 5);
	f[4] = 0, f[5] = 4;
	send_pkt(f, 44, &v);
	assert_int_equal(stats().packets_invalid, 1);
	(void)k;
	/* a datagram whole whose UDP length is wrong: invalid as a packet */
	whole[20 + 4] = 0x40;	/* UDP length 16384 */
	m = frag4(f, whole, 0, 16, true, 42);
	send_pkt(f, m, &v);
	m = frag4(f, whole, 16, n - 36, false, 42);
	send_pkt(f, m, &v);
	assert_int_equal(stats().defrag_reassembled, 1);
	assert_int_equal(stats().packets_invalid, 2);
	check_invariant();
	teardown();
}

/* ---- the fragments themselves: fragbits, fragoffset ---- */

static void fragment_keywords(void **state)
{
	(void)state;
	setup_with("alert ip any any -> any any (msg:\"M\"; fragbits:M; sid:1;)\n"
		   "alert ip any any -> any any (msg:\"fo\"; fragoffset:>0; sid:2;)\n"
		   "alert ip any any -> any any (msg:\"not M\"; fragbits:!M; sid:3;)\n"
		   "alert udp any any -> any 9999 (msg:\"u\"; content:\"BBBB\"; sid:4;)\n"
		   /* any port: the content is whole in the second fragment */
		   "alert udp any any -> any any (msg:\"any\"; content:\"AAAABBBB\"; sid:5;)\n",
		   NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	size_t m = frag4(f, whole, 0, 16, true, 51);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	assert_false(tu_has_sid(&v, 3));
	m = frag4(f, whole, 16, n - 36, false, 51);
	send_pkt(f, m, &v);
	/* the fragment: offset, no M; the datagram: no M, offset 0, UDP */
	assert_false(tu_has_sid(&v, 1));
	assert_true(tu_has_sid(&v, 2));
	assert_true(tu_has_sid(&v, 3));
	assert_true(tu_has_sid(&v, 4));
	assert_true(tu_has_sid(&v, 5));
	/* 2, 3 on the fragment; 3, 4, 5 on the datagram: a fragment has no
	 * payload, so 5 is not reported twice */
	assert_int_equal(v.nalerts, 5);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==3)"), 2);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==5)"), 1);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==4 and .src_port==4000)"), 1);
	/* a fragment's alert: its protocol, no ports (it has no UDP header) */
	assert_int_equal(tu_eve_count("select(.alert.signature_id==2 and .proto==\"UDP\" and "
				      "(has(\"src_port\") or has(\"dest_port\") | not))"), 1);
	check_invariant();
	teardown();
}

/* flow:only_frag and flow:no_frag: whether the packet is a datagram
 * defrag.c rebuilt (Suricata's PKT_REBUILT_FRAGMENT) */
static void flow_frag_options(void **state)
{
	(void)state;
	setup_with("alert udp any any -> any any (msg:\"only\"; flow:only_frag; "
		   "content:\"AAAABBBB\"; sid:1;)\n"
		   "alert udp any any -> any any (msg:\"no\"; flow:no_frag; content:\"AAAABBBB\"; "
		   "sid:2;)\n"
		   /* a fragment is not a rebuilt datagram */
		   "alert ip any any -> any any (msg:\"frag\"; flow:no_frag; fragbits:M; sid:3;)\n"
		   "alert ip any any -> any any (msg:\"frag only\"; flow:only_frag; fragbits:M; "
		   "sid:4;)\n", NULL);
	uint8_t whole[256], f[256];
	struct snet_inspect_verdict v;
	size_t n = tu_udp(whole, "10.0.0.3", "192.0.2.9", 4000, 9999, "xxxxxxxxAAAABBBB", 16);
	size_t m = frag4(f, whole, 0, 16, true, 52);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 3));
	assert_false(tu_has_sid(&v, 4));
	m = frag4(f, whole, 16, n - 36, false, 52);
	send_pkt(f, m, &v);
	assert_true(tu_has_sid(&v, 1));
	assert_false(tu_has_sid(&v, 2));
	/* the same datagram whole, never fragmented */
	send_pkt(whole, n, &v);
	assert_false(tu_has_sid(&v, 1));
	assert_true(tu_has_sid(&v, 2));
	check_invariant();
	teardown();
}

/* the config keys: their values and their refusals */
static void config_keys(void **state)
{
	(void)state;
	struct snet_inspect_config *cfg;
	assert_int_equal(snet_inspect_config_new(&cfg), 0);
	assert_int_equal(cfg->defrag_memcap, 16u << 20);
	assert_int_equal(cfg->defrag_timeout, 60);
	assert_int_equal(snet_inspect_config_set(cfg, "defrag-memcap", "32mb"), 0);
	assert_int_equal(cfg->defrag_memcap, 32u << 20);
	assert_int_equal(snet_inspect_config_set(cfg, "defrag-timeout", "30"), 0);
	assert_int_equal(cfg->defrag_timeout, 30);
	assert_int_equal(snet_inspect_config_set(cfg, "defrag-timeout", "0"), -EINVAL);
	assert_int_equal(snet_inspect_config_set(cfg, "defrag-memcap", "lots"), -EINVAL);
	snet_inspect_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_tcp_split),
		cmocka_unit_test(ipv4_tcp_incomplete),
		cmocka_unit_test(ipv4_udp_dns),
		cmocka_unit_test(out_of_order),
		cmocka_unit_test(ipv6_tcp),
		cmocka_unit_test(ipv6_dstopts_after),
		cmocka_unit_test(overlap_conflict),
		cmocka_unit_test(duplicate),
		cmocka_unit_test(end_conflict),
		cmocka_unit_test(memcap),
		cmocka_unit_test(timeout),
		cmocka_unit_test(too_large),
		cmocka_unit_test(malformed),
		cmocka_unit_test(fragment_keywords),
		cmocka_unit_test(flow_frag_options),
		cmocka_unit_test(config_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
