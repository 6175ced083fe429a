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

	/* [prompt] */
	bool prompt_enabled;

	/* [control] */
	char control_socket[108];	/* sizeof(sun_path) */
	char control_group[64];		/* "" : root only */
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
