// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket server: accept, check the peer, JSON lines, prompt feed. */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "event_json.h"
#include "log.h"
#include "names.h"
#include "netaddr.h"
#include "pipeline.h"
#include "policy.h"
#include "socktable.h"

#define MAX_CLIENTS 64
#define MAX_OUTPUT (8u << 20)	/* a client that reads nothing is dropped */
#define MAX_OFFERED 4096

struct client {
	int fd;
	uid_t uid;
	char *in;
	size_t in_used;
	char *out;
	size_t out_used, out_cap;
	bool prompt;			/* attached as a prompt */
	uint32_t *offered;		/* event ids shown to this prompt */
	size_t n_offered;
	bool closing;			/* drop once the output is flushed */
};

struct ctl_server {
	struct ctl_server_params p;
	char *path, *config_path, *remote;
	int listen_fd;
	int stop_fd;
	gid_t gid;
	bool has_group;
	pthread_t thread;
	struct client clients[MAX_CLIENTS];
	size_t n_clients;
	time_t started;
};

static const char *const stat_names[SNET_STAT_MAX + 1] = {
	[SNET_STAT_EVENTS] = "events", [SNET_STAT_ALLOW] = "allow",
	[SNET_STAT_DENY] = "deny", [SNET_STAT_TIMEOUT] = "timeout",
	[SNET_STAT_NO_DAEMON] = "no_daemon",
	[SNET_STAT_DAEMON_GONE] = "daemon_gone",
	[SNET_STAT_INTERRUPTED] = "interrupted",
	[SNET_STAT_SEND_FAILED] = "send_failed",
	[SNET_STAT_TICKET_ALLOW] = "ticket_allow",
	[SNET_STAT_TICKET_DENY] = "ticket_deny",
	[SNET_STAT_SOCK_DENY] = "sock_deny",
	[SNET_STAT_SOCK_ALLOW] = "sock_allow",
	[SNET_STAT_PENDING] = "pending", [SNET_STAT_LABELLED] = "labelled",
	[SNET_STAT_LABEL_EXHAUSTED] = "label_exhausted",
};

/* --- output -------------------------------------------------------------- */

static void client_queue(struct client *c, const char *data, size_t len)
{
	if (c->closing)
		return;
	if (c->out_used + len + 1 > MAX_OUTPUT) {
		log_msg(LOG_WARNING, "control: dropping a client that reads nothing");
		c->closing = true;
		c->out_used = 0;
		return;
	}
	if (c->out_used + len + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *n;

		while (cap < c->out_used + len + 1)
			cap *= 2;
		n = realloc(c->out, cap);
		if (!n) {
			c->closing = true;
			c->out_used = 0;
			return;
		}
		c->out = n;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_used, data, len);
	c->out_used += len;
	c->out[c->out_used++] = '\n';
}

/* Queue @o (consumed) as one line. */
static void client_send(struct client *c, json_t *o)
{
	char *text;

	if (!o) {
		static const char oom[] = "{\"ok\":false,\"error\":\"out of memory\"}";

		client_queue(c, oom, sizeof(oom) - 1);
		return;
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text) {
		client_send(c, NULL);
		return;
	}
	client_queue(c, text, strlen(text));
	free(text);
}

