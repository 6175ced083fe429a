// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: rule files as text, and suricata-update's local changes. */
#include "changes.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* bounds that keep a hostile modify.conf or regex from eating the machine */
#define MAX_RULE_TEXT (1u << 20)
#define RE_MATCH_LIMIT 1000000
#define RE_DEPTH_LIMIT 10000
#define MAX_NOTES 20

enum mtype { M_ALL, M_IDS, M_RE, M_GROUP, M_FILENAME, M_METADATA };

struct id_entry {
	uint32_t gid, sid, rev;
	bool has_rev;
};

struct matcher {
	enum mtype type;
	const char *file;		/* the changes file, for messages */
	unsigned line;
	char *text;			/* as written, for messages */
	struct id_entry *ids;
	size_t nids;
	pcre2_code *re;
	pcre2_match_data *md;
	char *glob;
	char *key, *value;		/* metadata */
	size_t hits;
};

struct modify {
	struct matcher m;
	pcre2_code *from;
	char *to;			/* in pcre2_substitute's syntax */
	size_t changed;
};

/* ---- rules ---------------------------------------------------------------- */

static const char *const actions[] = {
	"alert", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth", "pass",
};

/* Each "name[:value];" between the rule's parentheses.  As in Suricata, a
 * value ends at the first ';' not escaped with '\' (quotes do not protect
 * it: pcre:"/['"]/" is common). */
static int each_option(const char *p, const char *end, rule_option_fn fn, void *user)
{
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end)
			break;
		const char *name = p;
		while (p < end && *p != ':' && *p != ';')
			p++;
		const char *nend = p;
		while (nend > name && isspace((unsigned char)nend[-1]))
			nend--;
		const char *val = NULL;
		size_t vlen = 0;
		if (p < end && *p == ':') {
			val = ++p;
			while (p < end && *p != ';') {
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
			}
			const char *vend = p < end ? p : end;
			while (val < vend && isspace((unsigned char)*val))
				val++;
			while (vend > val && isspace((unsigned char)vend[-1]))
				vend--;
			vlen = (size_t)(vend - val);
		}
		if (p < end)
			p++;	/* the ';' */
		int rc = fn(user, name, (size_t)(nend - name), val, vlen);
		if (rc)
			return rc;
	}
	return 0;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(s, w, n);
}

static int parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

struct scan_state {
	struct rule_info *ri;
	bool have_sid;
	bool bad;
};

static int scan_option(void *user, const char *name, size_t nlen, const char *val, size_t vlen)
{
	struct scan_state *s = user;

	if (word_is(name, nlen, "sid")) {
		if (!val || parse_u32(val, vlen, &s->ri->sid) || s->have_sid)
			s->bad = true;
		s->have_sid = true;
	} else if (word_is(name, nlen, "gid")) {
		if (!val || parse_u32(val, vlen, &s->ri->gid))
			s->bad = true;
	} else if (word_is(name, nlen, "rev")) {
		if (!val || parse_u32(val, vlen, &s->ri->rev))
			s->bad = true;
	} else if (word_is(name, nlen, "noalert")) {
		s->ri->noalert = true;
	} else if (word_is(name, nlen, "flowbits") && val) {
		/* flowbits:noalert, or flowbits:set,x; flowbits:noalert */
		for (size_t i = 0; i + 7 <= vlen; i++)
			if (!memcmp(val + i, "noalert", 7))
				s->ri->noalert = true;
	}
	return 0;
}

int rule_scan(const char *text, struct rule_info *ri)
{
	const char *p = text;
	size_t al = 0, i;

	memset(ri, 0, sizeof(*ri));
	ri->gid = 1;
	while (p[al] >= 'a' && p[al] <= 'z')
		al++;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (word_is(p, al, actions[i]))
			break;
	if (i == sizeof(actions) / sizeof(actions[0]) || (p[al] != ' ' && p[al] != '\t'))
		return -EINVAL;
	const char *open = strchr(p, '(');
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (!open || n == 0 || p[n - 1] != ')' || p + n - 1 <= open)
		return -EINVAL;
	/* the header (proto, addresses, ports) has no parentheses */
	for (const char *h = p + al; h < open; h++)
		if (*h == ')')
			return -EINVAL;
	struct scan_state s = { .ri = ri };
	each_option(open + 1, p + n - 1, scan_option, &s);
	if (!s.have_sid || s.bad || ri->sid == 0)
		return -EINVAL;
	ri->action_len = al;
	return 0;
}

