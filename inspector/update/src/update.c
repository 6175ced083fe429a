// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: the update pipeline (sources -> changes -> test -> install). */
#include "update.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed_archive.h"
#include "fetch.h"
#include "verify.h"

#define CHANGES_MAX_BYTES (4u << 20)
#define SIDE_FILE_MAX 8192

static void say(const struct update_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct update_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* What one source gave. */
struct source_result {
	struct feed_files files;
	char sha256[65];	/* of the download */
	bool signed_ok;
	char key_id[KEY_ID_LEN + 1];
	int64_t created;
};

int update_load_changes(const struct update_config *c, struct changes *ch, struct uerr *e)
{
	memset(ch, 0, sizeof(*ch));
	ch->resolve_flowbits = c->resolve_flowbits;
	for (int k = 0; k < CHANGE_KINDS; k++) {
		const char *path = c->changes[k];
		char *text;
		size_t len;
		int rc;
		if (!path || !*path)
			continue;
		rc = read_file_limit(path, CHANGES_MAX_BYTES, &text, &len, e);
		if (rc == -ENOENT && !c->changes_set[k])
			continue;	/* the default file is optional */
		if (rc)
			return uerr_prefix(e, rc, "[changes] %s", change_names[k]);
		if (strlen(text) != len) {
			free(text);
			return uerr_set(e, -EINVAL, "%s: binary data (a NUL byte)", path);
		}
		rc = changes_parse(ch, (enum change_kind)k, path, text, e);
		free(text);
		if (rc)
			return rc;
	}
	return 0;
}

/* A small side file (.md5, .sha256, .sig) of a source, fetched with the cache. */
static int fetch_side(const struct update_config *c, const struct update_opts *o,
		      const struct fetch_opts *fo, const struct source_cfg *s, const char *ext,
		      struct cached *cc, char **text, size_t *len, struct uerr *e)
{
	char url[4096], name[300];
	int rc;

	if (snprintf(url, sizeof(url), "%s%s", s->url, ext) >= (int)sizeof(url) ||
	    snprintf(name, sizeof(name), "%s%s", s->file, ext) >= (int)sizeof(name))
		return uerr_set(e, -ENAMETOOLONG, "URL too long");
	/* the URL with its extension: a query string would go before it, so refuse */
	if (strpbrk(s->url, "?#"))
		return uerr_set(e, -EINVAL, "%s: a URL with a query cannot have a %s file beside "
				"it", s->url, ext);
	char shown[4096];
	snprintf(shown, sizeof(shown), "%s%s", s->shown_url, ext);
	if ((rc = cache_open(cc, c->cache_dir, s->name, name, shown, e)))
		return rc;
	if (o->force)
		cc->have = false;
	struct fetch_opts small = *fo;
	small.max_download = SIDE_FILE_MAX;
	if ((rc = fetch_url(&small, url, cc, e)))
		return rc;
	return read_file_limit(cache_data(cc), SIDE_FILE_MAX, text, len, e);
}

static int read_signed_at(const char *cache_dir, const char *source, int64_t *t)
{
	char p[4096], *text;
	size_t len;
	struct uerr ignored;

	snprintf(p, sizeof(p), "%s/%s/signed-at", cache_dir, source);
	if (read_file_limit(p, 64, &text, &len, &ignored))
		return -ENOENT;
	char *end;
	long long v = strtoll(text, &end, 10);
	int rc = end != text && (*end == '\n' || !*end) ? 0 : -EINVAL;
	free(text);
	*t = v;
	return rc;
}

static void human_size(uint64_t n, char *out, size_t len)
{
	if (n >= 1u << 20)
		snprintf(out, len, "%.1f MiB", (double)n / (1u << 20));
	else if (n >= 1024)
		snprintf(out, len, "%.1f KiB", (double)n / 1024);
	else
		snprintf(out, len, "%llu bytes", (unsigned long long)n);
}

/* a message naming the source's url (libcurl's, ours) shows no secret */
static void hide_secrets(const struct source_cfg *s, struct uerr *e)
{
	for (unsigned k = 0; k < s->nsecrets; k++) {
		size_t n = strlen(s->secrets[k]);
		for (char *p = strstr(e->msg, s->secrets[k]); p; p = strstr(p + 3, s->secrets[k])) {
			memcpy(p, "***", 3);	/* n >= 4: the message only shrinks */
			memmove(p + 3, p + n, strlen(p + n) + 1);
		}
	}
}

static int fetch_source(const struct update_config *c, const struct update_opts *o,
			const struct source_cfg *s, struct source_result *res, struct uerr *e)
{
	struct fetch_opts fo = {
		.connect_timeout = (long)c->connect_timeout, .timeout = (long)c->timeout,
		.stall_timeout = (long)c->stall_timeout, .max_download = c->max_download,
		.user_agent = c->user_agent, .ca_file = c->ca_file,
		.proxy = c->proxy, .no_proxy = c->no_proxy,
	};
	struct cached cm = { 0 }, cc = { 0 }, cs = { 0 };
	enum hash_kind hk = s->checksum == CHECKSUM_MD5 ? HASH_MD5 : HASH_SHA256;
	uint8_t expected[HASH_MAX], got[HASH_MAX], sha[HASH_MAX];
	struct feed_sig sig;
	char *sigtext = NULL, *text = NULL;
	size_t len;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = cache_open(&cm, c->cache_dir, s->name, s->file, s->shown_url, e)))
		goto out;
	if (o->force)
		cm.have = false;
	if (s->checksum != CHECKSUM_NONE) {
		const char *ext = s->checksum == CHECKSUM_MD5 ? ".md5" : ".sha256";
		if ((rc = fetch_side(c, o, &fo, s, ext, &cc, &text, &len, e)))
			goto out;
		rc = checksum_parse(text, len, hk, expected, e);
		free(text);
		text = NULL;
		if (rc) {
			uerr_prefix(e, rc, "%s%s", s->url, ext);
			goto out;
		}
	}
	if (s->signature) {
		if ((rc = fetch_side(c, o, &fo, s, ".sig", &cs, &sigtext, &len, e))) {
			if (c->require_signature)
				uerr_prefix(e, rc, "signature required (require-signature = yes)");
			goto out;
		}
		if ((rc = sig_parse(sigtext, len, &sig, e))) {
			uerr_prefix(e, rc, "%s.sig", s->url);
			goto out;
		}
	}
	/* the side files say what the download must be: a cached copy that is
	 * already that needs no request (how ET's .md5 is meant to be used) */
	bool skip = false;
	struct uerr ignored;
	if (cm.have && (s->checksum != CHECKSUM_NONE || s->signature)) {
		skip = true;
		if (s->checksum != CHECKSUM_NONE)
			skip = !hash_file(cm.path, hk, got, &ignored) &&
			       !memcmp(got, expected, hash_len(hk));
		if (skip && s->signature)
			skip = !hash_file(cm.path, HASH_SHA256, got, &ignored) &&
			       !memcmp(got, sig.sha256, 32);
	}
	char size[32];
	if (skip) {
		say(o, "source %s: %s: unchanged (the cached copy matches its %s)\n", s->name,
		    s->file, s->signature ? "signature" : "checksum");
	} else {
		if ((rc = fetch_url(&fo, s->url, &cm, e)))
			goto out;
		human_size(cm.bytes, size, sizeof(size));
		if (!cm.fresh)
			say(o, "source %s: %s: not modified (cached copy)\n", s->name, s->file);
		else
			say(o, "source %s: %s: %s %s\n", s->name, s->file,
			    strncmp(s->url, "file:", 5) ? "downloaded" : "read", size);
	}
	const char *data = cache_data(&cm);

	if (s->checksum != CHECKSUM_NONE) {
		if ((rc = hash_file(data, hk, got, e)))
			goto out;
		if (memcmp(got, expected, hash_len(hk))) {
			char a[65], b[65];
			hex_encode(expected, hash_len(hk), a);
			hex_encode(got, hash_len(hk), b);
			rc = uerr_set(e, -EPERM, "checksum mismatch: %s%s says %s, the download "
				      "has %s %s", s->file, hk == HASH_MD5 ? ".md5" : ".sha256", a,
				      hash_name(hk), b);
			goto out;
		}
	}
	if ((rc = hash_file(data, HASH_SHA256, sha, e)))
		goto out;
	hex_encode(sha, 32, res->sha256);
	if (s->signature) {
		size_t which;
		int64_t before;
		if ((rc = sig_verify(sigtext, &sig, c->keys, c->nkeys, sha, s->file, &which, e)))
			goto out;
		if (!read_signed_at(c->cache_dir, s->name, &before) && sig.created < before) {
			rc = uerr_set(e, -EPERM, "downgrade refused: this feed was signed at %" PRId64
				      ", but one signed at %" PRId64 " was accepted before (an old "
				      "feed replayed?)", sig.created, before);
			goto out;
		}
		res->signed_ok = true;
		res->created = sig.created;
		memcpy(res->key_id, sig.key_id, sizeof(res->key_id));
		say(o, "source %s: signature good (key %s, signed at %" PRId64 ")\n", s->name,
		    c->keys[which].id, sig.created);
	}
	if (s->kind == SOURCE_TARBALL) {
		struct archive_limits lim = { c->max_expanded, c->max_entries };
		if ((rc = archive_read_feed(data, &lim, &res->files, e))) {
			uerr_prefix(e, rc, "%s", s->file);
			goto out;
		}
	} else {
		char *rules;
		if ((rc = read_file_limit(data, c->max_download, &rules, &len, e)))
			goto out;
		if ((rc = feed_files_add(&res->files, s->file, s->file, rules, len, e))) {
			free(rules);
			goto out;
		}
	}
	bool any_rules = false;
	for (size_t i = 0; i < res->files.n; i++)
		any_rules |= strcmp(res->files.v[i].name, "classification.config") != 0;
	if (!any_rules) {
		rc = uerr_set(e, -EINVAL, "%s: no *.rules file in it", s->file);
		goto out;
	}
	/* verified and readable: it becomes the cached copy */
	if ((rc = cache_commit(&cm, s->shown_url, e)))
		goto out;
	if (cc.fresh) {
		char u[4096];
		snprintf(u, sizeof(u), "%s%s", s->shown_url, hk == HASH_MD5 ? ".md5" : ".sha256");
		if ((rc = cache_commit(&cc, u, e)))
			goto out;
	}
	if (cs.fresh) {
		char u[4096];
		snprintf(u, sizeof(u), "%s.sig", s->shown_url);
		if ((rc = cache_commit(&cs, u, e)))
			goto out;
	}
	if (res->signed_ok) {
		char p[4096], t[32];
		snprintf(p, sizeof(p), "%s/%s/signed-at", c->cache_dir, s->name);
		snprintf(t, sizeof(t), "%" PRId64 "\n", res->created);
		if ((rc = write_file_atomic(p, t, strlen(t), 0644, e)))
			goto out;
	}
