// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keywords on the values of the server's certificate, with Suricata's
 * meaning: tls.cert_chain_len (an unsigned integer comparison),
 * tls_cert_notbefore and tls_cert_notafter (date comparisons),
 * tls_cert_expired and tls_cert_valid (notAfter against the packet's
 * time), and the legacy tls.subject, tls.issuerdn, tls.fingerprint
 * (a quoted substring of the value, case sensitive, '!' for its absence).
 * What Suricata's parser refuses, or what would depend on the day the
 * rules are loaded, is refused with the reason.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static struct tls_checks *checks_of(struct rule *r, const char *name)
{
	if (!r->tc && (r->tc = calloc(1, sizeof(*r->tc))))
		r->tc->first = name;
	return r->tc;
}


/* days from 1970-01-01 to y-m-d (proleptic Gregorian; d may overflow the
 * month, as mktime allows) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n digits at most, at least one, within lo..hi */
static int read_field(const char **s, int maxd, int lo, int hi, int *out)
{
	int v = 0, n = 0;
	while (n < maxd && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (!n || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/*
 * A date as Suricata reads one (UTC): digits alone are seconds since the
 * epoch (so "2015" is 1970-01-01T00:33:35), else YYYY-MM[-DD[( |T)HH[:MM[:SS]]]],
 * the first of the month when no day is given.  A time alone would be
 * on the day the rules are loaded: Suricata refuses it, and so does this.
 */
static int parse_date(const char *s, int64_t *out)
{
	const char *p = s;
	while (*p && isdigit((unsigned char)*p))
		p++;
	if (p > s && !*p) {
		if (p - s > 18)
			return -1;
		*out = strtoll(s, NULL, 10);
		return 0;
	}
	int y, mo, d = 1, h = 0, mi = 0, sec = 0;
	p = s;
	if (read_field(&p, 4, 0, 9999, &y) || *p++ != '-' || read_field(&p, 2, 1, 12, &mo))
		return -1;
	if (*p == '-') {
		p++;
		if (read_field(&p, 2, 1, 31, &d))
			return -1;
		if (*p == ' ' || *p == 'T') {
			p++;
			if (read_field(&p, 2, 0, 23, &h))
				return -1;
			if (*p == ':') {
				p++;
				if (read_field(&p, 2, 0, 59, &mi))
					return -1;
				if (*p == ':') {
					p++;
					if (read_field(&p, 2, 0, 61, &sec))
						return -1;
				}
			}
		}
	}
	if (*p)
		return -1;
	*out = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60 + sec;
	return 0;
}

/* [<|>] date [<> date], as Suricata's tls_cert_notbefore/notafter */
static int parse_date_cmp(const char *v, struct date_cmp *c, char *err, size_t errlen,
			  const char *name)
{
	char a[64], b[64];
	const char *p = v, *range;
	while (isspace((unsigned char)*p))
		p++;
	c->op = '=';
	if (*p == '<' || *p == '>') {
		if (p[1] == '>') {
			snprintf(err, errlen, "%s: a range needs a first date", name);
			return -EINVAL;
		}
		c->op = *p++;
	}
	range = strstr(p, "<>");
	size_t an = range ? (size_t)(range - p) : strlen(p);
	if (an >= sizeof(a) || (range && strlen(range + 2) >= sizeof(b)))
		goto bad;
	memcpy(a, p, an);
	a[an] = 0;
	if (range) {
		if (c->op != '=') {
			snprintf(err, errlen, "%s: a range and '%c' in '%s'", name, c->op, v);
			return -EINVAL;
		}
		snprintf(b, sizeof(b), "%s", range + 2);
		c->op = 'R';
	}
	if (parse_date(trim(a), &c->a) || (range && parse_date(trim(b), &c->b)))
		goto bad;
	if (range && c->b <= c->a) {
		snprintf(err, errlen, "%s: the second date of a range must be after the first", name);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not [<|>]date[<>date] (date: seconds since the epoch, "
		 "or YYYY-MM[-DD[ HH[:MM[:SS]]]])", name, v);
	return -EINVAL;
}

static bool date_match(const struct date_cmp *c, int64_t v)
{
	switch (c->op) {
	case '=': return v == c->a;
	case '<': return v <= c->a;	/* as Suricata: inclusive */
	case '>': return v >= c->a;
	case 'R': return v >= c->a && v <= c->b;
	}
	return true;
}

/* the characters Suricata 7's parser takes in each keyword's value */
static bool str_char_ok(enum tls_str_field f, char c)
{
	if ((c >= 'A' && c <= 'z') || isdigit((unsigned char)c) || c == '*')
		return true;
	if (f == TLS_STR_FINGERPRINT)
		return c == ':';
	return isspace((unsigned char)c) || strchr("-.=,@", c);
}

/*
 * tls.subject:"..." and the others, as Suricata 7 reads them: '!' (blanks
 * around it allowed) negates; the value must be in double quotes, not
 * empty, of the characters str_char_ok takes.  A fingerprint's trailing
 * blanks are dropped, as its parser's pattern leaves them out.
 */
static int parse_str_check(struct tls_checks *tc, enum tls_str_field f, const char *name,
			   const char *v, char *err, size_t errlen)
{
	const char *p = v;
	bool neg = kw_negated(&p);
	size_t n = strlen(p);
	while (n && isblank((unsigned char)p[n - 1]))
		n--;
	if (n < 2 || p[0] != '"' || p[n - 1] != '"') {
		snprintf(err, errlen, "%s: the value must be in double quotes ('%s')", name, v);
		return -EINVAL;
	}
	p++;
	n -= 2;
	if (f == TLS_STR_FINGERPRINT)
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
	if (!n) {
		snprintf(err, errlen, "%s: empty value", name);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!str_char_ok(f, p[i])) {
			snprintf(err, errlen, "%s: '%c' is not taken in the value (Suricata's "
				 "legacy keyword: letters, digits, %s)", name, p[i],
				 f == TLS_STR_FINGERPRINT ? "':' and '*'" : "blanks and - . = , * @");
			return -EINVAL;
		}
	struct tls_str_check *strs = realloc(tc->strs, (tc->nstrs + 1) * sizeof(*strs));
	if (!strs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	tc->strs = strs;
	char *val = strndup(p, n);
	if (!val) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	strs[tc->nstrs++] = (struct tls_str_check){ .field = f, .negated = neg, .value = val };
	return 0;
}

int tlskw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen)
{
	static const char *const names[] = {
		"tls.cert_chain_len", "tls_cert_notbefore", "tls_cert_notafter",
		"tls_cert_expired", "tls_cert_valid",
		"tls.subject", "tls.issuerdn", "tls.fingerprint",
	};
	int k = kw_index(name, names, sizeof(names) / sizeof(names[0]));
	if (k < 0)
		return -ENOENT;
	struct tls_checks *tc = checks_of(r, names[k]);
	if (!tc) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (k >= 5) {
		if (!v) {
			snprintf(err, errlen, "'%s' needs a value", name);
			return -EINVAL;
		}
		return parse_str_check(tc, (enum tls_str_field)(k - 5), name, v, err, errlen);
	}
	if (k >= 3) {
		if (v) {
			snprintf(err, errlen, "'%s' takes no value", name);
			return -EINVAL;
		}
		if (k == 3)
			tc->expired = true;
		else
			tc->valid = true;
		return 0;
	}
	if (!v) {
		snprintf(err, errlen, "'%s' needs a value", name);
		return -EINVAL;
	}
	if (k == 0) {
		if (tc->chain_len_set) {
			snprintf(err, errlen, "'%s' given twice", name);
			return -EINVAL;
		}
		if (uint_cmp_parse(v, UINT32_MAX, &tc->chain_len)) {
			snprintf(err, errlen, "%s: '%s' is not N, =N, !N, <N, <=N, >N, >=N, N-M, "
				 "N<>M or !N-M", name, v);
			return -EINVAL;
		}
		tc->chain_len_set = true;
		return 0;
	}
	struct date_cmp *c = k == 1 ? &tc->notbefore : &tc->notafter;
	if (c->op) {
		snprintf(err, errlen, "'%s' given twice", name);
		return -EINVAL;
	}
	return parse_date_cmp(v, c, err, errlen, name);
}

/* Suricata's: a certificate without the value matches neither form */
static bool str_match(const struct tls_str_check *c, const struct tls_server *s)
{
	const char *have = c->field == TLS_STR_SUBJECT ? s->subject :
			   c->field == TLS_STR_ISSUER ? s->issuer : s->fingerprint;
	if (!*have)
		return false;
	return (strstr(have, c->value) != NULL) != c->negated;
}

bool tlskw_match(const struct tls_checks *tc, const struct tls_server *s, int64_t now)
{
	if (!s)
		return false;
	for (size_t i = 0; i < tc->nstrs; i++)
		if (!str_match(&tc->strs[i], s))
			return false;
	if (tc->chain_len_set && !uint_cmp_match(&tc->chain_len, s->nchain))
		return false;
	/* an unreadable date matches nothing, as Suricata's 0 */
	if (tc->notbefore.op && (!s->not_before || !date_match(&tc->notbefore, s->not_before)))
		return false;
	if (tc->notafter.op && (!s->not_after || !date_match(&tc->notafter, s->not_after)))
		return false;
	if (tc->expired && (!s->not_after || now <= s->not_after))
		return false;
	if (tc->valid && (!s->not_after || now > s->not_after))
		return false;
	return true;
}

void tlskw_free(struct tls_checks *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; i < tc->nstrs; i++)
		free(tc->strs[i].value);
	free(tc->strs);
	free(tc);
}
