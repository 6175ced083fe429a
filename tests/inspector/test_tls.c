// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TLS keywords of the feeds (abuse.ch SSLBL, JA3 lists): the server
 * certificate's fingerprint and the hellos' JA3/JA3S fingerprints.  The
 * handshakes are made here, byte by byte; the certificates are made at
 * test time with OpenSSL, and every expected value (SHA-1, MD5) is
 * computed independently of the engine, from the bytes sent.  Each
 * keyword has a case that must alert and one that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "testutil.h"

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

/* ---- handshake builders ---- */

/* the packet time of tu_conn (1700000000 s) */
#define T0 1700000000L

/* a self-signed certificate: subject CN=cn, subjectAltName san (NULL: none) */
static size_t make_cert(uint8_t *out, size_t cap, const char *cn, const char *san,
			time_t not_before, time_t not_after)
{
	char subject[128];
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	struct tu_cert c = { .subject = subject, .san = san,
			     .not_before = not_before, .not_after = not_after };
	return tu_make_cert(out, cap, &c);
}

/* hex of a digest of d, lowercase, pairs joined by sep (0: none) */
static void digest_hex(const EVP_MD *md, const void *d, size_t n, char sep, char *out)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	assert_true(EVP_Digest(d, n, h, &hl, md, NULL));
	size_t o = 0;
	for (unsigned int i = 0; i < hl; i++) {
		o += (size_t)sprintf(out + o, "%02x", h[i]);
		if (sep && i + 1 < hl)
			out[o++] = sep;
	}
	out[o] = 0;
}

/* src with a-f in uppercase, into dst (as long) */
static void hex_upper(char *dst, const char *src)
{
	do
		*dst++ = (char)(*src >= 'a' && *src <= 'f' ? *src - 32 : *src);
	while (*src++);
}

/* ---- tls.cert_fingerprint ---- */

static void cert_fingerprint(void **state)
{
	(void)state;
	uint8_t der[1024], flight[4096], hello[512];
	size_t dn = make_cert(der, sizeof(der), "bad.example", NULL, T0 - 86400, T0 + 86400);
	char fp[64], upper[64], other[64];
	/* the value, independently: SHA-1 of the DER as sent */
	digest_hex(EVP_sha1(), der, dn, ':', fp);
	assert_int_equal(strlen(fp), 59);
	hex_upper(upper, fp);
	snprintf(other, sizeof(other), "%s", fp);
	other[0] = other[0] == '0' ? '1' : '0';

	char rules[1024];
	snprintf(rules, sizeof(rules),
		 "alert tls any any -> any any (msg:\"fp\"; tls.cert_fingerprint; "
		 "content:\"%s\"; startswith; endswith; sid:1;)\n"
		 /* SSLBL's form: the legacy name; uppercase is lowercased, as Suricata */
		 "alert tls $EXTERNAL_NET any -> $HOME_NET any (msg:\"sslbl\"; "
		 "flow:established,from_server; tls_cert_fingerprint; content:\"%s\"; sid:2;)\n"
		 "alert tls any any -> any any (msg:\"other\"; tls.cert_fingerprint; "
		 "content:\"%s\"; sid:3;)\n"
		 "alert tls any any -> any any (msg:\"neg\"; tls.cert_fingerprint; "
		 "content:!\"%s\"; sid:4;)\n",
		 fp, upper, other, other);
	tu_setup(rules, &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v1, v2, v3;
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "bad.example"), &v1);
	assert_int_equal(v1.nalerts, 0);
	struct tu_der chain[] = { { der, dn } };
	size_t fn = tu_server_flight(flight, NULL, 0, chain, 1);
	/* the certificate split between two segments */
	tu_conn_reply(&c, (const char *)flight, 200, &v1);
	tu_conn_reply(&c, (const char *)flight + 200, fn - 200, &v2);
	assert_int_equal(v1.nalerts, 0);
	assert_true(tu_has_sid(&v2, 1));
	assert_true(tu_has_sid(&v2, 2));
	assert_false(tu_has_sid(&v2, 3));
	assert_true(tu_has_sid(&v2, 4));
	char f[256];
	snprintf(f, sizeof(f), "select(.alert.signature_id == 1 and .tls.fingerprint == \"%s\" "
		 "and .tls.subject == \"CN=bad.example\")", fp);
	assert_int_equal(tu_eve_count(f), 1);
	/* the client sending the same certificate is not the server's */
	tu_conn_open(&c, W, 8443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "x.example"), &v1);
	tu_conn_send(&c, (const char *)flight, fn, &v3);
	assert_int_equal(v1.nalerts + v3.nalerts, 0);
	tu_teardown(&RS, &W);
}

