// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Keywords that test what the flow has become rather than the packet's
 * bytes: app-layer-protocol, stream_size, ssl_version, tls.version,
 * ssl_state, ftpbounce, and the flow's age and counters (flow.age,
 * flow.pkts*, flow.bytes*).  Each reads state the worker keeps anyway (the detected
 * protocol, the TCP sequence numbers, the TLS record layer), with
 * Suricata's meaning; docs/rules.md says where it differs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow.h"

static struct flow_checks *checks_of(struct rule *r)
{
	if (!r->fc)
		r->fc = calloc(1, sizeof(*r->fc));
	return r->fc;
}

/* protocols this engine detects, by Suricata's names */
static const struct { const char *name; uint8_t app; } alp_names[] = {
	{ "http", APP_HTTP }, { "http1", APP_HTTP }, { "tls", APP_TLS }, { "dns", APP_DNS },
	{ "ftp", APP_FTP }, { "smtp", APP_SMTP }, { "ssh", APP_SSH }, { "smb", APP_SMB },
	{ "failed", ALP_FAILED }, { "dcerpc", APP_DCERPC },
};

static int parse_alp(struct flow_checks *fc, char *v, char *err, size_t errlen)
{
	if (fc->alp) {
		snprintf(err, errlen, "'app-layer-protocol' given twice");
		return -EINVAL;
	}
	char *opt = strchr(v, ',');
	if (opt) {
		*opt = 0;
		snprintf(err, errlen, "app-layer-protocol: option '%s' is not supported",
			 trim(opt + 1));
		return -ENOTSUP;
	}
	v = trim(v);
	if (*v == '!') {
		fc->alp_neg = true;
		v = trim(v + 1);
	}
	for (size_t i = 0; i < sizeof(alp_names) / sizeof(alp_names[0]); i++) {
		if (!strcmp(v, alp_names[i].name)) {
			fc->alp = alp_names[i].app;
			return 0;
		}
	}
	if (!*v) {
		snprintf(err, errlen, "app-layer-protocol: no protocol");
		return -EINVAL;
	}
	/* a protocol not detected here would make a negated rule match it */
	snprintf(err, errlen, "app-layer-protocol: '%s' is not a protocol this engine detects", v);
	return -ENOTSUP;
}

/* stream_size:<client|server|both|either>,<op>,<bytes> */
static int parse_stream_size(struct flow_checks *fc, char *v, char *err, size_t errlen)
{
	static const char *const sides[] = { NULL, "client", "server", "both", "either" };
	static const struct { const char *s; char op; } ops[] = {
		{ "<=", 'l' }, { ">=", 'g' }, { "!=", '!' }, { "<", '<' }, { ">", '>' },
		{ "=", '=' }, { "!", '!' },
	};
	char *c1 = strchr(v, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

	if (!c1 || !c2) {
		snprintf(err, errlen, "stream_size: '%s' is not <side>,<operator>,<bytes>", v);
		return -EINVAL;
	}
	if (fc->nss == sizeof(fc->ss) / sizeof(fc->ss[0])) {
		snprintf(err, errlen, "stream_size: more than %zu in one rule",
			 sizeof(fc->ss) / sizeof(fc->ss[0]));
		return -EINVAL;
	}
	*c1 = *c2 = 0;
	char *side = trim(v), *op = trim(c1 + 1), *num = trim(c2 + 1);
	struct stream_size_cmp *c = &fc->ss[fc->nss];
	c->side = 0;
	for (uint8_t i = 1; i < sizeof(sides) / sizeof(sides[0]); i++)
		if (!strcmp(side, sides[i]))
			c->side = i;
	if (!c->side) {
		snprintf(err, errlen, "stream_size: side '%s' is not client, server, both or either",
			 side);
		return -EINVAL;
	}
	c->op = 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].s))
			c->op = ops[i].op;
	if (!c->op) {
		snprintf(err, errlen, "stream_size: bad operator '%s' (<, >, =, !=, <=, >=)", op);
		return -EINVAL;
	}
	char *end;
	errno = 0;
	unsigned long long x = strtoull(num, &end, 10);
	if (!isdigit((unsigned char)*num) || *end || errno || x > UINT32_MAX) {
		snprintf(err, errlen, "stream_size: bad byte count '%s' (0 to %u)", num, UINT32_MAX);
		return -EINVAL;
	}
	c->v = (uint32_t)x;
	fc->nss++;
	return 0;
}

