// SPDX-License-Identifier: GPL-2.0-or-later
/* The syscall policy: parser (line-oriented, with line numbers) and matcher. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "netaddr.h"

#define MAX_WORDS 64
#define MAX_ERRORS 8
#define MAX_POLICY_BYTES (16u << 20)

struct id_range {
	uint32_t lo, hi;
};

struct port_range {
	uint16_t lo, hi;
};

struct policy_rule {
	unsigned int line;
	uint8_t verdict, life;
	uint32_t seconds;
	uint32_t syscall_mask;		/* 0: any */
	bool has_proto;
	uint8_t proto_set[32];		/* bitmap of IPPROTO_* */
	uint8_t family;			/* 0: any */
	char *exe;			/* NULL: any */
	bool exe_glob;
	char *comm;			/* NULL: any */
	struct id_range *uids, *gids;
	size_t n_uids, n_gids;
	struct net_prefix *remote, *local;
	size_t n_remote, n_local;
	struct port_range *rports, *lports;
	size_t n_rports, n_lports;
};

struct policy {
	atomic_uint refs;
	char *name;
	struct policy_rule *rules;
	size_t n_rules;
};

/* Collected messages "name:line: problem", the first MAX_ERRORS of them. */
struct diag {
	const char *name;
	char *buf;
	size_t len, used;
	unsigned int count;
};

static void diag_add(struct diag *d, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diag_add(struct diag *d, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	d->count++;
	if (!d->buf || !d->len || d->count > MAX_ERRORS || d->used + 1 >= d->len)
		return;
	if (d->used) /* one message per line */
		d->buf[d->used++] = '\n';
	n = snprintf(d->buf + d->used, d->len - d->used, "%s:%u: ", d->name,
		     line);
	if (n < 0 || (size_t)n >= d->len - d->used) {
		d->used = d->len - 1;
		return;
	}
	d->used += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->used, d->len - d->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= d->len - d->used)
		d->used = d->len - 1;
	else
		d->used += (size_t)n;
}

static void rule_free(struct policy_rule *r)
{
	free(r->exe);
	free(r->comm);
	free(r->uids);
	free(r->gids);
	free(r->remote);
	free(r->local);
	free(r->rports);
	free(r->lports);
}

static void policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p->name);
	free(p);
}

struct policy *policy_get(struct policy *p)
{
	atomic_fetch_add(&p->refs, 1);
	return p;
}

void policy_put(struct policy *p)
{
	if (p && atomic_fetch_sub(&p->refs, 1) == 1)
		policy_free(p);
}

size_t policy_rule_count(const struct policy *p)
{
	return p->n_rules;
}

const char *policy_name(const struct policy *p)
{
	return p->name;
}

/*
 * Split @line (modified in place) into words.  A word is bare or
 * double-quoted (\" and \\ escape inside quotes); '#' at the start of a
 * word begins a comment.  Returns the number of words or -1 with *why set.
 */
static int split_words(char *line, char **words, const char **why)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_WORDS) {
			*why = "too many words on one line";
			return -1;
		}
		if (*p == '"') {
			char *out = ++p;

			words[n++] = out;
			for (;;) {
				if (!*p) {
					*why = "unterminated quoted string";
					return -1;
				}
				if (*p == '"')
					break;
				if (*p == '\\') {
					p++;
					if (*p != '"' && *p != '\\') {
						*why = "in quotes only \\\" and \\\\ are escapes";
						return -1;
					}
				}
				*out++ = *p++;
			}
			p++; /* the closing quote */
			if (*p && *p != ' ' && *p != '\t' && *p != '\r') {
				*why = "quoted string runs into the next word";
				return -1;
			}
			*out = '\0';
			if (*p)
				p++;
		} else {
			words[n++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
				if (*p == '"') {
					*why = "a quote inside a word";
					return -1;
				}
				p++;
			}
			if (*p)
				*p++ = '\0';
		}
	}
}

