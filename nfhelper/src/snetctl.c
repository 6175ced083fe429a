// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snetctl: the control tool of snetd.  Speaks the JSON-lines control
 * protocol (docs/snetd.md) over snetd's unix socket.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl_proto.h"
#include "names.h"

#define EXIT_REFUSED 1	/* snetd answered with an error */
#define EXIT_USAGE 2
#define EXIT_CONNECT 3

struct conn {
	int fd;
	char buf[CTL_MAX_LINE];
	size_t used;
};

static bool json_output;

/* -errno, and a message unless @quiet_absent and no snetd listens there */
static int conn_open_as(struct conn *c, const char *path, bool quiet_absent)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "snetctl: socket path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->used = 0;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		if (!quiet_absent || (e != ENOENT && e != ECONNREFUSED))
			fprintf(stderr, "snetctl: cannot reach snetd at %s: %s\n", path,
				strerror(e));
		if (c->fd >= 0)
			close(c->fd);
		return -e;
	}
	return 0;
}

static int conn_open(struct conn *c, const char *path)
{
	return conn_open_as(c, path, false);
}

static int conn_send_text(struct conn *c, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len + 1) {
		const char *p = done < len ? text + done : "\n";
		size_t n = done < len ? len - done : 1;
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "snetctl: send: %s\n", strerror(errno));
			return -errno;
		}
		done += (size_t)w;
	}
	return 0;
}

static int conn_send(struct conn *c, json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT);
	int rc;

	json_decref(req);
	if (!text)
		return -ENOMEM;
	rc = conn_send_text(c, text);
	free(text);
	return rc;
}

/* Next line from snetd as JSON; NULL at EOF or on error (said). */
static json_t *conn_recv(struct conn *c)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->used);

		if (nl) {
			json_error_t jerr;
			size_t len = (size_t)(nl - c->buf);
			json_t *o = json_loadb(c->buf, len, 0, &jerr);

			memmove(c->buf, nl + 1, c->used - len - 1);
			c->used -= len + 1;
			if (!o)
				fprintf(stderr, "snetctl: bad reply from snetd: %s\n",
					jerr.text);
			return o;
		}
		if (c->used == sizeof(c->buf)) {
			fprintf(stderr, "snetctl: reply line too long\n");
			return NULL;
		}
		ssize_t n = recv(c->fd, c->buf + c->used, sizeof(c->buf) - c->used, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				fprintf(stderr, "snetctl: recv: %s\n", strerror(errno));
			else
				fprintf(stderr, "snetctl: snetd closed the connection\n");
			return NULL;
		}
		c->used += (size_t)n;
	}
}

