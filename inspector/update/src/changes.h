/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: rule files as text, and the local changes of suricata-update
 * (enable.conf, disable.conf, drop.conf, modify.conf) applied to them.
 *
 * A selector (one per line of enable/disable/drop, the first field of a
 * modify line) is one of:
 *   *                       every rule
 *   2019401  1:2019401  1:2019401:3  2019401,2019402   by [gid:]sid[:rev]
 *   re:REGEX                the rule text matches REGEX (case-insensitive)
 *   group:GLOB  or  X.rules the rule's file name (or that name without
 *                           ".rules") matches the shell pattern
 *   filename:GLOB           the rule's file name matches
 *   metadata:KEY VALUE      the rule has that metadata entry
 * A modify line is SELECTOR "FROM" "TO": FROM is a regular expression
 * replaced everywhere in the rule by TO, where \1 or \g<1> (or ${1}) is a
 * group; Oinkmaster's  modifysid SELECTOR "FROM" | "TO"  also works.
 *
 * Like suricata-update, changes apply per rule in this order: disable,
 * enable (so enable wins), drop (alert becomes drop, except noalert rules),
 * modify; duplicate sids are resolved first (the highest rev stays), and
 * flowbit dependencies last (resolve_flowbits).
 * Unlike it, a line that cannot be parsed and a modification that does not
 * leave a rule are errors, so the update is refused instead of silently
 * doing less than asked.
 */
#ifndef SNET_UPDATE_CHANGES_H
#define SNET_UPDATE_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "util.h"

struct rule_line {
	char *text;		/* a rule: without its '#' marker; else as written */
	unsigned line;		/* first line in the file */
	bool is_rule;
	bool enabled;
	bool removed;		/* a duplicate sid that lost */
	bool noalert;
	uint32_t gid, sid, rev;
};

struct rule_file {
	char *name;		/* the group: a file name */
	char *source;		/* for messages */
	struct rule_line *v;
	size_t n;
};

struct rule_info {
	uint32_t gid, sid, rev;
	bool noalert;
	size_t action_len;	/* the action word starts the text */
};

/* Is text (no '#') a rule?  0 and *ri if so, -EINVAL otherwise. */
int rule_scan(const char *text, struct rule_info *ri);

/* One "name[:value];" of a rule; a non-zero return stops the walk. */
typedef int (*rule_option_fn)(void *user, const char *name, size_t nlen,
			      const char *val, size_t vlen);
/* Each option of a rule's text, in order; -EINVAL if it has no options. */
int rule_each_option(const char *text, rule_option_fn fn, void *user);
/* Replace a rule's text (taking it) if it still scans as a rule; -EINVAL
 * and nothing changed otherwise. */
int rule_line_set_text(struct rule_line *r, char *text);
/* Split a rules file into lines; commented-out rules are disabled rules. */
int rules_parse(struct rule_file *f, const char *name, const char *source,
		const char *text, size_t len, struct uerr *e);
int rules_format(const struct rule_file *f, struct buf *out);
void rule_file_free(struct rule_file *f);

struct matcher;
struct modify;

struct changes {
	struct matcher *m[CHANGE_KINDS];	/* MODIFY's are inside mods */
	size_t n[CHANGE_KINDS];
	char *file[CHANGE_KINDS];
	struct modify *mods;
	size_t nmods;
	bool resolve_flowbits;	/* after the changes: see flowbits.h */
};

/* Parse one changes file (its text); name is used in messages. */
int changes_parse(struct changes *ch, enum change_kind kind, const char *name,
		  const char *text, struct uerr *e);
void changes_free(struct changes *ch);

struct change_stats {
	size_t rules, active;		/* after the changes */
	size_t disabled, enabled, dropped, modified, duplicates;
	size_t flowbits;		/* enabled for a flowbit an enabled rule checks */
};

/*
 * Flowbit dependencies (flowbits.c): enable, as "alert" with
 * flowbits:noalert, every disabled rule that sets a flowbit an enabled rule
 * checks, until none is left; *n counts them, notes say which and why.
 */
int flowbits_resolve(struct rule_file *files, size_t nfiles, size_t *n,
		     struct buf *notes, struct uerr *e);

/*
 * Apply to every rule of every file.  Notes for the user (duplicates
 * resolved, selectors that matched nothing) are appended to notes.
 */
int changes_apply(struct changes *ch, struct rule_file *files, size_t nfiles,
		  struct change_stats *st, struct buf *notes, struct uerr *e);

#endif
