// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * threshold.config, Suricata's global thresholds: what an operator tunes
 * without editing the rules.
 *
 *   suppress gen_id G, sig_id S
 *   suppress gen_id G, sig_id S, track by_src|by_dst|by_either, ip ADDRESSES
 *   threshold|event_filter gen_id G, sig_id S, type limit|threshold|both,
 *       track by_src|by_dst|by_rule|by_both, count N, seconds T
 *
 * sig_id 0 means every rule of gen_id G, gen_id 0 every gid.  A suppress
 * without track makes the rule noalert (it still acts and sets flowbits,
 * as Suricata's); with track, a match whose tracked address is in the set
 * neither alerts nor acts.  A threshold for one rule replaces the rule's
 * own; one for sig_id 0 applies to the rules that have none.
 *
 *   rate_filter gen_id G, sig_id S, track by_src|by_dst|by_rule|by_both,
 *       count N, seconds T, new_action alert|drop|reject|pass, timeout U
 *
 * From the match after the Nth in T seconds, the rule acts as new_action
 * for U seconds (per tracked key).  track by_flow, and the sdrop and log
 * actions, are refused, line by line: a refused line is reported, the
 * others apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TH_LINE_MAX 4096

struct directive {
	enum { D_SUPPRESS, D_THRESHOLD, D_RATE } kind;
	unsigned long gid, sid;
	uint8_t track;			/* SUP_* for a suppress, 0: none */
	struct addr_node *ip;
	struct threshold th;		/* a threshold's; a rate_filter's track and counts */
	char new_action;
	uint32_t timeout;
};

/* "key value" pairs split on commas outside brackets; 0 or a message */
static const char *split_pairs(char *s, char **keys, char **vals, size_t max, size_t *n)
{
	int depth = 0;
	char *start = s;

	*n = 0;
	for (char *p = s;; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		if (*p && (*p != ',' || depth > 0))
			continue;
		bool end = !*p;
		*p = '\0';
		char *kv = trim(start);
		if (!*kv)
			return "an empty field";
		if (*n == max)
			return "too many fields";
		char *sp = kv + strcspn(kv, " \t");
		keys[*n] = kv;
		vals[*n] = *sp ? trim(sp + 1) : sp;
		*sp = '\0';
		(*n)++;
		if (end)
			return depth ? "an unclosed '['" : NULL;
		start = p + 1;
	}
}

static int parse_num(const char *v, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*v || *v == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoul(v, &end, 10);
	return errno || *end || *out > max ? -EINVAL : 0;
}

/* One directive from a joined line; err gets the reason. */
static int parse_directive(const struct snet_inspect_config *cfg, char *line,
			   struct directive *d, char *err, size_t errlen)
{
	char *keys[8], *vals[8];
	size_t n;
	bool have_gid = false, have_sid = false, have_type = false, have_count = false,
	     have_seconds = false, have_track = false, have_action = false,
	     have_timeout = false;
	char *kw = line, *rest = line + strcspn(line, " \t");

	memset(d, 0, sizeof(*d));
	if (*rest)
		*rest++ = '\0';
	if (!strcmp(kw, "suppress")) {
		d->kind = D_SUPPRESS;
	} else if (!strcmp(kw, "threshold") || !strcmp(kw, "event_filter")) {
		d->kind = D_THRESHOLD;
	} else if (!strcmp(kw, "rate_filter")) {
		d->kind = D_RATE;
	} else {
		snprintf(err, errlen, "'%.64s' is not suppress, threshold, event_filter or "
			 "rate_filter", kw);
		return -EINVAL;
	}
	const char *why = split_pairs(rest, keys, vals, 8, &n);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *k = keys[i], *v = vals[i];
		unsigned long x;

		if (!strcmp(k, "gen_id") || !strcmp(k, "sig_id")) {
			if (parse_num(v, UINT32_MAX, &x)) {
				snprintf(err, errlen, "%.16s: '%.64s' is not a number", k, v);
				return -EINVAL;
			}
			if (k[0] == 'g') {
				d->gid = x;
				have_gid = true;
			} else {
				d->sid = x;
				have_sid = true;
			}
		} else if (!strcmp(k, "track")) {
			have_track = true;
			if (!strcmp(v, "by_src")) {
				d->track = SUP_SRC;
				d->th.track = TRACK_SRC;
			} else if (!strcmp(v, "by_dst")) {
				d->track = SUP_DST;
				d->th.track = TRACK_DST;
			} else if (!strcmp(v, "by_either") && d->kind == D_SUPPRESS) {
				d->track = SUP_EITHER;
			} else if (!strcmp(v, "by_rule") && d->kind != D_SUPPRESS) {
				d->th.track = TRACK_RULE;
			} else if (!strcmp(v, "by_both") && d->kind != D_SUPPRESS) {
				d->th.track = TRACK_BOTH;
			} else if (!strcmp(v, "by_flow")) {
				snprintf(err, errlen, "track %.16s is not supported", v);
				return -ENOTSUP;
			} else {
				snprintf(err, errlen, "bad track '%.64s'", v);
				return -EINVAL;
			}
		} else if (!strcmp(k, "ip") && d->kind == D_SUPPRESS) {
			char aerr[256];
			if (d->ip) {
				snprintf(err, errlen, "ip given twice");
				return -EINVAL;
			}
			if (addr_parse(cfg, v, &d->ip, aerr, sizeof(aerr))) {
				snprintf(err, errlen, "ip: %s", aerr);
				return -EINVAL;
			}
		} else if (!strcmp(k, "type") && d->kind == D_THRESHOLD) {
			have_type = true;
			if (!strcmp(v, "limit")) {
				d->th.type = TH_LIMIT;
			} else if (!strcmp(v, "threshold")) {
				d->th.type = TH_THRESHOLD;
			} else if (!strcmp(v, "both")) {
				d->th.type = TH_BOTH;
			} else {
				snprintf(err, errlen, "type '%.64s' is not limit, threshold or both", v);
				return -EINVAL;
			}
		} else if ((!strcmp(k, "count") || !strcmp(k, "seconds") ||
			    (!strcmp(k, "timeout") && d->kind == D_RATE)) &&
			   d->kind != D_SUPPRESS) {
			if (parse_num(v, UINT32_MAX, &x) || !x) {
				snprintf(err, errlen, "%.16s: '%.64s' is not a number from 1", k, v);
				return -EINVAL;
			}
			if (k[0] == 'c') {
				d->th.count = (uint32_t)x;
				have_count = true;
			} else if (k[0] == 's') {
				d->th.seconds = (uint32_t)x;
				have_seconds = true;
			} else {
				d->timeout = (uint32_t)x;
				have_timeout = true;
			}
		} else if (!strcmp(k, "new_action") && d->kind == D_RATE) {
			static const char *const names[] = { "alert", "drop", "reject", "pass" };
			static const char codes[] = { 'a', 'd', 'r', 'p' };
			for (size_t a = 0; a < 4 && !have_action; a++)
				if (!strcmp(v, names[a])) {
					d->new_action = codes[a];
					have_action = true;
				}
			if (!have_action && (!strcmp(v, "sdrop") || !strcmp(v, "log"))) {
				snprintf(err, errlen, "new_action %.16s is not supported", v);
				return -ENOTSUP;
			}
			if (!have_action) {
				snprintf(err, errlen, "new_action '%.64s' is not alert, drop, "
					 "reject or pass", v);
				return -EINVAL;
			}
		} else {
			snprintf(err, errlen, "unknown field '%.64s' in %.16s", k, kw);
			return -EINVAL;
		}
	}
	if (!have_gid || !have_sid) {
		snprintf(err, errlen, "%.16s needs gen_id and sig_id", kw);
		return -EINVAL;
	}
	if (d->kind == D_SUPPRESS && have_track != (d->ip != NULL)) {
		snprintf(err, errlen, "a suppress with track needs ip, and ip needs track");
		return -EINVAL;
	}
	if (d->kind == D_THRESHOLD) {
		if (!have_type || !have_track || !have_count || !have_seconds) {
			snprintf(err, errlen, "%.16s needs type, track, count and seconds", kw);
			return -EINVAL;
		}
	}
	if (d->kind == D_RATE && (!have_track || !have_count || !have_seconds ||
				  !have_action || !have_timeout)) {
		snprintf(err, errlen, "rate_filter needs track, count, seconds, new_action "
			 "and timeout");
		return -EINVAL;
	}
	return 0;
}