static const char *str_of(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

static long long int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_value(const char *key, json_t *v, int indent)
{
	const char *k;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		printf("%*s%s:\n", indent, "", key);
		json_object_foreach(v, k, item)
			print_value(k, item, indent + 2);
		break;
	case JSON_ARRAY:
		printf("%*s%s:\n", indent, "", key);
		json_array_foreach(v, i, item) {
			char idx[24];

			snprintf(idx, sizeof(idx), "[%zu]", i);
			print_value(idx, item, indent + 2);
		}
		break;
	case JSON_STRING:
		printf("%*s%s: %s\n", indent, "", key, json_string_value(v));
		break;
	case JSON_INTEGER:
		printf("%*s%s: %lld\n", indent, "", key,
		       (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		printf("%*s%s: %.3f\n", indent, "", key, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		printf("%*s%s: %s\n", indent, "", key, json_is_true(v) ? "yes" : "no");
		break;
	default:
		printf("%*s%s: -\n", indent, "", key);
		break;
	}
}

static void endpoint_text(json_t *ep, char *buf, size_t len)
{
	const char *addr = str_of(ep, "addr", NULL);

	if (!addr) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, strchr(addr, ':') ? "[%s]:%lld" : "%s:%lld", addr,
		 int_of(ep, "port"));
}

/* "connect tcp 10.0.0.1:4000 -> 192.0.2.1:443 by curl[1234] uid 1000 /usr/bin/curl" */
static void event_text(json_t *e, char *buf, size_t len)
{
	char local[80], remote[80], proto[16];
	json_t *p = json_object_get(e, "protocol");

	endpoint_text(json_object_get(e, "local"), local, sizeof(local));
	endpoint_text(json_object_get(e, "remote"), remote, sizeof(remote));
	if (json_is_string(p))
		snprintf(proto, sizeof(proto), "%s", json_string_value(p));
	else
		snprintf(proto, sizeof(proto), "proto %lld", int_of(e, "protocol"));
	snprintf(buf, len, "%s %s %s -> %s by %s[%lld] uid %lld %s",
		 str_of(e, "syscall", "?"), proto, local, remote,
		 str_of(e, "comm", "?"), int_of(e, "tgid"), int_of(e, "uid"),
		 str_of(e, "exe", "(exe unknown)"));
}

static void print_events(json_t *arr)
{
	json_t *e;
	size_t i;
	char text[600];

	if (!json_array_size(arr)) {
		printf("no events in flight\n");
		return;
	}
	json_array_foreach(arr, i, e) {
		event_text(e, text, sizeof(text));
		printf("%-8lld %-13s age %5lld ms  left %5lld ms  %s\n",
		       int_of(e, "id"), str_of(e, "stage", "?"), int_of(e, "age_ms"),
		       int_of(e, "left_ms"), text);
	}
}

static void print_sockets(json_t *arr)
{
	char local[80], remote[80];
	json_t *s;
	size_t i;

	json_array_foreach(arr, i, s) {
		endpoint_text(json_object_get(s, "local"), local, sizeof(local));
		endpoint_text(json_object_get(s, "remote"), remote, sizeof(remote));
		printf("cookie %-10lld %-6s %s -> %s  %s[%lld] uid %lld %s\n",
		       int_of(s, "cookie"), str_of(s, "protocol", "?"), local, remote,
		       str_of(s, "comm", "?"), int_of(s, "tgid"), int_of(s, "uid"),
		       str_of(s, "exe", "(exe unknown)"));
	}
}

static void print_tickets(json_t *arr)
{
	char remote[80];
	json_t *t;
	size_t i;

	if (!json_array_size(arr)) {
		printf("no tickets\n");
		return;
	}
	json_array_foreach(arr, i, t) {
		printf("ticket %-6lld %-5s %-7s ", int_of(t, "id"),
		       str_of(t, "verdict", "?"), str_of(t, "ticket", "?"));
		if (json_object_get(t, "cookie")) {
			printf("socket cookie %lld syscalls 0x%llx", int_of(t, "cookie"),
			       int_of(t, "syscall_mask"));
		} else {
			endpoint_text(json_object_get(t, "remote"), remote, sizeof(remote));
			printf("pid %lld %s %s %s", int_of(t, "pid"),
			       str_of(t, "syscall", "?"), str_of(t, "protocol", "?"),
			       remote);
		}
		if (int_of(t, "expires_ms"))
			printf(" expires in %lld ms", int_of(t, "expires_ms"));
		printf("\n");
	}
}

/* Send one request, print the reply; the exit status. */
static int one_request(const char *path, json_t *req, const char *cmd)
{
	struct conn c;
	json_t *reply;
	int status;

	if (!req) {
		fprintf(stderr, "snetctl: out of memory\n");
		return EXIT_REFUSED;
	}
	if (conn_open(&c, path)) {
		json_decref(req);
		return EXIT_CONNECT;
	}
	if (conn_send(&c, req) || !(reply = conn_recv(&c))) {
		close(c.fd);
		return EXIT_CONNECT;
	}
	close(c.fd);
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "snetctl: %s\n", str_of(reply, "error", "request refused"));
		status = EXIT_REFUSED;
	} else if (json_output) {
		char *text = json_dumps(reply, JSON_COMPACT);

		if (text)
			printf("%s\n", text);
		free(text);
		status = 0;
	} else {
		const char *k;
		json_t *v;

		if (!strcmp(cmd, "events"))
			print_events(json_object_get(reply, "events"));
		else if (!strcmp(cmd, "sockets"))
			print_sockets(json_object_get(reply, "sockets"));
		else if (!strcmp(cmd, "tickets") && json_object_get(reply, "tickets"))
			print_tickets(json_object_get(reply, "tickets"));
		else if (!strcmp(cmd, "reload"))
			printf("policy %s: %lld rules\n", str_of(reply, "policy", "?"),
			       int_of(reply, "rules"));
		else if (!strcmp(cmd, "reopen-logs"))
			printf("logs reopened\n");
		else
			json_object_foreach(reply, k, v)
				if (strcmp(k, "ok"))
					print_value(k, v, 0);
		status = 0;
	}
	json_decref(reply);
	return status;
}

