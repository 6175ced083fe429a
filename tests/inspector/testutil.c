// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

char tu_eve_path[256];
static struct snet_inspect_eve *tu_eve;

int tu_load(const char *text, struct snet_inspect_ruleset **rs,
	    struct snet_inspect_report **rep)
{
	return tu_load_with(text, NULL, rs, rep);
}

struct snet_inspect_ruleset *tu_load_ok(const char *text, const char *const *engine_kv)
{
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	if (tu_load_with(text, engine_kv, &rs, &rep)) {
		fprintf(stderr, "load failed: %s\n", snet_inspect_report_message(rep, 0));
		snet_inspect_report_free(rep);
		return NULL;
	}
	snet_inspect_report_free(rep);
	return rs;
}

int tu_load_with(const char *text, const char *const *engine_kv,
		 struct snet_inspect_ruleset **rs, struct snet_inspect_report **rep)
{
	char path[] = "/tmp/snet-test-rules-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	close(fd);
	struct snet_inspect_config *cfg;
	snet_inspect_config_new(&cfg);
	snet_inspect_config_set_var(cfg, "HOME_NET", "[10.0.0.0/8,2001:db8:1::/48]");
	snet_inspect_config_set_var(cfg, "EXTERNAL_NET", "!$HOME_NET");
	const char *cls = getenv("SNET_TEST_CLASSIFICATION");
	if (cls)
		snet_inspect_config_set(cfg, "classification-file", cls);
	for (size_t i = 0; engine_kv && engine_kv[i]; i += 2) {
		if (snet_inspect_config_set(cfg, engine_kv[i], engine_kv[i + 1])) {
			fprintf(stderr, "bad engine setting %s=%s\n", engine_kv[i], engine_kv[i + 1]);
			snet_inspect_config_free(cfg);
			unlink(path);
			return -1;
		}
	}
	const char *paths[] = { path };
	struct snet_inspect_report *r = NULL;
	int rc = snet_inspect_ruleset_load(cfg, paths, 1, rs, &r);
	snet_inspect_config_free(cfg);
	unlink(path);
	if (rep)
		*rep = r;
	else
		snet_inspect_report_free(r);
	return rc;
}

struct snet_inspect_worker *tu_worker(struct snet_inspect_ruleset *rs)
{
	snprintf(tu_eve_path, sizeof(tu_eve_path), "/tmp/snet-test-eve-%d.json", (int)getpid());
	unlink(tu_eve_path);
	if (snet_inspect_eve_open(tu_eve_path, &tu_eve))
		return NULL;
	struct snet_inspect_worker *w = NULL;
	if (snet_inspect_worker_new(rs, tu_eve, &w))
		return NULL;
	return w;
}

void tu_worker_free(struct snet_inspect_worker *w)
{
	snet_inspect_worker_free(w);
	snet_inspect_eve_close(tu_eve);
	tu_eve = NULL;
	unlink(tu_eve_path);
}

void tu_setup(const char *rules_text, struct snet_inspect_ruleset **rs,
	      struct snet_inspect_worker **w)
{
	*rs = tu_load_ok(rules_text, NULL);
	assert_non_null(*rs);
	*w = tu_worker(*rs);
	assert_non_null(*w);
}

void tu_teardown(struct snet_inspect_ruleset **rs, struct snet_inspect_worker **w)
{
	tu_worker_free(*w);
	snet_inspect_ruleset_unref(*rs);
	*w = NULL;
	*rs = NULL;
}

static size_t ip_hdr(uint8_t *b, int v6, const char *src, const char *dst, uint8_t proto,
		     size_t l4len)
{
	if (v6) {
		memset(b, 0, 40);
		b[0] = 0x60;
		b[4] = (uint8_t)(l4len >> 8);
		b[5] = (uint8_t)l4len;
		b[6] = proto;
		b[7] = 64;
		inet_pton(AF_INET6, src, b + 8);
		inet_pton(AF_INET6, dst, b + 24);
		return 40;
	}
	memset(b, 0, 20);
	b[0] = 0x45;
	size_t tot = 20 + l4len;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	return 20;
}

