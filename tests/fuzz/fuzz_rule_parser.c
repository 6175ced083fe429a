// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the rule lexer/parser, address/port parsing and interning,
 * content decoding, and the stream bounds computed for a parsed rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snet_inspect_config *cfg;
	if (!cfg && snet_inspect_config_new(&cfg))
		abort();
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = 0;
	struct class_table classes = { 0 };
	struct flowbit_names fb = { 0 }, fi = { 0 };
	struct hdr_table hdrs = { 0 };
	struct dataset_table sets = { 0 };
	struct parse_ctx ctx = { .cfg = cfg, .classes = &classes, .fbnames = &fb, .finames = &fi,
				 .datasets = &sets,
				 /* odd sizes intern the header, even ones own it */
				 .hdrs = (size & 1) ? &hdrs : NULL, .file = "fuzz", .line = 1 };
	struct rule *r = NULL;
	char err[512];
	if (rule_parse(&ctx, line, &r, err, sizeof(err)) == 0) {
		/* EVE's metadata object is made from the rule's text on its
		 * first alert: as valid JSON, or nothing when out of memory */
		const char *meta = rule_metadata_json(r);
		if (meta && r->metadata) {
			json_t *o = json_loads(meta, 0, NULL);
			if (!json_is_object(o))
				abort();
			json_decref(o);
		}
		rule_free(r);
	}
	hdr_table_free(&hdrs);
	dataset_table_free(&sets);
	for (size_t i = 0; i < fb.n; i++)
		free(fb.names[i]);
	free(fb.names);
	for (size_t i = 0; i < fi.n; i++)
		free(fi.names[i]);
	free(fi.names);
	free(line);
	return 0;
}
