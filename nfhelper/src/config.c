// SPDX-License-Identifier: GPL-2.0-or-later
/* snetd.conf: defaults, the libinih handler, value checks with line numbers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/snet.h>

#include "log.h"
#include "names.h"

#define MAX_CONFIG_BYTES (1u << 20)

void config_defaults(struct snetd_config *cfg)
{
	static const struct config_event default_events[] = {
		{ SNET_SYSCALL_CONNECT, 6 /* tcp */ },
		{ SNET_SYSCALL_CONNECT, 17 /* udp */ },
		{ SNET_SYSCALL_BIND, 6 },
		{ SNET_SYSCALL_BIND, 17 },
		{ SNET_SYSCALL_LISTEN, 6 },
	};

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->policy, sizeof(cfg->policy), "/etc/snet/default.policy");
	snprintf(cfg->decision_log, sizeof(cfg->decision_log),
		 "/var/log/snet/decisions.jsonl");
	cfg->log_level = LOG_INFO;
	cfg->workers = 0;
	cfg->socket_table_size = 65536;
	cfg->rcvbuf = 4u << 20;

	cfg->kernel_default = SNET_VERDICT_DENY;
	cfg->timeout_ms = 5000;
	cfg->ticket_max = 0;
	memcpy(cfg->events, default_events, sizeof(default_events));
	cfg->n_events = sizeof(default_events) / sizeof(default_events[0]);

	cfg->default_verdict = SNET_VERDICT_DENY;
	cfg->default_life = SNET_TICKET_ONCE;
	cfg->answer_margin_ms = 250;

	cfg->remote_timeout_ms = 1000;
	cfg->remote_connections = 2;

	cfg->prompt_enabled = true;

	snprintf(cfg->control_socket, sizeof(cfg->control_socket),
		 "/run/snet/snetd.sock");

	/* Inspection is off until the configuration turns it on: it needs
	 * rules, and it installs a netfilter table. */
	snprintf(cfg->nfq.rules, sizeof(cfg->nfq.rules),
		 "/var/lib/snet/rules/current");
	snprintf(cfg->nfq.inspector_config, sizeof(cfg->nfq.inspector_config),
		 "/etc/snet/inspector.conf");
	snprintf(cfg->nfq.eve_log, sizeof(cfg->nfq.eve_log),
		 "/var/log/snet/eve.json");
	cfg->nfq.deny_ticket = true;
	cfg->nfq.queue_first = 0;
	cfg->nfq.queue_count = 2;
	cfg->nfq.queue_maxlen = 4096;
	cfg->nfq.rcvbuf = 16u << 20;
	cfg->nfq.batch = 64;
	cfg->nfq.gso = true;
	cfg->nfq.output = true;
	cfg->nfq.loopback = true;
	cfg->nfq.protocols[0] = 6;
	cfg->nfq.protocols[1] = 17;
	cfg->nfq.n_protocols = 2;
	cfg->nfq.label_mask = 0xffff0000u;
	cfg->nfq.self_mark = 0x00000800u;
	cfg->nfq.reject_mark = 0x00000400u;
	cfg->nfq.pass_ctmark = 0x00000800u;
}

/* What the handler needs: the line the reader is on, and what was seen. */
struct parse_state {
	struct snetd_config *cfg;
	const char *name;
	const char *pos;	/* reader position in the text */
	unsigned int line;	/* line the reader returned last */
	unsigned int long_line;	/* first over-long line, 0 if none */
	bool events_seen;	/* first "events" replaces the defaults */
	uint64_t seen;		/* bitmap of scalar keys already set */
	char *err;
	size_t errlen;
	bool failed;
};

/* libinih reader over a string: one line per call, counting lines. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *st = stream;
	const char *p = st->pos;
	int i = 0;

	if (!*p)
		return NULL;
	st->line++;
	while (*p && *p != '\n' && i < num - 2)
		str[i++] = *p++;
	if (*p && *p != '\n') {
		/* Too long for libinih's buffer: skip it and report. */
		if (!st->long_line)
			st->long_line = st->line;
		while (*p && *p != '\n')
			p++;
		i = 0;
	}
	if (*p == '\n')
		str[i++] = *p++;
	str[i] = '\0';
	st->pos = p;
	return str;
}

