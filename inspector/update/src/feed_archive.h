/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: reading rule tarballs with libarchive, defensively.
 *
 * The whole archive is refused (not just the entry) when an entry has an
 * absolute path or a ".." component, is a symbolic or hard link, a device,
 * FIFO or socket, is sparse, or when the entries would expand past
 * max-expanded bytes or number more than max-entries (decompression bombs).
 * Only regular files whose last path component is wanted are kept, in
 * memory, under that component: the layout of the tarball is flattened.
 */
#ifndef SNET_UPDATE_FEED_ARCHIVE_H
#define SNET_UPDATE_FEED_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct feed_file {
	char *name;		/* flattened: last component */
	char *path;		/* as in the archive, for messages */
	char *data;		/* NUL-terminated; len bytes */
	size_t len;
};

struct feed_files {
	struct feed_file *v;
	size_t n;
};

struct archive_limits {
	uint64_t max_expanded;
	uint64_t max_entries;
};

/*
 * Check one entry name.  Returns 0 if it is safe, else -EINVAL with the
 * reason (e.g. "absolute path") in why.
 */
int archive_check_path(const char *path, char *why, size_t whylen);
/* The files snet-update takes from a feed: *.rules and classification.config. */
bool archive_wanted(const char *name);
int archive_read_feed(const char *file, const struct archive_limits *lim,
		      struct feed_files *out, struct uerr *e);
/* A plain .rules download as a one-file set named name. */
int feed_files_add(struct feed_files *f, const char *name, const char *path,
		   char *data, size_t len, struct uerr *e);
void feed_files_free(struct feed_files *f);

#endif