/* what Suricata refuses in the fingerprint buffer, refused here too */

/* each rule is refused at load, with a message containing its why */
struct refused {
	const char *rule, *why;
};

static void expect_refused(const struct refused *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		tu_load(c[i].rule, &rs, &rep);
		const char *msg = snet_inspect_report_message(rep, 0);
		if (!msg || !strstr(msg, c[i].why))
			fail_msg("case %zu: got '%s', want '%s'", i, msg ? msg : "(loaded)", c[i].why);
		snet_inspect_report_free(rep);
		snet_inspect_ruleset_unref(rs);
	}
}
static void cert_fingerprint_rejected(void **state)
{
	(void)state;
	static const struct refused c[] = {
		{ "alert tls any any -> any any (msg:\"x\"; tls.cert_fingerprint; "
		  "content:\"aa:bb\"; sid:1;)", "can never match" },
		{ "alert tls any any -> any any (msg:\"x\"; tls.cert_fingerprint; content:\""
		  "aabbccddeeff00112233aabbccddeeff00112233aabbccddeeff0011223\"; sid:1;)",
		  "without ':'" },
		{ "alert tls any any -> any any (msg:\"x\"; flow:to_server; tls_cert_fingerprint; "
		  "content:\"4a:a3:66:76:82:cb:6b:23:bb:c3:58:47:23:a4:63:a7:78:a4:a1:18\"; sid:1;)",
		  "to_server" },
	};
	expect_refused(c, sizeof(c) / sizeof(c[0]));
}

/* ---- JA3, JA3S ---- */

/* an extension: type, length, body */
static size_t ext(uint8_t *p, uint16_t type, const void *body, size_t n)
{
	tu_put16(p, type);
	tu_put16(p + 2, n);
	if (n)
		memcpy(p + 4, body, n);
	return 4 + n;
}

/* a ClientHello up to its extensions (TLS 1.2, random 0x11..., the
 * suites as given, no compression): its length so far */
static size_t hello_open(uint8_t *b, const uint8_t *suites, size_t ns)
{
	size_t n = 9;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0x11, 32), n += 32;
	b[n++] = 0;
	n += tu_put16(b + n, ns);
	memcpy(b + n, suites, ns), n += ns;
	b[n++] = 1, b[n++] = 0;
	return n + 2;	/* the extensions' length, set by hello_close() */
}

/* the lengths of a hello of n bytes that hello_open() began */
static size_t hello_close(uint8_t *b, size_t n)
{
	size_t elen_at = 9 + 2 + 32 + 1 + 2 + ((size_t)b[44] << 8 | b[45]) + 2;
	tu_put16(b + elen_at, n - elen_at - 2);
	b[0] = 0x16, b[1] = 3, b[2] = 1;
	tu_put16(b + 3, n - 5);
	b[5] = 1;
	tu_put24(b + 6, n - 9);
	return n;
}

/*
 * A ClientHello as browsers send them: GREASE cipher, extensions, group
 * and version, several extensions, groups and point formats.  Its JA3,
 * worked out by hand from what is written here:
 */
#define BROWSER_JA3 "771,4865-49199-47,0-10-11-35-16-43,29-23-24,0"
static size_t browser_hello(uint8_t *b)
{
	static const uint8_t suites[] = { 0x0a, 0x0a, 0x13, 0x01, 0xc0, 0x2f, 0x00, 0x2f };
	static const uint8_t sni[] = { 0, 14, 0, 0, 11, 'j', 'a', '3', '.', 'e', 'x', 'a', 'm', 'p',
				       'l', 'e' };
	static const uint8_t groups[] = { 0, 8, 0x3a, 0x3a, 0, 0x1d, 0, 0x17, 0, 0x18 };
	static const uint8_t formats[] = { 1, 0 };
	static const uint8_t alpn[] = { 0, 3, 2, 'h', '2' };
	static const uint8_t versions[] = { 6, 0x5a, 0x5a, 3, 4, 3, 3 };
	static const uint8_t one[] = { 0 };
	size_t n = hello_open(b, suites, sizeof(suites));
	n += ext(b + n, 0x1a1a, NULL, 0);
	n += ext(b + n, 0, sni, sizeof(sni));
	n += ext(b + n, 10, groups, sizeof(groups));
	n += ext(b + n, 11, formats, sizeof(formats));
	n += ext(b + n, 35, NULL, 0);
	n += ext(b + n, 16, alpn, sizeof(alpn));
	n += ext(b + n, 43, versions, sizeof(versions));
	n += ext(b + n, 0x2a2a, one, sizeof(one));
	return hello_close(b, n);
}

/* the ServerHello's extensions: TLS 1.2 (renegotiation_info, point
 * formats) and TLS 1.3 (supported_versions, key_share) */