size_t tu_tcp(uint8_t *buf, int v6, const char *src, const char *dst, uint16_t sport,
	      uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	      const void *data, size_t len)
{
	size_t h = ip_hdr(buf, v6, src, dst, 6, 20 + len);
	uint8_t *t = buf + h;
	memset(t, 0, 20);
	t[0] = (uint8_t)(sport >> 8); t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8); t[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff; t[15] = 0xff;
	memcpy(t + 20, data, len);
	return h + 20 + len;
}

size_t tu_udp(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
	      uint16_t dport, const void *data, size_t len)
{
	size_t h = ip_hdr(buf, 0, src, dst, 17, 8 + len);
	uint8_t *u = buf + h;
	u[0] = (uint8_t)(sport >> 8); u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8); u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + len) >> 8); u[5] = (uint8_t)(8 + len);
	u[6] = u[7] = 0;
	memcpy(u + 8, data, len);
	return h + 8 + len;
}

static size_t icmp_pkt(uint8_t *buf, int v6, const char *src, const char *dst, uint8_t type,
		       uint8_t code, const void *data, size_t len)
{
	size_t h = ip_hdr(buf, v6, src, dst, v6 ? 58 : 1, 8 + len);
	uint8_t *c = buf + h;
	memset(c, 0, 8);
	c[0] = type;
	c[1] = code;
	memcpy(c + 8, data, len);
	return h + 8 + len;
}

size_t tu_icmp(uint8_t *buf, const char *src, const char *dst, uint8_t type, uint8_t code,
	       const void *data, size_t len)
{
	return icmp_pkt(buf, 0, src, dst, type, code, data, len);
}

size_t tu_icmp6(uint8_t *buf, const char *src, const char *dst, uint8_t type, uint8_t code,
		const void *data, size_t len)
{
	return icmp_pkt(buf, 1, src, dst, type, code, data, len);
}

static int send_pkt(struct tu_conn *c, int from_client, uint8_t flags, const char *d,
		    size_t n, struct snet_inspect_verdict *v)
{
	static uint8_t buf[70000];
	const char *cli = c->v6 ? "2001:db8:1::1" : "10.0.0.1";
	const char *srv = c->v6 ? "2001:db8:2::1" : "192.0.2.1";
	size_t len = from_client ?
		tu_tcp(buf, c->v6, cli, srv, 1234, c->dport, c->cseq, c->sseq, flags, d, n) :
		tu_tcp(buf, c->v6, srv, cli, c->dport, 1234, c->sseq, c->cseq, flags, d, n);
	if (from_client)
		c->cseq += (uint32_t)n + ((flags & 0x03) ? 1 : 0);
	else
		c->sseq += (uint32_t)n + ((flags & 0x03) ? 1 : 0);
	c->t += 0.001;
	struct timespec ts = { 1700000000 + (time_t)c->t, (long)((c->t - (long)c->t) * 1e9) };
	struct snet_inspect_verdict tmp;
	if (!v)
		v = &tmp;
	snet_inspect_worker_packet(c->w, buf, len, &ts, NULL, v);
	return v->action;
}

void tu_conn_open(struct tu_conn *c, struct snet_inspect_worker *w, uint16_t dport)
{
	int v6 = c->v6;
	memset(c, 0, sizeof(*c));
	c->v6 = v6;
	c->w = w;
	c->cseq = 1000;
	c->sseq = 9000;
	c->dport = dport;
	send_pkt(c, 1, 0x02, "", 0, NULL);
	send_pkt(c, 0, 0x12, "", 0, NULL);
	send_pkt(c, 1, 0x10, "", 0, NULL);
}

int tu_conn_send(struct tu_conn *c, const char *d, size_t n, struct snet_inspect_verdict *v)
{
	return send_pkt(c, 1, 0x18, d, n, v);
}

