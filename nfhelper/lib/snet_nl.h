/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsnet: a small client of the snet LSM's generic netlink family, built on
 * libnl-genl-3.  One struct snet_nl is one netlink socket; it is not
 * thread-safe, so give each thread its own.  A daemon typically opens one to
 * receive events (snet_nl_subscribe) and one per deciding thread to send
 * verdicts and commands.  Every function returns 0 or a negative errno (the
 * kernel's, when the kernel refused).
 */
#ifndef SNET_NL_H
#define SNET_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/snet.h>

struct snet_nl;

/* A mediated call, as the kernel describes it in SNET_CMD_EVENT. */
struct snet_event {
	uint32_t id;		/* verdict id; 0 for a notification (close) */
	uint8_t syscall;	/* enum snet_syscall */
	uint8_t protocol;	/* IPPROTO_* */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint16_t sock_type;
	bool has_local, has_remote;
	uint8_t local_addr[16];	/* 4 or 16 bytes used, network order */
	uint8_t remote_addr[16];
	uint16_t local_port, remote_port;	/* host order */
	uint32_t pid, tgid, uid, gid;
	char comm[17];
	char exe[4096];		/* "" when the kernel could not tell */
	uint64_t cookie;
	uint32_t netns;
	uint32_t label;
	uint64_t size;		/* sendmsg/recvmsg */
	uint32_t backlog;	/* listen */
	uint32_t timeout_left_ms; /* only in snet_nl_pending_list() */
};

struct snet_config {
	uint32_t version;	/* read only */
	uint8_t default_verdict;	/* SNET_VERDICT_ALLOW or _DENY */
	uint32_t timeout_ms;
	uint8_t ticket_life;	/* default for verdicts that carry none */
	uint32_t ticket_seconds;
	uint32_t ticket_max;
	uint32_t label_mask;
	uint32_t daemon_pid;	/* read only */
};

/* Which fields of struct snet_config snet_nl_config_set() sends. */
enum snet_config_field {
	SNET_CFG_DEFAULT_VERDICT = 1 << 0,
	SNET_CFG_TIMEOUT = 1 << 1,
	SNET_CFG_TICKET_LIFE = 1 << 2,
	SNET_CFG_TICKET_SECONDS = 1 << 3,
	SNET_CFG_TICKET_MAX = 1 << 4,
	SNET_CFG_LABEL_MASK = 1 << 5,
};

/*
 * A ticket as snet_nl_ticket_list() reports it, and as snet_nl_ticket_set()
 * takes it.  A socket ticket has cookie != 0; a task ticket has pid != 0
 * and the request fields (syscall, protocol, family, addresses, ports).
 */
struct snet_ticket {
	uint64_t id;
	uint32_t pid;		/* task tickets */
	uint64_t cookie;	/* socket tickets */
	uint32_t syscall_mask;	/* socket tickets: BIT(enum snet_syscall) */
	uint8_t syscall, protocol, family;
	bool has_local, has_remote;
	uint8_t local_addr[16], remote_addr[16];
	uint16_t local_port, remote_port;
	uint8_t verdict;
	uint8_t life;		/* enum snet_ticket_life */
	uint32_t seconds;	/* set: lifetime of a TIMED ticket */
	uint32_t expires_ms;	/* list: ms left, 0 for TASK/socket-until-close */
};

struct snet_sock_info {
	uint64_t cookie;
	uint32_t label;
	uint32_t tgid, uid;	/* of the task that created the socket */
	char comm[17];
	uint8_t family, protocol;
};

int snet_nl_open(struct snet_nl **out);
void snet_nl_close(struct snet_nl *nl);
/* The socket's file descriptor, for poll(). */
int snet_nl_fd(const struct snet_nl *nl);
/* Grow the receive buffer (events come in bursts). */
int snet_nl_set_rcvbuf(struct snet_nl *nl, int bytes);

int snet_nl_register(struct snet_nl *nl);
int snet_nl_unregister(struct snet_nl *nl);

int snet_nl_config_get(struct snet_nl *nl, struct snet_config *cfg);
int snet_nl_config_set(struct snet_nl *nl, const struct snet_config *cfg,
		       unsigned int fields);

int snet_nl_event_insert(struct snet_nl *nl, uint8_t syscall, uint8_t protocol);
int snet_nl_event_remove(struct snet_nl *nl, uint8_t syscall, uint8_t protocol);
int snet_nl_event_flush(struct snet_nl *nl);
int snet_nl_event_list(struct snet_nl *nl,
		       int (*cb)(uint8_t syscall, uint8_t protocol, void *arg),
		       void *arg);

/* Answer event @id; @life and @seconds say how long it is remembered. */
int snet_nl_verdict(struct snet_nl *nl, uint32_t id, uint8_t verdict,
		    uint8_t life, uint32_t seconds);

/*
 * The message snet_nl_verdict() sends, built in @buf (at least
 * SNET_NL_VERDICT_SIZE bytes, netlink-aligned) for the family @family with
 * sequence number @seq; returns its length.
 */
#define SNET_NL_VERDICT_SIZE 64
size_t snet_nl_verdict_build(void *buf, uint16_t family, uint32_t seq,
			     uint32_t id, uint8_t verdict, uint8_t life,
			     uint32_t seconds);

int snet_nl_ticket_set(struct snet_nl *nl, const struct snet_ticket *t);
/* Revoke by ticket id, else all of pid, else the socket's, else all. */
int snet_nl_ticket_revoke(struct snet_nl *nl, uint64_t id, uint32_t pid,
			  uint64_t cookie);
int snet_nl_ticket_list(struct snet_nl *nl, uint32_t pid,
			int (*cb)(const struct snet_ticket *t, void *arg),
			void *arg);

int snet_nl_stats(struct snet_nl *nl, uint64_t stats[SNET_STAT_MAX + 1]);
/* Look a socket up by cookie, or by label when cookie is 0. */
int snet_nl_sock_get(struct snet_nl *nl, uint64_t cookie, uint32_t label,
		     struct snet_sock_info *info);
int snet_nl_pending_list(struct snet_nl *nl,
			 int (*cb)(const struct snet_event *ev, void *arg),
			 void *arg);

/* Join the events group; then snet_nl_recv_events() delivers them. */
int snet_nl_subscribe(struct snet_nl *nl);
/*
 * Read events and call @cb for each.  A blocking socket reads one datagram
 * (waiting for it); a non-blocking one (snet_nl_set_nonblocking) reads all
 * that are queued.  Returns 0, @cb's first non-zero return, or -ENOBUFS
 * when events were lost (the receive buffer overflowed): the caller should
 * then answer from snet_nl_pending_list().
 */
int snet_nl_recv_events(struct snet_nl *nl,
			int (*cb)(const struct snet_event *ev, void *arg),
			void *arg);
int snet_nl_set_nonblocking(struct snet_nl *nl, bool on);

const char *snet_syscall_name(uint8_t syscall);
int snet_syscall_from_name(const char *name);	/* -EINVAL if unknown */
const char *snet_verdict_name(uint8_t verdict);
const char *snet_stat_name(int stat);	/* NULL if unknown */

#endif /* SNET_NL_H */
