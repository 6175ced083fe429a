// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snetd: the deciding daemon of the snet LSM.  The main thread reads the
 * kernel's events and hands them to the decision pipeline; see
 * docs/snetd.md.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl_server.h"
#include "declog.h"
#include "inspect_engine.h"
#include "kernel_link.h"
#include "log.h"
#include "mainloop.h"
#include "nfq_service.h"
#include "nft_plan.h"
#include "pipeline.h"
#include "policy.h"
#include "selfmark.h"
#include "socktable.h"

struct snetd {
	struct snetd_config cfg;
	const char *config_path;
	struct mainloop loop;
	struct kernel_link *kernel;
	struct pipeline *pipeline;
	struct sock_table *sockets;
	struct declog *declog;
	struct ctl_server *ctl;
	struct nfq_service *nfq;	/* payload inspection, if on */
	bool lsm;			/* the snet LSM is in this kernel */
	uint64_t lost_events;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_event(const struct snet_event *ev, void *arg)
{
	struct snetd *d = arg;
	uint64_t now = mono_ns();
	int rc;

	rc = sock_table_update(d->sockets, ev, now / 1000000);
	if (rc)
		log_msg(LOG_WARNING, "socket table: %s", strerror(-rc));
	if (!ev->id)
		return 0; /* a notification: nothing to decide */
	rc = pipeline_submit(d->pipeline, ev, now);
	if (rc && rc != -EEXIST)
		log_msg(LOG_ERR, "event %u not handed to a decider: %s", ev->id,
			strerror(-rc));
	return 0;
}

static int on_kernel_readable(int fd, short revents, void *arg)
{
	struct snetd *d = arg;
	int rc;

	(void)fd;
	(void)revents;
	rc = kernel_link_read(d->kernel, on_event, d);
	if (rc == -ENOBUFS) {
		/* The receive buffer overflowed: ask the kernel what still
		 * waits, and decide whatever is not in flight yet. */
		d->lost_events++;
		log_msg(LOG_WARNING, "events lost (receive buffer full); catching up from the kernel's pending list");
		rc = kernel_link_pending(d->kernel, on_event, d);
		if (rc)
			log_msg(LOG_ERR, "pending list: %s", strerror(-rc));
		return 0;
	}
	if (rc && rc != -EAGAIN && rc != -EINTR) {
		log_msg(LOG_ERR, "reading events: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

/* The decision log and the EVE log, open again under their names. */
static int reopen_logs(void *ctx, char *err, size_t errlen)
{
	struct snetd *d = ctx;
	int rc = 0, r;

	if (d->declog && (r = declog_reopen(d->declog))) {
		snprintf(err, errlen, "decision log %s: reopen: %s", d->cfg.decision_log,
			 strerror(-r));
		rc = r;
	}
	if (d->nfq && (r = nfq_service_reopen_logs(d->nfq)) && !rc) {
		snprintf(err, errlen, "EVE log %s: reopen: %s", d->cfg.nfq.eve_log,
			 strerror(-r));
		rc = r;
	}
	return rc;
}

static void reload(struct snetd *d)
{
	char err[2048];
	int rc = pipeline_reload_policy(d->pipeline, err, sizeof(err));

	if (rc) {
		log_msg(LOG_ERR, "policy reload refused, the running policy stays: %s",
			err);
	} else {
		struct policy *p = pipeline_policy(d->pipeline);

		log_msg(LOG_NOTICE, "policy reloaded: %zu rules from %s",
			policy_rule_count(p), policy_name(p));
		policy_put(p);
	}
	if (d->declog) {
		rc = declog_reopen(d->declog);
		if (rc)
			log_msg(LOG_ERR, "decision log %s: reopen: %s",
				d->cfg.decision_log, strerror(-rc));
	}
	if (d->nfq) {
		uint64_t id;

		(void)nfq_service_reopen_logs(d->nfq);	/* it logs a failure */
		/* In the background: inspection goes on meanwhile. */
		rc = nfq_service_reload(d->nfq, &id);
		if (rc)
			log_msg(LOG_ERR, "rules reload: %s", strerror(-rc));
	}
}

/*
 * Without the snet LSM no event ever arrives, so the deciders never
 * answer one; they still run for the control socket's sake.
 */
static int no_kernel_open(void *ctx, void **sender)
{
	*sender = ctx;
	return 0;
}

static void no_kernel_close(void *ctx, void *sender)
{
	(void)ctx;
	(void)sender;
}

static int no_kernel_send(void *sender, uint32_t id, const struct decision *dec)
{
	(void)sender;
	(void)id;
	(void)dec;
	return -ENODEV;
}

static json_t *inspect_stats(void *ctx)
{
	return nfq_service_json(ctx);
}

static json_t *inspect_summary(void *ctx)
{
	return nfq_service_summary_json(ctx);
}

static int inspect_reload(void *ctx, uint64_t *id)
{
	return nfq_service_reload(ctx, id);
}

/* The nft table snetd would install, as text; NULL if it does not fit. */
static const char *ruleset_text(const struct snetd_config *cfg)
{
	static char text[65536];
	struct nft_plan plan;

	if (nft_plan_build(&cfg->nfq, &plan) ||
	    nft_plan_format(&plan, text, sizeof(text)))
		return NULL;
	return text;
}

static int print_ruleset(const struct snetd_config *cfg)
{
	const char *text = ruleset_text(cfg);

	if (!text) {
		fprintf(stderr, "snetd: the ruleset does not fit\n");
		return 1;
	}
	fputs(text, stdout);
	return 0;
}

/*
 * snetd -t with [inspect] on: what the start would refuse, refused now (the
 * unit's ExecStartPre runs it), the signatures loaded through the cache.
 */
static int check_inspection(const struct snetd_config *cfg)
{
	char err[1024] = "", summary[512] = "";
	int rc;

	if (!cfg->nfq.enabled)
		return 0;
	if (!cfg->nfq.external_ruleset && !ruleset_text(cfg)) {
		fprintf(stderr, "snetd: [inspect]: the nft ruleset does not fit\n");
		return 1;
	}
	rc = inspect_engine_check(&cfg->nfq, summary, sizeof(summary), err, sizeof(err));
	if (rc) {
		fprintf(stderr, "snetd: [inspect]: %s\n", err[0] ? err : strerror(-rc));
		return 1;
	}
	printf("%s: ok, %s\n", cfg->nfq.rules, summary);
	return 0;
}

static int on_signal(int fd, short revents, void *arg)
{
	struct snetd *d = arg;
	struct signalfd_siginfo si;
	ssize_t n;

	(void)revents;
	n = read(fd, &si, sizeof(si));
	if (n != sizeof(si))
		return n < 0 && errno == EAGAIN ? 0 : -EIO;
	switch (si.ssi_signo) {
	case SIGHUP:
		reload(d);
		break;
	case SIGTERM:
	case SIGINT:
		log_msg(LOG_NOTICE, "signal %u: shutting down", si.ssi_signo);
		mainloop_quit(&d->loop);
		break;
	default:
		break;
	}
	return 0;
}

/* Create the decision log's directory (one level) if it is missing. */
static int open_declog(struct snetd *d)
{
	char dir[PATH_MAX], *slash;
	int rc;

	snprintf(dir, sizeof(dir), "%s", d->cfg.decision_log);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) && errno != EEXIST)
			log_msg(LOG_WARNING, "mkdir %s: %s", dir, strerror(errno));
	}
	rc = declog_open(d->cfg.decision_log, &d->declog);
	if (rc)
		log_msg(LOG_ERR, "decision log %s: %s", d->cfg.decision_log,
			strerror(-rc));
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: snetd [-c FILE] [-f] [-v] [-t] [--external-ruleset] [--print-ruleset]\n"
		"  -c FILE  configuration (default %s)\n"
		"  -f       also log to standard error\n"
		"  -v       log debug messages (each decision)\n"
		"  -t       check the configuration and the policy (with [inspect] on,\n"
		"           also the nft plan, inspector config and signatures), then exit\n"
		"  --external-ruleset  do not install table inet snet: only read\n"
		"                      the queues ([nfqueue] external_ruleset = yes)\n"
		"  --print-ruleset     print the nft table snetd would install, then exit\n",
		CONFIG_DEFAULT_PATH);
}