out:
	free(sigtext);
	free(text);
	cache_close(&cm);
	cache_close(&cc);
	cache_close(&cs);
	if (rc) {
		feed_files_free(&res->files);
		hide_secrets(s, e);
	}
	return rc;
}

/* classification.config of every source: the first definition of a name wins. */
static int merge_classification(struct buf *out, struct buf *names, const char *text,
				const char *source, const struct update_opts *o)
{
	bool first = out->len == 0;

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		const char *line = p;
		p += n;
		if (*p)
			p++;
		static const char key[] = "config classification:";
		const char *v = line;
		while (v < line + n && (*v == ' ' || *v == '\t'))
			v++;
		if ((size_t)(line + n - v) < sizeof(key) - 1 || strncmp(v, key, sizeof(key) - 1)) {
			if (first && buf_append(out, line, n) == 0 && buf_puts(out, "\n") == 0)
				continue;
			if (first)
				return -ENOMEM;
			continue;
		}
		const char *name = v + sizeof(key) - 1;
		while (*name == ' ')
			name++;
		size_t nl = strcspn(name, ",\n");
		char tag[256];
		snprintf(tag, sizeof(tag), "\n%.*s\n", (int)(nl < 200 ? nl : 200), name);
		if (names->data && strstr(names->data, tag)) {
			if (o->verbose)
				say(o, "note: classification '%.*s' of %s is already defined\n",
				    (int)(nl < 200 ? nl : 200), name, source);
			continue;
		}
		if (buf_puts(names, tag) || buf_append(out, line, n) ||
		    buf_puts(out, "\n"))
			return -ENOMEM;
	}
	return 0;
}

