// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: update.conf, read with libinih; every value checked with its line. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_MAX_BYTES (1u << 20)
#define MAX_SOURCES 64
#define MAX_KEYS 16
#define MAX_IGNORE 64
/* libinih keeps 200 bytes for a line with its '\r', '\n' and NUL */
#define LINE_MAX_CHARS 197

const char *const change_names[CHANGE_KINDS] = { "disable", "enable", "drop", "modify" };

static int set_str(char **dst, const char *v)
{
	char *d = strdup(v);
	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

static const char *const default_changes[CHANGE_KINDS] = {
	"/etc/snet/update.d/disable.conf", "/etc/snet/update.d/enable.conf",
	"/etc/snet/update.d/drop.conf", "/etc/snet/update.d/modify.conf",
};

int config_defaults(struct update_config *c)
{

	memset(c, 0, sizeof(*c));
	c->keep = 3;
	c->reload_timeout = 60;
	c->connect_timeout = 15;
	c->timeout = 300;
	c->stall_timeout = 30;
	c->max_download = 256ull << 20;
	c->max_expanded = 256ull << 20;
	c->max_entries = 10000;
	c->max_errors = 1;
	c->max_errors_pct = true;
	c->min_loaded_pct = 90;
	c->warm_cache = true;
	c->resolve_flowbits = true;
	int rc = set_str(&c->dest, "/var/lib/snet/rules") ||
		 set_str(&c->cache_dir, "/var/cache/snet-update") ||
		 set_str(&c->inspector_config, "/etc/snet/inspector.conf") ||
		 set_str(&c->reload_command, "snetctl reload-rules --if-running") ||
		 set_str(&c->user_agent, "snet-update/0.1") ||
		 set_str(&c->index_url, "https://www.openinfosecfoundation.org/rules/index.yaml") ||
		 set_str(&c->suricata_version, "7.0") ||
		 set_str(&c->sources_dir, "/etc/snet/update.d/sources") ||
		 set_str(&c->ca_file, "") || set_str(&c->proxy, "") ||
		 set_str(&c->no_proxy, "");
	for (int i = 0; !rc && i < CHANGE_KINDS; i++)
		rc = set_str(&c->changes[i], default_changes[i]);
	c->ignore = calloc(1, sizeof(char *));
	if (rc || !c->ignore || !(c->ignore[0] = strdup("*deleted.rules"))) {
		config_free(c);
		return -ENOMEM;
	}
	c->nignore = 1;
	return 0;
}

void config_free(struct update_config *c)
{
	free(c->path);
	free(c->dest);
	free(c->cache_dir);
	free(c->inspector_config);
	free(c->reload_command);
	free(c->index_url);
	free(c->suricata_version);
	free(c->sources_dir);
	for (size_t i = 0; i < c->nignore; i++)
		free(c->ignore[i]);
	free(c->ignore);
	free(c->user_agent);
	free(c->ca_file);
	free(c->proxy);
	free(c->no_proxy);
	free(c->keys);
	for (int i = 0; i < CHANGE_KINDS; i++)
		free(c->changes[i]);
	for (size_t i = 0; i < c->nsources; i++) {
		free(c->sources[i].url);
		free(c->sources[i].origin);
		free(c->sources[i].shown_url);
		for (unsigned k = 0; k < c->sources[i].nsecrets; k++)
			free(c->sources[i].secrets[k]);
	}
	free(c->sources);
	memset(c, 0, sizeof(*c));
}

struct pstate {
	struct update_config *c;
	const char *name;
	const char *pos;
	unsigned line;
	unsigned section_line;	/* of the last [section] header */
	unsigned long_line;
	bool continuation;	/* the line libinih got last was indented */
	bool ignore_seen;	/* the first "ignore" replaces the default */
	bool sources_only;	/* a sources file: [source NAME] sections only */
	size_t first_new;	/* sources before this come from earlier files */
	char seen[512][SOURCE_NAME_MAX + 48];	/* "section/key" of scalar keys already set */
	unsigned nseen;
	struct uerr *e;
	bool failed;
};

/* libinih reader over a string: one line per call, counting lines. */
static char *read_line(char *str, int num, void *stream)
{
	struct pstate *st = stream;
	const char *p = st->pos;
	int i = 0;

	if (!*p)
		return NULL;
	st->line++;
	st->continuation = *p == ' ' || *p == '\t';
	const char *q = p + strspn(p, " \t");
	if (*q == '[')
		st->section_line = st->line;
	const char *eol = p + strcspn(p, "\n");
	if (eol - p > LINE_MAX_CHARS || eol - p > num - 3) {
		if (!st->long_line)
			st->long_line = st->line;
		p = eol;
	} else {
		while (p < eol)
			str[i++] = *p++;
	}
	if (*p == '\n')
		str[i++] = *p++;
	str[i] = 0;
	st->pos = p;
	return str;
}

static int fail(struct pstate *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pstate *st, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!st->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		uerr_set(st->e, -EINVAL, "%s:%u: %s", st->name, st->line, msg);
	}
	st->failed = true;
	return 0;
}