static const struct { const char *name; uint8_t bit; } ssl_versions[] = {
	{ "sslv3", SSLV_3 }, { "tls1.0", SSLV_TLS10 }, { "tls1.1", SSLV_TLS11 },
	{ "tls1.2", SSLV_TLS12 }, { "tls1.3", SSLV_TLS13 },
};

/* ssl_version:[!]v[,v]...: a leading '!' negates the list (Suricata 8) */
static int parse_ssl_version(struct flow_checks *fc, char *v, char *err, size_t errlen)
{
	if (fc->ssl_versions) {
		snprintf(err, errlen, "'ssl_version' given twice");
		return -EINVAL;
	}
	char *s = trim(v);
	if (*s == '!') {
		fc->ssl_version_neg = true;
		s++;
	}
	for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (*tok == '!') {
			snprintf(err, errlen, "ssl_version: '!' only before the whole list, not '%s'",
				 tok);
			return -EINVAL;
		}
		if (!strcmp(tok, "sslv2")) {
			/* SSLv2 records are not followed (tls.c) */
			snprintf(err, errlen, "ssl_version: sslv2 is not detected by this engine");
			return -ENOTSUP;
		}
		uint8_t bit = 0;
		for (size_t i = 0; i < sizeof(ssl_versions) / sizeof(ssl_versions[0]); i++)
			if (!strcmp(tok, ssl_versions[i].name))
				bit = ssl_versions[i].bit;
		if (!bit) {
			snprintf(err, errlen, "ssl_version: unknown version '%s'", tok);
			return -EINVAL;
		}
		fc->ssl_versions |= bit;
	}
	if (!fc->ssl_versions) {
		snprintf(err, errlen, "ssl_version: no version");
		return -EINVAL;
	}
	return 0;
}

/* ssl_state:[!]s[|[!]s]...: any of them (Suricata's flags and mask) */
static int parse_ssl_state(struct flow_checks *fc, char *v, char *err, size_t errlen)
{
	static const struct { const char *name; uint8_t st; } states[] = {
		{ "client_hello", TLS_ST_CLIENT_HELLO }, { "server_hello", TLS_ST_SERVER_HELLO },
		{ "client_keyx", TLS_ST_CLIENT_KEYX }, { "server_keyx", TLS_ST_SERVER_KEYX },
		{ "unknown", TLS_ST_UNKNOWN },
	};

	if (fc->ssl_state_flags) {
		snprintf(err, errlen, "'ssl_state' given twice");
		return -EINVAL;
	}
	size_t n = strlen(v);
	if (!n || v[0] == '|' || v[n - 1] == '|' || strstr(v, "||")) {
		snprintf(err, errlen, "ssl_state: empty state in '%s'", v);
		return -EINVAL;
	}
	for (char *save = NULL, *tok = strtok_r(v, "|", &save); tok;
	     tok = strtok_r(NULL, "|", &save)) {
		tok = trim(tok);
		bool neg = *tok == '!';
		if (neg)
			tok = trim(tok + 1);
		uint8_t st = 0;
		for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			if (!strcmp(tok, states[i].name))
				st = states[i].st;
		if (!st) {
			snprintf(err, errlen, "ssl_state: unknown state '%s'", tok);
			return -EINVAL;
		}
		fc->ssl_state_flags |= st;
		if (neg)
			fc->ssl_state_mask |= st;
	}
	return 0;
}

/*
 * tls.version:1.0|1.1|1.2|1.3 (TLS 1.3's drafts count as 1.3) or a raw
 * 0xHHHH (compared as it is), quotes allowed, as Suricata
 */
