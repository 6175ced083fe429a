// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verification of one buffer's match list: contents with their positions,
 * pcre, byte_test, byte_jump, isdataat.  Relative elements are placed after
 * the previous element's match; when a later relative element fails, the
 * previous content or pcre is retried at its next occurrence (as Suricata
 * does), within a bounded budget of steps.
 *
 * Raw-stream rules are matched on the stream from its start; a match
 * counts only if it is new, i.e. ends (its last content or pcre byte)
 * after min_end, the end of the data inspected before.  Occurrences that
 * end too early are skipped, and earlier elements are retried at later
 * occurrences when that can move the end past min_end.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "match.h"

/*
 * A pcre is compiled to machine code when it first runs, not when its
 * rule loads: most of a rule set's pcres never run, and their code was a
 * third of ET Open's load time and 24 MB.  Workers share rules, so the
 * first one to need it compiles it under this lock; none matches with it
 * before (pcre2_jit_compile() writes the code pcre2_match() reads).
 */
static pthread_mutex_t pcre_jit_lock = PTHREAD_MUTEX_INITIALIZER;

static void pcre_ready(const struct sm *m)
{
	if (atomic_load_explicit(&m->u.pcre.jit, memory_order_acquire) != PCRE_JIT_PENDING)
		return;
	/* the rule is shared read-only but for this state and its code */
	struct sm *w = (struct sm *)m;
	pthread_mutex_lock(&pcre_jit_lock);
	if (atomic_load_explicit(&w->u.pcre.jit, memory_order_relaxed) == PCRE_JIT_PENDING) {
		uint32_t modes = PCRE2_JIT_COMPLETE |
				 (w->u.pcre.memo >= 0 ? PCRE2_JIT_PARTIAL_SOFT : 0);
		/* refused (too complex, no memory): PCRE2 interprets it, with
		 * the same results */
		(void)pcre2_jit_compile(w->u.pcre.code, modes);
		atomic_store_explicit(&w->u.pcre.jit, PCRE_JIT_READY, memory_order_release);
	}
	pthread_mutex_unlock(&pcre_jit_lock);
}

#define MATCH_BUDGET 4096
/* base64_decode: one step per this many bytes of text */
#define B64_STEP_BYTES 256

static bool next_is_relative(const struct sm *v, size_t n, size_t i)
{
	return i + 1 < n && (v[i + 1].flags & SMF_RELATIVE);
}

/*
 * After the rest failed from one occurrence of element i, can a later
 * occurrence succeed?  Yes if the next element is placed relative to it,
 * or if the match was only too old (its end not past min_end): when the
 * rest depends on where element i ended, or failed somewhere min_end had
 * a say (blocked).  A rest that failed for reasons of its own fails the
 * same way after any occurrence: searching on would only cost (a pending
 * rule is verified on every new chunk of its stream).
 */
static bool retry_helps(const struct match_env *env, const struct sm *v, size_t n, size_t i,
			size_t hi, bool blocked)
{
	return next_is_relative(v, n, i) ||
	       (env->min_end && hi <= env->min_end && (blocked || (v[i].flags & SMF_REST_DEP)));
}

/* the rest from element i + 1; *blocked: whether min_end had a say in a failure */
static int match_rest(struct match_env *env, const struct sm *v, size_t n, size_t i,
		      const uint8_t *buf, size_t len, size_t prev_end, size_t hi, bool *blocked);

/* the bits of bitmask, shifted down to bit 0 */
static uint64_t apply_bitmask(uint64_t v, uint64_t bitmask)
{
	v &= bitmask;
	while (bitmask && !(bitmask & 1)) {
		bitmask >>= 1;
		v >>= 1;
	}
	return v;
}

/*
 * The number written in [p, end) as strtoull() reads it, which is how
 * Suricata reads a string byte_test, byte_jump or byte_extract: blanks
 * first, a sign, "0x" in base 16, then digits up to the first non-digit;
 * false without a digit or past 64 bits (ERANGE).
 */
