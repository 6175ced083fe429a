/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket: a unix stream socket served by one thread, for
 * snetctl.  Peers are checked with SO_PEERCRED/SO_PEERGROUPS (root, or a
 * member of the configured group).  Malformed requests get an error reply;
 * a peer that floods or stalls is dropped, never the daemon.
 */
#ifndef SNETD_CTL_SERVER_H
#define SNETD_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "snet_nl.h"

struct pipeline;
struct sock_table;
struct ctl_server;

/*
 * What the control socket asks of the kernel.  Called only from the
 * control thread.  NULL when snetd runs without the LSM's netlink family;
 * those commands then answer with an error.
 */
struct ctl_kernel_ops {
	void *ctx;
	int (*config)(void *ctx, struct snet_config *cfg);
	int (*stats)(void *ctx, uint64_t stats[SNET_STAT_MAX + 1]);
	int (*ticket_list)(void *ctx, uint32_t pid,
			   int (*cb)(const struct snet_ticket *t, void *arg),
			   void *arg);
	int (*ticket_revoke)(void *ctx, uint64_t id, uint32_t pid,
			     uint64_t cookie);
};

/*
 * Payload inspection (nfq_service), or NULL when it is off.  Called from
 * the control thread; each returns a new JSON reference.
 */
struct ctl_inspect_ops {
	void *ctx;
	json_t *(*stats)(void *ctx);
	json_t *(*summary)(void *ctx);
	/* Start a rule reload; its id.  Never waits for the build. */
	int (*reload)(void *ctx, uint64_t *id);
};

/*
 * Reopen the decision log and the EVE log, as SIGHUP does, but without
 * reloading the policy and the signatures: what logrotate asks for.
 * Called from the control thread; both logs lock their own descriptor.
 */
struct ctl_log_ops {
	void *ctx;
	int (*reopen)(void *ctx, char *err, size_t errlen);
};

struct ctl_server_params {
	const char *path;		/* socket path */
	const char *group;		/* "" or NULL: root only */
	const char *config_path;	/* for status */
	const char *remote;		/* "host:port" or NULL, for status */
	struct pipeline *pipeline;
	struct sock_table *sockets;
	const struct ctl_kernel_ops *kernel;	/* may be NULL */
	const struct ctl_inspect_ops *inspect;	/* may be NULL */
	const struct ctl_log_ops *logs;		/* may be NULL */
};

/* Bind the socket and start the thread. */
int ctl_server_start(const struct ctl_server_params *params,
		     struct ctl_server **out, char *err, size_t errlen);
/* Stop the thread, close every connection, remove the socket file. */
void ctl_server_stop(struct ctl_server *srv);

#endif /* SNETD_CTL_SERVER_H */