static void reply_error(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reply_error(struct client *c, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	client_send(c, json_pack("{s:b, s:s}", "ok", 0, "error", msg));
}

static void flush_client(struct client *c)
{
	while (c->out_used) {
		ssize_t n = send(c->fd, c->out, c->out_used, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			c->closing = true;
			c->out_used = 0;
			return;
		}
		memmove(c->out, c->out + n, c->out_used - (size_t)n);
		c->out_used -= (size_t)n;
	}
}

/* --- commands ------------------------------------------------------------ */

static json_t *kernel_config_json(struct ctl_server *srv, char *why, size_t len)
{
	struct snet_config cfg;
	int rc;

	if (!srv->p.kernel) {
		snprintf(why, len, "snetd runs without the snet kernel link");
		return NULL;
	}
	rc = srv->p.kernel->config(srv->p.kernel->ctx, &cfg);
	if (rc) {
		snprintf(why, len, "kernel: %s", strerror(-rc));
		return NULL;
	}
	return json_pack("{s:I, s:s, s:I, s:s, s:I, s:I, s:I}",
			 "version", (json_int_t)cfg.version,
			 "default_verdict", name_of_verdict(cfg.default_verdict),
			 "timeout_ms", (json_int_t)cfg.timeout_ms,
			 "ticket_life", name_of_life(cfg.ticket_life),
			 "ticket_max", (json_int_t)cfg.ticket_max,
			 "label_mask", (json_int_t)cfg.label_mask,
			 "daemon_pid", (json_int_t)cfg.daemon_pid);
}

static void cmd_status(struct ctl_server *srv, struct client *c)
{
	struct pipeline_stats st;
	struct policy *pol = pipeline_policy(srv->p.pipeline);
	char why[256];
	json_t *o, *k;

	pipeline_stats(srv->p.pipeline, &st);
	k = kernel_config_json(srv, why, sizeof(why));
	o = json_pack("{s:I, s:I, s:s?, s:s, s:I, s:s?, s:I, s:I, s:I, s:I}",
		      "pid", (json_int_t)getpid(),
		      "uptime_s", (json_int_t)(time(NULL) - srv->started),
		      "config", srv->config_path,
		      "policy", policy_name(pol),
		      "rules", (json_int_t)policy_rule_count(pol),
		      "remote", srv->remote,
		      "prompt_clients", (json_int_t)st.prompt_clients,
		      "in_flight", (json_int_t)st.in_flight,
		      "held_for_prompt", (json_int_t)st.held_for_prompt,
		      "sockets", (json_int_t)sock_table_count(srv->p.sockets));
	policy_put(pol);
	if (o) {
		if (k)
			json_object_set_new(o, "kernel", k);
		else
			json_object_set_new(o, "kernel_error", json_string(why));
		json_object_set_new(o, "inspect", srv->p.inspect ?
				    srv->p.inspect->summary(srv->p.inspect->ctx) :
				    json_false());
	} else {
		json_decref(k);
	}
	client_send(c, json_pack("{s:b, s:o?}", "ok", 1, "status", o));
}

static void cmd_stats(struct ctl_server *srv, struct client *c)
{
	uint64_t ks[SNET_STAT_MAX + 1] = { 0 };
	struct pipeline_stats st;
	json_t *d, *by, *reply;
	int rc = -ENODEV;

	pipeline_stats(srv->p.pipeline, &st);
	by = json_object();
	for (int i = 0; by && i < N_DECIDERS; i++)
		json_object_set_new(by, decider_name((enum decider)i),
				    json_integer((json_int_t)st.decided[i]));
	d = json_pack("{s:I, s:I, s:I, s:o?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "submitted", (json_int_t)st.submitted,
		      "allowed", (json_int_t)st.allowed,
		      "denied", (json_int_t)st.denied,
		      "decided_by", by,
		      "remote_errors", (json_int_t)st.remote_errors,
		      "remote_skipped", (json_int_t)st.remote_skipped,
		      "send_errors", (json_int_t)st.send_errors,
		      "log_errors", (json_int_t)st.log_errors,
		      "policy_reloads", (json_int_t)st.policy_reloads,
		      "policy_reload_failures", (json_int_t)st.policy_reload_failures,
		      "rules_added", (json_int_t)st.rules_added,
		      "in_flight", (json_int_t)st.in_flight,
		      "held_for_prompt", (json_int_t)st.held_for_prompt,
		      "max_latency_us", (json_int_t)st.max_latency_us,
		      "log_queued", (json_int_t)st.log_queued,
		      "socket_evictions",
		      (json_int_t)sock_table_evictions(srv->p.sockets));
	reply = json_pack("{s:b, s:o?}", "ok", 1, "daemon", d);
	if (srv->p.kernel)
		rc = srv->p.kernel->stats(srv->p.kernel->ctx, ks);
	if (reply && !rc) {
		json_t *k = json_object();

		for (int i = 0; k && i <= SNET_STAT_MAX; i++)
			if (stat_names[i])
				json_object_set_new(k, stat_names[i],
						    json_integer((json_int_t)ks[i]));
		json_object_set_new(reply, "kernel", k);
	} else if (reply) {
		json_object_set_new(reply, "kernel_error",
				    json_string(srv->p.kernel ? strerror(-rc) :
						"snetd runs without the snet kernel link"));
	}
	client_send(c, reply);
}

static int add_inflight(const struct inflight_info *i, void *arg)
{
	json_t *arr = arg, *e = event_to_json(i->ev);

	if (!e)
		return -ENOMEM;
	json_object_set_new(e, "stage", json_string(stage_name(i->stage)));
	json_object_set_new(e, "age_ms", json_integer((json_int_t)i->age_ms));
	json_object_set_new(e, "left_ms", json_integer(i->left_ms));
	return json_array_append_new(arr, e) ? -ENOMEM : 0;
}

static void cmd_events(struct ctl_server *srv, struct client *c)
{
	json_t *arr = json_array();

	if (!arr || pipeline_inflight_foreach(srv->p.pipeline, add_inflight, arr)) {
		json_decref(arr);
		client_send(c, NULL);
		return;
	}
	client_send(c, json_pack("{s:b, s:o}", "ok", 1, "events", arr));
}

struct sock_dump {
	json_t *arr;
	uint32_t left;
};

static json_t *endpoint_json(uint8_t family, const uint8_t *a, uint16_t port)
{
	char buf[64];

	return json_pack("{s:s, s:i}", "addr",
			 net_addr_format(family, a, buf, sizeof(buf)), "port", port);
}

static int add_socket(const struct sock_info *s, void *arg)
{
	struct sock_dump *dump = arg;
	const struct sock_entry *e = &s->sock;
	const char *proto = name_of_protocol(e->protocol);
	json_t *o;

	if (dump->left == 0)
		return 1;
	dump->left--;
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s%, s:s?, s:I, s:s?}",
		      "cookie", (json_int_t)e->cookie,
		      "pid", (json_int_t)e->pid, "tgid", (json_int_t)e->tgid,
		      "uid", (json_int_t)e->uid, "gid", (json_int_t)e->gid,
		      "label", (json_int_t)e->label,
		      "comm", e->comm, strnlen(e->comm, sizeof(e->comm) - 1),
		      "exe", s->exe[0] ? s->exe : NULL,
		      "netns", (json_int_t)e->netns,
		      "protocol", proto);
	if (!o)
		return 0; /* a path that is not UTF-8: skip this one */
	if (e->has_local)
		json_object_set_new(o, "local", endpoint_json(e->family,
				    e->local_addr, e->local_port));
	if (e->has_remote)
		json_object_set_new(o, "remote", endpoint_json(e->family,
				    e->remote_addr, e->remote_port));
	return json_array_append_new(dump->arr, o) ? -ENOMEM : 0;
}

