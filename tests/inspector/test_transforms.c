// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Transforms (dotprefix, to_lowercase, strip_whitespace, to_sha256, xor,
 * ...) and bsize, as Suricata 7 rules use them: each case a rule, a
 * request that must alert and one that must not.  The prefilter scans
 * the buffer untransformed, so every case runs with the rule's own fast
 * pattern and again beside a rule set that has Hyperscan's database of
 * that buffer full of other patterns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "testutil.h"

/* an HTTP request with uri, a header line and a body */
static void request(char *out, size_t cap, const char *method, const char *uri,
		    const char *hdr, const char *body)
{
	snprintf(out, cap, "%s %s HTTP/1.1\r\nHost: www.example.com\r\n%s\r\n"
		 "Content-Length: %zu\r\n\r\n%s", method, uri, hdr, strlen(body), body);
}

/* did the rule (sid 1) alert on this request? */
static int http_hits(const char *rules, const char *req)
{
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup(rules, &rs, &w);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, w, 80);
	tu_conn_send(&c, req, strlen(req), &v);
	int hit = tu_has_sid(&v, 1);
	tu_teardown(&rs, &w);
	return hit;
}

/* other rules on the same buffers: the prefilter databases are not the
 * transformed rule's alone */
#define NOISE "alert http any any -> any any (msg:\"n\"; http.uri; content:\"/zzz\"; sid:90;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.host; content:\"zzz\"; sid:91;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.user_agent; content:\"zzz\"; sid:92;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.header; content:\"zzz\"; sid:93;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.request_body; content:\"zzz\"; sid:94;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.method; content:\"PUT\"; sid:95;)\n" \
	"alert http any any -> any any (msg:\"n\"; http.uri.raw; content:\"zzz\"; sid:96;)\n"

struct xcase {
	const char *name;
	const char *opts;	/* of an http rule, sid 1 */
	const char *hit[4];	/* method, uri, header line, body */
	const char *miss[4];
};

static const struct xcase cases[] = {
	/* dotprefix: a domain and its subdomains, not a name that ends alike */
	{ "dotprefix", "http.host; dotprefix; content:\".example.com\"; endswith;",
	  { "GET", "/", "X: 1", "" }, { NULL } },
	{ "to_lowercase", "http.uri; to_lowercase; content:\"/admin/\";",
	  { "GET", "/ADMIN/x", "X: 1", "" }, { "GET", "/ADM1N/x", "X: 1", "" } },
	{ "to_uppercase", "http.method; to_uppercase; content:\"POST\"; bsize:4;",
	  { "post", "/", "X: 1", "" }, { "put", "/", "X: 1", "" } },
	{ "strip_whitespace", "http.header; strip_whitespace; content:\"X-Key:a1b2\";",
	  { "GET", "/", "X-Key: a1 b2", "" }, { "GET", "/", "X-Key: a1 b3", "" } },
	{ "compress_whitespace", "http.user_agent; compress_whitespace; content:\"evil bot 1\"; "
	  "startswith;", { "GET", "/", "User-Agent: evil   bot    1", "" },
	  { "GET", "/", "User-Agent: evilbot 1", "" } },
	{ "url_decode", "http.uri.raw; url_decode; content:\"/a b<script>\";",
	  { "GET", "/a+b%3cscript%3E", "X: 1", "" }, { "GET", "/a+b%3cscript%3", "X: 1", "" } },
	{ "xor", "http.request_body; xor:\"0102\"; content:\"secret\"; startswith;",
	  { "POST", "/", "X: 1", "rgbpdv" }, { "POST", "/", "X: 1", "secret" } },
	/* a chain, in order: lowercase first, then the dot */
	{ "chain", "http.user_agent; to_lowercase; dotprefix; content:\".evil-bot/\"; "
	  "startswith;", { "GET", "/", "User-Agent: EVIL-Bot/2", "" },
	  { "GET", "/", "User-Agent: an EVIL-Bot/2", "" } },
	/* bsize of the buffer, then after a transform */
	{ "bsize", "http.uri; content:\"/gate.php\"; bsize:9;",
	  { "GET", "/gate.php", "X: 1", "" }, { "GET", "/gate.php?", "X: 1", "" } },
	{ "bsize_range", "http.uri; content:\"/g\"; bsize:3<>6;",
	  { "GET", "/gate", "X: 1", "" }, { "GET", "/gate.", "X: 1", "" } },
	{ "bsize_at_least", "http.uri; content:\"/g\"; bsize:>=5;",
	  { "GET", "/gate", "X: 1", "" }, { "GET", "/gat", "X: 1", "" } },
	{ "bsize_at_most", "http.uri; content:\"/g\"; bsize:<=4;",
	  { "GET", "/gat", "X: 1", "" }, { "GET", "/gate", "X: 1", "" } },
	{ "bsize_not", "http.uri; content:\"/g\"; bsize:!4;",
	  { "GET", "/gate", "X: 1", "" }, { "GET", "/gat", "X: 1", "" } },
	{ "bsize_alone", "http.user_agent; bsize:>20;",
	  { "GET", "/", "User-Agent: aaaaaaaaaaaaaaaaaaaaa", "" },
	  { "GET", "/", "User-Agent: aaaaaaaaaaaaaaaaaaaa", "" } },
	{ "bsize_transformed", "http.host; dotprefix; bsize:16; content:\".www.example\";",
	  { "GET", "/", "X: 1", "" }, { NULL } },
	/* pcrexform: the buffer is the regex's capture, or itself if it
	 * does not match; a transform after it works on the capture */
	{ "pcrexform", "http.uri; pcrexform:\"[?&]id=([^&]+)\"; content:\"admin\"; bsize:5;",
	  { "GET", "/x?a=1&id=admin&b=2", "X: 1", "" }, { "GET", "/x?a=1&id=admins", "X: 1", "" } },
	{ "pcrexform_no_match", "http.uri; pcrexform:\"id=(\\d+)\"; content:\"/plain\"; "
	  "startswith;", { "GET", "/plain", "X: 1", "" }, { "GET", "/plain?id=5", "X: 1", "" } },
	{ "pcrexform_chain", "http.host; pcrexform:\"^([^.]+)\\.\"; dotprefix; content:\".www\"; "
	  "bsize:4;", { "GET", "/", "X: 1", "" }, { NULL } },
	/* a pcre reads the transformed buffer too */
	{ "pcre", "http.uri; to_lowercase; pcre:\"/^\\/[a-z]+\\.php$/\";",
	  { "GET", "/GATE.PHP", "X: 1", "" }, { "GET", "/GATE1.PHP", "X: 1", "" } },
};

