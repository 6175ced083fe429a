// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-probe: make one kind of socket call and say how it went.
 *
 *   snet-probe create tcp|udp
 *   snet-probe bind tcp|udp ADDR PORT
 *   snet-probe listen ADDR PORT
 *   snet-probe connect tcp|udp ADDR PORT
 *   snet-probe accept ADDR PORT          listen, connect to itself, accept
 *   snet-probe sendto ADDR PORT [COUNT]  UDP datagrams
 *   snet-probe send ADDR PORT [COUNT]    TCP: connect, then COUNT sends
 *   snet-probe recv ADDR PORT            TCP: connect, send, receive echo
 *   snet-probe send-wait ADDR PORT FILE  TCP: connect, print the socket's
 *                                         cookie, wait for FILE, then send
 *   snet-probe intr ADDR PORT MS         connect, with a signal after MS ms
 *   snet-probe concurrent N ADDR PORT    N threads connect at once
 *   snet-probe serve ADDR PORT           TCP server: accept, echo, forever
 *   snet-probe fork-connect ADDR PORT    connect twice in the parent, then
 *                                         once in a child (tickets, fork)
 *   snet-probe connect-n PROTO ADDR PORT N MS   N connects, MS ms apart
 *
 * It prints "result=OK" or "result=<ERRNO NAME>" for the call under test
 * (and "cookie=N" for send-wait), and exits 0 unless its usage was wrong
 * or a step that is not under test failed (exit 3).
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

static const char *errname(int err)
{
	switch (err) {
	case 0: return "OK";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EINTR: return "EINTR";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EINVAL: return "EINVAL";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNABORTED: return "ECONNABORTED";
	default: return strerrorname_np(err) ? strerrorname_np(err) : "E?";
	}
}

static void result(int err)
{
	printf("result=%s\n", errname(err));
	fflush(stdout);
}

static void __attribute__((noreturn)) setup_failed(const char *what)
{
	fprintf(stderr, "snet-probe: %s: %s\n", what, strerror(errno));
	exit(3);
}

static socklen_t make_addr(struct sockaddr_storage *ss, const char *addr,
			   const char *port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		return sizeof(*sin6);
	}
	fprintf(stderr, "snet-probe: bad address %s\n", addr);
	exit(2);
}

static int proto_type(const char *proto)
{
	if (!strcmp(proto, "tcp"))
		return SOCK_STREAM;
	if (!strcmp(proto, "udp"))
		return SOCK_DGRAM;
	fprintf(stderr, "snet-probe: tcp or udp, not %s\n", proto);
	exit(2);
}

static int new_socket(int family, int type)
{
	int fd = socket(family, type, 0);

	if (fd < 0)
		setup_failed("socket");
	return fd;
}

static int do_connect(const char *proto, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = new_socket(ss.ss_family, proto_type(proto));

	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int cmd_create(const char *proto)
{
	int fd = socket(AF_INET, proto_type(proto), 0);

	result(fd < 0 ? errno : 0);
	return 0;
}

static int cmd_bind(const char *proto, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = new_socket(ss.ss_family, proto_type(proto));

	result(bind(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0);
	return 0;
}

static int listener(const char *addr, const char *port, int report_listen)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = new_socket(ss.ss_family, SOCK_STREAM);
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		setup_failed("bind");
	if (listen(fd, 1024) < 0) {
		if (report_listen) {
			result(errno);
			exit(0);
		}
		setup_failed("listen");
	}
	return fd;
}

static int cmd_listen(const char *addr, const char *port)
{
	listener(addr, port, 1);
	result(0);
	return 0;
}

static int cmd_connect(const char *proto, const char *addr, const char *port)
{
	int fd = do_connect(proto, addr, port);

	result(fd < 0 ? errno : 0);
	return 0;
}

static int cmd_accept(const char *addr, const char *port)
{
	int lfd = listener(addr, port, 0);
	pid_t child;
	int fd, err;

	child = fork();
	if (child < 0)
		setup_failed("fork");
	if (!child) {
		int cfd = do_connect("tcp", addr, port);
		char c;

		/* Hold the connection until the parent decided. */
		if (cfd >= 0)
			while (read(cfd, &c, 1) > 0)
				;
		_exit(0);
	}
	fd = accept(lfd, NULL, NULL);
	err = fd < 0 ? errno : 0;
	result(err);
	if (fd >= 0)
		close(fd);
	close(lfd);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	return 0;
}

static int cmd_sendto(const char *addr, const char *port, int count)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = new_socket(ss.ss_family, SOCK_DGRAM);
	int i, err = 0;

	for (i = 0; i < count && !err; i++)
		if (sendto(fd, "snet", 4, 0, (struct sockaddr *)&ss, len) < 0)
			err = errno;
	result(err);
	return 0;
}

static int cmd_send(const char *addr, const char *port, int count)
{
	int fd = do_connect("tcp", addr, port);
	int i, err = 0;

	if (fd < 0)
		setup_failed("connect");
	for (i = 0; i < count && !err; i++)
		if (send(fd, "snet", 4, MSG_NOSIGNAL) < 0)
			err = errno;
	result(err);
	return 0;
}

static int cmd_recv(const char *addr, const char *port)
{
	int fd = do_connect("tcp", addr, port);
	char buf[16];
	ssize_t n;

	if (fd < 0)
		setup_failed("connect");
	if (send(fd, "ping", 4, MSG_NOSIGNAL) < 0)
		setup_failed("send");
	n = recv(fd, buf, sizeof(buf), 0);
	result(n < 0 ? errno : 0);
	return 0;
}