static bool ignored(const struct update_config *c, const char *name, const char **pat)
{
	for (size_t i = 0; i < c->nignore; i++)
		if (!fnmatch(c->ignore[i], name, 0)) {
			*pat = c->ignore[i];
			return true;
		}
	return false;
}

int update_run(const struct update_config *c, const struct update_opts *o,
	       struct update_outcome *out, struct uerr *e)
{
	struct install in;
	struct changes ch = { 0 };
	struct source_result *res = NULL;
	struct rule_file *files = NULL;
	size_t nfiles = 0, nsrc = 0;
	struct buf notes = { 0 }, cls = { 0 }, clsnames = { 0 }, text = { 0 }, man = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = install_open(&in, c->dest, e)))
		return rc;
	if ((rc = update_load_changes(c, &ch, e)))
		goto out;
	for (size_t i = 0; i < c->nsources; i++)
		nsrc += c->sources[i].enabled;
	if (nsrc == 0) {
		rc = uerr_set(e, -EINVAL, "%s: no enabled [source NAME] section",
			      c->path ? c->path : "configuration");
		goto out;
	}
	res = calloc(c->nsources, sizeof(*res));
	if (!res) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	double t0 = now_seconds();
	for (size_t i = 0; i < c->nsources; i++) {
		const struct source_cfg *s = &c->sources[i];
		if (!s->enabled)
			continue;
		if ((rc = fetch_source(c, o, s, &res[i], e))) {
			uerr_prefix(e, rc, "source '%s'", s->name);
			goto out;
		}
	}
	out->seconds_fetch = now_seconds() - t0;
	t0 = now_seconds();

	/* every rule file of every source, flat; a name twice is an error */
	for (size_t i = 0; i < c->nsources; i++) {
		for (size_t j = 0; j < res[i].files.n; j++) {
			const struct feed_file *f = &res[i].files.v[j];
			const char *pat;
			if (!strcmp(f->name, "classification.config")) {
				if (merge_classification(&cls, &clsnames, f->data, c->sources[i].name, o)) {
					rc = uerr_set(e, -ENOMEM, "out of memory");
					goto out;
				}
				continue;
			}
			if (ignored(c, f->name, &pat)) {
				say(o, "source %s: %s ignored (ignore = %s)\n", c->sources[i].name,
				    f->path, pat);
				continue;
			}
			for (size_t k = 0; k < nfiles; k++)
				if (!strcmp(files[k].name, f->name)) {
					rc = uerr_set(e, -EEXIST, "two sources give a file named '%s' "
						      "(%s and %s): rename one", f->name,
						      files[k].source, c->sources[i].name);
					goto out;
				}
			struct rule_file *nf = realloc(files, (nfiles + 1) * sizeof(*nf));
			if (!nf) {
				rc = uerr_set(e, -ENOMEM, "out of memory");
				goto out;
			}
			files = nf;
			if ((rc = rules_parse(&files[nfiles], f->name, c->sources[i].name, f->data,
					      f->len, e))) {
				uerr_prefix(e, rc, "source '%s'", c->sources[i].name);
				goto out;
			}
			nfiles++;
		}
		/* the text is parsed: free it early, the ET set is big */
		feed_files_free(&res[i].files);
	}
	if (nfiles == 0) {
		rc = uerr_set(e, -EINVAL, "the sources give no *.rules file (all ignored?)");
		goto out;
	}
	if ((rc = changes_apply(&ch, files, nfiles, &out->changes, &notes, e)))
		goto out;
	for (char *p = notes.data; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (o->verbose || !strstr(p, "duplicate sid"))
			say(o, "note: %.*s\n", (int)n, p);
		p += n + (p[n] != 0);
	}
	const struct change_stats *cs = &out->changes;
	say(o, "rules: %zu in %zu files, %zu active; local changes: %zu disabled, %zu enabled, "
	    "%zu to drop, %zu modified; %zu duplicates removed; %zu enabled for flowbits\n",
	    cs->rules, nfiles, cs->active, cs->disabled, cs->enabled, cs->dropped, cs->modified,
	    cs->duplicates, cs->flowbits);

	out->seconds_prepare = now_seconds() - t0;
	t0 = now_seconds();
	if ((rc = install_stage(&in, e)))
		goto out;
	for (size_t i = 0; i < nfiles; i++) {
		text.len = 0;
		if (rules_format(&files[i], &text) || buf_terminate(&text)) {
			rc = uerr_set(e, -ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = install_add(&in, files[i].name, text.data, text.len, e)))
			goto out;
		rule_file_free(&files[i]);
	}
	if (cls.len && (rc = install_add(&in, "classification.config", cls.data, cls.len, e)))
		goto out;

	double t_stage = now_seconds() - t0;
	char content[65], cur[RELEASE_ID_MAX] = "", cur_content[65];
	if (install_content(&in, content)) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	rc = install_link(&in, "current", cur, e);
	if (rc && rc != -ENOENT)
		goto out;
	rc = 0;
	if (cur[0] && !o->force && !install_release_content(&in, cur, cur_content) &&
	    !strcmp(content, cur_content)) {
		say(o, "up to date: the installed set (releases/%s) is identical; nothing "
		    "installed\n", cur);
		snprintf(out->release, sizeof(out->release), "%s", cur);
		out->status = UPDATE_UNCHANGED;
		goto out;
	}

	char back[65];
	if (!o->force && !install_rolled_back(&in, back) && !strcmp(back, content)) {
		say(o, "not installed: this exact set was rolled back (snet-update --rollback); "
		    "run with --force to install it anyway\n");
		snprintf(out->release, sizeof(out->release), "%s", cur);
		out->status = UPDATE_UNCHANGED;
		goto out;
	}

	char dir[PATH_MAX], clsfile[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s", in.staging);
	snprintf(clsfile, sizeof(clsfile), "%s/classification.config", in.staging);
	struct check_policy pol = {
		.inspector_config = c->inspector_config, .max_errors = c->max_errors,
		.max_errors_pct = c->max_errors_pct, .min_loaded_pct = c->min_loaded_pct,
		.warm_cache = c->warm_cache,
	};
	if ((rc = check_ruleset(&pol, dir, cls.len ? clsfile : NULL, &out->check, e)))
		goto out;
	out->seconds_check = out->check.seconds;
	say(o, "test-compile: %s (%.2f s%s)\n", out->check.summary, out->check.seconds,
	    out->check.from_cache ? ", databases from the cache" : "");
	if (o->dry_run) {
		say(o, "dry run: the set passed every check; nothing installed\n");
		out->status = UPDATE_DRY_RUN;
		goto out;
	}

	/* MANIFEST: where the set came from, for people and for "up to date" */
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32], id[RELEASE_ID_MAX];
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(id, sizeof(id), "%s-%.12s", stamp, content);
	int mrc = buf_printf(&man, "snet-update release %s\ncreated %s\n", id, stamp);
	for (size_t i = 0; i < c->nsources && !mrc; i++) {
		if (!c->sources[i].enabled)
			continue;
		mrc = buf_printf(&man, "source %s %s sha256 %s", c->sources[i].name,
				 c->sources[i].shown_url, res[i].sha256);
		if (!mrc && res[i].signed_ok)
			mrc = buf_printf(&man, " key %s signed-at %" PRId64, res[i].key_id,
					 res[i].created);
		if (!mrc)
			mrc = buf_puts(&man, "\n");
	}
	if (mrc || buf_printf(&man, "rules %zu active %zu loaded %zu\n", cs->rules, cs->active,
			      out->check.loaded)) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	double t1 = now_seconds();
	if ((rc = install_manifest(&in, man.data, e)))
		goto out;
	if ((rc = install_commit(&in, id, c->keep, e)))
		goto out;
	out->seconds_install = t_stage + now_seconds() - t1;
	install_clear_rolled_back(&in);
	out->status = UPDATE_INSTALLED;
	snprintf(out->release, sizeof(out->release), "%s", id);
	snprintf(out->previous, sizeof(out->previous), "%s", cur);
	say(o, "installed releases/%s%s%s\n", id, cur[0] ? "; previous set kept: releases/" : "",
	    cur);
out:
	install_close(&in);
	changes_free(&ch);
	for (size_t i = 0; i < nfiles; i++)
		rule_file_free(&files[i]);
	free(files);
	if (res)
		for (size_t i = 0; i < c->nsources; i++)
			feed_files_free(&res[i].files);
	free(res);
	buf_free(&notes);
	buf_free(&cls);
	buf_free(&clsnames);
	buf_free(&text);
	buf_free(&man);
	return rc;
}

int update_rollback(const struct update_config *c, char from[RELEASE_ID_MAX],
		    char to[RELEASE_ID_MAX], struct uerr *e)
{
	struct install in;
	int rc = install_open(&in, c->dest, e);

	if (rc)
		return rc;
	rc = install_rollback(&in, from, to, e);
	install_close(&in);
	return rc;
}