static bool targets(const struct directive *d, const struct rule *r)
{
	return (!d->gid || d->gid == r->gid) && (!d->sid || d->sid == r->sid);
}

/* Apply d to the rules it names; how many it changed. */
static int apply(struct snet_inspect_ruleset *rs, struct directive *d, size_t *changed)
{
	*changed = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rule *r = rs->rules[i];

		if (!targets(d, r))
			continue;
		if (d->kind == D_THRESHOLD) {
			/* a wildcard leaves the rules that have their own */
			if (!d->sid && r->th.type != TH_NONE)
				continue;
			r->th = d->th;
		} else if (d->kind == D_RATE) {
			r->rf = (struct rate_filter){
				.new_action = d->new_action, .track = d->th.track,
				.count = d->th.count, .seconds = d->th.seconds,
				.timeout = d->timeout,
			};
		} else if (!d->ip) {
			r->noalert = true;
		} else {
			struct suppress *v = realloc(r->sup, (r->nsup + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			r->sup = v;
			v[r->nsup++] = (struct suppress){ .track = d->track, .ip = d->ip };
		}
		(*changed)++;
	}
	/* the rules point at the address set: the rule set owns it */
	if (d->ip && *changed) {
		struct addr_node **v = realloc(rs->sup_addrs,
					       (rs->nsup_addrs + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		rs->sup_addrs = v;
		v[rs->nsup_addrs++] = d->ip;
		d->ip = NULL;
	}
	return 0;
}

int thresholds_load(struct snet_inspect_ruleset *rs, const struct snet_inspect_config *cfg,
		    const char *path, struct strbuf *msgs)
{
	FILE *f = fopen(path, "r");
	char part[TH_LINE_MAX], line[TH_LINE_MAX];
	unsigned lineno = 0, first = 0;
	size_t len = 0;
	int rc = 0;

	if (!f) {
		rc = -errno;
		strbuf_printf(msgs, "%s: %s\n", path, strerror(-rc));
		return rc;
	}
	while (fgets(part, sizeof(part), f)) {
		lineno++;
		size_t pl = strlen(part);
		if (pl && part[pl - 1] != '\n' && !feof(f)) {
			strbuf_printf(msgs, "%s:%u: line longer than %d bytes\n", path, lineno,
				      TH_LINE_MAX - 2);
			rc = -EINVAL;
			break;
		}
		char *s = trim(part);
		if (!len && (!*s || *s == '#'))
			continue;
		if (!len)
			first = lineno;
		/* a line ending in a backslash goes on */
		size_t sl = strlen(s);
		bool more = sl && s[sl - 1] == '\\';
		if (more)
			s[--sl] = '\0';
		if (len + sl + 2 > sizeof(line)) {
			strbuf_printf(msgs, "%s:%u: entry longer than %d bytes\n", path, first,
				      TH_LINE_MAX - 2);
			rc = -EINVAL;
			break;
		}
		if (len)
			line[len++] = ' ';
		memcpy(line + len, s, sl + 1);
		len += sl;
		if (more)
			continue;
		len = 0;

		struct directive d;
		char err[512];
		size_t changed = 0;
		int drc = parse_directive(cfg, line, &d, err, sizeof(err));
		if (drc) {
			strbuf_printf(msgs, "%s:%u: %s; line ignored\n", path, first, err);
		} else if ((drc = apply(rs, &d, &changed))) {
			rc = drc;
		} else if (!changed && d.gid && d.sid) {
			strbuf_printf(msgs, "%s:%u: no rule %lu:%lu is loaded\n", path, first,
				      d.gid, d.sid);
		}
		addr_free(d.ip);
		if (rc)
			break;
	}
	if (!rc && len)
		strbuf_printf(msgs, "%s:%u: the last entry ends in a backslash\n", path, first);
	fclose(f);
	return rc;
}

bool suppressed(const struct rule *r, const struct ip_addr *src, const struct ip_addr *dst)
{
	for (size_t i = 0; i < r->nsup; i++) {
		const struct suppress *s = &r->sup[i];

		if ((s->track != SUP_DST && addr_match(s->ip, src)) ||
		    (s->track != SUP_SRC && addr_match(s->ip, dst)))
			return true;
	}
	return false;
}