/* --- reload-rules --------------------------------------------------------- */

/*
 * Ask for a rule reload, then follow it until its build has finished
 * (snetd builds in the background and keeps inspecting meanwhile): exit 0
 * if the new rules are in use, 1 with snetd's reason if they were
 * refused (the running rules stay).  @if_running: no snetd, or one that
 * does not inspect, is nothing to reload (it reads the rules when it
 * starts inspecting), so exit 0 and say so: snet-update's default, so that
 * a machine without inspection has no failed update.
 */
static int reload_rules(const char *path, unsigned int timeout_s, bool if_running)
{
	struct timespec nap = { .tv_nsec = 100 * 1000 * 1000 };
	json_t *reply, *r;
	json_int_t id;
	struct conn c;
	int status = EXIT_REFUSED, rc;

	rc = conn_open_as(&c, path, if_running);
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		if (if_running) {
			printf("snetd is not running (%s): nothing to reload; it loads the "
			       "rules when it starts\n", path);
			return 0;
		}
	}
	if (rc)
		return EXIT_CONNECT;
	if (conn_send(&c, json_pack("{s:s}", "cmd", "reload-rules")) ||
	    !(reply = conn_recv(&c))) {
		close(c.fd);
		return EXIT_CONNECT;
	}
	if (if_running && json_is_true(json_object_get(reply, "inspect_off"))) {
		printf("snetd does not inspect payloads ([inspect] enabled = no): nothing "
		       "to reload\n");
		json_decref(reply);
		close(c.fd);
		return 0;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "snetctl: %s\n", str_of(reply, "error", "request refused"));
		json_decref(reply);
		close(c.fd);
		return EXIT_REFUSED;
	}
	id = int_of(reply, "reload");
	json_decref(reply);
	for (unsigned int waited = 0; waited < timeout_s * 10; waited++) {
		if (conn_send(&c, json_pack("{s:s}", "cmd", "inspect")) ||
		    !(reply = conn_recv(&c))) {
			close(c.fd);
			return EXIT_CONNECT;
		}
		r = json_object_get(json_object_get(reply, "inspect"), "rules");
		if (int_of(json_object_get(r, "reload"), "finished") >= id) {
			json_t *rl = json_object_get(r, "reload");

			/* A later build may have finished too: its result is
			 * what runs now, and what we report. */
			if (json_integer_value(json_object_get(rl, "last_rc")) == 0) {
				if (json_output)
					printf("{\"ok\":true,\"reload\":%lld,\"generation\":%lld,\"rules\":%lld,\"seconds\":%.3f}\n",
					       (long long)id, int_of(r, "generation"),
					       int_of(r, "rules"),
					       json_real_value(json_object_get(rl, "last_seconds")));
				else
					printf("rules reloaded: %lld rules, generation %lld, built in %.2f s%s\n%s\n",
					       int_of(r, "rules"), int_of(r, "generation"),
					       json_real_value(json_object_get(rl, "last_seconds")),
					       json_is_true(json_object_get(rl, "last_from_cache")) ?
					       " (from the cache)" : "",
					       str_of(rl, "last_summary", ""));
				status = 0;
			} else {
				fprintf(stderr, "snetctl: rules reload refused, the running rules stay: %s\n",
					str_of(rl, "last_error", "?"));
			}
			json_decref(reply);
			close(c.fd);
			return status;
		}
		json_decref(reply);
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "snetctl: rules reload %lld still running after %u s\n",
		(long long)id, timeout_s);
	close(c.fd);
	return EXIT_REFUSED;
}

/* --- prompt -------------------------------------------------------------- */

struct pending {
	uint32_t id;
	struct pending *next;
};

static void pending_add(struct pending **list, uint32_t id)
{
	struct pending *p = malloc(sizeof(*p)), **pp = list;

	if (!p)
		return;
	p->id = id;
	p->next = NULL;
	while (*pp)
		pp = &(*pp)->next;
	*pp = p;
}