static bool once(struct pstate *st, const char *section, const char *key)
{
	char k[SOURCE_NAME_MAX + 48];

	snprintf(k, sizeof(k), "%s/%s", section, key);
	for (unsigned i = 0; i < st->nseen; i++)
		if (!strcmp(st->seen[i], k))
			return false;
	if (st->nseen < sizeof(st->seen) / sizeof(st->seen[0]))
		snprintf(st->seen[st->nseen++], sizeof(st->seen[0]), "%s", k);
	return true;
}

static int abs_path(struct pstate *st, const char *key, const char *v, char **dst,
		    bool may_be_empty)
{
	if (!*v && may_be_empty)
		return set_str(dst, v) ? fail(st, "out of memory") : 1;
	if (v[0] != '/')
		return fail(st, "%s: '%s' is not an absolute path", key, v);
	if (strlen(v) > 1024)
		return fail(st, "%s: path too long", key);
	return set_str(dst, v) ? fail(st, "out of memory") : 1;
}

static int seconds(struct pstate *st, const char *key, const char *v, uint64_t lo,
		   uint64_t hi, uint64_t *out)
{
	if (parse_seconds(v, out) || *out < lo || *out > hi)
		return fail(st, "%s: '%s' is not a duration from %llus to %llus "
			    "(like 30, 30s, 5m, 1h)", key, v, (unsigned long long)lo,
			    (unsigned long long)hi);
	return 1;
}

static int size(struct pstate *st, const char *key, const char *v, uint64_t lo, uint64_t *out)
{
	if (parse_size(v, out) || *out < lo)
		return fail(st, "%s: '%s' is not a size of at least %llu bytes "
			    "(like 4096, 64kb, 256mb, 1gb)", key, v, (unsigned long long)lo);
	return 1;
}

/* "5" (rules) or "2.5%" (of all rules) */
static int count_or_pct(const char *v, double *out, bool *pct)
{
	char *end;

	if (!*v || *v == '-' || *v == '+')
		return -EINVAL;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v)
		return -EINVAL;
	*pct = *end == '%';
	if (*pct)
		end++;
	if (*end || d < 0 || (*pct && d > 100) || d != d)
		return -EINVAL;
	*out = d;
	return 0;
}

/* https://, http:// or file:///, with no raw space or control character */
static int url_ok(struct pstate *st, const char *key, const char *v)
{
	if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7) && strncmp(v, "file:///", 8))
		return fail(st, "%s: '%s' must start with https://, http:// or file:///", key, v);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return fail(st, "%s: spaces and control characters must be %%-encoded", key);
	return 1;
}