int rule_each_option(const char *text, rule_option_fn fn, void *user)
{
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');

	if (!open || !close || close <= open)
		return -EINVAL;
	return each_option(open + 1, close, fn, user);
}

/*
 * One logical line (continuations joined) of a rules file.  raw is the same
 * line as it was written, physical lines and their backslashes included: a
 * line that is not a rule is written back that way, because its joined text
 * may itself end in a backslash and would then swallow the line after it.
 */
static int add_line(struct rule_file *f, size_t *cap, const char *s, size_t n,
		    const char *raw, size_t rawn, unsigned line)
{
	if (f->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct rule_line *nv = realloc(f->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		f->v = nv;
		*cap = nc;
	}
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	struct rule_line *r = &f->v[f->n];
	memset(r, 0, sizeof(*r));
	r->line = line;
	const char *t = s, *tend = s + n;
	while (t < tend && isspace((unsigned char)*t))
		t++;
	bool commented = t < tend && *t == '#';
	while (t < tend && (*t == '#' || isspace((unsigned char)*t)))
		t++;
	struct rule_info ri;
	char *body = strndup(t, (size_t)(tend - t));
	if (!body)
		return -ENOMEM;
	if (rule_scan(body, &ri) == 0) {
		r->text = body;
		r->is_rule = true;
		r->enabled = !commented;
		r->gid = ri.gid;
		r->sid = ri.sid;
		r->rev = ri.rev;
		r->noalert = ri.noalert;
	} else {
		free(body);
		/* a comment or something the engine will judge: kept as it is */
		if (!(r->text = strndup(raw, rawn)))
			return -ENOMEM;
	}
	f->n++;
	return 0;
}

int rules_parse(struct rule_file *f, const char *name, const char *source, const char *text,
		size_t len, struct uerr *e)
{
	struct buf acc = { 0 }, raw = { 0 };
	size_t cap = 0;
	unsigned lineno = 0, start = 0;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	const char *nul = memchr(text, 0, len);
	if (nul)
		return uerr_set(e, -EINVAL, "%s: binary data (a NUL byte at offset %zu)", name,
				(size_t)(nul - text));
	f->name = strdup(name);
	f->source = strdup(source);
	if (!f->name || !f->source) {
		rule_file_free(f);
		return uerr_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < len && !rc;) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		lineno++;
		if (!acc.len)
			start = lineno;
		size_t n = eol - i;
		while (n && text[i + n - 1] == '\r')	/* as the engine: every CR */
			n--;
		/* a trailing backslash continues on the next line, as the engine reads
		 * it (at the end of the file too: the backslash is dropped) */
		bool cont = n && text[i + n - 1] == '\\';
		rc = buf_append(&acc, text + i, cont ? n - 1 : n);
		if (!rc && raw.len)
			rc = buf_append(&raw, "\n", 1);
		if (!rc)
			rc = buf_append(&raw, text + i, n);
		if (!rc && !cont) {
			rc = add_line(f, &cap, acc.data ? acc.data : "", acc.len,
				      raw.data ? raw.data : "", raw.len, start);
			acc.len = 0;
			raw.len = 0;
		}
		i = eol + 1;
	}
	if (!rc && (acc.len || raw.len))
		rc = add_line(f, &cap, acc.data ? acc.data : "", acc.len,
			      raw.data ? raw.data : "", raw.len, start);
	buf_free(&acc);
	buf_free(&raw);
	if (rc) {
		rule_file_free(f);
		return uerr_set(e, rc, "%s: out of memory", name);
	}
	return 0;
}

int rules_format(const struct rule_file *f, struct buf *out)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct rule_line *r = &f->v[i];
		int rc = 0;
		if (r->removed)
			continue;
		if (r->is_rule && !r->enabled)
			rc = buf_puts(out, "# ");
		if (!rc)
			rc = buf_puts(out, r->text);
		if (!rc)
			rc = buf_puts(out, "\n");
		if (rc)
			return rc;
	}
	return 0;
}

void rule_file_free(struct rule_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	free(f->name);
	free(f->source);
	memset(f, 0, sizeof(*f));
}

/* ---- selectors ------------------------------------------------------------ */