static int fail(struct parse_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse_state *st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!st->failed && st->err && st->errlen) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		snprintf(st->err, st->errlen, "%s:%u: %s", st->name, st->line, msg);
	}
	st->failed = true;
	return 0; /* libinih: stop counting this line as good */
}

static int parse_uint(const char *v, unsigned long long lo,
		      unsigned long long hi, unsigned long long *out)
{
	char *end;
	int base = 10;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		base = 16;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, base);
	if (errno || *end || *out < lo || *out > hi)
		return -EINVAL;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int copy_str(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, v, n + 1);
	return 0;
}

/* "host:port", "[v6]:port"; the port is 1..65535. */
static int parse_server(struct parse_state *st, const char *v)
{
	struct snetd_config *cfg = st->cfg;
	unsigned long long port;
	const char *colon;
	size_t hlen;

	if (!*v) {
		cfg->remote_host[0] = '\0';
		return 1;
	}
	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close || close[1] != ':')
			return fail(st, "server: expected [address]:port");
		v++;
		hlen = (size_t)(close - v);
		colon = close + 1;
	} else {
		colon = strrchr(v, ':');
		if (!colon || strchr(v, ':') != colon)
			return fail(st, "server: expected host:port or [address]:port");
		hlen = (size_t)(colon - v);
	}
	if (hlen == 0 || hlen >= sizeof(cfg->remote_host))
		return fail(st, "server: empty or too long host");
	if (parse_uint(colon + 1, 1, 65535, &port))
		return fail(st, "server: port must be 1-65535");
	memcpy(cfg->remote_host, v, hlen);
	cfg->remote_host[hlen] = '\0';
	snprintf(cfg->remote_port, sizeof(cfg->remote_port), "%llu", port);
	return 1;
}

/* "connect:tcp bind:udp", separated by spaces or commas. */
static int parse_events(struct parse_state *st, const char *v)
{
	struct snetd_config *cfg = st->cfg;
	char buf[256];
	char *save = NULL, *tok;

	if (copy_str(buf, sizeof(buf), v))
		return fail(st, "events: value too long");
	if (!st->events_seen) {
		cfg->n_events = 0;
		st->events_seen = true;
	}
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');
		int sc, proto;

		if (!colon)
			return fail(st, "events: '%s' is not syscall:protocol", tok);
		*colon = '\0';
		sc = syscall_from_name(tok);
		if (sc < 0)
			return fail(st, "events: unknown syscall '%s'", tok);
		proto = protocol_from_name(colon + 1);
		if (proto < 0)
			return fail(st, "events: unknown protocol '%s'", colon + 1);
		for (unsigned int i = 0; i < cfg->n_events; i++)
			if (cfg->events[i].syscall == sc &&
			    cfg->events[i].protocol == proto)
				return fail(st, "events: %s:%s listed twice", tok,
					    colon + 1);
		if (cfg->n_events == CONFIG_MAX_EVENTS)
			return fail(st, "events: at most %d", CONFIG_MAX_EVENTS);
		cfg->events[cfg->n_events].syscall = (uint8_t)sc;
		cfg->events[cfg->n_events].protocol = (uint8_t)proto;
		cfg->n_events++;
	}
	return 1;
}

/* "N" or "N-M": the NFQUEUE numbers, at most NFQ_MAX_QUEUES of them. */
static int parse_queues(struct parse_state *st, const char *v)
{
	struct nfq_settings *n = &st->cfg->nfq;
	unsigned long long lo, hi;
	char buf[32], *dash;

	if (copy_str(buf, sizeof(buf), v))
		return fail(st, "queues: expected N or N-M");
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_uint(buf, 0, 65535, &lo))
		return fail(st, "queues: expected N or N-M (0-65535)");
	hi = lo;
	if (dash && parse_uint(dash + 1, 0, 65535, &hi))
		return fail(st, "queues: expected N or N-M (0-65535)");
	if (hi < lo || hi - lo + 1 > NFQ_MAX_QUEUES)
		return fail(st, "queues: a range of 1 to %d queues", NFQ_MAX_QUEUES);
	n->queue_first = (uint16_t)lo;
	n->queue_count = (uint16_t)(hi - lo + 1);
	return 1;
}