static bool read_string(uint32_t bf, const uint8_t *p, const uint8_t *end, uint64_t *out)
{
	unsigned base = bf & BF_BASE_HEX ? 16 : bf & BF_BASE_OCT ? 8 : 10;
	bool neg = false;
	uint64_t v = 0;

	while (p < end && isspace(*p))
		p++;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (base == 16 && end - p > 2 && p[0] == '0' && (p[1] | 0x20) == 'x' && isxdigit(p[2]))
		p += 2;
	const uint8_t *s = p;
	for (; s < end; s++) {
		int hd = hex_digit(*s);
		unsigned d = (unsigned)hd;
		if (hd < 0 || d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (s == p)
		return false;
	*out = neg ? -v : v;
	return true;
}

/* read nbytes at p as a number (binary, or a string the rule parser
 * bounds); false if not a number */
static bool read_number(size_t nbytes, uint32_t bf, uint64_t bitmask, const uint8_t *p,
			uint64_t *out)
{
	uint64_t v = 0;
	if (bf & BF_STRING) {
		if (!read_string(bf, p, p + nbytes, &v))
			return false;
	} else {
		for (unsigned i = 0; i < nbytes; i++) {
			if (bf & BF_LITTLE)
				v |= (uint64_t)p[i] << (8 * i);
			else
				v = v << 8 | p[i];
		}
	}
	if (bf & BF_HAS_BITMASK)
		v = apply_bitmask(v, bitmask);
	*out = v;
	return true;
}

/* the flags a number is read with: 'dce' takes the DCERPC stub's byte order */
static uint32_t byte_order(const struct match_env *env, uint32_t bf)
{
	if (!(bf & BF_DCE))
		return bf;
	return env->dce_little ? bf | BF_LITTLE : bf & ~(uint32_t)BF_LITTLE;
}

/* nbytes at pos of buf as a number, if they are all inside it */
static bool read_at(long long pos, uint8_t nbytes, uint32_t bf, uint64_t bitmask,
		    const uint8_t *buf, size_t len, uint64_t *out)
{
	if (pos < 0 || pos + nbytes > (long long)len)
		return false;
	return read_number(nbytes, bf, bitmask, buf + pos, out);
}

/* content m in hay: its rarest byte first (needle_anchor) */
static const uint8_t *find(const uint8_t *hay, size_t hlen, const struct sm *m)
{
	return memmem_anchor(hay, hlen, m->u.content.bytes, m->u.content.len, m->u.content.anchor,
			     m->flags & SMF_NOCASE);
}

/* record that no occurrence starts in [a, b): joined to the memo's range
 * when they touch, else the range reaching further is kept */
static void memo_note(uint64_t *cm, uint64_t a, uint64_t b)
{
	if (b <= a)
		return;
	if (cm[1] > cm[0] && a <= cm[1] && b >= cm[0]) {
		cm[0] = a < cm[0] ? a : cm[0];
		cm[1] = b > cm[1] ? b : cm[1];
	} else if (b > cm[1]) {
		cm[0] = a;
		cm[1] = b;
	}
}

/* find() in buf[pos, end) that skips and extends the range of the memo */
static const uint8_t *find_memo(uint64_t *cm, const uint8_t *buf, long long pos, long long end,
				const struct sm *m)
{
	size_t nlen = m->u.content.len;
	long long from = pos;
	if ((uint64_t)pos >= cm[0] && (uint64_t)pos < cm[1])
		pos = (long long)cm[1];
	const uint8_t *hit = end - pos >= (long long)nlen ?
			     find(buf + pos, (size_t)(end - pos), m) : NULL;
	long long upto = hit ? hit - buf : end - (long long)nlen + 1;
	if (upto > from)
		memo_note(cm, (uint64_t)from, (uint64_t)upto);
	return hit;
}

/* a byte_extract variable (index + 1) as a position or count, or dflt if 0 */
static long long var_or(const struct match_env *env, uint8_t var, long long dflt)
{
	if (!var)
		return dflt;
	uint64_t v = env->vars[var - 1];
	return v > INT32_MAX ? INT32_MAX : (long long)v;
}

static int match_from(struct match_env *env, const struct sm *v, size_t n,
		      size_t i, const uint8_t *buf, size_t len, size_t prev_end, size_t hi);

/*
 * base64_decode: decode, then base64_data's list on the decoded bytes.
 * As in Suricata that list ends the match: nothing the rule parser lets
 * follow base64_decode in its own list.  On the raw stream the match is
 * new if the decoding list's was, or else if base64_data's ends in bytes
 * decoded from new data (min_end mapped into the decoded bytes).
 */
static int base64_match(struct match_env *env, const struct sm *m, const uint8_t *buf,
			size_t len, size_t prev_end, size_t hi)
{
	const struct smlist *d = m->u.b64.data;
	size_t from = m->flags & SMF_RELATIVE ? prev_end : 0;
	if (!d || from > len)
		return 0;
	if (m->u.b64.offset) {
		if (m->u.b64.offset >= len - from)
			return 0;
		from += m->u.b64.offset;
	}
	size_t n = len - from < m->u.b64.bytes ? len - from : m->u.b64.bytes;
	if (!n)
		return 0;
	if (!env->b64buf && !(env->b64buf = malloc(B64_OUT_MAX))) {
		env->xform_errors++;
		return 0;
	}
	/* on the raw stream, text that is all old decodes to nothing new */
	bool old_part = env->min_end && hi <= env->min_end;
	if (old_part && from + n <= env->min_end)
		return 0;
	size_t mark = old_part && env->min_end > from ? env->min_end - from : 0, old;
	size_t dn = base64_decode_rfc4648(buf + from, n, env->b64buf, mark, &old);
	/*
	 * Decoding is work the steps do not count: charge it (3 bytes from
	 * 4 of text), so that many occurrences of the content before one
	 * long text cost at most MATCH_BUDGET * B64_STEP_BYTES of text
	 * decoded per verification (each decodes the rest of the text).
	 */
	env->steps += (unsigned)(dn / 3 * 4 / B64_STEP_BYTES);
	if (env->steps > MATCH_BUDGET) {
		env->exhausted = true;
		return 0;
	}
	if (!dn)
		return 0;
	size_t outer_min = env->min_end;
	int32_t outer_anchor = env->last_anchor;
	env->min_end = old_part ? old : 0;
	env->last_anchor = d->last_anchor;
	int rc = match_from(env, d->v, d->n, 0, env->b64buf, dn, 0, 0);
	env->min_end = outer_min;
	env->last_anchor = outer_anchor;
	return rc;
}

/* hi: the end of the rightmost content/pcre matched so far */
static int match_from(struct match_env *env, const struct sm *v, size_t n,
		      size_t i, const uint8_t *buf, size_t len, size_t prev_end, size_t hi)
{
	if (i == n) {
		if (!env->min_end || env->last_anchor < 0 || hi > env->min_end)
			return 1;
		env->min_end_blocked = true;
		return 0;
	}
	if (++env->steps > MATCH_BUDGET) {
		env->exhausted = true;
		return 0;
	}
	const struct sm *m = &v[i];
	bool rel = m->flags & SMF_RELATIVE;
	bool neg = m->flags & SMF_NEGATED;
	switch (m->type) {
	case SM_CONTENT: {
		const uint8_t *c = m->u.content.bytes;
		size_t clen = m->u.content.len;
		long long start, end;
		long long c_off = m->u.content.offset, c_depth = m->u.content.depth;
		long long c_dist = m->u.content.distance, c_within = m->u.content.within;
		if (m->flags & SMF_VARS) {
			const uint8_t *vr = m->u.content.var;
			c_off = var_or(env, vr[0], c_off);
			c_depth = var_or(env, vr[1], c_depth);
			c_dist = var_or(env, vr[2], c_dist);
			c_within = var_or(env, vr[3], c_within);
		}
		if (rel) {
			long long dist = (m->flags & SMF_HAS_DISTANCE) ? c_dist : 0;
			start = (long long)prev_end + dist;
			end = (m->flags & SMF_HAS_WITHIN) ?
				(long long)prev_end + dist + c_within : (long long)len;
			if (start < 0)
				start = 0;
		} else {
			start = (m->flags & SMF_HAS_OFFSET) ? c_off : 0;
			end = (m->flags & SMF_HAS_DEPTH) ? start + c_depth : (long long)len;
		}
		if (m->flags & SMF_STARTSWITH) {
			start = rel ? (long long)prev_end : 0;
			end = start + (long long)clen;
		}
		if (end > (long long)len)
			end = (long long)len;
		bool nocase = m->flags & SMF_NOCASE;
		if (m->flags & SMF_ENDSWITH) {
			bool hit = len >= clen && (long long)(len - clen) >= start &&
				   (nocase ? memmem_nocase(buf + len - clen, clen, c, clen) != NULL :
				    !memcmp(buf + len - clen, c, clen));
			if (neg)
				return hit ? 0 : match_from(env, v, n, i + 1, buf, len, prev_end, hi);
			return hit ? match_from(env, v, n, i + 1, buf, len, len, len) : 0;
		}
		if (neg) {
			bool hit = end - start >= (long long)clen &&
				   find(buf + start, (size_t)(end - start), m);
			return hit ? 0 : match_from(env, v, n, i + 1, buf, len, prev_end, hi);
		}
		/* the last content or pcre must end past min_end if nothing did */
		bool restricted = false;
		if (env->min_end && (long long)i == env->last_anchor && hi <= env->min_end &&
		    env->min_end + 1 > clen && start < (long long)(env->min_end + 1 - clen)) {
			start = (long long)(env->min_end + 1 - clen);
			restricted = true;
		}
		uint64_t *cm = m->u.content.memo >= 0 && env->pmemo ?
			       &env->pmemo[PCRE_MEMOS + 2 * m->u.content.memo] : NULL;
		long long pos = start;
		while (end - pos >= (long long)clen) {
			const uint8_t *hit = cm ? find_memo(cm, buf, pos, end, m) :
					     find(buf + pos, (size_t)(end - pos), m);
			if (!hit)
				break;
			size_t at = (size_t)(hit - buf);
			size_t nhi = at + clen > hi ? at + clen : hi;
			bool blocked;
			if (match_rest(env, v, n, i, buf, len, at + clen, nhi, &blocked))
				return 1;
			if (env->exhausted || !retry_helps(env, v, n, i, nhi, blocked))
				break;
			pos = (long long)at + 1;
		}
		/* an earlier occurrence, outside the window, might have done */
		if (restricted)
			env->min_end_blocked = true;
		return 0;
	}
	case SM_PCRE: {
		size_t base = rel ? prev_end : 0;
		if (base > len)
			return 0;
		size_t off = 0;
		/*
		 * The memo of an absolute pcre on the raw stream: start there, in
		 * partial mode, which gives the same complete matches, and says
		 * where a match may still begin once more data comes (nowhere
		 * before: NOMATCH; the start of the partial match: PARTIAL).
		 */
		uint64_t *memo = !rel && !neg && m->u.pcre.memo >= 0 && env->pmemo ?
				 &env->pmemo[m->u.pcre.memo] : NULL;
		uint32_t opts = memo ? PCRE2_PARTIAL_SOFT : 0;
		if (memo)
			off = *memo < len ? (size_t)*memo : len;
		pcre_ready(m);
		for (bool first = true;; first = false) {
			int rc = pcre2_match(m->u.pcre.code, (PCRE2_SPTR)(buf + base),
					     len - base, off, opts, env->md, env->mctx);
			if (memo && first && rc == PCRE2_ERROR_NOMATCH)
				*memo = len;
			else if (memo && first && rc == PCRE2_ERROR_PARTIAL &&
				 pcre2_get_ovector_pointer(env->md)[0] > *memo)
				*memo = pcre2_get_ovector_pointer(env->md)[0];	/* may be a lookbehind's */
			if (rc < 0) {
				if (rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
					env->pcre_errors++;
				return neg ? match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
			}
			if (neg)
				return 0;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(env->md);
			size_t mstart = ov[0], mend = ov[1];
			size_t nhi = base + mend > hi ? base + mend : hi;
			bool blocked;
			if (match_rest(env, v, n, i, buf, len, base + mend, nhi, &blocked))
				return 1;
			if (env->exhausted || !retry_helps(env, v, n, i, nhi, blocked))
				return 0;
			off = mstart + 1;
			if (off > len - base)
				return 0;
		}
	}
	case SM_BYTE_TEST: {
		long long bt_off = var_or(env, m->u.btest.var_offset, m->u.btest.offset);
		long long pos = (rel ? (long long)prev_end : 0) + bt_off;
		if (m->u.btest.bflags & BF_FROM_END)
			pos = (long long)len + bt_off;
		if (pos < 0 || pos + m->u.btest.nbytes > (long long)len)
			return 0;
		uint64_t val;
		/* 0 bytes (a string): all the digits there are */
		if (!read_number(m->u.btest.nbytes ? m->u.btest.nbytes : len - (size_t)pos,
				 byte_order(env, m->u.btest.bflags), m->u.btest.bitmask, buf + pos,
				 &val))
			return 0;
		uint64_t ref = m->u.btest.var_value ? env->vars[m->u.btest.var_value - 1] :
			       m->u.btest.value;
		bool ok;
		switch (m->u.btest.op) {
		case '<': ok = val < ref; break;
		case '>': ok = val > ref; break;
		case '=': ok = val == ref; break;
		case 'l': ok = val <= ref; break;
		case 'g': ok = val >= ref; break;
		case '&': ok = (val & ref) != 0; break;
		case '^': ok = (val ^ ref) != 0; break;
		default: ok = false;
		}
		if (m->u.btest.bflags & BF_NEGATE_OP)
			ok = !ok;
		return ok ? match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
	}
	case SM_BYTE_JUMP: {
		long long pos = (rel ? (long long)prev_end : 0) +
				var_or(env, m->u.bjump.var_offset, m->u.bjump.offset);
		uint8_t nbytes = m->u.bjump.nbytes;
		if (m->u.bjump.var_nbytes) {
			/* Suricata 7's bounds for a count known only now: 1 to
			 * 8 bytes, 23 digits with 'string'; else no match */
			uint64_t vn = env->vars[m->u.bjump.var_nbytes - 1];
			if (vn == 0 || vn > (m->u.bjump.bflags & BF_STRING ? 23u : 8u))
				return 0;
			nbytes = (uint8_t)vn;
		}
		uint64_t val;
		if (!read_at(pos, nbytes, byte_order(env, m->u.bjump.bflags),
			     m->u.bjump.bitmask,
			     buf, len, &val))
			return 0;
		if (val > (1ull << 32))
			return 0;
		val *= m->u.bjump.multiplier;
		if (m->u.bjump.bflags & BF_ALIGN)
			val = (val + 3) & ~3ull;
		long long base = m->u.bjump.bflags & BF_FROM_BEGIN ? 0 :
				 m->u.bjump.bflags & BF_FROM_END ? (long long)len :
				 pos + nbytes;
		long long to = base + (long long)val + m->u.bjump.post_offset;
		/* Suricata 7's bounds: before the buffer is its start; the
		 * end of the buffer or past it is no match */
		if (to < 0)
			to = 0;
		else if (to >= (long long)len)
			return 0;
		return match_from(env, v, n, i + 1, buf, len, (size_t)to, hi);
	}
	case SM_ISDATAAT: {
		bool has;
		size_t at = (size_t)var_or(env, m->u.isdataat.var_offset, m->u.isdataat.offset);
		if (rel)
			has = prev_end <= len && len - prev_end >= at;
		else
			has = at < len;
		if (neg)
			has = !has;
		return has ? match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
	}
	case SM_BYTE_MATH: {
		long long pos = (rel ? (long long)prev_end : 0) + m->u.bmath.offset;
		uint64_t val;
		uint32_t bf = byte_order(env, m->u.bmath.bflags) & ~(uint32_t)BF_HAS_BITMASK;
		if (!read_at(pos, m->u.bmath.nbytes, bf, 0, buf, len, &val))
			return 0;
		uint64_t rv = m->u.bmath.var_rvalue ? env->vars[m->u.bmath.var_rvalue - 1] :
			      m->u.bmath.rvalue;
		switch (m->u.bmath.oper) {
		case '+': val += rv; break;
		case '-': val -= rv; break;
		case '*': val *= rv; break;
		case '/':
			if (!rv)
				return 0;	/* never a match, as Suricata */
			val /= rv;
			break;
		case '<': val = rv < 64 ? val << rv : 0; break;
		case '>': val = rv < 64 ? val >> rv : 0; break;
		}
		/* the bitmask on the result, as Suricata's byte_math applies it */
		if (m->u.bmath.bflags & BF_HAS_BITMASK)
			val = apply_bitmask(val, m->u.bmath.bitmask);
		env->vars[m->u.bmath.var] = val;
		return match_from(env, v, n, i + 1, buf, len, (size_t)(pos + m->u.bmath.nbytes), hi);
	}
	case SM_BASE64_DECODE:
		return base64_match(env, m, buf, len, prev_end, hi);
	case SM_BSIZE:
		return numcmp_match(&m->u.bsize, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len) ?
		       match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
	case SM_DATASET:
		/* the whole buffer; the position stays */
		return dataset_op(m->u.dataset.set, m->u.dataset.cmd, m->u.dataset.rep, buf,
				  len) ? match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
	case SM_ASN1:
		/* the decoding reads to the buffer's end; the position stays */
		return asn1_match(&m->u.asn1, buf, len, prev_end) ?
		       match_from(env, v, n, i + 1, buf, len, prev_end, hi) : 0;
	case SM_BYTE_EXTRACT: {
		long long pos = (rel ? (long long)prev_end : 0) + m->u.bextract.offset;
		uint64_t val;
		if (!read_at(pos, m->u.bextract.nbytes, byte_order(env, m->u.bextract.bflags),
			     m->u.bextract.bitmask, buf, len, &val))
			return 0;
		if (val > UINT64_MAX / m->u.bextract.multiplier)
			return 0;
		val *= m->u.bextract.multiplier;
		if (m->u.bextract.align && val % m->u.bextract.align)
			val += m->u.bextract.align - val % m->u.bextract.align;
		env->vars[m->u.bextract.var] = val;
		/* later relative options start after the extracted bytes */
		return match_from(env, v, n, i + 1, buf, len,
				  (size_t)(pos + m->u.bextract.nbytes), hi);
	}
	}
	return 0;
}

static int match_rest(struct match_env *env, const struct sm *v, size_t n, size_t i,
		      const uint8_t *buf, size_t len, size_t prev_end, size_t hi, bool *blocked)
{
	bool outer = env->min_end_blocked;
	env->min_end_blocked = false;
	int rc = match_from(env, v, n, i + 1, buf, len, prev_end, hi);
	*blocked = env->min_end_blocked;
	env->min_end_blocked = outer || *blocked;
	return rc;
}

void smlist_prepare_memos(struct smlist *l)
{
	/*
	 * The absolute contents that search the stream from its start, then
	 * relative ones: a memo of where a content does not occur serves any
	 * window, and present_gate() needs one per content it checks.
	 */
	int8_t cslot = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->n && cslot < CONTENT_MEMOS; i++) {
			struct sm *m = &l->v[i];
			if (m->type == SM_CONTENT && m->u.content.memo < 0 &&
			    !!(m->flags & SMF_RELATIVE) == pass &&
			    !(m->flags & (SMF_NEGATED | SMF_STARTSWITH | SMF_ENDSWITH)))
				m->u.content.memo = cslot++;
		}
	}
	/* present_gate() checks the relative ones */
	l->ncmemo = cslot;
	int8_t slot = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct sm *m = &l->v[i];
		if (m->type != SM_PCRE || (m->flags & (SMF_NEGATED | SMF_RELATIVE)) ||
		    slot == PCRE_MEMOS)
			continue;
		m->u.pcre.memo = slot++;
	}
	l->npmemo = slot;
}