static void cmd_sockets(struct ctl_server *srv, struct client *c,
			const struct ctl_request *req)
{
	struct sock_dump dump = { .arr = json_array(), .left = req->limit };

	if (!dump.arr || sock_table_foreach(srv->p.sockets, add_socket, &dump) < 0) {
		json_decref(dump.arr);
		client_send(c, NULL);
		return;
	}
	client_send(c, json_pack("{s:b, s:o}", "ok", 1, "sockets", dump.arr));
}

static int add_ticket(const struct snet_ticket *t, void *arg)
{
	json_t *arr = arg, *o;
	const char *sc = name_of_syscall(t->syscall);
	const char *proto = name_of_protocol(t->protocol);

	o = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)t->id,
		      "verdict", name_of_verdict(t->verdict),
		      "ticket", name_of_life(t->life),
		      "expires_ms", (json_int_t)t->expires_ms);
	if (!o)
		return -ENOMEM;
	if (t->cookie) {
		json_object_set_new(o, "cookie", json_integer((json_int_t)t->cookie));
		json_object_set_new(o, "syscall_mask", json_integer(t->syscall_mask));
	} else {
		json_object_set_new(o, "pid", json_integer(t->pid));
		json_object_set_new(o, "syscall", sc ? json_string(sc) :
				    json_integer(t->syscall));
		json_object_set_new(o, "protocol", proto ? json_string(proto) :
				    json_integer(t->protocol));
		if (t->has_local)
			json_object_set_new(o, "local", endpoint_json(t->family,
					    t->local_addr, t->local_port));
		if (t->has_remote)
			json_object_set_new(o, "remote", endpoint_json(t->family,
					    t->remote_addr, t->remote_port));
	}
	return json_array_append_new(arr, o) ? -ENOMEM : 0;
}