/* Split a list on spaces and commas; @fn takes each word. */
static int each_word(struct parse_state *st, const char *key, const char *v,
		     int (*fn)(struct parse_state *st, const char *word))
{
	char buf[512], *save = NULL, *tok;

	if (copy_str(buf, sizeof(buf), v))
		return fail(st, "%s: value too long", key);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save))
		if (!fn(st, tok))
			return 0;
	return 1;
}

static int add_protocol(struct parse_state *st, const char *w)
{
	struct nfq_settings *n = &st->cfg->nfq;
	int p = protocol_from_name(w);

	/* What the inspector decodes: TCP, UDP, ICMP (v4 and v6). */
	if (p != 6 && p != 17 && p != 1 && p != 58)
		return fail(st, "protocols: '%s' is not tcp, udp, icmp or icmpv6", w);
	for (unsigned int i = 0; i < n->n_protocols; i++)
		if (n->protocols[i] == p)
			return fail(st, "protocols: '%s' listed twice", w);
	n->protocols[n->n_protocols++] = (uint8_t)p;
	return 1;
}

static int add_port(struct parse_state *st, const char *w)
{
	struct nfq_settings *n = &st->cfg->nfq;
	unsigned long long lo, hi;
	char buf[16], *dash;

	if (copy_str(buf, sizeof(buf), w))
		return fail(st, "ports: '%s' is not PORT or LOW-HIGH", w);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_uint(buf, 1, 65535, &lo) ||
	    (dash && parse_uint(dash + 1, 1, 65535, &hi)))
		return fail(st, "ports: '%s' is not PORT or LOW-HIGH (1-65535)", w);
	if (!dash)
		hi = lo;
	if (hi < lo)
		return fail(st, "ports: '%s': the range is empty", w);
	for (unsigned int i = 0; i < n->n_ports; i++)
		if (lo <= n->ports[i].hi && hi >= n->ports[i].lo)
			return fail(st, "ports: '%s' overlaps an earlier entry", w);
	if (n->n_ports == NFQ_MAX_PORTS)
		return fail(st, "ports: at most %d entries", NFQ_MAX_PORTS);
	n->ports[n->n_ports].lo = (uint16_t)lo;
	n->ports[n->n_ports].hi = (uint16_t)hi;
	n->n_ports++;
	return 1;
}

static int add_iface(struct parse_state *st, const char *w)
{
	struct nfq_settings *n = &st->cfg->nfq;

	if (strlen(w) >= NFQ_IFNAMSIZ || strchr(w, '"') || strchr(w, '/'))
		return fail(st, "interfaces: '%s' is not an interface name", w);
	if (!strcmp(w, "lo"))
		return fail(st, "interfaces: loopback is chosen with 'loopback'");
	for (unsigned int i = 0; i < n->n_ifaces; i++)
		if (!strcmp(n->ifaces[i], w))
			return fail(st, "interfaces: '%s' listed twice", w);
	if (n->n_ifaces == NFQ_MAX_IFACES)
		return fail(st, "interfaces: at most %d", NFQ_MAX_IFACES);
	snprintf(n->ifaces[n->n_ifaces++], NFQ_IFNAMSIZ, "%s", w);
	return 1;
}

static int parse_nfq_list(struct parse_state *st, const char *name,
			  const char *v)
{
	struct nfq_settings *n = &st->cfg->nfq;

	if (!strcmp(name, "protocols")) {
		n->n_protocols = 0;
		if (!each_word(st, name, v, add_protocol))
			return 0;
		if (!n->n_protocols)
			return fail(st, "protocols: at least one");
		return 1;
	}
	if (!strcmp(name, "ports")) {
		n->n_ports = 0;
		return each_word(st, name, v, add_port);
	}
	if (!strcmp(name, "interfaces")) {
		n->n_ifaces = 0;
		return each_word(st, name, v, add_iface);
	}
	if (!strcmp(name, "balance")) {
		if (!strcmp(v, "hash"))
			n->cpu_fanout = false;
		else if (!strcmp(v, "cpu"))
			n->cpu_fanout = true;
		else
			return fail(st, "balance: expected hash or cpu, got '%s'", v);
		return 1;
	}
	return parse_queues(st, v);
}