static int parse_tls_version(struct flow_checks *fc, char *v, char *err, size_t errlen)
{
	static const struct { const char *s; uint16_t v; } names[] = {
		{ "1.0", 0x0301 }, { "1.1", 0x0302 }, { "1.2", 0x0303 }, { "1.3", 0x0304 },
	};
	if (fc->tls_version) {
		snprintf(err, errlen, "'tls.version' given twice");
		return -EINVAL;
	}
	v = trim(v);
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = 0;
		v = trim(v + 1);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v, names[i].s)) {
			fc->tls_version = names[i].v;
			return 0;
		}
	char *end;
	unsigned long x = strtoul(v, &end, 16);
	if (strlen(v) == 6 && !strncmp(v, "0x", 2) && !*end && x) {
		fc->tls_version = (uint16_t)x;
		fc->tls_version_raw = true;
		return 0;
	}
	snprintf(err, errlen, "tls.version: '%s' is not 1.0, 1.1, 1.2, 1.3 or 0xHHHH", v);
	return -EINVAL;
}

/*
 * flow.age (seconds), flow.pkts_toserver/_toclient (packets), and
 * flow.bytes_toserver/_toclient (bytes): Suricata 7's; flow.pkts and
 * flow.bytes with a direction first (toserver, toclient, either):
 * Suricata 8's.  what: FCNT_*; dirs: from the name, 0 if in the value.
 */
static int parse_count(struct flow_checks *fc, const char *name, uint8_t what, uint8_t dirs,
		       char *v, char *err, size_t errlen)
{
	if (fc->ncnt == sizeof(fc->cnt) / sizeof(fc->cnt[0])) {
		snprintf(err, errlen, "%s: more than %zu flow counters in one rule", name,
			 sizeof(fc->cnt) / sizeof(fc->cnt[0]));
		return -EINVAL;
	}
	if (!dirs && what != FCNT_AGE) {
		char *comma = strchr(v, ',');
		if (comma)
			*comma = 0;
		char *d = trim(v);
		dirs = !strcmp(d, "toserver") ? DIR_TO_SERVER : !strcmp(d, "toclient") ?
		       DIR_TO_CLIENT : !strcmp(d, "either") ? DIR_TO_SERVER | DIR_TO_CLIENT : 0;
		if (!comma || !dirs) {
			snprintf(err, errlen, "%s: '%s' is not toserver, toclient or either, "
				 "then a number", name, d);
			return -EINVAL;
		}
		v = comma + 1;
	}
	struct flow_count_cmp *c = &fc->cnt[fc->ncnt];
	if (uint_cmp_parse(v, what == FCNT_BYTES ? UINT64_MAX : UINT32_MAX, &c->c)) {
		snprintf(err, errlen, "%s: bad value '%s' (N, <N, <=N, >N, >=N, !N, N-M, "
			 "N<>M, !N-M; up to %s)", name, trim(v),
			 what == FCNT_BYTES ? "18446744073709551615" : "4294967295");
		return -EINVAL;
	}
	c->what = what;
	c->dirs = dirs;
	fc->ncnt++;
	return 0;
}