static void cmd_tickets(struct ctl_server *srv, struct client *c,
			const struct ctl_request *req)
{
	json_t *arr;
	int rc;

	if (!srv->p.kernel) {
		reply_error(c, "tickets live in the kernel, and snetd runs without the snet kernel link");
		return;
	}
	if (req->cmd == CTL_TICKETS_REVOKE) {
		rc = srv->p.kernel->ticket_revoke(srv->p.kernel->ctx, req->ticket_id,
						  req->pid, req->cookie);
		if (rc) {
			reply_error(c, "revoke: %s", strerror(-rc));
			return;
		}
		log_msg(LOG_NOTICE, "tickets revoked by uid %u (id %llu pid %u cookie %llu%s)",
			c->uid, (unsigned long long)req->ticket_id, req->pid,
			(unsigned long long)req->cookie, req->all ? ", all" : "");
		client_send(c, json_pack("{s:b}", "ok", 1));
		return;
	}
	arr = json_array();
	if (!arr) {
		client_send(c, NULL);
		return;
	}
	rc = srv->p.kernel->ticket_list(srv->p.kernel->ctx, req->pid, add_ticket, arr);
	if (rc) {
		json_decref(arr);
		reply_error(c, "tickets: %s", strerror(-rc));
		return;
	}
	client_send(c, json_pack("{s:b, s:o}", "ok", 1, "tickets", arr));
}

static void cmd_reopen_logs(struct ctl_server *srv, struct client *c)
{
	const struct ctl_log_ops *ops = srv->p.logs;
	char err[1024] = "";

	if (!ops) {
		reply_error(c, "no log to reopen");
		return;
	}
	if (ops->reopen(ops->ctx, err, sizeof(err))) {
		reply_error(c, "%s", err[0] ? err : "reopen failed");
		return;
	}
	log_msg(LOG_INFO, "logs reopened for uid %u", c->uid);
	client_send(c, json_pack("{s:b}", "ok", 1));
}

static void cmd_reload(struct ctl_server *srv, struct client *c)
{
	char err[2048];
	struct policy *p;
	int rc = pipeline_reload_policy(srv->p.pipeline, err, sizeof(err));

	if (rc) {
		log_msg(LOG_ERR, "policy reload refused, the running policy stays: %s",
			err);
		reply_error(c, "%s", err);
		return;
	}
	p = pipeline_policy(srv->p.pipeline);
	log_msg(LOG_NOTICE, "policy reloaded by uid %u: %zu rules from %s", c->uid,
		policy_rule_count(p), policy_name(p));
	client_send(c, json_pack("{s:b, s:s, s:I}", "ok", 1, "policy",
				 policy_name(p), "rules",
				 (json_int_t)policy_rule_count(p)));
	policy_put(p);
}

static void cmd_inspect(struct ctl_server *srv, struct client *c,
			enum ctl_cmd cmd)
{
	const struct ctl_inspect_ops *ops = srv->p.inspect;
	uint64_t id;
	int rc;