#define JA3S_12 "771,49199,65281-11"
#define JA3S_13 "771,49199,43-51"
static size_t hello12_exts(uint8_t *p)
{
	static const uint8_t reneg[] = { 0 }, formats[] = { 1, 0 };
	size_t n = ext(p, 0xff01, reneg, sizeof(reneg));
	return n + ext(p + n, 11, formats, sizeof(formats));
}

static size_t hello13_exts(uint8_t *p)
{
	static const uint8_t ver[] = { 3, 4 }, share[] = { 0, 0x1d, 0, 0 };
	size_t n = ext(p, 43, ver, sizeof(ver));
	return n + ext(p + n, 51, share, sizeof(share));
}

static uint32_t sids(const struct snet_inspect_verdict *v, uint32_t max)
{
	uint32_t got = 0;
	for (uint32_t sid = 1; sid <= max; sid++)
		got |= (uint32_t)tu_has_sid(v, sid) << sid;
	return got;
}

static void ja3_keywords(void **state)
{
	(void)state;
	uint8_t hello[512], flight[4096], exts[64], der[1024];
	char ja3[33], ja3s12[33], ja3s13[33], upper[33];
	/* the hashes, independently: OpenSSL's MD5 of the strings */
	digest_hex(EVP_md5(), BROWSER_JA3, strlen(BROWSER_JA3), 0, ja3);
	digest_hex(EVP_md5(), JA3S_12, strlen(JA3S_12), 0, ja3s12);
	digest_hex(EVP_md5(), JA3S_13, strlen(JA3S_13), 0, ja3s13);
	hex_upper(upper, ja3);
	char rules[2048];
	snprintf(rules, sizeof(rules),
		 "alert tls any any -> any any (msg:\"ja3\"; ja3.hash; content:\"%s\"; sid:1;)\n"
		 /* the legacy name, an uppercase hash: lowercased, as Suricata */
		 "alert tls any any -> any any (msg:\"ja3 legacy\"; ja3_hash; content:\"%s\"; sid:2;)\n"
		 "alert tls any any -> any any (msg:\"ja3 string\"; ja3.string; "
		 "content:\"%s\"; startswith; endswith; sid:3;)\n"
		 "alert tls any any -> any any (msg:\"other ja3\"; ja3.hash; "
		 "content:\"e7eca2baf4458d095b7f45da28c16c34\"; sid:4;)\n"
		 "alert tls any any -> any any (msg:\"ja3s\"; ja3s.hash; content:\"%s\"; sid:5;)\n"
		 "alert tls any any -> any any (msg:\"ja3s string\"; ja3s_string; "
		 "content:\"%s\"; startswith; endswith; sid:6;)\n"
		 "alert tls any any -> any any (msg:\"ja3s 1.3\"; ja3s.hash; content:\"%s\"; sid:7;)\n"
		 /* both start with "771,": each only on its own side */
		 "alert tls any any -> any any (msg:\"client side\"; ja3_string; "
		 "content:\"771,\"; startswith; sid:8;)\n"
		 "alert tls any any -> any any (msg:\"server side\"; ja3s.string; "
		 "content:\"771,\"; startswith; sid:9;)\n"
		 /* the ServerHello with the certificate: decided at the certificate */
		 "alert tls any any -> any any (msg:\"ja3s and cert\"; ja3s.string; "
		 "content:\"65281\"; tls.cert_subject; content:\"CN=j.example\"; sid:10;)\n",
		 ja3, upper, BROWSER_JA3, ja3s12, JA3S_12, ja3s13);
	tu_setup(rules, &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v, v2;

	/* TLS 1.2: the hello, then the server's flight with its certificate */
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, browser_hello(hello), &v);
	assert_int_equal(sids(&v, 10), 1u << 1 | 1u << 2 | 1u << 3 | 1u << 8);
	char f[512];
	snprintf(f, sizeof(f), "select(.alert.signature_id == 1 and .tls.ja3.hash == \"%s\" and "
		 ".tls.ja3.string == \"%s\" and .tls.sni == \"ja3.example\")", ja3, BROWSER_JA3);
	assert_int_equal(tu_eve_count(f), 1);
	size_t dn = make_cert(der, sizeof(der), "j.example", NULL, T0 - 10, T0 + 10);
	struct tu_der chain[] = { { der, dn } };
	size_t fn = tu_server_flight(flight, exts, hello12_exts(exts), chain, 1);
	/* the ServerHello alone first, then the rest */
	tu_conn_reply(&c, (const char *)flight, 60, &v);
	tu_conn_reply(&c, (const char *)flight + 60, fn - 60, &v2);
	assert_int_equal(sids(&v, 10), 1u << 5 | 1u << 6 | 1u << 9);
	assert_int_equal(sids(&v2, 10), 1u << 10);
	snprintf(f, sizeof(f), "select(.alert.signature_id == 5 and .tls.ja3s.hash == \"%s\" and "
		 ".tls.ja3s.string == \"%s\" and .tls.version == \"TLS 1.2\")", ja3s12, JA3S_12);
	assert_int_equal(tu_eve_count(f), 1);
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 10 and "
				      ".tls.subject == \"CN=j.example\" and "
				      ".tls.ja3s.string == \"" JA3S_12 "\")"), 1);

	/* TLS 1.3: a ServerHello and no certificate in the clear */
	tu_conn_open(&c, W, 8443);
	tu_conn_send(&c, (const char *)hello, browser_hello(hello), &v);
	fn = tu_server_flight(flight, exts, hello13_exts(exts), NULL, 0);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	assert_int_equal(sids(&v, 10), 1u << 7 | 1u << 9);
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 7 and "
				      ".tls.version == \"TLS 1.3\")"), 1);

	/* a hello without extensions: empty fields */
	tu_teardown(&RS, &W);
	static const char no_ext[] = "771,4865,,,";
	digest_hex(EVP_md5(), no_ext, strlen(no_ext), 0, ja3);
	snprintf(rules, sizeof(rules),
		 "alert tls any any -> any any (msg:\"ja3\"; ja3.hash; content:\"%s\"; sid:1;)\n", ja3);
	tu_setup(rules, &RS, &W);
	tu_conn_open(&c, W, 443);
	size_t n = tu_client_hello(hello, "x");
	n -= 4 + 5 + 1 + 2;	/* no extensions block at all */
	tu_put16(hello + 3, n - 5);
	tu_put24(hello + 6, n - 9);
	tu_conn_send(&c, (const char *)hello, n, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_teardown(&RS, &W);
}