int flowkw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen)
{
	static const char *const names[] = {
		"app-layer-protocol", "stream_size", "ssl_version", "ssl_state", "ftpbounce",
		"tls.version", "flow.age", "flow.pkts_toserver", "flow.pkts_toclient",
		"flow.bytes_toserver", "flow.bytes_toclient", "flow.pkts", "flow.bytes",
	};
	int k = kw_index(name, names, sizeof(names) / sizeof(names[0]));
	if (k < 0)
		return -ENOENT;
	struct flow_checks *fc = checks_of(r);
	if (!fc) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (k == 4) {
		if (v) {
			snprintf(err, errlen, "'ftpbounce' takes no value");
			return -EINVAL;
		}
		fc->ftpbounce = true;
		return 0;
	}
	char tmp[256];
	int rc = kw_value_copy(name, v, tmp, sizeof(tmp), err, errlen);
	if (rc)
		return rc;
	switch (k) {
	case 0: return parse_alp(fc, tmp, err, errlen);
	case 1: return parse_stream_size(fc, tmp, err, errlen);
	case 2: return parse_ssl_version(fc, tmp, err, errlen);
	case 3: return parse_ssl_state(fc, tmp, err, errlen);
	case 5: return parse_tls_version(fc, tmp, err, errlen);
	case 6: return parse_count(fc, name, FCNT_AGE, 0, tmp, err, errlen);
	case 7: case 8:
		return parse_count(fc, name, FCNT_PKTS, k == 7 ? DIR_TO_SERVER : DIR_TO_CLIENT,
				   tmp, err, errlen);
	case 9: case 10:
		return parse_count(fc, name, FCNT_BYTES, k == 9 ? DIR_TO_SERVER : DIR_TO_CLIENT,
				   tmp, err, errlen);
	default:
		return parse_count(fc, name, k == 11 ? FCNT_PKTS : FCNT_BYTES, 0, tmp, err, errlen);
	}
}

/* ---- matching ---- */

/* the protocol of the flow as app-layer-protocol sees it from direction
 * dir: APP_NONE while not known, ALP_FAILED once nothing was found */
static uint8_t alp_of(const struct flow *f, const struct packet *p, int dir)
{
	if (f->app == APP_UNKNOWN)
		return ALP_FAILED;
	if (f->app != APP_NONE)
		return (uint8_t)f->app;
	if (f->proto == IPPROTO_UDP)	/* DNS is the one UDP protocol detected */
		return p->sport == 53 || p->dport == 53 ? APP_NONE : ALP_FAILED;
	/* this direction's first data named no protocol */
	return f->probed & (1u << (dir - 1)) ? ALP_FAILED : APP_NONE;
}

/* next_seq - isn, as Suricata: the SYN and a FIN count one each */
static uint64_t side_size(const struct stream_dir *sd)
{
	if (!sd->init)
		return 0;
	uint32_t n = sd->next_seq - sd->isn;
	if (sd->fin && !sd->nooo && sd->next_seq == sd->fin_seq)
		n++;
	return n;
}

static bool size_cmp(char op, uint64_t have, uint32_t v)
{
	switch (op) {
	case '<': return have < v;
	case '>': return have > v;
	case '=': return have == v;
	case '!': return have != v;
	case 'l': return have <= v;
	case 'g': return have >= v;
	}
	return false;
}

static bool stream_size_ok(const struct stream_size_cmp *c, const struct flow *f)
{
	uint64_t cli = side_size(&f->sd[0]), srv = side_size(&f->sd[1]);
	switch (c->side) {
	case SS_CLIENT: return size_cmp(c->op, cli, c->v);
	case SS_SERVER: return size_cmp(c->op, srv, c->v);
	case SS_BOTH: return size_cmp(c->op, cli, c->v) && size_cmp(c->op, srv, c->v);
	default: return size_cmp(c->op, cli, c->v) || size_cmp(c->op, srv, c->v);
	}
}

static uint8_t version_bit(uint16_t v)
{
	switch (v) {
	case 0x0300: return SSLV_3;
	case 0x0301: return SSLV_TLS10;
	case 0x0302: return SSLV_TLS11;
	case 0x0303: return SSLV_TLS12;
	case 0x0304: return SSLV_TLS13;
	}
	return (v >> 8) == 0x7f ? SSLV_TLS13 : 0;	/* TLS 1.3 drafts */
}

/*
 * Suricata's ftpbounce: the address of a PORT command is not the
 * client's.  The command's digits are read as it does: four decimal
 * numbers of at most three digits (256 allowed), each followed by a comma.
 */
