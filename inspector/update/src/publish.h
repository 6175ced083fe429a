/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update publish: our feed from a folder of rules.
 *
 *   OUTDIR/NAME.tar.gz          rules/<file> for every *.rules and
 *                               classification.config of the folder
 *   OUTDIR/NAME.tar.gz.sha256   "<hex>  NAME.tar.gz"
 *   OUTDIR/NAME.tar.gz.sig      the signature file (see verify.h)
 *
 * The folder is test-compiled first (any rule error refuses it).  Each
 * file is written beside its final name and renamed into place, tarball
 * first, so a web server never serves a half-written file; a client that
 * catches the new tarball with the old signature refuses it and gets both
 * on its next run.  SOURCE_DATE_EPOCH, when set, is the publication time
 * and the files' mtime (reproducible feeds).
 */
#ifndef SNET_UPDATE_PUBLISH_H
#define SNET_UPDATE_PUBLISH_H

#include <stdint.h>

#include "util.h"

struct publish_opts {
	const char *rules_dir;
	const char *secret_key;
	const char *out_dir;
	const char *name;		/* NAME.tar.gz; default "snet-rules" */
	const char *inspector_config;	/* variables for the test-compile */
	int64_t created;		/* publication time */
};

int publish_feed(const struct publish_opts *o, struct buf *report, struct uerr *e);

#endif