static void run_case(void **state)
{
	const struct xcase *k = *state;
	for (int noise = 0; noise < 2; noise++) {
		char rules[2048], req[512];
		snprintf(rules, sizeof(rules),
			 "%salert http any any -> any any (msg:\"t\"; flow:to_server; %s sid:1;)\n",
			 noise ? NOISE : "", k->opts);
		request(req, sizeof(req), k->hit[0], k->hit[1], k->hit[2], k->hit[3]);
		if (!http_hits(rules, req))
			fail_msg("%s%s: no alert on %s", k->name, noise ? " (noise)" : "", req);
		if (!k->miss[0])
			continue;
		request(req, sizeof(req), k->miss[0], k->miss[1], k->miss[2], k->miss[3]);
		if (http_hits(rules, req))
			fail_msg("%s%s: alert on %s", k->name, noise ? " (noise)" : "", req);
	}
}

/* dotprefix's case: the host (no miss above: the request's is fixed) */
static void dotprefix_hosts(void **state)
{
	(void)state;
	static const struct {
		const char *host;
		int hit;
	} hosts[] = { { "example.com", 1 }, { "www.example.com", 1 }, { "a.b.example.com", 1 },
		      { "badexample.com", 0 }, { "example.com.evil", 0 } };
	const char *rules = NOISE "alert http any any -> any any (msg:\"d\"; http.host; dotprefix; "
			    "content:\".example.com\"; endswith; sid:1;)\n";
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		char req[256];
		snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", hosts[i].host);
		if (http_hits(rules, req) != hosts[i].hit)
			fail_msg("host %s: want %s", hosts[i].host, hosts[i].hit ? "alert" : "none");
	}
}

/* DNS, where ET's rules use dotprefix most: a name and its subdomains */
static void dotprefix_dns(void **state)
{
	(void)state;
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup("alert dns any any -> any any (msg:\"d\"; dns.query; dotprefix; "
		 "content:\".evil.example\"; nocase; endswith; sid:1;)\n"
		 "alert dns any any -> any any (msg:\"b\"; dns.query; content:\"evil\"; "
		 "bsize:<13; sid:2;)\n", &rs, &w);
	static const struct {
		const char *name;
		uint32_t want;
	} q[] = { { "evil.example", 3 }, { "WWW.Evil.Example", 1 }, { "notevil.example", 0 },
		  { "evil.example.org", 0 } };
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint8_t msg[512];
		size_t n = tu_dns_msg(msg, q[i].name, (uint16_t)(i + 1), 0);
		uint8_t pkt[600];
		size_t len = tu_udp(pkt, "10.0.0.1", "192.0.2.53", (uint16_t)(20000 + i), 53, msg, n);
		struct timespec ts = { 1700000000, 0 };
		struct snet_inspect_verdict v;
		assert_int_equal(snet_inspect_worker_packet(w, pkt, len, &ts, NULL, &v), 0);
		uint32_t got = (uint32_t)tu_has_sid(&v, 1) | (uint32_t)tu_has_sid(&v, 2) << 1;
		if (got != q[i].want)
			fail_msg("query %s: sids 0x%x, want 0x%x", q[i].name, got, q[i].want);
	}
	tu_teardown(&rs, &w);
}