static void matcher_free(struct matcher *m)
{
	free(m->text);
	free(m->ids);
	pcre2_code_free(m->re);
	pcre2_match_data_free(m->md);
	free(m->glob);
	free(m->key);
	free(m->value);
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* "2019401", "1:2019401", "1:2019401:3", comma-separated; 1 if it is one */
static int parse_ids(struct matcher *m, const char *s)
{
	size_t cap = 0;

	for (const char *p = s;;) {
		size_t n = strcspn(p, ",");
		uint32_t part[3];
		size_t np = 0;
		const char *q = p, *end = p + n;
		while (q < end && isspace((unsigned char)*q))
			q++;
		while (end > q && isspace((unsigned char)end[-1]))
			end--;
		while (q <= end) {
			size_t c = 0;
			while (q + c < end && q[c] != ':')
				c++;
			if (np == 3 || parse_u32(q, c, &part[np]))
				return 0;
			np++;
			q += c + 1;
		}
		if (np == 0)
			return 0;
		if (m->nids == cap) {
			cap = cap ? cap * 2 : 4;
			struct id_entry *nv = realloc(m->ids, cap * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			m->ids = nv;
		}
		struct id_entry *id = &m->ids[m->nids++];
		memset(id, 0, sizeof(*id));
		if (np == 1) {
			id->gid = 1;
			id->sid = part[0];
		} else {
			id->gid = part[0];
			id->sid = part[1];
			if (np == 3) {
				id->rev = part[2];
				id->has_rev = true;
			}
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	return 1;
}

static int compile_re(const char *pat, uint32_t flags, pcre2_code **out, const char *what,
		      struct uerr *e)
{
	int err;
	PCRE2_SIZE off;

	*out = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, flags, &err, &off, NULL);
	if (!*out) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		return uerr_set(e, -EINVAL, "%s '%s' does not compile: %s (at offset %zu)", what,
				pat, (char *)msg, (size_t)off);
	}
	return 0;
}

static bool starts(const char *s, const char *pfx)
{
	return !strncmp(s, pfx, strlen(pfx));
}

static bool ends(const char *s, const char *sfx)
{
	size_t a = strlen(s), b = strlen(sfx);
	return a >= b && !strcmp(s + a - b, sfx);
}

/* One selector; the message says what was expected. */
static int parse_selector(struct matcher *m, const char *s, unsigned line, struct uerr *e)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->line = line;
	if (!(m->text = strdup(s)))
		return uerr_set(e, -ENOMEM, "out of memory");
	if (!strcmp(s, "*")) {
		m->type = M_ALL;
		return 0;
	}
	rc = parse_ids(m, s);
	if (rc < 0)
		return uerr_set(e, rc, "out of memory");
	if (rc == 1) {
		m->type = M_IDS;
		return 0;
	}
	free(m->ids);
	m->ids = NULL;
	m->nids = 0;
	if (starts(s, "re:")) {
		m->type = M_RE;
		char *pat = trim_dup(s + 3, strlen(s + 3));
		if (!pat)
			return uerr_set(e, -ENOMEM, "out of memory");
		if (!*pat) {
			free(pat);
			return uerr_set(e, -EINVAL, "'re:' needs a regular expression");
		}
		rc = compile_re(pat, PCRE2_CASELESS, &m->re, "re:", e);
		free(pat);
		if (rc)
			return rc;
		if (!(m->md = pcre2_match_data_create_from_pattern(m->re, NULL)))
			return uerr_set(e, -ENOMEM, "out of memory");
		return 0;
	}
	if (starts(s, "filename:") || starts(s, "group:") || ends(s, ".rules")) {
		const char *g = starts(s, "filename:") ? s + 9 : starts(s, "group:") ? s + 6 : s;
		m->type = starts(s, "filename:") ? M_FILENAME : M_GROUP;
		if (!(m->glob = trim_dup(g, strlen(g))))
			return uerr_set(e, -ENOMEM, "out of memory");
		if (!*m->glob)
			return uerr_set(e, -EINVAL, "'%s' needs a file name pattern", s);
		return 0;
	}
	if (starts(s, "metadata:")) {
		m->type = M_METADATA;
		const char *kv = s + 9;
		while (isspace((unsigned char)*kv))
			kv++;
		size_t k = strcspn(kv, " \t");
		if (!kv[k] || !(m->key = strndup(kv, k)) ||
		    !(m->value = trim_dup(kv + k, strlen(kv + k))) || !*m->value)
			return uerr_set(e, -EINVAL, "'metadata:' needs a key and a value, like "
					"'metadata: deployment perimeter'");
		return 0;
	}
	return uerr_set(e, -EINVAL, "'%s' is not a rule selector (expected *, a sid like "
			"2019401 or 1:2019401, re:REGEX, group:FILE, filename:FILE, FILE.rules "
			"or metadata:KEY VALUE)", s);
}

/* ---- modify lines --------------------------------------------------------- */

/* Split like Python's shlex.split (POSIX); a '#' starting a word ends the line. */
static int push_word(char ***v, size_t *n, struct buf *w)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strndup(w->data ? w->data : "", w->len)))
		return -ENOMEM;
	(*n)++;
	w->len = 0;
	return 0;
}

