// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flowint: integers kept per flow, as Suricata's.  A comparison needs its
 * variable set (a target variable not set counts as 0); '+' on a variable
 * not set sets it, '-' on one leaves it unset; arithmetic wraps at 2^32.
 */
#include <string.h>

#include "internal.h"

void flowint_init(struct flowint_vals *v, void *mem, size_t n)
{
	v->val = mem;
	v->set = (uint8_t *)mem + n * sizeof(uint32_t);
}

static bool is_set(const struct flowint_vals *v, uint32_t i)
{
	return v->set && (v->set[i / 8] >> (i % 8) & 1);
}

static uint32_t target(const struct flowint *op, const struct flowint_vals *v)
{
	if (!op->target_var)
		return op->target;
	return is_set(v, op->target) ? v->val[op->target] : 0;
}

bool flowint_test(const struct flowint *ops, size_t n, const struct flowint_vals *v)
{
	for (size_t i = 0; i < n; i++) {
		const struct flowint *op = &ops[i];
		bool set = is_set(v, op->idx);
		uint32_t a = set ? v->val[op->idx] : 0, b = target(op, v);
		bool ok;
		switch (op->op) {
		case FI_ISSET: ok = set; break;
		case FI_NOTSET: ok = !set; break;
		case FI_EQ: ok = set && a == b; break;
		case FI_NE: ok = set && a != b; break;
		case FI_LT: ok = set && a < b; break;
		case FI_LE: ok = set && a <= b; break;
		case FI_GT: ok = set && a > b; break;
		case FI_GE: ok = set && a >= b; break;
		default: ok = true; break;	/* a modification: after the match */
		}
		if (!ok)
			return false;
	}
	return true;
}

void flowint_apply(const struct flowint *ops, size_t n, struct flowint_vals *v)
{
	if (!v->set)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct flowint *op = &ops[i];
		bool set = is_set(v, op->idx);
		uint32_t b = target(op, v);
		switch (op->op) {
		case FI_SET: v->val[op->idx] = b; break;
		case FI_ADD: v->val[op->idx] = set ? v->val[op->idx] + b : b; break;
		case FI_SUB:
			if (!set)
				continue;
			v->val[op->idx] -= b;
			break;
		default: continue;
		}
		v->set[op->idx / 8] |= (uint8_t)(1u << (op->idx % 8));
	}
}
