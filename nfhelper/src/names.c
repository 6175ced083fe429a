// SPDX-License-Identifier: GPL-2.0-or-later
/* Names of syscalls, protocols, families, verdicts and ticket lifetimes. */
#include "names.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/snet.h>

static const char *const syscall_names[] = {
	[SNET_SYSCALL_CREATE] = "create",
	[SNET_SYSCALL_BIND] = "bind",
	[SNET_SYSCALL_CONNECT] = "connect",
	[SNET_SYSCALL_LISTEN] = "listen",
	[SNET_SYSCALL_ACCEPT] = "accept",
	[SNET_SYSCALL_POST_ACCEPT] = "post-accept",
	[SNET_SYSCALL_SENDMSG] = "sendmsg",
	[SNET_SYSCALL_RECVMSG] = "recvmsg",
	[SNET_SYSCALL_CLOSE] = "close",
};

_Static_assert(sizeof(syscall_names) / sizeof(syscall_names[0]) ==
	       __SNET_SYSCALL_MAX, "a syscall lacks a name");

const char *name_of_syscall(unsigned int sc)
{
	if (sc > SNET_SYSCALL_MAX)
		return NULL;
	return syscall_names[sc];
}

int syscall_from_name(const char *name)
{
	for (unsigned int i = 0; i <= SNET_SYSCALL_MAX; i++)
		if (strcmp(name, syscall_names[i]) == 0)
			return (int)i;
	if (strcmp(name, "post_accept") == 0)
		return SNET_SYSCALL_POST_ACCEPT;
	return -EINVAL;
}

static const struct {
	const char *name;
	unsigned int proto;
} protocol_names[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP },
	{ "udplite", IPPROTO_UDPLITE },
	{ "raw", IPPROTO_RAW },
	{ "ip", IPPROTO_IP },
	{ "mptcp", IPPROTO_MPTCP },
};

#define N_PROTOCOLS (sizeof(protocol_names) / sizeof(protocol_names[0]))

const char *name_of_protocol(unsigned int proto)
{
	for (size_t i = 0; i < N_PROTOCOLS; i++)
		if (protocol_names[i].proto == proto)
			return protocol_names[i].name;
	return NULL;
}

int protocol_from_name(const char *name)
{
	char *end;
	long v;

	for (size_t i = 0; i < N_PROTOCOLS; i++)
		if (strcmp(name, protocol_names[i].name) == 0)
			return (int)protocol_names[i].proto;
	if (name[0] < '0' || name[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || *end || v < 0 || v > 255)
		return -EINVAL;
	return (int)v;
}

const char *name_of_family(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return NULL;
	}
}

int family_from_name(const char *name)
{
	if (!strcmp(name, "inet") || !strcmp(name, "ipv4") || !strcmp(name, "4"))
		return AF_INET;
	if (!strcmp(name, "inet6") || !strcmp(name, "ipv6") || !strcmp(name, "6"))
		return AF_INET6;
	return -EINVAL;
}

const char *name_of_verdict(unsigned int verdict)
{
	switch (verdict) {
	case SNET_VERDICT_ALLOW:
		return "allow";
	case SNET_VERDICT_DENY:
		return "deny";
	default:
		return "none";
	}
}

int verdict_from_name(const char *name)
{
	if (strcmp(name, "allow") == 0)
		return SNET_VERDICT_ALLOW;
	if (strcmp(name, "deny") == 0)
		return SNET_VERDICT_DENY;
	return -EINVAL;
}

const char *name_of_life(unsigned int life)
{
	switch (life) {
	case SNET_TICKET_ONCE:
		return "once";
	case SNET_TICKET_TIMED:
		return "seconds";
	case SNET_TICKET_TASK:
		return "exit";
	default:
		return "?";
	}
}

int life_from_name(const char *name)
{
	if (strcmp(name, "once") == 0)
		return SNET_TICKET_ONCE;
	if (strcmp(name, "seconds") == 0)
		return SNET_TICKET_TIMED;
	if (strcmp(name, "exit") == 0)
		return SNET_TICKET_TASK;
	return -EINVAL;
}

int seconds_from_text(const char *text, uint32_t *out)
{
	unsigned long long v, unit = 1;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end) {
		switch (*end) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		default:
			return -EINVAL;
		}
		if (end[1])
			return -EINVAL;
	}
	if (v == 0 || v > UINT32_MAX / unit)
		return -ERANGE;
	*out = (uint32_t)(v * unit);
	return 0;
}
