// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-test-remote: a small remote decision server for tests (unit tests on
 * the host, and the in-guest tests).  Speaks the protocol of docs/snetd.md:
 * a request per line, an answer per line.  How it answers is chosen on the
 * command line, so that tests can make it agree, refuse, dawdle or babble.
 *
 *   snet-test-remote [-l ADDR] [-p PORT] [-P PORTFILE] [-L LOGFILE]
 *                    [-v allow|deny|none] [-t once|exit|SECONDS]
 *                    [-D PORT]... [-d DELAY_MS] [-m normal|garbage|close|wrong-id]
 *                    [-n COUNT] [-T CERT -K KEY [-C CAFILE]]
 *
 *   -l/-p   listen address (127.0.0.1) and port (0: any free port)
 *   -P      write the port chosen to this file, then serve
 *   -L      append every request received to this file, one per line
 *   -v      the verdict (allow); -t the ticket (once)
 *   -D      deny requests whose remote port is PORT (others get -v)
 *   -d      wait this long before each answer
 *   -m      garbage: answer with a line that is not JSON; close: close
 *           without answering; wrong-id: answer another request's id
 *   -n      exit after COUNT requests (default: serve until killed)
 *   -T/-K   speak TLS with this certificate and key (PEM)
 *   -C      and require a client certificate that chains to CAFILE
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 32
#define MAX_DENY_PORTS 16

struct opts {
	const char *verdict, *ticket, *mode, *log;
	unsigned long seconds;
	long delay_ms, count;
	int deny_ports[MAX_DENY_PORTS];
	int n_deny;
};

static void die(const char *what)
{
	fprintf(stderr, "snet-test-remote: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int send_line(int fd, SSL *ssl, const char *text)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	ssize_t n;

	if (!buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\n';
	n = ssl ? SSL_write(ssl, buf, (int)len + 1) : send(fd, buf, len + 1, MSG_NOSIGNAL);
	free(buf);
	return n == (ssize_t)len + 1 ? 0 : -1;
}

/* Answer one request line; -1 to close the connection. */
static int answer(int fd, SSL *ssl, const char *line, size_t len, const struct opts *o)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, 0, &jerr), *reply;
	json_int_t id, rport;
	const char *verdict = o->verdict;
	char *text;
	int rc;

	if (o->log) {
		FILE *f = fopen(o->log, "a");

		if (f) {
			fprintf(f, "%.*s\n", (int)len, line);
			fclose(f);
		}
	}
	if (!req) {
		fprintf(stderr, "snet-test-remote: bad request: %s\n", jerr.text);
		return -1;
	}
	id = json_integer_value(json_object_get(req, "id"));
	rport = json_integer_value(json_object_get(json_object_get(
		json_object_get(req, "event"), "remote"), "port"));
	json_decref(req);
	for (int i = 0; i < o->n_deny; i++)
		if (o->deny_ports[i] == rport)
			verdict = "deny";
	if (o->delay_ms)
		sleep_ms(o->delay_ms);
	if (!strcmp(o->mode, "close"))
		return -1;
	if (!strcmp(o->mode, "garbage"))
		return send_line(fd, ssl, "this is { not json");
	if (!strcmp(o->mode, "wrong-id"))
		id += 1000;
	if (o->seconds)
		reply = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", id, "verdict",
				  verdict, "ticket", "seconds", "seconds",
				  (json_int_t)o->seconds, "reason", "test server");
	else
		reply = json_pack("{s:I, s:s, s:s, s:s}", "id", id, "verdict", verdict,
				  "ticket", o->ticket, "reason", "test server");
	if (!reply)
		return -1;
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (!text)
		return -1;
	rc = send_line(fd, ssl, text);
	free(text);
	return rc;
}

/* A server context for -T/-K (and -C); exits on a bad file. */
static SSL_CTX *tls_server(const char *cert, const char *key, const char *ca)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    (ca && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)) {
		fprintf(stderr, "snet-test-remote: TLS set-up: %s\n",
			ERR_reason_error_string(ERR_get_error()));
		exit(2);
	}
	if (ca)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
				   NULL);
	return ctx;
}

