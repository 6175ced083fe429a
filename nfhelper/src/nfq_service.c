// SPDX-License-Identifier: GPL-2.0-or-later
/* Inspection service: engine, workers, nft table, counters as JSON. */
#include "nfq_service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <snet/inspect.h>

#include "inspect_engine.h"
#include "log.h"
#include "nfq.h"
#include "nfq_worker.h"
#include "nft_plan.h"
#include "nft_ruleset.h"

/* Time the workers get to answer what is queued when snetd stops. */
#define DRAIN_MS 500

struct nfq_service {
	struct nfq_service_params p;
	struct inspect_engine *engine;
	struct nfq_worker *workers[NFQ_MAX_QUEUES];
	unsigned int n_workers;
	bool table_installed;
};

int nfq_service_start(const struct nfq_service_params *p,
		      struct nfq_service **out, char *err, size_t errlen)
{
	const struct nfq_settings *cfg = p->cfg;
	struct inspect_reload_status rs;
	struct nfq_service *s;
	struct nft_plan plan;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->p = *p;
	rc = inspect_engine_open(cfg, &s->engine, err, errlen);
	if (rc)
		goto fail;
	for (unsigned int i = 0; i < cfg->queue_count; i++) {
		struct nfq_worker_params wp = {
			.queue = (uint16_t)(cfg->queue_first + i),
			.segment_queue = (uint16_t)(cfg->queue_first + cfg->queue_count + i),
			.cfg = cfg,
			.engine = s->engine,
			.sockets = p->sockets,
			.lsm = p->lsm,
		};

		rc = nfq_worker_start(&wp, &s->workers[i], err, errlen);
		if (rc)
			goto fail;
		s->n_workers++;
	}
	if (!cfg->external_ruleset) {
		rc = nft_plan_build(cfg, &plan);
		if (rc) {
			snprintf(err, errlen, "nft rules: %s", strerror(-rc));
			goto fail;
		}
		rc = nft_ruleset_install(&plan, err, errlen);
		if (rc)
			goto fail;
		s->table_installed = true;
	}
	inspect_engine_status(s->engine, &rs);
	log_msg(LOG_NOTICE, "inspecting: queues %u-%u, %zu rules (generation %u), %s%s",
		cfg->queue_first, cfg->queue_first + cfg->queue_count - 1, rs.rules,
		rs.generation, cfg->external_ruleset ?
		"external ruleset (snetd reads the queues only)" :
		"table inet " NFT_TABLE_NAME " installed",
		p->lsm ? "" : "; no snet LSM: inline IDS/IPS without socket attribution or tickets");
	*out = s;
	return 0;
fail:
	nfq_service_stop(s);
	return rc;
}

void nfq_service_stop(struct nfq_service *s)
{
	char err[512];
	int rc;

	if (!s)
		return;
	if (s->table_installed) {
		rc = nft_ruleset_remove(err, sizeof(err));
		if (rc)
			log_msg(LOG_ERR, "removing table inet %s: %s", NFT_TABLE_NAME, err);
		else
			log_msg(LOG_INFO, "table inet %s removed", NFT_TABLE_NAME);
	}
	for (unsigned int i = 0; i < s->n_workers; i++)
		nfq_worker_stop(s->workers[i], s->table_installed ? DRAIN_MS : 0);
	inspect_engine_close(s->engine);
	free(s);
}

int nfq_service_reload(struct nfq_service *s, uint64_t *id)
{
	int rc = inspect_engine_reload(s->engine, id);

	if (!rc)
		log_msg(LOG_INFO, "rules reload %llu requested", (unsigned long long)*id);
	return rc;
}

int nfq_service_reopen_logs(struct nfq_service *s)
{
	int rc = snet_inspect_eve_reopen(inspect_engine_eve(s->engine));

	if (rc)
		log_msg(LOG_ERR, "EVE log %s: reopen: %s", s->p.cfg->eve_log,
			strerror(-rc));
	return rc;
}

#define J(v) json_integer((json_int_t)(v))

