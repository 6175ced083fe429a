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
	size_t min_end;		/* a match must end after this (0: any) */
	int32_t last_anchor;	/* of the list being matched */
	bool min_end_blocked;	/* a failure so far may be min_end's doing */
	/*
	 * Raw stream: for each memo slot of the rule's absolute pcres, no
	 * match of that pcre starts before this offset, in this stream or in
	 * any longer one (NULL: no memo).  A search from there in partial
	 * mode moves it on, so re-verifying a rule on every new chunk does
	 * not search the whole stream again each time.  After those, two
	 * words per memo slot of its absolute contents: no occurrence of
	 * the content starts in [first, second) (the stream's bytes never
	 * change, so this holds in any longer stream).
	 */
	uint64_t *pmemo;
	uint64_t vars[SM_MAX_VARS];	/* byte_extract values on the current path */
	bool dce_little;	/* the DCERPC stub being matched is little-endian (BF_DCE) */
	uint64_t budget_exhausted, pcre_errors;
	/* transformed buffers (xform.c): two, the chain's steps alternate */
	uint8_t *xbuf[2];
	size_t xcap[2];
	uint64_t xform_errors;	/* a list not matched: no memory or digest */
	/* what base64_decode decoded (B64_OUT_MAX bytes, allocated when
	 * first needed); base64_data's list is matched there before the
	 * decoding list goes on, so one buffer serves every path */
	uint8_t *b64buf;
};
#define B64_OUT_MAX (B64_DECODE_MAX / 4 * 3 + 3)
/* buf after the chain, in env's scratch; a negative errno if it cannot be */
int xform_apply(struct match_env *env, const struct xform_chain *c, const uint8_t **buf,
		size_t *len);
int match_env_init(struct match_env *env);
void match_env_free(struct match_env *env);
/*
 * Does the list match buf (after xf, its transforms, if not NULL)?  min_end > 0: only a match whose last content
 * or pcre byte lies after min_end counts (a list with no positive content
 * or pcre always counts).
 */
bool smlist_match(struct match_env *env, const struct smlist *l, const struct xform_chain *xf,
		  const uint8_t *buf, size_t len, size_t min_end);
#endif