/* Split like Python's shlex.split (POSIX); a '#' starting a word ends the line. */
static int split_words(const char *s, char ***out, size_t *nout, struct uerr *e)
{
	struct buf w = { 0 };
	char **v = NULL;
	size_t n = 0;
	bool in_word = false;
	int rc = 0;

	for (const char *p = s; !rc; p++) {
		char c = *p;
		if (!c || c == ' ' || c == '\t' || (c == '#' && !in_word)) {
			if (in_word)
				rc = push_word(&v, &n, &w);
			in_word = false;
			if (!c || c == '#')
				break;
			continue;
		}
		in_word = true;
		if (c == '\\') {
			if (!p[1])
				rc = uerr_set(e, -EINVAL, "ends with a lone backslash");
			else
				rc = buf_append(&w, ++p, 1);
		} else if (c == '"' || c == '\'') {
			/* in double quotes only \" and \\ are escapes, as in POSIX sh */
			for (p++; *p && *p != c && !rc; p++) {
				if (c == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				rc = buf_append(&w, p, 1);
			}
			if (!rc && !*p)
				rc = uerr_set(e, -EINVAL, "no closing quotation mark");
		} else {
			rc = buf_append(&w, p, 1);
		}
	}
	buf_free(&w);
	if (rc) {
		if (rc == -ENOMEM)
			uerr_set(e, rc, "out of memory");
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

static int group_ref(const pcre2_code *re, const char *name, size_t n, struct buf *out,
		     struct uerr *e)
{
	uint32_t count = 0, num;
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return uerr_set(e, -EINVAL, "bad group reference");
	memcpy(tmp, name, n);
	tmp[n] = 0;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &count);
	if (isdigit((unsigned char)tmp[0])) {
		if (parse_u32(tmp, n, &num) || num > count)
			return uerr_set(e, -EINVAL, "the replacement refers to group %s, but the "
					"expression has %u", tmp, count);
	} else {
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)tmp[i]) && tmp[i] != '_')
				return uerr_set(e, -EINVAL, "bad group name '%s'", tmp);
		if (pcre2_substring_number_from_name(re, (PCRE2_SPTR)tmp) < 0)
			return uerr_set(e, -EINVAL, "the replacement refers to group '%s', which "
					"the expression does not have", tmp);
	}
	return buf_printf(out, "${%s}", tmp) ? uerr_set(e, -ENOMEM, "out of memory") : 0;
}

/* Python's re.sub replacement (\1, \g<1>, \g<name>; Oinkmaster ${1}) into
 * pcre2_substitute's ($ is the only special character there). */
static int convert_replacement(const pcre2_code *re, const char *to, char **out, struct uerr *e)
{
	struct buf b = { 0 };
	int rc = 0;

	for (const char *p = to; *p && !rc; p++) {
		if (*p == '$' && p[1] == '{' && isdigit((unsigned char)p[2])) {
			const char *close = strchr(p, '}');
			if (!close)
				rc = uerr_set(e, -EINVAL, "'${' without '}'");
			else
				rc = group_ref(re, p + 2, (size_t)(close - p - 2), &b, e);
			if (!rc)
				p = close;
		} else if (*p == '$') {
			rc = buf_puts(&b, "$$");
		} else if (*p != '\\') {
			rc = buf_append(&b, p, 1);
		} else if (!p[1]) {
			rc = uerr_set(e, -EINVAL, "the replacement ends with a lone backslash");
		} else if (p[1] == '0') {
			rc = uerr_set(e, -EINVAL, "\\0 in the replacement is not supported");
		} else if (isdigit((unsigned char)p[1])) {
			size_t n = isdigit((unsigned char)p[2]) ? 2 : 1;
			rc = group_ref(re, p + 1, n, &b, e);
			p += n;
		} else if (p[1] == 'g') {
			const char *close = p[2] == '<' ? strchr(p + 3, '>') : NULL;
			if (!close)
				rc = uerr_set(e, -EINVAL, "\\g must be followed by <group>");
			else
				rc = group_ref(re, p + 3, (size_t)(close - p - 3), &b, e);
			if (!rc)
				p = close;
		} else if (p[1] == '\\') {
			rc = buf_puts(&b, "\\");
			p++;
		} else if (p[1] == 't') {
			rc = buf_puts(&b, "\t");
			p++;
		} else if (isalpha((unsigned char)p[1])) {
			rc = uerr_set(e, -EINVAL, "bad escape \\%c in the replacement (a rule is one "
				      "line; groups are \\1 or \\g<name>)", p[1]);
		} else {
			/* Python keeps unknown non-letter escapes (\; \|) as they are */
			rc = buf_append(&b, p, 2);
			p++;
		}
		if (rc == -ENOMEM)
			uerr_set(e, rc, "out of memory");
	}
	if (!rc && buf_terminate(&b))
		rc = uerr_set(e, -ENOMEM, "out of memory");
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = b.data;
	return 0;
}