static json_t *worker_json(const struct nfq_worker_stats *w)
{
	const struct snet_inspect_stats *i = &w->inspect;
	json_t *o = json_object();

	json_object_set_new(o, "queue", J(w->queue));
	json_object_set_new(o, "packets", J(w->packets));
	json_object_set_new(o, "bytes", J(w->bytes));
	json_object_set_new(o, "accepted", J(w->accepted));
	json_object_set_new(o, "dropped", J(w->dropped));
	json_object_set_new(o, "rejected", J(w->rejected));
	json_object_set_new(o, "passed", J(w->passed));
	json_object_set_new(o, "alerts", J(w->alerts));
	json_object_set_new(o, "lost", J(w->lost));
	json_object_set_new(o, "truncated", J(w->truncated));
	json_object_set_new(o, "gso_requeued", J(w->gso_requeued));
	json_object_set_new(o, "segments", J(w->segments));
	json_object_set_new(o, "resets_released", J(w->resets_released));
	json_object_set_new(o, "verdict_errors", J(w->verdict_errors));
	json_object_set_new(o, "send_errors", J(w->send_errors));
	json_object_set_new(o, "recv_errors", J(w->recv_errors));
	json_object_set_new(o, "tickets", J(w->tickets));
	json_object_set_new(o, "ticket_errors", J(w->ticket_errors));
	json_object_set_new(o, "attributed", J(w->attributed));
	json_object_set_new(o, "bursts", J(w->bursts));
	json_object_set_new(o, "generation", J(w->generation));
	json_object_set_new(o, "scanned", J(i->packets_scanned));
	json_object_set_new(o, "bypassed", J(i->packets_bypassed));
	json_object_set_new(o, "flow_dropped", J(i->packets_flow_dropped));
	json_object_set_new(o, "invalid", J(i->packets_invalid));
	json_object_set_new(o, "inspected", J(i->packets_seen));
	json_object_set_new(o, "flows_active", J(i->flows_active));
	json_object_set_new(o, "flows_memcap", J(i->flows_memcap));
	json_object_set_new(o, "reassembly_memcap", J(i->reassembly_memcap));
	json_object_set_new(o, "tls_memcap", J(i->tls_memcap));
	json_object_set_new(o, "http_memcap", J(i->http_memcap));
	json_object_set_new(o, "xbits_full", J(i->xbits_full));
	json_object_set_new(o, "tagged_packets", J(i->tagged_packets));
	json_object_set_new(o, "dcerpc_memcap", J(i->dcerpc_memcap));
	json_object_set_new(o, "dcerpc_malformed", J(i->dcerpc_malformed));
	json_object_set_new(o, "smtp_memcap", J(i->smtp_memcap));
	json_object_set_new(o, "smtp_file_truncated", J(i->smtp_file_truncated));
	json_object_set_new(o, "smtp_files_lost", J(i->smtp_files_lost));
	json_object_set_new(o, "defrag_fragments", J(i->defrag_fragments));
	json_object_set_new(o, "defrag_reassembled", J(i->defrag_reassembled));
	json_object_set_new(o, "defrag_invalid", J(i->defrag_invalid));
	json_object_set_new(o, "defrag_memcap", J(i->defrag_memcap));
	json_object_set_new(o, "defrag_timeouts", J(i->defrag_timeouts));
	json_object_set_new(o, "defrag_too_large", J(i->defrag_too_large));
	json_object_set_new(o, "defrag_overlaps", J(i->defrag_overlaps));
	json_object_set_new(o, "defrag_overlap_conflicts", J(i->defrag_overlap_conflicts));
	json_object_set_new(o, "defrag_memory", J(i->defrag_memory));
	json_object_set_new(o, "flows_on_old_ruleset", J(i->flows_on_old_ruleset));
	json_object_set_new(o, "ruleset_switches", J(i->ruleset_switches));
	json_object_set_new(o, "socket_cache_hits", J(w->attr.cache_hits));
	json_object_set_new(o, "socket_table_hits", J(w->attr.table_hits));
	json_object_set_new(o, "socket_kernel_hits", J(w->attr.kernel_hits));
	json_object_set_new(o, "socket_misses", J(w->attr.misses));
	return o;
}