/* Split a comma-separated list in place; empty items are an error. */
static int split_list(char *value, char **items, size_t max, const char **why)
{
	size_t n = 0;
	char *p = value;

	for (;;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!*p) {
			*why = "empty item in a comma-separated list";
			return -1;
		}
		if (n == max) {
			*why = "list too long";
			return -1;
		}
		items[n++] = p;
		if (!comma)
			return (int)n;
		p = comma + 1;
	}
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "1000", "1000-1999" or a user/group name resolved now. */
static int parse_id(const char *s, bool group, struct id_range *out,
		    const char **why)
{
	const char *dash = strchr(s, '-');
	char lo[16];

	if (*s >= '0' && *s <= '9') {
		if (dash) {
			size_t n = (size_t)(dash - s);

			if (n >= sizeof(lo))
				goto bad_number;
			memcpy(lo, s, n);
			lo[n] = '\0';
			if (parse_u32(lo, UINT32_MAX - 1, &out->lo) ||
			    parse_u32(dash + 1, UINT32_MAX - 1, &out->hi))
				goto bad_number;
			if (out->lo > out->hi) {
				*why = "range runs backwards";
				return -EINVAL;
			}
			return 0;
		}
		if (parse_u32(s, UINT32_MAX - 1, &out->lo))
			goto bad_number;
		out->hi = out->lo;
		return 0;
	}
	char buf[4096];
	int rc;

	if (group) {
		struct group gr, *res = NULL;

		rc = getgrnam_r(s, &gr, buf, sizeof(buf), &res);
		if (rc || !res) {
			*why = "no such group";
			return -EINVAL;
		}
		out->lo = out->hi = res->gr_gid;
	} else {
		struct passwd pw, *res = NULL;

		rc = getpwnam_r(s, &pw, buf, sizeof(buf), &res);
		if (rc || !res) {
			*why = "no such user";
			return -EINVAL;
		}
		out->lo = out->hi = res->pw_uid;
	}
	return 0;
bad_number:
	*why = "not a number or range of numbers";
	return -EINVAL;
}