/*
 * ja4.hash of three hellos, each worked out by hand from what is written
 * in it: the browser's above, one with signature algorithms, and one
 * without extensions.  Two values are Suricata's own (rust/src/ja4.rs's
 * tests): the cipher part f500716053f9 and the empty extension part
 * d2e2adf7177b; the others are SHA-256 of the raw strings written here.
 */
#define BROWSER_JA4_A "t13d0306h2"		/* 1.3 from supported_versions */
#define BROWSER_JA4_B "002f,1301,c02f"		/* sorted, GREASE left out */
#define BROWSER_JA4_C "000a,000b,0023,002b_"	/* no SNI, no ALPN, no sigalgs */
#define SIG_JA4_A "t12i0305h6"			/* no SNI; ALPN "h3-16" */
#define SIG_JA4_C "000d,0121,1234,face_0804,0403"	/* sigalgs in order */

static size_t sigalg_hello(uint8_t *b)
{
	static const uint8_t suites[] = { 0x11, 0x11, 0x0a, 0x20, 0xba, 0xda };
	static const uint8_t alpn[] = { 0, 9, 5, 'h', '3', '-', '1', '6', 2, 'h', '2' };
	static const uint8_t sig[] = { 0, 6, 0x08, 0x04, 0x0a, 0x0a, 0x04, 0x03 };
	size_t n = hello_open(b, suites, sizeof(suites));
	n += ext(b + n, 16, alpn, sizeof(alpn));
	n += ext(b + n, 0xface, NULL, 0);
	n += ext(b + n, 0x0a0a, NULL, 0);
	n += ext(b + n, 0x0121, NULL, 0);
	n += ext(b + n, 13, sig, sizeof(sig));
	n += ext(b + n, 0x1234, NULL, 0);
	return hello_close(b, n);
}

/* "a_" + the first 12 hex digits of SHA-256(b) + "_" + those of SHA-256(c) */
static void ja4_expect(char *out, const char *a, const char *b, const char *c)
{
	char hb[65], hc[65];
	digest_hex(EVP_sha256(), b, strlen(b), 0, hb);
	digest_hex(EVP_sha256(), c, strlen(c), 0, hc);
	sprintf(out, "%s_%.12s_%.12s", a, hb, hc);
}