	if (!ops) {
		/* "inspect_off": snetctl reload-rules --if-running has nothing to do */
		client_send(c, json_pack("{s:b, s:s, s:b}", "ok", 0, "error",
					 "payload inspection is off ([inspect] enabled = no)",
					 "inspect_off", 1));
		return;
	}
	if (cmd == CTL_INSPECT) {
		client_send(c, json_pack("{s:b, s:o?}", "ok", 1, "inspect",
					 ops->stats(ops->ctx)));
		return;
	}
	rc = ops->reload(ops->ctx, &id);
	if (rc) {
		reply_error(c, "rules reload: %s", strerror(-rc));
		return;
	}
	log_msg(LOG_NOTICE, "rules reload %llu asked by uid %u",
		(unsigned long long)id, c->uid);
	client_send(c, json_pack("{s:b, s:I}", "ok", 1, "reload", (json_int_t)id));
}

/* --- the prompt feed ----------------------------------------------------- */

struct prompt_sync {
	struct client *c;
	uint32_t *now_held;
	size_t n_now;
	size_t cap;
};

static bool offered(const struct client *c, uint32_t id)
{
	for (size_t i = 0; i < c->n_offered; i++)
		if (c->offered[i] == id)
			return true;
	return false;
}

static int offer_one(const struct snet_event *ev, int64_t left_ms, void *arg)
{
	struct prompt_sync *ps = arg;
	json_t *e;

	if (ps->n_now < ps->cap)
		ps->now_held[ps->n_now++] = ev->id;
	if (offered(ps->c, ev->id))
		return 0;
	e = event_to_json(ev);
	if (e)
		json_object_set_new(e, "left_ms", json_integer(left_ms));
	client_send(ps->c, json_pack("{s:o?}", "prompt", e));
	return 0;
}

/* Show the prompt what is new and withdraw what was decided elsewhere. */
static void prompt_sync(struct ctl_server *srv, struct client *c)
{
	struct prompt_sync ps = { .c = c, .cap = MAX_OFFERED };

	ps.now_held = malloc(MAX_OFFERED * sizeof(uint32_t));
	if (!ps.now_held)
		return;
	pipeline_prompt_foreach(srv->p.pipeline, offer_one, &ps);
	for (size_t i = 0; i < c->n_offered; i++) {
		bool still = false;

		for (size_t k = 0; k < ps.n_now && !still; k++)
			still = ps.now_held[k] == c->offered[i];
		if (!still)
			client_send(c, json_pack("{s:I}", "gone",
						 (json_int_t)c->offered[i]));
	}
	free(c->offered);
	c->offered = ps.now_held;
	c->n_offered = ps.n_now;
}

static void cmd_prompt(struct ctl_server *srv, struct client *c)
{
	if (c->prompt) {
		reply_error(c, "already a prompt");
		return;
	}
	c->prompt = true;
	pipeline_prompt_attach(srv->p.pipeline);
	log_msg(LOG_INFO, "prompt attached (uid %u)", c->uid);
	client_send(c, json_pack("{s:b, s:b}", "ok", 1, "prompt", 1));
	prompt_sync(srv, c);
}

static void cmd_answer(struct ctl_server *srv, struct client *c,
		       const struct ctl_request *req)
{
	struct prompt_answer ans = {
		.verdict = req->verdict, .life = req->life,
		.seconds = req->seconds, .always = req->always, .uid = c->uid,
	};
	int rc;

	if (!c->prompt) {
		reply_error(c, "answer: send {\"cmd\":\"prompt\"} first");
		return;
	}
	rc = pipeline_prompt_answer(srv->p.pipeline, req->event_id, &ans);
	if (rc == -ENOENT) {
		reply_error(c, "event %u is not waiting for an answer (decided, or timed out)",
			    req->event_id);
		return;
	}
	if (rc) {
		reply_error(c, "answer: %s", strerror(-rc));
		return;
	}
	client_send(c, json_pack("{s:b, s:I}", "ok", 1, "answered",
				 (json_int_t)req->event_id));
}