/* tls.sni, the other buffer ET's domain rules use dotprefix on; with
 * fast_pattern on the transformed content */
static void dotprefix_sni(void **state)
{
	(void)state;
	static const struct {
		const char *sni;
		int hit;
	} q[] = { { "example.org", 1 }, { "cdn.example.org", 1 }, { "badexample.org", 0 } };
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct snet_inspect_ruleset *rs;
		struct snet_inspect_worker *w;
		tu_setup("alert tls any any -> any any (msg:\"s\"; tls.sni; to_lowercase; dotprefix; "
			 "content:\".example.org\"; endswith; fast_pattern; bsize:<64; sid:1;)\n",
			 &rs, &w);
		uint8_t hello[512];
		size_t n = tu_client_hello(hello, q[i].sni);
		struct tu_conn c = { 0 };
		struct snet_inspect_verdict v;
		tu_conn_open(&c, w, 443);
		tu_conn_send(&c, (const char *)hello, n, &v);
		if (tu_has_sid(&v, 1) != q[i].hit)
			fail_msg("sni %s: want %s", q[i].sni, q[i].hit ? "alert" : "none");
		tu_teardown(&rs, &w);
	}
}

/* to_md5, to_sha1, to_sha256: the digest's bytes, as Suricata gives them */
static void digests(void **state)
{
	(void)state;
	static const struct {
		const char *kw;
		const EVP_MD *(*md)(void);
	} d[] = { { "to_md5", EVP_md5 }, { "to_sha1", EVP_sha1 }, { "to_sha256", EVP_sha256 } };
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		uint8_t h[EVP_MAX_MD_SIZE];
		unsigned hl = 0;
		const char *ua = "EvilAgent/1.0";
		assert_true(EVP_Digest(ua, strlen(ua), h, &hl, d[i].md(), NULL));
		char hex[3 * EVP_MAX_MD_SIZE + 1] = "";
		for (unsigned j = 0; j < hl; j++)
			sprintf(hex + 3 * j, "%02x ", h[j]);
		hex[3 * hl - 1] = 0;
		char rules[1024], req[256];
		snprintf(rules, sizeof(rules), NOISE "alert http any any -> any any (msg:\"h\"; "
			 "http.user_agent; %s; content:\"|%s|\"; bsize:%u; sid:1;)\n", d[i].kw, hex, hl);
		request(req, sizeof(req), "GET", "/", "User-Agent: EvilAgent/1.0", "");
		if (!http_hits(rules, req))
			fail_msg("%s: no alert", d[i].kw);
		request(req, sizeof(req), "GET", "/", "User-Agent: EvilAgent/1.1", "");
		if (http_hits(rules, req))
			fail_msg("%s: alert on another agent", d[i].kw);
	}
}

/* statements of one buffer with the same transforms are one list; the
 * prefilter's literal of a transformed list is the content less its dot */
static void same_chain_twice(void **state)
{
	(void)state;
	const char *rules = "alert http any any -> any any (msg:\"t\"; http.uri; to_lowercase; "
			    "content:\"/gate\"; http.method; content:\"POST\"; http.uri; "
			    "to_lowercase; content:\".php\"; distance:0; sid:1;)\n";
	char req[256];
	request(req, sizeof(req), "POST", "/GATE.PHP", "X: 1", "a");
	assert_int_equal(http_hits(rules, req), 1);
	request(req, sizeof(req), "GET", "/GATE.PHP", "X: 1", "");
	assert_int_equal(http_hits(rules, req), 0);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 5];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test(run_case);
		tests[n].name = cases[i].name;
		tests[n].initial_state = (void *)&cases[i];
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(dotprefix_hosts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(dotprefix_dns);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(dotprefix_sni);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(digests);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(same_chain_twice);
	return _cmocka_run_group_tests("transforms", tests, n, NULL, NULL);
}
