/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: suricata-update's source index (index.yaml, read with
 * libyaml) and the sources enabled from it.
 *
 * The index is a mapping with "version" and "sources"; each source, keyed
 * by a name like "et/open", has a url with "%(__version__)s" and
 * "%(PARAM)s" placeholders, the parameters it needs, whether URL.md5
 * exists ("checksum") and descriptive fields.  update-sources keeps a
 * checked copy in CACHE-DIR/index.yaml; enable-source writes one
 * [source SAFE-NAME] section to SOURCES-DIR/SAFE-NAME.conf, which the
 * update reads beside update.conf (config_load_sources).
 */
#ifndef SNET_UPDATE_SOURCES_H
#define SNET_UPDATE_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "util.h"

/* the real index is about 20 KiB; anything near this is not an index */
#define INDEX_MAX_BYTES (1u << 20)
#define INDEX_MAX_SOURCES 1000
#define INDEX_MAX_PARAMS 16
#define INDEX_FILE "index.yaml"

struct index_param {
	char *name, *prompt;
};

struct index_source {
	char *name;
	unsigned line;			/* of its key in the index */
	char *summary, *description, *vendor, *license, *url;
	char *min_version, *support_url, *subscribe_url;
	char *deprecated, *obsolete;	/* NULL: not; else the reason (may be "") */
	char **replaces;
	size_t nreplaces;
	struct index_param *params;
	size_t nparams;
	bool checksum;			/* URL.md5 exists (default true) */
};

struct source_index {
	unsigned version;
	struct index_source *sources;
	size_t nsources;
};

/* Parse index text; name is used in messages ("name:line: why"). */
int index_parse(struct source_index *ix, const char *name, const char *text, size_t len,
		struct uerr *e);
/* Read and parse a file (at most INDEX_MAX_BYTES). */
int index_load(struct source_index *ix, const char *path, struct uerr *e);
void index_free(struct source_index *ix);
const struct index_source *index_find(const struct source_index *ix, const char *name);

/*
 * Dotted versions compared number by number, missing parts as 0 ("7.0" and
 * "7.0.0" are equal): *cmp < 0, 0 or > 0.  -EINVAL if one is not a version.
 */
int version_compare(const char *v, const char *w, int *cmp);

/* "et/open" -> "et-open": the [source] name and SOURCES-DIR/<it>.conf.
 * Refuses names that could leave the directory or are not source names. */
int source_safe_name(const char *name, char *out, size_t outlen, struct uerr *e);

/*
 * The URL of s with %(__version__)s replaced by version and %(P)s by the
 * value of "P=VALUE" in params.  Every declared parameter must be given,
 * and only those.
 */
int index_source_url(const struct index_source *s, const char *version,
		     char *const *params, size_t nparams, char **url, struct uerr *e);

/* The commands; they print what they did on stdout. */
int sources_update_index(const struct update_config *c, bool quiet, struct uerr *e);
int sources_list(const struct update_config *c, bool enabled_only, FILE *out, struct uerr *e);
int sources_enable(const struct update_config *c, const char *name, char *const *params,
		   size_t nparams, FILE *out, struct uerr *e);
int sources_disable(const struct update_config *c, const char *name, FILE *out,
		    struct uerr *e);
int sources_remove(const struct update_config *c, const char *name, FILE *out,
		   struct uerr *e);

#endif