static int parse_modify(struct modify *mod, char *line, unsigned lineno, struct uerr *e)
{
	char **w = NULL;
	size_t n = 0;
	int rc;

	memset(mod, 0, sizeof(*mod));
	/* suricata-update lets "\$" stand for "$" (for shells and puppet) */
	for (char *p = line, *q = line;; p++) {
		if (*p == '\\' && p[1] == '$')
			p++;
		*q++ = *p;
		if (!*p)
			break;
	}
	if ((rc = split_words(line, &w, &n, e)))
		return rc;
	const char *sel, *from, *to;
	if (n == 3) {
		sel = w[0];
		from = w[1];
		to = w[2];
	} else if (n == 5 && !strcmp(w[0], "modifysid") && !strcmp(w[3], "|")) {
		sel = w[1];
		from = w[2];
		to = w[4];
	} else {
		rc = uerr_set(e, -EINVAL, "expected SELECTOR \"FROM\" \"TO\" (found %zu fields)", n);
		goto out;
	}
	if ((rc = parse_selector(&mod->m, sel, lineno, e)))
		goto out;
	if (!*from) {
		rc = uerr_set(e, -EINVAL, "empty FROM expression");
		goto out;
	}
	if ((rc = compile_re(from, 0, &mod->from, "FROM", e)))
		goto out;
	rc = convert_replacement(mod->from, to, &mod->to, e);
out:
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return rc;
}

static void modify_free(struct modify *mod)
{
	matcher_free(&mod->m);
	pcre2_code_free(mod->from);
	free(mod->to);
}

int changes_parse(struct changes *ch, enum change_kind kind, const char *name, const char *text,
		  struct uerr *e)
{
	unsigned lineno = 0;
	int rc = 0;

	if (!(ch->file[kind] = strdup(name)))
		return uerr_set(e, -ENOMEM, "out of memory");
	for (const char *p = text; *p && !rc;) {
		size_t n = strcspn(p, "\n");
		char *line = trim_dup(p, n);
		lineno++;
		p += n;
		if (*p)
			p++;
		if (!line)
			return uerr_set(e, -ENOMEM, "out of memory");
		if (!*line || *line == '#') {
			free(line);
			continue;
		}
		if (kind == CHANGE_MODIFY) {
			struct modify *nv = realloc(ch->mods, (ch->nmods + 1) * sizeof(*nv));
			if (!nv) {
				free(line);
				return uerr_set(e, -ENOMEM, "out of memory");
			}
			ch->mods = nv;
			rc = parse_modify(&ch->mods[ch->nmods], line, lineno, e);
			ch->mods[ch->nmods].m.file = ch->file[kind];
			ch->nmods++;	/* even half-parsed: changes_free() frees it */
		} else {
			/* suricata-update: " #" starts a comment on a selector line */
			char *hash = strstr(line, " #");
			char *tab = strstr(line, "\t#");
			if (tab && (!hash || tab < hash))
				hash = tab;
			if (hash)
				*hash = 0;
			char *sel = trim_dup(line, strlen(line));
			struct matcher *nv = realloc(ch->m[kind], (ch->n[kind] + 1) * sizeof(*nv));
			if (!sel || !nv) {
				free(sel);
				if (nv)
					ch->m[kind] = nv;
				free(line);
				return uerr_set(e, -ENOMEM, "out of memory");
			}
			ch->m[kind] = nv;
			rc = parse_selector(&ch->m[kind][ch->n[kind]], sel, lineno, e);
			ch->m[kind][ch->n[kind]].file = ch->file[kind];
			ch->n[kind]++;
			free(sel);
		}
		free(line);
		if (rc)
			uerr_prefix(e, rc, "%s:%u", name, lineno);
	}
	return rc;
}

