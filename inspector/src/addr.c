// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address and port expressions of rule headers: any, CIDR, ranges, lists
 * in [], negation with !, and $VARIABLES from the configuration.
 * A list matches what its positive items match (anything when it has
 * none), minus what its negated items match: Suricata's meaning.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_VAR_DEPTH 16

struct pstate {
	const struct snet_inspect_config *cfg;
	const char *s;
	char *err;
	size_t errlen;
	int depth;
	bool port;
};

static void *node_new(bool port)
{
	return calloc(1, port ? sizeof(struct port_node) : sizeof(struct addr_node));
}

static void skip_ws(struct pstate *ps)
{
	while (isspace((unsigned char)*ps->s))
		ps->s++;
}

static void *parse_expr(struct pstate *ps);

static int list_add(struct pstate *ps, void *list, void *item)
{
	void ***items;
	size_t *n;
	if (ps->port) {
		items = (void ***)&((struct port_node *)list)->items;
		n = &((struct port_node *)list)->nitems;
	} else {
		items = (void ***)&((struct addr_node *)list)->items;
		n = &((struct addr_node *)list)->nitems;
	}
	void **v = realloc(*items, (*n + 1) * sizeof(void *));
	if (!v)
		return -ENOMEM;
	v[(*n)++] = item;
	*items = v;
	return 0;
}

static void node_free(bool port, void *n)
{
	if (port)
		port_free(n);
	else
		addr_free(n);
}

static void prefix_to_range(struct addr_node *n, unsigned bits, unsigned plen)
{
	n->hi = n->lo;
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (i >= plen) {
			n->lo.a[byte] &= (uint8_t)~(1u << bit);
			n->hi.a[byte] |= (uint8_t)(1u << bit);
		}
	}
}

static int parse_ip(const char *txt, struct ip_addr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, txt, ip->a) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, txt, ip->a) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void *parse_atom(struct pstate *ps, const char *tok)
{
	if (!strcmp(tok, "any")) {
		struct addr_node *n = node_new(ps->port);
		if (n)
			n->kind = AN_ANY;
		return n;
	}
	if (tok[0] == '$') {
		const char *val = config_var(ps->cfg, tok + 1);
		if (!val) {
			snprintf(ps->err, ps->errlen, "undefined variable '%s'", tok);
			return NULL;
		}
		if (ps->depth >= MAX_VAR_DEPTH) {
			snprintf(ps->err, ps->errlen,
				 "variable '%s' nests too deep (a loop?)", tok);
			return NULL;
		}
		struct pstate sub = *ps;
		sub.s = val;
		sub.depth++;
		void *n = parse_expr(&sub);
		if (!n)
			return NULL;
		skip_ws(&sub);
		if (*sub.s) {
			node_free(ps->port, n);
			snprintf(ps->err, ps->errlen,
				 "variable '%s' has trailing text '%s'", tok, sub.s);
			return NULL;
		}
		return n;
	}
	if (ps->port) {
		struct port_node *n = node_new(true);
		if (!n)
			return NULL;
		n->kind = AN_RANGE;
		char *end;
		const char *p = tok;
		long lo = 0, hi = 65535;
		if (*p != ':') {
			lo = strtol(p, &end, 10);
			if (end == p || lo < 0 || lo > 65535)
				goto bad_port;
			p = end;
		}
		if (*p == ':') {
			p++;
			if (*p) {
				hi = strtol(p, &end, 10);
				if (end == p || hi < 0 || hi > 65535)
					goto bad_port;
				p = end;
			}
		} else {
			hi = lo;
		}
		if (*p || lo > hi)
			goto bad_port;
		n->lo = (uint16_t)lo;
		n->hi = (uint16_t)hi;
		return n;
bad_port:
		free(n);
		snprintf(ps->err, ps->errlen, "bad port '%s'", tok);
		return NULL;
	}
	struct addr_node *n = node_new(false);
	if (!n)
		return NULL;
	n->kind = AN_RANGE;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", tok);
	char *slash = strchr(buf, '/');
	char *dash = strchr(buf, '-');
	if (slash) {
		*slash = 0;
		char *end;
		long plen = strtol(slash + 1, &end, 10);
		if (parse_ip(buf, &n->lo) || *end || end == slash + 1 || plen < 0)
			goto bad_addr;
		unsigned bits = n->lo.family == AF_INET ? 32 : 128;
		if (plen > (long)bits) {
			/* a v4 netmask written as a.b.c.d */
			goto bad_addr;
		}
		prefix_to_range(n, bits, (unsigned)plen);
	} else if (dash) {
		*dash = 0;
		if (parse_ip(buf, &n->lo) || parse_ip(dash + 1, &n->hi) ||
		    n->lo.family != n->hi.family ||
		    memcmp(n->lo.a, n->hi.a, 16) > 0)
			goto bad_addr;
	} else {
		if (parse_ip(buf, &n->lo))
			goto bad_addr;
		n->hi = n->lo;
	}
	return n;
bad_addr:
	free(n);
	snprintf(ps->err, ps->errlen, "bad address '%s'", tok);
	return NULL;
}

