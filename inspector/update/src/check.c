// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: test-compile with libsnetinspect and the install decision. */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <snet/inspect.h>

#define SHOW_ERRORS 10

bool check_is_unsupported(const char *msg)
{
	/* "file:line: sid N: unsupported keyword 'x'", as inspect.h documents */
	const char *s = strstr(msg, ": sid ");
	if (!s)
		return false;
	s += 6;
	while (*s >= '0' && *s <= '9')
		s++;
	return !strncmp(s, ": unsupported ", 14);
}

/* A message without the candidate directory in front of file names. */
static const char *relative(const char *msg, const char *dir)
{
	size_t n = strlen(dir);

	if (!strncmp(msg, dir, n) && msg[n] == '/')
		return msg + n + 1;
	return msg;
}

int check_ruleset(const struct check_policy *p, const char *dir, const char *classification,
		  struct check_result *r, struct uerr *e)
{
	struct snet_inspect_config *cfg = NULL;
	struct snet_inspect_report *rep = NULL;
	struct snet_inspect_ruleset *rs = NULL;
	char err[1024] = "";
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = snet_inspect_config_new(&cfg)))
		return uerr_set(e, rc, "inspector: cannot make a configuration: %s", strerror(-rc));
	if (p->inspector_config && *p->inspector_config &&
	    (rc = snet_inspect_config_load(cfg, p->inspector_config, err, sizeof(err)))) {
		snet_inspect_config_free(cfg);
		return uerr_set(e, rc, "inspector-config %s: %s", p->inspector_config,
				*err ? err : strerror(-rc));
	}
	if (classification && (rc = snet_inspect_config_set(cfg, "classification-file",
							     classification))) {
		snet_inspect_config_free(cfg);
		return uerr_set(e, rc, "cannot set the classification file: %s", strerror(-rc));
	}
	const char *paths[] = { dir };
	double t0 = now_seconds();
	if (p->warm_cache) {
		rc = snet_inspect_ruleset_load(cfg, paths, 1, &rs, &rep);
		r->from_cache = !rc && snet_inspect_ruleset_from_cache(rs);
		snet_inspect_ruleset_unref(rs);
	} else {
		rc = snet_inspect_ruleset_check(cfg, paths, 1, &rep);
	}
	r->seconds = now_seconds() - t0;
	snet_inspect_config_free(cfg);
	if (!rep)
		return uerr_set(e, rc ? rc : -ENOMEM, "test-compile: no report (%s)",
				strerror(rc ? -rc : ENOMEM));
	r->loaded = snet_inspect_report_loaded(rep);
	r->total = r->loaded + snet_inspect_report_rejected(rep);
	size_t nmsg = snet_inspect_report_message_count(rep);
	for (size_t i = 0; i < nmsg; i++)
		if (check_is_unsupported(snet_inspect_report_message(rep, i)))
			r->unsupported++;
	size_t rejected = snet_inspect_report_rejected(rep);
	r->errors = rejected > r->unsupported ? rejected - r->unsupported : 0;
	snprintf(r->summary, sizeof(r->summary), "%s", snet_inspect_report_summary(rep));

	/* whole rules: 1% of 59 rules admits none */
	size_t limit = (size_t)(p->max_errors_pct ? p->max_errors * (double)r->total / 100.0 :
				p->max_errors);
	double loaded_pct = r->total ? 100.0 * (double)r->loaded / (double)r->total : 0;
	const char *why = NULL;
	char whybuf[256];
	if (rc && r->loaded == 0) {
		snprintf(whybuf, sizeof(whybuf), "no rule loads");
		why = whybuf;
	} else if (rc) {
		snprintf(whybuf, sizeof(whybuf), "the engine cannot use it (%s)", strerror(-rc));
		why = whybuf;
	} else if (r->errors > limit) {
		snprintf(whybuf, sizeof(whybuf), "%zu rules have errors, more than max-errors "
			 "(%g%s = %zu rules)", r->errors, p->max_errors,
			 p->max_errors_pct ? "%" : "", limit);
		why = whybuf;
	} else if (loaded_pct < p->min_loaded_pct) {
		snprintf(whybuf, sizeof(whybuf), "only %.1f%% of the rules load, less than "
			 "min-loaded (%g%%)", loaded_pct, p->min_loaded_pct);
		why = whybuf;
	}
	if (why) {
		struct buf b = { 0 };
		size_t shown = 0;
		int brc = buf_printf(&b, "test-compile refused the set: %s; %s", why, r->summary);
		/* the errors first: they are what the publisher must fix */
		for (int pass = 0; pass < 2 && !brc; pass++)
			for (size_t i = 0; i < nmsg && shown < SHOW_ERRORS && !brc; i++) {
				const char *m = snet_inspect_report_message(rep, i);
				if (check_is_unsupported(m) != (pass == 1))
					continue;
				brc = buf_printf(&b, "\n  %s", relative(m, dir));
				shown++;
			}
		if (!brc && nmsg > shown)
			brc = buf_printf(&b, "\n  ... and %zu more", nmsg - shown);
		/* out of memory for the details: the reason alone still goes out */
		if (brc)
			uerr_set(e, rc ? rc : -EINVAL, "test-compile refused the set: %s", why);
		else
			uerr_set(e, rc ? rc : -EINVAL, "%s", b.data);
		buf_free(&b);
		snet_inspect_report_free(rep);
		return rc ? rc : -EINVAL;
	}
	snet_inspect_report_free(rep);
	return 0;
}