void changes_free(struct changes *ch)
{
	for (int k = 0; k < CHANGE_KINDS; k++) {
		for (size_t i = 0; i < ch->n[k]; i++)
			matcher_free(&ch->m[k][i]);
		free(ch->m[k]);
		free(ch->file[k]);
	}
	for (size_t i = 0; i < ch->nmods; i++)
		modify_free(&ch->mods[i]);
	free(ch->mods);
	memset(ch, 0, sizeof(*ch));
}

/* ---- applying ------------------------------------------------------------- */

struct meta_match {
	const struct matcher *m;
	bool hit;
};

/* metadata: a, b c, ... : each entry is "key value" */
static int meta_option(void *user, const char *name, size_t nlen, const char *val, size_t vlen)
{
	struct meta_match *mm = user;

	if (!word_is(name, nlen, "metadata") || !val)
		return 0;
	for (size_t i = 0; i < vlen;) {
		size_t j = i;
		while (j < vlen && val[j] != ',')
			j++;
		const char *a = val + i, *b = val + j;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		const char *sp = a;
		while (sp < b && *sp != ' ')
			sp++;
		const char *v = sp;
		while (v < b && isspace((unsigned char)*v))
			v++;
		size_t kl = strlen(mm->m->key), vl = strlen(mm->m->value);
		if ((size_t)(sp - a) == kl && !strncasecmp(a, mm->m->key, kl) &&
		    (size_t)(b - v) == vl && !strncasecmp(v, mm->m->value, vl)) {
			mm->hit = true;
			return 1;
		}
		i = j + 1;
	}
	return 0;
}

static int matches(struct matcher *m, const struct rule_file *f, const struct rule_line *r,
		   pcre2_match_context *mc, bool *hit, struct uerr *e)
{
	*hit = false;
	switch (m->type) {
	case M_ALL:
		*hit = true;
		break;
	case M_IDS:
		for (size_t i = 0; i < m->nids && !*hit; i++)
			*hit = m->ids[i].gid == r->gid && m->ids[i].sid == r->sid &&
			       (!m->ids[i].has_rev || m->ids[i].rev == r->rev);
		break;
	case M_RE: {
		int rc = pcre2_match(m->re, (PCRE2_SPTR)r->text, strlen(r->text), 0, 0, m->md, mc);
		if (rc >= 0) {
			*hit = true;
		} else if (rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof(msg));
			return uerr_set(e, -EINVAL, "%s:%u: '%s' on sid %u (%s:%u): %s", m->file,
					m->line, m->text, r->sid, f->name, r->line, (char *)msg);
		}
		break;
	}
	case M_GROUP: {
		char base[512];
		snprintf(base, sizeof(base), "%s", f->name);
		char *dot = strrchr(base, '.');
		*hit = !fnmatch(m->glob, f->name, 0);
		if (!*hit && dot && dot != base) {
			*dot = 0;
			*hit = !fnmatch(m->glob, base, 0);
		}
		break;
	}
	case M_FILENAME:
		*hit = !fnmatch(m->glob, f->name, 0);
		break;
	case M_METADATA: {
		struct meta_match mm = { .m = m };
		const char *open = strchr(r->text, '(');
		const char *close = strrchr(r->text, ')');
		if (open && close && close > open)
			each_option(open + 1, close, meta_option, &mm);
		*hit = mm.hit;
		break;
	}
	}
	if (*hit)
		m->hits++;
	return 0;
}

static int any_match(struct matcher *v, size_t n, const struct rule_file *f,
		     const struct rule_line *r, pcre2_match_context *mc, bool *hit,
		     struct uerr *e)
{
	bool h;

	*hit = false;
	/* every selector is tried, so each knows whether it matched anything */
	for (size_t i = 0; i < n; i++) {
		int rc = matches(&v[i], f, r, mc, &h, e);
		if (rc)
			return rc;
		*hit |= h;
	}
	return 0;
}

int rule_line_set_text(struct rule_line *r, char *text)
{
	struct rule_info ri;

	if (rule_scan(text, &ri))
		return -EINVAL;
	free(r->text);
	r->text = text;
	r->gid = ri.gid;
	r->sid = ri.sid;
	r->rev = ri.rev;
	r->noalert = ri.noalert;
	return 0;
}

