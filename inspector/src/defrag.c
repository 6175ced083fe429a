// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IP fragment reassembly, per worker (defrag.h).  Splitting a pattern
 * across fragments is a classic way around an IDS: the worker inspects
 * each fragment as an IP packet, and the datagram once it is whole.
 *
 * A datagram is a context keyed by (family, source, destination, IP
 * protocol, identification: 16 bits for IPv4, 32 for IPv6).  It holds
 * pieces of data that never overlap, sorted by offset: a new fragment
 * is cut to the gaps it fills ("first" policy, Suricata's policy of that
 * name: simple and deterministic; Suricata's default is "bsd").  Where it
 * overlaps bytes held it is counted (defrag_overlaps), and where those
 * bytes differ too (defrag_overlap_conflicts): the inspected datagram is
 * made of the bytes that came first.  The first fragment (offset 0) gives
 * the header: IPv4's own, IPv6's unfragmentable part (the fixed header and
 * the extension headers before the fragment header).  The last fragment
 * (no MF / M) gives the length; the first one to come decides it, data
 * past it is cut and counted as a conflict.
 *
 * A datagram dropped from reassembly (too long, too many fragments, the
 * memory cap) stays as an empty context until its timeout, so the rest of
 * its fragments are not gathered again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "defrag.h"

/* a datagram whole: IPv6's fixed header and the largest payload */
#define DEFRAG_OUT_MAX (40 + DEFRAG_MAX_LEN)

struct piece {
	uint32_t off, len;
	uint8_t *data;
};

struct defrag_ctx {
	struct defrag_ctx *hnext;		/* hash chain */
	struct defrag_ctx *older, *newer;	/* age list */
	struct ip_addr src, dst;
	uint8_t proto;
	bool last_seen;		/* the last fragment came: end is known */
	bool dead;		/* dropped from reassembly: fragments ignored */
	uint16_t nfrags;	/* fragments taken in */
	uint32_t id;
	uint32_t end;		/* the datagram's length past its header */
	uint64_t first_usec;
	uint8_t *hdr;		/* the first fragment's header, or NULL */
	uint32_t hlen, nhoff;	/* its length; IPv6: the byte naming the fragment header */
	struct piece *pieces;
	uint32_t npieces, cap;
	size_t mem;		/* counted in the worker's defrag.mem */
};

static size_t bucket(const struct defrag *d, const struct packet *p)
{
	uint64_t h = d->seed ^ ((uint64_t)p->frag_id << 8 | p->frag_nh) ^
		     (uint64_t)p->src.family << 40;
	size_t n = p->src.family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p->src.a[i]) * 0x100000001b3ull;
		h = (h ^ p->dst.a[i]) * 0x100000001b3ull;
	}
	h ^= h >> 31;
	return (size_t)(h & (DEFRAG_BUCKETS - 1));
}

static bool ctx_is(const struct defrag_ctx *c, const struct packet *p)
{
	return c->id == p->frag_id && c->proto == p->frag_nh &&
	       c->src.family == p->src.family && !memcmp(c->src.a, p->src.a, 16) &&
	       !memcmp(c->dst.a, p->dst.a, 16);
}

/* the data of a context, not the context: what a dead one gives back */
static void ctx_clear(struct defrag *d, struct defrag_ctx *c)
{
	for (uint32_t i = 0; i < c->npieces; i++)
		free(c->pieces[i].data);
	free(c->pieces);
	free(c->hdr);
	c->pieces = NULL;
	c->hdr = NULL;
	c->npieces = c->cap = 0;
	d->mem -= c->mem - sizeof(*c);
	c->mem = sizeof(*c);
}

static void ctx_free(struct defrag *d, struct defrag_ctx *c, size_t b)
{
	struct defrag_ctx **pp = &d->ht[b];
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	if (c->older)
		c->older->newer = c->newer;
	else
		d->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		d->newest = c->older;
	ctx_clear(d, c);
	d->mem -= sizeof(*c);
	free(c);
}

