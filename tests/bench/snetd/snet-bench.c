// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-bench: the socket-call loops of snetd's benchmarks (run inside the
 * QEMU guest by tests/bench/snetd/guest-bench.sh).  Each run times one loop
 * and prints "ns_per_call=N"; the guest script runs the loops against their
 * baselines, interleaved, and takes medians.
 *
 *   snet-bench udp-sendmsg PORT N
 *       sendmsg() of a 64-byte datagram to 127.0.0.1:PORT (a socket of this
 *       process, drained between batches, outside the timed part)
 *   snet-bench udp-sendmsg-ab PORT N
 *       the same, N calls with the sendmsg:udp event registered and N
 *       without, alternating batch by batch (libsnet changes the event);
 *       prints on_/off_ns_per_call and on_/off_ns_best_batch.  With
 *       SNET_BENCH_AB_BASE=notmediated the "off" side registers an event
 *       that is not sendmsg instead (the hook stops at the mediation
 *       test); with =ticket it is the "on" side again (how far from 1.00
 *       the method itself is)
 *   snet-bench tcp-connect PORT N
 *       socket(), connect() to a listener of this process on 127.0.0.1:PORT,
 *       close() with an RST (no TIME_WAIT to run out of ports); the
 *       connections are accepted between batches, outside the timed part
 *   snet-bench tcp-connect-ab PORT N
 *       the same, N calls with the connect:tcp event registered and N
 *       without, alternating batch by batch, as udp-sendmsg-ab (and its
 *       SNET_BENCH_AB_BASE; notmediated registers sendmsg:udp instead)
 *   snet-bench udp-connect PORT N
 *       connect() of one UDP socket to 127.0.0.1:PORT, again and again: the
 *       cheapest call the snet LSM can be asked about
 *   snet-bench upcall-ab PORT N
 *       N connect()s each of three UDP sockets, batch by batch in turn: to
 *       PORT (mediated, the daemon decides each), to PORT+1 under a seccomp
 *       user notification answered at once, and to PORT+1 plain (PORT+1
 *       allowed by a ticket); prints snet_/seccomp_/plain_ns_best_batch
 *   snet-bench genl-responder READY_FILE
 *       the floor of the generic-netlink round trip: registers as snet's
 *       daemon and answers every event "allow, once" at once, reading with
 *       a blocking recv() and answering with one send() of a message built
 *       on the stack (libmnl): the two system calls of a seccomp
 *       supervisor, no policy, no log; creates READY_FILE when registered.
 *       SNET_BENCH_RESPONDER adds steps of libsnet's path (see
 *       responder_has())
 *   snet-bench seccomp-connect PORT N
 *       the same loop with connect() under a seccomp filter that returns
 *       SECCOMP_RET_USER_NOTIF, answered SECCOMP_USER_NOTIF_FLAG_CONTINUE
 *       at once by a supervisor process (on CPU $SNET_BENCH_DAEMON_CPU if
 *       set, where the benchmark puts the deciding daemon)
 *
 * Every loop makes its first calls untimed (WARMUP): the first may be the
 * one that asks snetd and gets the ticket the others use.  The calls are
 * timed in batches; besides the mean ("ns_per_call") each run prints its
 * fastest batch ("ns_best_batch", per call): on a shared host under
 * software emulation the slower batches are mostly time the host took.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/genetlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "snet_nl.h"

#define WARMUP 64
#define BATCH 128		/* sendmsg: about 2-3 ms under emulation */
#define SMALL_BATCH 16		/* calls that take 10-100 times longer */

/* The time of a run: all batches, and the fastest per call. */
struct timing {
	uint64_t total_ns;
	long calls;
	double best;		/* ns per call of the fastest batch */
};

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "snet-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

static void add_batch(struct timing *t, uint64_t ns, long calls)
{
	double per = (double)ns / (double)calls;

	t->total_ns += ns;
	t->calls += calls;
	if (t->best == 0 || per < t->best)
		t->best = per;
}

