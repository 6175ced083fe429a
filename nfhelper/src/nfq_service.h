/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Payload inspection in snetd: the rule engine, one worker per queue, and
 * the nft table that sends traffic to the queues.  Start order: rules,
 * then the queues are bound (so that something listens), then the table
 * is installed; stop order: the table goes (traffic no longer waits for
 * snetd), the workers answer what is still queued, then unbind.
 */
#ifndef SNETD_NFQ_SERVICE_H
#define SNETD_NFQ_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "config.h"

struct sock_table;
struct nfq_service;

struct nfq_service_params {
	const struct nfq_settings *cfg;	/* outlives the service */
	struct sock_table *sockets;	/* may be NULL */
	bool lsm;			/* the snet LSM is there */
};

int nfq_service_start(const struct nfq_service_params *p,
		      struct nfq_service **out, char *err, size_t errlen);
void nfq_service_stop(struct nfq_service *s);

/* Start a rule reload in the background; *id names it (see inspect_engine). */
int nfq_service_reload(struct nfq_service *s, uint64_t *id);
/* Reopen the EVE log (logrotate). */
int nfq_service_reopen_logs(struct nfq_service *s);

/* Everything snetctl shows: rules, reloads, per-queue and total counters,
 * the kernel's queue counters and the nft counters. */
json_t *nfq_service_json(struct nfq_service *s);
/* One line for snetctl status. */
json_t *nfq_service_summary_json(struct nfq_service *s);

#endif /* SNETD_NFQ_SERVICE_H */
