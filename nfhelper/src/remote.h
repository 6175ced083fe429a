/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client of a remote decision server: one JSON object per line over TCP
 * (the protocol is in docs/snetd.md).  One struct remote_client is one
 * connection, kept open between queries and used by one thread at a time;
 * any error or timeout closes it, and the next query reconnects (no sooner
 * than a back-off after a failed connect).
 */
#ifndef SNETD_REMOTE_H
#define SNETD_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "decision.h"
#include "snet_nl.h"

#define REMOTE_PROTOCOL_VERSION 1
#define REMOTE_MAX_LINE 65536

struct remote_client;

/*
 * TLS to the server (OpenSSL): the server's certificate must chain to
 * @ca_file (empty: the system's trust store) and name @server_name (empty:
 * the host of [remote] server; an IP address is matched as one).  With
 * @cert_file snetd shows its own certificate (key in @key_file, or in
 * @cert_file when that is empty).  Strings are read only by
 * remote_client_new().
 */
struct remote_tls {
	bool enabled;
	const char *ca_file;
	const char *server_name;
	const char *cert_file;
	const char *key_file;
};

/*
 * Resolve @host and @port now (numeric or by name), and with @tls (NULL or
 * not enabled: plain TCP) load its files now; no connection yet.
 */
int remote_client_new(const char *host, const char *port,
		      const struct remote_tls *tls,
		      struct remote_client **out, char *err, size_t errlen);
void remote_client_free(struct remote_client *rc);

/*
 * Ask the server about @ev within @budget_ms.  Returns 1 and fills @d
 * (by = DECIDER_REMOTE) when the server decided, 0 when it answered
 * "none", or a negative errno with @why saying what went wrong:
 * -ETIMEDOUT (no answer in time), -ECONNREFUSED and friends (cannot
 * connect), -EAGAIN (in back-off after a failed connect), -EBADMSG (the
 * reply was not a valid answer to this request), -ECONNRESET (closed),
 * -EPROTO (the TLS handshake failed: certificate not trusted, wrong name,
 * not a TLS server).
 */
int remote_query(struct remote_client *rc, const struct snet_event *ev,
		 int budget_ms, struct decision *d, char *why, size_t whylen);

/*
 * Parse one reply line to request @id into @d: exposed for the tests and
 * the fuzzer.  1 decided, 0 "none", -EBADMSG with @why.
 */
int remote_parse_reply(const char *line, size_t len, uint32_t id,
		       struct decision *d, char *why, size_t whylen);

#endif /* SNETD_REMOTE_H */
