/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for the inspector tests: rule sets from strings, real packets. */
#ifndef SNET_TESTUTIL_H
#define SNET_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "snet/inspect.h"

/* load rules given as text; returns the load rc, *rs and *rep as the API */
int tu_load(const char *rules_text, struct snet_inspect_ruleset **rs,
	    struct snet_inspect_report **rep);
/* the same with engine settings: NULL-terminated key, value pairs */
int tu_load_with(const char *rules_text, const char *const *engine_kv,
		 struct snet_inspect_ruleset **rs, struct snet_inspect_report **rep);
/* load or fail the test with the first message of the report */
struct snet_inspect_ruleset *tu_load_ok(const char *rules_text, const char *const *engine_kv);
/* a test's rule set (loaded, or the test fails) and its worker (tu_worker) */
void tu_setup(const char *rules_text, struct snet_inspect_ruleset **rs,
	      struct snet_inspect_worker **w);
void tu_teardown(struct snet_inspect_ruleset **rs, struct snet_inspect_worker **w);
/* a worker on rs logging to a temp EVE file (path in tu_eve_path) */
struct snet_inspect_worker *tu_worker(struct snet_inspect_ruleset *rs);
extern char tu_eve_path[256];
void tu_worker_free(struct snet_inspect_worker *w);

/* packets: IPv4 (or IPv6 if v6) TCP/UDP/ICMP; returns the length in buf */
size_t tu_tcp(uint8_t *buf, int v6, const char *src, const char *dst, uint16_t sport,
	      uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	      const void *data, size_t len);
size_t tu_udp(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
	      uint16_t dport, const void *data, size_t len);
size_t tu_icmp(uint8_t *buf, const char *src, const char *dst, uint8_t type,
	       uint8_t code, const void *data, size_t len);
size_t tu_icmp6(uint8_t *buf, const char *src, const char *dst, uint8_t type,
		uint8_t code, const void *data, size_t len);

/* a TCP conversation from 10.0.0.1:1234 to 192.0.2.1:dport */
struct tu_conn {
	struct snet_inspect_worker *w;
	uint32_t cseq, sseq;
	uint16_t dport;
	int v6;
	double t;
};
void tu_conn_open(struct tu_conn *c, struct snet_inspect_worker *w, uint16_t dport);
/* client data, one segment; returns the verdict action; alerts in *v */
int tu_conn_send(struct tu_conn *c, const char *data, size_t len,
		 struct snet_inspect_verdict *v);
int tu_conn_reply(struct tu_conn *c, const char *data, size_t len,
		  struct snet_inspect_verdict *v);
/* the client's side of a connection closes (FIN) */
int tu_conn_fin(struct tu_conn *c, struct snet_inspect_verdict *v);
/* ... and the server's */
int tu_conn_reply_fin(struct tu_conn *c, struct snet_inspect_verdict *v);
/* client data sent at an explicit sequence offset from the stream start */
int tu_conn_send_at(struct tu_conn *c, uint32_t stream_off, const char *data, size_t len,
		    struct snet_inspect_verdict *v);
/* did any packet's verdict carry this sid? */
int tu_has_sid(const struct snet_inspect_verdict *v, uint32_t sid);
/* one UDP/ICMP packet at time t (seconds after the test epoch) */
int tu_udp_send(struct snet_inspect_worker *w, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const char *data, double t, struct snet_inspect_verdict *v);
/* lines of the EVE log that jq filter selects (jq -c), or -1 */
int tu_eve_count(const char *jq_filter);
/* one rule, one client payload on port dport: 1 if sid 1 alerted */
int tu_stream_hits(const char *rule, uint16_t dport, const char *payload);

/* ---- application messages, byte by byte ---- */

/* big-endian v at p; returns the bytes written (2, 3) */
size_t tu_put16(uint8_t *p, size_t v);
size_t tu_put24(uint8_t *p, size_t v);
/* a DNS message for name, type A, class IN: a query (qr 0) or the header
 * of a response (qr 1) */
size_t tu_dns_msg(uint8_t *b, const char *name, uint16_t id, int qr);
/* a TLS 1.2 ClientHello record with a server name and nothing else */
size_t tu_client_hello(uint8_t *b, const char *sni);
/* ... with a padding extension of pad bytes after the SNI */
size_t tu_client_hello_padded(uint8_t *b, const char *sni, size_t pad);

/* a certificate signed by its own P-256 key (OpenSSL, at test time) */
struct tu_cert {
	const char *subject;	/* "C=US,O=Example Org,CN=host" (',' separates) */
	const char *issuer;	/* the same form; NULL: the subject */
	const char *san;	/* OpenSSL's "DNS:a,IP:1.2.3.4"; NULL: none */
	const uint8_t *serial;	/* big-endian; NULL: 4242 */
	size_t serial_len;
	time_t not_before, not_after;
};
/* its DER in out (the test fails if more than cap); returns the length */
size_t tu_make_cert(uint8_t *out, size_t cap, const struct tu_cert *c);

struct tu_der {
	const uint8_t *p;
	size_t n;
};
/*
 * The server's flight in one handshake record: ServerHello (cipher suite
 * 0xc02f; its extensions as given), Certificate with the chain (none: no
 * Certificate message), ServerHelloDone.
 */
size_t tu_server_flight(uint8_t *out, const uint8_t *exts, size_t extlen,
			const struct tu_der *chain, size_t ncerts);
#endif