static void *parse_expr(struct pstate *ps)
{
	skip_ws(ps);
	bool neg = false;
	while (*ps->s == '!') {
		neg = !neg;
		ps->s++;
		skip_ws(ps);
	}
	void *n;
	if (*ps->s == '[') {
		ps->s++;
		n = node_new(ps->port);
		if (!n)
			return NULL;
		((struct addr_node *)n)->kind = AN_LIST;
		if (ps->port)
			((struct port_node *)n)->kind = AN_LIST;
		for (;;) {
			void *item = parse_expr(ps);
			if (!item) {
				node_free(ps->port, n);
				return NULL;
			}
			if (list_add(ps, n, item)) {
				node_free(ps->port, item);
				node_free(ps->port, n);
				return NULL;
			}
			skip_ws(ps);
			if (*ps->s == ',') {
				ps->s++;
				continue;
			}
			if (*ps->s == ']') {
				ps->s++;
				break;
			}
			snprintf(ps->err, ps->errlen, "expected ',' or ']' at '%.20s'",
				 ps->s);
			node_free(ps->port, n);
			return NULL;
		}
	} else {
		const char *start = ps->s;
		while (*ps->s && *ps->s != ',' && *ps->s != ']' &&
		       *ps->s != '[' && !isspace((unsigned char)*ps->s))
			ps->s++;
		if (ps->s == start) {
			snprintf(ps->err, ps->errlen, "empty %s",
				 ps->port ? "port" : "address");
			return NULL;
		}
		char tok[128];
		size_t len = (size_t)(ps->s - start);
		if (len >= sizeof(tok)) {
			snprintf(ps->err, ps->errlen, "%s too long",
				 ps->port ? "port" : "address");
			return NULL;
		}
		memcpy(tok, start, len);
		tok[len] = 0;
		n = parse_atom(ps, tok);
		if (!n)
			return NULL;
	}
	if (neg) {
		if (ps->port)
			((struct port_node *)n)->negated ^= true;
		else
			((struct addr_node *)n)->negated ^= true;
	}
	return n;
}

