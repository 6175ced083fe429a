// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dce_iface (dcerpc.iface) and dce_opnum (dcerpc.opnum), with Suricata's
 * meaning: a request's presentation context bound to the interface and
 * accepted by the server, and its operation number.  The dce_stub_data
 * buffer is the rule parser's; the PDUs are dcerpc.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* 8-4-4-4-12 hex digits (either case), or the 32 digits without dashes */
static bool parse_uuid(const char *s, uint8_t out[16])
{
	size_t n = strlen(s);
	bool dashes = n == 36;
	if (n != 36 && n != 32)
		return false;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (dashes && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return false;
			continue;
		}
		int hi = hex_digit((unsigned char)s[i]);
		int lo = i + 1 < n ? hex_digit((unsigned char)s[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return false;
		out[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return k == 16;
}

/* "[<|>|=|!|<=|>=]N", N from 0 to 65535; *op 0 if none was written */
static bool parse_cmp(const char *s, char *op, uint16_t *v)
{
	*op = 0;
	if (!strncmp(s, "<=", 2) || !strncmp(s, ">=", 2)) {
		*op = s[0] == '<' ? 'l' : 'g';
		s += 2;
	} else if (*s == '<' || *s == '>' || *s == '=' || *s == '!') {
		*op = *s++;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (errno || *end || x > UINT16_MAX)
		return false;
	*v = (uint16_t)x;
	return true;
}

static bool cmp_ok(char op, uint16_t have, uint16_t v)
{
	switch (op) {
	case '<': return have < v;
	case '>': return have > v;
	case '!': return have != v;
	case 'l': return have <= v;
	case 'g': return have >= v;
	default: return have == v;
	}
}

/* dce_iface:<uuid>[,<op><version>][,any_frag] */
static int parse_iface(struct dce_checks *k, char *v, char *err, size_t errlen)
{
	char *f[4];
	int n = 0;
	char *save = NULL;
	if (k->iface) {
		snprintf(err, errlen, "'dce_iface' given twice");
		return -EINVAL;
	}
	for (char *t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == 3) {
			snprintf(err, errlen, "dce_iface: more than uuid, version and any_frag");
			return -EINVAL;
		}
		f[n++] = trim(t);
	}
	if (!n || !parse_uuid(f[0], k->uuid)) {
		snprintf(err, errlen, "dce_iface: '%s' is not a UUID (8-4-4-4-12 hex digits)",
			 n ? f[0] : "");
		return -EINVAL;
	}
	if (n >= 2 && !(n == 2 && !strcmp(f[1], "any_frag"))) {
		uint16_t ver;
		char op;
		if (!parse_cmp(f[1], &op, &ver)) {
			snprintf(err, errlen, "dce_iface: '%s' is not an interface version "
				 "([<>=!]0 to 65535) or any_frag", f[1]);
			return -EINVAL;
		}
		k->ver_op = op ? op : '=';
		k->ver = ver;
	}
	if (n == 3 && strcmp(f[2], "any_frag")) {
		snprintf(err, errlen, "dce_iface: '%s' is not any_frag", f[2]);
		return -EINVAL;
	}
	k->any_frag = (n == 2 && !strcmp(f[1], "any_frag")) || n == 3;
	k->iface = true;
	return 0;
}

static bool parse_u16(const char *s, uint16_t *v)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (errno || *end || x > UINT16_MAX)
		return false;
	*v = (uint16_t)x;
	return true;
}

/* dce_opnum: numbers and ranges (12,15-20,5), or one comparison (>10) */
static int parse_opnum(struct dce_checks *k, char *v, char *err, size_t errlen)
{
	if (k->nopnums) {
		snprintf(err, errlen, "'dce_opnum' given twice");
		return -EINVAL;
	}
	v = trim(v);
	if (*v == '<' || *v == '>' || *v == '=' || *v == '!') {
		if (!parse_cmp(v, &k->opnum_op, &k->opnums[0].lo)) {
			snprintf(err, errlen, "dce_opnum: '%s' is not a comparison with 0 to 65535", v);
			return -EINVAL;
		}
		k->nopnums = 1;
		return 0;
	}
	size_t len = strlen(v);
	if (!len || v[0] == ',' || v[len - 1] == ',' || strstr(v, ",,")) {
		snprintf(err, errlen, "dce_opnum: empty item in '%s'", v);
		return -EINVAL;
	}
	char *save = NULL;
	for (char *t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		t = trim(t);
		if (k->nopnums == DCE_OPNUM_ITEMS) {
			snprintf(err, errlen, "dce_opnum: more than %d items", DCE_OPNUM_ITEMS);
			return -EINVAL;
		}
		char *dash = strchr(t, '-');
		uint16_t lo, hi;
		bool ok;
		if (dash) {
			*dash = 0;
			ok = parse_u16(trim(t), &lo) && parse_u16(trim(dash + 1), &hi) && lo <= hi;
			*dash = '-';
		} else {
			ok = parse_u16(t, &lo);
			hi = lo;
		}
		if (!ok) {
			snprintf(err, errlen, "dce_opnum: '%s' is not an opnum or a range lo-hi "
				 "(0 to 65535)", t);
			return -EINVAL;
		}
		k->opnums[k->nopnums].lo = lo;
		k->opnums[k->nopnums].hi = hi;
		k->nopnums++;
	}
	return 0;
}

int dcekw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen)
{
	static const char *const names[] = { "dce_iface", "dcerpc.iface", "dce_opnum",
					     "dcerpc.opnum" };
	int i = kw_index(name, names, sizeof(names) / sizeof(names[0]));
	if (i < 0)
		return -ENOENT;
	char tmp[256];
	int rc = kw_value_copy(name, v, tmp, sizeof(tmp), err, errlen);
	if (rc)
		return rc;
	if (!r->dce && !(r->dce = calloc(1, sizeof(*r->dce)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return i < 2 ? parse_iface(r->dce, tmp, err, errlen) : parse_opnum(r->dce, tmp, err, errlen);
}

bool dcekw_match(const struct dce_checks *k, const struct dce_state *s, const struct dce_call *c)
{
	/* as Suricata: nothing matches a call whose request was not seen */
	if (!c || !c->req.seen)
		return false;
	if (k->nopnums) {
		bool any = false;
		if (k->opnum_op)
			any = cmp_ok(k->opnum_op, c->req.opnum, k->opnums[0].lo);
		for (unsigned i = 0; !k->opnum_op && i < k->nopnums && !any; i++)
			any = c->req.opnum >= k->opnums[i].lo && c->req.opnum <= k->opnums[i].hi;
		if (!any)
			return false;
	}
	if (!k->iface)
		return true;
	/* without any_frag, only a call whose first fragment was seen */
	if (!k->any_frag && !c->req.first_frag)
		return false;
	for (size_t i = 0; i < s->nifaces; i++) {
		const struct dce_iface *e = &s->ifaces[i];
		if (e->result == 0 && e->ctx_id == c->req.ctx_id && !memcmp(e->uuid, k->uuid, 16) &&
		    (!k->ver_op || cmp_ok(k->ver_op, e->ver_major, k->ver)))
			return true;
	}
	return false;
}
