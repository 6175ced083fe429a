/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SNET_INSPECT_MATCH_H
#define SNET_INSPECT_MATCH_H
#include "internal.h"

/* per-worker verification state */
struct match_env {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned steps;
	bool exhausted;
	uint64_t budget_exhausted, pcre_errors;
};
int match_env_init(struct match_env *env);
void match_env_free(struct match_env *env);
bool smlist_match(struct match_env *env, const struct smlist *l,
		  const uint8_t *buf, size_t len);
#endif