static void handle_line(struct ctl_server *srv, struct client *c,
			const char *line, size_t len)
{
	struct ctl_request req;
	char err[512];

	if (ctl_request_parse(line, len, &req, err, sizeof(err))) {
		reply_error(c, "%s", err);
		return;
	}
	switch (req.cmd) {
	case CTL_STATUS:
		cmd_status(srv, c);
		break;
	case CTL_STATS:
		cmd_stats(srv, c);
		break;
	case CTL_EVENTS:
		cmd_events(srv, c);
		break;
	case CTL_SOCKETS:
		cmd_sockets(srv, c, &req);
		break;
	case CTL_TICKETS_LIST:
	case CTL_TICKETS_REVOKE:
		cmd_tickets(srv, c, &req);
		break;
	case CTL_RELOAD:
		cmd_reload(srv, c);
		break;
	case CTL_PROMPT:
		cmd_prompt(srv, c);
		break;
	case CTL_ANSWER:
		cmd_answer(srv, c, &req);
		break;
	case CTL_INSPECT:
	case CTL_RELOAD_RULES:
		cmd_inspect(srv, c, req.cmd);
		break;
	case CTL_REOPEN_LOGS:
		cmd_reopen_logs(srv, c);
		break;
	}
}

/* --- connections --------------------------------------------------------- */

static bool peer_allowed(struct ctl_server *srv, int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[256];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	*uid = cred.uid;
	if (cred.uid == 0)
		return true;
	if (!srv->has_group)
		return false;
	if (cred.gid == srv->gid)
		return true;
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == srv->gid)
			return true;
	return false;
}

static void accept_client(struct ctl_server *srv)
{
	struct client *c;
	uid_t uid = (uid_t)-1;
	int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_msg(LOG_WARNING, "control: accept: %s", strerror(errno));
		return;
	}
	if (!peer_allowed(srv, fd, &uid)) {
		static const char msg[] = "{\"ok\":false,\"error\":\"permission denied: root or the control group only\"}\n";

		log_msg(LOG_NOTICE, "control: refused a peer with uid %d", (int)uid);
		/* Best effort: the peer is being turned away either way. */
		(void)!send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	if (srv->n_clients == MAX_CLIENTS) {
		static const char msg[] = "{\"ok\":false,\"error\":\"too many control connections\"}\n";

		(void)!send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	c = &srv->clients[srv->n_clients];
	memset(c, 0, sizeof(*c));
	c->in = malloc(CTL_MAX_LINE);
	if (!c->in) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = uid;
	srv->n_clients++;
}

static void drop_client(struct ctl_server *srv, size_t idx)
{
	struct client *c = &srv->clients[idx];

	if (c->prompt) {
		pipeline_prompt_detach(srv->p.pipeline);
		log_msg(LOG_INFO, "prompt detached (uid %u)", c->uid);
	}
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c->offered);
	srv->clients[idx] = srv->clients[--srv->n_clients];
}

static void read_client(struct ctl_server *srv, struct client *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_used, CTL_MAX_LINE - c->in_used, 0);
		char *start, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->closing = true;
			c->out_used = 0;
			return;
		}
		c->in_used += (size_t)n;
		start = c->in;
		while ((nl = memchr(start, '\n', c->in_used - (size_t)(start - c->in)))) {
			handle_line(srv, c, start, (size_t)(nl - start));
			start = nl + 1;
		}
		c->in_used -= (size_t)(start - c->in);
		memmove(c->in, start, c->in_used);
		if (c->in_used == CTL_MAX_LINE) {
			reply_error(c, "request longer than %d bytes", CTL_MAX_LINE - 1);
			c->in_used = 0;
			c->closing = true;
			return;
		}
	}
}