static size_t ctx_bucket(const struct defrag *d, const struct defrag_ctx *c)
{
	struct packet k = { .src = c->src, .dst = c->dst, .frag_id = c->id, .frag_nh = c->proto };
	return bucket(d, &k);
}

static bool expired(const struct defrag_ctx *c, uint64_t now, uint32_t timeout)
{
	return now > c->first_usec && now - c->first_usec > (uint64_t)timeout * 1000000ull;
}

void defrag_expire(struct defrag *d, uint64_t now, uint32_t timeout, bool all,
		   struct snet_inspect_stats *st)
{
	/* oldest first: with packet times in order, the first one still
	 * young ends the walk */
	while (d->oldest && (all || expired(d->oldest, now, timeout))) {
		struct defrag_ctx *c = d->oldest;
		if (!c->dead)
			st->defrag_timeouts++;
		ctx_free(d, c, ctx_bucket(d, c));
	}
}

void defrag_free(struct defrag *d)
{
	while (d->oldest) {
		struct defrag_ctx *c = d->oldest;
		ctx_free(d, c, ctx_bucket(d, c));
	}
	free(d->ht);
	free(d->out);
	memset(d, 0, sizeof(*d));
}

static bool room(struct defrag *d, uint64_t add, uint64_t now, uint32_t timeout, uint64_t memcap,
		 struct snet_inspect_stats *st)
{
	if (d->mem + add <= memcap)
		return true;
	defrag_expire(d, now, timeout, false, st);
	return d->mem + add <= memcap;
}

/* dropped from reassembly: its data freed, its later fragments ignored */
static void drop_datagram(struct defrag *d, struct defrag_ctx *c)
{
	ctx_clear(d, c);
	c->dead = true;
}

static struct defrag_ctx *ctx_new(struct defrag *d, const struct packet *p, size_t b,
				  uint64_t now)
{
	struct defrag_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->src = p->src;
	c->dst = p->dst;
	c->proto = p->frag_nh;
	c->id = p->frag_id;
	c->first_usec = now;
	c->mem = sizeof(*c);
	d->mem += c->mem;
	c->hnext = d->ht[b];
	d->ht[b] = c;
	c->older = d->newest;
	if (d->newest)
		d->newest->newer = c;
	else
		d->oldest = c;
	d->newest = c;
	return c;
}

/*
 * Put [o, e) of data (src) into the gaps of c.  Returns 0, or -ENOMEM
 * (nothing changed) when memory is refused.
 */