static int parse_port(const char *s, struct port_range *out, const char **why)
{
	const char *dash = strchr(s, '-');
	uint32_t lo, hi;
	char buf[8];

	*why = "not a port (0-65535) or range of ports";
	if (dash) {
		size_t n = (size_t)(dash - s);

		if (n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (parse_u32(buf, 65535, &lo) || parse_u32(dash + 1, 65535, &hi))
			return -EINVAL;
		if (lo > hi) {
			*why = "range runs backwards";
			return -EINVAL;
		}
	} else {
		if (parse_u32(s, 65535, &lo))
			return -EINVAL;
		hi = lo;
	}
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

enum rule_key {
	K_SYSCALL, K_PROTO, K_FAMILY, K_EXE, K_COMM, K_UID, K_GID, K_REMOTE,
	K_REMOTE_PORT, K_LOCAL, K_LOCAL_PORT, K_TICKET, N_KEYS
};

static const char *const key_names[N_KEYS] = {
	[K_SYSCALL] = "syscall", [K_PROTO] = "proto", [K_FAMILY] = "family",
	[K_EXE] = "exe", [K_COMM] = "comm", [K_UID] = "uid", [K_GID] = "gid",
	[K_REMOTE] = "remote", [K_REMOTE_PORT] = "remote-port",
	[K_LOCAL] = "local", [K_LOCAL_PORT] = "local-port",
	[K_TICKET] = "ticket",
};

/* Apply one "key value" pair to @r; on error returns -1 with *why set. */
static int rule_set(struct policy_rule *r, enum rule_key key, char *value,
		    char *why_buf, size_t why_len, const char **why)
{
	char *items[256];
	int n, v;

	switch (key) {
	case K_EXE:
		if (value[0] != '/') {
			*why = "exe needs an absolute path or pattern";
			return -1;
		}
		if (strlen(value) >= PATH_MAX) {
			*why = "exe path too long";
			return -1;
		}
		r->exe = strdup(value);
		if (!r->exe)
			goto nomem;
		r->exe_glob = strpbrk(value, "*?[") != NULL;
		return 0;
	case K_COMM:
		if (strlen(value) > 15) {
			*why = "comm is at most 15 characters (the kernel's TASK_COMM_LEN)";
			return -1;
		}
		r->comm = strdup(value);
		if (!r->comm)
			goto nomem;
		return 0;
	case K_FAMILY:
		v = family_from_name(value);
		if (v < 0) {
			*why = "family is inet or inet6";
			return -1;
		}
		r->family = (uint8_t)v;
		return 0;
	case K_TICKET:
		if (strcmp(value, "once") == 0) {
			r->life = SNET_TICKET_ONCE;
		} else if (strcmp(value, "exit") == 0) {
			r->life = SNET_TICKET_TASK;
		} else {
			int rc = seconds_from_text(value, &r->seconds);

			if (rc) {
				*why = rc == -ERANGE ?
				       "ticket duration must be 1 second to 2^32-1 seconds" :
				       "ticket is once, exit, or a duration like 30s, 5m, 2h, 1d";
				return -1;
			}
			r->life = SNET_TICKET_TIMED;
		}
		return 0;
	default:
		break;
	}

	n = split_list(value, items, sizeof(items) / sizeof(items[0]), why);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *item = items[i];

		switch (key) {
		case K_SYSCALL:
			v = syscall_from_name(item);
			if (v < 0) {
				snprintf(why_buf, why_len, "unknown syscall '%s'", item);
				*why = why_buf;
				return -1;
			}
			if (v == SNET_SYSCALL_CLOSE) {
				*why = "close is only notified, never decided";
				return -1;
			}
			r->syscall_mask |= 1u << v;
			break;
		case K_PROTO:
			v = protocol_from_name(item);
			if (v < 0) {
				snprintf(why_buf, why_len, "unknown protocol '%s'", item);
				*why = why_buf;
				return -1;
			}
			r->has_proto = true;
			r->proto_set[v / 8] |= (uint8_t)(1u << (v % 8));
			break;
		case K_UID:
		case K_GID: {
			struct id_range **arr = key == K_UID ? &r->uids : &r->gids;
			size_t *cnt = key == K_UID ? &r->n_uids : &r->n_gids;

			if (!*arr) {
				*arr = calloc((size_t)n, sizeof(**arr));
				if (!*arr)
					goto nomem;
			}
			if (parse_id(item, key == K_GID, &(*arr)[(*cnt)], why)) {
				snprintf(why_buf, why_len, "%s '%s': %s",
					 key_names[key], item, *why);
				*why = why_buf;
				return -1;
			}
			(*cnt)++;
			break;
		}
		case K_REMOTE:
		case K_LOCAL: {
			struct net_prefix **arr = key == K_REMOTE ? &r->remote : &r->local;
			size_t *cnt = key == K_REMOTE ? &r->n_remote : &r->n_local;

			if (!*arr) {
				*arr = calloc((size_t)n, sizeof(**arr));
				if (!*arr)
					goto nomem;
			}
			if (net_prefix_parse(item, &(*arr)[*cnt], why)) {
				snprintf(why_buf, why_len, "%s '%s': %s",
					 key_names[key], item, *why);
				*why = why_buf;
				return -1;
			}
			(*cnt)++;
			break;
		}
		case K_REMOTE_PORT:
		case K_LOCAL_PORT: {
			struct port_range **arr = key == K_REMOTE_PORT ? &r->rports : &r->lports;
			size_t *cnt = key == K_REMOTE_PORT ? &r->n_rports : &r->n_lports;

			if (!*arr) {
				*arr = calloc((size_t)n, sizeof(**arr));
				if (!*arr)
					goto nomem;
			}
			if (parse_port(item, &(*arr)[*cnt], why)) {
				snprintf(why_buf, why_len, "%s '%s': %s",
					 key_names[key], item, *why);
				*why = why_buf;
				return -1;
			}
			(*cnt)++;
			break;
		}
		default:
			*why = "internal error: unhandled key";
			return -1;
		}
	}
	return 0;
nomem:
	*why = "out of memory";
	return -1;
}

/* Parse one line's words into @r; 1 if the line is a rule, 0 if empty. */
static int parse_line(char *line, unsigned int lineno, struct policy_rule *r,
		      struct diag *d)
{
	char *words[MAX_WORDS];
	char why_buf[512];
	const char *why = NULL;
	bool seen[N_KEYS] = { false };
	int n = split_words(line, words, &why);
	int v;

	if (n < 0) {
		diag_add(d, lineno, "%s", why);
		return -1;
	}
	if (n == 0)
		return 0;
	memset(r, 0, sizeof(*r));
	r->line = lineno;
	v = verdict_from_name(words[0]);
	if (v < 0) {
		diag_add(d, lineno, "a rule starts with 'allow' or 'deny', not '%.64s'",
			 words[0]);
		return -1;
	}
	r->verdict = (uint8_t)v;
	r->life = SNET_TICKET_ONCE;
	for (int i = 1; i < n; i += 2) {
		enum rule_key key = N_KEYS;

		for (int k = 0; k < N_KEYS; k++)
			if (strcmp(words[i], key_names[k]) == 0)
				key = (enum rule_key)k;
		if (key == N_KEYS) {
			diag_add(d, lineno, "unknown keyword '%.64s'", words[i]);
			goto fail;
		}
		if (seen[key]) {
			diag_add(d, lineno, "'%s' given twice in one rule",
				 key_names[key]);
			goto fail;
		}
		seen[key] = true;
		if (i + 1 >= n) {
			diag_add(d, lineno, "'%s' needs a value", key_names[key]);
			goto fail;
		}
		if (rule_set(r, key, words[i + 1], why_buf, sizeof(why_buf), &why)) {
			diag_add(d, lineno, "%s", why);
			goto fail;
		}
	}
	return 1;
fail:
	rule_free(r);
	return -1;
}

int policy_parse(const char *text, size_t len, const char *name,
		 struct policy **out, char *err, size_t errlen)
{
	struct diag d = { .name = name, .buf = err, .len = errlen };
	struct policy *p;
	size_t cap = 0, pos = 0;
	unsigned int lineno = 0;
	char *line = NULL;

	if (err && errlen)
		err[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(name))) {
		free(p);
		return -ENOMEM;
	}
	atomic_init(&p->refs, 1);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - text - pos) : len - pos;
		struct policy_rule r;
		int rc;

		lineno++;
		if (memchr(text + pos, '\0', llen)) {
			diag_add(&d, lineno, "NUL byte in the line");
			pos += llen + 1;
			continue;
		}
		line = malloc(llen + 1);
		if (!line)
			goto nomem;
		memcpy(line, text + pos, llen);
		line[llen] = '\0';
		pos += llen + 1;
		rc = parse_line(line, lineno, &r, &d);
		free(line);
		line = NULL;
		if (rc <= 0)
			continue;
		if (p->n_rules == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct policy_rule *nr = realloc(p->rules, ncap * sizeof(*nr));

			if (!nr) {
				rule_free(&r);
				goto nomem;
			}
			p->rules = nr;
			cap = ncap;
		}
		p->rules[p->n_rules++] = r;
	}
	if (d.count) {
		if (d.count > MAX_ERRORS && d.buf && d.used + 1 < d.len)
			snprintf(d.buf + d.used, d.len - d.used,
				 "\n%s: %u more errors", name, d.count - MAX_ERRORS);
		policy_free(p);
		return -EINVAL;
	}
	*out = p;
	return 0;