static void report(const struct timing *t)
{
	printf("ns_per_call=%.0f\nns_best_batch=%.0f\n",
	       (double)t->total_ns / (double)t->calls, t->best);
}

/* Read whatever is queued on a non-blocking socket. */
static void drain(int fd)
{
	char buf[128];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* The UDP sendmsg loop's sockets and message, to 127.0.0.1:PORT. */
struct udp_loop {
	struct sockaddr_in sa;
	char payload[64];
	struct iovec iov;
	struct msghdr msg;
	int rx, tx;
};

static void udp_loop_open(struct udp_loop *u, int port)
{
	int big = 4 << 20, one = 1;

	memset(u, 0, sizeof(*u));
	u->sa = loopback(port);
	strcpy(u->payload, "snet");
	u->iov = (struct iovec){ .iov_base = u->payload, .iov_len = sizeof(u->payload) };
	u->msg = (struct msghdr){ .msg_name = &u->sa, .msg_namelen = sizeof(u->sa),
				  .msg_iov = &u->iov, .msg_iovlen = 1 };
	u->rx = socket(AF_INET, SOCK_DGRAM, 0);
	u->tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (u->rx < 0 || u->tx < 0)
		die("socket");
	setsockopt(u->rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Room for a whole batch: no datagram is dropped for lack of it. */
	if (setsockopt(u->rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) &&
	    setsockopt(u->rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)))
		die("SO_RCVBUF");
	if (bind(u->rx, (struct sockaddr *)&u->sa, sizeof(u->sa)))
		die("bind");
}

/* @calls sendmsg() calls, untimed unless @t; the receiver drained after. */
static void udp_loop_send(struct udp_loop *u, long calls, struct timing *t,
			  const char *what)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < calls; i++)
		if (sendmsg(u->tx, &u->msg, 0) < 0)
			die(what);
	if (t)
		add_batch(t, now_ns() - t0, calls);
	drain(u->rx);
}

static int udp_sendmsg(int port, long n)
{
	struct udp_loop u;
	struct timing t = { 0 };

	udp_loop_open(&u, port);
	udp_loop_send(&u, WARMUP, NULL, "sendmsg (warm-up)");
	for (long done = 0; done < n; done += BATCH)
		udp_loop_send(&u, n - done < BATCH ? n - done : BATCH, &t,
			      "sendmsg");
	report(&t);
	return 0;
}

/* libsnet's negative errno, fatal. */
static void snet_err(int err, const char *what)
{
	if (err) {
		errno = -err;
		die(what);
	}
}

/*
 * An A/B loop: the event it measures, one that leaves its calls alone, and
 * its calls: @run makes @calls of them, timed into @t unless NULL.
 */
struct ab_loop {
	uint8_t syscall, protocol;
	uint8_t other_syscall, other_protocol;
	long batch;		/* timed calls per batch */
	long settle;		/* untimed calls after each change */
	void (*run)(void *ctx, long calls, struct timing *t);
};

/*
 * Sets the events for one side: "off" none, "notmediated" the other event
 * (the hook stops at the mediation test), "ticket" the measured one.
 */
static int ab_side(struct snet_nl *nl, const struct ab_loop *ev, const char *side)
{
	int err = snet_nl_event_flush(nl);

	if (err || !strcmp(side, "off"))
		return err;
	if (!strcmp(side, "notmediated"))
		return snet_nl_event_insert(nl, ev->other_syscall, ev->other_protocol);
	if (!strcmp(side, "ticket"))
		return snet_nl_event_insert(nl, ev->syscall, ev->protocol);
	return -EINVAL;
}

/* SNET_BENCH_AB_BASE, checked before anything is changed */
static const char *ab_base(void)
{
	const char *base = getenv("SNET_BENCH_AB_BASE");

	if (!base)
		return "off";
	if (strcmp(base, "off") && strcmp(base, "notmediated") && strcmp(base, "ticket")) {
		fprintf(stderr, "snet-bench: SNET_BENCH_AB_BASE=%s: not off, notmediated or ticket\n",
			base);
		exit(2);
	}
	return base;
}