enum key_kind { K_STR, K_UINT, K_BOOL, K_VERDICT, K_LIFE, K_LEVEL, K_SPECIAL };

struct key_def {
	const char *section, *name;
	enum key_kind kind;
	size_t off, size;		/* into struct snetd_config */
	unsigned long long lo, hi;	/* K_UINT bounds */
};

#define F(field) offsetof(struct snetd_config, field), \
	sizeof(((struct snetd_config *)0)->field)

static const struct key_def keys[] = {
	{ "daemon", "policy", K_STR, F(policy), 0, 0 },
	{ "daemon", "decision_log", K_STR, F(decision_log), 0, 0 },
	{ "daemon", "log_level", K_LEVEL, F(log_level), 0, 0 },
	{ "daemon", "workers", K_UINT, F(workers), 0, 64 },
	{ "daemon", "socket_table_size", K_UINT, F(socket_table_size), 16, 1u << 24 },
	{ "daemon", "rcvbuf", K_UINT, F(rcvbuf), 65536, 1u << 30 },
	{ "kernel", "default_verdict", K_VERDICT, F(kernel_default), 0, 0 },
	{ "kernel", "timeout_ms", K_UINT, F(timeout_ms), 10, 3600000 },
	{ "kernel", "ticket_max", K_UINT, F(ticket_max), 0, 1u << 20 },
	{ "kernel", "events", K_SPECIAL, 0, 0, 0, 0 },
	{ "decision", "default", K_VERDICT, F(default_verdict), 0, 0 },
	{ "decision", "default_ticket", K_LIFE, F(default_life), 0, 0 },
	{ "decision", "answer_margin_ms", K_UINT, F(answer_margin_ms), 0, 600000 },
	{ "remote", "server", K_SPECIAL, 0, 0, 0, 0 },
	{ "remote", "timeout_ms", K_UINT, F(remote_timeout_ms), 1, 3600000 },
	{ "remote", "connections", K_UINT, F(remote_connections), 1, 64 },
	{ "remote", "tls", K_BOOL, F(remote_tls), 0, 0 },
	{ "remote", "tls_ca_file", K_STR, F(remote_tls_ca_file), 0, 0 },
	{ "remote", "tls_server_name", K_STR, F(remote_tls_server_name), 0, 0 },
	{ "remote", "tls_cert_file", K_STR, F(remote_tls_cert_file), 0, 0 },
	{ "remote", "tls_key_file", K_STR, F(remote_tls_key_file), 0, 0 },
	{ "prompt", "enabled", K_BOOL, F(prompt_enabled), 0, 0 },
	{ "control", "socket", K_STR, F(control_socket), 0, 0 },
	{ "control", "group", K_STR, F(control_group), 0, 0 },
	{ "inspect", "enabled", K_BOOL, F(nfq.enabled), 0, 0 },
	{ "inspect", "rules", K_STR, F(nfq.rules), 0, 0 },
	{ "inspect", "config", K_STR, F(nfq.inspector_config), 0, 0 },
	{ "inspect", "eve_log", K_STR, F(nfq.eve_log), 0, 0 },
	{ "inspect", "deny_ticket", K_BOOL, F(nfq.deny_ticket), 0, 0 },
	{ "nfqueue", "external_ruleset", K_BOOL, F(nfq.external_ruleset), 0, 0 },
	{ "nfqueue", "queues", K_SPECIAL, 0, 0, 0, 0 },
	{ "nfqueue", "balance", K_SPECIAL, 0, 0, 0, 0 },
	{ "nfqueue", "queue_maxlen", K_UINT, F(nfq.queue_maxlen), 1, 1u << 20 },
	{ "nfqueue", "fail_open", K_BOOL, F(nfq.fail_open), 0, 0 },
	{ "nfqueue", "bypass", K_BOOL, F(nfq.bypass), 0, 0 },
	{ "nfqueue", "rcvbuf", K_UINT, F(nfq.rcvbuf), 65536, 1u << 30 },
	{ "nfqueue", "batch", K_UINT, F(nfq.batch), 1, 1024 },
	{ "nfqueue", "gso", K_BOOL, F(nfq.gso), 0, 0 },
	{ "nfqueue", "output", K_BOOL, F(nfq.output), 0, 0 },
	{ "nfqueue", "input", K_BOOL, F(nfq.input), 0, 0 },
	{ "nfqueue", "loopback", K_BOOL, F(nfq.loopback), 0, 0 },
	{ "nfqueue", "protocols", K_SPECIAL, 0, 0, 0, 0 },
	{ "nfqueue", "ports", K_SPECIAL, 0, 0, 0, 0 },
	{ "nfqueue", "interfaces", K_SPECIAL, 0, 0, 0, 0 },
	{ "nfqueue", "label_mask", K_UINT, F(nfq.label_mask), 0, 0xffffffffu },
	{ "nfqueue", "self_mark", K_UINT, F(nfq.self_mark), 1, 0xffffffffu },
	{ "nfqueue", "reject_mark", K_UINT, F(nfq.reject_mark), 1, 0xffffffffu },
	{ "nfqueue", "pass_ctmark", K_UINT, F(nfq.pass_ctmark), 1, 0xffffffffu },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(N_KEYS <= 64, "seen bitmap too small");

/* "once", "exit" or a duration: sets default_life and default_seconds. */
static int parse_default_ticket(struct parse_state *st, const char *v)
{
	struct snetd_config *cfg = st->cfg;

	if (strcmp(v, "once") == 0) {
		cfg->default_life = SNET_TICKET_ONCE;
	} else if (strcmp(v, "exit") == 0) {
		cfg->default_life = SNET_TICKET_TASK;
	} else {
		if (seconds_from_text(v, &cfg->default_seconds))
			return fail(st, "default_ticket: once, exit, or a duration like 30s");
		cfg->default_life = SNET_TICKET_TIMED;
	}
	return 1;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_state *st = user;
	struct snetd_config *cfg = st->cfg;
	const struct key_def *k = NULL;
	unsigned long long u;
	size_t idx;
	int v;

	if (st->failed)
		return 0;
	for (idx = 0; idx < N_KEYS; idx++) {
		if (!strcmp(keys[idx].section, section) &&
		    !strcmp(keys[idx].name, name)) {
			k = &keys[idx];
			break;
		}
	}
	if (!k) {
		for (size_t i = 0; i < N_KEYS; i++)
			if (!strcmp(keys[i].section, section))
				return fail(st, "unknown key '%s' in [%s]", name,
					    section);
		return fail(st, "unknown section [%s]", section);
	}
	/* "events" may be repeated (or continued on indented lines). */
	if (strcmp(name, "events") != 0) {
		if (st->seen & (1ull << idx))
			return fail(st, "'%s' set twice in [%s]", name, section);
		st->seen |= 1ull << idx;
	}
	char *field = (char *)cfg + k->off;

	switch (k->kind) {
	case K_STR:
		if (copy_str(field, k->size, value))
			return fail(st, "%s: value longer than %zu characters", name,
				    k->size - 1);
		return 1;
	case K_UINT:
		if (parse_uint(value, k->lo, k->hi, &u))
			return fail(st, "%s: expected a number from %llu to %llu, got '%s'",
				    name, k->lo, k->hi, value);
		if (k->size == sizeof(uint32_t))
			*(uint32_t *)field = (uint32_t)u;
		else
			*(unsigned int *)field = (unsigned int)u;
		return 1;
	case K_BOOL:
		if (parse_bool(value, (bool *)field))
			return fail(st, "%s: expected yes or no, got '%s'", name, value);
		return 1;
	case K_VERDICT:
		v = verdict_from_name(value);
		if (v < 0)
			return fail(st, "%s: expected allow or deny, got '%s'", name,
				    value);
		*(uint8_t *)field = (uint8_t)v;
		return 1;
	case K_LIFE:
		return parse_default_ticket(st, value);
	case K_LEVEL:
		v = log_level_from_name(value);
		if (v < 0)
			return fail(st, "%s: expected err, warning, notice, info or debug, got '%s'",
				    name, value);
		*(int *)field = v;
		return 1;
	case K_SPECIAL:
		if (!strcmp(name, "events"))
			return parse_events(st, value);
		if (!strcmp(section, "nfqueue"))
			return parse_nfq_list(st, name, value);
		return parse_server(st, value);
	}
	return fail(st, "internal error: key kind");
}

/* A mask snet's label mask allows: one run of contiguous bits (or none). */
static bool contiguous(uint32_t m)
{
	uint32_t low = m & -m;

	return m == 0 || ((m + low) & m) == 0;
}

static int check_nfq(struct parse_state *st)
{
	const struct nfq_settings *n = &st->cfg->nfq;

	if (!n->enabled)
		return 1;
	if (!n->rules[0])
		return fail(st, "[inspect] rules must name at least one file or directory");
	if (!n->eve_log[0])
		return fail(st, "[inspect] eve_log must name a file");
	if (!n->external_ruleset && !n->output && !n->input)
		return fail(st, "[nfqueue] output and input are both off: nothing would be inspected");
	if (!contiguous(n->label_mask))
		return fail(st, "[nfqueue] label_mask must be one run of contiguous bits");
	if ((n->self_mark | n->reject_mark) & n->label_mask)
		return fail(st, "[nfqueue] self_mark and reject_mark must not overlap label_mask");
	if (n->self_mark & n->reject_mark)
		return fail(st, "[nfqueue] self_mark and reject_mark must not overlap");
	/* With GSO, queues N..M have segment queues M+1..M+(M-N+1). */
	if (n->gso && (unsigned int)n->queue_first + 2u * n->queue_count - 1 > 65535)
		return fail(st, "[nfqueue] queues: with gso, the segment queues after the range must fit under 65536");
	return 1;
}

static int check_consistency(struct parse_state *st)
{
	struct snetd_config *cfg = st->cfg;

	st->line = 0;
	if (cfg->answer_margin_ms >= cfg->timeout_ms)
		return fail(st, "[decision] answer_margin_ms (%u) must be below [kernel] timeout_ms (%u)",
			    cfg->answer_margin_ms, cfg->timeout_ms);
	if (!cfg->policy[0])
		return fail(st, "[daemon] policy must name a file");
	if (!cfg->control_socket[0] || cfg->control_socket[0] != '/')
		return fail(st, "[control] socket must be an absolute path");
	return check_nfq(st);
}

int config_parse(const char *text, const char *name, struct snetd_config *cfg,
		 char *err, size_t errlen)
{
	struct parse_state st = {
		.cfg = cfg, .name = name, .pos = text, .err = err, .errlen = errlen,
	};
	int rc;

	if (err && errlen)
		err[0] = '\0';
	rc = ini_parse_stream(read_line, &st, handler, &st);
	if (st.long_line && !st.failed) {
		st.line = st.long_line;
		fail(&st, "line too long");
	}
	if (rc > 0 && !st.failed) {
		st.line = (unsigned int)rc;
		fail(&st, "expected [section] or key = value");
	} else if (rc < 0 && !st.failed) {
		fail(&st, "parser error %d", rc);
	}
	if (!st.failed)
		check_consistency(&st);
	return st.failed ? -EINVAL : 0;
}

int config_load(const char *path, struct snetd_config *cfg, char *err,
		size_t errlen)
{
	struct stat sb;
	char *text;
	ssize_t n = 0;
	size_t used = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
	    (unsigned long long)sb.st_size > MAX_CONFIG_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %u bytes",
			 path, MAX_CONFIG_BYTES);
		close(fd);
		return -EINVAL;
	}
	text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (used < (size_t)sb.st_size) {
		n = read(fd, text + used, (size_t)sb.st_size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc) {
		snprintf(err, errlen, "%s: read: %s", path, strerror(-rc));
		free(text);
		return rc;
	}
	text[used] = '\0';
	if (strlen(text) != used) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	rc = config_parse(text, path, cfg, err, errlen);
	free(text);
	return rc;
}
