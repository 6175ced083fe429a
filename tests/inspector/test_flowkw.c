// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keywords that test what a flow has become: stream_size, flow.age,
 * flow.pkts, flow.bytes, app-layer-protocol, ssl_version, ssl_state, ftpbounce, xbits, tag; and the packet
 * keywords fragoffset and asn1 inside whole rules.  Each case has flows
 * that must alert and flows that must not, in the forms ET Open uses.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

static void setup_rules(const char *rules)
{
	tu_setup(rules, &RS, &W);
}

static void teardown_rules(void)
{
	tu_teardown(&RS, &W);
}

/* the sids 1..31 of a verdict, as bits */
static uint32_t sids(const struct snet_inspect_verdict *v)
{
	uint32_t m = 0;
	for (uint32_t sid = 1; sid < 32; sid++)
		if (tu_has_sid(v, sid))
			m |= 1u << sid;
	return m;
}

#define S(x) (1u << (x))

/* ---- stream_size ---- */

static void stream_size(void **state)
{
	(void)state;
	static const char hello[] = "\x05\x00\x00\x00\x00\xff\xff\xff\xff";
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;

	/* ET's AeroAdmin rule: the server's first 9 bytes, the client silent */
	setup_rules("alert tcp any 443 -> any any (msg:\"aero\"; flow:established,to_client; "
		    "dsize:9; stream_size:client,=,1; stream_size:server,=,10; "
		    "content:\"|05 00 00 00 00 ff ff ff ff|\"; depth:9; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"both\"; stream_size:both,>=,2; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"either\"; stream_size:either,>,11; sid:3;)\n"
		    "alert tcp any any -> any any (msg:\"le\"; stream_size:server,<=,1; "
		    "stream_size:client,!=,1; sid:4;)\n"
		    "alert udp any any -> any any (msg:\"udp\"; stream_size:client,>=,0; sid:5;)\n");
	tu_conn_open(&c, W, 443);
	tu_conn_reply(&c, hello, 9, &v);
	assert_int_equal(sids(&v), S(1));
	/* now the server is at 10: a client byte makes both >= 2 */
	tu_conn_send(&c, "x", 1, &v);
	assert_int_equal(sids(&v), S(2));
	tu_conn_reply(&c, "yy", 2, &v);
	assert_int_equal(sids(&v), S(2) | S(3));
	teardown_rules();

	/* the same 9 bytes after a client byte, or as the server's second
	 * data: not the rule's moment */
	setup_rules("alert tcp any 443 -> any any (msg:\"aero\"; flow:established,to_client; "
		    "dsize:9; stream_size:client,=,1; stream_size:server,=,10; "
		    "content:\"|05 00 00 00 00 ff ff ff ff|\"; depth:9; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"le\"; stream_size:server,<=,1; "
		    "stream_size:client,!=,1; sid:4;)\n"
		    "alert udp any any -> any any (msg:\"udp\"; stream_size:client,>=,0; sid:5;)\n");
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, "x", 1, &v);
	assert_int_equal(sids(&v), S(4));	/* server 1 (its SYN), client 2 */
	tu_conn_reply(&c, hello, 9, &v);
	assert_int_equal(sids(&v), 0);
	tu_conn_open(&c, W, 443);
	tu_conn_reply(&c, "z", 1, &v);
	tu_conn_reply(&c, hello, 9, &v);
	assert_int_equal(sids(&v), 0);
	/* a UDP packet has no stream */
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 5000, 5001, "x", 1, &v);
	assert_int_equal(sids(&v), 0);
	teardown_rules();
}

/* ---- flow.age, flow.pkts, flow.bytes ---- */

/*
 * The flow's counters on each packet, this one included: packets and IP
 * bytes per direction, the age in whole seconds.  Such a rule is a packet
 * rule: its content is the packet's, not the stream's.
 */