int main(int argc, char **argv)
{
	static struct snetd d = { .loop.epfd = -1 };
	struct policy *policy = NULL;
	struct verdict_ops vops;
	char err[4096], remote[300] = "";
	bool to_stderr = false, debug = false, check = false;
	bool config_given = false, external = false, print = false;
	static const struct option longopts[] = {
		{ "external-ruleset", no_argument, NULL, 'E' },
		{ "print-ruleset", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ctl_inspect_ops iops = {
		.stats = inspect_stats, .summary = inspect_summary,
		.reload = inspect_reload,
	};
	static struct ctl_log_ops lops = { .ctx = &d, .reopen = reopen_logs };
	sigset_t sigs;
	int opt, rc, sfd = -1, status = 1;

	d.config_path = CONFIG_DEFAULT_PATH;
	while ((opt = getopt_long(argc, argv, "c:fvth", longopts, NULL)) != -1) {
		switch (opt) {
		case 'E':
			external = true;
			break;
		case 'P':
			print = true;
			break;
		case 'c':
			d.config_path = optarg;
			config_given = true;
			break;
		case 'f':
			to_stderr = true;
			break;
		case 'v':
			debug = true;
			break;
		case 't':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	config_defaults(&d.cfg);
	rc = config_load(d.config_path, &d.cfg, err, sizeof(err));
	if (rc == -ENOENT && !config_given) {
		d.config_path = NULL; /* no file: the defaults */
	} else if (rc) {
		fprintf(stderr, "snetd: %s\n", err);
		return 1;
	}
	if (external)
		d.cfg.nfq.external_ruleset = true;
	if (print)
		return print_ruleset(&d.cfg);
	rc = policy_load(d.cfg.policy, &policy, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "snetd: policy not loaded:\n%s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: ok\n%s: ok, %zu rules\n",
		       d.config_path ? d.config_path : "(built-in defaults)",
		       d.cfg.policy, policy_rule_count(policy));
		policy_put(policy);
		return check_inspection(&d.cfg);
	}
	log_open("snetd", true, to_stderr || isatty(STDERR_FILENO),
		 debug ? LOG_DEBUG : d.cfg.log_level);
	/* Each netlink read and request allocates and frees a 32 KiB buffer
	 * (libnl): keep freed memory rather than hand it back to the kernel
	 * and fault it in again, zeroed, on the next event. */
	if (!mallopt(M_TRIM_THRESHOLD, 64 << 20))
		log_msg(LOG_WARNING, "mallopt(M_TRIM_THRESHOLD) refused: heap kept as glibc likes");
	log_msg(LOG_INFO, "starting: config %s, policy %s (%zu rules)",
		d.config_path ? d.config_path : "(built-in defaults)",
		d.cfg.policy, policy_rule_count(policy));

	/* Signals go to the signalfd only, in every thread made below. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) ||
	    (sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_msg(LOG_ERR, "signals: %s", strerror(errno));
		goto out;
	}
	if (d.cfg.decision_log[0] && open_declog(&d))
		goto out;
	rc = sock_table_new(d.cfg.socket_table_size, &d.sockets);
	if (rc) {
		log_msg(LOG_ERR, "socket table: %s", strerror(-rc));
		goto out;
	}
	/* Before any thread: the mark that keeps snetd's own sockets out
	 * of its queues. */
	self_mark_set(d.cfg.nfq.enabled ? d.cfg.nfq.self_mark : 0);
	d.lsm = kernel_link_available();
	if (!d.lsm && d.cfg.nfq.enabled) {
		/* A stock kernel: inspection still works, as an inline
		 * IDS/IPS; nothing to register with. */
		log_msg(LOG_WARNING, "no snet LSM in this kernel: running as an inline IDS/IPS; socket attribution (pid, exe in alerts), socket tickets and syscall decisions are unavailable");
	} else {
		rc = kernel_link_open(&d.cfg, &d.kernel, err, sizeof(err));
		if (rc) {
			log_msg(LOG_ERR, "%s", err);
			goto out;
		}
	}
	if (d.cfg.remote_host[0])
		snprintf(remote, sizeof(remote), strchr(d.cfg.remote_host, ':') ?
			 "[%s]:%s" : "%s:%s", d.cfg.remote_host, d.cfg.remote_port);
	const struct remote_tls remote_tls = {
		.enabled = d.cfg.remote_tls,
		.ca_file = d.cfg.remote_tls_ca_file,
		.server_name = d.cfg.remote_tls_server_name,
		.cert_file = d.cfg.remote_tls_cert_file,
		.key_file = d.cfg.remote_tls_key_file,
	};
	struct pipeline_params pp = {
		.workers = d.cfg.workers,
		.timeout_ms = d.cfg.timeout_ms,
		.margin_ms = d.cfg.answer_margin_ms,
		.fallback = {
			.verdict = d.cfg.default_verdict,
			.life = d.cfg.default_life,
			.seconds = d.cfg.default_seconds,
		},
		.remote_host = d.cfg.remote_host,
		.remote_port = d.cfg.remote_port,
		.remote_timeout_ms = d.cfg.remote_timeout_ms,
		.remote_connections = d.cfg.remote_connections,
		.remote_tls = &remote_tls,
		.prompt_enabled = d.cfg.prompt_enabled,
		.policy_path = d.cfg.policy,
		.log = d.declog,
	};
	if (d.kernel)
		vops = kernel_link_verdict_ops(d.kernel);
	else
		vops = (struct verdict_ops){ .ctx = &d, .open = no_kernel_open,
			.close = no_kernel_close, .send = no_kernel_send };
	rc = pipeline_start(&pp, &vops, policy, &d.pipeline, err, sizeof(err));
	if (rc) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	if (d.cfg.nfq.enabled) {
		struct nfq_service_params np = {
			.cfg = &d.cfg.nfq,
			.sockets = d.sockets,
			.lsm = d.lsm,
		};

		rc = nfq_service_start(&np, &d.nfq, err, sizeof(err));
		if (rc) {
			log_msg(LOG_ERR, "inspection: %s", err);
			goto out;
		}
		iops.ctx = d.nfq;
	}
	struct ctl_server_params cp = {
		.path = d.cfg.control_socket,
		.group = d.cfg.control_group,
		.config_path = d.config_path,
		.remote = remote[0] ? remote : NULL,
		.pipeline = d.pipeline,
		.sockets = d.sockets,
		.kernel = d.kernel ? kernel_link_ctl_ops(d.kernel) : NULL,
		.inspect = d.nfq ? &iops : NULL,
		.logs = &lops,
	};
	rc = ctl_server_start(&cp, &d.ctl, err, sizeof(err));
	if (rc) {
		log_msg(LOG_ERR, "%s", err);
		goto out;
	}
	rc = mainloop_init(&d.loop);
	if (rc) {
		log_msg(LOG_ERR, "main loop: epoll: %s", strerror(-rc));
		goto out;
	}
	if (mainloop_add(&d.loop, "signals", sfd, POLLIN, on_signal, &d) ||
	    (d.kernel && mainloop_add(&d.loop, "kernel events",
				      kernel_link_events_fd(d.kernel), POLLIN,
				      on_kernel_readable, &d)))
		goto out;
	/* Calls that waited before we registered are decided too. */
	rc = d.kernel ? kernel_link_pending(d.kernel, on_event, &d) : 0;
	if (rc)
		log_msg(LOG_WARNING, "pending list at start: %s", strerror(-rc));
	if (d.kernel)
		log_msg(LOG_NOTICE, "running: %u events mediated, kernel timeout %u ms, default %s",
			d.cfg.n_events, d.cfg.timeout_ms,
			d.cfg.default_verdict == SNET_VERDICT_ALLOW ? "allow" : "deny");
	else
		log_msg(LOG_NOTICE, "running without the snet LSM: payload inspection only");
	rc = mainloop_run(&d.loop);
	status = rc ? 1 : 0;
out:
	mainloop_destroy(&d.loop);
	ctl_server_stop(d.ctl);
	/* The nft table goes first: traffic stops waiting for snetd. */
	nfq_service_stop(d.nfq);
	pipeline_stop(d.pipeline);
	kernel_link_close(d.kernel);
	declog_close(d.declog);
	sock_table_free(d.sockets);
	policy_put(policy);
	if (sfd >= 0)
		close(sfd);
	log_msg(LOG_INFO, "stopped");
	log_close();
	return status;
}