int tu_conn_reply(struct tu_conn *c, const char *d, size_t n, struct snet_inspect_verdict *v)
{
	return send_pkt(c, 0, 0x18, d, n, v);
}

int tu_conn_fin(struct tu_conn *c, struct snet_inspect_verdict *v)
{
	return send_pkt(c, 1, 0x11, "", 0, v);
}

int tu_conn_reply_fin(struct tu_conn *c, struct snet_inspect_verdict *v)
{
	return send_pkt(c, 0, 0x11, "", 0, v);
}

int tu_conn_send_at(struct tu_conn *c, uint32_t off, const char *d, size_t n,
		    struct snet_inspect_verdict *v)
{
	/* the stream starts at cseq 1001 (ISN 1000 + the SYN) */
	uint32_t save = c->cseq;
	c->cseq = 1001 + off;
	int a = send_pkt(c, 1, 0x18, d, n, v);
	c->cseq = save;
	return a;
}

int tu_udp_send(struct snet_inspect_worker *w, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const char *d, double t, struct snet_inspect_verdict *v)
{
	static uint8_t buf[2048];
	size_t n = strlen(d);
	if (n > sizeof(buf) - 28)
		return -1;
	size_t len = tu_udp(buf, src, dst, sport, dport, d, n);
	struct timespec ts = { 1700000000 + (time_t)t, (long)((t - (double)(long)t) * 1e9) };
	struct snet_inspect_verdict tmp;
	if (!v)
		v = &tmp;
	if (snet_inspect_worker_packet(w, buf, len, &ts, NULL, v))
		return -1;
	return v->action;
}

int tu_eve_count(const char *filter)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "jq -c '%s' %s 2>/dev/null | wc -l", filter, tu_eve_path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	if (pclose(p) != 0)
		return -1;
	return n;
}

int tu_has_sid(const struct snet_inspect_verdict *v, uint32_t sid)
{
	for (unsigned i = 0; i < v->nalerts_kept; i++)
		if (v->alerts[i].sid == sid)
			return 1;
	return 0;
}

int tu_stream_hits(const char *rule, uint16_t dport, const char *payload)
{
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_report *rep;
	if (tu_load(rule, &rs, &rep)) {
		fprintf(stderr, "load failed: %s\n", snet_inspect_report_message(rep, 0));
		snet_inspect_report_free(rep);
		return -1;
	}
	snet_inspect_report_free(rep);
	struct snet_inspect_worker *w = tu_worker(rs);
	struct tu_conn c = { 0 };
	tu_conn_open(&c, w, dport);
	struct snet_inspect_verdict v;
	tu_conn_send(&c, payload, strlen(payload), &v);
	int hit = tu_has_sid(&v, 1);
	tu_worker_free(w);
	snet_inspect_ruleset_unref(rs);
	return hit;
}

/* ---- application messages ---- */

size_t tu_put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
	return 2;
}

size_t tu_put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16), p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)v;
	return 3;
}