static void *server_main(void *arg)
{
	struct ctl_server *srv = arg;
	struct pollfd pfd[MAX_CLIENTS + 3];
	int prompt_fd = pipeline_prompt_fd(srv->p.pipeline);

	for (;;) {
		size_t n = 0;

		pfd[n++] = (struct pollfd){ .fd = srv->stop_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = prompt_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
		for (size_t i = 0; i < srv->n_clients; i++)
			pfd[n++] = (struct pollfd){
				.fd = srv->clients[i].fd,
				.events = (short)((srv->clients[i].closing ? 0 : POLLIN) |
					  (srv->clients[i].out_used ? POLLOUT : 0)),
			};
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "control: poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN) {
			uint64_t v;

			if (read(prompt_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				log_msg(LOG_ERR, "control: prompt eventfd: %s",
					strerror(errno));
			for (size_t i = 0; i < srv->n_clients; i++)
				if (srv->clients[i].prompt)
					prompt_sync(srv, &srv->clients[i]);
		}
		/* Clients: the poll set's order is the array's as it was. */
		size_t nc = srv->n_clients;

		for (size_t i = 0; i < nc; i++) {
			struct client *c = &srv->clients[i];
			short re = pfd[3 + i].revents;

			if (re & POLLIN)
				read_client(srv, c);
			if (re & (POLLERR | POLLHUP) && !(re & POLLIN)) {
				c->closing = true;
				c->out_used = 0;
			}
		}
		for (size_t i = srv->n_clients; i-- > 0;) {
			struct client *c = &srv->clients[i];

			flush_client(c);
			if (c->closing && !c->out_used)
				drop_client(srv, i);
		}
		if (pfd[2].revents & POLLIN)
			accept_client(srv);
	}
	while (srv->n_clients)
		drop_client(srv, srv->n_clients - 1);
	return NULL;
}

/* Make the directory of the socket (one level), as /run/snet usually. */
static int make_parent(const char *path, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "control: mkdir %s: %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

int ctl_server_start(const struct ctl_server_params *params,
		     struct ctl_server **out, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *srv;
	struct stat st;
	int rc;

	if (strlen(params->path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control: socket path too long: %s", params->path);
		return -ENAMETOOLONG;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->p = *params;
	srv->listen_fd = srv->stop_fd = -1;
	srv->path = strdup(params->path);
	srv->config_path = params->config_path ? strdup(params->config_path) : NULL;
	srv->remote = params->remote ? strdup(params->remote) : NULL;
	srv->started = time(NULL);
	if (!srv->path) {
		rc = -ENOMEM;
		goto fail;
	}
	if (params->group && params->group[0]) {
		struct group gr, *res = NULL;
		char buf[4096];

		if (getgrnam_r(params->group, &gr, buf, sizeof(buf), &res) || !res) {
			snprintf(err, errlen, "control: no such group '%s'", params->group);
			rc = -ENOENT;
			goto fail;
		}
		srv->gid = res->gr_gid;
		srv->has_group = true;
	}
	rc = make_parent(params->path, err, errlen);
	if (rc)
		goto fail;
	/* A stale socket from a previous run: replace it, nothing else. */
	if (lstat(params->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "control: %s exists and is not a socket",
				 params->path);
			rc = -EEXIST;
			goto fail;
		}
		unlink(params->path);
	}
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	srv->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->listen_fd < 0 || srv->stop_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "control: socket: %s", strerror(errno));
		goto fail;
	}
	memcpy(sa.sun_path, params->path, strlen(params->path) + 1);
	/* The file's mode is a first gate; the peer check is the real one. */
	if (bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(params->path, srv->has_group ? 0660 : 0600) ||
	    (srv->has_group && chown(params->path, (uid_t)-1, srv->gid)) ||
	    listen(srv->listen_fd, 16)) {
		rc = -errno;
		snprintf(err, errlen, "control: %s: %s", params->path, strerror(errno));
		goto fail;
	}
	rc = pthread_create(&srv->thread, NULL, server_main, srv);
	if (rc) {
		snprintf(err, errlen, "control: thread: %s", strerror(rc));
		unlink(params->path);
		rc = -rc;
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->stop_fd >= 0)
		close(srv->stop_fd);
	free(srv->path);
	free(srv->config_path);
	free(srv->remote);
	free(srv);
	return rc;
}

void ctl_server_stop(struct ctl_server *srv)
{
	uint64_t one = 1;

	if (!srv)
		return;
	if (write(srv->stop_fd, &one, sizeof(one)) != sizeof(one))
		log_msg(LOG_ERR, "control: cannot signal the thread: %s", strerror(errno));
	else
		pthread_join(srv->thread, NULL);
	close(srv->listen_fd);
	close(srv->stop_fd);
	unlink(srv->path);
	free(srv->path);
	free(srv->config_path);
	free(srv->remote);
	free(srv);
}
