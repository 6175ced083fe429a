// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-update: flowbit dependencies.  A rule that checks a flowbit (isset,
 * isnotset) means what it says only if the rules that set it run too, so,
 * as suricata-update does, every disabled rule that sets, unsets or toggles
 * a flowbit that an enabled rule checks is enabled, pass after pass until
 * none is left (a rule enabled this way may check flowbits of its own).
 *
 * Unlike suricata-update, which keeps the rule's action, such a rule
 * becomes "alert ... flowbits:noalert;": its only effect is on the
 * flowbits.  A drop, reject or pass rule that the user turned off never
 * acts again without anyone being told.
 */
#include "changes.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOTES 20

/* a flowbit that an enabled rule checks, and the first rule that does */
struct checked {
	char *name;
	size_t order;		/* of the checking rule, for "the first" */
	uint32_t gid, sid;
};

struct checked_set {
	struct checked *v;
	size_t n, cap;
};

static bool is_word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(s, w, n);
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

enum fb_kind { FB_OTHER, FB_CHECK, FB_SET };

/* flowbits:ACTION,NAMES: the kind of ACTION; NAMES goes to *names. */
static enum fb_kind flowbit_kind(const char *val, size_t vlen, const char **names,
				 size_t *nlen)
{
	const char *comma = memchr(val, ',', vlen);

	if (!comma)
		return FB_OTHER;	/* noalert, or a malformed option */
	const char *act = val;
	size_t alen = (size_t)(comma - val);
	trim(&act, &alen);
	*names = comma + 1;
	*nlen = (size_t)(val + vlen - *names);
	if (is_word(act, alen, "isset") || is_word(act, alen, "isnotset"))
		return FB_CHECK;
	if (is_word(act, alen, "set") || is_word(act, alen, "setx") ||
	    is_word(act, alen, "unset") || is_word(act, alen, "toggle"))
		return FB_SET;
	return FB_OTHER;
}

/* Each name of NAMES (a|b and a&b name several); stops at fn's first non-zero. */
static int each_name(const char *s, size_t n, int (*fn)(void *, const char *, size_t),
		     void *user)
{
	for (;;) {
		size_t len = 0;
		while (len < n && s[len] != '|' && s[len] != '&')
			len++;
		const char *name = s;
		size_t nl = len;
		trim(&name, &nl);
		if (nl) {
			int rc = fn(user, name, nl);
			if (rc)
				return rc;
		}
		if (len == n)
			return 0;
		s += len + 1;
		n -= len + 1;
	}
}

/* ---- the flowbits the enabled rules check ---- */

struct collect {
	struct checked_set *set;
	const struct rule_line *r;
	size_t order;
};

static int add_checked(void *user, const char *name, size_t n)
{
	struct collect *c = user;
	struct checked_set *set = c->set;

	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct checked *v = realloc(set->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	char *copy = strndup(name, n);
	if (!copy)
		return -ENOMEM;
	set->v[set->n++] = (struct checked){ copy, c->order, c->r->gid, c->r->sid };
	return 0;
}

/* a rule's flowbits options of one kind: fn on each flowbit they name */
struct fb_walk {
	enum fb_kind kind;
	int (*fn)(void *, const char *, size_t);
	void *user;
};

static int flowbit_option(void *user, const char *name, size_t nlen, const char *val,
			  size_t vlen)
{
	const struct fb_walk *fw = user;
	const char *names = NULL;
	size_t n = 0;

	if (!is_word(name, nlen, "flowbits") || !val ||
	    flowbit_kind(val, vlen, &names, &n) != fw->kind)
		return 0;
	return each_name(names, n, fw->fn, fw->user);
}

static int checked_cmp(const void *a, const void *b)
{
	const struct checked *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->order > y->order) - (x->order < y->order);
}

static void checked_free(struct checked_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i].name);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* Sorted by name, each once, with the first rule (in file order) checking it. */
static int collect_checked(const struct rule_file *files, size_t nfiles,
			   struct checked_set *set)
{
	size_t order = 0;

	for (size_t i = 0; i < nfiles; i++)
		for (size_t j = 0; j < files[i].n; j++, order++) {
			const struct rule_line *r = &files[i].v[j];
			struct collect c = { set, r, order };
			if (!r->is_rule || r->removed || !r->enabled)
				continue;
			struct fb_walk fw = { FB_CHECK, add_checked, &c };
			int rc = rule_each_option(r->text, flowbit_option, &fw);
			if (rc == -ENOMEM)
				return rc;
		}
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), checked_cmp);
	size_t k = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (k && !strcmp(set->v[k - 1].name, set->v[i].name)) {
			free(set->v[i].name);
			continue;
		}
		set->v[k++] = set->v[i];
	}
	set->n = k;
	return 0;
}

