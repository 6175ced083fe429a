/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snetd.conf: INI, read with libinih.  Every key, its default and its
 * meaning are in docs/snetd.md; config_defaults() is the single source of
 * the defaults.
 */
#ifndef SNETD_CONFIG_H
#define SNETD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_EVENTS 64
#define CONFIG_DEFAULT_PATH "/etc/snet/snetd.conf"

struct config_event {
	uint8_t syscall;	/* enum snet_syscall */
	uint8_t protocol;	/* IPPROTO_* */
};

#define NFQ_MAX_QUEUES 64
#define NFQ_MAX_PROTOCOLS 4
#define NFQ_MAX_PORTS 32
#define NFQ_MAX_IFACES 16
#define NFQ_IFNAMSIZ 16

struct nfq_port_range {
	uint16_t lo, hi;
};

/* [inspect] and [nfqueue]: payload inspection (docs/nfhelper.md). */
struct nfq_settings {
	/* [inspect] */
	bool enabled;
	char rules[4096];		/* files or directories, space-separated */
	char inspector_config[PATH_MAX];	/* "" : the engine's defaults */
	char eve_log[PATH_MAX];
	bool deny_ticket;		/* drop/reject: deny the socket's sendmsg */

	/* [nfqueue] */
	bool external_ruleset;		/* do not install table inet snet */
	uint16_t queue_first, queue_count;
	bool cpu_fanout;		/* balance = cpu (nft "fanout") */
	uint32_t queue_maxlen;
	bool fail_open;			/* queue full: accept (else drop) */
	bool bypass;			/* no snetd listening: accept */
	uint32_t rcvbuf;
	uint32_t batch;			/* packets read and answered at once */
	bool gso;			/* NFQA_CFG_F_GSO, with segment queues */
	bool output, input, loopback;
	uint8_t protocols[NFQ_MAX_PROTOCOLS];
	unsigned int n_protocols;
	struct nfq_port_range ports[NFQ_MAX_PORTS];
	unsigned int n_ports;
	char ifaces[NFQ_MAX_IFACES][NFQ_IFNAMSIZ];
	unsigned int n_ifaces;
	uint32_t label_mask;		/* the LSM's socket label bits */
	uint32_t self_mark;		/* packet mark of snetd's own sockets */
	uint32_t reject_mark;		/* packet mark: "reject this" */
	uint32_t pass_ctmark;		/* conntrack mark: flow passed */
};

struct snetd_config {
	/* [daemon] */
	char policy[PATH_MAX];
	char decision_log[PATH_MAX];	/* "" : no decision log */
	int log_level;			/* LOG_* */
	unsigned int workers;
	unsigned int socket_table_size;
	unsigned int rcvbuf;		/* netlink receive buffer, bytes */

	/* [kernel] */
	uint8_t kernel_default;		/* SNET_VERDICT_ALLOW or _DENY */
	uint32_t timeout_ms;
	uint32_t ticket_max;		/* 0: leave the kernel's */
	struct config_event events[CONFIG_MAX_EVENTS];
	unsigned int n_events;

	/* [decision] */
	uint8_t default_verdict;
	uint8_t default_life;
	uint32_t default_seconds;
	uint32_t answer_margin_ms;

	/* [remote] */
	char remote_host[256];		/* "" : no remote server */
	char remote_port[8];
	uint32_t remote_timeout_ms;
	unsigned int remote_connections;
	bool remote_tls;
	char remote_tls_ca_file[256];		/* "" : the system's CA store */
	char remote_tls_server_name[256];	/* "" : the server's host */
	char remote_tls_cert_file[256];		/* "" : no client certificate */
	char remote_tls_key_file[256];		/* "" : in the certificate file */

	/* [prompt] */
	bool prompt_enabled;

	/* [control] */
	char control_socket[108];	/* sizeof(sun_path) */
	char control_group[64];		/* "" : root only */

	struct nfq_settings nfq;
};

void config_defaults(struct snetd_config *cfg);

/*
 * Parse INI text (NUL-terminated) named @name into @cfg, which should hold
 * the defaults.  Unknown sections or keys, bad values and syntax errors
 * fail with -EINVAL and "name:line: problem" in @err.
 */
int config_parse(const char *text, const char *name, struct snetd_config *cfg,
		 char *err, size_t errlen);
/* Read @path and config_parse() it. */
int config_load(const char *path, struct snetd_config *cfg, char *err,
		size_t errlen);

#endif /* SNETD_CONFIG_H */