static void ja4_keyword(void **state)
{
	(void)state;
	uint8_t hello[512];
	char browser[40], sigs[40], rules[1024], f[256];
	ja4_expect(browser, BROWSER_JA4_A, BROWSER_JA4_B, BROWSER_JA4_C);
	ja4_expect(sigs, SIG_JA4_A, "0a20,1111,bada", SIG_JA4_C);
	/* Suricata's own value for these three ciphers */
	assert_memory_equal(sigs + 11, "f500716053f9", 12);
	snprintf(rules, sizeof(rules),
		 "alert tls any any -> any any (msg:\"browser\"; ja4.hash; content:\"%s\"; "
		 "startswith; endswith; sid:1;)\n"
		 "alert tls any any -> any any (msg:\"sigalgs\"; ja4.hash; content:\"%s\"; sid:2;)\n"
		 "alert tls any any -> any any (msg:\"no ext\"; ja4.hash; "
		 "content:\"_d2e2adf7177b\"; endswith; sid:3;)\n"
		 "alert tls any any -> any any (msg:\"prefix\"; ja4.hash; content:\"t13d\"; "
		 "startswith; sid:4;)\n",
		 browser, sigs);
	tu_setup(rules, &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, browser_hello(hello), &v);
	assert_int_equal(sids(&v, 4), 1u << 1 | 1u << 4);
	snprintf(f, sizeof(f), "select(.alert.signature_id == 1 and .tls.ja4 == \"%s\")", browser);
	assert_int_equal(tu_eve_count(f), 1);
	tu_conn_open(&c, W, 8443);
	tu_conn_send(&c, (const char *)hello, sigalg_hello(hello), &v);
	assert_int_equal(sids(&v, 4), 1u << 2);
	/* no extensions: nothing after the second '_' but the empty list's */
	tu_conn_open(&c, W, 9443);
	size_t n = tu_client_hello(hello, "x");
	n -= 4 + 5 + 1 + 2;
	tu_put16(hello + 3, n - 5);
	tu_put24(hello + 6, n - 9);
	tu_conn_send(&c, (const char *)hello, n, &v);
	assert_int_equal(sids(&v, 4), 1u << 3);
	char none[40];
	ja4_expect(none, "t12i010000", "1301", "_");
	snprintf(f, sizeof(f), "select(.alert.signature_id == 3 and .tls.ja4 == \"%s\")", none);
	assert_int_equal(tu_eve_count(f), 1);
	tu_teardown(&RS, &W);

	/* no rule reads JA4: not computed, not in EVE (Suricata's "auto") */
	tu_setup("alert tls any any -> any any (msg:\"sni\"; tls.sni; content:\"ja3.example\"; "
		 "sid:1;)\n", &RS, &W);
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, browser_hello(hello), &v);
	assert_true(tu_has_sid(&v, 1));
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 1 and .tls.ja3 != null and "
				      ".tls.ja4 == null)"), 1);
	tu_teardown(&RS, &W);

	static const struct refused r[] = {
		{ "alert tls any any -> any any (msg:\"x\"; flow:to_client; ja4.hash; "
		  "content:\"t13\"; sid:1;)", "ja4.hash (the client's hello) in a to_client rule" },
		{ "alert tls any any -> any any (msg:\"x\"; ja4.hash; content:\"t13\"; "
		  "ja3s.hash; content:\"abc\"; sid:1;)", "ja4.hash and ja3s.hash in one rule" },
	};
	expect_refused(r, sizeof(r) / sizeof(r[0]));
}

/* what cannot match, or is in the wrong direction, is refused */
static void ja3_rejected(void **state)
{
	(void)state;
	static const struct refused c[] = {
		{ "alert tls any any -> any any (msg:\"x\"; ja3.hash; content:\"abc\"; sid:1;)",
		  "ja3.hash: a content of 3 bytes can never match (a value is 32)" },
		{ "alert tls any any -> any any (msg:\"x\"; ja3s_hash; content:\"abc\"; sid:1;)",
		  "ja3s.hash: a content of 3 bytes" },
		{ "alert tls any any -> any any (msg:\"x\"; flow:to_server; ja3s.string; "
		  "content:\"771\"; sid:1;)", "ja3s.* (the server's hello) in a to_server rule" },
		{ "alert tls any any -> any any (msg:\"x\"; flow:to_client; ja3.string; "
		  "content:\"771\"; sid:1;)", "ja3.* (the client's hello) in a to_client rule" },
		{ "alert tls any any -> any any (msg:\"x\"; ja3.string; content:\"771\"; "
		  "ja3s.string; content:\"771\"; sid:1;)", "ja3.string and ja3s.string in one rule" },
	};
	expect_refused(c, sizeof(c) / sizeof(c[0]));
}

/* ---- tls.subjectaltname, tls.certs, tls.cert_chain_len, validity ---- */

/* the leaf's validity: ten days before the packets, one day after */
#define LEAF_NB (T0 - 10 * 86400)	/* 2023-11-04T22:13:20 */
#define LEAF_NA (T0 + 86400)		/* 2023-11-15T22:13:20 */

