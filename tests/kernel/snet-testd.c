// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-testd: a scripted deciding daemon for the in-guest kernel tests.
 *
 * It registers with the snet LSM, inserts the events it is told to, and
 * answers every event by the first matching --rule (else --answer), after
 * --delay-ms.  Each event it sees is logged as one line, so a test can tell
 * whether a call reached the daemon at all.
 *
 *   snet-testd [--log FILE] [--ready FILE] [--answer allow|deny|none]
 *              [--delay-ms N] [--event SYSCALL:PROTO]...
 *              [--rule SYSCALL[:PORT]=VERDICT[:once|task|SECONDS]]...
 *              [--no-register] [--batch N] [--quiet]
 *
 * --quiet logs no line per event and reads its socket as snetd does
 * (non-blocking, bursts): the minimal daemon of the snetd benchmark.
 * --batch N holds every answer until N events wait, then answers them all:
 * a test that N calls can wait at once.
 * "none" never answers (the kernel's timeout decides).  SIGTERM unregisters
 * and exits; SIGKILL leaves the kernel to notice the socket closing.
 */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "snet_nl.h"

#define MAX_RULES 32

struct rule {
	int syscall;
	int port;		/* -1: any */
	uint8_t verdict;	/* SNET_VERDICT_NONE: do not answer */
	uint8_t life;
	uint32_t seconds;
};

struct daemon {
	struct snet_nl *cmd;
	FILE *log;
	struct rule rules[MAX_RULES];
	int nrules;
	struct rule fallback;
	unsigned int delay_ms;
	unsigned int batch;
	struct held {
		uint32_t id;
		const struct rule *rule;
	} *held;
	unsigned int nheld;
	bool quiet;	/* no line per event: the benchmarks' minimal daemon */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_verdict(const char *s, struct rule *r)
{
	char buf[64], *life;

	snprintf(buf, sizeof(buf), "%s", s);
	life = strchr(buf, ':');
	if (life)
		*life++ = '\0';
	if (!strcmp(buf, "allow"))
		r->verdict = SNET_VERDICT_ALLOW;
	else if (!strcmp(buf, "deny"))
		r->verdict = SNET_VERDICT_DENY;
	else if (!strcmp(buf, "none"))
		r->verdict = SNET_VERDICT_NONE;
	else
		return -EINVAL;
	r->life = SNET_TICKET_ONCE;
	r->seconds = 0;
	if (!life || !strcmp(life, "once"))
		return 0;
	if (!strcmp(life, "task")) {
		r->life = SNET_TICKET_TASK;
		return 0;
	}
	r->life = SNET_TICKET_TIMED;
	r->seconds = strtoul(life, NULL, 10);
	return r->seconds ? 0 : -EINVAL;
}

/* SYSCALL[:PORT]=VERDICT[:LIFE] */
static int parse_rule(const char *s, struct rule *r)
{
	char buf[128], *eq, *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	eq = strchr(buf, '=');
	if (!eq)
		return -EINVAL;
	*eq++ = '\0';
	colon = strchr(buf, ':');
	r->port = -1;
	if (colon) {
		*colon++ = '\0';
		r->port = atoi(colon);
	}
	r->syscall = snet_syscall_from_name(buf);
	if (r->syscall < 0)
		return -EINVAL;
	return parse_verdict(eq, r);
}

static int event_port(const struct snet_event *ev)
{
	switch (ev->syscall) {
	case SNET_SYSCALL_BIND:
	case SNET_SYSCALL_LISTEN:
	case SNET_SYSCALL_ACCEPT:
		return ev->local_port;
	case SNET_SYSCALL_POST_ACCEPT:
		return ev->local_port;
	default:
		return ev->remote_port;
	}
}

static void format_addr(char *buf, size_t len, uint8_t family,
			const uint8_t *addr, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, ip, sizeof(ip));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static int on_event(const struct snet_event *ev, void *arg)
{
	struct daemon *d = arg;
	const struct rule *r = &d->fallback;
	char local[80] = "-", remote[80] = "-";
	int i, err = 0;

	for (i = 0; i < d->nrules; i++) {
		if (d->rules[i].syscall == ev->syscall &&
		    (d->rules[i].port < 0 ||
		     d->rules[i].port == event_port(ev))) {
			r = &d->rules[i];
			break;
		}
	}
	if (ev->has_local)
		format_addr(local, sizeof(local), ev->family, ev->local_addr,
			    ev->local_port);
	if (ev->has_remote)
		format_addr(remote, sizeof(remote), ev->family,
			    ev->remote_addr, ev->remote_port);

	if (ev->id && r->verdict != SNET_VERDICT_NONE && d->batch) {
		d->held[d->nheld].id = ev->id;
		d->held[d->nheld++].rule = r;
		if (d->nheld == d->batch) {
			fprintf(d->log, "batch of %u events waits\n", d->nheld);
			for (i = 0; i < (int)d->nheld; i++)
				err |= snet_nl_verdict(d->cmd, d->held[i].id,
						       d->held[i].rule->verdict,
						       d->held[i].rule->life,
						       d->held[i].rule->seconds);
			d->nheld = 0;
		}
	} else if (ev->id && r->verdict != SNET_VERDICT_NONE) {
		if (d->delay_ms) {
			struct timespec ts = {
				.tv_sec = d->delay_ms / 1000,
				.tv_nsec = (d->delay_ms % 1000) * 1000000L,
			};
			nanosleep(&ts, NULL);
		}
		err = snet_nl_verdict(d->cmd, ev->id, r->verdict, r->life,
				      r->seconds);
	}
	if (d->quiet)
		return 0;
	fprintf(d->log,
		"event id=%u syscall=%s proto=%u family=%u pid=%u tgid=%u uid=%u gid=%u comm=%s exe=%s local=%s remote=%s cookie=%llu label=%u netns=%u size=%llu answer=%s err=%d\n",
		ev->id, snet_syscall_name(ev->syscall), ev->protocol,
		ev->family, ev->pid, ev->tgid, ev->uid, ev->gid, ev->comm,
		ev->exe[0] ? ev->exe : "-", local, remote,
		(unsigned long long)ev->cookie, ev->label, ev->netns,
		(unsigned long long)ev->size,
		ev->id ? snet_verdict_name(r->verdict) : "notify", err);
	fflush(d->log);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: snet-testd [--log FILE] [--ready FILE] [--answer allow|deny|none[:LIFE]]\n"
		"                  [--delay-ms N] [--event SYSCALL:PROTO]... [--rule SPEC]...\n"
		"                  [--no-register] [--quiet]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "ready", required_argument, NULL, 'r' },
		{ "answer", required_argument, NULL, 'a' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "rule", required_argument, NULL, 'R' },
		{ "no-register", no_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .log = stdout };
	struct snet_nl *events;
	const char *ready = NULL;
	char *evspec[64];
	int nev = 0, do_register = 1, opt, i, err;
	struct sigaction sa = { .sa_handler = on_signal };

	parse_verdict("allow", &d.fallback);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			d.log = fopen(optarg, "a");
			if (!d.log) {
				perror(optarg);
				return 1;
			}
			break;
		case 'r':
			ready = optarg;
			break;
		case 'a':
			if (parse_verdict(optarg, &d.fallback))
				usage();
			break;
		case 'd':
			d.delay_ms = strtoul(optarg, NULL, 10);
			break;
		case 'e':
			if (nev == 64)
				usage();
			evspec[nev++] = optarg;
			break;
		case 'R':
			if (d.nrules == MAX_RULES ||
			    parse_rule(optarg, &d.rules[d.nrules++]))
				usage();
			break;
		case 'n':
			do_register = 0;
			break;
		case 'q':
			d.quiet = true;
			break;
		case 'b':
			d.batch = strtoul(optarg, NULL, 10);
			d.held = calloc(d.batch ? d.batch : 1, sizeof(*d.held));
			if (!d.held)
				return 1;
			break;
		default:
			usage();
		}
	}

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	err = snet_nl_open(&d.cmd);
	if (!err)
		err = snet_nl_open(&events);
	if (err) {
		fprintf(stderr, "snet-testd: cannot reach the SNET family: %s\n",
			strerror(-err));
		return 1;
	}
	err = snet_nl_set_rcvbuf(events, 8 << 20);
	/* Quiet, it reads as snetd does: bursts, without a blocking read. */
	if (!err && d.quiet)
		err = snet_nl_set_nonblocking(events, true);
	if (!err)
		err = snet_nl_subscribe(events);
	if (!err && do_register)
		err = snet_nl_register(d.cmd);
	for (i = 0; !err && i < nev; i++) {
		char *colon = strchr(evspec[i], ':');
		int sc;

		if (!colon)
			usage();
		*colon = '\0';
		sc = snet_syscall_from_name(evspec[i]);
		if (sc < 0)
			usage();
		err = snet_nl_event_insert(d.cmd, sc, atoi(colon + 1));
		if (err == -EEXIST)
			err = 0;
	}
	if (err) {
		fprintf(stderr, "snet-testd: setting up: %s\n", strerror(-err));
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			perror(ready);
			return 1;
		}
	}

	while (!stop) {
		struct pollfd pfd = { .fd = snet_nl_fd(events),
				      .events = POLLIN };

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		err = snet_nl_recv_events(events, on_event, &d);
		if (err == -ENOBUFS) {
			/* Lost some: answer what still waits. */
			struct snet_nl *dump;

			fprintf(d.log, "lost events, resyncing\n");
			/* A dump must not share a socket with verdicts. */
			err = snet_nl_open(&dump);
			if (!err) {
				err = snet_nl_pending_list(dump, on_event, &d);
				snet_nl_close(dump);
			}
		}
		if (err && err != -EINTR && err != -EAGAIN) {
			fprintf(stderr, "snet-testd: receiving: %s\n",
				strerror(-err));
			break;
		}
	}
	if (do_register)
		snet_nl_unregister(d.cmd);
	snet_nl_close(events);
	snet_nl_close(d.cmd);
	return 0;
}