static void flow_counters(void **state)
{
	(void)state;
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	setup_rules("alert tcp any any -> any any (msg:\"3rd\"; flow:to_server; "
		    "flow.pkts_toserver:3; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"bytes\"; flow.bytes_toclient:>100; "
		    "content:\"ABCD\"; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"age\"; flow.age:>=5; content:\"late\"; "
		    "sid:3;)\n"
		    "alert tcp any any -> any any (msg:\"either\"; flow.pkts:either,5; sid:4;)\n"
		    "alert udp any any -> any any (msg:\"udp\"; flow.pkts_toclient:0; "
		    "flow.bytes:toserver,29-31; sid:5;)\n"
		    "alert ip any any -> any any (msg:\"flowless\"; flow.age:<1000; itype:8; sid:6;)\n");
	tu_conn_open(&c, W, 80);	/* SYN, SYN/ACK, ACK: 2 and 1 packets */
	tu_conn_send(&c, "late", 4, &v);
	assert_int_equal(sids(&v), S(1));	/* the third to the server, at 0 s */
	/* the server's 40 + 42 + 42 bytes pass 100 with "CD", but the rule
	 * is a packet's: "ABCD" across two segments is not in one */
	tu_conn_reply(&c, "AB", 2, &v);
	assert_int_equal(sids(&v), 0);
	tu_conn_reply(&c, "CD", 2, &v);
	assert_int_equal(sids(&v), 0);
	tu_conn_reply(&c, "ABCD", 4, &v);
	assert_int_equal(sids(&v), S(2));
	tu_conn_reply(&c, "y", 1, &v);		/* the fifth to the client */
	assert_int_equal(sids(&v), S(4));
	c.t = 7;
	tu_conn_send(&c, "late", 4, &v);	/* the fifth to the server, at 7 s */
	assert_int_equal(sids(&v), S(3) | S(4));
	/* UDP: the first datagram, 28 + 2 bytes; not the reply */
	tu_udp_send(W, "10.0.0.1", "192.0.2.1", 5000, 5001, "hi", 1, &v);
	assert_int_equal(sids(&v), S(5));
	tu_udp_send(W, "192.0.2.1", "10.0.0.1", 5001, 5000, "hi", 1, &v);
	assert_int_equal(sids(&v), 0);
	/* a packet without a flow has no counters */
	uint8_t b[128];
	size_t n = tu_icmp(b, "10.0.0.1", "192.0.2.1", 8, 0, "x", 1);
	struct timespec ts = { 1700000010, 0 };
	assert_int_equal(snet_inspect_worker_packet(W, b, n, &ts, NULL, &v), 0);
	assert_int_equal(sids(&v), 0);
	teardown_rules();
}

/* ---- app-layer-protocol ---- */