/* Sum every integer of @from into @to. */
static void add_into(json_t *to, json_t *from)
{
	const char *k;
	json_t *v;

	json_object_foreach(from, k, v) {
		json_t *cur;

		if (!strcmp(k, "queue") || !strcmp(k, "generation"))
			continue;
		cur = json_object_get(to, k);
		json_object_set_new(to, k, J((cur ? json_integer_value(cur) : 0) +
					     json_integer_value(v)));
	}
}

static json_t *rules_json(struct nfq_service *s)
{
	struct inspect_reload_status st;

	inspect_engine_status(s->engine, &st);
	return json_pack("{s:I, s:I, s:b, s:f, s:{s:I, s:I, s:b, s:i, s:s, s:s, s:f, s:b, s:I, s:I}}",
			 "generation", (json_int_t)st.generation,
			 "rules", (json_int_t)st.rules,
			 "from_cache", st.from_cache,
			 "load_seconds", st.load_seconds,
			 "reload",
			 "requested", (json_int_t)st.requested,
			 "finished", (json_int_t)st.finished,
			 "running", st.running,
			 "last_rc", st.last_rc,
			 "last_error", st.last_error,
			 "last_summary", st.last_summary,
			 "last_seconds", st.last_seconds,
			 "last_from_cache", st.last_from_cache,
			 "ok", (json_int_t)st.reloads_ok,
			 "failed", (json_int_t)st.reloads_failed);
}

json_t *nfq_service_json(struct nfq_service *s)
{
	json_t *o = json_object(), *queues = json_array(), *total = json_object();
	json_t *kernel = json_array();
	struct nft_queue_counters c;

	for (unsigned int i = 0; i < s->n_workers; i++) {
		struct nfq_worker_stats st;
		json_t *w;

		nfq_worker_stats(s->workers[i], &st);
		w = worker_json(&st);
		add_into(total, w);
		json_array_append_new(queues, w);
	}
	/* The main queues, then their segment queues. */
	for (unsigned int i = 0; i < s->n_workers * (s->p.cfg->gso ? 2 : 1); i++) {
		uint16_t q = (uint16_t)(s->p.cfg->queue_first + i);
		struct nfq_kstats ks;

		if (!nfq_kstats_read(q, &ks))
			json_array_append_new(kernel, json_pack(
				"{s:i, s:I, s:I, s:I, s:I}", "queue", q,
				"waiting", (json_int_t)ks.waiting,
				"queue_dropped", (json_int_t)ks.queue_dropped,
				"user_dropped", (json_int_t)ks.user_dropped,
				"id_sequence", (json_int_t)ks.id_sequence));
	}
	json_object_set_new(o, "lsm", json_boolean(s->p.lsm));
	json_object_set_new(o, "rules", rules_json(s));
	json_object_set_new(o, "total", total);
	json_object_set_new(o, "queues", queues);
	json_object_set_new(o, "kernel_queues", kernel);
	if (s->table_installed && !nft_ruleset_counters(&c))
		json_object_set_new(o, "nft", json_pack("{s:I, s:I}",
			"queued_packets", (json_int_t)c.packets,
			"queued_bytes", (json_int_t)c.bytes));
	return o;
}

json_t *nfq_service_summary_json(struct nfq_service *s)
{
	const struct nfq_settings *cfg = s->p.cfg;
	struct inspect_reload_status st;

	inspect_engine_status(s->engine, &st);
	return json_pack("{s:b, s:i, s:i, s:I, s:I, s:s, s:s}",
			 "lsm", s->p.lsm,
			 "queue_first", cfg->queue_first,
			 "queues", cfg->queue_count,
			 "rules", (json_int_t)st.rules,
			 "generation", (json_int_t)st.generation,
			 "ruleset", cfg->external_ruleset ? "external" :
			 "table inet " NFT_TABLE_NAME,
			 "eve_log", cfg->eve_log);
}
