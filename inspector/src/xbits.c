// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xbits: named bits on an IP address (track ip_src, ip_dst) or on a pair
 * of addresses (track ip_pair, either order), with an expiry, as
 * Suricata's host and IP-pair bits.  They outlive flows, so they belong to
 * the rule set and all its workers, behind one lock taken only when a
 * rule with xbits is checked or has matched.  The table is bounded
 * (XBITS_MAX entries); a set that finds no room, even after expired
 * entries are dropped, is refused and counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define XBITS_MAX 65536

struct xb_entry {
	uint64_t name;		/* FNV-1a of the bit's name; 0: free slot */
	uint8_t track;
	struct ip_addr a, b;	/* ip_pair: a <= b */
	uint64_t expires;	/* set while now <= expires (seconds) */
};

uint64_t xbits_name_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	return h ? h : 1;
}

static int addr_cmp(const struct ip_addr *x, const struct ip_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, 16);
}

/* the entry's key for this packet */
static void key_of(const struct xbit_op *op, const struct packet *p, struct xb_entry *k)
{
	memset(k, 0, sizeof(*k));
	k->name = op->name;
	k->track = op->track;
	switch (op->track) {
	case XB_TRACK_SRC: k->a = p->src; break;
	case XB_TRACK_DST: k->a = p->dst; break;
	default:
		k->a = addr_cmp(&p->src, &p->dst) <= 0 ? p->src : p->dst;
		k->b = addr_cmp(&p->src, &p->dst) <= 0 ? p->dst : p->src;
	}
}

static bool same(const struct xb_entry *e, const struct xb_entry *k)
{
	return e->name == k->name && e->track == k->track && !addr_cmp(&e->a, &k->a) &&
	       (k->track != XB_TRACK_PAIR || !addr_cmp(&e->b, &k->b));
}

static size_t slot_of(const struct xb_entry *k, size_t mask)
{
	uint64_t h = k->name ^ k->track;
	for (int i = 0; i < 16; i++)
		h = (h ^ k->a.a[i] ^ (uint64_t)k->b.a[i] << 8) * 0x100000001b3ull;
	return (size_t)(h ^ h >> 29) & mask;
}

static struct xb_entry *find(struct xbits_table *t, const struct xb_entry *k)
{
	if (!t->v)
		return NULL;
	for (size_t i = slot_of(k, t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->v[i].name)
			return NULL;
		if (same(&t->v[i], k))
			return &t->v[i];
	}
}

/* rebuild into cap slots, keeping what has not expired */
static int rehash(struct xbits_table *t, size_t cap, uint64_t now)
{
	struct xb_entry *v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; t->v && i < t->cap; i++) {
		const struct xb_entry *e = &t->v[i];
		if (!e->name || e->expires < now)
			continue;
		size_t j = slot_of(e, cap - 1);
		while (v[j].name)
			j = (j + 1) & (cap - 1);
		v[j] = *e;
		n++;
	}
	free(t->v);
	t->v = v;
	t->cap = cap;
	t->n = n;
	return 0;
}

/* a free slot for k, growing or sweeping the table; NULL: full */
static struct xb_entry *room_for(struct xbits_table *t, const struct xb_entry *k, uint64_t now)
{
	/* at most half full, so probes stay short and always end */
	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		if (rehash(t, cap, now))	/* drop expired first */
			return NULL;
		while (2 * (t->n + 1) > cap && cap < 2 * XBITS_MAX)
			cap *= 2;
		if (2 * (t->n + 1) > cap || (cap != t->cap && rehash(t, cap, now)))
			return NULL;
	}
	size_t i = slot_of(k, t->cap - 1);
	while (t->v[i].name)
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

bool xbits_test(struct xbits_table *t, const struct xbit_op *op, const struct packet *p,
		uint64_t now)
{
	struct xb_entry k;
	key_of(op, p, &k);
	pthread_mutex_lock(&t->lock);
	const struct xb_entry *e = find(t, &k);
	bool set = e && e->expires >= now;
	pthread_mutex_unlock(&t->lock);
	return op->op == FB_ISSET ? set : !set;
}

int xbits_apply(struct xbits_table *t, const struct xbit_op *op, const struct packet *p,
		uint64_t now)
{
	struct xb_entry k;
	int rc = 0;
	key_of(op, p, &k);
	pthread_mutex_lock(&t->lock);
	struct xb_entry *e = find(t, &k);
	bool set = e && e->expires >= now;
	bool want = op->op == FB_SET || (op->op == FB_TOGGLE && !set);
	if (!want) {
		/* not cleared: a later entry may have probed past it; expired,
		 * the next rehash drops it */
		if (set)
			e->expires = 0;
	} else if (e) {
		if (!set)
			e->expires = now + op->expire;	/* an already set bit keeps its expiry */
	} else {
		struct xb_entry *n = room_for(t, &k, now);
		if (n) {
			k.expires = now + op->expire;
			*n = k;
			t->n++;
		} else {
			rc = -ENOSPC;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

void xbits_table_init(struct xbits_table *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

void xbits_table_free(struct xbits_table *t)
{
	free(t->v);
	pthread_mutex_destroy(&t->lock);
}
