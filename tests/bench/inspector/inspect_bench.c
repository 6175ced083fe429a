// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect_bench CACHE_DIR CLASSIFICATION RULES CAPTURE OUTDIR REPS
 *
 * Throughput of the inspection engine against the limit set by its own
 * prefilter: a plain loop of hs_scan() over the same payload bytes with
 * the same Hyperscan databases.  Both run in this process on the same
 * packets, already read into memory, so neither pays for pcap I/O:
 *
 *   engine    what snet-inspect runs per packet: a worker with the EVE log
 *             (decode, flows, reassembly, application parsers, prefilter,
 *             verification, verdict, EVE), then the end-of-capture expiry
 *   hs_scan   the engine's own prefilter databases over the same bytes:
 *             for every packet with a payload, hs_scan of it with the
 *             packet-payload database of its protocol and direction, and
 *             for TCP hs_scan_stream of it into the stream of its flow
 *             direction with the raw-stream database of that direction
 *             (the streaming-mode database the engine scans), the stream
 *             opened at its first payload and closed after its last, as
 *             the engine does (the capture is in order, without loss, and
 *             no direction is longer than reassembly-depth)
 *   twin      the baseline used up to 2026-11: the raw-stream side as one
 *             block-mode hs_scan per packet with a block-mode twin of
 *             that database.  It is about twice as slow as the streaming
 *             scan, so a ratio against it flatters the engine; it is
 *             printed, without a goal, only to compare with older figures.
 *
 * The three are interleaved REPS times and timed in CPU time of this thread
 * (a kernel build on the other core does not count against them); the
 * ratios printed are the medians of the per-round ratios, the throughputs
 * the medians of each.  Each engine run loads the rule set again (from the
 * cache) so it starts with fresh threshold state, like the first: every
 * run does the same work.  Lines: "bench NAME key=value...".
 * INSPECT_BENCH_ONLY=engine (or hs_scan) runs one side only: for perf.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <search.h>
#include <pcap/pcap.h>

#include "internal.h"

struct pkt {
	uint8_t *data;
	size_t len;
	struct timespec ts;
	/* for the hs_scan loop, decoded before timing */
	const uint8_t *payload;
	size_t plen;
	hs_database_t *db[2];
	/* TCP payloads: their flow direction's stream (index into the
	 * baseline's streams, -1 none), and whether it ends after this one */
	long stream;
	bool stream_last;
	int di;			/* 0 to the server, 1 to the client */
};

/* flow directions of the capture, for the baseline's streams */
struct fdir {
	struct ip_addr src, dst;
	uint16_t sport, dport;
	long idx;		/* its stream's index */
};

static int fdir_cmp(const void *a, const void *b)
{
	const struct fdir *x = a, *y = b;
	if (x->sport != y->sport)
		return x->sport < y->sport ? -1 : 1;
	if (x->dport != y->dport)
		return x->dport < y->dport ? -1 : 1;
	int c = memcmp(&x->src, &y->src, sizeof(x->src));
	return c ? c : memcmp(&x->dst, &y->dst, sizeof(x->dst));
}

/* p's flow direction in the tree *root, added if new; NULL without memory */
static struct fdir *fdir_get(void **root, long *n, const struct packet *p)
{
	struct fdir key = { .src = p->src, .dst = p->dst, .sport = p->sport, .dport = p->dport };
	struct fdir **found = tfind(&key, root, fdir_cmp);
	if (found)
		return *found;
	struct fdir *f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	*f = key;
	f->idx = (*n)++;
	if (!tsearch(f, root, fdir_cmp)) {
		free(f);
		return NULL;
	}
	return f;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int count_match(unsigned id, unsigned long long from, unsigned long long to,
		       unsigned flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(*(uint64_t *)ctx)++;
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "inspect_bench: %s failed\n", what);
	return 1;
}

