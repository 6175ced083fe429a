/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The syscall policy: an ordered list of rules, first match wins.  The
 * grammar is in docs/snetd.md.  A parsed policy is immutable and reference
 * counted, so that deciding threads keep using the one they hold while a
 * reload swaps in another.
 */
#ifndef SNETD_POLICY_H
#define SNETD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snet_nl.h"

struct policy;

/* What the first matching rule says. */
struct policy_verdict {
	uint8_t verdict;	/* SNET_VERDICT_ALLOW or _DENY */
	uint8_t life;		/* enum snet_ticket_life */
	uint32_t seconds;	/* for SNET_TICKET_TIMED */
	unsigned int line;	/* of the rule in its file */
};

/*
 * Parse policy text of @len bytes named @name (the file name, used in
 * messages).  On error returns -EINVAL and writes "name:line: problem" lines
 * (the first few errors) into @err; *out is then untouched.
 */
int policy_parse(const char *text, size_t len, const char *name,
		 struct policy **out, char *err, size_t errlen);
/* Read and parse the file at @path; I/O errors are reported in @err too. */
int policy_load(const char *path, struct policy **out, char *err,
		size_t errlen);

struct policy *policy_get(struct policy *p);
void policy_put(struct policy *p);

size_t policy_rule_count(const struct policy *p);
const char *policy_name(const struct policy *p);

/* First rule matching @ev; false when none does. */
bool policy_match(const struct policy *p, const struct snet_event *ev,
		  struct policy_verdict *out);

/*
 * Write into @buf the rule that "always" at the prompt adds for @ev: the
 * same executable (or uid and comm when the kernel did not know it), the
 * syscall, protocol and the peer (or local address for bind and listen),
 * with a ticket until exit.  -ENAMETOOLONG if @buf is too small, -EINVAL if
 * the executable's path cannot be written in the policy language.
 */
int policy_rule_for_event(const struct snet_event *ev, uint8_t verdict,
			  char *buf, size_t len);

/*
 * Append @rule (one line, no newline) preceded by the comment line
 * @comment (may be NULL) to the policy file at @path, atomically: the new
 * text is parsed first and written to a temporary file that replaces the
 * old one by rename(), so a reader sees either the old or the new file and
 * a rule that does not parse changes nothing.
 */
int policy_file_append(const char *path, const char *rule, const char *comment,
		       char *err, size_t errlen);

#endif /* SNETD_POLICY_H */
