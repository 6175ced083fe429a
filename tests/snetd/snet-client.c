// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-client: the socket calls of snetd's in-guest tests that snet-probe
 * (tests/kernel) does not make: a connect followed by an exec (a task's
 * tickets are dropped at exec), and a connect repeated on a signal from the
 * test (tickets listed and revoked while the process lives).
 *
 *   snet-client connect-exec ADDR PORT PROGRAM [ARG...]
 *       TCP connect, print "result=...", then execute PROGRAM
 *   snet-client connect-wait tcp|udp ADDR PORT FILE
 *       connect, print "pid=N" and "first result=...", wait until FILE
 *       exists, connect again, print "second result=..."
 *   snet-client connect-timed tcp|udp ADDR PORT
 *       connect, print "result=..." and "elapsed_ms=N", the time the
 *       connect() took (what the shell measures includes starting programs,
 *       which under a loaded emulator is slow and uneven)
 *
 * Results are "OK" or the errno's name.  Exit status 0 unless the usage
 * was wrong (2) or a step that is not under test failed (3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int err)
{
	const char *n;

	if (!err)
		return "OK";
	n = strerrorname_np(err);
	return n ? n : "E?";
}

static socklen_t make_addr(struct sockaddr_storage *ss, const char *addr,
			   const char *port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char *end;
	long p = strtol(port, &end, 10);

	memset(ss, 0, sizeof(*ss));
	if (*end || p < 0 || p > 65535) {
		fprintf(stderr, "snet-client: bad port %s\n", port);
		exit(2);
	}
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		return sizeof(*sin6);
	}
	fprintf(stderr, "snet-client: bad address %s\n", addr);
	exit(2);
}

/* One connect on a new socket: 0 or the errno. */
static int try_connect(int type, const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, addr, port);
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0) {
		fprintf(stderr, "snet-client: socket: %s\n", strerror(errno));
		exit(3);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static int sock_type(const char *proto)
{
	if (!strcmp(proto, "tcp"))
		return SOCK_STREAM;
	if (!strcmp(proto, "udp"))
		return SOCK_DGRAM;
	fprintf(stderr, "snet-client: tcp or udp, not %s\n", proto);
	exit(2);
}

static int connect_exec(char **argv)
{
	printf("result=%s\n", errname(try_connect(SOCK_STREAM, argv[0], argv[1])));
	fflush(stdout);
	execv(argv[2], argv + 2);
	fprintf(stderr, "snet-client: exec %s: %s\n", argv[2], strerror(errno));
	return 3;
}

static int connect_wait(char **argv)
{
	int type = sock_type(argv[0]);
	struct stat st;

	printf("pid=%d\n", (int)getpid());
	printf("first result=%s\n", errname(try_connect(type, argv[1], argv[2])));
	fflush(stdout);
	while (stat(argv[3], &st) < 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "snet-client: %s: %s\n", argv[3],
				strerror(errno));
			return 3;
		}
		usleep(10000);
	}
	printf("second result=%s\n", errname(try_connect(type, argv[1], argv[2])));
	fflush(stdout);
	return 0;
}

static int connect_timed(char **argv)
{
	int type = sock_type(argv[0]);
	struct timespec t0, t1;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = try_connect(type, argv[1], argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("elapsed_ms=%ld\nresult=%s\n",
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000), errname(err));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "connect-exec"))
		return connect_exec(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "connect-wait"))
		return connect_wait(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "connect-timed"))
		return connect_timed(argv + 2);
	fprintf(stderr, "snet-client: bad usage; see the comment at the top of snet-client.c\n");
	return 2;
}