static int fill(struct defrag *d, struct defrag_ctx *c, uint32_t o, uint32_t e,
		const uint8_t *src, uint64_t now, uint32_t timeout, uint64_t memcap,
		struct snet_inspect_stats *st)
{
	/* first the gaps, and what it overlaps */
	uint32_t cur = o, nnew = 0;
	uint64_t bytes = 0;
	bool overlap = false, conflict = false;
	for (uint32_t i = 0; i < c->npieces; i++) {
		const struct piece *pc = &c->pieces[i];
		uint32_t pe = pc->off + pc->len;
		if (pe <= o)
			continue;
		if (pc->off >= e)
			break;
		if (pc->off > cur) {
			nnew++;
			bytes += pc->off - cur;
		}
		uint32_t s = pc->off > o ? pc->off : o, t = pe < e ? pe : e;
		overlap = true;
		if (memcmp(pc->data + (s - pc->off), src + (s - o), t - s))
			conflict = true;
		if (pe > cur)
			cur = pe;
	}
	if (cur < e) {
		nnew++;
		bytes += e - cur;
	}
	st->defrag_overlaps += overlap;
	st->defrag_overlap_conflicts += conflict;
	if (!nnew)
		return 0;
	/* a fragment fills at most one gap more than the regions held, and
	 * there are no more regions than fragments: never past this */
	struct piece fresh[DEFRAG_MAX_FRAGS + 2];
	if (nnew > sizeof(fresh) / sizeof(fresh[0]))
		return -ENOMEM;
	uint32_t cap = c->cap;
	while (cap < c->npieces + nnew)
		cap = cap ? cap * 2 : 4;
	uint64_t add = bytes + (uint64_t)(cap - c->cap) * sizeof(struct piece);
	if (!room(d, add, now, timeout, memcap, st))
		return -ENOMEM;
	if (cap != c->cap) {
		struct piece *np = realloc(c->pieces, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		c->pieces = np;
		c->mem += (size_t)(cap - c->cap) * sizeof(*np);
		d->mem += (uint64_t)(cap - c->cap) * sizeof(*np);
		c->cap = cap;
	}
	/* the new pieces, each merged into its place (the list is sorted) */
	uint32_t k = 0;
	cur = o;
	for (uint32_t i = 0; i <= c->npieces && cur < e; i++) {
		uint32_t po = i < c->npieces ? c->pieces[i].off : e;
		uint32_t pe = i < c->npieces ? po + c->pieces[i].len : e;
		if (pe <= cur)
			continue;
		uint32_t gap_end = po < e ? po : e;
		if (gap_end > cur) {
			uint8_t *buf = malloc(gap_end - cur);
			if (!buf) {
				for (uint32_t j = 0; j < k; j++)
					free(fresh[j].data);
				return -ENOMEM;
			}
			memcpy(buf, src + (cur - o), gap_end - cur);
			fresh[k++] = (struct piece){ cur, gap_end - cur, buf };
		}
		if (pe > cur)
			cur = pe;
	}
	/* merge from the back: both lists are sorted and disjoint */
	uint32_t i = c->npieces, j = k, w = c->npieces + k;
	while (j) {
		if (i && c->pieces[i - 1].off > fresh[j - 1].off)
			c->pieces[--w] = c->pieces[--i];
		else
			c->pieces[--w] = fresh[--j];
	}
	c->npieces += k;
	c->mem += bytes;
	d->mem += bytes;
	return 0;
}

static uint16_t ip_csum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* every byte of [0, end) held, and the header */
static bool complete(const struct defrag_ctx *c)
{
	if (!c->last_seen || !c->hdr)
		return false;
	uint32_t cur = 0;
	for (uint32_t i = 0; i < c->npieces && cur < c->end; i++) {
		if (c->pieces[i].off > cur)
			return false;
		cur = c->pieces[i].off + c->pieces[i].len;
	}
	return cur >= c->end;
}

/* the whole datagram into d->out; its length, or 0 (counted, *why set) */
static size_t build(struct defrag *d, const struct defrag_ctx *c, struct snet_inspect_stats *st,
		    const char **why)
{
	bool v4 = c->src.family == AF_INET;
	/* IPv4: total length; IPv6: payload length */
	uint64_t l = (uint64_t)c->hlen - (v4 ? 0 : 40) + c->end;
	if (l > DEFRAG_MAX_LEN) {
		st->defrag_too_large++;
		*why = "datagram longer than 65535 bytes";
		return 0;
	}
	if (!d->out && !(d->out = malloc(DEFRAG_OUT_MAX))) {
		st->defrag_memcap++;
		*why = "no memory for the datagram";
		return 0;
	}
	uint8_t *o = d->out;
	memcpy(o, c->hdr, c->hlen);
	for (uint32_t i = 0; i < c->npieces && c->pieces[i].off < c->end; i++) {
		const struct piece *pc = &c->pieces[i];
		uint32_t n = pc->off + pc->len > c->end ? c->end - pc->off : pc->len;
		memcpy(o + c->hlen + pc->off, pc->data, n);
	}
	if (v4) {
		o[2] = (uint8_t)(l >> 8);
		o[3] = (uint8_t)l;
		o[6] &= 0xc0;	/* reserved and DF stay; MF and the offset go */
		o[7] = 0;
		o[10] = o[11] = 0;
		uint16_t cs = ip_csum(o, c->hlen);
		o[10] = (uint8_t)(cs >> 8);
		o[11] = (uint8_t)cs;
	} else {
		o[4] = (uint8_t)(l >> 8);
		o[5] = (uint8_t)l;
		o[c->nhoff] = c->proto;	/* the fragment header is gone */
	}
	return (size_t)(c->hlen + c->end);
}

int defrag_add(struct defrag *d, const struct packet *p, uint64_t now, uint64_t memcap,
	       uint32_t timeout, struct snet_inspect_stats *st, const uint8_t **dg,
	       size_t *dglen, const char **why)
{
	*why = NULL;
	uint32_t o = p->frag_off;
	size_t len = p->frag_len;
	if (!len) {
		st->defrag_invalid++;
		*why = "empty fragment";
		return 0;
	}
	if (p->frag_more && len % 8) {
		st->defrag_invalid++;
		*why = "fragment length not a multiple of 8";
		return 0;
	}
	if (!d->ht) {
		d->ht = calloc(DEFRAG_BUCKETS, sizeof(*d->ht));
		if (!d->ht) {
			st->defrag_memcap++;
			*why = "no memory for fragments";
			return 0;
		}
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		d->seed = ((uint64_t)t.tv_nsec << 32 ^ (uint64_t)t.tv_sec ^ (uintptr_t)d) *
			  0x9e3779b97f4a7c15ull;
	}
	size_t b = bucket(d, p);
	struct defrag_ctx *c = d->ht[b];
	while (c && !ctx_is(c, p))
		c = c->hnext;
	if (c && expired(c, now, timeout)) {
		/* the periodic expiry has not come by yet */
		if (!c->dead)
			st->defrag_timeouts++;
		ctx_free(d, c, b);
		c = NULL;
	}
	if (c && c->dead)
		return 0;
	if (!c) {
		if (!room(d, sizeof(*c), now, timeout, memcap, st) ||
		    !(c = ctx_new(d, p, b, now))) {
			st->defrag_memcap++;
			*why = "fragment memory cap (defrag-memcap)";
			return 0;
		}
	}
	/* the datagram's length limit, with this fragment's header */
	uint64_t e = (uint64_t)o + len;
	uint64_t hl = p->src.family == AF_INET ? p->frag_hoff : p->frag_hoff - 40;
	if (e + hl > DEFRAG_MAX_LEN) {
		st->defrag_too_large++;
		*why = "datagram longer than 65535 bytes";
		drop_datagram(d, c);
		return 0;
	}
	if (c->nfrags == DEFRAG_MAX_FRAGS) {
		st->defrag_too_large++;
		*why = "more than 256 fragments";
		drop_datagram(d, c);
		return 0;
	}
	c->nfrags++;
	const uint8_t *src = p->frag_data;
	if (!p->frag_more) {
		/* the first last fragment decides the length */
		uint32_t held = c->npieces ? c->pieces[c->npieces - 1].off +
					     c->pieces[c->npieces - 1].len : 0;
		if ((c->last_seen && c->end != e) || held > e)
			st->defrag_overlap_conflicts++;
		if (!c->last_seen) {
			c->last_seen = true;
			c->end = (uint32_t)e;
		}
	}
	if (c->last_seen && e > c->end) {
		st->defrag_overlap_conflicts++;
		e = c->end;		/* bytes past the end are not the datagram's */
	}
	if (o == 0 && !c->hdr) {
		if (!room(d, p->frag_hoff, now, timeout, memcap, st) ||
		    !(c->hdr = malloc(p->frag_hoff))) {
			st->defrag_memcap++;
			*why = "fragment memory cap (defrag-memcap)";
			drop_datagram(d, c);
			return 0;
		}
		memcpy(c->hdr, p->data, p->frag_hoff);
		c->hlen = p->frag_hoff;
		c->nhoff = p->frag_nhoff;
		c->mem += c->hlen;
		d->mem += c->hlen;
	}
	if (o < e && fill(d, c, o, (uint32_t)e, src, now, timeout, memcap, st)) {
		st->defrag_memcap++;
		*why = "fragment memory cap (defrag-memcap)";
		drop_datagram(d, c);
		return 0;
	}
	if (!complete(c))
		return 0;
	size_t n = build(d, c, st, why);
	ctx_free(d, c, b);
	if (!n)
		return 0;
	*dg = d->out;
	*dglen = n;
	return 1;
}
