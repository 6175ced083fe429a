/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4/IPv6 addresses and prefixes (CIDR) as the policy matches them. */
#ifndef SNETD_NETADDR_H
#define SNETD_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];	/* network order, host bits zero */
};

/*
 * Parse "192.0.2.0/24", "192.0.2.7" (a /32), "2001:db8::/32" or "::1".
 * Returns 0, or -EINVAL with *why saying what is wrong (host bits set, bad
 * length, not an address).
 */
int net_prefix_parse(const char *text, struct net_prefix *out,
		     const char **why);

/*
 * Does @addr (4 or 16 bytes per @family, network order) lie in @p?  An IPv4
 * prefix also matches the IPv4-mapped IPv6 address (::ffff:a.b.c.d), which
 * is how a dual-stack socket talks to an IPv4 peer.
 */
bool net_prefix_match(const struct net_prefix *p, uint8_t family,
		      const uint8_t *addr);

/* "a.b.c.d" or IPv6 text; "?" for an unknown family.  Returns @buf. */
const char *net_addr_format(uint8_t family, const uint8_t *addr, char *buf,
			    size_t len);

/* Length of an address of @family in bytes (4, 16), 0 if unknown. */
size_t net_addr_len(uint8_t family);

#endif /* SNETD_NETADDR_H */