static void app_layer_protocol(void **state)
{
	(void)state;
	static const char *rules =
		/* ET's "PE EXE or DLL Windows file download Non-HTTP" */
		"alert tcp any any -> any any (msg:\"pe\"; flow:established,to_client; "
		"content:\"MZ\"; byte_jump:4,58,relative,little; content:\"PE|00 00|\"; "
		"distance:-64; within:4; app-layer-protocol:!http; sid:1;)\n"
		"alert tcp any any -> any any (msg:\"http\"; flow:to_client; content:\"MZ\"; "
		"app-layer-protocol:http; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"failed\"; flow:to_client; content:\"MZ\"; "
		"app-layer-protocol:failed; sid:3;)\n"
		/* nothing but the protocol: once, when it is known */
		"alert tcp any any -> any any (msg:\"ftp\"; app-layer-protocol:ftp; sid:4;)\n"
		"alert udp any any -> any any (msg:\"dns\"; app-layer-protocol:dns; sid:5;)\n"
		"alert udp any any -> any any (msg:\"!dns\"; app-layer-protocol:!dns; sid:6;)\n";
	/* an MZ header: the byte_jump from 60 lands at 128, "PE\0\0" 64 before */
	char pe[140];
	memset(pe, 'A', sizeof(pe));
	memcpy(pe, "MZ", 2);
	pe[60] = 64, pe[61] = 0, pe[62] = 0, pe[63] = 0;
	memcpy(pe + 64, "PE\0\0", 4);
	char http[200];
	int hn = snprintf(http, sizeof(http), "HTTP/1.1 200 OK\r\nContent-Length: 140\r\n\r\n");
	memcpy(http + hn, pe, sizeof(pe));
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;

	setup_rules(rules);
	/* HTTP: the file is not reported by the non-HTTP rule */
	tu_conn_open(&c, W, 8080);
	tu_conn_send(&c, "GET /a.exe HTTP/1.1\r\nHost: a\r\n\r\n", 32, &v);
	assert_int_equal(sids(&v), 0);
	tu_conn_reply(&c, http, (size_t)hn + sizeof(pe), &v);
	assert_int_equal(sids(&v), S(2));
	/* a protocol nothing detects, the client first */
	tu_conn_open(&c, W, 7000);
	tu_conn_send(&c, "HELLO\r\n", 7, &v);
	assert_int_equal(sids(&v), 0);
	tu_conn_reply(&c, pe, sizeof(pe), &v);
	assert_int_equal(sids(&v), S(1) | S(3));
	/* the server first: its direction's first data named nothing */
	tu_conn_open(&c, W, 7001);
	tu_conn_reply(&c, pe, sizeof(pe), &v);
	assert_int_equal(sids(&v), S(1) | S(3));
	/* FTP: the rule with nothing else alerts on the packet that told */
	tu_conn_open(&c, W, 21);
	tu_conn_reply(&c, "220 (vsFTPd 3.0.3)\r\n", 20, &v);
	assert_int_equal(sids(&v), S(4));
	tu_conn_send(&c, "USER a\r\n", 8, &v);
	assert_int_equal(sids(&v), 0);
	/* DNS is known on its first packet; other UDP fails at once */
	uint8_t q[64] = { 0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t qn = 12;
	memcpy(q + qn, "\x01" "a\x07" "example\x00\x00\x01\x00\x01", 15);
	qn += 15;
	uint8_t pkt[128];
	size_t pn = tu_udp(pkt, "10.0.0.1", "192.0.2.53", 40000, 53, q, qn);
	struct timespec ts = { 1700000001, 0 };
	snet_inspect_worker_packet(W, pkt, pn, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(5));
	snet_inspect_worker_packet(W, pkt, pn, &ts, NULL, &v);
	assert_int_equal(sids(&v), 0);
	tu_udp_send(W, "10.0.0.1", "192.0.2.9", 40001, 9999, "x", 1.2, &v);
	assert_int_equal(sids(&v), S(6));
	teardown_rules();
}

/* ---- ssl_version and ssl_state ---- */

static size_t put_record(uint8_t *out, uint8_t type, uint16_t ver, const uint8_t *body,
			 size_t n)
{
	out[0] = type, out[1] = (uint8_t)(ver >> 8), out[2] = (uint8_t)ver;
	out[3] = (uint8_t)(n >> 8), out[4] = (uint8_t)n;
	memcpy(out + 5, body, n);
	return n + 5;
}

/* a handshake message: type, 24-bit length, body of n bytes of fill */
static size_t put_hs(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	out[0] = type, out[1] = 0, out[2] = (uint8_t)(n >> 8), out[3] = (uint8_t)n;
	if (body)
		memcpy(out + 4, body, n);
	else
		memset(out + 4, 0x5a, n);
	return n + 4;
}

/* ClientHello/ServerHello body: legacy version, then supported_versions
 * (a ClientHello's list, or a ServerHello's one selected version) */
static size_t hello_body(uint8_t *b, int server, uint16_t legacy, const uint16_t *sv, size_t nsv)
{
	size_t n = 0;
	b[n++] = (uint8_t)(legacy >> 8), b[n++] = (uint8_t)legacy;
	memset(b + n, 0x11, 32), n += 32;
	b[n++] = 0;				/* session id */
	if (server) {
		b[n++] = 0, b[n++] = 0x2f, b[n++] = 0;	/* suite, compression */
	} else {
		b[n++] = 0, b[n++] = 2, b[n++] = 0, b[n++] = 0x2f;
		b[n++] = 1, b[n++] = 0;
	}
	if (!nsv)
		return n;
	size_t el = server ? 2 : 1 + 2 * nsv;
	b[n++] = 0, b[n++] = (uint8_t)(4 + el);
	b[n++] = 0, b[n++] = 43, b[n++] = 0, b[n++] = (uint8_t)el;
	if (!server)
		b[n++] = (uint8_t)(2 * nsv);
	for (size_t i = 0; i < nsv; i++)
		b[n++] = (uint8_t)(sv[i] >> 8), b[n++] = (uint8_t)sv[i];
	return n;
}

static void ssl_version_state(void **state)
{
	(void)state;
	static const char *rules =
		/* ET's POODLE rules, as they are */
		"alert tcp $EXTERNAL_NET [443,465,993,995,25] -> $HOME_NET any (msg:\"poodle\"; "
		"flow:established,from_server; ssl_version:sslv3; ssl_state:server_hello; "
		"content:\"|16 03 00|\"; depth:3; sid:1;)\n"
		"alert tcp any any -> any any (msg:\"keyx\"; flow:from_server; "
		"ssl_state:server_keyx; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"!sh\"; flow:from_server; "
		"ssl_state:!server_hello; content:\"|16 03|\"; depth:2; sid:3;)\n"
		"alert tls any any -> any any (msg:\"13\"; flow:to_server; ssl_version:tls1.3; "
		"sid:4;)\n"
		"alert tls any any -> any any (msg:\"!13\"; ssl_version:!tls1.3,tls1.0; sid:5;)\n"
		/* ET's EXIM rule: the ClientHello event */
		"alert tls any any -> any any (msg:\"exim\"; flow:established,to_server; "
		"ssl_state:client_hello; tls_sni; content:\"|5c 00|\"; sid:6;)\n"
		"alert tcp any any -> any any (msg:\"ckx\"; flow:to_server; "
		"ssl_state:client_keyx|unknown; sid:7;)\n";
	uint8_t body[256], hs[1024], rec[1200];
	size_t n, h;
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;

	setup_rules(rules);
	/* SSLv3: ServerHello, Certificate, ServerHelloDone in one record */
	tu_conn_open(&c, W, 443);
	n = hello_body(body, 0, 0x0300, NULL, 0);
	h = put_hs(hs, 1, body, n);
	tu_conn_send(&c, (const char *)rec, put_record(rec, 22, 0x0300, hs, h), &v);
	assert_int_equal(sids(&v), S(5));	/* SSLv3 is neither 1.3 nor 1.0 */
	n = hello_body(body, 1, 0x0300, NULL, 0);
	h = put_hs(hs, 2, body, n);
	h += put_hs(hs + h, 11, NULL, 40);
	h += put_hs(hs + h, 14, NULL, 0);
	tu_conn_reply(&c, (const char *)rec, put_record(rec, 22, 0x0300, hs, h), &v);
	assert_int_equal(sids(&v), S(1) | S(5));
	/* the client's key exchange and CCS: client_keyx, then not any more */
	h = put_hs(hs, 16, NULL, 20);
	n = put_record(rec, 22, 0x0300, hs, h);
	n += put_record(rec + n, 20, 0x0300, (const uint8_t *)"\x01", 1);
	tu_conn_send(&c, (const char *)rec, n, &v);
	assert_int_equal(sids(&v), S(5) | S(7));
	n = put_record(rec, 22, 0x0300, (const uint8_t *)"encrypted-finished", 18);
	tu_conn_send(&c, (const char *)rec, n, &v);
	assert_int_equal(sids(&v), S(5));

	/* SSLv3 with a ServerKeyExchange after the hello: the state is keyx */
	tu_conn_open(&c, W, 465);
	n = hello_body(body, 1, 0x0300, NULL, 0);
	h = put_hs(hs, 2, body, n);
	h += put_hs(hs + h, 11, NULL, 40);
	h += put_hs(hs + h, 12, NULL, 30);
	h += put_hs(hs + h, 14, NULL, 0);
	tu_conn_reply(&c, (const char *)rec, put_record(rec, 22, 0x0300, hs, h), &v);
	assert_int_equal(sids(&v), S(2) | S(3) | S(5));

	/* TLS 1.2 on both sides: POODLE does not apply */
	tu_conn_open(&c, W, 993);
	n = hello_body(body, 0, 0x0303, NULL, 0);
	h = put_hs(hs, 1, body, n);
	tu_conn_send(&c, (const char *)rec, put_record(rec, 22, 0x0301, hs, h), &v);
	assert_int_equal(sids(&v), S(5));
	n = hello_body(body, 1, 0x0303, NULL, 0);
	h = put_hs(hs, 2, body, n);
	tu_conn_reply(&c, (const char *)rec, put_record(rec, 22, 0x0303, hs, h), &v);
	assert_int_equal(sids(&v), S(5));

	/* TLS 1.3: GREASE skipped, the first real supported version counts;
	 * the ServerHello's selected version is the server's */
	tu_conn_open(&c, W, 995);
	static const uint16_t offer[] = { 0x3a3a, 0x0304, 0x0303 };
	n = hello_body(body, 0, 0x0303, offer, 3);
	h = put_hs(hs, 1, body, n);
	tu_conn_send(&c, (const char *)rec, put_record(rec, 22, 0x0301, hs, h), &v);
	assert_int_equal(sids(&v), S(4));
	static const uint16_t pick[] = { 0x0304 };
	n = hello_body(body, 1, 0x0303, pick, 1);
	h = put_hs(hs, 2, body, n);
	tu_conn_reply(&c, (const char *)rec, put_record(rec, 22, 0x0303, hs, h), &v);
	assert_int_equal(sids(&v), 0);	/* no from_server rule is for 1.3 */

	/* a ClientHello with a server name ending in "\\\0": EXIM's rule */
	tu_conn_open(&c, W, 25);
	static const uint8_t sni[] = { 0, 0, 0, 9, 0, 7, 0, 0, 4, 'a', 'b', 0x5c, 0 };
	n = hello_body(body, 0, 0x0303, NULL, 0);
	body[n++] = 0, body[n++] = sizeof(sni);
	memcpy(body + n, sni, sizeof(sni)), n += sizeof(sni);
	h = put_hs(hs, 1, body, n);
	tu_conn_send(&c, (const char *)rec, put_record(rec, 22, 0x0301, hs, h), &v);
	assert_int_equal(sids(&v), S(5) | S(6));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==6 and .tls.sni==\"ab\\\\\\u0000\")"), 1);
	teardown_rules();
}