static bool port_bounces(const uint8_t *l, size_t n, const struct ip_addr *cli)
{
	size_t i = 0;
	uint32_t ip = 0;

	if (n < 7)
		return false;
	while (i < n && !isdigit(l[i]))
		i++;
	for (int octet = 0; octet < 4; octet++) {
		unsigned v = 0, digits = 0;
		while (i < n && isdigit(l[i])) {
			if (++digits > 3)
				return false;
			v = v * 10 + (unsigned)(l[i++] - '0');
		}
		if (!digits || v > 256 || i >= n || l[i] != ',')
			return false;
		i++;
		ip = ip << 8 | (v & 0xff);	/* 256 wraps, as a byte would */
	}
	if (cli->family != AF_INET)
		return true;	/* an IPv4 address cannot be an IPv6 client's */
	return ip != ((uint32_t)cli->a[0] << 24 | (uint32_t)cli->a[1] << 16 |
		      (uint32_t)cli->a[2] << 8 | cli->a[3]);
}

/* the last complete command line the client sent in this packet */
static bool ftpbounce_ok(const struct flow *f, const struct packet *p, int dir)
{
	if (dir != DIR_TO_SERVER || f->app != APP_FTP || !p->plen)
		return false;
	const uint8_t *d = p->payload, *end = d + p->plen, *last = NULL, *last_end = NULL;
	for (const uint8_t *s = d; s < end;) {
		const uint8_t *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break;
		last = s;
		last_end = nl > s && nl[-1] == '\r' ? nl - 1 : nl;
		s = nl + 1;
	}
	if (!last || last_end - last < 4 || strncasecmp((const char *)last, "PORT", 4) ||
	    (last_end - last > 4 && last[4] != ' '))
		return false;
	return port_bounces(last, (size_t)(last_end - last), &f->cli);
}

/* as Suricata: the age is the difference of the seconds of the two times;
 * either direction: one of them holds */
static bool count_ok(const struct flow_count_cmp *c, const struct flow *f)
{
	if (c->what == FCNT_AGE) {
		/* a packet older than the first wraps, as in Suricata: clamped */
		uint64_t age = f->last_usec / 1000000 - f->start_usec / 1000000;
		return uint_cmp_match(&c->c, age > UINT32_MAX ? UINT32_MAX : age);
	}
	for (int d = 0; d < 2; d++) {
		if (!(c->dirs & (d ? DIR_TO_CLIENT : DIR_TO_SERVER)))
			continue;
		if (uint_cmp_match(&c->c, c->what == FCNT_PKTS ? f->pkts[d] : f->bytes[d]))
			return true;
	}
	return false;
}

bool flowkw_match(const struct flow_checks *fc, const struct flow *f, const struct packet *p,
		  int dir, uint64_t decided_at)
{
	if (!f)
		return false;
	if (fc->alp) {
		uint8_t a = alp_of(f, p, dir);
		if (a == APP_NONE || (a == fc->alp) == fc->alp_neg)
			return false;
		/* as Suricata: such a rule is a protocol-detection event */
		if (decided_at && f->alp_at != decided_at)
			return false;
	}
	if (fc->nss) {
		if (f->proto != IPPROTO_TCP)
			return false;
		for (unsigned i = 0; i < fc->nss; i++)
			if (!stream_size_ok(&fc->ss[i], f))
				return false;
	}
	if (fc->ssl_versions || fc->ssl_state_flags || fc->tls_version) {
		if (f->app != APP_TLS)
			return false;
		if (fc->tls_version) {
			uint16_t have = f->tls.d[dir - 1].version;
			if (!fc->tls_version_raw && (have >> 8) == 0x7f)
				have = 0x0304;	/* drafts */
			if (have != fc->tls_version)
				return false;
		}
		if (fc->ssl_versions) {
			uint8_t b = version_bit(f->tls.d[dir - 1].version);
			if (!b || !!(fc->ssl_versions & b) == fc->ssl_version_neg)
				return false;
		}
		if (fc->ssl_state_flags &&
		    !((fc->ssl_state_flags & f->tls.cur) ^ fc->ssl_state_mask))
			return false;
	}
	if (fc->ftpbounce && !ftpbounce_ok(f, p, dir))
		return false;
	for (unsigned i = 0; i < fc->ncnt; i++)
		if (!count_ok(&fc->cnt[i], f))
			return false;
	return true;
}
