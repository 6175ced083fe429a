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

size_t tu_icmp(uint8_t *buf, const char *src, const char *dst, uint8_t type, uint8_t code,
	       const void *data, size_t len)
{
	size_t h = ip_hdr(buf, 0, src, dst, 1, 8 + len);
	uint8_t *c = buf + h;
	memset(c, 0, 8);
	c[0] = type;
	c[1] = code;
	memcpy(c + 8, data, len);
	return h + 8 + len;
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