static bool pending_remove(struct pending **list, uint32_t id)
{
	for (struct pending **pp = list; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			struct pending *p = *pp;

			*pp = p->next;
			free(p);
			return true;
		}
	}
	return false;
}

static const char prompt_help[] =
	"answer: [ID] allow|deny [once|exit|always|DURATION]  (e.g. \"allow\", "
	"\"deny 30s\", \"allow always\"; a and d for short)\n";

/*
 * Parse an answer line: "[ID] allow|deny|a|d [once|exit|always|30|30s|5m]".
 * Returns the request, or NULL (with a message) when the line is not one.
 */
static json_t *answer_request(char *line, uint32_t first, uint32_t *id_out)
{
	char *words[4], *save = NULL, *w;
	int n = 0, i = 0;
	uint32_t id = first, secs = 0;
	const char *verdict, *ticket = "once";

	for (w = strtok_r(line, " \t\r\n", &save); w && n < 4;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (w || n == 0)
		return NULL;
	if (words[0][0] >= '0' && words[0][0] <= '9') {
		char *end;
		unsigned long v = strtoul(words[0], &end, 10);

		if (*end || v == 0 || v > UINT32_MAX)
			return NULL;
		id = (uint32_t)v;
		i = 1;
	}
	if (i >= n)
		return NULL;
	if (!strcmp(words[i], "allow") || !strcmp(words[i], "a"))
		verdict = "allow";
	else if (!strcmp(words[i], "deny") || !strcmp(words[i], "d"))
		verdict = "deny";
	else
		return NULL;
	i++;
	if (i < n) {
		if (!strcmp(words[i], "once") || !strcmp(words[i], "exit") ||
		    !strcmp(words[i], "always"))
			ticket = words[i];
		else if (seconds_from_text(words[i], &secs) == 0)
			ticket = "seconds";
		else
			return NULL;
		i++;
	}
	if (i != n)
		return NULL;
	*id_out = id;
	if (secs)
		return json_pack("{s:s, s:I, s:s, s:s, s:I}", "cmd", "answer",
				 "id", (json_int_t)id, "verdict", verdict,
				 "ticket", ticket, "seconds", (json_int_t)secs);
	return json_pack("{s:s, s:I, s:s, s:s}", "cmd", "answer", "id",
			 (json_int_t)id, "verdict", verdict, "ticket", ticket);
}

struct prompt_state {
	struct conn c;
	struct pending *pending;	/* offered, not yet answered */
	unsigned int outstanding;	/* answers sent, not yet replied */
	int status;
};

/* Handle one message from snetd; false when the connection is gone. */
static bool prompt_message(struct prompt_state *ps)
{
	json_t *m = conn_recv(&ps->c), *ev;
	char text[600];

	if (!m)
		return false;
	if ((ev = json_object_get(m, "prompt"))) {
		event_text(ev, text, sizeof(text));
		printf("[%lld] %s (%lld ms left)\n", int_of(ev, "id"), text,
		       int_of(ev, "left_ms"));
		pending_add(&ps->pending, (uint32_t)int_of(ev, "id"));
	} else if (json_object_get(m, "gone")) {
		if (pending_remove(&ps->pending, (uint32_t)int_of(m, "gone")))
			printf("[%lld] gone: decided elsewhere or timed out\n",
			       int_of(m, "gone"));
	} else if (json_object_get(m, "answered")) {
		ps->outstanding -= ps->outstanding > 0;
		printf("[%lld] answered\n", int_of(m, "answered"));
	} else if (json_object_get(m, "error")) {
		ps->outstanding -= ps->outstanding > 0;
		printf("snetd: %s\n", str_of(m, "error", "?"));
		ps->status = EXIT_REFUSED;
	}
	fflush(stdout);
	json_decref(m);
	return true;
}

/* Answer with each complete line in @line; returns bytes consumed. */
static int prompt_answers(struct prompt_state *ps, char *line, size_t *used)
{
	char *nl;

	while (ps->pending && (nl = memchr(line, '\n', *used))) {
		uint32_t id = 0;
		size_t llen = (size_t)(nl - line);
		json_t *req;

		char copy[1024];

		*nl = '\0';
		snprintf(copy, sizeof(copy), "%s", line); /* parsing cuts it */
		req = answer_request(copy, ps->pending->id, &id);
		if (req) {
			if (conn_send(&ps->c, req))
				return -EIO;
			pending_remove(&ps->pending, id);
			ps->outstanding++;
		} else if (llen) {
			printf("not an answer: %s\n%s", line, prompt_help);
		}
		memmove(line, nl + 1, *used - llen - 1);
		*used -= llen + 1;
	}
	fflush(stdout);
	return 0;
}

static int prompt(const char *path)
{
	struct prompt_state ps = { .status = 0 };
	char line[1024];
	size_t line_used = 0;
	bool in_eof = false;
	json_t *reply;

	if (conn_open(&ps.c, path))
		return EXIT_CONNECT;
	if (conn_send(&ps.c, json_pack("{s:s}", "cmd", "prompt")) ||
	    !(reply = conn_recv(&ps.c))) {
		close(ps.c.fd);
		return EXIT_CONNECT;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "snetctl: %s\n", str_of(reply, "error", "refused"));
		json_decref(reply);
		close(ps.c.fd);
		return EXIT_REFUSED;
	}
	json_decref(reply);
	printf("prompt attached; events that no rule or server decides come here.\n%s",
	       prompt_help);
	fflush(stdout);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = ps.c.fd, .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		/* A full buffer of lines waits for events before more input. */
		nfds_t nfds = in_eof || line_used == sizeof(line) - 1 ? 1 : 2;

		/* Lines snetd sent that are already buffered come first. */
		if (memchr(ps.c.buf, '\n', ps.c.used)) {
			if (!prompt_message(&ps))
				goto gone;
			continue;
		}
		/* Each input line answers the oldest event shown; lines wait
		 * for events, so that a script's answers meet them in order. */
		if (prompt_answers(&ps, line, &line_used))
			goto gone;
		/* Input ended and used up: stay until snetd confirmed. */
		if (in_eof && ps.outstanding == 0 && !memchr(line, '\n', line_used))
			break;
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			ps.status = EXIT_CONNECT;
			break;
		}
		if (pfd[0].revents) {
			if (!prompt_message(&ps))
				goto gone;
			continue;
		}
		if (nfds == 2 && pfd[1].revents) {
			ssize_t n = read(STDIN_FILENO, line + line_used,
					 sizeof(line) - 1 - line_used);

			if (n <= 0) {
				in_eof = true;
				/* A last line without its newline still counts. */
				if (line_used && line[line_used - 1] != '\n')
					line[line_used++] = '\n';
				continue;
			}
			line_used += (size_t)n;
			if (line_used == sizeof(line) - 1 &&
			    !memchr(line, '\n', line_used))
				line_used = 0; /* an endless line: drop it */
		}
	}
	goto out;