/* The handshake on a new connection, blocking for at most two seconds. */
static SSL *tls_accept(SSL_CTX *ctx, int fd)
{
	struct timeval tv = { .tv_sec = 2 };
	SSL *ssl = SSL_new(ctx);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1) {
		fprintf(stderr, "snet-test-remote: TLS handshake failed: %s\n",
			ERR_reason_error_string(ERR_get_error()));
		ERR_clear_error();
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

int main(int argc, char **argv)
{
	struct opts o = { .verdict = "allow", .ticket = "once", .mode = "normal" };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *addr = "127.0.0.1", *portfile = NULL;
	struct pollfd pfd[MAX_CLIENTS + 1];
	char *bufs[MAX_CLIENTS + 1] = { 0 };
	SSL *ssls[MAX_CLIENTS + 1] = { 0 };
	const char *cert = NULL, *key = NULL, *ca = NULL;
	SSL_CTX *tls = NULL;
	size_t used[MAX_CLIENTS + 1] = { 0 };
	socklen_t sl = sizeof(sa);
	long port = 0, served = 0;
	int opt, lfd, one = 1, n = 1;

	o.count = -1;
	while ((opt = getopt(argc, argv, "l:p:P:L:v:t:D:d:m:n:T:K:C:")) != -1) {
		switch (opt) {
		case 'l': addr = optarg; break;
		case 'p': port = strtol(optarg, NULL, 10); break;
		case 'P': portfile = optarg; break;
		case 'L': o.log = optarg; break;
		case 'v': o.verdict = optarg; break;
		case 't':
			if (optarg[0] >= '0' && optarg[0] <= '9')
				o.seconds = strtoul(optarg, NULL, 10);
			else
				o.ticket = optarg;
			break;
		case 'D':
			if (o.n_deny < MAX_DENY_PORTS)
				o.deny_ports[o.n_deny++] = atoi(optarg);
			break;
		case 'd': o.delay_ms = strtol(optarg, NULL, 10); break;
		case 'm': o.mode = optarg; break;
		case 'n': o.count = strtol(optarg, NULL, 10); break;
		case 'T': cert = optarg; break;
		case 'K': key = optarg; break;
		case 'C': ca = optarg; break;
		default:
			fprintf(stderr, "usage: see the comment at the top of snet-test-remote.c\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (cert || key) {
		if (!cert || !key) {
			fprintf(stderr, "snet-test-remote: -T and -K go together\n");
			return 2;
		}
		tls = tls_server(cert, key, ca);
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "snet-test-remote: bad address %s\n", addr);
		return 2;
	}
	sa.sin_port = htons((uint16_t)port);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl))
		die("listen");
	if (portfile) {
		char tmp[4096];
		FILE *f;

		/* Written whole, then renamed: a reader never sees half. */
		snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%u\n", ntohs(sa.sin_port)) < 0 || fclose(f) ||
		    rename(tmp, portfile))
			die(portfile);
	}
	pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	while (o.count < 0 || served < o.count) {
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents & POLLIN) {
			int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			SSL *ssl = NULL;

			if (cfd >= 0 && tls && !(ssl = tls_accept(tls, cfd))) {
				close(cfd);
				cfd = -1;
			}
			if (cfd >= 0 && n <= MAX_CLIENTS) {
				pfd[n] = (struct pollfd){ .fd = cfd, .events = POLLIN };
				ssls[n] = ssl;
				bufs[n] = malloc(65536);
				used[n] = 0;
				n++;
			} else if (cfd >= 0) {
				SSL_free(ssl);
				close(cfd);
			}
		}
		for (int i = 1; i < n; i++) {
			bool drop = false;
			char *nl;
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = ssls[i] ? SSL_read(ssls[i], bufs[i] + used[i], (int)(65536 - used[i])) :
				      recv(pfd[i].fd, bufs[i] + used[i], 65536 - used[i], 0);
			if (r <= 0) {
				drop = true;
			} else {
				used[i] += (size_t)r;
				while (!drop && (nl = memchr(bufs[i], '\n', used[i]))) {
					size_t len = (size_t)(nl - bufs[i]);

					served++;
					if (answer(pfd[i].fd, ssls[i], bufs[i], len, &o))
						drop = true;
					memmove(bufs[i], nl + 1, used[i] - len - 1);
					used[i] -= len + 1;
				}
				if (used[i] == 65536)
					drop = true;
			}
			if (drop) {
				SSL_free(ssls[i]);
				close(pfd[i].fd);
				free(bufs[i]);
				pfd[i] = pfd[n - 1];
				ssls[i] = ssls[n - 1];
				bufs[i] = bufs[n - 1];
				used[i] = used[n - 1];
				n--;
				i--;
			}
		}
	}
	return 0;
}
