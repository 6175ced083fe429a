// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw TCP stream state of one flow direction, and what the rules allow us
 * to forget about it.
 *
 * Raw-stream rules see the stream from its first byte up to
 * reassembly-depth: the bytes are kept (buf), the Hyperscan prefilter runs
 * in streaming mode over each new chunk exactly once (hs), and a rule whose
 * fast pattern was seen but whose match may still be completed by later
 * data stays a candidate (pend) until it cannot be any more.  Everything is
 * released when the direction ends.
 *
 * The bounds computed here per rule (rule_stream_bounds) say how far a match
 * can reach: st_max_end, the end of any match counted from the stream start
 * (depth-anchored rules), and st_reach, how far past the end of a fast
 * pattern hit a match containing it can end.  Both are conservative
 * (STREAM_UNBOUNDED when not known).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define GROW_MIN 4096

static uint64_t add_bound(uint64_t a, int64_t b)
{
	if (a == STREAM_UNBOUNDED)
		return a;
	if (b < 0)
		return (uint64_t)-b > a ? 0 : a - (uint64_t)-b;
	return a + (uint64_t)b;
}

static bool is_anchor(const struct sm *m)
{
	return (m->type == SM_CONTENT || m->type == SM_PCRE) && !(m->flags & SMF_NEGATED);
}

/* bound of where content m can end, given a bound of the previous end */
static uint64_t content_end_bound(const struct sm *m, uint64_t prev)
{
	uint32_t fl = m->flags;
	/* a window from a byte_extract variable is known only when matching */
	if (fl & (SMF_ENDSWITH | SMF_VARS))
		return STREAM_UNBOUNDED;
	if (fl & SMF_RELATIVE) {
		if (fl & SMF_STARTSWITH)
			return add_bound(prev, m->u.content.len);
		if (!(fl & SMF_HAS_WITHIN))
			return STREAM_UNBOUNDED;
		int64_t dist = (fl & SMF_HAS_DISTANCE) ? m->u.content.distance : 0;
		return add_bound(add_bound(prev, dist), m->u.content.within);
	}
	if (fl & SMF_STARTSWITH)
		return m->u.content.len;
	if (fl & SMF_HAS_DEPTH) {
		int64_t off = (fl & SMF_HAS_OFFSET) ? m->u.content.offset : 0;
		return add_bound(0, off + m->u.content.depth);
	}
	return STREAM_UNBOUNDED;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* the largest end of a content/pcre match from stream start */
static uint64_t list_max_end(const struct smlist *l)
{
	uint64_t prev = 0, maxend = 0;
	bool any = false;
	for (size_t i = 0; i < l->n; i++) {
		const struct sm *m = &l->v[i];
		switch (m->type) {
		case SM_CONTENT:
			if (m->flags & SMF_NEGATED)
				break;	/* does not move the previous match */
			prev = content_end_bound(m, prev);
			maxend = max_u64(maxend, prev);
			any = true;
			break;
		case SM_PCRE:
			if (m->flags & SMF_NEGATED)
				break;
			prev = maxend = STREAM_UNBOUNDED;
			any = true;
			break;
		case SM_BYTE_JUMP:
		case SM_BYTE_EXTRACT:
		case SM_BYTE_MATH:	/* moves the relative position */
			prev = STREAM_UNBOUNDED;
			break;
		case SM_BYTE_TEST:
		case SM_ISDATAAT:
		case SM_BSIZE:
		case SM_DATASET:
			break;
		case SM_ASN1:	/* decodes to the end: more data may change it */
		case SM_BASE64_DECODE:
			maxend = STREAM_UNBOUNDED;
			any = true;
			break;
		}
	}
	/* with nothing to anchor a match, every chunk is new data */
	return any ? maxend : STREAM_UNBOUNDED;
}

/* a byte keyword that sets the relative position where its bytes end */
static bool moves_position(const struct sm *m)
{
	return m->type == SM_BYTE_JUMP || m->type == SM_BYTE_EXTRACT || m->type == SM_BYTE_MATH;
}

/* how far past the end of a fast pattern hit a match containing it ends */
static uint64_t list_reach(const struct smlist *l, const struct sm *fp)
{
	if (!fp || fp < l->v || fp >= l->v + l->n)
		return STREAM_UNBOUNDED;
	size_t f = (size_t)(fp - l->v);
	/* everything before the fast pattern must be chained to it, in order */
	for (size_t i = 1; i <= f; i++) {
		const struct sm *m = &l->v[i];
		if (!(m->flags & SMF_RELATIVE) || moves_position(m))
			return STREAM_UNBOUNDED;
		if (m->type == SM_CONTENT && (m->flags & SMF_HAS_DISTANCE) &&
		    m->u.content.distance < 0)
			return STREAM_UNBOUNDED;
	}
	if (f > 0 && moves_position(&l->v[0]))
		return STREAM_UNBOUNDED;
	/* a chopped fast pattern: the content goes on after the hit */
	uint64_t prev = 0;
	if (fp->u.content.has_chop)
		prev = fp->u.content.len - fp->u.content.fp_chop_off - fp->u.content.fp_chop_len;
	uint64_t reach = prev;
	for (size_t i = f + 1; i < l->n; i++) {
		const struct sm *m = &l->v[i];
		if (!(m->flags & SMF_RELATIVE)) {
			/* an independent content, a jump or base64_data's
			 * match can land anywhere; an absolute
			 * byte_test/isdataat does not move the match */
			if (is_anchor(m) || moves_position(m) || m->type == SM_BASE64_DECODE)
				return STREAM_UNBOUNDED;
			continue;
		}
		switch (m->type) {
		case SM_CONTENT:
			if (m->flags & SMF_NEGATED)
				break;
			prev = content_end_bound(m, prev);
			if (prev == STREAM_UNBOUNDED)
				return prev;
			reach = max_u64(reach, prev);
			break;
		case SM_PCRE:
			if (!(m->flags & SMF_NEGATED))
				return STREAM_UNBOUNDED;
			break;
		case SM_BYTE_JUMP:
		case SM_BYTE_EXTRACT:
		case SM_BYTE_MATH:
		case SM_ASN1:
		case SM_BASE64_DECODE:
			return STREAM_UNBOUNDED;
		case SM_BYTE_TEST:
		case SM_ISDATAAT:
		case SM_BSIZE:
		case SM_DATASET:
			break;
		}
	}
	return reach;
}

/*
 * Is the fast pattern the list's only content or pcre, with nothing else
 * that searches the stream from its start?  Then verifying the rule on new
 * data costs a search of the new data (match.c starts the last anchor's
 * search there), so the rule can stay a candidate for the whole stream
 * after its first hit instead of being reported by Hyperscan at every
 * occurrence (one-byte patterns hit every few hundred bytes).
 */
static bool cheap_single_anchor(const struct smlist *l, const struct sm *fp)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sm *m = &l->v[i];
		if (m == fp)
			continue;
		if (is_anchor(m))
			return false;
		/* an absolute negated content without depth searches it all */
		if (m->type == SM_CONTENT && !(m->flags & SMF_RELATIVE) &&
		    !(m->flags & (SMF_HAS_DEPTH | SMF_STARTSWITH)))
			return false;
		if (m->type == SM_PCRE && !(m->flags & SMF_RELATIVE))
			return false;
	}
	return fp && fp >= l->v && fp < l->v + l->n && !(fp->flags & SMF_RELATIVE);
}