static long ip_offset(int dlt, size_t caplen)
{
	if (dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6)
		return 0;
	if (dlt == DLT_EN10MB && caplen >= 14)
		return 14;
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: inspect_bench CACHE_DIR CLASSIFICATION RULES CAPTURE OUTDIR REPS\n");
		return 2;
	}
	int reps = atoi(argv[6]);
	if (reps < 1 || reps > 99)
		reps = 5;
	struct snet_inspect_config *cfg;
	if (snet_inspect_config_new(&cfg))
		return 1;
	snet_inspect_config_set(cfg, "cache-dir", argv[1]);
	snet_inspect_config_set(cfg, "classification-file", argv[2]);
	const char *paths[] = { argv[3] };
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	int rc = snet_inspect_ruleset_load(cfg, paths, 1, &rs, &rep);
	fprintf(stderr, "inspect_bench: %s (from cache: %d)\n", snet_inspect_report_summary(rep),
		snet_inspect_ruleset_from_cache(rs));
	snet_inspect_report_free(rep);
	snet_inspect_config_free(cfg);
	if (rc) {
		fprintf(stderr, "inspect_bench: load failed: %s\n", strerror(-rc));
		return 1;
	}

	/* the block-mode twins of the raw-stream databases, for the baseline */
	hs_database_t *stream_db[2] = { NULL, NULL };
	for (int d = 0; d < 2; d++) {
		rc = dbs_block_twin(rs, BUF_STREAM, (uint8_t)(d + 1), &stream_db[d]);
		if (rc) {
			fprintf(stderr, "inspect_bench: block twin: %s\n", strerror(-rc));
			return 1;
		}
	}

	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(argv[4], err);
	if (!pc) {
		fprintf(stderr, "inspect_bench: %s\n", err);
		return 1;
	}
	int dlt = pcap_datalink(pc);
	struct pkt *pk = NULL;
	size_t n = 0, cap = 0;
	uint64_t payload_bytes = 0;
	void *fdirs = NULL;
	long nfdirs = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		long off = ip_offset(dlt, h->caplen);
		if (off < 0 || (size_t)off > h->caplen)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			struct pkt *v = realloc(pk, cap * sizeof(*v));
			if (!v)
				return 1;
			pk = v;
		}
		struct pkt *p = &pk[n];
		memset(p, 0, sizeof(*p));
		p->stream = -1;
		p->len = h->caplen - (size_t)off;
		p->data = malloc(p->len ? p->len : 1);
		if (!p->data)
			return 1;
		memcpy(p->data, data + off, p->len);
		p->ts.tv_sec = h->ts.tv_sec;
		p->ts.tv_nsec = (long)h->ts.tv_usec * 1000;
		struct packet dp;
		const char *why;
		if (packet_decode(p->data, p->len, &dp, &why) == 0 && dp.plen) {
			/* servers sit on the low ports in the generated capture */
			int di = dp.sport > dp.dport ? 0 : 1;
			const struct prefilter_db *pdb = rs->dbs.idx[BUF_PAYLOAD][di][l4_slot(dp.ipproto)];
			p->di = di;
			p->payload = dp.payload;
			p->plen = dp.plen;
			p->db[0] = pdb ? pdb->db : NULL;
			p->db[1] = dp.ipproto == IPPROTO_TCP ? stream_db[di] : NULL;
			if (dp.ipproto == IPPROTO_TCP && rs->dbs.idx[BUF_STREAM][di][0]) {
				struct fdir *fd = fdir_get(&fdirs, &nfdirs, &dp);
				if (!fd)
					return 1;
				p->stream = fd->idx;
			}
			payload_bytes += dp.plen;
		}
		n++;
	}
	pcap_close(pc);
	/* each stream's last payload: the last packet naming it */
	hs_stream_t **streams = calloc(nfdirs ? (size_t)nfdirs : 1, sizeof(*streams));
	bool *seen = calloc(nfdirs ? (size_t)nfdirs : 1, sizeof(*seen));
	if (!streams || !seen)
		return 1;
	for (size_t i = n; i-- > 0;)
		if (pk[i].stream >= 0 && !seen[pk[i].stream])
			seen[pk[i].stream] = pk[i].stream_last = true;
	free(seen);

	hs_scratch_t *scratch = NULL;
	for (size_t i = 0; i < rs->dbs.n; i++)
		if (hs_alloc_scratch(rs->dbs.v[i].db, &scratch) != HS_SUCCESS)
			return 1;
	for (int d = 0; d < 2; d++)
		if (stream_db[d] && hs_alloc_scratch(stream_db[d], &scratch) != HS_SUCCESS)
			return 1;

	char evepath[4096];
	snprintf(evepath, sizeof(evepath), "%s/eve.json", argv[5]);
	double *te = calloc((size_t)reps, sizeof(double));
	double *tb = calloc((size_t)reps, sizeof(double));
	double *ratio = calloc((size_t)reps, sizeof(double));
	double *tt = calloc((size_t)reps, sizeof(double));
	double *tratio = calloc((size_t)reps, sizeof(double));
	if (!te || !tb || !ratio || !tt || !tratio)
		return 1;
	uint64_t alerts = 0, hits = 0, flows_memcap = 0, truncated = 0, scanned = 0;
	const char *only = getenv("INSPECT_BENCH_ONLY");
	bool run_engine = !only || !strcmp(only, "engine");
	bool run_base = !only || !strcmp(only, "hs_scan");
	for (int r = 0; r < reps; r++) {
		struct snet_inspect_ruleset *ers = NULL;
		unlink(evepath);
		struct snet_inspect_eve *eve;
		struct snet_inspect_worker *w;
		if (!run_engine)
			goto base;
		rc = snet_inspect_config_new(&cfg);
		if (!rc)
			rc = snet_inspect_config_set(cfg, "cache-dir", argv[1]);
		if (!rc)
			rc = snet_inspect_config_set(cfg, "classification-file", argv[2]);
		if (!rc)
			rc = snet_inspect_ruleset_load(cfg, paths, 1, &ers, NULL);
		snet_inspect_config_free(cfg);
		if (!rc)
			rc = snet_inspect_eve_open(evepath, &eve);
		if (!rc)
			rc = snet_inspect_worker_new(ers, eve, &w);
		if (rc) {
			fprintf(stderr, "inspect_bench: %s: %s\n", evepath, strerror(-rc));
			return 1;
		}
		double t0 = now();
		for (size_t i = 0; i < n; i++) {
			struct snet_inspect_verdict v;
			snet_inspect_worker_packet(w, pk[i].data, pk[i].len, &pk[i].ts, NULL, &v);
		}
		snet_inspect_worker_expire(w, NULL);
		te[r] = now() - t0;
		struct snet_inspect_stats st;
		snet_inspect_worker_stats(w, &st);
		alerts = st.alerts;
		flows_memcap = st.flows_memcap;
		truncated = st.reassembly_truncated;
		scanned = st.packets_scanned;
		snet_inspect_worker_free(w);
		snet_inspect_eve_close(eve);
		snet_inspect_ruleset_unref(ers);
base:
		if (!run_base) {
			fprintf(stderr, "inspect_bench: rep %d engine %.3fs\n", r, te[r]);
			continue;
		}
		hits = 0;
		t0 = now();
		for (size_t i = 0; i < n; i++) {
			const struct pkt *p = &pk[i];
			if (p->db[0] && hs_scan(p->db[0], (const char *)p->payload, (unsigned)p->plen,
						0, scratch, count_match, &hits) != HS_SUCCESS)
				return fail("hs_scan");
			if (p->stream < 0)
				continue;
			hs_stream_t **st = &streams[p->stream];
			if (!*st && hs_open_stream(rs->dbs.idx[BUF_STREAM][p->di][0]->db, 0, st) != HS_SUCCESS)
				return fail("hs_open_stream");
			if (hs_scan_stream(*st, (const char *)p->payload, (unsigned)p->plen, 0, scratch,
					   count_match, &hits) != HS_SUCCESS)
				return fail("hs_scan_stream");
			if (p->stream_last) {
				/* the engine asks for no end-of-data matches either */
				if (hs_close_stream(*st, NULL, NULL, NULL) != HS_SUCCESS)
					return fail("hs_close_stream");
				*st = NULL;
			}
		}
		tb[r] = now() - t0;
		uint64_t twin_hits = 0;
		t0 = now();
		for (size_t i = 0; i < n; i++) {
			for (int k = 0; k < 2; k++) {
				if (!pk[i].db[k])
					continue;
				if (hs_scan(pk[i].db[k], (const char *)pk[i].payload, (unsigned)pk[i].plen,
					    0, scratch, count_match, &twin_hits) != HS_SUCCESS)
					return fail("hs_scan");
			}
		}
		tt[r] = now() - t0;
		ratio[r] = run_engine ? tb[r] / te[r] : 0;
		tratio[r] = run_engine ? tt[r] / te[r] : 0;
		fprintf(stderr, "inspect_bench: rep %d engine %.3fs hs_scan %.3fs ratio %.3f "
			"(twin %.3fs ratio %.3f)\n", r, te[r], tb[r], ratio[r], tt[r], tratio[r]);
	}
	double mb = (double)payload_bytes / 1e6;
	double r_med = median(ratio, reps);
	double t_med = median(tratio, reps);
	double e_med = median(te, reps), b_med = median(tb, reps), tw_med = median(tt, reps);
	printf("bench inspector-capture packets=%zu payload_mb=%.1f scanned=%llu alerts=%llu "
	       "flows_memcap=%llu truncated=%llu prefilter_hits=%llu reps=%d\n",
	       n, mb, (unsigned long long)scanned, (unsigned long long)alerts,
	       (unsigned long long)flows_memcap, (unsigned long long)truncated,
	       (unsigned long long)hits, reps);
	printf("bench inspector-engine-throughput value=%.1fMB/s cpu=%.3fs\n", mb / e_med, e_med);
	printf("bench inspector-hs-scan-throughput value=%.1fMB/s cpu=%.3fs\n", mb / b_med, b_med);
	printf("bench inspector-throughput ratio=%.2f goal=>=0.8\n", r_med);
	printf("bench inspector-block-twin-throughput value=%.1fMB/s cpu=%.3fs\n", mb / tw_med, tw_med);
	printf("bench inspector-throughput-vs-block-twin ratio=%.2f (the old baseline, no goal)\n",
	       t_med);
	hs_free_scratch(scratch);
	for (int d = 0; d < 2; d++)
		hs_free_database(stream_db[d]);
	for (size_t i = 0; i < n; i++)
		free(pk[i].data);
	free(pk);
	free(te);
	free(tb);
	free(ratio);
	free(tt);
	free(tratio);
	free(streams);
	tdestroy(fdirs, free);
	snet_inspect_ruleset_unref(rs);
	return 0;
}