/* ---- the disabled rules that set one of them ---- */

struct setter {
	const struct checked_set *set;
	const struct checked *hit;	/* the first checked flowbit it sets */
};

struct name_key {
	const char *s;
	size_t n;
};

/* bsearch over names that are unique: the name alone orders them */
static int name_cmp(const void *k, const void *elem)
{
	const struct name_key *key = k;
	const struct checked *c = elem;
	int r = strncmp(key->s, c->name, key->n);

	if (r)
		return r;
	return c->name[key->n] ? -1 : 0;
}

static int find_name(void *user, const char *name, size_t n)
{
	struct setter *s = user;
	struct name_key key = { name, n };

	s->hit = bsearch(&key, s->set->v, s->set->n, sizeof(*s->set->v), name_cmp);
	return s->hit ? 1 : 0;
}


/*
 * The rule's text as "alert" with flowbits:noalert (added before the
 * closing parenthesis, after a ';' if the last option lacks one).
 */
static int make_silent(struct rule_line *r)
{
	struct rule_info ri;

	if (rule_scan(r->text, &ri))
		return -EINVAL;
	const char *body = r->text + ri.action_len;
	const char *close = strrchr(body, ')');
	if (!close)
		return -EINVAL;
	const char *last = close;
	while (last > body && isspace((unsigned char)last[-1]))
		last--;
	const char *add = ri.noalert ? "" : last > body && last[-1] == ';' ?
			  " flowbits:noalert;" : "; flowbits:noalert;";
	size_t head = (size_t)(last - body), alen = strlen(add);
	size_t tail = strlen(last);
	char *t = malloc(5 + head + alen + tail + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t, "alert", 5);
	memcpy(t + 5, body, head);
	memcpy(t + 5 + head, add, alen);
	memcpy(t + 5 + head + alen, last, tail + 1);
	int rc = rule_line_set_text(r, t);
	if (rc)
		free(t);
	return rc;
}

/* One pass: enables the disabled setters of what set holds; *n counts them. */
static int enable_setters(struct rule_file *files, size_t nfiles,
			  const struct checked_set *set, size_t *n, size_t *noted,
			  struct buf *notes, struct uerr *e)
{
	for (size_t i = 0; i < nfiles; i++)
		for (size_t j = 0; j < files[i].n; j++) {
			struct rule_line *r = &files[i].v[j];
			struct setter s = { .set = set };
			if (!r->is_rule || r->removed || r->enabled)
				continue;
			struct fb_walk fw = { FB_SET, find_name, &s };
			int rc = rule_each_option(r->text, flowbit_option, &fw);
			if (rc == -ENOMEM)
				return uerr_set(e, rc, "out of memory");
			if (!s.hit)
				continue;
			rc = make_silent(r);
			if (rc == -ENOMEM)
				return uerr_set(e, rc, "out of memory");
			if (rc)
				return uerr_set(e, rc, "flowbits: sid %u:%u (%s:%u): cannot rewrite",
						r->gid, r->sid, files[i].name, r->line);
			r->enabled = true;
			(*n)++;
			if ((*noted)++ < MAX_NOTES &&
			    buf_printf(notes, "%s:%u: sid %u:%u enabled without alerts: it sets "
				       "flowbit '%s', which sid %u:%u checks\n", files[i].name,
				       r->line, r->gid, r->sid, s.hit->name, s.hit->gid,
				       s.hit->sid))
				return uerr_set(e, -ENOMEM, "out of memory");
		}
	return 0;
}

int flowbits_resolve(struct rule_file *files, size_t nfiles, size_t *n,
		     struct buf *notes, struct uerr *e)
{
	size_t noted = 0;
	int rc = 0;

	*n = 0;
	for (;;) {
		struct checked_set set = { 0 };
		size_t before = *n;

		if ((rc = collect_checked(files, nfiles, &set)))
			rc = uerr_set(e, rc, "out of memory");
		else if (set.n)
			rc = enable_setters(files, nfiles, &set, n, &noted, notes, e);
		checked_free(&set);
		if (rc || *n == before)
			break;
	}
	if (!rc && noted > MAX_NOTES &&
	    buf_printf(notes, "... and %zu more rules enabled for flowbits\n",
		       noted - MAX_NOTES))
		rc = uerr_set(e, -ENOMEM, "out of memory");
	return rc;
}