/* ---- ftpbounce ---- */

static void ftpbounce(void **state)
{
	(void)state;
	static const struct { const char *cmd; int hit; } c[] = {
		{ "PORT 10,0,0,1,4,1\r\n", 0 },		/* the client's own address */
		{ "PORT 192,0,2,99,0,21\r\n", 1 },	/* another host */
		{ "port 192,0,2,99,0,21\r\n", 1 },
		{ "PORT 1000,0,0,1,0,21\r\n", 0 },	/* four digits: not read */
		{ "PORT 192,0,2\r\n", 0 },
		{ "NOOP\r\nPORT 8,8,8,8,0,80\r\n", 1 },
		{ "PORT 8,8,8,8,0,80\r\nNOOP\r\n", 0 },	/* the last command counts */
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		static const char *rule =
			"alert tcp any any -> any 21 (msg:\"bounce\"; "
			"flow:to_server,established; content:\"PORT\"; nocase; ftpbounce; "
			"pcre:\"/^PORT/smi\"; sid:1;)\n";
		setup_rules(rule);
		struct tu_conn conn = { 0 };
		struct snet_inspect_verdict v;
		tu_conn_open(&conn, W, 21);
		tu_conn_reply(&conn, "220 (vsFTPd 3.0.3)\r\n", 20, &v);
		tu_conn_send(&conn, "USER a\r\n", 8, &v);
		tu_conn_send(&conn, c[i].cmd, strlen(c[i].cmd), &v);
		if (tu_has_sid(&v, 1) != c[i].hit)
			fail_msg("'%s': sid 1 %d, want %d", c[i].cmd, tu_has_sid(&v, 1), c[i].hit);
		/* the same command on a flow that is not FTP */
		teardown_rules();
		setup_rules(rule);
		tu_conn_open(&conn, W, 21);
		tu_conn_send(&conn, "HELLO\r\n", 7, &v);
		tu_conn_send(&conn, c[i].cmd, strlen(c[i].cmd), &v);
		assert_int_equal(tu_has_sid(&v, 1), 0);
		teardown_rules();
	}
}