static void cert_values(void **state)
{
	(void)state;
	uint8_t leaf[2048], ca[1024], flight[4096], hello[512];
	size_t ln = make_cert(leaf, sizeof(leaf), "leaf.example",
			      "DNS:first.example,DNS:second.example,IP:192.0.2.7,"
			      "email:a@b.example,URI:https://u.example/x", LEAF_NB, LEAF_NA);
	size_t cn = make_cert(ca, sizeof(ca), "intermediate.example", NULL, T0 - 1000, T0 + 1000);
	static const char *rules =
		/* multi-buffers: the list matches one instance, here the second */
		"alert tls any any -> any any (msg:\"san2\"; tls.subjectaltname; "
		"content:\"second.example\"; startswith; endswith; sid:1;)\n"
		"alert tls any any -> any any (msg:\"san1+2\"; tls.subjectaltname; "
		"content:\"first.example\"; content:\"second\"; sid:2;)\n"
		"alert tls any any -> any any (msg:\"san ip\"; tls.subjectaltname; "
		"content:\"[192, 0, 2, 7]\"; startswith; endswith; sid:3;)\n"
		"alert tls any any -> any any (msg:\"san mail\"; tls.subjectaltname; "
		"content:\"RFC822Name(a@b.example)\"; startswith; endswith; sid:4;)\n"
		"alert tls any any -> any any (msg:\"san none\"; tls.subjectaltname; "
		"content:\"third.example\"; sid:5;)\n"
		"alert tls any any -> any any (msg:\"san uri\"; tls.subjectaltname; "
		"content:\"https://u.example/x\"; startswith; endswith; sid:6;)\n"
		"alert tls any any -> any any (msg:\"certs 2nd\"; tls.certs; "
		"content:\"intermediate.example\"; sid:7;)\n"
		"alert tls any any -> any any (msg:\"certs none\"; tls.certs; "
		"content:\"nowhere.example\"; sid:8;)\n"
		"alert tls any any -> any any (msg:\"len 2\"; tls.cert_chain_len:2; sid:9;)\n"
		"alert tls any any -> any any (msg:\"len >2\"; tls.cert_chain_len:>2; sid:10;)\n"
		"alert tls any any -> any any (msg:\"len 1-3\"; tls.cert_chain_len:1-3; sid:11;)\n"
		"alert tls any any -> any any (msg:\"len !2\"; tls.cert_chain_len:!2; sid:12;)\n"
		"alert tls any any -> any any (msg:\"len <=2\"; tls.cert_chain_len:<=2; sid:13;)\n"
		"alert tls any any -> any any (msg:\"len !1-3\"; tls.cert_chain_len:!1-3; sid:14;)\n"
		"alert tls any any -> any any (msg:\"na >\"; tls_cert_notafter:>2023-11-14; sid:15;)\n"
		"alert tls any any -> any any (msg:\"nb <\"; tls_cert_notbefore:<2023-11-01; sid:16;)\n"
		"alert tls any any -> any any (msg:\"nb range\"; "
		"tls_cert_notbefore:2023-11-01<>2023-11-10 12:00; sid:17;)\n"
		"alert tls any any -> any any (msg:\"expired\"; tls_cert_expired; sid:18;)\n"
		"alert tls any any -> any any (msg:\"valid\"; tls_cert_valid; sid:19;)\n"
		"alert tls any any -> any any (msg:\"na epoch\"; tls_cert_notafter:1700086400; sid:20;)\n"
		/* the values with a buffer, as feeds write them */
		"alert tls any any -> any any (msg:\"combined\"; tls.cert_subject; "
		"content:\"CN=leaf.example\"; tls.cert_chain_len:>1; tls_cert_valid; sid:21;)\n";
	tu_setup(rules, &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "leaf.example"), &v);
	assert_int_equal(v.nalerts, 0);
	struct tu_der chain[] = { { leaf, ln }, { ca, cn } };
	size_t fn = tu_server_flight(flight, NULL, 0, chain, 2);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	uint32_t want = 1u << 1 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 7 | 1u << 9 | 1u << 11 |
			1u << 13 | 1u << 15 | 1u << 17 | 1u << 19 | 1u << 20 | 1u << 21;
	if (sids(&v, 21) != want)
		fail_msg("sids 0x%x, want 0x%x", sids(&v, 21), want);
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 1 and "
				      ".tls.notbefore == \"2023-11-04T22:13:20\" and "
				      ".tls.notafter == \"2023-11-15T22:13:20\")"), 1);

	/* an expired certificate, alone in its chain */
	tu_conn_open(&c, W, 8443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "old.example"), &v);
	ln = make_cert(leaf, sizeof(leaf), "old.example", NULL, T0 - 1000, T0 - 10);
	struct tu_der old[] = { { leaf, ln } };
	fn = tu_server_flight(flight, NULL, 0, old, 1);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	/* one certificate: 1-3 is exclusive, !1-3 holds; notAfter is still on
	 * the 14th, past its midnight */
	want = 1u << 12 | 1u << 13 | 1u << 14 | 1u << 15 | 1u << 18;
	if (sids(&v, 21) != want)
		fail_msg("expired: sids 0x%x, want 0x%x", sids(&v, 21), want);
	tu_teardown(&RS, &W);
}