static int parse_top(const struct snet_inspect_config *cfg, const char *s,
		     void **out, char *err, size_t errlen, bool port)
{
	char dummy[8];
	struct pstate ps = { cfg, s, err ? err : dummy, err ? errlen : sizeof(dummy),
			     0, port };
	ps.err[0] = 0;
	void *n = parse_expr(&ps);
	if (!n) {
		if (!ps.err[0])
			snprintf(ps.err, ps.errlen, "out of memory");
		return -EINVAL;
	}
	skip_ws(&ps);
	if (*ps.s) {
		snprintf(ps.err, ps.errlen, "trailing text '%s'", ps.s);
		node_free(port, n);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

int addr_parse(const struct snet_inspect_config *cfg, const char *s,
	       struct addr_node **out, char *err, size_t errlen)
{
	return parse_top(cfg, s, (void **)out, err, errlen, false);
}

int port_parse(const struct snet_inspect_config *cfg, const char *s,
	       struct port_node **out, char *err, size_t errlen)
{
	return parse_top(cfg, s, (void **)out, err, errlen, true);
}

/* memcmp(a, b, 16) <= 0 of two addresses, as two big-endian words: every
 * flow's header memos call this for each range of a rule's address list */
static inline bool addr_le(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	a0 = be64toh(a0);
	b0 = be64toh(b0);
	return a0 != b0 ? a0 < b0 : be64toh(a1) <= be64toh(b1);
}

static bool addr_match_inner(const struct addr_node *n, const struct ip_addr *ip)
{
	switch (n->kind) {
	case AN_ANY:
		return true;
	case AN_RANGE:
		return n->lo.family == ip->family && addr_le(n->lo.a, ip->a) &&
		       addr_le(ip->a, n->hi.a);
	case AN_LIST: {
		bool any_pos = false, pos_hit = false;
		for (size_t i = 0; i < n->nitems; i++) {
			const struct addr_node *it = n->items[i];
			if (it->negated) {
				if (addr_match_inner(it, ip))
					return false;
			} else {
				any_pos = true;
				if (!pos_hit && addr_match_inner(it, ip))
					pos_hit = true;
			}
		}
		return !any_pos || pos_hit;
	}
	}
	return false;
}

bool addr_match(const struct addr_node *n, const struct ip_addr *ip)
{
	bool m = addr_match_inner(n, ip);
	return n->negated ? !m : m;
}

static bool port_match_inner(const struct port_node *n, uint16_t port)
{
	switch (n->kind) {
	case AN_ANY:
		return true;
	case AN_RANGE:
		return port >= n->lo && port <= n->hi;
	case AN_LIST: {
		bool any_pos = false, pos_hit = false;
		for (size_t i = 0; i < n->nitems; i++) {
			const struct port_node *it = n->items[i];
			if (it->negated) {
				if (port_match_inner(it, port))
					return false;
			} else {
				any_pos = true;
				if (!pos_hit && port_match_inner(it, port))
					pos_hit = true;
			}
		}
		return !any_pos || pos_hit;
	}
	}
	return false;
}

bool port_match(const struct port_node *n, uint16_t port)
{
	bool m = port_match_inner(n, port);
	return n->negated ? !m : m;
}

/*
 * How an expression covers a set H made of ranges (HOME_NET) and its
 * complement.  Inside H: which of H's ranges it covers fully and which it
 * may touch (one bit each); outside: NONE, SOME or ALL.  The answers may
 * err only towards "some": full never claims too much, part too little.
 */
#define HOME_RANGES_MAX 64
struct home {
	const struct addr_node *r[HOME_RANGES_MAX];
	unsigned n;
};
enum { RG_NONE, RG_SOME, RG_ALL };
struct region {
	uint64_t full, part;
	uint8_t out;
};

static bool home_ranges(const struct addr_node *h, struct home *o)
{
	if (h->negated || h->kind == AN_ANY)
		return false;
	if (h->kind == AN_RANGE) {
		if (o->n == HOME_RANGES_MAX)
			return false;
		o->r[o->n++] = h;
		return true;
	}
	if (!h->nitems)
		return false;
	for (size_t i = 0; i < h->nitems; i++)
		if (!home_ranges(h->items[i], o))
			return false;
	return true;
}

static uint8_t rg_union(uint8_t a, uint8_t b)
{
	return a == RG_ALL || b == RG_ALL ? RG_ALL : a == RG_NONE && b == RG_NONE ? RG_NONE : RG_SOME;
}

static uint8_t rg_inter(uint8_t a, uint8_t b)
{
	return a == RG_NONE || b == RG_NONE ? RG_NONE : a == RG_ALL && b == RG_ALL ? RG_ALL : RG_SOME;
}

static struct region rg_not(struct region a, uint64_t all)
{
	struct region r = { all & ~a.part, all & ~a.full, (uint8_t)(RG_ALL - a.out) };
	return r;
}

/* the region of n without its own negation (addr_match_inner's meaning) */
static struct region region_inner(const struct addr_node *n, const struct home *h, uint64_t all)
{
	struct region r = { all, all, RG_ALL };
	switch (n->kind) {
	case AN_ANY:
		break;
	case AN_RANGE:
		r.full = r.part = 0;
		r.out = RG_SOME;
		for (unsigned i = 0; i < h->n; i++) {
			const struct addr_node *x = h->r[i];
			if (x->lo.family != n->lo.family)
				continue;
			if (memcmp(n->hi.a, x->lo.a, 16) >= 0 && memcmp(n->lo.a, x->hi.a, 16) <= 0)
				r.part |= 1ull << i;
			if (memcmp(n->lo.a, x->lo.a, 16) <= 0 && memcmp(x->hi.a, n->hi.a, 16) <= 0)
				r.full |= 1ull << i;
			if (memcmp(x->lo.a, n->lo.a, 16) <= 0 && memcmp(n->hi.a, x->hi.a, 16) <= 0)
				r.out = RG_NONE;	/* within one range of H */
		}
		break;
	case AN_LIST: {
		struct region pos = { 0, 0, RG_NONE }, neg = { 0, 0, RG_NONE };
		bool any_pos = false;
		for (size_t i = 0; i < n->nitems; i++) {
			struct region x = region_inner(n->items[i], h, all);
			struct region *u = n->items[i]->negated ? &neg : &pos;
			any_pos |= !n->items[i]->negated;
			u->full |= x.full;
			u->part |= x.part;
			u->out = rg_union(u->out, x.out);
		}
		if (!any_pos)
			pos = r;
		neg = rg_not(neg, all);
		r.full = pos.full & neg.full;
		r.part = pos.part & neg.part;
		r.out = rg_inter(pos.out, neg.out);
		break;
	}
	}
	return r;
}

unsigned addr_home_reach(const struct addr_node *n, const struct addr_node *h)
{
	struct home hr = { .n = 0 };
	if (!h || !home_ranges(h, &hr))
		return 3;
	uint64_t all = hr.n == 64 ? ~0ull : (1ull << hr.n) - 1;
	struct region r = region_inner(n, &hr, all);
	if (n->negated)
		r = rg_not(r, all);
	return (r.part != 0) | (unsigned)(r.out != RG_NONE) << 1;
}

void addr_free(struct addr_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nitems; i++)
		addr_free(n->items[i]);
	free(n->items);
	free(n);
}

void port_free(struct port_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nitems; i++)
		port_free(n->items[i]);
	free(n->items);
	free(n);
}

