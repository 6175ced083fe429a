// SPDX-License-Identifier: GPL-2.0-or-later
/* Remote decision client: non-blocking TCP (or TLS) with a budget per query. */
#include "remote.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "event_json.h"
#include "names.h"
#include "selfmark.h"

#define CONNECT_BACKOFF_MS 1000

struct remote_client {
	struct addrinfo *addrs;
	char name[300];			/* "host:port" for messages */
	int fd;				/* -1: not connected */
	uint64_t retry_after_ms;	/* back-off after a failed connect */
	char *buf;			/* bytes received, not yet a line */
	size_t used;
	SSL_CTX *tls;			/* NULL: plain TCP */
	SSL *ssl;			/* the connection's, while connected */
	char tls_name[256];		/* what the certificate must name */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The reason of OpenSSL's last error, for a message. */
static const char *tls_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : "unknown error";
}

static int tls_setup(struct remote_client *rc, const char *host,
		     const struct remote_tls *tls, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	const char *key;

	if (!ctx) {
		snprintf(err, errlen, "remote TLS: %s", tls_reason());
		return -ENOMEM;
	}
	rc->tls = ctx;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (tls->ca_file && tls->ca_file[0]) {
		if (SSL_CTX_load_verify_locations(ctx, tls->ca_file, NULL) != 1) {
			snprintf(err, errlen, "remote TLS: CA file %s: %s",
				 tls->ca_file, tls_reason());
			return -EINVAL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(err, errlen, "remote TLS: the system's CA store: %s",
			 tls_reason());
		return -EINVAL;
	}
	if (tls->cert_file && tls->cert_file[0]) {
		key = tls->key_file && tls->key_file[0] ? tls->key_file :
		      tls->cert_file;
		if (SSL_CTX_use_certificate_chain_file(ctx, tls->cert_file) != 1) {
			snprintf(err, errlen, "remote TLS: certificate %s: %s",
				 tls->cert_file, tls_reason());
			return -EINVAL;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			snprintf(err, errlen, "remote TLS: key %s: %s", key,
				 tls_reason());
			return -EINVAL;
		}
	}
	snprintf(rc->tls_name, sizeof(rc->tls_name), "%s",
		 tls->server_name && tls->server_name[0] ? tls->server_name : host);
	return 0;
}

int remote_client_new(const char *host, const char *port,
		      const struct remote_tls *tls,
		      struct remote_client **out, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct remote_client *rc;
	int gai;

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->buf = malloc(REMOTE_MAX_LINE);
	if (!rc->buf) {
		free(rc);
		return -ENOMEM;
	}
	gai = getaddrinfo(host, port, &hints, &rc->addrs);
	if (gai) {
		snprintf(err, errlen, "remote server %s port %s: %s", host, port,
			 gai_strerror(gai));
		free(rc->buf);
		free(rc);
		return -EHOSTUNREACH;
	}
	snprintf(rc->name, sizeof(rc->name), strchr(host, ':') ? "[%s]:%s" :
		 "%s:%s", host, port);
	rc->fd = -1;
	if (tls && tls->enabled) {
		int ret = tls_setup(rc, host, tls, err, errlen);

		if (ret) {
			remote_client_free(rc);
			return ret;
		}
	}
	*out = rc;
	return 0;
}

static void disconnect(struct remote_client *rc)
{
	SSL_free(rc->ssl);
	rc->ssl = NULL;
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	rc->used = 0;
}

void remote_client_free(struct remote_client *rc)
{
	if (!rc)
		return;
	disconnect(rc);
	if (rc->addrs)
		freeaddrinfo(rc->addrs);
	SSL_CTX_free(rc->tls);
	free(rc->buf);
	free(rc);
}

static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = now_ms();
		struct pollfd pfd = { .fd = fd, .events = events };
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

/*
 * After an SSL call returned @ret: wait for what it wants (0, call again),
 * or the error as an errno.
 */
static int tls_wait(struct remote_client *rc, int ret, uint64_t deadline)
{
	switch (SSL_get_error(rc->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(rc->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(rc->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return -ECONNRESET;
	case SSL_ERROR_SYSCALL:
		return errno ? -errno : -ECONNRESET;
	default:
		return -EPROTO;
	}
}

/* The TLS handshake on the connected rc->fd. */
static int tls_handshake(struct remote_client *rc, uint64_t deadline,
			 char *why, size_t whylen)
{
	struct in6_addr a6;
	struct in_addr a4;
	bool is_ip = inet_pton(AF_INET, rc->tls_name, &a4) == 1 ||
		     inet_pton(AF_INET6, rc->tls_name, &a6) == 1;
	int ret;

	ERR_clear_error();
	rc->ssl = SSL_new(rc->tls);
	if (!rc->ssl || SSL_set_fd(rc->ssl, rc->fd) != 1 ||
	    (is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(rc->ssl),
						    rc->tls_name) != 1 :
		     SSL_set1_host(rc->ssl, rc->tls_name) != 1 ||
		     SSL_set_tlsext_host_name(rc->ssl, rc->tls_name) != 1)) {
		snprintf(why, whylen, "TLS to %s: %s", rc->name, tls_reason());
		return -ENOMEM;
	}
	for (;;) {
		errno = 0;
		ret = SSL_connect(rc->ssl);
		if (ret == 1)
			return 0;
		ret = tls_wait(rc, ret, deadline);
		if (ret == 0)
			continue;
		if (ret == -ETIMEDOUT) {
			snprintf(why, whylen, "TLS handshake with %s: no answer in time",
				 rc->name);
			return ret;
		}
		long v = SSL_get_verify_result(rc->ssl);

		if (v != X509_V_OK)
			snprintf(why, whylen, "TLS handshake with %s: its certificate (for '%s'): %s",
				 rc->name, rc->tls_name, X509_verify_cert_error_string(v));
		else
			snprintf(why, whylen, "TLS handshake with %s: %s", rc->name,
				 ret == -EPROTO ? tls_reason() : strerror(-ret));
		return -EPROTO;
	}
}

static int try_connect(struct remote_client *rc, uint64_t deadline, char *why,
		       size_t whylen)
{
	int last = -ECONNREFUSED;

	if (now_ms() < rc->retry_after_ms) {
		snprintf(why, whylen, "%s unreachable a moment ago; not retrying yet",
			 rc->name);
		return -EAGAIN;
	}
	for (struct addrinfo *ai = rc->addrs; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
				SOCK_CLOEXEC, ai->ai_protocol);
		int soerr = 0, one = 1;
		socklen_t sl = sizeof(soerr);

		if (fd < 0) {
			last = -errno;
			continue;
		}
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
			last = -errno;
			close(fd);
			continue;
		}
		/* snetd's own connection: its nft table must not queue it. */
		last = self_mark_apply(fd);
		if (last) {
			close(fd);
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
			last = -errno;
			close(fd);
			continue;
		}
		last = wait_fd(fd, POLLOUT, deadline);
		if (!last && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
			last = -errno;
		else if (!last && soerr)
			last = -soerr;
		if (last) {
			close(fd);
			if (last == -ETIMEDOUT)
				break;
			continue;
		}
		rc->fd = fd;
		rc->used = 0;
		if (!rc->tls)
			return 0;
		last = tls_handshake(rc, deadline, why, whylen);
		if (!last)
			return 0;
		disconnect(rc);
		/* An untrusted server stays untrusted for a while. */
		rc->retry_after_ms = now_ms() + CONNECT_BACKOFF_MS;
		return last;
	}
	rc->retry_after_ms = now_ms() + CONNECT_BACKOFF_MS;
	snprintf(why, whylen, "cannot connect to %s: %s", rc->name,
		 strerror(-last));
	return last;
}

static int send_all(struct remote_client *rc, const char *data, size_t len,
		    uint64_t deadline)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;

		if (rc->ssl) {
			int w;

			errno = 0;
			w = SSL_write(rc->ssl, data + done, (int)(len - done));
			if (w <= 0) {
				w = tls_wait(rc, w, deadline);
				if (w)
					return w;
				continue;
			}
			done += (size_t)w;
			continue;
		}
		n = send(rc->fd, data + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int rc2 = wait_fd(rc->fd, POLLOUT, deadline);

			if (rc2)
				return rc2;
			continue;
		}
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Read until a whole line is buffered; returns its length (without \n). */
static ssize_t read_line(struct remote_client *rc, uint64_t deadline)
{
	for (;;) {
		char *nl = memchr(rc->buf, '\n', rc->used);
		ssize_t n;

		if (nl)
			return nl - rc->buf;
		if (rc->used == REMOTE_MAX_LINE)
			return -EMSGSIZE;
		if (rc->ssl) {
			int r;

			errno = 0;
			r = SSL_read(rc->ssl, rc->buf + rc->used,
				     (int)(REMOTE_MAX_LINE - rc->used));
			if (r <= 0) {
				r = tls_wait(rc, r, deadline);
				if (r)
					return r;
				continue;
			}
			rc->used += (size_t)r;
			continue;
		}
		n = recv(rc->fd, rc->buf + rc->used, REMOTE_MAX_LINE - rc->used, 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int rc2 = wait_fd(rc->fd, POLLIN, deadline);

			if (rc2)
				return rc2;
			continue;
		}
		if (n < 0)
			return -errno;
		rc->used += (size_t)n;
	}
}

int remote_parse_reply(const char *line, size_t len, uint32_t id,
		       struct decision *d, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *o, *v;
	const char *verdict, *ticket = "once";
	json_int_t rid, secs = 0;
	int life, vd, rc = -EBADMSG;

	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		snprintf(why, whylen, "reply is not JSON: %s", jerr.text);
		return -EBADMSG;
	}
	if (!json_is_object(o)) {
		snprintf(why, whylen, "reply is not a JSON object");
		goto out;
	}
	v = json_object_get(o, "id");
	if (!json_is_integer(v) || (rid = json_integer_value(v)) != (json_int_t)id) {
		snprintf(why, whylen, "reply carries no id or not the id %u asked",
			 id);
		goto out;
	}
	v = json_object_get(o, "verdict");
	if (!json_is_string(v)) {
		snprintf(why, whylen, "reply has no \"verdict\" string");
		goto out;
	}
	verdict = json_string_value(v);
	if (strcmp(verdict, "none") == 0) {
		rc = 0;
		goto out;
	}
	vd = verdict_from_name(verdict);
	if (vd < 0) {
		snprintf(why, whylen, "verdict must be allow, deny or none");
		goto out;
	}
	v = json_object_get(o, "ticket");
	if (v) {
		if (!json_is_string(v)) {
			snprintf(why, whylen, "\"ticket\" must be a string");
			goto out;
		}
		ticket = json_string_value(v);
	}
	life = life_from_name(ticket);
	if (life < 0) {
		snprintf(why, whylen, "ticket must be once, seconds or exit");
		goto out;
	}
	if (life == SNET_TICKET_TIMED) {
		v = json_object_get(o, "seconds");
		if (!json_is_integer(v) || (secs = json_integer_value(v)) < 1 ||
		    secs > UINT32_MAX) {
			snprintf(why, whylen, "ticket \"seconds\" needs \"seconds\": 1..4294967295");
			goto out;
		}
	}
	memset(d, 0, sizeof(*d));
	d->verdict = (uint8_t)vd;
	d->life = (uint8_t)life;
	d->seconds = (uint32_t)secs;
	d->by = DECIDER_REMOTE;
	v = json_object_get(o, "reason");
	if (json_is_string(v))
		snprintf(d->detail, sizeof(d->detail), "%s", json_string_value(v));
	rc = 1;
out:
	json_decref(o);
	return rc;
}

int remote_query(struct remote_client *rc, const struct snet_event *ev,
		 int budget_ms, struct decision *d, char *why, size_t whylen)
{
	uint64_t deadline = now_ms() + (uint64_t)(budget_ms > 0 ? budget_ms : 0);
	json_t *req, *evj;
	char *text;
	ssize_t llen;
	int ret;

	why[0] = '\0';
	if (rc->fd < 0) {
		ret = try_connect(rc, deadline, why, whylen);
		if (ret)
			return ret;
	}
	evj = event_to_json(ev);
	req = json_pack("{s:i, s:I, s:o}", "version", REMOTE_PROTOCOL_VERSION,
			"id", (json_int_t)ev->id, "event", evj);
	if (!req)
		return -ENOMEM;
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return -ENOMEM;
	size_t tlen = strlen(text);

	text[tlen] = '\n'; /* sent by length */
	ret = send_all(rc, text, tlen + 1, deadline);
	free(text);
	if (ret) {
		snprintf(why, whylen, "sending to %s: %s", rc->name, strerror(-ret));
		disconnect(rc);
		return ret;
	}
	llen = read_line(rc, deadline);
	if (llen < 0) {
		ret = (int)llen;
		snprintf(why, whylen, "%s: %s", rc->name,
			 ret == -ETIMEDOUT ? "no answer in time" :
			 ret == -EMSGSIZE ? "reply line too long" :
			 ret == -ECONNRESET ? "closed the connection" :
			 strerror(-ret));
		if (ret == -EMSGSIZE)
			ret = -EBADMSG;
		disconnect(rc);
		return ret;
	}
	ret = remote_parse_reply(rc->buf, (size_t)llen, ev->id, d, why, whylen);
	if (ret < 0) {
		/* Out of step with the server: start afresh. */
		disconnect(rc);
		return ret;
	}
	rc->used -= (size_t)llen + 1;
	memmove(rc->buf, rc->buf + llen + 1, rc->used);
	if (ret == 1) {
		char reason[sizeof(d->detail)];

		snprintf(reason, sizeof(reason), "%s", d->detail);
		snprintf(d->detail, sizeof(d->detail), "%s%s%.64s", rc->name,
			 reason[0] ? ": " : "", reason);
	}
	return ret;
}
