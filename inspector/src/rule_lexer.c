// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rule lexer: splits "action proto src sport dir dst dport (options)" into
 * its fields and the options into name/value pairs.  As in Suricata, an
 * option ends at a ';' not escaped by a backslash.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_OPTIONS 512

void rule_text_free(struct rule_text *t)
{
	free(t->action);
	free(t->proto);
	free(t->src);
	free(t->sport);
	free(t->dir);
	free(t->dst);
	free(t->dport);
	for (size_t i = 0; i < t->nopts; i++) {
		free(t->opts[i].name);
		free(t->opts[i].value);
	}
	free(t->opts);
	memset(t, 0, sizeof(*t));
}

/* next whitespace-separated header field; a [...] list may hold spaces */
static char *next_field(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
	const char *start = *p;
	int depth = 0;
	while (**p && (depth > 0 || !isspace((unsigned char)**p)) && **p != '(') {
		if (**p == '[')
			depth++;
		else if (**p == ']')
			depth--;
		(*p)++;
	}
	if (*p == start)
		return NULL;
	return xstrndup(start, (size_t)(*p - start));
}

static int add_option(struct rule_text *t, const char *s, size_t n, char *err,
		      size_t errlen)
{
	char *opt = xstrndup(s, n);
	if (!opt)
		return -ENOMEM;
	char *o = trim(opt);
	if (!*o) {
		free(opt);
		return 0;	/* ";;" or trailing ';' before ')' */
	}
	if (t->nopts >= MAX_OPTIONS) {
		free(opt);
		snprintf(err, errlen, "too many options");
		return -EINVAL;
	}
	char *colon = strchr(o, ':');
	char *name = o, *value = NULL;
	if (colon) {
		*colon = 0;
		value = trim(colon + 1);
		name = trim(o);
	}
	for (char *c = name; *c; c++) {
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '.' ||
		      *c == '-')) {
			snprintf(err, errlen, "bad option name '%.40s'", name);
			free(opt);
			return -EINVAL;
		}
	}
	struct rule_option *v = realloc(t->opts, (t->nopts + 1) * sizeof(*v));
	if (!v) {
		free(opt);
		return -ENOMEM;
	}
	t->opts = v;
	v[t->nopts].name = strdup(name);
	v[t->nopts].value = value ? strdup(value) : NULL;
	t->nopts++;
	free(opt);
	if (!v[t->nopts - 1].name || (value && !v[t->nopts - 1].value))
		return -ENOMEM;
	return 0;
}

int rule_lex(const char *line, struct rule_text *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	const char *p = line;
	char **fields[] = { &t->action, &t->proto, &t->src, &t->sport, &t->dir,
			    &t->dst, &t->dport };
	static const char *const fnames[] = { "action", "protocol", "source",
					      "source port", "direction",
					      "destination", "destination port" };
	for (size_t i = 0; i < 7; i++) {
		*fields[i] = next_field(&p);
		if (!*fields[i]) {
			snprintf(err, errlen, "missing %s in rule header", fnames[i]);
			rule_text_free(t);
			return -EINVAL;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '(') {
		snprintf(err, errlen, "expected '(' after the rule header");
		rule_text_free(t);
		return -EINVAL;
	}
	p++;
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (!n || p[n - 1] != ')') {
		snprintf(err, errlen, "rule does not end with ')'");
		rule_text_free(t);
		return -EINVAL;
	}
	n--;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (p[i] == ';') {
			int rc = add_option(t, p + start, i - start, err, errlen);
			if (rc) {
				rule_text_free(t);
				return rc;
			}
			start = i + 1;
		}
	}
	/* text after the last ';' must be blank */
	for (size_t i = start; i < n; i++) {
		if (!isspace((unsigned char)p[i])) {
			snprintf(err, errlen, "option '%.40s' not ended by ';'",
				 p + start);
			rule_text_free(t);
			return -EINVAL;
		}
	}
	return 0;
}
