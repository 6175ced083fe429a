// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rule set loading: reads .rules files, parses every rule, orders them as
 * Suricata does (action, flowbits, priority), builds the prefilter
 * databases and writes the load report.  The result is immutable except
 * for the threshold table, which has its own lock.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAX_RULE_LEN (64 * 1024)

struct snet_inspect_report {
	/* total: loaded + rejected; skipped (requires:) are not the set's */
	size_t loaded, rejected, total, skipped;
	char **msgs;
	size_t nmsgs;
	char *summary;
};

static int report_add(struct snet_inspect_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int report_add(struct snet_inspect_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	char **v = realloc(r->msgs, (r->nmsgs + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	r->msgs = v;
	v[r->nmsgs++] = s;
	return 0;
}

size_t snet_inspect_report_loaded(const struct snet_inspect_report *r)
{
	return r ? r->loaded : 0;
}

size_t snet_inspect_report_rejected(const struct snet_inspect_report *r)
{
	return r ? r->rejected : 0;
}

size_t snet_inspect_report_skipped(const struct snet_inspect_report *r)
{
	return r ? r->skipped : 0;
}

size_t snet_inspect_report_message_count(const struct snet_inspect_report *r)
{
	return r ? r->nmsgs : 0;
}

const char *snet_inspect_report_message(const struct snet_inspect_report *r, size_t i)
{
	return r && i < r->nmsgs ? r->msgs[i] : NULL;
}

const char *snet_inspect_report_summary(const struct snet_inspect_report *r)
{
	return r && r->summary ? r->summary : "";
}

void snet_inspect_report_free(struct snet_inspect_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	free(r->msgs);
	free(r->summary);
	free(r);
}

/* group rejections by reason: "unsupported keyword 'x'" or the first words */
static void reason_of(const char *msg, char *out, size_t outlen)
{
	const char *p = strstr(msg, ": sid ");
	if (p)
		p = strchr(p + 6, ':');
	p = p ? p + 2 : msg;
	const char *u = strstr(p, "unsupported ");
	if (u) {
		const char *q1 = strchr(u, '\'');
		const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
		size_t n = q2 ? (size_t)(q2 - u + 1) : strlen(u);
		snprintf(out, outlen, "%.*s", (int)n, u);
		return;
	}
	snprintf(out, outlen, "parse error");
}

static int make_summary(struct snet_inspect_report *r)
{
	struct { char reason[96]; size_t n; } c[64];
	size_t nc = 0, other = 0;
	for (size_t i = 0; i < r->nmsgs; i++) {
		if (!strstr(r->msgs[i], ": sid ") || strstr(r->msgs[i], ": skipped, requires"))
			continue;	/* warnings and skipped rules, not rejections */
		char why[96];
		reason_of(r->msgs[i], why, sizeof(why));
		size_t j;
		for (j = 0; j < nc; j++)
			if (!strcmp(c[j].reason, why))
				break;
		if (j == nc) {
			if (nc == 64) {
				other++;
				continue;
			}
			snprintf(c[nc].reason, sizeof(c[nc].reason), "%s", why);
			c[nc++].n = 0;
		}
		c[j].n++;
	}
	/* most frequent first */
	for (size_t i = 0; i < nc; i++)
		for (size_t j = i + 1; j < nc; j++)
			if (c[j].n > c[i].n) {
				__typeof__(c[0]) t = c[i];
				c[i] = c[j];
				c[j] = t;
			}
	struct strbuf b = { 0 };
	strbuf_printf(&b, "loaded %zu of %zu rules (%.1f%%), %zu rejected", r->loaded,
		      r->total, r->total ? 100.0 * (double)r->loaded / (double)r->total : 0.0,
		      r->rejected);
	for (size_t i = 0; i < nc; i++)
		strbuf_printf(&b, "%s %zu %s", i ? "," : ":", c[i].n, c[i].reason);
	if (other)
		strbuf_printf(&b, ", %zu other", other);
	if (r->skipped)
		strbuf_printf(&b, "; %zu skipped: their requires: is not met", r->skipped);
	if (!b.s)
		return -ENOMEM;
	free(r->summary);
	r->summary = b.s;
	return 0;
}

struct loader {
	const struct snet_inspect_config *cfg;
	struct snet_inspect_report *rep;
	struct parse_ctx pctx;
	struct rule **rules;
	size_t nrules, cap;
	/* (gid, sid) -> index in rules + 1, open addressing: duplicates are
	 * found without comparing every pair of rules */
	uint32_t *sids;
	size_t nsids;
};

static size_t sid_slot(uint32_t gid, uint32_t sid, size_t n)
{
	uint64_t h = ((uint64_t)gid << 32 | sid) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (n - 1);
}

/* the rule already loaded with this gid and sid, or NULL */
static struct rule *sid_find(const struct loader *ld, uint32_t gid, uint32_t sid)
{
	if (!ld->nsids)
		return NULL;
	for (size_t k = sid_slot(gid, sid, ld->nsids); ld->sids[k]; k = (k + 1) & (ld->nsids - 1)) {
		struct rule *r = ld->rules[ld->sids[k] - 1];
		if (r->sid == sid && r->gid == gid)
			return r;
	}
	return NULL;
}

/* index rules[i]; grows the table to stay at most half full */
static int sid_insert(struct loader *ld, size_t i)
{
	if (ld->nrules * 2 > ld->nsids) {
		size_t n = ld->nsids ? ld->nsids * 2 : 1024;
		uint32_t *t = calloc(n, sizeof(*t));
		if (!t)
			return -ENOMEM;
		for (size_t j = 0; j < i; j++) {
			size_t k = sid_slot(ld->rules[j]->gid, ld->rules[j]->sid, n);
			while (t[k])
				k = (k + 1) & (n - 1);
			t[k] = (uint32_t)j + 1;
		}
		free(ld->sids);
		ld->sids = t;
		ld->nsids = n;
	}
	size_t k = sid_slot(ld->rules[i]->gid, ld->rules[i]->sid, ld->nsids);
	while (ld->sids[k])
		k = (k + 1) & (ld->nsids - 1);
	ld->sids[k] = (uint32_t)i + 1;
	return 0;
}

static int loader_add_line(struct loader *ld, const char *file, unsigned line,
			   char *text)
{
	char *s = trim(text);
	if (!*s || *s == '#')
		return 0;
	ld->rep->total++;
	ld->pctx.file = file;
	ld->pctx.line = line;
	struct rule *r;
	char err[400];
	int rc = rule_parse(&ld->pctx, s, &r, err, sizeof(err));
	if (rc == -ENOMEM)
		return rc;
	if (rc == RULE_SKIPPED) {
		ld->rep->total--;
		ld->rep->skipped++;
		return report_add(ld->rep, "%s:%u: %s", file, line, err);
	}
	if (rc) {
		ld->rep->rejected++;
		return report_add(ld->rep, "%s:%u: %s", file, line, err);
	}
	const struct rule *first = sid_find(ld, r->gid, r->sid);
	if (first) {
		ld->rep->rejected++;
		rc = report_add(ld->rep, "%s:%u: sid %u: duplicate sid (first at %s:%u)",
				file, line, r->sid, first->file, first->line);
		rule_free(r);
		return rc;
	}
	r->file = strdup(file);
	r->line = line;
	if (!r->file) {
		rule_free(r);
		return -ENOMEM;
	}
	if (ld->nrules == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 256;
		struct rule **v = realloc(ld->rules, cap * sizeof(*v));
		if (!v) {
			rule_free(r);
			return -ENOMEM;
		}
		ld->rules = v;
		ld->cap = cap;
	}
	ld->rules[ld->nrules++] = r;
	ld->rep->loaded++;
	return sid_insert(ld, ld->nrules - 1);
}

static int load_file(struct loader *ld, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		report_add(ld->rep, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	struct strbuf acc = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0, start = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!acc.len)
			start = lineno;
		/* a trailing backslash continues the rule on the next line */
		bool cont = n > 0 && line[n - 1] == '\\';
		if (cont)
			line[--n] = 0;
		if (acc.len + (size_t)n > MAX_RULE_LEN) {
			ld->rep->total++;
			ld->rep->rejected++;
			rc = report_add(ld->rep, "%s:%u: sid 0: rule longer than %d bytes",
					path, start, MAX_RULE_LEN);
			acc.len = 0;
			if (rc)
				break;
			continue;
		}
		if ((rc = strbuf_append(&acc, line, (size_t)n)))
			break;
		if (cont)
			continue;
		rc = loader_add_line(ld, path, start, acc.s);
		acc.len = 0;
		if (rc)
			break;
	}
	if (!rc && acc.len)
		rc = loader_add_line(ld, path, start, acc.s);
	if (!rc && ferror(f))
		rc = -EIO;
	free(line);
	strbuf_free(&acc);
	fclose(f);
	return rc;
}

static int filter_rules(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 6 && !strcmp(d->d_name + n - 6, ".rules") && d->d_name[0] != '.';
}

static int load_path(struct loader *ld, const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		int e = errno;
		report_add(ld->rep, "%s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(ld, path);
	/* ruleset_build() resolved it, once for the rules and classes */
	const char *dir = path;
	struct dirent **ents;
	int n = scandir(dir, &ents, filter_rules, alphasort);
	if (n < 0) {
		int e = errno;
		report_add(ld->rep, "%s: %s", path, strerror(e));
		return -e;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (!rc) {
			char full[4096];
			snprintf(full, sizeof(full), "%s/%s", dir, ents[i]->d_name);
			rc = load_file(ld, full);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int action_rank(char a)
{
	switch (a) {
	case 'p': return 0;
	case 'd': return 1;
	case 'r': return 2;
	default: return 3;
	}
}

static int rule_order(const void *a, const void *b)
{
	const struct rule *x = *(struct rule *const *)a, *y = *(struct rule *const *)b;
	int d = action_rank(x->action) - action_rank(y->action);
	if (d)
		return d;
	if (x->fb_rank != y->fb_rank)
		return x->fb_rank - y->fb_rank;
	if (x->priority != y->priority)
		return x->priority - y->priority;
	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/* the header tuple of a rule_pre, for numbering the distinct ones */
static int cmp_hdr_tuple(const void *a, const void *b)
{
	const struct rule_pre *x = *(struct rule_pre *const *)a, *y = *(struct rule_pre *const *)b;
	const uint32_t kx[5] = { x->src_id, x->dst_id, x->sport_id, x->dport_id, x->bidir };
	const uint32_t ky[5] = { y->src_id, y->dst_id, y->sport_id, y->dport_id, y->bidir };
	for (int i = 0; i < 5; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

/* the same id for rules whose four header expressions and bidir agree */
static int pre_number_headers(struct snet_inspect_ruleset *rs)
{
	struct rule_pre **v = malloc((rs->nrules ? rs->nrules : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rule_pre *p = &rs->pre[i];
		p->hdr_id = HDR_NO_ID;
		if (p->src_id != HDR_NO_ID && p->dst_id != HDR_NO_ID &&
		    p->sport_id != HDR_NO_ID && p->dport_id != HDR_NO_ID)
			v[n++] = p;
	}
	qsort(v, n, sizeof(*v), cmp_hdr_tuple);
	uint32_t id = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && cmp_hdr_tuple(&v[i - 1], &v[i]))
			id++;
		v[i]->hdr_id = id;
	}
	rs->nhdr_ids = n ? id + 1 : 0;
	free(v);
	return 0;
}

/* each database's pattern id -> header tuple, next to its rule ids */
static int pre_pattern_headers(struct snet_inspect_ruleset *rs)
{
	for (size_t i = 0; i < rs->dbs.n; i++) {
		struct prefilter_db *p = &rs->dbs.v[i];
		p->hdr_ids = malloc((p->nids ? p->nids : 1) * sizeof(*p->hdr_ids));
		if (!p->hdr_ids)
			return -ENOMEM;
		for (size_t k = 0; k < p->nids; k++)
			p->hdr_ids[k] = rs->pre[p->rule_ids[k]].hdr_id;
	}
	return 0;
}

static int pre_build(struct snet_inspect_ruleset *rs)
{
	rs->pre = calloc(rs->nrules, sizeof(*rs->pre));
	if (!rs->pre)
		return -ENOMEM;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = rs->rules[i];
		struct rule_pre *p = &rs->pre[i];
		rs->bufs_used |= r->bufmask;
		p->st_max_end = r->st_max_end;
		p->src_id = r->src_id;
		p->dst_id = r->dst_id;
		p->sport_id = r->sport_id;
		p->dport_id = r->dport_id;
		p->fbit_set = p->fbit_clear = NO_FBIT;
		for (size_t k = 0; k < r->nfbits; k++) {
			const struct flowbit *fb = &r->fbits[k];
			if (fb->op == FB_ISSET && fb->nidx == 1 && p->fbit_set == NO_FBIT)
				p->fbit_set = fb->idx[0];
			else if (fb->op == FB_ISNOTSET && p->fbit_clear == NO_FBIT)
				p->fbit_clear = fb->idx[0];
		}
		p->dsize = r->dsize;
		p->ip_proto = (int16_t)r->ip_proto;
		p->dirs = r->dirs;
		p->phase[0] = (uint8_t)r->phase_ts;
		p->phase[1] = (uint8_t)r->phase_tc;
		p->proto = (uint8_t)r->proto;
		p->flow_state = r->flow_state;
		p->bidir = r->bidir;
		p->sameip = r->hdr.sameip;
		p->app_req = r->app_req;
		if (r->fc && (r->fc->ssl_versions || r->fc->ssl_state_flags || r->fc->tls_version))
			rs->tls_track = true;
		if (r->bufmask & (1ull << BUF_SMTP_FILE_DATA))
			rs->smtp_files = true;
		if (r->bufmask & (1ull << BUF_TLS_JA4_HASH))
			rs->tls_ja4 = true;
		p->hdr = r->has_hdr ? &r->hdr : NULL;
	}
	return pre_number_headers(rs);
}

static void ruleset_destroy(struct snet_inspect_ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++)
		rule_free(rs->rules[i]);
	free(rs->rules);
	class_table_free(&rs->classes);
	for (size_t i = 0; i < rs->fbnames.n; i++)
		free(rs->fbnames.names[i]);
	free(rs->fbnames.names);
	for (size_t i = 0; i < rs->finames.n; i++)
		free(rs->finames.names[i]);
	free(rs->finames.names);
	dbs_free(&rs->dbs);
	free(rs->pre);
	hdr_table_free(&rs->hdrs);
	free(rs->th);
	free(rs->thidx);
	pthread_mutex_destroy(&rs->th_lock);
	xbits_table_free(&rs->xbits);
	dataset_table_free(&rs->datasets);
	for (size_t i = 0; i < rs->nsup_addrs; i++)
		addr_free(rs->sup_addrs[i]);
	free(rs->sup_addrs);
	free(rs);
}

static int ruleset_build(const struct snet_inspect_config *cfg,
			 const char *const *paths, size_t npaths, bool use_cache,
			 struct snet_inspect_ruleset **out,
			 struct snet_inspect_report **report)
{
	if (report)
		*report = NULL;
	if (!cfg || (!paths && npaths))
		return -EINVAL;
	struct snet_inspect_report *rep = calloc(1, sizeof(*rep));
	struct snet_inspect_ruleset *rs = calloc(1, sizeof(*rs));
	if (!rep || !rs) {
		free(rep);
		free(rs);
		return -ENOMEM;
	}
	atomic_init(&rs->refs, 1);
	pthread_mutex_init(&rs->th_lock, NULL);
	xbits_table_init(&rs->xbits);
	rs->cfg = *cfg;
	rs->cfg.vars = NULL;
	rs->cfg.nvars = 0;
	rs->cfg.classification_file = NULL;
	rs->cfg.cache_dir = NULL;
	rs->cfg.threshold_file = NULL;
	int rc = 0;
	/*
	 * Directories resolved once, here: snet-update swaps DEST/current by a
	 * rename, and a set's rules and classifications must come from one
	 * release.
	 */
	char **resolved = calloc(npaths ? npaths : 1, sizeof(*resolved));
	if (!resolved) {
		rc = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (!stat(paths[i], &st) && S_ISDIR(st.st_mode))
			resolved[i] = realpath(paths[i], NULL);
	}
	const char *classes = cfg->classification_file;
	char own[4096];
	/* unset: the first directory's own classification.config, as installed */
	for (size_t i = 0; i < npaths && !classes; i++) {
		if (resolved[i] &&
		    (size_t)snprintf(own, sizeof(own), "%s/classification.config",
				     resolved[i]) < sizeof(own) &&
		    !access(own, F_OK))
			classes = own;
	}
	if (classes) {
		char err[512];
		rc = class_table_load(&rs->classes, classes, err, sizeof(err));
		if (rc) {
			report_add(rep, "%s", err);
			goto free_resolved;
		}
	}
	struct loader ld = { .cfg = cfg, .rep = rep };
	ld.pctx.cfg = cfg;
	ld.pctx.classes = &rs->classes;
	ld.pctx.fbnames = &rs->fbnames;
	ld.pctx.finames = &rs->finames;
	ld.pctx.hdrs = &rs->hdrs;
	ld.pctx.datasets = &rs->datasets;
	for (size_t i = 0; i < npaths && !rc; i++)
		rc = load_path(&ld, resolved[i] ? resolved[i] : paths[i]);
	free(ld.sids);
	rs->rules = ld.rules;
	rs->nrules = ld.nrules;
	if (rc)
		goto free_resolved;
	if (!rs->nrules) {
		report_add(rep, "no rule loaded");
		rc = -EINVAL;
		goto free_resolved;
	}
	qsort(rs->rules, rs->nrules, sizeof(*rs->rules), rule_order);
	for (size_t i = 0; i < rs->nrules; i++)
		rs->rules[i]->idx = (uint32_t)i;
	if (cfg->threshold_file && *cfg->threshold_file) {
		struct strbuf tmsgs = { 0 };
		rc = thresholds_load(rs, cfg, cfg->threshold_file, &tmsgs);
		if (tmsgs.s) {
			char *save, *line;
			for (line = strtok_r(tmsgs.s, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				report_add(rep, "%s", line);
		}
		strbuf_free(&tmsgs);
		if (rc)
			goto free_resolved;
	}
	rc = pre_build(rs);
	if (rc)
		goto free_resolved;
	struct strbuf errs = { 0 };
	rc = dbs_build(rs->rules, rs->nrules, cfg, use_cache, &rs->dbs, &rs->from_cache,
		       &errs);
	if (!rc)
		rc = pre_pattern_headers(rs);
	if (errs.s) {
		char *save, *line;
		for (line = strtok_r(errs.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			report_add(rep, "%s", line);
	}
	strbuf_free(&errs);
free_resolved:
	for (size_t i = 0; i < npaths; i++)
		free(resolved[i]);
	free(resolved);
done:
	make_summary(rep);
	if (rc) {
		ruleset_destroy(rs);
	} else if (out) {
		*out = rs;
	} else {
		ruleset_destroy(rs);
	}
	if (report)
		*report = rep;
	else
		snet_inspect_report_free(rep);
	return rc;
}

int snet_inspect_ruleset_load(const struct snet_inspect_config *cfg,
			      const char *const *paths, size_t npaths,
			      struct snet_inspect_ruleset **out,
			      struct snet_inspect_report **report)
{
	if (!out)
		return -EINVAL;
	struct snet_inspect_ruleset *rs = NULL;
	int rc = ruleset_build(cfg, paths, npaths, true, &rs, report);
	if (!rc)
		*out = rs;
	return rc;
}

int snet_inspect_ruleset_check(const struct snet_inspect_config *cfg,
			       const char *const *paths, size_t npaths,
			       struct snet_inspect_report **report)
{
	return ruleset_build(cfg, paths, npaths, false, NULL, report);
}

struct snet_inspect_ruleset *snet_inspect_ruleset_ref(struct snet_inspect_ruleset *rs)
{
	if (rs)
		atomic_fetch_add(&rs->refs, 1);
	return rs;
}

void snet_inspect_ruleset_unref(struct snet_inspect_ruleset *rs)
{
	if (rs && atomic_fetch_sub(&rs->refs, 1) == 1)
		ruleset_destroy(rs);
}

size_t snet_inspect_ruleset_rule_count(const struct snet_inspect_ruleset *rs)
{
	return rs ? rs->nrules : 0;
}

int snet_inspect_ruleset_from_cache(const struct snet_inspect_ruleset *rs)
{
	return rs && rs->from_cache;
}

/* ---- thresholds ---- */
/*
 * One count: a rule and what it tracks.  by_src, by_dst: ip; by_rule: both
 * addresses zero; by_both: the pair, lower first, so that both directions
 * between two hosts count together.
 */
struct th_entry {
	uint32_t rule;		/* the rule's idx; | TH_RATE for its rate_filter */
	struct ip_addr ip, ip2;
	uint64_t window_start;
	uint64_t rate_since;	/* rate_filter: its new action since, 0: off */
	uint32_t count;
};

#define TH_RATE 0x80000000u

static size_t th_hash(uint32_t rule, const struct ip_addr *ip, const struct ip_addr *ip2)
{
	uint64_t a, b, c, d;
	memcpy(&a, ip->a, 8);
	memcpy(&b, ip->a + 8, 8);
	memcpy(&c, ip2->a, 8);
	memcpy(&d, ip2->a + 8, 8);
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)rule << 8 | ip->family) ^
		      ((c ^ (d * 0xc2b2ae3d27d4eb4full)) * 0x165667b19e3779f9ull)) *
		     0xff51afd7ed558ccdull;
	return (size_t)(h ^ h >> 29);
}

static bool same_ip(const struct ip_addr *x, const struct ip_addr *y)
{
	return x->family == y->family && !memcmp(x->a, y->a, 16);
}

static void th_index_put(struct snet_inspect_ruleset *rs, size_t i)
{
	size_t k = th_hash(rs->th[i].rule, &rs->th[i].ip, &rs->th[i].ip2) & rs->thmask;
	while (rs->thidx[k])
		k = (k + 1) & rs->thmask;
	rs->thidx[k] = (uint32_t)i + 1;
}

/*
 * Room for one more entry: entries whose window has passed are dropped
 * first (one behaves as no entry: a match restarts its window at 0), then
 * the table doubles; the index is rebuilt either way.  false: no memory.
 */
static bool th_room(struct snet_inspect_ruleset *rs, uint64_t now)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->nth; i++) {
		const struct th_entry *t = &rs->th[i];
		const struct rule *r = rs->rules[t->rule & ~TH_RATE];
		bool live = t->rule & TH_RATE ?
			    t->window_start + r->rf.seconds >= now ||
			    (t->rate_since && t->rate_since + r->rf.timeout >= now) :
			    !(t->window_start + r->th.seconds < now);
		if (live)
			rs->th[n++] = *t;
	}
	rs->nth = n;
	/* grow when at least half is live, so sweeps stay rare */
	if (n * 2 >= rs->capth) {
		size_t cap = rs->capth ? rs->capth * 2 : 64;
		struct th_entry *v = cap <= 1u << 20 ? realloc(rs->th, cap * sizeof(*v)) : NULL;
		if (v)
			rs->th = v;
		uint32_t *x = v ? calloc(cap * 2, sizeof(*x)) : NULL;
		if (x) {
			rs->capth = cap;
			free(rs->thidx);
			rs->thidx = x;
			rs->thmask = cap * 2 - 1;
		}
	}
	if (!rs->thidx)
		return false;
	memset(rs->thidx, 0, (rs->thmask + 1) * sizeof(*rs->thidx));
	for (size_t i = 0; i < n; i++)
		th_index_put(rs, i);
	return n < rs->capth;
}

/*
 * The count of (rule, what track names), made if new; NULL without
 * memory.  The caller holds th_lock.
 */
static struct th_entry *th_get(struct snet_inspect_ruleset *rs, uint32_t rule,
			       enum threshold_track track, const struct ip_addr *src,
			       const struct ip_addr *dst, uint64_t now)
{
	static const struct ip_addr none;
	const struct ip_addr *ip = &none, *ip2 = &none;
	switch (track) {
	case TRACK_SRC:
		ip = src;
		break;
	case TRACK_DST:
		ip = dst;
		break;
	case TRACK_RULE:
		break;
	case TRACK_BOTH: {
		int c = src->family != dst->family ? src->family - dst->family :
						     memcmp(src->a, dst->a, 16);
		ip = c <= 0 ? src : dst;
		ip2 = c <= 0 ? dst : src;
		break;
	}
	}
	/* hashed by (rule, key): a list walk grew with every tracked address */
	if (rs->thidx) {
		for (size_t k = th_hash(rule, ip, ip2) & rs->thmask; rs->thidx[k];
		     k = (k + 1) & rs->thmask) {
			struct th_entry *t = &rs->th[rs->thidx[k] - 1];
			if (t->rule == rule && same_ip(&t->ip, ip) && same_ip(&t->ip2, ip2))
				return t;
		}
	}
	if (rs->nth == rs->capth && !th_room(rs, now))
		return NULL;
	struct th_entry *e = &rs->th[rs->nth];
	*e = (struct th_entry){ .rule = rule, .ip = *ip, .ip2 = *ip2, .window_start = now };
	th_index_put(rs, rs->nth++);
	return e;
}

enum th_result threshold_check(struct snet_inspect_ruleset *rs, const struct rule *r,
			       const struct ip_addr *src, const struct ip_addr *dst,
			       uint64_t now)
{
	if (r->th.type == TH_NONE)
		return TH_ALERT;
	enum th_result res = TH_SKIP;
	pthread_mutex_lock(&rs->th_lock);
	struct th_entry *e = th_get(rs, r->idx, r->th.track, src, dst, now);
	if (!e) {
		/* no memory to count: fail towards alerting */
		pthread_mutex_unlock(&rs->th_lock);
		return TH_ALERT;
	}
	if (e->window_start + r->th.seconds <= now) {
		e->window_start = now;
		e->count = 0;
	}
	/* saturate: a window of 2^32 matches must not wrap to "first" */
	if (e->count < UINT32_MAX)
		e->count++;
	switch (r->th.type) {
	case TH_LIMIT:
		res = e->count <= r->th.count ? TH_ALERT : TH_ACT;
		break;
	case TH_THRESHOLD:
		if (e->count >= r->th.count) {
			res = TH_ALERT;
			e->count = 0;
		}
		break;
	case TH_BOTH:
		res = e->count == r->th.count ? TH_ALERT :
		      e->count > r->th.count ? TH_ACT : TH_SKIP;
		break;
	case TH_DETECTION:
		res = e->count > r->th.count ? TH_ALERT : TH_SKIP;
		break;
	case TH_NONE:
		res = TH_ALERT;
		break;
	}
	pthread_mutex_unlock(&rs->th_lock);
	return res;
}

char rate_filter_action(struct snet_inspect_ruleset *rs, const struct rule *r,
			const struct ip_addr *src, const struct ip_addr *dst, uint64_t now)
{
	const struct rate_filter *f = &r->rf;
	char act = r->action;

	if (!f->new_action)
		return act;
	pthread_mutex_lock(&rs->th_lock);
	struct th_entry *e = th_get(rs, r->idx | TH_RATE, f->track, src, dst, now);
	if (!e) {
		/* no memory to count: the rule's own action */
		pthread_mutex_unlock(&rs->th_lock);
		return act;
	}
	/* Suricata's order: an action in force first, then the count */
	if (e->rate_since && now - e->rate_since <= f->timeout) {
		act = f->new_action;
	} else {
		e->rate_since = 0;
		if (e->count && now - e->window_start < f->seconds) {
			if (e->count < UINT32_MAX)
				e->count++;
			if (e->count > f->count) {
				e->rate_since = now;
				act = f->new_action;
			}
		} else {
			e->window_start = now;
			e->count = 1;
		}
	}
	pthread_mutex_unlock(&rs->th_lock);
	return act;
}