static int h_update(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;
	unsigned long long n;
	char *end;

	if (!strcmp(key, "dest"))
		return abs_path(st, key, v, &c->dest, false);
	if (!strcmp(key, "cache-dir"))
		return abs_path(st, key, v, &c->cache_dir, false);
	if (!strcmp(key, "inspector-config"))
		return abs_path(st, key, v, &c->inspector_config, true);
	if (!strcmp(key, "reload-command"))
		return set_str(&c->reload_command, v) ? fail(st, "out of memory") : 1;
	if (!strcmp(key, "reload-timeout"))
		return seconds(st, key, v, 1, 3600, &c->reload_timeout);
	if (!strcmp(key, "sources-dir"))
		return abs_path(st, key, v, &c->sources_dir, false);
	if (!strcmp(key, "index-url")) {
		if (!url_ok(st, key, v))
			return 0;
		return set_str(&c->index_url, v) ? fail(st, "out of memory") : 1;
	}
	if (!strcmp(key, "suricata-version")) {
		/* it goes into URLs: like 7.0 or 6.0.10, nothing else */
		size_t dots = 0, n = strlen(v);
		bool okv = n > 0 && n <= 16 && v[0] != '.' && v[n - 1] != '.' && !strstr(v, "..");
		for (const char *p = v; okv && *p; p++) {
			dots += *p == '.';
			okv = (*p >= '0' && *p <= '9') || *p == '.';
		}
		if (!okv || dots > 2)
			return fail(st, "suricata-version: '%s' is not a version like 7.0 or 6.0.10", v);
		return set_str(&c->suricata_version, v) ? fail(st, "out of memory") : 1;
	}
	if (!strcmp(key, "keep")) {
		errno = 0;
		n = strtoull(v, &end, 10);
		if (*v < '0' || *v > '9' || errno || *end || n < 2 || n > 100)
			return fail(st, "keep: '%s' is not a number from 2 to 100 (the "
				    "installed set and the previous one are always kept)", v);
		c->keep = (unsigned)n;
		return 1;
	}
	if (!strcmp(key, "ignore")) {
		if (!st->ignore_seen) {
			for (size_t i = 0; i < c->nignore; i++)
				free(c->ignore[i]);
			c->nignore = 0;
			st->ignore_seen = true;
		}
		if (!*v || strchr(v, '/'))
			return fail(st, "ignore: '%s' must be a file name pattern like "
				    "*deleted.rules", v);
		if (c->nignore == MAX_IGNORE)
			return fail(st, "ignore: more than %d patterns", MAX_IGNORE);
		char **ni = realloc(c->ignore, (c->nignore + 1) * sizeof(*ni));
		if (!ni)
			return fail(st, "out of memory");
		c->ignore = ni;
		if (!(c->ignore[c->nignore] = strdup(v)))
			return fail(st, "out of memory");
		c->nignore++;
		return 1;
	}
	return fail(st, "unknown key '%s' in [update]", key);
}

static int h_fetch(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;

	if (!strcmp(key, "connect-timeout"))
		return seconds(st, key, v, 1, 600, &c->connect_timeout);
	if (!strcmp(key, "timeout"))
		return seconds(st, key, v, 1, 86400, &c->timeout);
	if (!strcmp(key, "stall-timeout"))
		return seconds(st, key, v, 1, 3600, &c->stall_timeout);
	if (!strcmp(key, "max-download"))
		return size(st, key, v, 1, &c->max_download);
	if (!strcmp(key, "user-agent")) {
		if (!*v)
			return fail(st, "user-agent: empty");
		return set_str(&c->user_agent, v) ? fail(st, "out of memory") : 1;
	}
	if (!strcmp(key, "ca-file"))
		return abs_path(st, key, v, &c->ca_file, true);
	if (!strcmp(key, "proxy")) {
		static const char *const schemes[] = {
			"http://", "https://", "socks4://", "socks4a://", "socks5://", "socks5h://",
		};
		bool known = !*v || !strcmp(v, "none");
		for (size_t i = 0; !known && i < sizeof(schemes) / sizeof(schemes[0]); i++)
			known = !strncmp(v, schemes[i], strlen(schemes[i])) && v[strlen(schemes[i])];
		/* the value is not repeated: it may hold a password */
		if (!known)
			return fail(st, "proxy: not a proxy URL (http://, https://, socks4://, "
				    "socks4a://, socks5:// or socks5h:// and a host) nor 'none'");
		return set_str(&c->proxy, v) ? fail(st, "out of memory") : 1;
	}
	if (!strcmp(key, "no-proxy")) {
		if (strpbrk(v, " \t"))
			return fail(st, "no-proxy: '%s' has spaces: separate hosts with ','", v);
		return set_str(&c->no_proxy, v) ? fail(st, "out of memory") : 1;
	}
	return fail(st, "unknown key '%s' in [fetch]", key);
}

static int h_archive(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;

	if (!strcmp(key, "max-expanded"))
		return size(st, key, v, 1, &c->max_expanded);
	if (!strcmp(key, "max-entries")) {
		if (parse_size(v, &c->max_entries) || c->max_entries < 1 ||
		    c->max_entries > 10000000)
			return fail(st, "max-entries: '%s' is not a number from 1 to 10000000", v);
		return 1;
	}
	return fail(st, "unknown key '%s' in [archive]", key);
}