/* Prints the two sides of an A/B loop; [1] is the event's. */
static void ab_report(const struct timing t[2])
{
	printf("on_ns_per_call=%.0f\non_ns_best_batch=%.0f\n"
	       "off_ns_per_call=%.0f\noff_ns_best_batch=%.0f\n",
	       (double)t[1].total_ns / (double)t[1].calls, t[1].best,
	       (double)t[0].total_ns / (double)t[0].calls, t[0].best);
}

/*
 * @n calls with the loop's event registered and @n without, batch after
 * batch in one process: a slow spell of the shared host falls on both
 * sides alike, not on one whole run.  The first call (event on, untimed)
 * makes the task's ticket; flushing the events leaves it, so every "on"
 * batch is decided by it.  Needs the right to change snet's events (root).
 */
static int ab_run(const struct ab_loop *l, void *ctx, long n)
{
	const char *base = ab_base();
	struct timing t[2] = { { 0 }, { 0 } };	/* [1]: event on */
	struct snet_nl *nl;
	int err, on = 1;

	snet_err(snet_nl_open(&nl), "snet_nl_open");
	err = snet_nl_event_insert(nl, l->syscall, l->protocol);
	snet_err(err == -EEXIST ? 0 : err, "event insert");
	l->run(ctx, WARMUP, NULL);
	for (long done = 0; done < 2 * n; done += l->batch) {
		/* Every batch follows a change, so both sides are alike. */
		on = !on;
		snet_err(ab_side(nl, l, on ? "ticket" : base), "event change");
		/*
		 * Untimed: patching the static key makes the emulator
		 * translate the hooks' code again on its next use.
		 */
		l->run(ctx, l->settle, NULL);
		l->run(ctx, l->batch, &t[on]);
	}
	snet_nl_close(nl);
	ab_report(t);
	return 0;
}

static void udp_sendmsg_run(void *ctx, long calls, struct timing *t)
{
	udp_loop_send(ctx, calls, t, "sendmsg");
}

static int udp_sendmsg_ab(int port, long n)
{
	static const struct ab_loop l = {
		SNET_SYSCALL_SENDMSG, IPPROTO_UDP, SNET_SYSCALL_CONNECT, IPPROTO_TCP,
		BATCH, SMALL_BATCH, udp_sendmsg_run
	};
	struct udp_loop u;

	udp_loop_open(&u, port);
	return ab_run(&l, &u, n);
}

static int connect_close(const struct sockaddr_in *sa)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		die("connect");
	/* An RST: the client's port is free again at once. */
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("SO_LINGER");
	return close(fd);
}

static void accept_all(int lfd)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(fd);
	if (errno != EAGAIN)
		die("accept");
}

/* A non-blocking listener of this process on @sa. */
static int tcp_listener(const struct sockaddr_in *sa)
{
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (const struct sockaddr *)sa, sizeof(*sa)) || listen(lfd, 4 * BATCH))
		die("listen");
	return lfd;
}

/* @calls connect+close, timed into @t unless NULL; then accepted. */
static void tcp_connect_batch(int lfd, const struct sockaddr_in *sa, long calls,
			      struct timing *t)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < calls; i++)
		connect_close(sa);
	if (t)
		add_batch(t, now_ns() - t0, calls);
	accept_all(lfd);
}

static int tcp_connect(int port, long n)
{
	struct sockaddr_in sa = loopback(port);
	int lfd = tcp_listener(&sa);
	struct timing t = { 0 };

	tcp_connect_batch(lfd, &sa, WARMUP, NULL);
	for (long done = 0; done < n; done += SMALL_BATCH)
		tcp_connect_batch(lfd, &sa, n - done < SMALL_BATCH ? n - done : SMALL_BATCH, &t);
	report(&t);
	return 0;
}

struct tcp_loop {
	struct sockaddr_in sa;
	int lfd;
};

