/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The signatures snetd inspects with: the inspector's configuration, the
 * EVE alert log, and the current rule set, which a reload replaces.
 *
 * A reload builds the new rule set on a background thread (at idle CPU
 * priority, so that the inspection workers keep their CPU) while the
 * workers go on scanning with the current one.  On success the engine
 * publishes the new set and bumps its generation; each worker notices the
 * new generation between two packets and switches (flows in progress keep
 * the set they started with: snet_inspect_worker_set_ruleset).  On
 * failure the current set stays and the reason is kept for the control
 * socket and logged.  Thread-safe.
 */
#ifndef SNETD_INSPECT_ENGINE_H
#define SNETD_INSPECT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct inspect_engine;
struct snet_inspect_ruleset;
struct snet_inspect_eve;

/* Load the configuration and the rules, open the EVE log (synchronous). */
int inspect_engine_open(const struct nfq_settings *cfg,
			struct inspect_engine **out, char *err, size_t errlen);
/*
 * Load the configuration and the rules as inspect_engine_open() would, and
 * drop them (snetd -t); *summary gets the inspector's load summary.
 */
int inspect_engine_check(const struct nfq_settings *cfg, char *summary,
			 size_t sumlen, char *err, size_t errlen);
/* Waits for a reload in progress. */
void inspect_engine_close(struct inspect_engine *e);

/* The generation of the current set (cheap: one atomic load). */
unsigned int inspect_engine_generation(struct inspect_engine *e);
/* A reference to the current set and its generation; unref it. */
struct snet_inspect_ruleset *inspect_engine_get(struct inspect_engine *e,
						unsigned int *gen);
struct snet_inspect_eve *inspect_engine_eve(struct inspect_engine *e);

/*
 * Ask for a reload; *id is the number of the build that will answer it
 * (a request made while a build runs gets the next build: the files may
 * have changed since that one read them).  Returns at once.
 */
int inspect_engine_reload(struct inspect_engine *e, uint64_t *id);

struct inspect_reload_status {
	uint64_t requested;	/* id of the last build asked for */
	uint64_t finished;	/* id of the last build that ended */
	bool running;
	int last_rc;		/* of the last finished build: 0 or -errno */
	char last_error[1024];	/* its reason when it failed */
	char last_summary[512];	/* the inspector's load summary */
	double last_seconds;	/* its build time */
	bool last_from_cache;
	uint64_t reloads_ok, reloads_failed;
	/* the current set */
	unsigned int generation;
	size_t rules;
	bool from_cache;
	double load_seconds;	/* the current set's build time */
};

void inspect_engine_status(struct inspect_engine *e,
			   struct inspect_reload_status *st);
/* Wait until build @id has finished (or @timeout_ms passed): true if it did. */
bool inspect_engine_wait(struct inspect_engine *e, uint64_t id, int timeout_ms);

#endif /* SNETD_INSPECT_ENGINE_H */