static int h_verify(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;

	if (!strcmp(key, "require-signature")) {
		if (parse_bool(v, &c->require_signature))
			return fail(st, "require-signature: '%s' is not yes or no", v);
		return 1;
	}
	if (!strcmp(key, "public-key")) {
		struct uerr ke;
		struct pubkey k;
		if (c->nkeys == MAX_KEYS)
			return fail(st, "public-key: more than %d keys", MAX_KEYS);
		if (pubkey_load(v, &k, &ke))
			return fail(st, "public-key: %s", ke.msg);
		for (size_t i = 0; i < c->nkeys; i++)
			if (!strcmp(c->keys[i].id, k.id))
				return fail(st, "public-key: key %s is given twice", k.id);
		struct pubkey *nk = realloc(c->keys, (c->nkeys + 1) * sizeof(*nk));
		if (!nk)
			return fail(st, "out of memory");
		c->keys = nk;
		c->keys[c->nkeys++] = k;
		return 1;
	}
	return fail(st, "unknown key '%s' in [verify]", key);
}

static int h_changes(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;

	for (int i = 0; i < CHANGE_KINDS; i++) {
		if (strcmp(key, change_names[i]))
			continue;
		/* only a file other than the default must exist */
		c->changes_set[i] = *v && strcmp(v, default_changes[i]);
		return abs_path(st, key, v, &c->changes[i], true);
	}
	if (!strcmp(key, "resolve-flowbits")) {
		if (parse_bool(v, &c->resolve_flowbits))
			return fail(st, "resolve-flowbits: '%s' is not yes or no", v);
		return 1;
	}
	return fail(st, "unknown key '%s' in [changes] (enable, disable, modify, drop, "
		    "resolve-flowbits)", key);
}

static int h_check(struct pstate *st, const char *key, const char *v)
{
	struct update_config *c = st->c;
	bool pct;

	if (!strcmp(key, "max-errors")) {
		if (count_or_pct(v, &c->max_errors, &c->max_errors_pct))
			return fail(st, "max-errors: '%s' is not a count (5) or a "
				    "percentage (1%%)", v);
		return 1;
	}
	if (!strcmp(key, "min-loaded")) {
		if (count_or_pct(v, &c->min_loaded_pct, &pct) || !pct)
			return fail(st, "min-loaded: '%s' is not a percentage (90%%)", v);
		return 1;
	}
	if (!strcmp(key, "warm-cache")) {
		if (parse_bool(v, &c->warm_cache))
			return fail(st, "warm-cache: '%s' is not yes or no", v);
		return 1;
	}
	return fail(st, "unknown key '%s' in [check]", key);
}

static struct source_cfg *source_for(struct pstate *st, const char *name)
{
	struct update_config *c = st->c;