/*
 * tls.subject, tls.issuerdn, tls.fingerprint: Suricata 7's legacy value
 * keywords, a case-sensitive substring of the certificate's value; '!'
 * for its absence, which a flow without a certificate does not have.
 */
static void legacy_value_keywords(void **state)
{
	(void)state;
	uint8_t der[1024], flight[4096], hello[512];
	size_t dn = make_cert(der, sizeof(der), "lv.example", NULL, T0 - 86400, T0 + 86400);
	char fp[64], upper[64], other[64];
	digest_hex(EVP_sha1(), der, dn, ':', fp);
	hex_upper(upper, fp);
	snprintf(other, sizeof(other), "%s", fp);
	other[0] = other[0] == '0' ? '1' : '0';
	/* a fingerprint with a hex letter, so the uppercase one differs */
	assert_string_not_equal(fp, upper);

	char rules[4096];
	snprintf(rules, sizeof(rules),
		 "alert tls any any -> any any (msg:\"subj\"; tls.subject:\"CN=lv.example\"; sid:1;)\n"
		 "alert tls any any -> any any (msg:\"subj other\"; tls.subject:\"CN=other\"; sid:2;)\n"
		 "alert tls any any -> any any (msg:\"subj !other\"; tls.subject:!\"CN=other\"; sid:3;)\n"
		 "alert tls any any -> any any (msg:\"subj !own\"; tls.subject:! \"lv.ex\"; sid:4;)\n"
		 /* case sensitive */
		 "alert tls any any -> any any (msg:\"subj case\"; tls.subject:\"cn=LV.example\"; sid:5;)\n"
		 "alert tls any any -> any any (msg:\"iss\"; tls.issuerdn:\"=lv.exam\"; sid:6;)\n"
		 "alert tls any any -> any any (msg:\"iss !own\"; tls.issuerdn:!\"CN=lv.example\"; sid:7;)\n"
		 "alert tls any any -> any any (msg:\"fp\"; tls.fingerprint:\"%s\"; sid:8;)\n"
		 "alert tls any any -> any any (msg:\"fp upper\"; tls.fingerprint:\"%s\"; sid:9;)\n"
		 "alert tls any any -> any any (msg:\"fp !other\"; tls.fingerprint:!\"%s\"; sid:10;)\n"
		 "alert tls any any -> any any (msg:\"fp part\"; tls.fingerprint:\"%.8s\"; sid:11;)\n"
		 /* with buffers and other certificate keywords: all must hold */
		 "alert tls any any -> any any (msg:\"mixed\"; tls.cert_subject; content:\"lv\"; "
		 "tls.subject:\"CN=lv\"; tls.fingerprint:\"%s\"; tls_cert_valid; sid:12;)\n"
		 "alert tls any any -> any any (msg:\"mixed miss\"; tls.cert_issuer; content:\"lv\"; "
		 "tls.subject:\"CN=lv\"; tls.issuerdn:!\"lv\"; sid:13;)\n"
		 /* the keyword makes a tcp rule a TLS one, as in Suricata */
		 "alert tcp any any -> any any (msg:\"tcp\"; flow:to_client; "
		 "tls.subject:\"lv.example\"; sid:14;)\n"
		 "alert tls any any -> any any (msg:\"two\"; tls.subject:\"CN=\"; "
		 "tls.subject:!\"CN=x\"; sid:15;)\n",
		 fp, upper, other, fp, fp);
	tu_setup(rules, &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "lv.example"), &v);
	assert_int_equal(v.nalerts, 0);
	struct tu_der chain[] = { { der, dn } };
	size_t fn = tu_server_flight(flight, NULL, 0, chain, 1);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	uint32_t want = 1u << 1 | 1u << 3 | 1u << 6 | 1u << 8 | 1u << 10 | 1u << 11 |
			1u << 12 | 1u << 14 | 1u << 15;
	if (sids(&v, 15) != want)
		fail_msg("sids 0x%x, want 0x%x", sids(&v, 15), want);

	/* no certificate: the negated forms do not hold either */
	tu_conn_open(&c, W, 8443);
	tu_conn_send(&c, (const char *)hello, tu_client_hello(hello, "lv.example"), &v);
	fn = tu_server_flight(flight, NULL, 0, NULL, 0);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	assert_int_equal(v.nalerts, 0);
	tu_teardown(&RS, &W);
}