static void tcp_connect_run(void *ctx, long calls, struct timing *t)
{
	struct tcp_loop *c = ctx;

	tcp_connect_batch(c->lfd, &c->sa, calls, t);
}

/* udp_sendmsg_ab() for the connect+close loop and connect:tcp. */
static int tcp_connect_ab(int port, long n)
{
	static const struct ab_loop l = {
		SNET_SYSCALL_CONNECT, IPPROTO_TCP, SNET_SYSCALL_SENDMSG, IPPROTO_UDP,
		SMALL_BATCH, 4, tcp_connect_run
	};
	struct tcp_loop c = { .sa = loopback(port) };

	c.lfd = tcp_listener(&c.sa);
	return ab_run(&l, &c, n);
}

/* @n timed connects of one UDP socket (after the warm-up). */
/* @calls connect()s of @fd to @sa, timed into @t unless NULL. */
static void udp_connect_batch(int fd, const struct sockaddr_in *sa,
			      long calls, struct timing *t)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < calls; i++)
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
			die("connect");
	if (t)
		add_batch(t, now_ns() - t0, calls);
}

static void udp_connect_loop(int fd, const struct sockaddr_in *sa, long n)
{
	struct timing t = { 0 };

	udp_connect_batch(fd, sa, WARMUP, NULL);
	for (long done = 0; done < n; done += SMALL_BATCH)
		udp_connect_batch(fd, sa, n - done < SMALL_BATCH ? n - done : SMALL_BATCH,
				  &t);
	report(&t);
}

static int udp_connect(int port, long n)
{
	struct sockaddr_in sa = loopback(port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	udp_connect_loop(fd, &sa, n);
	return 0;
}

/* --- seccomp user notification --------------------------------------------- */

static int seccomp_sys(unsigned int op, unsigned int flags, void *args)
{
	return (int)syscall(__NR_seccomp, op, flags, args);
}

/* Answer every notification on @fd with "continue" until it closes. */
static void supervise(int fd)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (seccomp_sys(SECCOMP_GET_NOTIF_SIZES, 0, &sizes))
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	if (!req || !resp)
		die("calloc");
	for (;;) {
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req)) {
			if (errno == EINTR)
				continue;
			if (errno == ENOENT)	/* the caller went away meanwhile */
				continue;
			_exit(0);		/* the filter's last user is gone */
		}
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
}

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("send the listener");
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1 || !(c = CMSG_FIRSTHDR(&msg)) ||
	    c->cmsg_type != SCM_RIGHTS)
		die("receive the listener");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * Installs @prog on this process with a listener handed to a new
 * supervisor process (another process, as snetd is, on CPU
 * $SNET_BENCH_DAEMON_CPU if set), which answers every notification
 * "continue" at once.  Returns the supervisor's pid.
 */
static pid_t seccomp_supervised(const struct sock_fprog *prog)
{
	int sv[2], lfd;
	pid_t sup;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	sup = fork();
	if (sup < 0)
		die("fork");
	if (sup == 0) {
		const char *cpu = getenv("SNET_BENCH_DAEMON_CPU");

		if (cpu) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(atoi(cpu), &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				die("sched_setaffinity");
		}
		close(sv[0]);
		lfd = recv_fd(sv[1]);
		close(sv[1]);
		supervise(lfd);
	}
	close(sv[1]);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	lfd = seccomp_sys(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  (void *)prog);
	if (lfd < 0)
		die("seccomp");
	send_fd(sv[0], lfd);
	close(lfd);
	close(sv[0]);
	return sup;
}

static void supervisor_stop(pid_t sup)
{
	int status;

	kill(sup, SIGTERM);
	waitpid(sup, &status, 0);
}

static int seccomp_connect(int port, long n)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]),
				   .filter = filter };
	struct sockaddr_in sa = loopback(port);
	pid_t sup;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	sup = seccomp_supervised(&prog);
	udp_connect_loop(fd, &sa, n);
	supervisor_stop(sup);
	return 0;
}