void rule_stream_bounds(struct rule *r)
{
	const struct smlist *l = rule_list(r, BUF_STREAM);
	r->st_max_end = list_max_end(l);
	if (r->fp_buf != BUF_STREAM || cheap_single_anchor(l, r->fp))
		r->st_reach = STREAM_UNBOUNDED;
	else
		r->st_reach = list_reach(l, r->fp);
}

size_t stream_capacity_for(const struct stream_dir *sd, size_t n, uint64_t depth)
{
	size_t need = sd->len + n;
	if (need <= sd->cap)
		return sd->cap;
	size_t cap = sd->cap ? sd->cap : GROW_MIN;
	while (cap < need)
		cap *= 2;
	/* the stream never grows past reassembly-depth */
	if (cap > depth && need <= depth)
		cap = (size_t)depth;
	return cap;
}

int stream_append(struct stream_dir *sd, const uint8_t *d, size_t n, size_t cap)
{
	if (cap > sd->cap) {
		uint8_t *b = realloc(sd->buf, cap);
		if (!b)
			return -ENOMEM;
		sd->buf = b;
		sd->cap = cap;
	}
	if (sd->len + n > sd->cap)
		return -ENOSPC;
	memcpy(sd->buf + sd->len, d, n);
	sd->len += n;
	return 0;
}

void stream_release(struct stream_dir *sd)
{
	if (sd->hs)
		hs_close_stream(sd->hs, NULL, NULL, NULL);
	sd->hs = NULL;
	sd->hs_size = 0;
	free(sd->buf);
	sd->buf = NULL;
	sd->cap = 0;
	free(sd->pend);
	sd->pend = NULL;
	sd->npend = sd->cappend = 0;
	sd->released = true;
}

int pending_add(struct stream_dir *sd, uint32_t rid, uint64_t until, const uint64_t *pmemo)
{
	if (sd->npend == sd->cappend) {
		size_t cap = sd->cappend ? sd->cappend * 2 : 8;
		struct pending *v = realloc(sd->pend, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		sd->pend = v;
		sd->cappend = cap;
	}
	sd->pend[sd->npend].rid = rid;
	sd->pend[sd->npend].until = until;
	memcpy(sd->pend[sd->npend].pmemo, pmemo, sizeof(sd->pend[sd->npend].pmemo));
	sd->npend++;
	return 0;
}

void pending_prune(struct stream_dir *sd, uint64_t upto)
{
	size_t j = 0;
	for (size_t i = 0; i < sd->npend; i++)
		if (sd->pend[i].until > upto)
			sd->pend[j++] = sd->pend[i];
	sd->npend = j;
}

size_t stream_memory(const struct stream_dir *sd)
{
	return sd->cap + sd->hs_size + sd->cappend * sizeof(struct pending) + sd->ooo_bytes +
	       sd->nooo * sizeof(struct seg);
}