static int cmd_send_wait(const char *addr, const char *port, const char *file)
{
	int fd = do_connect("tcp", addr, port);
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);
	struct stat st;
	int err = 0;

	if (fd < 0)
		setup_failed("connect");
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) < 0)
		setup_failed("SO_COOKIE");
	if (send(fd, "before", 6, MSG_NOSIGNAL) < 0)
		setup_failed("first send");
	printf("cookie=%llu\n", cookie);
	fflush(stdout);
	while (stat(file, &st) < 0)
		usleep(10000);
	if (send(fd, "after", 5, MSG_NOSIGNAL) < 0)
		err = errno;
	result(err);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int cmd_intr(const char *addr, const char *port, int ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	timer_t timer;
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGALRM };
	struct itimerspec its = { .it_value = { ms / 1000,
						(ms % 1000) * 1000000L } };
	struct timespec t0, t1;
	int fd;

	sigaction(SIGALRM, &sa, NULL);
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0)
		setup_failed("timer_create");
	timer_settime(timer, 0, &its, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = do_connect("tcp", addr, port);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("elapsed_ms=%ld\n", (t1.tv_sec - t0.tv_sec) * 1000 +
				   (t1.tv_nsec - t0.tv_nsec) / 1000000);
	result(fd < 0 ? errno : 0);
	return 0;
}

struct conc {
	const char *addr, *port;
	int err;
};

static void *conc_thread(void *arg)
{
	struct conc *c = arg;
	int fd = do_connect("tcp", c->addr, c->port);

	c->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmd_concurrent(int n, const char *addr, const char *port)
{
	pthread_t *threads = calloc(n, sizeof(*threads));
	struct conc *c = calloc(n, sizeof(*c));
	int i, ok = 0, denied = 0, other = 0;
	pthread_attr_t attr;

	if (!threads || !c)
		setup_failed("calloc");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		c[i].addr = addr;
		c[i].port = port;
		errno = pthread_create(&threads[i], &attr, conc_thread, &c[i]);
		if (errno)
			setup_failed("pthread_create");
	}
	for (i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		if (!c[i].err)
			ok++;
		else if (c[i].err == EACCES)
			denied++;
		else
			other++;
	}
	printf("ok=%d denied=%d other=%d\n", ok, denied, other);
	result(other ? EIO : 0);
	return 0;
}

static int cmd_serve(const char *addr, const char *port)
{
	int lfd = listener(addr, port, 0);
	struct sigaction sa = { .sa_handler = SIG_IGN };

	sigaction(SIGCHLD, &sa, NULL);
	printf("serving\n");
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		char buf[4096];
		ssize_t n;

		if (fd < 0)
			continue;
		if (fork() == 0) {
			/* the listener closes with the server, not with its
			 * last connection: its accept queue goes then */
			close(lfd);
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				if (write(fd, buf, n) != n)
					break;
			_exit(0);
		}
		close(fd);
	}
}

static int cmd_connect_n(const char *proto, const char *addr,
			 const char *port, int n, int ms)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		if (i)
			usleep(ms * 1000);
		fd = do_connect(proto, addr, port);
		printf("%d ", i);
		result(fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int cmd_fork_connect(const char *addr, const char *port)
{
	int fd, i, status;
	pid_t child;

	for (i = 0; i < 2; i++) {
		fd = do_connect("tcp", addr, port);
		printf("parent ");
		result(fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	child = fork();
	if (child < 0)
		setup_failed("fork");
	if (!child) {
		fd = do_connect("tcp", addr, port);
		printf("child ");
		result(fd < 0 ? errno : 0);
		_exit(0);
	}
	waitpid(child, &status, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "create") && argc == 3)
		return cmd_create(argv[2]);
	if (!strcmp(cmd, "bind") && argc == 5)
		return cmd_bind(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "listen") && argc == 4)
		return cmd_listen(argv[2], argv[3]);
	if (!strcmp(cmd, "connect") && argc == 5)
		return cmd_connect(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "accept") && argc == 4)
		return cmd_accept(argv[2], argv[3]);
	if (!strcmp(cmd, "sendto") && (argc == 4 || argc == 5))
		return cmd_sendto(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 1);
	if (!strcmp(cmd, "send") && (argc == 4 || argc == 5))
		return cmd_send(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 1);
	if (!strcmp(cmd, "recv") && argc == 4)
		return cmd_recv(argv[2], argv[3]);
	if (!strcmp(cmd, "send-wait") && argc == 5)
		return cmd_send_wait(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "intr") && argc == 5)
		return cmd_intr(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(cmd, "concurrent") && argc == 5)
		return cmd_concurrent(atoi(argv[2]), argv[3], argv[4]);
	if (!strcmp(cmd, "serve") && argc == 4)
		return cmd_serve(argv[2], argv[3]);
	if (!strcmp(cmd, "connect-n") && argc == 7)
		return cmd_connect_n(argv[2], argv[3], argv[4], atoi(argv[5]),
				     atoi(argv[6]));
	if (!strcmp(cmd, "fork-connect") && argc == 4)
		return cmd_fork_connect(argv[2], argv[3]);
	fprintf(stderr, "snet-probe: bad usage; see the comment at the top of snet-probe.c\n");
	return 2;
}