nomem:
	policy_free(p);
	if (err && errlen)
		snprintf(err, errlen, "%s: out of memory", name);
	return -ENOMEM;
}

/* Read a whole regular file of at most MAX_POLICY_BYTES. */
static int read_file(const char *path, char **text, size_t *len, char *err,
		     size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t used = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > MAX_POLICY_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %u bytes",
			 path, MAX_POLICY_BYTES);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (used < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: read: %s", path, strerror(-rc));
			free(buf);
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

int policy_load(const char *path, struct policy **out, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	rc = read_file(path, &text, &len, err, errlen);
	if (rc)
		return rc;
	rc = policy_parse(text, len, path, out, err, errlen);
	free(text);
	return rc;
}

static bool id_in(const struct id_range *r, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= r[i].lo && id <= r[i].hi)
			return true;
	return false;
}

static bool port_in(const struct port_range *r, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

static bool addr_in(const struct net_prefix *p, size_t n, uint8_t family,
		    const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (net_prefix_match(&p[i], family, addr))
			return true;
	return false;
}

static bool rule_matches(const struct policy_rule *r, const struct snet_event *ev)
{
	if (r->syscall_mask && (ev->syscall > 31 ||
				!(r->syscall_mask & (1u << ev->syscall))))
		return false;
	if (r->has_proto &&
	    !(r->proto_set[ev->protocol / 8] & (1u << (ev->protocol % 8))))
		return false;
	if (r->family && r->family != ev->family)
		return false;
	if (r->n_uids && !id_in(r->uids, r->n_uids, ev->uid))
		return false;
	if (r->n_gids && !id_in(r->gids, r->n_gids, ev->gid))
		return false;
	if (r->comm && strncmp(r->comm, ev->comm, sizeof(ev->comm)) != 0)
		return false;
	if (r->exe) {
		if (!ev->exe[0])
			return false;
		if (r->exe_glob ? fnmatch(r->exe, ev->exe, FNM_PATHNAME) != 0 :
				  strcmp(r->exe, ev->exe) != 0)
			return false;
	}
	if ((r->n_remote || r->n_rports) && !ev->has_remote)
		return false;
	if (r->n_remote && !addr_in(r->remote, r->n_remote, ev->family,
				    ev->remote_addr))
		return false;
	if (r->n_rports && !port_in(r->rports, r->n_rports, ev->remote_port))
		return false;
	if ((r->n_local || r->n_lports) && !ev->has_local)
		return false;
	if (r->n_local && !addr_in(r->local, r->n_local, ev->family,
				   ev->local_addr))
		return false;
	if (r->n_lports && !port_in(r->lports, r->n_lports, ev->local_port))
		return false;
	return true;
}

bool policy_match(const struct policy *p, const struct snet_event *ev,
		  struct policy_verdict *out)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (rule_matches(r, ev)) {
			out->verdict = r->verdict;
			out->life = r->life;
			out->seconds = r->seconds;
			out->line = r->line;
			return true;
		}
	}
	return false;
}

