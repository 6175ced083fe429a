// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hyperscan prefilter databases: one database per (buffer, direction, L4
 * protocol, or for application buffers event and home class: db_subkey),
 * holding the fast pattern of every rule that inspects that
 * buffer (a literal, or for a rule with no content its first pcre in
 * HS_FLAG_PREFILTER mode).  A match only makes the rule a candidate:
 * worker.c verifies it completely.  Buffers are scanned in block mode,
 * except the raw TCP stream: its databases are in streaming mode, so each
 * byte of a stream is scanned once and a pattern split over any number of
 * segments is found, with its end offset counted from the stream start.
 *
 * Compiled databases are cached with hs_serialize_database() in
 * cache-dir/snet-<sha256>.hsdb, keyed by every compile input, the
 * Hyperscan version and the CPU's features.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "internal.h"

int db_subkey(enum buf_id buf, int slot, enum phase ph, unsigned home_class)
{
	if (buf == BUF_PAYLOAD)
		return slot;
	if (buf == BUF_STREAM || PKT_HDR_BUFS >> buf & 1)
		return 0;
	return (ph == PH_REQ_BODY || ph == PH_RESP_BODY) | (int)home_class << 1;
}

int l4_slot(uint8_t ipproto)
{
	switch (ipproto) {
	case IPPROTO_TCP: return 0;
	case IPPROTO_UDP: return 1;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: return 2;
	default: return 3;
	}
}

int idlist_add(struct idlist *l, uint32_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint32_t *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = id;
	return 0;
}

/* a rule refused in several home classes' databases is listed once */
static int idlist_add_once(struct idlist *l, uint32_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 0;
	return idlist_add(l, id);
}

/* one database to build: its patterns, in the order of ids */
struct group {
	enum buf_id buf;
	uint8_t dir, slot;
	struct idlist ids;
	char **exprs;
	unsigned *flags;
	hs_expr_ext_t *ext;	/* offset bounds; flags 0: none */
	size_t cap;
};

struct groups {
	struct group *v;
	size_t n;
};

