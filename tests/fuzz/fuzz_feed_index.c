// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: snet-update's reader of suricata-update's source index
 * (index.yaml, libyaml), and what enable-source does with a parsed source:
 * the file name from its name and the URL from its placeholders.  Besides
 * memory errors it checks that an accepted index has a url for every
 * source, no control byte in any string, at most the bounded number of
 * sources and parameters, and that a formed URL has no placeholder left
 * for a parameter it was given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

static void no_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_index ix;
	struct uerr e;

	if (index_parse(&ix, "fuzz.yaml", (const char *)data, size, &e)) {
		/* a refusal always says where */
		if (strncmp(e.msg, "fuzz.yaml", 9))
			abort();
		return 0;
	}
	if (ix.nsources > INDEX_MAX_SOURCES)
		abort();
	for (size_t i = 0; i < ix.nsources; i++) {
		const struct index_source *s = &ix.sources[i];
		char safe[SOURCE_NAME_MAX], *params[INDEX_MAX_PARAMS], *url;
		if (!s->name || !s->url || s->nparams > INDEX_MAX_PARAMS || index_find(&ix, s->name) != s)
			abort();
		no_control(s->name);
		no_control(s->url);
		no_control(s->summary);
		no_control(s->description);
		if (!source_safe_name(s->name, safe, sizeof(safe), &e) &&
		    (strchr(safe, '/') || safe[0] == '.' || strstr(safe, "..")))
			abort();
		for (size_t k = 0; k < s->nparams; k++) {
			no_control(s->params[k].name);
			no_control(s->params[k].prompt);
			if (asprintf(&params[k], "%s=v%zu", s->params[k].name, k) < 0)
				abort();
		}
		if (!index_source_url(s, "7.0", params, s->nparams, &url, &e)) {
			if (strstr(url, "%(__version__)s"))
				abort();
			free(url);
		}
		for (size_t k = 0; k < s->nparams; k++)
			free(params[k]);
		int cmp, cmp2;
		if (s->min_version && !version_compare(s->min_version, "7.0", &cmp) &&
		    (version_compare("7.0", s->min_version, &cmp2) || (cmp > 0) != (cmp2 < 0)))
			abort();
	}
	index_free(&ix);
	return 0;
}
