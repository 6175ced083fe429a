/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol between snetctl and snetd: one JSON object per line
 * each way over a unix stream socket (docs/snetd.md).  This module only
 * parses requests, so that it can be tested and fuzzed alone.
 */
#ifndef SNETD_CTL_PROTO_H
#define SNETD_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_MAX_LINE 65536
#define CTL_DEFAULT_SOCKET "/run/snet/snetd.sock"

enum ctl_cmd {
	CTL_STATUS,
	CTL_STATS,
	CTL_EVENTS,		/* in flight */
	CTL_SOCKETS,		/* the socket table */
	CTL_TICKETS_LIST,
	CTL_TICKETS_REVOKE,
	CTL_RELOAD,
	CTL_PROMPT,		/* this connection becomes a prompt */
	CTL_ANSWER,		/* a prompt's answer to one event */
	CTL_INSPECT,		/* payload inspection counters */
	CTL_RELOAD_RULES,	/* rebuild the signatures in the background */
	CTL_REOPEN_LOGS,	/* the decision and EVE logs, after logrotate */
};

struct ctl_request {
	enum ctl_cmd cmd;
	/* tickets list: pid filter (0: all).  revoke: exactly one of
	 * ticket_id, pid, cookie, or all. */
	uint64_t ticket_id;
	uint32_t pid;
	uint64_t cookie;
	bool all;
	/* sockets: at most this many (default 1000) */
	uint32_t limit;
	/* answer */
	uint32_t event_id;
	uint8_t verdict;	/* SNET_VERDICT_ALLOW or _DENY */
	uint8_t life;		/* enum snet_ticket_life */
	uint32_t seconds;
	bool always;
};

/*
 * Parse one request line (without its newline).  0, or -EINVAL with a
 * message for the error reply in @err.
 */
int ctl_request_parse(const char *line, size_t len, struct ctl_request *req,
		      char *err, size_t errlen);

#endif /* SNETD_CTL_PROTO_H */