/* tls.version: the version of the rule's side, as ssl_version reads it */
static void tls_version_keyword(void **state)
{
	(void)state;
	uint8_t hello[512], flight[4096], exts[64], der[1024];
	tu_setup("alert tls any any -> any any (msg:\"c13\"; flow:to_server; tls.version:1.3; "
		 "sid:1;)\n"
		 "alert tls any any -> any any (msg:\"s12\"; flow:to_client; tls.version:\"1.2\"; "
		 "sid:2;)\n"
		 "alert tls any any -> any any (msg:\"s13\"; flow:to_client; tls.version:1.3; sid:3;)\n"
		 "alert tls any any -> any any (msg:\"c raw\"; flow:to_server; tls.version:0x0303; "
		 "sid:4;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 443);
	/* supported_versions: GREASE, then 1.3 */
	tu_conn_send(&c, (const char *)hello, browser_hello(hello), &v);
	assert_int_equal(sids(&v, 4), 1u << 1);
	size_t dn = make_cert(der, sizeof(der), "v.example", NULL, T0 - 10, T0 + 10);
	struct tu_der chain[] = { { der, dn } };
	size_t fn = tu_server_flight(flight, exts, hello12_exts(exts), chain, 1);
	tu_conn_reply(&c, (const char *)flight, fn, &v);
	assert_int_equal(sids(&v, 4), 1u << 2);
	tu_teardown(&RS, &W);
}

/*
 * hello's handshake message in records of at most k bytes each (RFC 8446
 * 5.1 allows it; clients do it to get past SNI filters), with `between`
 * (a whole record) after the first
 */
static size_t hello_records(uint8_t *out, const uint8_t *hello, size_t n, size_t k,
			    const uint8_t *between, size_t bn)
{
	size_t o = 0;
	for (size_t off = 5; off < n; off += k) {
		size_t c = n - off < k ? n - off : k;
		out[o++] = 0x16, out[o++] = 3, out[o++] = 1;
		o += tu_put16(out + o, c);
		memcpy(out + o, hello + off, c), o += c;
		if (off == 5 && between)
			memcpy(out + o, between, bn), o += bn;
	}
	return o;
}

/* r on a new connection (a port of its own); did it alert? */
static int send_hello(const uint8_t *r, size_t n)
{
	static uint16_t port = 4430;
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	int hit = 0;
	tu_conn_open(&c, W, port++);
	for (size_t off = 0; off < n; off += 1400) {
		tu_conn_send(&c, (const char *)r + off, n - off < 1400 ? n - off : 1400, &v);
		hit |= tu_has_sid(&v, 1);
	}
	return hit;
}

static void hello_over_records(void **state)
{
	(void)state;
	tu_setup("alert tls any any -> any any (msg:\"sni\"; tls.sni; content:\"split.example\"; "
		 "sid:1;)\n", &RS, &W);
	static uint8_t h[512], r[8192];
	size_t n = tu_client_hello(h, "split.example");
	assert_true(send_hello(h, n));
	/* the same hello in records of 1, 3 and 40 bytes, and in two */
	const size_t ks[] = { 1, 3, 40, n - 6 };
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		size_t rn = hello_records(r, h, n, ks[i], NULL, 0);
		if (!send_hello(r, rn))
			fail_msg("records of %zu bytes: no alert", ks[i]);
	}
	/* the whole hello read each time: its JA3 on all five alerts */
	assert_int_equal(tu_eve_count("select(.alert.signature_id == 1 and "
				      ".tls.ja3.string == \"771,4865,0,,\")"), 5);
	/* an empty handshake record in between carries nothing */
	static const uint8_t empty[] = { 0x16, 3, 1, 0, 0 };
	assert_true(send_hello(r, hello_records(r, h, n, 20, empty, sizeof(empty))));
	/* a record of another type inside the hello: not a ClientHello */
	static const uint8_t ccs[] = { 0x14, 3, 3, 0, 1, 1 };
	assert_false(send_hello(r, hello_records(r, h, n, 20, ccs, sizeof(ccs))));
	tu_teardown(&RS, &W);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cert_fingerprint),
		cmocka_unit_test(cert_fingerprint_rejected),
		cmocka_unit_test(ja3_keywords),
		cmocka_unit_test(ja3_rejected),
		cmocka_unit_test(ja4_keyword),
		cmocka_unit_test(cert_values),
		cmocka_unit_test(legacy_value_keywords),
		cmocka_unit_test(tls_version_keyword),
		cmocka_unit_test(hello_over_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