const struct smlist smlist_none = { .last_anchor = -1 };

void smlist_prepare(struct smlist *l)
{
	/* does a later element take its place from this one's end?  Only
	 * contents, pcre and byte_jump move that place */
	for (size_t i = 0; i < l->n; i++) {
		l->v[i].flags &= ~(uint32_t)SMF_REST_DEP;
		if (l->v[i].type == SM_CONTENT) {
			l->v[i].u.content.memo = -1;	/* smlist_prepare_memos() may give one */
			l->v[i].u.content.anchor = needle_anchor(l->v[i].u.content.bytes,
								 l->v[i].u.content.len,
								 l->v[i].flags & SMF_NOCASE);
		}
		for (size_t j = i + 1; j < l->n; j++) {
			const struct sm *m = &l->v[j];
			if (m->flags & SMF_RELATIVE) {
				l->v[i].flags |= SMF_REST_DEP;
				break;
			}
			if (((m->type == SM_CONTENT || m->type == SM_PCRE) &&
			     !(m->flags & SMF_NEGATED)) || m->type == SM_BYTE_JUMP ||
			    m->type == SM_BYTE_EXTRACT)
				break;
		}
	}
	l->last_anchor = -1;
	l->ncmemo = 0;
	l->npmemo = 0;
	bool other_end = false;
	for (size_t i = 0; i < l->n; i++) {
		if ((l->v[i].type == SM_CONTENT || l->v[i].type == SM_PCRE) &&
		    !(l->v[i].flags & SMF_NEGATED))
			l->last_anchor = (int32_t)i;
		/* base64_data's contents may end a match, too */
		if ((l->v[i].type == SM_PCRE && !(l->v[i].flags & SMF_NEGATED)) ||
		    l->v[i].type == SM_BASE64_DECODE)
			other_end = true;
	}
	l->only_contents = l->last_anchor >= 0 && !other_end;
	/* base64_decode ends the list's match (base64_match decides what is
	 * new): its contents need not end past min_end */
	if (l->n && l->v[l->n - 1].type == SM_BASE64_DECODE)
		l->last_anchor = -1;
}