/* ---- fragoffset ---- */

static void fragoffset(void **state)
{
	(void)state;
	uint8_t pkt[200], p6[200];
	struct snet_inspect_verdict v;
	struct timespec ts = { 1700000000, 0 };

	setup_rules("alert ip any any -> any any (msg:\"et\"; fragbits: !M; fragoffset: >0; "
		    "sid:1;)\n"
		    "alert ip any any -> any any (msg:\"=\"; fragoffset:34; sid:2;)\n"
		    "alert ip any any -> any any (msg:\"<\"; fragoffset:<8; sid:3;)\n"
		    "alert ip any any -> any any (msg:\"272\"; fragoffset:272; sid:4;)\n");
	/* IPv4 units are 8 bytes: the field 34 is byte 272 */
	size_t n = tu_tcp(pkt, 0, "10.0.0.1", "192.0.2.1", 1, 2, 1, 1, 0x10, "abcd", 4);
	pkt[6] = 0, pkt[7] = 34;
	snet_inspect_worker_packet(W, pkt, n, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(1) | S(2));
	pkt[6] = 0x20;		/* MF */
	snet_inspect_worker_packet(W, pkt, n, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(2));
	pkt[6] = 0, pkt[7] = 0;
	snet_inspect_worker_packet(W, pkt, n, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(3));
	/* IPv6: only with a fragment header, its offset in bytes */
	n = tu_tcp(pkt, 1, "2001:db8::1", "2001:db8::2", 1, 2, 1, 1, 0x10, "abcd", 4);
	snet_inspect_worker_packet(W, pkt, n, &ts, NULL, &v);
	assert_int_equal(sids(&v), 0);
	memcpy(p6, pkt, 40);
	uint8_t fh[8] = { 6, 0, 0, 0x01, 0, 0, 0, 1 };	/* offset 0, M */
	memcpy(p6 + 40, fh, 8);
	memcpy(p6 + 48, pkt + 40, n - 40);
	p6[6] = 44;
	size_t pl = n - 40 + 8;
	p6[4] = (uint8_t)(pl >> 8), p6[5] = (uint8_t)pl;
	snet_inspect_worker_packet(W, p6, n + 8, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(3));
	p6[42] = 0x01, p6[43] = 0x10;	/* 34 units: 272 bytes, no M; fragbits is IPv4's */
	snet_inspect_worker_packet(W, p6, n + 8, &ts, NULL, &v);
	assert_int_equal(sids(&v), S(4));
	teardown_rules();
}

