/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: the test-compile of a candidate rule set with the inspector
 * library, and the decision whether it may be installed.
 *
 * The engine skips rules it cannot load and reports each one.  A rule using
 * something the engine does not support ("unsupported keyword/protocol") is
 * a known limit and only counts against min-loaded; any other rejected rule
 * (a syntax error, a bad value, a duplicate sid) is an error and counts
 * against max-errors.  The set is refused when the engine fails outright
 * (nothing loads, a database does not compile), when more than max-errors
 * rules are errors, or when fewer than min-loaded percent load.
 */
#ifndef SNET_UPDATE_CHECK_H
#define SNET_UPDATE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct check_policy {
	const char *inspector_config;	/* "" or NULL: the engine's defaults */
	double max_errors;
	bool max_errors_pct;
	double min_loaded_pct;
	/* compile with the engine's database cache (cache-dir in the
	 * inspector configuration) so that snetd's reload finds it warm */
	bool warm_cache;
};

struct check_result {
	size_t total, loaded, unsupported, errors;
	double seconds;
	bool from_cache;		/* warm-cache found these databases built */
	char summary[1024];
};

/*
 * Test-compile every *.rules file of dir.  classification: the set's own
 * classification.config, or NULL for the inspector configuration's.
 * Messages name files relative to dir.
 */
int check_ruleset(const struct check_policy *p, const char *dir,
		  const char *classification, struct check_result *r,
		  struct uerr *e);
/* Is this report message an unsupported-feature rejection? */
bool check_is_unsupported(const char *msg);

#endif