gone:
	ps.status = EXIT_CONNECT;
out:
	while (ps.pending)
		pending_remove(&ps.pending, ps.pending->id);
	close(ps.c.fd);
	return ps.status;
}

/* --- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snetctl [-s SOCKET | -c CONFIG] [-j] COMMAND\n"
		"commands:\n"
		"  status                      the daemon, its policy, the kernel link\n"
		"  stats                       daemon and kernel counters\n"
		"  events                      events in flight\n"
		"  sockets [LIMIT]             the socket table\n"
		"  tickets [list [PID]]        the kernel's tickets\n"
		"  tickets revoke ID | pid PID | cookie COOKIE | all\n"
		"  reload                      re-read the policy file\n"
		"  inspect                     payload inspection: rules, queues, counters\n"
		"  reload-rules [--if-running] [SECONDS]\n"
		"                              rebuild the signatures (snetd keeps inspecting\n"
		"                              meanwhile) and wait for the result (600 s);\n"
		"                              --if-running: no snetd, or no inspection, is\n"
		"                              nothing to reload (exit 0)\n"
		"  reopen-logs                 open the decision and EVE logs again (logrotate)\n"
		"  prompt                      answer events (a person, or lines on stdin)\n"
		"  raw JSON                    send one request line as is\n"
		"  -s SOCKET  snetd's control socket (default %s)\n"
		"  -c CONFIG  take the socket path from this snetd.conf\n"
		"  -j         print replies as JSON\n",
		CTL_DEFAULT_SOCKET);
}

static int parse_number(const char *s, unsigned long long max,
			unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out > max ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *conf = NULL, *cmd;
	unsigned long long v;
	json_t *req = NULL;
	int opt, nargs;
	char **args;

	while ((opt = getopt(argc, argv, "+s:c:jh")) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'j':
			json_output = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	static struct snetd_config cfg;

	if (!sock && conf) {
		char err[1024];

		config_defaults(&cfg);
		if (config_load(conf, &cfg, err, sizeof(err))) {
			fprintf(stderr, "snetctl: %s\n", err);
			return EXIT_USAGE;
		}
		sock = cfg.control_socket;
	}
	if (!sock)
		sock = CTL_DEFAULT_SOCKET;
	cmd = argv[optind];
	args = argv + optind + 1;
	nargs = argc - optind - 1;

	if (!strcmp(cmd, "status") || !strcmp(cmd, "stats") ||
	    !strcmp(cmd, "events") || !strcmp(cmd, "reload") ||
	    !strcmp(cmd, "inspect") || !strcmp(cmd, "reopen-logs")) {
		if (nargs)
			goto bad;
		req = json_pack("{s:s}", "cmd", cmd);
	} else if (!strcmp(cmd, "sockets")) {
		if (nargs > 1 || (nargs == 1 && parse_number(args[0], 1u << 24, &v)))
			goto bad;
		req = nargs ? json_pack("{s:s, s:I}", "cmd", cmd, "limit", (json_int_t)v) :
		      json_pack("{s:s}", "cmd", cmd);
	} else if (!strcmp(cmd, "tickets")) {
		if (nargs == 0 || (!strcmp(args[0], "list") && nargs == 1)) {
			req = json_pack("{s:s, s:s}", "cmd", cmd, "action", "list");
		} else if (!strcmp(args[0], "list") && nargs == 2) {
			if (parse_number(args[1], UINT32_MAX, &v))
				goto bad;
			req = json_pack("{s:s, s:s, s:I}", "cmd", cmd, "action", "list",
					"pid", (json_int_t)v);
		} else if (!strcmp(args[0], "revoke") && nargs == 2 &&
			   !strcmp(args[1], "all")) {
			req = json_pack("{s:s, s:s, s:b}", "cmd", cmd, "action", "revoke",
					"all", 1);
		} else if (!strcmp(args[0], "revoke") && nargs == 2) {
			if (parse_number(args[1], INT64_MAX, &v))
				goto bad;
			req = json_pack("{s:s, s:s, s:I}", "cmd", cmd, "action", "revoke",
					"id", (json_int_t)v);
		} else if (!strcmp(args[0], "revoke") && nargs == 3 &&
			   (!strcmp(args[1], "pid") || !strcmp(args[1], "cookie"))) {
			if (parse_number(args[2], !strcmp(args[1], "pid") ? UINT32_MAX :
					 INT64_MAX, &v))
				goto bad;
			req = json_pack("{s:s, s:s, s:I}", "cmd", cmd, "action", "revoke",
					args[1], (json_int_t)v);
		} else {
			goto bad;
		}
	} else if (!strcmp(cmd, "prompt")) {
		if (nargs)
			goto bad;
		return prompt(sock);
	} else if (!strcmp(cmd, "reload-rules")) {
		bool if_running = nargs && !strcmp(args[0], "--if-running");

		v = 600;
		if (if_running) {
			args++;
			nargs--;
		}
		if (nargs > 1 || (nargs == 1 && parse_number(args[0], 86400, &v)) || !v)
			goto bad;
		return reload_rules(sock, (unsigned int)v, if_running);
	} else if (!strcmp(cmd, "raw")) {
		struct conn c;
		json_t *reply;
		char *text;
		int st;

		if (nargs != 1)
			goto bad;
		if (conn_open(&c, sock))
			return EXIT_CONNECT;
		if (conn_send_text(&c, args[0]) || !(reply = conn_recv(&c))) {
			close(c.fd);
			return EXIT_CONNECT;
		}
		close(c.fd);
		text = json_dumps(reply, JSON_COMPACT);
		if (text)
			printf("%s\n", text);
		free(text);
		st = json_is_true(json_object_get(reply, "ok")) ? 0 : EXIT_REFUSED;
		json_decref(reply);
		return st;
	} else {
		fprintf(stderr, "snetctl: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	return one_request(sock, req, cmd);
bad:
	fprintf(stderr, "snetctl: bad arguments for '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
