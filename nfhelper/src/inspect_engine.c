// SPDX-License-Identifier: GPL-2.0-or-later
/* The current rule set, its background rebuild, and the EVE log. */
#include "inspect_engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <snet/inspect.h>

#include "log.h"

/* The builder's nice value: the workers keep most of the CPU while a new
 * set compiles, yet the build still finishes under load. */
#define BUILDER_NICE 10
#define MAX_PATHS 64

struct inspect_engine {
	char *paths_buf;
	const char *paths[MAX_PATHS];
	size_t npaths;
	char config_path[PATH_MAX];
	struct snet_inspect_eve *eve;

	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	struct snet_inspect_ruleset *current;	/* under lock */
	atomic_uint gen;
	pthread_t builder;
	bool builder_started, stop;
	uint64_t building;			/* id in progress, 0: none */
	struct inspect_reload_status st;	/* under lock */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load the set once: configuration, rules, databases (or their cache). */
static int build(struct inspect_engine *e, struct snet_inspect_ruleset **out,
		 char *err, size_t errlen, char *summary, size_t sumlen)
{
	struct snet_inspect_config *icfg = NULL;
	struct snet_inspect_report *rep = NULL;
	int rc;

	summary[0] = '\0';
	rc = snet_inspect_config_new(&icfg);
	if (rc) {
		snprintf(err, errlen, "inspector configuration: %s", strerror(-rc));
		return rc;
	}
	if (e->config_path[0]) {
		rc = snet_inspect_config_load(icfg, e->config_path, err, errlen);
		if (rc) {
			snet_inspect_config_free(icfg);
			return rc;
		}
	}
	rc = snet_inspect_ruleset_load(icfg, e->paths, e->npaths, out, &rep);
	if (rep)
		snprintf(summary, sumlen, "%s", snet_inspect_report_summary(rep));
	if (rc) {
		int off = snprintf(err, errlen, "rules not loaded (%s)%s%s",
				   strerror(-rc), summary[0] ? ": " : "", summary);
		/* The first reasons, for the log and snetctl. */
		for (size_t i = 0; rep && i < snet_inspect_report_message_count(rep) &&
		     i < 3 && off > 0 && (size_t)off < errlen; i++)
			off += snprintf(err + off, errlen - (size_t)off, "; %s",
					snet_inspect_report_message(rep, i));
	}
	snet_inspect_report_free(rep);
	snet_inspect_config_free(icfg);
	return rc;
}

static void publish(struct inspect_engine *e, struct snet_inspect_ruleset *rs,
		    double secs)
{
	struct snet_inspect_ruleset *old;

	pthread_mutex_lock(&e->lock);
	old = e->current;
	e->current = rs;
	e->st.rules = snet_inspect_ruleset_rule_count(rs);
	e->st.from_cache = snet_inspect_ruleset_from_cache(rs) == 1;
	e->st.load_seconds = secs;
	e->st.generation = atomic_fetch_add(&e->gen, 1) + 1;
	pthread_mutex_unlock(&e->lock);
	/* Workers hold their own references to the sets they still use. */
	if (old)
		snet_inspect_ruleset_unref(old);
}

static void *builder_main(void *arg)
{
	struct inspect_engine *e = arg;

	if (setpriority(PRIO_PROCESS, (id_t)gettid(), BUILDER_NICE))
		log_msg(LOG_WARNING, "rule builder: cannot lower its priority: %s",
			strerror(errno));
	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct snet_inspect_ruleset *rs = NULL;
		char err[1024], summary[512];
		uint64_t id;
		double t0, secs;
		int rc;

		while (!e->stop && e->st.finished == e->st.requested)
			pthread_cond_wait(&e->wake, &e->lock);
		if (e->stop)
			break;
		id = e->st.requested;
		e->st.running = true;
		e->building = id;
		pthread_mutex_unlock(&e->lock);

		t0 = now_s();
		rc = build(e, &rs, err, sizeof(err), summary, sizeof(summary));
		secs = now_s() - t0;
		if (!rc) {
			publish(e, rs, secs);
			log_msg(LOG_NOTICE, "rules reloaded (build %llu, generation %u) in %.2f s%s: %s",
				(unsigned long long)id, inspect_engine_generation(e),
				secs, snet_inspect_ruleset_from_cache(rs) == 1 ?
				" from the cache" : "", summary);
		} else {
			log_msg(LOG_ERR, "rules reload (build %llu) refused, the running rules stay: %s",
				(unsigned long long)id, err);
		}

		pthread_mutex_lock(&e->lock);
		e->st.running = false;
		e->building = 0;
		e->st.finished = id;
		e->st.last_rc = rc;
		e->st.last_seconds = secs;
		e->st.last_from_cache = !rc && e->st.from_cache;
		snprintf(e->st.last_error, sizeof(e->st.last_error), "%s",
			 rc ? err : "");
		snprintf(e->st.last_summary, sizeof(e->st.last_summary), "%s",
			 summary);
		if (rc)
			e->st.reloads_failed++;
		else
			e->st.reloads_ok++;
		pthread_cond_broadcast(&e->done);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* Split the space-separated rules setting into paths. */
static int split_paths(struct inspect_engine *e, const char *rules, char *err,
		       size_t errlen)
{
	char *save = NULL, *tok;

	e->paths_buf = strdup(rules);
	if (!e->paths_buf)
		return -ENOMEM;
	for (tok = strtok_r(e->paths_buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (e->npaths == MAX_PATHS) {
			snprintf(err, errlen, "[inspect] rules: at most %d paths",
				 MAX_PATHS);
			return -EINVAL;
		}
		e->paths[e->npaths++] = tok;
	}
	if (!e->npaths) {
		snprintf(err, errlen, "[inspect] rules: no path");
		return -EINVAL;
	}
	return 0;
}

int inspect_engine_open(const struct nfq_settings *cfg,
			struct inspect_engine **out, char *err, size_t errlen)
{
	struct snet_inspect_ruleset *rs = NULL;
	struct inspect_engine *e;
	char summary[512];
	double t0;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->wake, NULL);
	pthread_cond_init(&e->done, NULL);
	snprintf(e->config_path, sizeof(e->config_path), "%s",
		 cfg->inspector_config);
	rc = split_paths(e, cfg->rules, err, errlen);
	if (rc)
		goto fail;
	t0 = now_s();
	rc = build(e, &rs, err, errlen, summary, sizeof(summary));
	if (rc)
		goto fail;
	publish(e, rs, now_s() - t0);
	snprintf(e->st.last_summary, sizeof(e->st.last_summary), "%s", summary);
	log_msg(LOG_INFO, "rules loaded in %.2f s%s: %s", e->st.load_seconds,
		e->st.from_cache ? " (databases from the cache)" : "", summary);
	rc = snet_inspect_eve_open(cfg->eve_log, &e->eve);
	if (rc) {
		snprintf(err, errlen, "EVE log %s: %s", cfg->eve_log, strerror(-rc));
		goto fail;
	}
	rc = -pthread_create(&e->builder, NULL, builder_main, e);
	if (rc) {
		snprintf(err, errlen, "rule builder thread: %s", strerror(-rc));
		goto fail;
	}
	e->builder_started = true;
	*out = e;
	return 0;
fail:
	inspect_engine_close(e);
	return rc;
}

int inspect_engine_check(const struct nfq_settings *cfg, char *summary,
			 size_t sumlen, char *err, size_t errlen)
{
	struct snet_inspect_ruleset *rs = NULL;
	struct inspect_engine *e;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	snprintf(e->config_path, sizeof(e->config_path), "%s",
		 cfg->inspector_config);
	rc = split_paths(e, cfg->rules, err, errlen);
	/* Through the cache, as the start will: a check also warms it. */
	if (!rc)
		rc = build(e, &rs, err, errlen, summary, sumlen);
	if (rs)
		snet_inspect_ruleset_unref(rs);
	free(e->paths_buf);
	free(e);
	return rc;
}

void inspect_engine_close(struct inspect_engine *e)
{
	if (!e)
		return;
	if (e->builder_started) {
		pthread_mutex_lock(&e->lock);
		e->stop = true;
		pthread_cond_broadcast(&e->wake);
		pthread_mutex_unlock(&e->lock);
		pthread_join(e->builder, NULL);
	}
	if (e->current)
		snet_inspect_ruleset_unref(e->current);
	if (e->eve)
		snet_inspect_eve_close(e->eve);
	pthread_cond_destroy(&e->done);
	pthread_cond_destroy(&e->wake);
	pthread_mutex_destroy(&e->lock);
	free(e->paths_buf);
	free(e);
}

unsigned int inspect_engine_generation(struct inspect_engine *e)
{
	return atomic_load_explicit(&e->gen, memory_order_acquire);
}

struct snet_inspect_ruleset *inspect_engine_get(struct inspect_engine *e,
						unsigned int *gen)
{
	struct snet_inspect_ruleset *rs;

	pthread_mutex_lock(&e->lock);
	rs = snet_inspect_ruleset_ref(e->current);
	*gen = atomic_load(&e->gen);
	pthread_mutex_unlock(&e->lock);
	return rs;
}

struct snet_inspect_eve *inspect_engine_eve(struct inspect_engine *e)
{
	return e->eve;
}

int inspect_engine_reload(struct inspect_engine *e, uint64_t *id)
{
	pthread_mutex_lock(&e->lock);
	/* A request while a build runs needs a build of its own; requests
	 * made before that one starts share it. */
	if (e->st.requested == e->st.finished || e->st.requested == e->building)
		e->st.requested++;
	*id = e->st.requested;
	pthread_cond_broadcast(&e->wake);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

void inspect_engine_status(struct inspect_engine *e,
			   struct inspect_reload_status *st)
{
	pthread_mutex_lock(&e->lock);
	*st = e->st;
	pthread_mutex_unlock(&e->lock);
}

bool inspect_engine_wait(struct inspect_engine *e, uint64_t id, int timeout_ms)
{
	struct timespec dl;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->lock);
	while (e->st.finished < id)
		if (pthread_cond_timedwait(&e->done, &e->lock, &dl))
			break;
	ok = e->st.finished >= id;
	pthread_mutex_unlock(&e->lock);
	return ok;
}