/*
 * Does one of the list's positive contents occur ending past min_end?  A
 * match ends (hi, the end of its rightmost content or pcre) where one of
 * its contents does, so a list of contents with none there has no new
 * match: a pending raw-stream rule is verified on every new chunk of its
 * stream, and this costs a search of the new data per content instead of
 * the whole verification.
 */
static bool content_ends_past(const struct smlist *l, const uint8_t *buf, size_t len,
			      size_t min_end)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sm *m = &l->v[i];
		if (m->type != SM_CONTENT || (m->flags & SMF_NEGATED))
			continue;
		size_t clen = m->u.content.len;
		size_t from = min_end + 1 > clen ? min_end + 1 - clen : 0;
		if (from < len && find(buf + from, len - from, m))
			return true;
	}
	return false;
}

/*
 * Does every relative content with a memo slot occur somewhere in buf?  A
 * list cannot match without each of its positive contents.  With the
 * memos only the bytes not yet known to lack it are searched: a raw-stream
 * rule pending on a content that never came (an image type after the
 * Content-Type of a response of another type) costs a search of each new
 * chunk instead of its chain from the stream start again.  Absolute
 * contents are not checked: match_from() searches them first anyway.
 */
static bool present_gate(struct match_env *env, const struct smlist *l, const uint8_t *buf,
			 size_t len)
{
	for (size_t k = l->n; k-- > 0;) {
		const struct sm *m = &l->v[k];
		if (m->type != SM_CONTENT || m->u.content.memo < 0 || !(m->flags & SMF_RELATIVE))
			continue;
		uint64_t *cm = &env->pmemo[PCRE_MEMOS + 2 * m->u.content.memo];
		if (!find_memo(cm, buf, 0, (long long)len, m))
			return false;
	}
	/*
	 * Then each absolute pcre with a memo needs a complete match: the
	 * search match_from() starts with, from the memo in partial mode, so
	 * mostly over the new data.  After the contents: a pcre costs more
	 * than the search of an absent content (step 23 of PERFORMANCE.md).
	 */
	for (size_t k = 0; k < l->n; k++) {
		const struct sm *m = &l->v[k];
		if (m->type != SM_PCRE || m->u.pcre.memo < 0 ||
		    (m->flags & (SMF_RELATIVE | SMF_NEGATED)))
			continue;
		uint64_t *memo = &env->pmemo[m->u.pcre.memo];
		size_t off = *memo < len ? (size_t)*memo : len;
		pcre_ready(m);
		int rc = pcre2_match(m->u.pcre.code, (PCRE2_SPTR)buf, len, off, PCRE2_PARTIAL_SOFT,
				     env->md, env->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			*memo = len;
		else if (rc == PCRE2_ERROR_PARTIAL && pcre2_get_ovector_pointer(env->md)[0] > *memo)
			*memo = pcre2_get_ovector_pointer(env->md)[0];
		if (rc < 0) {
			if (rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
				env->pcre_errors++;
			return false;
		}
	}
	return true;
}

bool smlist_match(struct match_env *env, const struct smlist *l, const struct xform_chain *xf,
		  const uint8_t *buf, size_t len, size_t min_end)
{
	env->steps = 0;
	env->exhausted = false;
	env->min_end_blocked = false;
	env->min_end = min_end;
	env->last_anchor = l->last_anchor;
	if (!buf)
		buf = (const uint8_t *)"";
	if (xf && xform_apply(env, xf, &buf, &len)) {
		env->xform_errors++;
		return false;
	}
	if (min_end && l->only_contents && !content_ends_past(l, buf, len, min_end))
		return false;
	if (env->pmemo && (l->ncmemo || l->npmemo) && !present_gate(env, l, buf, len))
		return false;
	int rc = match_from(env, l->v, l->n, 0, buf, len, 0, 0);
	if (env->exhausted)
		env->budget_exhausted++;
	return rc == 1;
}

int match_env_init(struct match_env *env)
{
	memset(env, 0, sizeof(*env));
	env->md = pcre2_match_data_create(32, NULL);
	env->mctx = pcre2_match_context_create(NULL);
	if (!env->md || !env->mctx) {
		match_env_free(env);
		return -ENOMEM;
	}
	/* Suricata's defaults: bound the work a hostile payload can cause */
	pcre2_set_match_limit(env->mctx, 3500);
	pcre2_set_depth_limit(env->mctx, 1500);
	return 0;
}

void match_env_free(struct match_env *env)
{
	pcre2_match_data_free(env->md);
	pcre2_match_context_free(env->mctx);
	free(env->xbuf[0]);
	free(env->xbuf[1]);
	free(env->b64buf);
	env->b64buf = NULL;
	env->xbuf[0] = env->xbuf[1] = NULL;
	env->xcap[0] = env->xcap[1] = 0;
	env->md = NULL;
	env->mctx = NULL;
}