/*
 * Interning: a rule set has few distinct header expressions ($HOME_NET,
 * any, $HTTP_PORTS...) used by thousands of rules.  Each is parsed once,
 * shared by its rules and numbered, so a worker can remember per packet
 * what an expression gave instead of evaluating it for every candidate.
 */
static uint64_t text_hash(const char *s, bool port)
{
	uint64_t h = port ? 0x9e3779b97f4a7c15ull : 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static int table_grow(struct hdr_table *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 256;
	uint32_t *slots = malloc(ns * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, ns * sizeof(*slots));
	for (size_t i = 0; i < t->n; i++) {
		size_t k = (size_t)text_hash(t->v[i].text, t->v[i].port) & (ns - 1);
		while (slots[k] != UINT32_MAX)
			k = (k + 1) & (ns - 1);
		slots[k] = (uint32_t)i;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return 0;
}

static int intern(struct hdr_table *t, const struct snet_inspect_config *cfg, const char *text,
		  bool port, void **node, uint32_t *id, char *err, size_t errlen)
{
	if ((t->n + 1) * 2 > t->nslots) {
		int rc = table_grow(t);
		if (rc)
			return rc;
	}
	size_t k = (size_t)text_hash(text, port) & (t->nslots - 1);
	for (; t->slots[k] != UINT32_MAX; k = (k + 1) & (t->nslots - 1)) {
		const struct hdr_entry *e = &t->v[t->slots[k]];
		if (e->port == port && !strcmp(e->text, text)) {
			*node = e->node;
			*id = e->id;
			return 0;
		}
	}
	void *n;
	int rc = parse_top(cfg, text, &n, err, errlen, port);
	if (rc)
		return rc;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct hdr_entry *v = realloc(t->v, cap * sizeof(*v));
		if (!v) {
			node_free(port, n);
			return -ENOMEM;
		}
		t->v = v;
		t->cap = cap;
	}
	struct hdr_entry *e = &t->v[t->n];
	e->text = strdup(text);
	if (!e->text) {
		node_free(port, n);
		return -ENOMEM;
	}
	e->port = port;
	e->node = n;
	e->id = port ? t->nport++ : t->naddr++;
	t->slots[k] = (uint32_t)t->n++;
	*node = n;
	*id = e->id;
	return 0;
}

int hdr_intern_addr(struct hdr_table *t, const struct snet_inspect_config *cfg, const char *s,
		    struct addr_node **out, uint32_t *id, char *err, size_t errlen)
{
	return intern(t, cfg, s, false, (void **)out, id, err, errlen);
}

int hdr_intern_port(struct hdr_table *t, const struct snet_inspect_config *cfg, const char *s,
		    struct port_node **out, uint32_t *id, char *err, size_t errlen)
{
	return intern(t, cfg, s, true, (void **)out, id, err, errlen);
}

void hdr_table_free(struct hdr_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		node_free(t->v[i].port, t->v[i].node);
		free(t->v[i].text);
	}
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
