// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet -> socket owner: socket table, then the kernel; cached per flow. */
#include "sockattr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "snet_nl.h"
#include "socktable.h"

/* A flow's owner does not change while the flow lives; a socket nobody
 * knows is asked about again soon (its event may still be on its way). */
#define KNOWN_TTL_MS 120000
#define UNKNOWN_TTL_MS 1000

struct slot {
	bool used;
	struct flow_key key;
	uint64_t expires_ms;
	struct sock_owner owner;
	char *exe;
};

struct sockattr {
	struct sock_table *table;
	struct snet_nl *nl;
	struct slot *slots;
	unsigned int mask;
	struct sock_owner nobody;
	struct sockattr_stats st;
};

int sockattr_new(struct sock_table *table, struct snet_nl *nl,
		 unsigned int slots, struct sockattr **out)
{
	struct sockattr *sa;

	if (!slots || (slots & (slots - 1)))
		return -EINVAL;
	sa = calloc(1, sizeof(*sa));
	if (!sa)
		return -ENOMEM;
	sa->slots = calloc(slots, sizeof(*sa->slots));
	if (!sa->slots) {
		free(sa);
		return -ENOMEM;
	}
	sa->table = table;
	sa->nl = nl;
	sa->mask = slots - 1;
	*out = sa;
	return 0;
}

void sockattr_free(struct sockattr *sa)
{
	if (!sa)
		return;
	for (unsigned int i = 0; i <= sa->mask; i++)
		free(sa->slots[i].exe);
	free(sa->slots);
	free(sa);
}

void sockattr_stats(const struct sockattr *sa, struct sockattr_stats *st)
{
	*st = sa->st;
}

/* Does @a (a socket's address of @fam) name @b (a packet's, of @pfam)?
 * A dual-stack socket's IPv4-mapped address names the IPv4 one. */
static bool same_addr(uint8_t fam, const uint8_t *a, uint8_t pfam,
		      const uint8_t *b)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (fam == pfam)
		return memcmp(a, b, fam == AF_INET ? 4 : 16) == 0;
	if (fam == AF_INET6 && pfam == AF_INET)
		return memcmp(a, mapped, 12) == 0 && memcmp(a + 12, b, 4) == 0;
	return false;
}

/*
 * Is @si the socket of this packet?  Its remote end and its local port,
 * where the table knows them, must be the packet's; at least one must be
 * known.
 */
static bool entry_matches(const struct sock_info *si, const struct pkt_tuple *t,
			  bool outgoing)
{
	const uint8_t *raddr = outgoing ? t->dst : t->src;
	uint16_t rport = outgoing ? t->dport : t->sport;
	uint16_t lport = outgoing ? t->sport : t->dport;
	int checks = 0;

	if (si->sock.has_remote && si->sock.remote_port) {
		if (si->sock.remote_port != rport ||
		    !same_addr(si->sock.family, si->sock.remote_addr, t->family, raddr))
			return false;
		checks++;
	}
	if (si->sock.has_local && si->sock.local_port) {
		if (si->sock.local_port != lport)
			return false;
		checks++;
	}
	return checks > 0;
}

static char *read_exe(uint32_t tgid)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", tgid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	return strdup(path);
}

static void fill_from_table(struct slot *s, const struct sock_info *si)
{
	struct sock_owner *o = &s->owner;

	o->known = true;
	o->has_cookie = true;
	o->cookie = si->sock.cookie;
	o->pid = si->sock.pid;
	o->tgid = si->sock.tgid;
	o->uid = si->sock.uid;
	o->gid = si->sock.gid;
	memcpy(o->comm, si->sock.comm, sizeof(o->comm));
	s->exe = si->exe[0] ? strdup(si->exe) : NULL;
}

static bool resolve(struct sockattr *sa, struct slot *s,
		    const struct pkt_tuple *t, uint32_t label, bool outgoing,
		    int64_t gid_hint)
{
	struct snet_sock_info ki;
	struct sock_info si;

	if (sa->table && sock_table_lookup_label(sa->table, label, &si) &&
	    entry_matches(&si, t, outgoing)) {
		fill_from_table(s, &si);
		s->owner.source = "table";
		sa->st.table_hits++;
		return true;
	}
	if (!sa->nl || snet_nl_sock_get(sa->nl, 0, label, &ki))
		return false;
	/* The kernel names the socket; the table may know more of it. */
	if (sa->table && sock_table_lookup(sa->table, ki.cookie, &si)) {
		fill_from_table(s, &si);
	} else {
		struct sock_owner *o = &s->owner;

		o->known = true;
		o->has_cookie = true;
		o->cookie = ki.cookie;
		o->pid = ki.tgid;
		o->tgid = ki.tgid;
		o->uid = ki.uid;
		o->gid = gid_hint >= 0 ? (uint32_t)gid_hint : 0;
		memcpy(o->comm, ki.comm, sizeof(o->comm));
		o->comm[sizeof(o->comm) - 1] = '\0';
		s->exe = read_exe(ki.tgid);
	}
	s->owner.source = "kernel";
	sa->st.kernel_hits++;
	return true;
}

struct sock_owner *sockattr_lookup(struct sockattr *sa,
				   const struct pkt_tuple *t, uint32_t label,
				   bool outgoing, int64_t gid_hint,
				   uint64_t now_ms)
{
	struct flow_key k;
	struct slot *s;

	flow_key_of(t, &k);
	s = &sa->slots[flow_key_hash(&k) & sa->mask];
	if (s->used && now_ms < s->expires_ms && flow_key_equal(&s->key, &k) &&
	    (!label || s->owner.label == label)) {
		if (s->owner.known) {
			s->expires_ms = now_ms + KNOWN_TTL_MS;
			sa->st.cache_hits++;
			return &s->owner;
		}
		if (!label)
			goto nobody;
		sa->st.cache_hits++;
		return &s->owner;	/* asked a moment ago: nobody */
	}
	if (!label)
		goto nobody;	/* an unlabelled packet of a flow we never named */
	free(s->exe);
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->key = k;
	s->owner.label = label;
	if (resolve(sa, s, t, label, outgoing, gid_hint)) {
		s->owner.exe = s->exe;
		s->expires_ms = now_ms + KNOWN_TTL_MS;
	} else {
		sa->st.misses++;
		s->expires_ms = now_ms + UNKNOWN_TTL_MS;
	}
	return &s->owner;
nobody:
	memset(&sa->nobody, 0, sizeof(sa->nobody));
	sa->st.misses++;
	return &sa->nobody;
}
