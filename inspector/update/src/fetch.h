/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: downloads with libcurl into the local cache.
 *
 * Each file of a source lives at <cache-dir>/<source>/<name>, with the
 * validators the server gave (ETag, Last-Modified) and the URL in
 * <name>.meta.  A download goes to <name>.part and only replaces the cached
 * copy (cache_commit) once it has been verified, so the cache always holds
 * the last good copy and its validators.
 */
#ifndef SNET_UPDATE_FETCH_H
#define SNET_UPDATE_FETCH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct fetch_opts {
	long connect_timeout;	/* seconds */
	long timeout;		/* whole transfer, seconds */
	long stall_timeout;	/* seconds below 1 byte/s before giving up */
	uint64_t max_download;	/* bytes */
	const char *user_agent;
	const char *ca_file;	/* NULL or "": the system's CA store */
	const char *proxy;	/* NULL or "": the environment's; "none": never */
	const char *no_proxy;	/* NULL or "": the environment's */
};

struct cached {
	char path[PATH_MAX], part[PATH_MAX], meta[PATH_MAX];
	char *etag, *last_modified;	/* of the cached copy */
	bool have;			/* cached copy from this same URL */
	bool fresh;			/* a new copy is in .part */
	char *new_etag, *new_last_modified;
	uint64_t bytes;			/* downloaded this time */
	long status;			/* HTTP status, 0 for file:// */
};

/* Global libcurl setup; call once from main before any fetch. */
int fetch_global_init(struct uerr *e);
void fetch_global_cleanup(void);

int cache_open(struct cached *c, const char *cache_dir, const char *source,
	       const char *name, const char *url, struct uerr *e);
/* The copy to use: the new download, or the cached one. */
const char *cache_data(const struct cached *c);
/*
 * Download url into c->part, as a conditional request when a cached copy
 * exists.  Not modified (304): c->fresh stays false and the cached copy is
 * what cache_data() gives.
 */
int fetch_url(const struct fetch_opts *o, const char *url, struct cached *c,
	      struct uerr *e);
/* Make the new download the cached copy (rename, then its .meta). */
int cache_commit(struct cached *c, const char *url, struct uerr *e);
/* Remove an uncommitted .part and free. */
void cache_close(struct cached *c);

#endif