static int to_drop(struct rule_line *r, bool *changed)
{
	struct rule_info ri;

	*changed = false;
	if (rule_scan(r->text, &ri))
		return -EINVAL;
	if (word_is(r->text, ri.action_len, "drop"))
		return 0;
	size_t rest = strlen(r->text) - ri.action_len;
	char *t = malloc(4 + rest + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t, "drop", 4);
	memcpy(t + 4, r->text + ri.action_len, rest + 1);
	int rc = rule_line_set_text(r, t);
	if (rc)
		free(t);
	*changed = !rc;
	return rc;
}

static int apply_modify(struct modify *mod, const char *file, const struct rule_file *f,
			struct rule_line *r, pcre2_match_context *mc, bool *changed,
			struct uerr *e)
{
	size_t len = strlen(r->text);
	PCRE2_SIZE outlen = len * 2 + 256;
	char *out = NULL;
	int rc;

	*changed = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (outlen > MAX_RULE_TEXT)
			return uerr_set(e, -EFBIG, "%s:%u: on sid %u (%s:%u) the rule would grow "
					"past %u bytes", file, mod->m.line, r->sid, f->name,
					r->line, MAX_RULE_TEXT);
		free(out);
		out = malloc(outlen + 1);
		if (!out)
			return uerr_set(e, -ENOMEM, "out of memory");
		PCRE2_SIZE cap = outlen + 1;
		rc = pcre2_substitute(mod->from, (PCRE2_SPTR)r->text, len, 0,
				      PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
				      NULL, mc, (PCRE2_SPTR)mod->to, PCRE2_ZERO_TERMINATED,
				      (PCRE2_UCHAR *)out, &cap);
		if (rc == PCRE2_ERROR_NOMEMORY) {
			outlen = cap;
			continue;
		}
		outlen = cap;
		break;
	}
	if (rc < 0) {
		PCRE2_UCHAR msg[256];
		free(out);
		pcre2_get_error_message(rc, msg, sizeof(msg));
		return uerr_set(e, -EINVAL, "%s:%u: on sid %u (%s:%u): %s", file, mod->m.line,
				r->sid, f->name, r->line, (char *)msg);
	}
	out[outlen] = 0;
	if (rc == 0 || !strcmp(out, r->text)) {
		free(out);
		return 0;
	}
	if (strlen(out) != outlen || strpbrk(out, "\r\n")) {
		free(out);
		return uerr_set(e, -EINVAL, "%s:%u: on sid %u (%s:%u) the result has a line "
				"break or NUL byte", file, mod->m.line, r->sid, f->name, r->line);
	}
	if (rule_line_set_text(r, out)) {
		rc = uerr_set(e, -EINVAL, "%s:%u: on sid %u (%s:%u) the result is no longer a rule "
			      "(action, header, options with a sid): %.200s", file, mod->m.line,
			      r->sid, f->name, r->line, out);
		free(out);
		return rc;
	}
	*changed = true;
	mod->changed++;
	return 0;
}

struct rule_ref {
	uint32_t gid, sid;
	size_t fi, li;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	if (x->fi != y->fi)
		return x->fi < y->fi ? -1 : 1;
	return x->li < y->li ? -1 : x->li > y->li;
}

/* Same gid:sid more than once: the highest rev stays, the first on a tie. */
static int dedup(struct rule_file *files, size_t nfiles, struct change_stats *st,
		 struct buf *notes)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < nfiles; i++)
		for (size_t j = 0; j < files[i].n; j++)
			n += files[i].v[j].is_rule;
	if (!n)
		return 0;
	struct rule_ref *refs = malloc(n * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (size_t i = 0; i < nfiles; i++)
		for (size_t j = 0; j < files[i].n; j++)
			if (files[i].v[j].is_rule)
				refs[k++] = (struct rule_ref){ files[i].v[j].gid,
							       files[i].v[j].sid, i, j };
	qsort(refs, n, sizeof(*refs), ref_cmp);
	size_t noted = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a + 1, best = a;
		while (b < n && refs[b].gid == refs[a].gid && refs[b].sid == refs[a].sid) {
			if (files[refs[b].fi].v[refs[b].li].rev > files[refs[best].fi].v[refs[best].li].rev)
				best = b;
			b++;
		}
		for (size_t i = a; i < b; i++) {
			if (i == best)
				continue;
			struct rule_line *lost = &files[refs[i].fi].v[refs[i].li];
			const struct rule_line *kept = &files[refs[best].fi].v[refs[best].li];
			lost->removed = true;
			st->duplicates++;
			if (noted++ < MAX_NOTES &&
			    buf_printf(notes, "duplicate sid %u:%u: kept rev %u (%s:%u), removed "
				       "rev %u (%s:%u)\n", lost->gid, lost->sid, kept->rev,
				       files[refs[best].fi].name, kept->line, lost->rev,
				       files[refs[i].fi].name, lost->line)) {
				free(refs);
				return -ENOMEM;
			}
		}
		a = b;
	}
	int rc = 0;
	if (noted > MAX_NOTES)
		rc = buf_printf(notes, "... and %zu more duplicate sids\n", noted - MAX_NOTES);
	free(refs);
	return rc;
}