/* ---- asn1 in a rule ---- */

static void asn1_in_rules(void **state)
{
	(void)state;
	static const char *rules =
		"alert tcp any any -> any any (msg:\"rel\"; content:\"AB\"; "
		"asn1:oversize_length 10, relative_offset 0; sid:1;)\n"
		"alert tcp any any -> any any (msg:\"abs\"; content:\"AB\"; "
		"asn1:bitstring_overflow, absolute_offset 0; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"neg\"; content:\"CD\"; "
		"asn1:oversize_length 1024,relative_offset -1; sid:3;)\n";
	static const struct { const char *data; size_t n; uint32_t want; } c[] = {
		{ "AB\x30\x04\x02\x02\x01\x02", 8, 0 },
		{ "AB\x04\x0b" "0123456789a", 15, S(1) },
		{ "AB\x04\x0b" "0123", 8, 0 },		/* truncated: nothing decoded */
		{ "\x03\x01\xff" "AB", 5, S(2) },
		{ "xCD\x82\x04\x01", 6, 0 },		/* 'D' 82 04 01: length 1025, too short */
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		setup_rules(rules);
		struct tu_conn conn = { 0 };
		struct snet_inspect_verdict v;
		tu_conn_open(&conn, W, 9000 + (uint16_t)i);
		tu_conn_send(&conn, c[i].data, c[i].n, &v);
		if (sids(&v) != c[i].want)
			fail_msg("case %zu: sids 0x%x, want 0x%x", i, sids(&v), c[i].want);
		teardown_rules();
	}
	/* a relative_offset -1 lands on the 'D' of "CD": tag 0x44, length 0x82 */
	setup_rules(rules);
	struct tu_conn conn = { 0 };
	struct snet_inspect_verdict v;
	static char big[1200];
	memcpy(big, "xCD\x82\x04\x01", 6);
	memset(big + 6, 'q', sizeof(big) - 6);
	tu_conn_open(&conn, W, 9100);
	tu_conn_send(&conn, big, sizeof(big), &v);
	assert_int_equal(sids(&v), S(3));
	teardown_rules();
}

