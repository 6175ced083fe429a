/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: one update, from the configured sources to an installed set.
 *
 *   lock DEST -> read the local changes -> for each source: fetch (with the
 *   cache), verify (checksum, signature, no downgrade), unpack -> apply the
 *   changes -> stage -> identical to the installed set? stop -> test-compile
 *   -> install (atomic) -> the caller runs the reload command.
 *
 * Any failure before the install step leaves DEST as it was.
 */
#ifndef SNET_UPDATE_UPDATE_H
#define SNET_UPDATE_UPDATE_H

#include <stdbool.h>
#include <stdio.h>

#include "changes.h"
#include "check.h"
#include "config.h"
#include "install.h"
#include "util.h"

struct update_opts {
	bool force;		/* ignore the cache and install even if identical */
	bool dry_run;		/* everything but the install */
	bool verbose;
	bool quiet;
};

enum update_status { UPDATE_INSTALLED, UPDATE_UNCHANGED, UPDATE_DRY_RUN };

struct update_outcome {
	enum update_status status;
	char release[RELEASE_ID_MAX];
	char previous[RELEASE_ID_MAX];
	struct check_result check;
	struct change_stats changes;
	/* fetch and verify; unpack, parse and apply the changes; test-compile;
	 * stage, write MANIFEST and swap (install) */
	double seconds_fetch, seconds_prepare, seconds_check, seconds_install;
};

int update_run(const struct update_config *c, const struct update_opts *o,
	       struct update_outcome *out, struct uerr *e);
/* Read and parse the configured local-changes files. */
int update_load_changes(const struct update_config *c, struct changes *ch,
			struct uerr *e);
int update_rollback(const struct update_config *c, char from[RELEASE_ID_MAX],
		    char to[RELEASE_ID_MAX], struct uerr *e);

#endif
