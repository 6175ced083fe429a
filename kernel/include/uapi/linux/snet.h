/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * snet - Security for NETwork syscalls: the generic netlink ABI.
 *
 * The kernel defers the decision on mediated socket syscalls to a userspace
 * daemon over the generic netlink family SNET_GENL_NAME.  See
 * docs/netlink-abi.md for every command, attribute and error.
 */
#ifndef _UAPI_LINUX_SNET_H
#define _UAPI_LINUX_SNET_H

#include <linux/types.h>

#define SNET_GENL_NAME		"SNET"
#define SNET_GENL_VERSION	1
#define SNET_GENL_MCGRP_EVENTS	"events"

/* The mediated syscalls.  SNET_SYSCALL_CLOSE is only ever notified. */
enum snet_syscall {
	SNET_SYSCALL_CREATE,
	SNET_SYSCALL_BIND,
	SNET_SYSCALL_CONNECT,
	SNET_SYSCALL_LISTEN,
	SNET_SYSCALL_ACCEPT,
	SNET_SYSCALL_POST_ACCEPT,
	SNET_SYSCALL_SENDMSG,
	SNET_SYSCALL_RECVMSG,
	SNET_SYSCALL_CLOSE,
	__SNET_SYSCALL_MAX,
};

#define SNET_SYSCALL_MAX (__SNET_SYSCALL_MAX - 1)

enum snet_verdict {
	SNET_VERDICT_NONE,	/* no decision (pending, or "ask again") */
	SNET_VERDICT_ALLOW,
	SNET_VERDICT_DENY,
	__SNET_VERDICT_MAX,
};

#define SNET_VERDICT_MAX (__SNET_VERDICT_MAX - 1)

/* How long a decision is remembered (a "ticket"). */
enum snet_ticket_life {
	SNET_TICKET_ONCE,	/* no ticket: this call only */
	SNET_TICKET_TIMED,	/* SNET_A_TICKET_SECONDS seconds */
	SNET_TICKET_TASK,	/* until the task exits or executes a new program */
	__SNET_TICKET_MAX,
};

#define SNET_TICKET_MAX (__SNET_TICKET_MAX - 1)

enum snet_cmd {
	SNET_CMD_UNSPEC,
	SNET_CMD_GET_CONFIG,	/* reply: config attributes */
	SNET_CMD_SET_CONFIG,
	SNET_CMD_REGISTER,	/* the sender becomes the deciding daemon */
	SNET_CMD_UNREGISTER,
	SNET_CMD_EVENT_INSERT,	/* SYSCALL + PROTOCOL: mediate that pair */
	SNET_CMD_EVENT_REMOVE,
	SNET_CMD_EVENT_LIST,	/* dump */
	SNET_CMD_EVENT_FLUSH,
	SNET_CMD_EVENT,		/* kernel -> group: a mediated call waits */
	SNET_CMD_VERDICT,	/* daemon -> kernel: the answer to an event */
	SNET_CMD_TICKET_SET,
	SNET_CMD_TICKET_REVOKE,
	SNET_CMD_TICKET_LIST,	/* dump */
	SNET_CMD_GET_STATS,
	SNET_CMD_SOCK_GET,	/* who owns the socket with this cookie/label */
	SNET_CMD_PENDING_LIST,	/* dump the calls waiting for a verdict */
	__SNET_CMD_MAX,
};

#define SNET_CMD_MAX (__SNET_CMD_MAX - 1)

enum snet_attr {
	SNET_A_UNSPEC,
	SNET_A_PAD,

	/* configuration */
	SNET_A_VERSION,		/* u32, read only: SNET_GENL_VERSION */
	SNET_A_DEFAULT_VERDICT,	/* u8, enum snet_verdict (ALLOW or DENY) */
	SNET_A_TIMEOUT_MS,	/* u32, how long a call waits for a verdict */
	SNET_A_TICKET_LIFE,	/* u8, enum snet_ticket_life */
	SNET_A_TICKET_SECONDS,	/* u32 */
	SNET_A_TICKET_MAX,	/* u32, tickets kept per task */
	SNET_A_LABEL_MASK,	/* u32, packet-mark bits that carry the label */
	SNET_A_DAEMON_PID,	/* u32, read only: registered daemon, 0 if none */

