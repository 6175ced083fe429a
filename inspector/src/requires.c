// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suricata's "requires" keyword (7.0.3): a rule names the engine versions
 * and features it is written for, and an engine that does not meet them
 * skips the rule quietly instead of refusing it.  This engine reads the
 * rule language of Suricata 7.0 (requires_version) and provides the
 * features it implements; a rule it skips is counted apart in the load
 * report, not as an error.
 *
 *   requires: feature F[, feature G][, version EXPR]
 *   EXPR: ALT [| ALT]...; ALT: OP V [OP V]...; OP: >= > <= <; V: M[.m[.p]]
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* the Suricata release whose rule language the parser follows */
static const unsigned requires_version[3] = { 7, 0, 17 };

/* what Suricata calls the features this engine has */
static const char *const requires_features[] = { "ja3", "ja4", NULL };

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* "M[.m[.p]]" and an ignored "-suffix", as Suricata reads it */
static const char *parse_version(const char *s, unsigned v[3])
{
	s = skip_space(s);
	for (int i = 0; i < 3; i++) {
		v[i] = 0;
		if (i && *s != '.')
			continue;
		if (i)
			s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		unsigned long x = 0;
		while (isdigit((unsigned char)*s) && x <= 255)
			x = x * 10 + (unsigned)(*s++ - '0');
		if (x > 255)
			return NULL;
		v[i] = (unsigned)x;
	}
	if (*s == '-')
		while (isalnum((unsigned char)*s) || *s == '-' || *s == '.')
			s++;
	return s;
}

static int version_cmp(const unsigned a[3], const unsigned b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/*
 * Does this engine's version satisfy expr?  1 yes, 0 no, -EINVAL when
 * expr is not one.
 */
static int version_ok(const char *expr)
{
	const char *s = skip_space(expr);
	bool any = false, alt = true;
	size_t terms = 0;
	while (*s) {
		if (*s == '|') {
			if (!terms)
				return -EINVAL;
			any |= alt;
			alt = true;
			terms = 0;
			s = skip_space(s + 1);
			continue;
		}
		int op;	/* 0 >=, 1 >, 2 <=, 3 < */
		if (s[0] == '>' || s[0] == '<') {
			bool eq = s[1] == '=';
			op = (s[0] == '<') * 2 + !eq;
			s += 1 + eq;
		} else {
			return -EINVAL;
		}
		unsigned v[3];
		s = parse_version(s, v);
		if (!s)
			return -EINVAL;
		int c = version_cmp(requires_version, v);
		bool ok = op == 0 ? c >= 0 : op == 1 ? c > 0 : op == 2 ? c <= 0 : c < 0;
		alt &= ok;
		terms++;
		s = skip_space(s);
	}
	if (!terms)
		return -EINVAL;
	return any || alt;
}

static bool feature_provided(const char *f)
{
	for (size_t i = 0; requires_features[i]; i++)
		if (!strcmp(f, requires_features[i]))
			return true;
	return false;
}

int requires_check(const char *value, char *why, size_t whylen)
{
	if (!value || !*skip_space(value)) {
		snprintf(why, whylen, "'requires' needs a feature or a version");
		return -EINVAL;
	}
	char *copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	int rc = 0;
	bool have_version = false;
	char unknown[64] = "", missing[64] = "", version[64] = "";
	char *save;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *key = trim(t);
		char *val = key;
		while (isalnum((unsigned char)*val) || *val == '-' || *val == '_')
			val++;
		if (val == key || (*val && !isspace((unsigned char)*val))) {
			snprintf(why, whylen, "requires: '%s' is not 'feature NAME' or "
				 "'version EXPRESSION'", key);
			rc = -EINVAL;
			break;
		}
		if (*val)
			*val++ = 0;
		val = trim(val);
		if (!strcmp(key, "feature")) {
			if (!*val) {
				snprintf(why, whylen, "requires: a feature without a name");
				rc = -EINVAL;
				break;
			}
			if (!missing[0] && !feature_provided(val))
				snprintf(missing, sizeof(missing), "%s", val);
		} else if (!strcmp(key, "version")) {
			if (have_version) {
				snprintf(why, whylen, "requires: the version may be given once");
				rc = -EINVAL;
				break;
			}
			have_version = true;
			int ok = version_ok(val);
			if (ok < 0) {
				snprintf(why, whylen, "requires: bad version expression '%s' "
					 "(OP VERSION..., alternatives separated by '|')", val);
				rc = -EINVAL;
				break;
			}
			if (!ok)
				snprintf(version, sizeof(version), "%s", val);
		} else if (!unknown[0]) {
			/* Suricata skips a rule whose requirement it does not know */
			snprintf(unknown, sizeof(unknown), "%s", key);
		}
	}
	free(copy);
	if (rc)
		return rc;
	/* reported in Suricata's order: unknown, version, feature */
	if (unknown[0])
		snprintf(why, whylen, "requires '%s', which this engine does not know", unknown);
	else if (version[0])
		snprintf(why, whylen, "requires version %s; this engine reads Suricata "
			 "%u.%u.%u's rules", version, requires_version[0], requires_version[1],
			 requires_version[2]);
	else if (missing[0])
		snprintf(why, whylen, "requires feature '%s', which this engine does not have",
			 missing);
	else
		return 0;
	return 1;
}