size_t tu_dns_msg(uint8_t *b, const char *name, uint16_t id, int qr)
{
	uint8_t h[12] = { (uint8_t)(id >> 8), (uint8_t)id, qr ? 0x81 : 0x01, qr ? 0x80 : 0x00,
			  0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(b, h, 12);
	size_t n = 12;
	for (const char *p = name; *p;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		b[n++] = (uint8_t)l;
		memcpy(b + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	static const uint8_t tail[] = { 0, 0, 1, 0, 1 };	/* root, A, IN */
	memcpy(b + n, tail, sizeof(tail));
	return n + sizeof(tail);
}

size_t tu_client_hello(uint8_t *b, const char *sni)
{
	return tu_client_hello_padded(b, sni, 0);
}

size_t tu_client_hello_padded(uint8_t *b, const char *sni, size_t pad)
{
	size_t nl = strlen(sni), n = 9;
	b[n++] = 3, b[n++] = 3;
	memset(b + n, 0x11, 32), n += 32;			/* random */
	b[n++] = 0;						/* session id */
	n += tu_put16(b + n, 2), b[n++] = 0x13, b[n++] = 0x01;	/* suites */
	b[n++] = 1, b[n++] = 0;					/* compression */
	n += tu_put16(b + n, 4 + 5 + nl + (pad ? 4 + pad : 0));
	/* server_name: one host_name */
	n += tu_put16(b + n, 0), n += tu_put16(b + n, nl + 5), n += tu_put16(b + n, nl + 3);
	b[n++] = 0;
	n += tu_put16(b + n, nl);
	memcpy(b + n, sni, nl), n += nl;
	if (pad) {
		n += tu_put16(b + n, 21), n += tu_put16(b + n, pad);	/* padding */
		memset(b + n, 0, pad), n += pad;
	}
	b[0] = 0x16, b[1] = 3, b[2] = 1;
	tu_put16(b + 3, n - 5);
	b[5] = 1;
	tu_put24(b + 6, n - 9);
	return n;
}

/* "C=US,O=Example Org,CN=x" into name */
static void add_name(X509_NAME *name, const char *spec)
{
	char buf[256];
	assert_true(strlen(spec) < sizeof(buf));
	strcpy(buf, spec);
	for (char *save = NULL, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');
		assert_non_null(eq);
		*eq = 0;
		assert_true(X509_NAME_add_entry_by_txt(name, f, MBSTRING_ASC,
						       (const unsigned char *)eq + 1, -1, -1, 0));
	}
}

size_t tu_make_cert(uint8_t *out, size_t cap, const struct tu_cert *c)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	assert_non_null(key);
	assert_non_null(x);
	X509_set_version(x, 2);
	if (c->serial) {
		BIGNUM *bn = BN_bin2bn(c->serial, (int)c->serial_len, NULL);
		assert_non_null(bn);
		assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
		BN_free(bn);
	} else {
		ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	}
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), c->not_before));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), c->not_after));
	add_name(X509_get_subject_name(x), c->subject);
	if (c->issuer)
		add_name(X509_get_issuer_name(x), c->issuer);
	else
		X509_set_issuer_name(x, X509_get_subject_name(x));
	if (c->san) {
		X509V3_CTX ctx;
		X509V3_set_ctx_nodb(&ctx);
		X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
		X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, c->san);
		assert_non_null(ext);
		assert_true(X509_add_ext(x, ext, -1));
		X509_EXTENSION_free(ext);
	}
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	int n = i2d_X509(x, NULL);
	assert_true(n > 0 && (size_t)n <= cap);
	unsigned char *p = out;
	i2d_X509(x, &p);
	X509_free(x);
	EVP_PKEY_free(key);
	return (size_t)n;
}

size_t tu_server_flight(uint8_t *out, const uint8_t *exts, size_t extlen,
			const struct tu_der *chain, size_t ncerts)
{
	uint8_t *p = out + 5;
	*p++ = 2;
	p += tu_put24(p, 38 + 2 + extlen);
	*p++ = 3, *p++ = 3;
	memset(p, 0x42, 32), p += 32;
	*p++ = 0;			/* session id */
	*p++ = 0xc0, *p++ = 0x2f;	/* cipher suite */
	*p++ = 0;			/* compression */
	p += tu_put16(p, extlen);
	if (extlen)
		memcpy(p, exts, extlen), p += extlen;
	if (ncerts) {
		size_t total = 0;
		for (size_t i = 0; i < ncerts; i++)
			total += 3 + chain[i].n;
		*p++ = 11;
		p += tu_put24(p, total + 3);
		p += tu_put24(p, total);
		for (size_t i = 0; i < ncerts; i++) {
			p += tu_put24(p, chain[i].n);
			memcpy(p, chain[i].p, chain[i].n), p += chain[i].n;
		}
	}
	*p++ = 14, *p++ = 0, *p++ = 0, *p++ = 0;	/* ServerHelloDone */
	out[0] = 22, out[1] = 3, out[2] = 3;
	tu_put16(out + 3, (size_t)(p - out - 5));
	return (size_t)(p - out);
}
