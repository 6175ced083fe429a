/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of the values of the snet ABI as the policy language, the
 * configuration, the logs and the control protocol spell them.  These are
 * snetd's own (libsnet has similar helpers, but the parsers here must not
 * depend on the netlink library, so that they build and are fuzzed alone).
 */
#ifndef SNETD_NAMES_H
#define SNETD_NAMES_H

#include <stdint.h>

/* "connect"...; NULL if out of range. */
const char *name_of_syscall(unsigned int sc);
/* enum snet_syscall, or -EINVAL.  Accepts "post-accept" and "post_accept". */
int syscall_from_name(const char *name);

/* "tcp", "udp", ...; NULL if the protocol has no name here. */
const char *name_of_protocol(unsigned int proto);
/* A name above or a number 0..255; -EINVAL otherwise. */
int protocol_from_name(const char *name);

/* "inet", "inet6"; NULL otherwise. */
const char *name_of_family(unsigned int family);
/* "inet"/"ipv4"/"4" -> AF_INET, "inet6"/"ipv6"/"6" -> AF_INET6, or -EINVAL */
int family_from_name(const char *name);

/* "allow", "deny", "none". */
const char *name_of_verdict(unsigned int verdict);
/* "allow"/"deny" -> SNET_VERDICT_*, or -EINVAL. */
int verdict_from_name(const char *name);

/* enum snet_ticket_life: "once", "seconds", "exit". */
const char *name_of_life(unsigned int life);
int life_from_name(const char *name);

/*
 * A duration such as "30", "30s", "5m", "2h", "1d" in seconds, 1 ..
 * UINT32_MAX; -EINVAL if malformed, -ERANGE if zero or too large.
 */
int seconds_from_text(const char *text, uint32_t *out);

#endif /* SNETD_NAMES_H */
