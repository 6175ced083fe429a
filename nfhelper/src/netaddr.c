// SPDX-License-Identifier: GPL-2.0-or-later
/* CIDR prefixes: parse, match (IPv4-mapped aware), format. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

size_t net_addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static bool host_bits_clear(const uint8_t *addr, size_t bytes, unsigned int len)
{
	for (size_t bit = len; bit < bytes * 8; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

int net_prefix_parse(const char *text, struct net_prefix *out,
		     const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long len;
	char *end;

	*why = "not an IPv4 or IPv6 address";
	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	len = net_addr_len(out->family) * 8;
	if (slash) {
		*why = "bad prefix length";
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		unsigned long v = strtoul(slash + 1, &end, 10);

		if (errno || *end || v > len)
			return -EINVAL;
		len = v;
	}
	out->len = (uint8_t)len;
	if (!host_bits_clear(out->addr, net_addr_len(out->family), out->len)) {
		*why = "address has bits set beyond the prefix length";
		return -EINVAL;
	}
	*why = NULL;
	return 0;
}

static bool prefix_bits_equal(const uint8_t *a, const uint8_t *b,
			      unsigned int len)
{
	unsigned int whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	return (a[whole] & mask) == (b[whole] & mask);
}

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

bool net_prefix_match(const struct net_prefix *p, uint8_t family,
		      const uint8_t *addr)
{
	if (p->family == family)
		return prefix_bits_equal(p->addr, addr, p->len);
	if (p->family == AF_INET && family == AF_INET6 &&
	    memcmp(addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0)
		return prefix_bits_equal(p->addr, addr + 12, p->len);
	return false;
}

const char *net_addr_format(uint8_t family, const uint8_t *addr, char *buf,
			    size_t len)
{
	if ((family != AF_INET && family != AF_INET6) ||
	    !inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