	for (size_t i = 0; i < c->nsources; i++) {
		if (strcmp(c->sources[i].name, name))
			continue;
		if (i >= st->first_new)
			return &c->sources[i];
		/* at this section's header, like the place it names */
		if (!st->failed)
			uerr_set(st->e, -EINVAL, "%s:%u: [source %s] is defined twice: here and "
				 "at %s:%u", st->name, st->section_line, name,
				 c->sources[i].origin, c->sources[i].line);
		st->failed = true;
		return NULL;
	}
	if (!*name || strlen(name) >= SOURCE_NAME_MAX) {
		fail(st, "[source NAME]: the name must be 1 to %d characters",
		     SOURCE_NAME_MAX - 1);
		return NULL;
	}
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.') ||
		    (p == name && *p == '.')) {
			fail(st, "[source %s]: a source name has only letters, digits, "
			     "'-', '_' and '.' (and does not start with '.')", name);
			return NULL;
		}
	}
	if (c->nsources == MAX_SOURCES) {
		fail(st, "more than %d sources", MAX_SOURCES);
		return NULL;
	}
	struct source_cfg *ns = realloc(c->sources, (c->nsources + 1) * sizeof(*ns));
	if (!ns) {
		fail(st, "out of memory");
		return NULL;
	}
	c->sources = ns;
	struct source_cfg *s = &c->sources[c->nsources++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (!(s->origin = strdup(st->name))) {
		c->nsources--;
		fail(st, "out of memory");
		return NULL;
	}
	s->line = st->section_line;
	s->signature = -1;
	s->enabled = true;
	return s;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int h_source(struct pstate *st, const char *name, const char *key, const char *v)
{
	struct source_cfg *s = source_for(st, name);

	if (!s)
		return 0;
	if (!strcmp(key, "url")) {
		if (!url_ok(st, key, v))
			return 0;
		if (url_basename(v, s->file, sizeof(s->file)))
			return fail(st, "url: '%s' does not end in a file name", v);
		if (ends_with(s->file, ".tar.gz") || ends_with(s->file, ".tgz"))
			s->kind = SOURCE_TARBALL;
		else if (ends_with(s->file, ".rules"))
			s->kind = SOURCE_RULES;
		else
			return fail(st, "url: '%s' must name a .tar.gz (or .tgz) tarball or a "
				    ".rules file", s->file);
		return set_str(&s->url, v) ? fail(st, "out of memory") : 1;
	}
	if (!strcmp(key, "secret")) {
		if (strlen(v) < 4)
			return fail(st, "secret: at least 4 characters (it is hidden wherever "
				    "it appears)");
		if (s->nsecrets == SOURCE_SECRETS_MAX)
			return fail(st, "secret: more than %d in [source %s]", SOURCE_SECRETS_MAX,
				    s->name);
		if (!(s->secrets[s->nsecrets] = strdup(v)))
			return fail(st, "out of memory");
		s->nsecrets++;
		return 1;
	}
	if (!strcmp(key, "checksum")) {
		if (!strcmp(v, "none"))
			s->checksum = CHECKSUM_NONE;
		else if (!strcmp(v, "md5"))
			s->checksum = CHECKSUM_MD5;
		else if (!strcmp(v, "sha256"))
			s->checksum = CHECKSUM_SHA256;
		else
			return fail(st, "checksum: '%s' is not none, md5 or sha256", v);
		return 1;
	}
	if (!strcmp(key, "signature")) {
		bool b;
		if (parse_bool(v, &b))
			return fail(st, "signature: '%s' is not yes or no", v);
		s->signature = b;
		return 1;
	}
	if (!strcmp(key, "enabled")) {
		if (parse_bool(v, &s->enabled))
			return fail(st, "enabled: '%s' is not yes or no", v);
		return 1;
	}
	return fail(st, "unknown key '%s' in [source %s] (url, checksum, signature, enabled, secret)",
		    key, name);
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct pstate *st = user;

	if (st->failed)
		return 0;
	bool repeatable = !strcmp(section, "verify") && !strcmp(key, "public-key");
	repeatable |= !strncmp(section, "source ", 7) && !strcmp(key, "secret");
	repeatable |= !strcmp(section, "update") && !strcmp(key, "ignore");
	if (st->continuation && !repeatable)
		return fail(st, "'%s' does not continue on an indented line", key);
	if (!repeatable && !once(st, section, key))
		return fail(st, "'%s' is given twice in [%s]", key, section);
	if (st->sources_only && strncmp(section, "source ", 7))
		return fail(st, "[%s]: a sources file has only [source NAME] sections", section);
	if (!strcmp(section, "update"))
		return h_update(st, key, value);
	if (!strcmp(section, "fetch"))
		return h_fetch(st, key, value);
	if (!strcmp(section, "archive"))
		return h_archive(st, key, value);
	if (!strcmp(section, "verify"))
		return h_verify(st, key, value);
	if (!strcmp(section, "changes"))
		return h_changes(st, key, value);
	if (!strcmp(section, "check"))
		return h_check(st, key, value);
	if (!strncmp(section, "source ", 7))
		return h_source(st, section + 7, key, value);
	if (!*section)
		return fail(st, "'%s' comes before any [section]", key);
	return fail(st, "unknown section [%s] (update, fetch, archive, verify, changes, "
		    "check, source NAME)", section);
}

/* the url with every secret as "***" */
static int shown_url(struct source_cfg *s)
{
	size_t cap = strlen(s->url) + 1;
	char *out = malloc(cap), *d = out;
	const char *p = s->url;

	if (!out)
		return -ENOMEM;
	while (*p) {
		size_t hit = 0;
		for (unsigned k = 0; k < s->nsecrets && !hit; k++)
			if (!strncmp(p, s->secrets[k], strlen(s->secrets[k])))
				hit = strlen(s->secrets[k]);
		if (hit) {
			memcpy(d, "***", 3);	/* secrets have at least 4 characters */
			d += 3;
			p += hit;
		} else {
			*d++ = *p++;
		}
	}
	*d = 0;
	free(s->shown_url);
	s->shown_url = out;
	return 0;
}

static int parse_text(struct update_config *c, const char *name, const char *text,
		      bool sources_only, struct uerr *e)
{
	struct pstate *st = calloc(1, sizeof(*st));
	size_t first_new = c->nsources;

	if (!st)
		return uerr_set(e, -ENOMEM, "out of memory");
	st->c = c;
	st->name = name;
	st->pos = text;
	st->e = e;
	st->sources_only = sources_only;
	st->first_new = first_new;
	int rc = ini_parse_stream(read_line, st, handler, st);
	int ret = 0;
	if (st->long_line && (!st->failed || st->long_line < st->line)) {
		ret = uerr_set(e, -EINVAL, "%s:%u: line longer than %d characters", name,
			       st->long_line, LINE_MAX_CHARS);
	} else if (st->failed) {
		ret = -EINVAL;
	} else if (rc > 0) {
		ret = uerr_set(e, -EINVAL, "%s:%d: not 'key = value' nor '[section]'", name, rc);
	} else if (rc < 0) {
		ret = uerr_set(e, -ENOMEM, "%s: cannot be parsed (out of memory)", name);
	}
	free(st);
	if (ret)
		return ret;
	for (size_t i = first_new; i < c->nsources; i++) {
		struct source_cfg *s = &c->sources[i];
		if (s->url && shown_url(s))
			return uerr_set(e, -ENOMEM, "out of memory");
		for (unsigned k = 0; s->url && k < s->nsecrets; k++)
			if (!strstr(s->url, s->secrets[k]))
				return uerr_set(e, -EINVAL, "%s:%u: [source %s]: a secret that is "
						"not part of its url", name, s->line, s->name);
		if (!s->url)
			return uerr_set(e, -EINVAL, "%s:%u: [source %s] has no url", name,
					s->line, s->name);
		if (s->signature < 0)
			s->signature = c->require_signature;
		if (c->require_signature && !s->signature && s->enabled)
			return uerr_set(e, -EINVAL, "%s:%u: [source %s] has signature = no, but "
					"[verify] require-signature = yes", name, s->line, s->name);
		if (s->signature && c->nkeys == 0)
			return uerr_set(e, -EINVAL, "%s:%u: [source %s] must be signed, but "
					"[verify] has no public-key", name, s->line, s->name);
	}
	if (sources_only)
		return 0;
	if (!c->dest[0] || !c->cache_dir[0])
		return uerr_set(e, -EINVAL, "%s: dest and cache-dir must be set", name);
	if (!strcmp(c->dest, c->cache_dir))
		return uerr_set(e, -EINVAL, "%s: dest and cache-dir must differ", name);
	return 0;
}

int config_parse(struct update_config *c, const char *name, const char *text, struct uerr *e)
{
	return parse_text(c, name, text, false, e);
}

int config_parse_sources(struct update_config *c, const char *name, const char *text,
			 struct uerr *e)
{
	return parse_text(c, name, text, true, e);
}

static int load_text(struct update_config *c, const char *path, bool sources_only,
		     struct uerr *e)
{
	char *text;
	size_t len;
	int rc = read_file_limit(path, CONFIG_MAX_BYTES, &text, &len, e);

	if (rc)
		return rc;
	if (strlen(text) != len) {
		free(text);
		return uerr_set(e, -EINVAL, "%s: not a text file (NUL byte)", path);
	}
	rc = sources_only ? 0 : set_str(&c->path, path);
	if (!rc)
		rc = parse_text(c, path, text, sources_only, e);
	else
		uerr_set(e, rc, "out of memory");
	free(text);
	return rc;
}

int config_load(struct update_config *c, const char *path, struct uerr *e)
{
	return load_text(c, path, false, e);
}

/* NAME.conf, not hidden: what enable-source writes (not its temporary files) */
static int is_sources_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

/* by bytes, whatever the locale */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int config_load_sources(struct update_config *c, struct uerr *e)
{
	struct dirent **list;
	int n = scandir(c->sources_dir, &list, is_sources_file, by_name);
	int rc = 0;

	if (n < 0) {
		if (errno == ENOENT)
			return 0;	/* no source enabled from the index */
		return uerr_set(e, -errno, "sources-dir %s: %s", c->sources_dir, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		if (!rc && snprintf(path, sizeof(path), "%s/%s", c->sources_dir,
				    list[i]->d_name) >= (int)sizeof(path))
			rc = uerr_set(e, -ENAMETOOLONG, "%s: path too long", c->sources_dir);
		if (!rc)
			rc = load_text(c, path, true, e);
		free(list[i]);
	}
	free(list);
	return rc;
}