/* ---- xbits ---- */

static void xbits(void **state)
{
	(void)state;
	setup_rules("alert tcp any any -> any any (msg:\"set\"; content:\"LOGIN\"; "
		    "xbits:set,seen,track ip_dst, expire 10; noalert; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"is\"; content:\"SECRET\"; "
		    "xbits:isset,seen,track ip_dst; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"not\"; content:\"SECRET\"; "
		    "xbits:isnotset,seen,track ip_dst; sid:3;)\n"
		    "alert tcp any any -> any any (msg:\"pair\"; content:\"PAIR\"; "
		    "xbits:toggle,p,track ip_pair; sid:4;)\n"
		    "alert tcp any any -> any any (msg:\"q\"; content:\"Q?\"; "
		    "xbits:isset,p,track ip_pair; sid:5;)\n"
		    "alert tcp any any -> any any (msg:\"unset\"; content:\"UNSET\"; "
		    "xbits:unset,seen,track ip_dst; sid:6;)\n");
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 80);
	tu_conn_send(&c, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(3));
	tu_conn_send(&c, "LOGIN", 5, &v);
	assert_int_equal(sids(&v), 0);		/* noalert */
	/* the bit is on the server's address: another flow, another worker */
	tu_conn_open(&c, W, 81);
	c.t = 5;
	tu_conn_send(&c, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(2));
	struct snet_inspect_worker *w2 = NULL;
	assert_int_equal(snet_inspect_worker_new(RS, NULL, &w2), 0);
	struct tu_conn c2 = { 0 };
	tu_conn_open(&c2, w2, 82);
	c2.t = 6;
	tu_conn_send(&c2, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(2));
	/* not on another server */
	c2.v6 = 1;
	tu_conn_open(&c2, w2, 83);
	tu_conn_send(&c2, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(3));
	snet_inspect_worker_free(w2);
	/* expired after 10 s; setting it again starts a new 10 s */
	tu_conn_open(&c, W, 84);
	c.t = 11;
	tu_conn_send(&c, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(3));
	tu_conn_send(&c, "LOGIN", 5, &v);
	tu_conn_send(&c, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(2));
	tu_conn_send(&c, "UNSET", 5, &v);
	assert_int_equal(sids(&v), S(6));
	tu_conn_send(&c, "SECRET", 6, &v);
	assert_int_equal(sids(&v), S(3));
	/* ip_pair is the same pair either way; toggle sets and clears */
	tu_conn_reply(&c, "PAIR", 4, &v);
	assert_int_equal(sids(&v), S(4));
	tu_conn_send(&c, "Q?", 2, &v);
	assert_int_equal(sids(&v), S(5));
	tu_conn_send(&c, "PAIR", 4, &v);
	tu_conn_send(&c, "Q?", 2, &v);
	assert_int_equal(sids(&v), 0);
	teardown_rules();
}

/* ---- tag:session: the flow's next packets as EVE "packet" events ---- */

static int packet_lines(uint16_t port)
{
	char f[160];
	snprintf(f, sizeof(f), "select(.event_type==\"packet\" and (.dest_port==%u or "
		 ".src_port==%u) and .packet_info.linktype==12)", port, port);
	return tu_eve_count(f);
}