static struct group *group_get(struct groups *gs, enum buf_id buf, uint8_t dir,
			       uint8_t slot)
{
	for (size_t i = 0; i < gs->n; i++)
		if (gs->v[i].buf == buf && gs->v[i].dir == dir && gs->v[i].slot == slot)
			return &gs->v[i];
	struct group *v = realloc(gs->v, (gs->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	gs->v = v;
	memset(&v[gs->n], 0, sizeof(v[0]));
	v[gs->n].buf = buf;
	v[gs->n].dir = dir;
	v[gs->n].slot = slot;
	return &v[gs->n++];
}

static int group_add(struct group *g, uint32_t id, char *expr, unsigned flags,
		     const hs_expr_ext_t *ext)
{
	if (g->ids.n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		char **e = realloc(g->exprs, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		g->exprs = e;
		unsigned *f = realloc(g->flags, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		g->flags = f;
		hs_expr_ext_t *x = realloc(g->ext, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		g->ext = x;
		g->cap = cap;
	}
	g->exprs[g->ids.n] = expr;
	g->flags[g->ids.n] = flags;
	g->ext[g->ids.n] = *ext;
	return idlist_add(&g->ids, id);
}

/*
 * Where a fast pattern with offset/depth can end, counted from the start
 * of its buffer (of the stream, for raw-stream rules): Hyperscan then does
 * not report it elsewhere.  Only a non-relative content has such bounds.
 */
static hs_expr_ext_t fp_bounds(const struct sm *m)
{
	hs_expr_ext_t x = { 0 };
	uint32_t fl = m->flags;
	/* SMF_VARS: offset or depth from a byte_extract variable */
	if (fl & (SMF_RELATIVE | SMF_NEGATED | SMF_ENDSWITH | SMF_VARS))
		return x;
	uint64_t len = m->u.content.len;
	/* the hit ends where the (chopped) pattern ends inside the content */
	uint64_t tail = m->u.content.has_chop ?
			(uint64_t)m->u.content.fp_chop_off + m->u.content.fp_chop_len : len;
	if (fl & SMF_STARTSWITH) {
		x.flags = HS_EXT_FLAG_MIN_OFFSET | HS_EXT_FLAG_MAX_OFFSET;
		x.min_offset = x.max_offset = tail;
		return x;
	}
	uint64_t off = (fl & SMF_HAS_OFFSET) && m->u.content.offset > 0 ?
		       (uint64_t)m->u.content.offset : 0;
	if (off) {
		x.flags |= HS_EXT_FLAG_MIN_OFFSET;
		x.min_offset = off + tail;
	}
	if ((fl & SMF_HAS_DEPTH) && (uint64_t)m->u.content.depth >= len) {
		x.flags |= HS_EXT_FLAG_MAX_OFFSET;
		x.max_offset = off + (uint64_t)m->u.content.depth - len + tail;
	}
	return x;
}

static void groups_free(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		for (size_t j = 0; j < gs->v[i].ids.n; j++)
			free(gs->v[i].exprs[j]);
		free(gs->v[i].exprs);
		free(gs->v[i].flags);
		free(gs->v[i].ext);
		free(gs->v[i].ids.v);
	}
	free(gs->v);
}

static char *literal_expr(const uint8_t *b, size_t n)
{
	char *e = malloc(n * 4 + 1);
	if (!e)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sprintf(e + i * 4, "\\x%02x", b[i]);
	e[n * 4] = 0;
	return e;
}

/*
 * Offset bounds go to Hyperscan for the packet payload and the raw stream
 * only.  In the block-mode buffers of HTTP, DNS and TLS bounded literals
 * cost Hyperscan more per scan than the hits they save (http.uri and
 * http.user_agent: 2,000-2,800 cycles a call with them, about 1,500
 * without; a response body 4,300-5,000 against 3,700); there the worker
 * drops a hit past the largest end (prefilter_db.max_end) and verification
 * checks the rest, as it does for every candidate.
 */
static bool hs_bounds(enum buf_id buf)
{
	return buf == BUF_PAYLOAD || buf == BUF_STREAM;
}

/* the Hyperscan expression of a literal fast pattern of a list with
 * transforms xf (NULL: none); adds to *flags */
static char *fp_literal(const struct sm *fp, const struct xform_chain *xf, enum buf_id buf,
			unsigned *flags, hs_expr_ext_t *ext)
{
	const uint8_t *b = fp->u.content.bytes;
	size_t n = fp->u.content.len;
	bool nocase = fp->flags & SMF_NOCASE;
	if (fp->u.content.has_chop) {
		b += fp->u.content.fp_chop_off;
		n = fp->u.content.fp_chop_len;
	}
	/* the buffer is scanned as it came: what its transforms allow
	 * (choose_fast_pattern took a content that has such a literal) */
	if (xf && !xform_prefilter(xf, &b, &n, &nocase))
		return NULL;
	if (nocase)
		*flags |= HS_FLAG_CASELESS;
	if (hs_bounds(buf))
		*ext = fp_bounds(fp);
	else
		memset(ext, 0, sizeof(*ext));
	return literal_expr(b, n);
}

/*
 * The home classes (db_subkey) whose flow sides a rule's addresses can
 * match: without a usable HOME_NET there is one class, 0.
 */
static unsigned home_classes(const struct rule *r, const struct addr_node *home,
			     uint8_t *out)
{
	if (!home) {
		out[0] = 0;
		return 1;
	}
	unsigned s = addr_home_reach(r->src, home), d = addr_home_reach(r->dst, home), n = 0;
	for (unsigned c = 0; c < 4; c++) {
		/* reach bit 0: inside HOME_NET, bit 1: outside */
		unsigned src_bit = c & 1 ? 1 : 2, dst_bit = c & 2 ? 1 : 2;
		if ((s & src_bit && d & dst_bit) || (r->bidir && s & dst_bit && d & src_bit))
			out[n++] = (uint8_t)c;
	}
	return n;
}

/*
 * The databases a rule's fast pattern goes into, in direction dir: for the
 * packet payload, the L4 slots of its protocol; for the raw stream and the
 * packet's headers 0; for
 * other buffers, the sub-keys of its event and home classes (db_subkey).
 */
static unsigned rule_slots(const struct rule *r, enum buf_id buf, uint8_t dir,
			   const struct addr_node *home, uint8_t *slots)
{
	if (buf == BUF_STREAM || PKT_HDR_BUFS >> buf & 1) {
		slots[0] = 0;
		return 1;
	}
	if (buf != BUF_PAYLOAD) {
		uint8_t cls[4];
		unsigned n = home_classes(r, home, cls);
		for (unsigned i = 0; i < n; i++)
			slots[i] = (uint8_t)db_subkey(buf, 0, dir == DIR_TO_SERVER ? r->phase_ts :
						      r->phase_tc, cls[i]);
		return n;
	}
	/* ip_proto:N never matches a packet of another protocol */
	if (r->ip_proto >= 0) {
		int s = l4_slot((uint8_t)r->ip_proto);
		bool ok = r->proto == RP_IP || (s == 0 && (r->proto == RP_TCP || r->proto == RP_HTTP ||
			  r->proto == RP_TLS || r->proto == RP_DNS)) ||
			  (s == 1 && (r->proto == RP_UDP || r->proto == RP_DNS)) ||
			  (s == 2 && r->proto == RP_ICMP);
		slots[0] = (uint8_t)s;
		return ok ? 1 : 0;
	}
	unsigned n;
	switch (r->proto) {
	case RP_TCP: case RP_HTTP: case RP_TLS: slots[0] = 0; n = 1; break;
	case RP_UDP: slots[0] = 1; n = 1; break;
	case RP_DNS: slots[0] = 0; slots[1] = 1; n = 2; break;
	case RP_ICMP: slots[0] = 2; n = 1; break;
	case RP_IP: default:
		slots[0] = 0; slots[1] = 1; slots[2] = 2; slots[3] = 3;
		n = 4;
		break;
	}
	/* ip_proto:!6; ip_proto:!17; ... (GPL's "non-standard protocol"):
	 * not in the slots of the protocols it excludes */
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		static const uint8_t protos[3][2] = { { 6, 6 }, { 17, 17 }, { 1, 58 } };
		bool possible = true;
		if (slots[i] < 3 && r->hdr.n_ip_proto) {
			possible = false;
			for (int j = 0; j < 2; j++) {
				bool all = true;
				for (unsigned c = 0; c < r->hdr.n_ip_proto; c++)
					all = all && numcmp_match(&r->hdr.ip_proto[c],
								  protos[slots[i]][j]);
				possible = possible || all;
			}
		}
		if (possible)
			slots[k++] = slots[i];
	}
	return k;
}

static enum buf_id phase_buf(enum phase ph)
{
	return ph == PH_PACKET ? BUF_PAYLOAD : BUF_STREAM;
}

static int add_always(struct ruleset_dbs *d, const struct rule *r, uint8_t dir)
{
	enum phase ph = dir == DIR_TO_SERVER ? r->phase_ts : r->phase_tc;
	uint8_t slots[4];
	unsigned ns = ph == PH_PACKET ? rule_slots(r, BUF_PAYLOAD, dir, NULL, slots) : 1;
	if (ph != PH_PACKET)
		slots[0] = 0;
	for (unsigned s = 0; s < ns; s++) {
		int rc = idlist_add(&d->always[ph][dir - 1][slots[s]], r->idx);
		if (rc)
			return rc;
	}
	(void)phase_buf;
	return 0;
}

static int collect(struct rule **rules, size_t nrules, struct groups *gs,
		   struct ruleset_dbs *d)
{
	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = rules[i];
		for (uint8_t dir = 1; dir <= 2; dir++) {
			if (!(r->dirs & dir))
				continue;
			if (!r->has_prefilter) {
				int rc = add_always(d, r, dir);
				if (rc)
					return rc;
				continue;
			}
			uint8_t slots[4];
			unsigned ns = rule_slots(r, (enum buf_id)r->fp_buf, dir, d->home, slots);
			for (unsigned s = 0; s < ns; s++) {
				struct group *g = group_get(gs, (enum buf_id)r->fp_buf, dir, slots[s]);
				if (!g)
					return -ENOMEM;
				char *expr;
				hs_expr_ext_t ext = { 0 };
				/*
				 * A stream reports every hit of a pattern whose matches
				 * reach a bounded distance past it: each hit may start a
				 * new match.  With an unbounded reach the first hit keeps
				 * the rule a candidate for the rest of the stream
				 * (worker.c), so later hits add nothing.
				 */
				unsigned flags = r->fp_buf != BUF_STREAM ||
						 r->st_reach == STREAM_UNBOUNDED ? HS_FLAG_SINGLEMATCH : 0;
				if (r->fp_buf == BUF_STREAM && !r->fp && strchr(r->fp_regex, '$')) {
					/* in streaming mode '$' only matches at the end
					 * of the stream, pcre's at the end of the data so
					 * far: verify this rule on every chunk instead */
					int rc = add_always(d, r, dir);
					if (rc)
						return rc;
					break;
				}
				if (r->fp) {
					expr = fp_literal(r->fp, smlist_xf(r, rule_list(r, r->fp_buf)),
							  (enum buf_id)r->fp_buf, &flags, &ext);
				} else {
					expr = strdup(r->fp_regex);
					flags |= HS_FLAG_PREFILTER | r->fp_regex_flags;
				}
				if (!expr)
					return -ENOMEM;
				int rc = group_add(g, r->idx, expr, flags, &ext);
				if (rc) {
					free(expr);
					return rc;
				}
			}
		}
	}
	return 0;
}

static void sha_update_u32(EVP_MD_CTX *c, uint32_t v)
{
	EVP_DigestUpdate(c, &v, sizeof(v));
}

static int cache_key(const struct groups *gs, uint8_t key[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return -ENOMEM;
	hs_platform_info_t plat;
	int rc = -EIO;
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		goto out;
	if (!EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		goto out;
	const char *ver = hs_version();
	EVP_DigestUpdate(c, "snet-hsdb-6", 11);
	EVP_DigestUpdate(c, ver, strlen(ver));
	EVP_DigestUpdate(c, &plat, sizeof(plat));
	for (size_t i = 0; i < gs->n; i++) {
		const struct group *g = &gs->v[i];
		sha_update_u32(c, g->buf);
		sha_update_u32(c, g->dir);
		sha_update_u32(c, g->slot);
		sha_update_u32(c, (uint32_t)g->ids.n);
		for (size_t j = 0; j < g->ids.n; j++) {
			sha_update_u32(c, g->ids.v[j]);
			sha_update_u32(c, g->flags[j]);
			EVP_DigestUpdate(c, &g->ext[j].flags, sizeof(g->ext[j].flags));
			EVP_DigestUpdate(c, &g->ext[j].min_offset, sizeof(g->ext[j].min_offset));
			EVP_DigestUpdate(c, &g->ext[j].max_offset, sizeof(g->ext[j].max_offset));
			EVP_DigestUpdate(c, g->exprs[j], strlen(g->exprs[j]) + 1);
		}
	}
	unsigned len = 32;
	if (EVP_DigestFinal_ex(c, key, &len))
		rc = 0;
out:
	EVP_MD_CTX_free(c);
	return rc;
}

/* compile one group; a prefilter regex Hyperscan refuses goes to always */
static int compile_group(struct group *g, struct ruleset_dbs *d, unsigned mode,
			 struct rule **rules, hs_database_t **db, struct strbuf *errs)
{
	unsigned *ids = malloc(g->ids.n * sizeof(*ids));
	const hs_expr_ext_t **ext = malloc(g->ids.n * sizeof(*ext));
	if (!ids || !ext) {
		free(ids);
		free(ext);
		return -ENOMEM;
	}
	for (;;) {
		if (g->ids.n == 0) {
			free(ids);
			free(ext);
			*db = NULL;
			return 0;
		}
		for (size_t i = 0; i < g->ids.n; i++) {
			ids[i] = (unsigned)i;
			ext[i] = g->ext[i].flags ? &g->ext[i] : NULL;
		}
		hs_compile_error_t *cerr = NULL;
		hs_error_t e = hs_compile_ext_multi((const char *const *)g->exprs, g->flags,
						    ids, ext, (unsigned)g->ids.n, mode,
						    NULL, db, &cerr);
		if (e == HS_SUCCESS) {
			free(ids);
			free(ext);
			return 0;
		}
		int bad = cerr ? cerr->expression : -1;
		if (bad < 0 || !(g->flags[bad] & HS_FLAG_PREFILTER)) {
			strbuf_printf(errs, "hyperscan: %s (database %s)\n",
				      cerr ? cerr->message : "compile failed",
				      buf_name(g->buf));
			hs_free_compile_error(cerr);
			free(ids);
			free(ext);
			return -EINVAL;
		}
		hs_free_compile_error(cerr);
		uint32_t rid = g->ids.v[bad];
		const struct rule *r = rules[rid];
		if (r->fp_alt) {
			/* the regex replaced a short literal: go back to it */
			unsigned flags = g->flags[bad] & HS_FLAG_SINGLEMATCH;
			hs_expr_ext_t x;
			const struct xform_chain *xf = smlist_xf(r, rule_list(r, (int)g->buf));
			char *lit = fp_literal(r->fp_alt, xf, g->buf, &flags, &x);
			if (!lit) {
				free(ids);
				free(ext);
				return -ENOMEM;
			}
			free(g->exprs[bad]);
			g->exprs[bad] = lit;
			g->flags[bad] = flags;
			g->ext[bad] = x;
			continue;
		}
		/* Hyperscan cannot prefilter this regex: verify it always */
		int rc = idlist_add_once(&d->always[g->dir == DIR_TO_SERVER ? r->phase_ts : r->phase_tc]
					       [g->dir - 1][g->buf == BUF_PAYLOAD ? g->slot : 0], rid);
		if (rc) {
			free(ids);
			free(ext);
			return rc;
		}
		free(g->exprs[bad]);
		g->ids.n--;
		memmove(&g->ids.v[bad], &g->ids.v[bad + 1], (g->ids.n - (size_t)bad) * sizeof(uint32_t));
		memmove(&g->exprs[bad], &g->exprs[bad + 1], (g->ids.n - (size_t)bad) * sizeof(char *));
		memmove(&g->flags[bad], &g->flags[bad + 1], (g->ids.n - (size_t)bad) * sizeof(unsigned));
		memmove(&g->ext[bad], &g->ext[bad + 1], (g->ids.n - (size_t)bad) * sizeof(hs_expr_ext_t));
	}
}

static unsigned group_mode(enum buf_id buf)
{
	return buf == BUF_STREAM ? HS_MODE_STREAM : HS_MODE_BLOCK;
}

static int index_dbs(struct ruleset_dbs *d)
{
	memset(d->idx, 0, sizeof(d->idx));
	for (size_t i = 0; i < d->n; i++) {
		struct prefilter_db *p = &d->v[i];
		d->idx[p->buf][p->dir - 1][p->l4] = p;
		p->stream_size = 0;
		if (p->buf == BUF_STREAM && hs_stream_size(p->db, &p->stream_size) != HS_SUCCESS)
			return -EINVAL;	/* not a streaming database */
	}
	return 0;
}

/*
 * The largest end of a hit of each pattern that can be part of a match,
 * for the databases without offset bounds (hs_bounds): the literal's
 * depth, from the rule (a regex, or a literal in its place, has none).
 * Hyperscan reports the first hit of a single-match pattern, the one
 * that ends first: past this, no later one can be in bounds either.
 */
static int set_max_ends(struct ruleset_dbs *d, struct rule **rules)
{
	for (size_t i = 0; i < d->n; i++) {
		struct prefilter_db *p = &d->v[i];
		free(p->max_end);
		p->max_end = NULL;
		if (hs_bounds(p->buf))
			continue;
		for (size_t k = 0; k < p->nids; k++) {
			const struct rule *r = rules[p->rule_ids[k]];
			/* a transform may move the bytes (dotprefix) */
			if (!r->fp || r->fp_buf != (int)p->buf || rule_list(r, (int)p->buf)->xf)
				continue;
			hs_expr_ext_t x = fp_bounds(r->fp);
			if (!(x.flags & HS_EXT_FLAG_MAX_OFFSET))
				continue;
			if (!p->max_end) {
				p->max_end = malloc(p->nids * sizeof(*p->max_end));
				if (!p->max_end)
					return -ENOMEM;
				for (size_t j = 0; j < p->nids; j++)
					p->max_end[j] = UINT32_MAX;
			}
			p->max_end[k] = x.max_offset < UINT32_MAX ? (uint32_t)x.max_offset : UINT32_MAX;
		}
	}
	return 0;
}

static const char cache_magic[8] = "SNETHS02";

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int cache_write(const char *path, const struct ruleset_dbs *d)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, cache_magic, sizeof(cache_magic));
	uint32_t n = (uint32_t)d->n;
	if (!rc)
		rc = write_all(fd, &n, sizeof(n));
	for (size_t i = 0; !rc && i < d->n; i++) {
		const struct prefilter_db *p = &d->v[i];
		char *bytes = NULL;
		size_t len = 0;
		if (hs_serialize_database(p->db, &bytes, &len) != HS_SUCCESS) {
			rc = -EIO;
			break;
		}
		uint32_t hdr[6] = { p->buf, p->dir, p->l4, (uint32_t)p->nids, 0, (uint32_t)len };
		rc = write_all(fd, hdr, sizeof(hdr));
		if (!rc)
			rc = write_all(fd, p->rule_ids, p->nids * sizeof(uint32_t));
		if (!rc)
			rc = write_all(fd, bytes, len);
		free(bytes);
	}
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

static int read_all(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : -EIO;
}

/* "snet-" 64 hex digits ".hsdb": what dbs_build() names its files */
#define CACHE_NAME_LEN (5 + 64 + 5)

static bool cache_file_name(const char *n)
{
	if (strncmp(n, "snet-", 5) || strlen(n) != CACHE_NAME_LEN || strcmp(n + 69, ".hsdb"))
		return false;
	for (int i = 5; i < 69; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return true;
}

struct cache_entry {
	char name[CACHE_NAME_LEN + 1];
	struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct cache_entry *)a)->mtime;
	const struct timespec *y = &((const struct cache_entry *)b)->mtime;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec > y->tv_sec ? -1 : 1;
	return x->tv_nsec > y->tv_nsec ? -1 : x->tv_nsec < y->tv_nsec;
}

/*
 * Each new rule set (a daily feed update) adds a file of several MiB: keep
 * the @keep most recently used (a hit touches its file), remove the rest.
 * Best effort, and only our own file names.
 */
static void cache_prune(const char *dir, uint32_t keep, struct strbuf *errs)
{
	DIR *dp = opendir(dir);
	struct cache_entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		struct stat st;
		if (!cache_file_name(de->d_name) ||
		    fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct cache_entry *nv = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		memcpy(v[n].name, de->d_name, CACHE_NAME_LEN + 1);	/* length checked */
		v[n++].mtime = st.st_mtim;
	}
	if (n > keep) {
		qsort(v, n, sizeof(*v), newest_first);
		for (size_t i = keep; i < n; i++)
			if (unlinkat(dirfd(dp), v[i].name, 0) && errno != ENOENT)
				strbuf_printf(errs, "warning: cannot remove old database cache "
					      "%s/%s: %s\n", dir, v[i].name, strerror(errno));
	}
	free(v);
	closedir(dp);
}

static int cache_read(const char *path, struct ruleset_dbs *d, size_t nrules)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char magic[8];
	uint32_t n;
	int rc = read_all(f, magic, sizeof(magic));
	if (!rc && memcmp(magic, cache_magic, sizeof(magic)))
		rc = -EINVAL;
	if (!rc)
		rc = read_all(f, &n, sizeof(n));
	if (!rc && n > BUF__COUNT * 2 * DB_SLOTS)
		rc = -EINVAL;
	if (!rc) {
		d->v = calloc(n ? n : 1, sizeof(*d->v));
		if (!d->v)
			rc = -ENOMEM;
	}
	for (uint32_t i = 0; !rc && i < n; i++) {
		uint32_t hdr[6];
		rc = read_all(f, hdr, sizeof(hdr));
		if (rc)
			break;
		if (hdr[0] >= BUF__COUNT || hdr[1] < 1 || hdr[1] > 2 || hdr[2] >= DB_SLOTS ||
		    hdr[3] > nrules * 4 || hdr[5] > (1u << 30)) {
			rc = -EINVAL;
			break;
		}
		struct prefilter_db *p = &d->v[d->n++];
		p->buf = (enum buf_id)hdr[0];
		p->dir = (uint8_t)hdr[1];
		p->l4 = (uint8_t)hdr[2];
		p->nids = hdr[3];
		p->rule_ids = malloc((p->nids ? p->nids : 1) * sizeof(uint32_t));
		char *bytes = malloc(hdr[5] ? hdr[5] : 1);
		if (!p->rule_ids || !bytes) {
			free(bytes);
			rc = -ENOMEM;
			break;
		}
		rc = read_all(f, p->rule_ids, p->nids * sizeof(uint32_t));
		if (!rc)
			rc = read_all(f, bytes, hdr[5]);
		for (size_t j = 0; !rc && j < p->nids; j++)
			if (p->rule_ids[j] >= nrules)
				rc = -EINVAL;
		if (!rc && hs_deserialize_database(bytes, hdr[5], &p->db) != HS_SUCCESS)
			rc = -EINVAL;
		free(bytes);
	}
	fclose(f);
	return rc;
}

static void dbs_free_compiled(struct ruleset_dbs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		hs_free_database(d->v[i].db);
		free(d->v[i].rule_ids);
		free(d->v[i].max_end);
		free(d->v[i].hdr_ids);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

void dbs_free(struct ruleset_dbs *d)
{
	dbs_free_compiled(d);
	for (int p = 0; p < PH__COUNT; p++) {
		for (int i = 0; i < 2; i++) {
			for (int s = 0; s < L4_SLOTS; s++) {
				free(d->always[p][i][s].v);
				free(d->aidx[p][i][s].any.v);
				free(d->aidx[p][i][s].dport);
				free(d->aidx[p][i][s].sport);
				free(d->aidx[p][i][s].flagged);
			}
		}
	}
	addr_free(d->home);
	memset(d, 0, sizeof(*d));
}

#define PORT_KEYS_MAX 32

/* the ports a port expression can match, if few and plainly listed */
static int port_keys(const struct port_node *n, uint16_t *out, int have)
{
	if (n->negated)
		return -1;
	switch (n->kind) {
	case AN_ANY:
		return -1;
	case AN_RANGE:
		if ((int)(n->hi - n->lo) + 1 > PORT_KEYS_MAX - have)
			return -1;
		for (unsigned p = n->lo; p <= n->hi; p++)
			out[have++] = (uint16_t)p;
		return have;
	case AN_LIST:
		if (!n->nitems)
			return -1;
		for (size_t i = 0; i < n->nitems; i++) {
			have = port_keys(n->items[i], out, have);
			if (have < 0)
				return -1;
		}
		return have;
	}
	return -1;
}

static int port_rule_add(struct port_rule **v, size_t *n, uint16_t port, uint32_t rid)
{
	struct port_rule *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[*n].port = port;
	nv[*n].rid = rid;
	*v = nv;
	(*n)++;
	return 0;
}

/* the rarer TCP flags a rule's flags: requires (none: 0) */
static uint8_t needed_flags(const struct rule *r)
{
	if (!r->has_tcp_flags || (r->tflags_mod && r->tflags_mod != '+'))
		return 0;
	return r->tflags_set & r->tflags_mask & (TH_SYN | TH_FIN | TH_RST | TH_URG);
}

static int flag_rule_add(struct always_idx *a, uint8_t need, uint32_t rid)
{
	struct flag_rule *v = realloc(a->flagged, (a->nflagged + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[a->nflagged].need = need;
	v[a->nflagged].rid = rid;
	a->flagged = v;
	a->nflagged++;
	return 0;
}

static int cmp_port_rule(const void *a, const void *b)
{
	const struct port_rule *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

/* key each always-list by destination port, else source port, else by the
 * rare TCP flags the rule needs, else none */
static int index_always(struct ruleset_dbs *d, struct rule **rules)
{
	for (int p = 0; p < PH__COUNT; p++) {
		for (int i = 0; i < 2; i++) {
			for (int s = 0; s < L4_SLOTS; s++) {
				const struct idlist *l = &d->always[p][i][s];
				struct always_idx *a = &d->aidx[p][i][s];
				for (size_t k = 0; k < l->n; k++) {
					const struct rule *r = rules[l->v[k]];
					uint16_t ports[PORT_KEYS_MAX];
					int rc = 0, np = r->bidir ? -1 : port_keys(r->dport, ports, 0);
					if (np > 0) {
						for (int j = 0; j < np && !rc; j++)
							rc = port_rule_add(&a->dport, &a->ndport, ports[j], r->idx);
					} else if ((np = r->bidir ? -1 : port_keys(r->sport, ports, 0)) > 0) {
						for (int j = 0; j < np && !rc; j++)
							rc = port_rule_add(&a->sport, &a->nsport, ports[j], r->idx);
					} else if (needed_flags(r)) {
						rc = flag_rule_add(a, needed_flags(r), r->idx);
					} else {
						rc = idlist_add(&a->any, r->idx);
					}
					if (rc)
						return rc;
				}
				if (a->ndport)
					qsort(a->dport, a->ndport, sizeof(*a->dport), cmp_port_rule);
				if (a->nsport)
					qsort(a->sport, a->nsport, sizeof(*a->sport), cmp_port_rule);
			}
		}
	}
	return 0;
}

/* after a cache load: rules that a group held but the database does not
 * (a regex Hyperscan refused when it was compiled) are verified always */
static int restore_always(struct groups *gs, struct ruleset_dbs *d, struct rule **rules,
			  size_t nrules)
{
	/* in_db[rule]: i + 1 when group i's database holds the rule */
	uint32_t *in_db = calloc(nrules ? nrules : 1, sizeof(*in_db));
	if (!in_db)
		return -ENOMEM;
	for (size_t i = 0; i < gs->n; i++) {
		struct group *g = &gs->v[i];
		struct prefilter_db *p = d->idx[g->buf][g->dir - 1][g->slot];
		for (size_t k = 0; p && k < p->nids; k++)
			in_db[p->rule_ids[k]] = (uint32_t)i + 1;
		for (size_t j = 0; j < g->ids.n; j++) {
			if (in_db[g->ids.v[j]] == i + 1)
				continue;
			const struct rule *r = rules[g->ids.v[j]];
			enum phase ph = g->dir == DIR_TO_SERVER ? r->phase_ts : r->phase_tc;
			int rc = idlist_add_once(&d->always[ph][g->dir - 1]
						 [g->buf == BUF_PAYLOAD ? g->slot : 0], g->ids.v[j]);
			if (rc) {
				free(in_db);
				return rc;
			}
		}
	}
	free(in_db);
	return 0;
}

/* HOME_NET for the home classes, if it is a plain union of ranges */
static struct addr_node *home_set(const struct snet_inspect_config *cfg)
{
	struct addr_node *h = NULL;
	if (!config_var(cfg, "HOME_NET") || addr_parse(cfg, "$HOME_NET", &h, NULL, 0))
		return NULL;
	if (addr_home_reach(h, h) != 1) {
		addr_free(h);	/* not ranges: every rule in class 0 */
		return NULL;
	}
	return h;
}

int dbs_build(struct rule **rules, size_t nrules,
	      const struct snet_inspect_config *cfg, bool use_cache,
	      struct ruleset_dbs *out, bool *from_cache, struct strbuf *errs)
{
	struct groups gs = { 0 };
	struct ruleset_dbs d = { 0 };
	*from_cache = false;
	d.home = home_set(cfg);
	int rc = collect(rules, nrules, &gs, &d);
	if (rc)
		goto fail;
	char path[4096] = "";
	if (use_cache && cfg->cache_dir && *cfg->cache_dir) {
		uint8_t key[32];
		rc = cache_key(&gs, key);
		if (rc)
			goto fail;
		int off = snprintf(path, sizeof(path), "%s/snet-", cfg->cache_dir);
		for (int i = 0; i < 32 && off > 0 && (size_t)off < sizeof(path) - 3; i++)
			off += snprintf(path + off, sizeof(path) - (size_t)off, "%02x", key[i]);
		snprintf(path + off, sizeof(path) - (size_t)off, ".hsdb");
		if (cache_read(path, &d, nrules) == 0 && index_dbs(&d) == 0) {
			rc = restore_always(&gs, &d, rules, nrules);
			if (!rc)
				rc = set_max_ends(&d, rules);
			if (!rc)
				rc = index_always(&d, rules);
			if (rc)
				goto fail;
			*from_cache = true;
			/* in use: the newest for cache_prune(); a read-only cache is fine */
			(void)utimensat(AT_FDCWD, path, NULL, 0);
			groups_free(&gs);
			*out = d;
			return 0;
		}
		dbs_free_compiled(&d);
	}
	d.v = calloc(gs.n ? gs.n : 1, sizeof(*d.v));
	if (!d.v) {
		rc = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < gs.n; i++) {
		struct group *g = &gs.v[i];
		hs_database_t *db = NULL;
		rc = compile_group(g, &d, group_mode(g->buf), rules, &db, errs);
		if (rc)
			goto fail;
		if (!db)
			continue;
		struct prefilter_db *p = &d.v[d.n++];
		p->buf = g->buf;
		p->dir = g->dir;
		p->l4 = g->slot;
		p->db = db;
		p->nids = g->ids.n;
		p->rule_ids = malloc(g->ids.n * sizeof(uint32_t));
		if (!p->rule_ids) {
			rc = -ENOMEM;
			goto fail;
		}
		memcpy(p->rule_ids, g->ids.v, g->ids.n * sizeof(uint32_t));
	}
	rc = index_dbs(&d);
	if (!rc)
		rc = index_always(&d, rules);
	if (!rc)
		rc = set_max_ends(&d, rules);
	if (rc)
		goto fail;
	if (path[0]) {
		/* /var/cache/snet may not exist yet outside systemd */
		(void)mkdir_parents(cfg->cache_dir, 0755);
		int wrc = cache_write(path, &d);
		if (wrc)
			strbuf_printf(errs, "warning: cannot write database cache %s: %s\n",
				      path, strerror(-wrc));
		else
			cache_prune(cfg->cache_dir, cfg->cache_keep, errs);
	}
	groups_free(&gs);
	*out = d;
	return 0;
fail:
	groups_free(&gs);
	dbs_free(&d);
	return rc;
}

int dbs_block_twin(const struct snet_inspect_ruleset *rs, enum buf_id buf, uint8_t dir,
		   hs_database_t **out)
{
	struct groups gs = { 0 };
	struct ruleset_dbs scratch_dbs = { 0 };
	struct strbuf errs = { 0 };
	*out = NULL;
	int rc = collect(rs->rules, rs->nrules, &gs, &scratch_dbs);
	for (size_t i = 0; !rc && i < gs.n; i++) {
		struct group *g = &gs.v[i];
		if (g->buf == buf && g->dir == dir && g->slot == 0)
			rc = compile_group(g, &scratch_dbs, HS_MODE_BLOCK, rs->rules, out, &errs);
	}
	strbuf_free(&errs);
	groups_free(&gs);
	dbs_free(&scratch_dbs);
	return rc;
}