	/* an event (a mediated call) */
	SNET_A_VERDICT_ID,	/* u32, 0 for a notification (close) */
	SNET_A_SYSCALL,		/* u8, enum snet_syscall */
	SNET_A_PROTOCOL,	/* u8, IPPROTO_* */
	SNET_A_FAMILY,		/* u8, AF_INET or AF_INET6 */
	SNET_A_SOCK_TYPE,	/* u16, SOCK_STREAM, SOCK_DGRAM, ... */
	SNET_A_LOCAL_ADDR,	/* binary, 4 or 16 bytes, network order */
	SNET_A_LOCAL_PORT,	/* u16, host order */
	SNET_A_REMOTE_ADDR,	/* binary, 4 or 16 bytes, network order */
	SNET_A_REMOTE_PORT,	/* u16, host order */
	SNET_A_PID,		/* u32, thread id in the initial pid namespace */
	SNET_A_TGID,		/* u32, process id in the initial pid namespace */
	SNET_A_UID,		/* u32, in the initial user namespace */
	SNET_A_GID,		/* u32 */
	SNET_A_COMM,		/* string */
	SNET_A_EXE,		/* string, absent when it cannot be had */
	SNET_A_SOCK_COOKIE,	/* u64, as SO_COOKIE returns it */
	SNET_A_NETNS,		/* u32, inode number of the network namespace */
	SNET_A_LABEL,		/* u32, the mark bits the socket's packets carry */
	SNET_A_SIZE,		/* u64, bytes of sendmsg/recvmsg */
	SNET_A_BACKLOG,		/* u32, of listen */
	SNET_A_TIMEOUT_LEFT_MS,	/* u32, in PENDING_LIST: time before default */

	/* a verdict */
	SNET_A_VERDICT,		/* u8, enum snet_verdict */

	/* tickets */
	SNET_A_TICKET_ID,	/* u64 */
	SNET_A_TICKET_EXPIRES_MS, /* u32, ms left; absent for TASK tickets */
	SNET_A_SYSCALL_MASK,	/* u32, BIT(enum snet_syscall) a socket ticket decides */

	/* statistics */
	SNET_A_STATS,		/* nested, enum snet_stat */

	__SNET_A_MAX,
};

#define SNET_A_MAX (__SNET_A_MAX - 1)

/* Counters in SNET_A_STATS, each a u64 (also in securityfs snet/stats). */
enum snet_stat {
	SNET_STAT_UNSPEC,
	SNET_STAT_PAD,
	SNET_STAT_EVENTS,	/* events sent to the daemon */
	SNET_STAT_ALLOW,	/* calls allowed by a verdict */
	SNET_STAT_DENY,		/* calls denied by a verdict */
	SNET_STAT_TIMEOUT,	/* calls that waited out the timeout */
	SNET_STAT_NO_DAEMON,	/* calls decided by the default, no daemon */
	SNET_STAT_DAEMON_GONE,	/* calls released when the daemon left */
	SNET_STAT_INTERRUPTED,	/* waits ended by a signal */
	SNET_STAT_SEND_FAILED,	/* events the kernel could not deliver */
	SNET_STAT_TICKET_ALLOW,	/* calls allowed by a task ticket */
	SNET_STAT_TICKET_DENY,	/* calls denied by a task ticket */
	SNET_STAT_SOCK_DENY,	/* calls denied by a socket ticket */
	SNET_STAT_SOCK_ALLOW,	/* calls allowed by a socket ticket */
	SNET_STAT_PENDING,	/* calls waiting right now (a gauge) */
	SNET_STAT_LABELLED,	/* sockets given a packet label */
	SNET_STAT_LABEL_EXHAUSTED, /* sockets left unlabelled: no free label */
	__SNET_STAT_MAX,
};

#define SNET_STAT_MAX (__SNET_STAT_MAX - 1)

#endif /* _UAPI_LINUX_SNET_H */
