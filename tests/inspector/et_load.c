// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * et_load CACHE_DIR RULES...: load the ET Open set twice (cold, then from
 * the database cache), print the loaded fraction and timings.
 * Exit 1 if fewer than 90% of the rules load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "snet/inspect.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: et_load CACHE_DIR CLASSIFICATION RULES...\n");
		return 2;
	}
	struct snet_inspect_config *cfg;
	snet_inspect_config_new(&cfg);
	snet_inspect_config_set(cfg, "cache-dir", argv[1]);
	snet_inspect_config_set(cfg, "classification-file", argv[2]);
	double loaded = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		double t0 = now();
		int rc = snet_inspect_ruleset_load(cfg, (const char *const *)argv + 3,
						   (size_t)argc - 3, &rs, &rep);
		double dt = now() - t0;
		size_t ok = snet_inspect_report_loaded(rep);
		size_t total = ok + snet_inspect_report_rejected(rep);
		loaded = total ? (double)ok / (double)total : 0;
		printf("et-open load %s: rc=%d %.2fs from_cache=%d: %s\n", pass ? "warm" : "cold", rc, dt,
		       snet_inspect_ruleset_from_cache(rs), snet_inspect_report_summary(rep));
		if (pass == 0 && getenv("ET_LOAD_MESSAGES"))
			for (size_t i = 0; i < snet_inspect_report_message_count(rep); i++)
				fprintf(stderr, "%s\n", snet_inspect_report_message(rep, i));
		snet_inspect_report_free(rep);
		snet_inspect_ruleset_unref(rs);
		if (rc)
			return 1;
	}
	snet_inspect_config_free(cfg);
	printf("et-open loaded fraction %.4f goal>=0.90\n", loaded);
	return loaded >= 0.90 ? 0 : 1;
}