/* Append @s to @buf at *used; false when it does not fit. */
static bool put(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + n >= len)
		return false;
	memcpy(buf + *used, s, n + 1);
	*used += n;
	return true;
}

/*
 * Quote an executable path for the policy: glob characters get a glob
 * escape (so the path matches only itself), then '"' and '\' get quote
 * escapes.  Control characters cannot be written on one line.
 */
static int quote_exe(const char *exe, char *out, size_t len)
{
	size_t o = 0;

	if (o + 1 >= len)
		return -ENAMETOOLONG;
	out[o++] = '"';
	for (const char *p = exe; *p; p++) {
		char glob[3] = { 0 };
		size_t gl = 0;

		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
		if (strchr("*?[\\", *p) && strpbrk(exe, "*?["))
			glob[gl++] = '\\';
		glob[gl++] = *p;
		for (size_t i = 0; i < gl; i++) {
			bool esc = glob[i] == '"' || glob[i] == '\\';

			if (o + 2 + esc >= len)
				return -ENAMETOOLONG;
			if (esc)
				out[o++] = '\\';
			out[o++] = glob[i];
		}
	}
	if (o + 2 > len)
		return -ENAMETOOLONG;
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

int policy_rule_for_event(const struct snet_event *ev, uint8_t verdict,
			  char *buf, size_t len)
{
	const char *sc = name_of_syscall(ev->syscall);
	const char *proto = name_of_protocol(ev->protocol);
	char word[PATH_MAX * 2 + 16], addr[64];
	size_t used = 0;
	bool use_local = ev->syscall == SNET_SYSCALL_BIND ||
			 ev->syscall == SNET_SYSCALL_LISTEN;
	int rc;

	if (!sc || ev->syscall == SNET_SYSCALL_CLOSE || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (!put(buf, len, &used, name_of_verdict(verdict)) ||
	    !put(buf, len, &used, " syscall ") || !put(buf, len, &used, sc))
		return -ENAMETOOLONG;
	if (proto)
		snprintf(word, sizeof(word), " proto %s", proto);
	else
		snprintf(word, sizeof(word), " proto %u", ev->protocol);
	if (!put(buf, len, &used, word))
		return -ENAMETOOLONG;
	if (ev->exe[0]) {
		rc = quote_exe(ev->exe, word, sizeof(word));
		if (rc)
			return rc;
		if (!put(buf, len, &used, " exe ") || !put(buf, len, &used, word))
			return -ENAMETOOLONG;
	} else {
		/* No executable known: pin the user, and the comm if it is a word. */
		snprintf(word, sizeof(word), " uid %u", ev->uid);
		if (!put(buf, len, &used, word))
			return -ENAMETOOLONG;
		bool plain = ev->comm[0] != '\0';

		for (const char *p = ev->comm; *p; p++)
			if (*p <= ' ' || *p == '"' || *p == '#' || *p == '\\' ||
			    *p == 0x7f)
				plain = false;
		if (plain) {
			snprintf(word, sizeof(word), " comm %.16s", ev->comm);
			if (!put(buf, len, &used, word))
				return -ENAMETOOLONG;
		}
	}
	if (use_local ? ev->has_local : ev->has_remote) {
		const uint8_t *a = use_local ? ev->local_addr : ev->remote_addr;
		uint16_t port = use_local ? ev->local_port : ev->remote_port;

		net_addr_format(ev->family, a, addr, sizeof(addr));
		if (addr[0] == '?')
			return -EINVAL;
		snprintf(word, sizeof(word), " %s %s %s-port %u",
			 use_local ? "local" : "remote", addr,
			 use_local ? "local" : "remote", port);
		if (!put(buf, len, &used, word))
			return -ENAMETOOLONG;
	}
	if (!put(buf, len, &used, " ticket exit"))
		return -ENAMETOOLONG;
	return 0;
}

int policy_file_append(const char *path, const char *rule, const char *comment,
		       char *err, size_t errlen)
{
	char *old = NULL, *text = NULL, *tmp = NULL;
	size_t old_len = 0, text_len;
	struct policy *check = NULL;
	mode_t mode = 0644;
	struct stat st;
	int fd = -1, rc;

	if (strchr(rule, '\n') || (comment && strchr(comment, '\n'))) {
		snprintf(err, errlen, "a rule is one line");
		return -EINVAL;
	}
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
		rc = read_file(path, &old, &old_len, err, errlen);
		if (rc)
			return rc;
	} else if (errno != ENOENT) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	text_len = old_len + strlen(rule) + (comment ? strlen(comment) + 3 : 0) + 3;
	text = malloc(text_len);
	if (!text) {
		rc = -ENOMEM;
		goto out;
	}
	snprintf(text, text_len, "%.*s%s%s%s%s%s\n", (int)old_len, old ? old : "",
		 old_len && old[old_len - 1] != '\n' ? "\n" : "",
		 comment ? "# " : "", comment ? comment : "", comment ? "\n" : "",
		 rule);
	text_len = strlen(text);
	rc = policy_parse(text, text_len, path, &check, err, errlen);
	if (rc)
		goto out;
	policy_put(check);

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	for (size_t done = 0; done < text_len;) {
		ssize_t n = write(fd, text + done, text_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, mode) || fsync(fd)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		rc = -errno;
		snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path)) {
		rc = -errno;
		snprintf(err, errlen, "rename %s to %s: %s", tmp, path,
			 strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* Make the rename itself durable. */
	{
		char *dir = strdup(path), *slash;
		int dfd;

		if (dir) {
			slash = strrchr(dir, '/');
			if (slash == dir)
				slash[1] = '\0';
			else if (slash)
				*slash = '\0';
			dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				/* The new file is in place; a failed directory
				 * sync only weakens durability across a crash. */
				(void)fsync(dfd);
				close(dfd);
			}
			free(dir);
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(text);
	free(old);
	return rc;
}
