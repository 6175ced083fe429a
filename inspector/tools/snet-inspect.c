// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-inspect: run the inspection engine over a capture file.
 *   snet-inspect -r capture.pcap -S rules-dir-or-file [-S more] [-c config] [-l outdir]
 * Writes outdir/eve.json and prints one stats line.  Exit status: 0 on
 * success, 1 on a usage or load error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "snet/inspect.h"

#define MAX_RULE_PATHS 64

static void usage(FILE *f)
{
	fprintf(f, "usage: snet-inspect -r capture.pcap -S rules-dir-or-file [-S ...]\n"
		   "                    [-c inspector.conf] [-l outdir] [-v]\n");
}

/* offset of the IP header for this link type, or -1 */
static long link_offset(int dlt, const u_char *d, size_t caplen)
{
	switch (dlt) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		return 4;
	case DLT_LINUX_SLL:
		return 16;
	case DLT_LINUX_SLL2:
		return 20;
	case DLT_EN10MB: {
		size_t off = 12;
		while (off + 2 <= caplen) {
			unsigned et = (unsigned)d[off] << 8 | d[off + 1];
			if (et == 0x8100 || et == 0x88a8) {
				off += 4;	/* VLAN tag */
				continue;
			}
			return (et == 0x0800 || et == 0x86dd) ? (long)off + 2 : -1;
		}
		return -1;
	}
	default:
		return -1;
	}
}

int main(int argc, char **argv)
{
	const char *pcap_path = NULL, *conf = NULL, *outdir = ".";
	const char *rules[MAX_RULE_PATHS];
	size_t nrules = 0;
	int verbose = 0, opt;
	while ((opt = getopt(argc, argv, "r:S:c:l:vh")) != -1) {
		switch (opt) {
		case 'r': pcap_path = optarg; break;
		case 'S':
			if (nrules == MAX_RULE_PATHS) {
				fprintf(stderr, "snet-inspect: too many -S\n");
				return 1;
			}
			rules[nrules++] = optarg;
			break;
		case 'c': conf = optarg; break;
		case 'l': outdir = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (!pcap_path || !nrules || optind != argc) {
		usage(stderr);
		return 1;
	}
	struct snet_inspect_config *cfg;
	if (snet_inspect_config_new(&cfg)) {
		fprintf(stderr, "snet-inspect: out of memory\n");
		return 1;
	}
	char err[512];
	if (conf && snet_inspect_config_load(cfg, conf, err, sizeof(err))) {
		fprintf(stderr, "snet-inspect: %s\n", err);
		snet_inspect_config_free(cfg);
		return 1;
	}
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	int rc = snet_inspect_ruleset_load(cfg, rules, nrules, &rs, &rep);
	for (size_t i = 0; i < snet_inspect_report_message_count(rep); i++)
		if (verbose || rc)
			fprintf(stderr, "%s\n", snet_inspect_report_message(rep, i));
	fprintf(stderr, "snet-inspect: %s\n", snet_inspect_report_summary(rep));
	snet_inspect_report_free(rep);
	snet_inspect_config_free(cfg);
	if (rc) {
		fprintf(stderr, "snet-inspect: cannot load rules: %s\n", strerror(-rc));
		return 1;
	}
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(pcap_path, pcap_err);
	if (!pc) {
		fprintf(stderr, "snet-inspect: %s\n", pcap_err);
		snet_inspect_ruleset_unref(rs);
		return 1;
	}
	char evepath[4096];
	snprintf(evepath, sizeof(evepath), "%s/eve.json", outdir);
	struct snet_inspect_eve *eve;
	rc = snet_inspect_eve_open(evepath, &eve);
	if (rc) {
		fprintf(stderr, "snet-inspect: %s: %s\n", evepath, strerror(-rc));
		pcap_close(pc);
		snet_inspect_ruleset_unref(rs);
		return 1;
	}
	struct snet_inspect_worker *w;
	rc = snet_inspect_worker_new(rs, eve, &w);
	if (rc) {
		fprintf(stderr, "snet-inspect: worker: %s\n", strerror(-rc));
		return 1;
	}
	int dlt = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t skipped = 0, bytes = 0;
	int r;
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		long off = link_offset(dlt, data, h->caplen);
		if (off < 0 || (size_t)off > h->caplen) {
			skipped++;
			continue;
		}
		struct timespec ts = { h->ts.tv_sec, (long)h->ts.tv_usec * 1000 };
		struct snet_inspect_verdict v;
		bytes += h->caplen - (size_t)off;
		snet_inspect_worker_packet(w, data + off, h->caplen - (size_t)off, &ts, NULL, &v);
	}
	if (r == -1)
		fprintf(stderr, "snet-inspect: %s: %s\n", pcap_path, pcap_geterr(pc));
	snet_inspect_worker_expire(w, NULL);
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(w, &st);
	printf("stats packets=%llu scanned=%llu invalid=%llu bypassed=%llu flow_dropped=%llu "
	       "skipped_link=%llu bytes=%llu alerts=%llu accept=%llu drop=%llu reject=%llu pass=%llu "
	       "flows=%llu flows_memcap=%llu http_memcap=%llu truncated=%llu ooo_dropped=%llu "
	       "defrag_fragments=%llu defrag_reassembled=%llu defrag_invalid=%llu "
	       "defrag_memcap=%llu defrag_timeouts=%llu defrag_too_large=%llu "
	       "defrag_overlaps=%llu defrag_overlap_conflicts=%llu eve_lines=%llu\n",
	       (unsigned long long)st.packets_seen, (unsigned long long)st.packets_scanned,
	       (unsigned long long)st.packets_invalid, (unsigned long long)st.packets_bypassed,
	       (unsigned long long)st.packets_flow_dropped, (unsigned long long)skipped,
	       (unsigned long long)bytes, (unsigned long long)st.alerts,
	       (unsigned long long)st.verdict_accept, (unsigned long long)st.verdict_drop,
	       (unsigned long long)st.verdict_reject, (unsigned long long)st.verdict_pass,
	       (unsigned long long)st.flows_created, (unsigned long long)st.flows_memcap,
	       (unsigned long long)st.http_memcap,
	       (unsigned long long)st.reassembly_truncated,
	       (unsigned long long)st.reassembly_ooo_dropped,
	       (unsigned long long)st.defrag_fragments, (unsigned long long)st.defrag_reassembled,
	       (unsigned long long)st.defrag_invalid, (unsigned long long)st.defrag_memcap,
	       (unsigned long long)st.defrag_timeouts, (unsigned long long)st.defrag_too_large,
	       (unsigned long long)st.defrag_overlaps,
	       (unsigned long long)st.defrag_overlap_conflicts,
	       (unsigned long long)snet_inspect_eve_lines(eve));
	snet_inspect_worker_free(w);
	snet_inspect_eve_close(eve);
	snet_inspect_ruleset_unref(rs);
	pcap_close(pc);
	return r == -1 ? 1 : 0;
}