/*
 * The upcall and its seccomp baseline in one process, batch by batch, so
 * that a slow spell of the host falls on both alike: connect()s of one UDP
 * socket to PORT (the caller's snetd decides each), of another to PORT+1
 * under a seccomp filter that notifies a supervisor for that descriptor
 * only, and of a third to PORT+1 with neither (plain).  PORT+1 must be
 * allowed by a ticket, so that the seccomp and plain sides cost snet one
 * ticket hit each.
 */
static int upcall_ab(int port, long n)
{
	struct sockaddr_in up = loopback(port), tk = loopback(port + 1);
	struct timing t[3] = { { 0 }, { 0 }, { 0 } };	/* snet, seccomp, plain */
	int fd[3];
	pid_t sup;

	for (int i = 0; i < 3; i++) {
		fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[i] < 0)
			die("socket");
	}
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)fd[1], 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]),
				   .filter = filter };

	sup = seccomp_supervised(&prog);
	/* The first to PORT+1 gets the ticket the other two sides use. */
	udp_connect_batch(fd[2], &tk, WARMUP, NULL);
	udp_connect_batch(fd[1], &tk, WARMUP, NULL);
	udp_connect_batch(fd[0], &up, WARMUP, NULL);
	for (long done = 0, r = 0; done < n; done += SMALL_BATCH, r++) {
		long b = n - done < SMALL_BATCH ? n - done : SMALL_BATCH;

		/* The order turns, so that no side always follows another. */
		for (int k = 0; k < 3; k++) {
			int side = (int)((r + k) % 3);

			udp_connect_batch(fd[side], side ? &tk : &up, b, &t[side]);
		}
	}
	supervisor_stop(sup);
	printf("snet_ns_best_batch=%.0f\nseccomp_ns_best_batch=%.0f\n"
	       "plain_ns_best_batch=%.0f\n", t[0].best, t[1].best, t[2].best);
	return 0;
}

/* The id of the event in @nlh, 0 if it is not an event. */
static uint32_t genl_event_id(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    g->cmd != SNET_CMD_EVENT)
		return 0;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == SNET_A_VERDICT_ID &&
		    mnl_attr_get_payload_len(attr) == sizeof(uint32_t))
			return mnl_attr_get_u32(attr);
	return 0;
}

/*
 * The responder's variants (SNET_BENCH_RESPONDER, a comma list), each one
 * step of libsnet's path added to the floor, to see what each costs:
 * "epoll" waits in epoll_wait() and reads the non-blocking socket;
 * "mmsg" reads with recvmmsg() (8 slots, as libsnet); "check" reads the
 * verdict's socket with recv(MSG_DONTWAIT) for an error, as libsnet's
 * verdict; "libsnet" reads, parses and answers through libsnet
 * (snet_nl_recv_events(), snet_nl_verdict()) after epoll_wait(), as snetd.
 */
static bool responder_has(const char *word)
{
	const char *v = getenv("SNET_BENCH_RESPONDER");
	size_t n = strlen(word);

	while (v && *v) {
		if (!strncmp(v, word, n) && (v[n] == ',' || !v[n]))
			return true;
		v = strchr(v, ',');
		if (v)
			v++;
	}
	return false;
}

static ssize_t responder_read(int fd, char *buf, size_t size, bool mmsg,
			      int epfd)
{
	if (epfd >= 0) {
		struct epoll_event ev;

		while (epoll_wait(epfd, &ev, 1, -1) < 0)
			if (errno != EINTR)
				die("genl-responder epoll_wait");
	}
	if (mmsg) {
		struct mmsghdr msgs[8];
		struct iovec iov[8];
		int n;

		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < 8; i++) {
			iov[i].iov_base = buf + i * (size / 8);
			iov[i].iov_len = size / 8;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		/* The benchmark's events come one at a time: one slot. */
		n = recvmmsg(fd, msgs, 8, epfd >= 0 ? MSG_DONTWAIT :
			     MSG_WAITFORONE, NULL);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		return n ? (ssize_t)msgs[0].msg_len : 0;
	}
	return recv(fd, buf, size, epfd >= 0 ? MSG_DONTWAIT : 0);
}

