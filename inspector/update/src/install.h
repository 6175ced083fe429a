/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: the installed rule sets, swapped atomically.
 *
 *   DEST/releases/<id>/     one complete set: *.rules, classification.config,
 *                           MANIFEST (sources, files and their SHA-256)
 *   DEST/current -> releases/<id>     what the engine loads
 *   DEST/previous -> releases/<id>    what --rollback goes back to
 *   DEST/.lock                        one snet-update at a time
 *
 * A new set is written into releases/.staging-<pid>, synced, renamed to
 * releases/<id>, and only then is "current" replaced, by renaming a new
 * symlink over it: a reader sees the old set or the new one, never a mix,
 * and a failure at any earlier step leaves "current" as it was.
 */
#ifndef SNET_UPDATE_INSTALL_H
#define SNET_UPDATE_INSTALL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define RELEASE_ID_MAX 80

struct staged_file {
	char *name;
	uint8_t sha256[32];
};

struct install {
	char dest[PATH_MAX];
	char releases[PATH_MAX];
	char staging[PATH_MAX];		/* "" when nothing is staged */
	int lockfd;
	struct staged_file *files;
	size_t nfiles;
};

/* Create DEST if needed, take the lock, remove stale staging directories. */
int install_open(struct install *in, const char *dest, struct uerr *e);
int install_stage(struct install *in, struct uerr *e);
int install_add(struct install *in, const char *name, const void *data, size_t len,
		struct uerr *e);
/* SHA-256 over the staged files' names and hashes (what MANIFEST calls content). */
int install_content(const struct install *in, char hex[65]);
/* Write MANIFEST: header text, one line per file, then "content <hex>". */
int install_manifest(struct install *in, const char *header, struct uerr *e);
/* The release a link (current, previous) points to; -ENOENT if none. */
int install_link(const struct install *in, const char *link, char id[RELEASE_ID_MAX],
		 struct uerr *e);
/* The "content" line of a release's MANIFEST; -ENOENT if unreadable. */
int install_release_content(const struct install *in, const char *id, char hex[65]);
/*
 * Rename the staging directory to releases/<id> (a suffix is added if that
 * exists; the final id is written back), make previous the old current and
 * current the new set, then keep at most `keep` releases.
 */
int install_commit(struct install *in, char id[RELEASE_ID_MAX], unsigned keep,
		   struct uerr *e);
/* Make previous current and current previous. */
int install_rollback(struct install *in, char from[RELEASE_ID_MAX],
		     char to[RELEASE_ID_MAX], struct uerr *e);
/*
 * DEST/rolled-back holds the content hash of the set a rollback moved away
 * from, so that the next update does not silently install it again.
 */
int install_rolled_back(const struct install *in, char hex[65]);
void install_clear_rolled_back(struct install *in);
/* Remove what is staged and not committed, and unlock. */
void install_close(struct install *in);

/*
 * Run the reload command through /bin/sh with SNET_RULES_DIR and
 * SNET_RULES_RELEASE in its environment; kill it after timeout seconds.
 */
int run_reload(const char *cmd, uint64_t timeout, const char *rules_dir,
	       const char *release, struct uerr *e);

#endif
