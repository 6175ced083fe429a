// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-nfq-peer: the client and server of the NFQUEUE tests.
 *
 *   snet-nfq-peer recv ADDR PORT OUTFILE [READYFILE]
 *       TCP: accept one connection, write what it sends to OUTFILE, exit
 *       at its end (or after 30 s of silence).
 *   snet-nfq-peer send ADDR PORT FILE
 *       TCP: connect, send FILE, close; "result=OK sent=N" or the errno.
 *   snet-nfq-peer steps ADDR PORT STEP...
 *       TCP with TCP_NODELAY, one segment per send:
 *         s:TEXT  send TEXT            w:MS  sleep MS
 *         r:MS    read for up to MS    n:COUNT:MS  COUNT sends of "tick\n",
 *                                                  MS apart
 *       prints "pid=P cookie=C", then "stepN=RESULT" for each send/read
 *       (OK, TIMEOUT, EOF or the errno's name).
 *   snet-nfq-peer udp ADDR PORT COUNT [SIZE]
 *       COUNT datagrams at once; "result=OK sent=N".
 *   snet-nfq-peer udp-text ADDR PORT TEXT
 *       one datagram; "pid=P result=OK".
 *   snet-nfq-peer udp-recv ADDR PORT SECONDS
 *       count datagrams until SECONDS of silence; "received=N".
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return e == 0 ? "OK" : n ? n : "E?";
}

static socklen_t make_addr(struct sockaddr_storage *ss, const char *addr,
			   const char *port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(port));
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)atoi(port));
		return sizeof(*sin6);
	}
	fprintf(stderr, "snet-nfq-peer: bad address %s\n", addr);
	exit(2);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "snet-nfq-peer: %s: %s\n", what, strerror(errno));
	exit(3);
}

static int tcp_connect(const char *addr, const char *port, int *err)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*err = connect(fd, (struct sockaddr *)&ss, len) ? errno : 0;
	return fd;
}

static int cmd_recv(char **a)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a[0], a[1]);
	int l = socket(ss.ss_family, SOCK_STREAM, 0), one = 1, c, out;
	char buf[65536];

	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&ss, len) || listen(l, 8))
		die("bind/listen");
	if (a[3]) {
		int r = open(a[3], O_CREAT | O_WRONLY | O_TRUNC, 0644);

		if (r >= 0)
			close(r);
	}
	c = accept(l, NULL, NULL);
	if (c < 0)
		die("accept");
	out = open(a[2], O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (out < 0)
		die(a[2]);
	for (;;) {
		struct pollfd p = { .fd = c, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 30000) <= 0)
			break;
		n = read(c, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (write(out, buf, (size_t)n) != n)
			die("write");
	}
	close(out);
	close(c);
	return 0;
}

static int cmd_send(char **a)
{
	char buf[65536];
	long long sent = 0;
	int err, fd = tcp_connect(a[0], a[1], &err), in;

	if (err) {
		printf("result=%s sent=0\n", errname(err));
		return 0;
	}
	in = open(a[2], O_RDONLY);
	if (in < 0)
		die(a[2]);
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf)), off = 0;

		if (n <= 0)
			break;
		while (off < n) {
			ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);

			if (w < 0) {
				printf("result=%s sent=%lld\n", errname(errno), sent);
				return 0;
			}
			off += w;
			sent += w;
		}
	}
	/* Wait for the peer to have everything: it closes after EOF. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	printf("result=OK sent=%lld\n", sent);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int cmd_steps(char **a)
{
	unsigned long long cookie = 0;
	socklen_t cl = sizeof(cookie);
	int err, fd = tcp_connect(a[0], a[1], &err), step = 0;

	getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &cl);
	printf("pid=%d cookie=%llu connect=%s\n", getpid(), cookie, errname(err));
	fflush(stdout);
	if (err)
		return 0;
	for (char **s = a + 2; *s; s++) {
		const char *arg = *s + 2;

		if (!strncmp(*s, "w:", 2)) {
			sleep_ms(atol(arg));
			continue;
		}
		step++;
		if (!strncmp(*s, "s:", 2)) {
			ssize_t w = send(fd, arg, strlen(arg), MSG_NOSIGNAL);

			printf("step%d=%s\n", step, errname(w < 0 ? errno : 0));
		} else if (!strncmp(*s, "r:", 2)) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			char buf[4096];
			int n = poll(&p, 1, atoi(arg));
			ssize_t r = n > 0 ? read(fd, buf, sizeof(buf)) : 0;

			printf("step%d=%s\n", step, n == 0 ? "TIMEOUT" : r < 0 ?
			       errname(errno) : r == 0 ? "EOF" : "OK");
		} else if (!strncmp(*s, "n:", 2)) {
			long count = atol(arg), ms = atol(strchr(arg, ':') ?
							    strchr(arg, ':') + 1 : "0");
			int e = 0;

			for (long i = 0; i < count && !e; i++) {
				if (send(fd, "tick\n", 5, MSG_NOSIGNAL) < 0)
					e = errno;
				if (ms)
					sleep_ms(ms);
			}
			printf("step%d=%s\n", step, errname(e));
		} else {
			fprintf(stderr, "snet-nfq-peer: bad step %s\n", *s);
			return 2;
		}
		fflush(stdout);
	}
	close(fd);
	return 0;
}

static int cmd_udp(char **a)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a[0], a[1]);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), count = atoi(a[2]);
	size_t size = a[3] ? (size_t)atoi(a[3]) : 64;
	char buf[65536];
	int sent = 0, e = 0;

	if (fd < 0)
		die("socket");
	memset(buf, 'u', sizeof(buf));
	for (int i = 0; i < count; i++) {
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, len) < 0) {
			e = errno;
			break;
		}
		sent++;
	}
	printf("result=%s sent=%d\n", errname(e), sent);
	return 0;
}

static int cmd_udp_text(char **a)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a[0], a[1]);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), e = 0;

	if (fd < 0)
		die("socket");
	if (sendto(fd, a[2], strlen(a[2]), 0, (struct sockaddr *)&ss, len) < 0)
		e = errno;
	/* Stay a moment: the owner is looked up while the socket lives. */
	sleep_ms(300);
	printf("pid=%d result=%s\n", getpid(), errname(e));
	return 0;
}

static int cmd_udp_recv(char **a)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a[0], a[1]);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), n = 0, rcv = 8 << 20;
	char buf[65536];

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind");
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, atoi(a[2]) * 1000) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			n++;
	}
	printf("received=%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "recv"))
		return cmd_recv(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return cmd_send(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "steps"))
		return cmd_steps(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "udp"))
		return cmd_udp(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "udp-text"))
		return cmd_udp_text(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "udp-recv"))
		return cmd_udp_recv(argv + 2);
	fprintf(stderr, "usage: see the comment at the top of snet-nfq-peer.c\n");
	return 2;
}