static void tag_session(void **state)
{
	(void)state;
	setup_rules("alert tcp any any -> any any (msg:\"p\"; content:\"EVIL\"; "
		    "tag:session,3,packets; sid:1;)\n"
		    "alert tcp any any -> any any (msg:\"b\"; content:\"BYTES\"; "
		    "tag:session,100,bytes; sid:2;)\n"
		    "alert tcp any any -> any any (msg:\"s\"; content:\"TIME\"; "
		    "tag:session,2,seconds; sid:3;)\n"
		    "alert tcp any any -> any any (msg:\"d\"; content:\"DEFAULT\"; tag:session; "
		    "sid:4;)\n");
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	struct snet_inspect_stats st;

	/* 3 packets: the alert's and the next two, either way */
	tu_conn_open(&c, W, 5001);
	tu_conn_send(&c, "EVIL", 4, &v);
	assert_int_equal(packet_lines(5001), 0);
	tu_conn_reply(&c, "a", 1, &v);
	tu_conn_send(&c, "b", 1, &v);
	tu_conn_send(&c, "c", 1, &v);
	tu_conn_send(&c, "d", 1, &v);
	assert_int_equal(packet_lines(5001), 2);
	/* the logged packet is the whole IP packet: its payload is last */
	assert_int_equal(tu_eve_count("select(.event_type==\"packet\" and .src_port==5001 and "
				      "(.packet|@base64d|endswith(\"a\")))"), 1);
	/* another alert arms it again */
	tu_conn_send(&c, "EVIL", 4, &v);
	tu_conn_send(&c, "e", 1, &v);
	assert_int_equal(packet_lines(5001), 3);
	snet_inspect_worker_stats(W, &st);
	assert_int_equal(st.tagged_packets, 3);

	/* 100 bytes: the alert's packet (45) and one more (41) */
	tu_conn_open(&c, W, 5002);
	tu_conn_send(&c, "BYTES", 5, &v);
	tu_conn_send(&c, "x", 1, &v);
	tu_conn_send(&c, "y", 1, &v);
	assert_int_equal(packet_lines(5002), 1);

	/* 2 seconds of packet time */
	tu_conn_open(&c, W, 5003);
	tu_conn_send(&c, "TIME", 4, &v);
	c.t += 1;
	tu_conn_send(&c, "x", 1, &v);
	c.t += 2;
	tu_conn_send(&c, "y", 1, &v);
	assert_int_equal(packet_lines(5003), 1);

	/* tag:session alone: 256 packets */
	tu_conn_open(&c, W, 5004);
	tu_conn_send(&c, "DEFAULT", 7, &v);
	for (int i = 0; i < 300; i++)
		tu_conn_send(&c, "z", 1, &v);
	assert_int_equal(packet_lines(5004), 255);
	teardown_rules();
}

/* the table holds 65,536 live bits; expired ones make room */
static void xbits_table_bound(void **state)
{
	(void)state;
	struct xbits_table t;
	struct xbit_op op = { .op = FB_SET, .track = XB_TRACK_SRC, .expire = 10,
			      .name = xbits_name_key("b") };
	struct xbit_op is = op;
	struct packet p = { 0 };
	is.op = FB_ISSET;
	xbits_table_init(&t);
	p.src.family = p.dst.family = AF_INET;
	for (uint32_t i = 0; i < 65536; i++) {
		memcpy(p.src.a, &i, 4);
		assert_int_equal(xbits_apply(&t, &op, &p, 100), 0);
	}
	uint32_t more = 65536;
	memcpy(p.src.a, &more, 4);
	assert_int_equal(xbits_apply(&t, &op, &p, 105), -ENOSPC);
	assert_false(xbits_test(&t, &is, &p, 105));
	p.src.a[0] = 7;		/* 7.0.0.0: one of the first ones, still set */
	p.src.a[1] = p.src.a[2] = p.src.a[3] = 0;
	assert_true(xbits_test(&t, &is, &p, 110));
	assert_false(xbits_test(&t, &is, &p, 111));
	memcpy(p.src.a, &more, 4);
	assert_int_equal(xbits_apply(&t, &op, &p, 111), 0);
	assert_true(xbits_test(&t, &is, &p, 111));
	xbits_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_size),
		cmocka_unit_test(flow_counters),
		cmocka_unit_test(app_layer_protocol),
		cmocka_unit_test(ssl_version_state),
		cmocka_unit_test(ftpbounce),
		cmocka_unit_test(fragoffset),
		cmocka_unit_test(asn1_in_rules),
		cmocka_unit_test(xbits),
		cmocka_unit_test(xbits_table_bound),
		cmocka_unit_test(tag_session),
	};
	return cmocka_run_group_tests_name("flowkw", tests, NULL, NULL);
}