static int note_unused(const struct changes *ch, struct buf *notes)
{
	for (int k = 0; k < CHANGE_KINDS; k++)
		for (size_t i = 0; i < ch->n[k]; i++)
			if (!ch->m[k][i].hits &&
			    buf_printf(notes, "%s:%u: '%s' matched no rule\n", ch->file[k],
				       ch->m[k][i].line, ch->m[k][i].text))
				return -ENOMEM;
	for (size_t i = 0; i < ch->nmods; i++) {
		const struct modify *m = &ch->mods[i];
		if (!m->m.hits && buf_printf(notes, "%s:%u: '%s' matched no rule\n",
					     ch->file[CHANGE_MODIFY], m->m.line, m->m.text))
			return -ENOMEM;
		else if (m->m.hits && !m->changed &&
			 buf_printf(notes, "%s:%u: matched %zu rules but changed none\n",
				    ch->file[CHANGE_MODIFY], m->m.line, m->m.hits))
			return -ENOMEM;
	}
	return 0;
}

int changes_apply(struct changes *ch, struct rule_file *files, size_t nfiles,
		  struct change_stats *st, struct buf *notes, struct uerr *e)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	int rc = 0;
	bool hit, changed;

	memset(st, 0, sizeof(*st));
	if (!mc)
		return uerr_set(e, -ENOMEM, "out of memory");
	pcre2_set_match_limit(mc, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, RE_DEPTH_LIMIT);
	if ((rc = dedup(files, nfiles, st, notes))) {
		rc = uerr_set(e, rc, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nfiles && !rc; i++) {
		struct rule_file *f = &files[i];
		for (size_t j = 0; j < f->n && !rc; j++) {
			struct rule_line *r = &f->v[j];
			if (!r->is_rule || r->removed)
				continue;
			if ((rc = any_match(ch->m[CHANGE_DISABLE], ch->n[CHANGE_DISABLE], f, r, mc,
					    &hit, e)))
				break;
			if (hit && r->enabled) {
				r->enabled = false;
				st->disabled++;
			}
			if ((rc = any_match(ch->m[CHANGE_ENABLE], ch->n[CHANGE_ENABLE], f, r, mc,
					    &hit, e)))
				break;
			if (hit && !r->enabled) {
				r->enabled = true;
				st->enabled++;
			}
			if ((rc = any_match(ch->m[CHANGE_DROP], ch->n[CHANGE_DROP], f, r, mc, &hit, e)))
				break;
			if (hit && !r->noalert) {
				if ((rc = to_drop(r, &changed))) {
					rc = uerr_set(e, rc, "drop: sid %u (%s:%u): cannot rewrite", r->sid,
						      f->name, r->line);
					break;
				}
				st->dropped += changed;
			}
			bool modified = false;
			for (size_t m = 0; m < ch->nmods && !rc; m++) {
				if ((rc = matches(&ch->mods[m].m, f, r, mc, &hit, e)))
					break;
				if (hit && (rc = apply_modify(&ch->mods[m], ch->file[CHANGE_MODIFY], f,
							      r, mc, &changed, e)))
					break;
				modified |= hit && changed;
			}
			st->modified += modified;
		}
	}
	if (rc)
		goto out;
	if (ch->resolve_flowbits &&
	    (rc = flowbits_resolve(files, nfiles, &st->flowbits, notes, e)))
		goto out;
	for (size_t i = 0; i < nfiles; i++)
		for (size_t j = 0; j < files[i].n; j++) {
			const struct rule_line *r = &files[i].v[j];
			if (r->is_rule && !r->removed) {
				st->rules++;
				st->active += r->enabled;
			}
		}
	if (note_unused(ch, notes))
		rc = uerr_set(e, -ENOMEM, "out of memory");
out:
	pcre2_match_context_free(mc);
	return rc;
}