static int libsnet_answer(const struct snet_event *ev, void *arg)
{
	return ev->id ? snet_nl_verdict(arg, ev->id, SNET_VERDICT_ALLOW,
					SNET_TICKET_ONCE, 0) : 0;
}

static int genl_responder(const char *ready)
{
	static char buf[1 << 16];
	bool mmsg = responder_has("mmsg"), check = responder_has("check");
	bool libsnet = responder_has("libsnet");
	struct snet_nl *events, *sender;
	int err, fd, epfd = -1, efd;
	uint32_t seq = 0;

	err = snet_nl_open(&events);
	if (!err)
		err = snet_nl_subscribe(events);
	if (!err)
		err = snet_nl_register(events);
	if (!err)
		err = snet_nl_open(&sender);
	snet_err(err, "genl-responder set-up");
	efd = snet_nl_fd(events);
	if (libsnet || responder_has("epoll")) {
		struct epoll_event ev = { .events = EPOLLIN };

		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev))
			die("genl-responder epoll");
		snet_err(snet_nl_set_nonblocking(events, true),
			 "genl-responder non-blocking");
	}
	fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(ready);
	close(fd);
	while (libsnet) {
		struct epoll_event ev;

		while (epoll_wait(epfd, &ev, 1, -1) < 0)
			if (errno != EINTR)
				die("genl-responder epoll_wait");
		snet_err(snet_nl_recv_events(events, libsnet_answer, sender),
			 "genl-responder libsnet");
	}
	for (;;) {
		ssize_t len = responder_read(efd, buf, sizeof(buf), mmsg, epfd);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			die("genl-responder recv");
		for (int left = (int)len; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			char out[SNET_NL_VERDICT_SIZE]
				__attribute__((aligned(NLMSG_ALIGNTO)));
			uint32_t id = genl_event_id(nlh);
			size_t n;

			if (!id)
				continue;
			/* nlmsg_type: the family's id. */
			n = snet_nl_verdict_build(out, nlh->nlmsg_type, ++seq, id,
						  SNET_VERDICT_ALLOW,
						  SNET_TICKET_ONCE, 0);
			if (send(snet_nl_fd(sender), out, n, 0) < 0)
				die("genl-responder send");
			if (check) {
				char e[256];

				if (recv(snet_nl_fd(sender), e, sizeof(e),
					 MSG_DONTWAIT) >= 0)
					die("genl-responder: verdict refused");
			}
		}
	}
}

int main(int argc, char **argv)
{
	long n;
	int port;

	if (argc == 3 && !strcmp(argv[1], "genl-responder"))
		return genl_responder(argv[2]);
	if (argc != 4)
		goto usage;
	port = atoi(argv[2]);
	n = atol(argv[3]);
	if (port <= 0 || port > 65535 || n <= 0)
		goto usage;
	if (!strcmp(argv[1], "udp-sendmsg"))
		return udp_sendmsg(port, n);
	if (!strcmp(argv[1], "udp-sendmsg-ab"))
		return udp_sendmsg_ab(port, n);
	if (!strcmp(argv[1], "tcp-connect"))
		return tcp_connect(port, n);
	if (!strcmp(argv[1], "tcp-connect-ab"))
		return tcp_connect_ab(port, n);
	if (!strcmp(argv[1], "udp-connect"))
		return udp_connect(port, n);
	if (!strcmp(argv[1], "seccomp-connect"))
		return seccomp_connect(port, n);
	if (!strcmp(argv[1], "upcall-ab"))
		return upcall_ab(port, n);
usage:
	fprintf(stderr, "usage: snet-bench udp-sendmsg|udp-sendmsg-ab|tcp-connect|tcp-connect-ab|udp-connect|seccomp-connect|upcall-ab PORT N\n"
		"       snet-bench genl-responder READY_FILE\n");
	return 2;
}
