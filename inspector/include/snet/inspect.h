/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsnetinspect: Suricata-compatible signatures on Hyperscan.
 *
 * Objects are opaque; functions are named snet_inspect_<object>_<verb>().
 * Functions returning int give 0 (or a count) on success and a negative
 * errno on failure; they never abort on bad input.
 *
 *   config   variables and limits (inspector.conf, or set one by one)
 *   ruleset  an immutable, refcounted, compiled rule set; share it freely
 *            between threads
 *   report   what a load did: rules loaded, and why each rejected rule was
 *   eve      the thread-safe EVE-JSON alert log
 *   worker   one per packet thread: Hyperscan scratch and its flow table;
 *            never share a worker between threads
 */
#ifndef SNET_INSPECT_H
#define SNET_INSPECT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

struct snet_inspect_config;
struct snet_inspect_ruleset;
struct snet_inspect_report;
struct snet_inspect_eve;
struct snet_inspect_worker;

/* ---- configuration -------------------------------------------------- */

int snet_inspect_config_new(struct snet_inspect_config **out);
void snet_inspect_config_free(struct snet_inspect_config *cfg);
/*
 * Read an ini file ([vars] NAME = value, [engine] key = value).  On a
 * syntax error or an unknown key, returns -EINVAL and writes
 * "file:line: why" into err.
 */
int snet_inspect_config_load(struct snet_inspect_config *cfg, const char *path,
			     char *err, size_t errlen);
/* Set a rule variable: name without '$', e.g. ("HOME_NET", "[10.0.0.0/8]"). */
int snet_inspect_config_set_var(struct snet_inspect_config *cfg,
				const char *name, const char *value);
/*
 * Set an engine option (same keys as the [engine] section):
 * classification-file, cache-dir, cache-keep, threshold-file,
 * reassembly-depth, flow-memcap, flow-max, http-body-limit, tcp-timeout,
 * tcp-closed-timeout, udp-timeout, midstream, defrag-memcap, defrag-timeout.
 * Returns -EINVAL for an unknown key or a bad value.
 */
int snet_inspect_config_set(struct snet_inspect_config *cfg, const char *key,
			    const char *value);

/* ---- rule sets -------------------------------------------------------- */

/*
 * Load and compile rules from files and/or directories (every *.rules file
 * in a directory, in name order).  The report is always returned when
 * report != NULL, even on failure, and must be freed.  Rules that do not
 * parse or use something unsupported are skipped and listed in the report;
 * the call fails (-EINVAL) only if no rule loads, a file cannot be read
 * (-errno), or the databases cannot be built.  On failure *out is left
 * untouched, so a caller's current rule set keeps running.
 */
int snet_inspect_ruleset_load(const struct snet_inspect_config *cfg,
			      const char *const *paths, size_t npaths,
			      struct snet_inspect_ruleset **out,
			      struct snet_inspect_report **report);
/*
 * Parse and test-compile only (no cache is read or written): what
 * snet-update calls before installing a feed.  Returns 0 if at least one
 * rule loads and the databases compile.
 */
int snet_inspect_ruleset_check(const struct snet_inspect_config *cfg,
			       const char *const *paths, size_t npaths,
			       struct snet_inspect_report **report);
struct snet_inspect_ruleset *
snet_inspect_ruleset_ref(struct snet_inspect_ruleset *rs);
void snet_inspect_ruleset_unref(struct snet_inspect_ruleset *rs);
size_t snet_inspect_ruleset_rule_count(const struct snet_inspect_ruleset *rs);
/* 1 if the compiled databases came from the on-disk cache. */
int snet_inspect_ruleset_from_cache(const struct snet_inspect_ruleset *rs);

size_t snet_inspect_report_loaded(const struct snet_inspect_report *r);
size_t snet_inspect_report_rejected(const struct snet_inspect_report *r);
/* Rules whose requires: this engine does not meet: not errors, not loaded,
 * not in the total ("sid N: skipped, requires ..." messages). */
size_t snet_inspect_report_skipped(const struct snet_inspect_report *r);
/* Messages: "file:line: sid N: unsupported keyword 'x'", parse errors... */
size_t snet_inspect_report_message_count(const struct snet_inspect_report *r);
const char *snet_inspect_report_message(const struct snet_inspect_report *r,
					size_t i);
/* One line: "loaded L of T rules (R rejected: N unsupported keyword 'x', ...)" */
const char *snet_inspect_report_summary(const struct snet_inspect_report *r);
void snet_inspect_report_free(struct snet_inspect_report *r);

/* ---- EVE alert log ------------------------------------------------------ */

/* Open (append) path; "-" means stdout. */
int snet_inspect_eve_open(const char *path, struct snet_inspect_eve **out);
/* Reopen the same path (logrotate).  Safe against concurrent writers. */
int snet_inspect_eve_reopen(struct snet_inspect_eve *eve);
/*
 * Async-signal-safe: only sets a flag; the next write reopens the file.
 * Call it from a SIGHUP handler.
 */
void snet_inspect_eve_request_reopen(struct snet_inspect_eve *eve);
/* Lines written, and write errors seen (a full disk is counted, not fatal). */
uint64_t snet_inspect_eve_lines(const struct snet_inspect_eve *eve);
uint64_t snet_inspect_eve_errors(const struct snet_inspect_eve *eve);
void snet_inspect_eve_close(struct snet_inspect_eve *eve);

/* ---- workers and packets ------------------------------------------------ */

/* What the caller knows about the socket that sent the packet (optional). */
struct snet_inspect_meta {
	int has_process;		/* pid..gid below are valid */
	pid_t pid, tgid;
	uid_t uid;
	gid_t gid;
	const char *comm;		/* may be NULL */
	const char *exe;		/* may be NULL */
	int has_cookie;
	uint64_t socket_cookie;
	/*
	 * What the caller does to the socket when this packet's verdict is
	 * DROP or REJECT (e.g. "deny-ticket"); written as snet.socket_action.
	 * NULL: "none".
	 */
	const char *socket_action;
};

enum snet_inspect_action {
	SNET_INSPECT_ACCEPT = 0,	/* let the packet go */
	SNET_INSPECT_DROP,		/* drop; the flow stays dropped */
	SNET_INSPECT_REJECT,		/* drop and reset; flow stays dropped */
	SNET_INSPECT_PASS,		/* accept and bypass the rest of the flow */
};

struct snet_inspect_alert {
	uint32_t gid, sid, rev;
	int action;			/* the rule's action: 'a','d','r','p' */
};

#define SNET_INSPECT_MAX_ALERTS 16

struct snet_inspect_verdict {
	enum snet_inspect_action action;
	int scanned;			/* 1 if detection ran on this packet */
	unsigned nalerts;		/* alerts logged for this packet */
	unsigned nalerts_kept;		/* how many are in alerts[] */
	struct snet_inspect_alert alerts[SNET_INSPECT_MAX_ALERTS];
};

/*
 * Counters of one worker.  For every packet exactly one of these holds:
 * scanned, bypassed (its flow passed), flow_dropped (its flow was dropped
 * earlier), invalid (could not be decoded).  So
 *   packets_seen == packets_scanned + packets_bypassed
 *                   + packets_flow_dropped + packets_invalid.
 * An IP fragment is a packet (inspected as IP alone, with no flow: it is
 * scanned, or invalid), and so is each datagram reassembled from
 * fragments, inspected like a packet that came whole: packets_seen is the
 * packets given to snet_inspect_worker_packet plus defrag_reassembled.
 * The verdict_* counters count each of them too (their sum is
 * packets_seen), though the caller gets one merged verdict for the
 * fragment that completed a datagram.
 */
struct snet_inspect_stats {
	uint64_t packets_seen;
	uint64_t packets_scanned;
	uint64_t packets_bypassed;
	uint64_t packets_flow_dropped;
	uint64_t packets_invalid;
	uint64_t verdict_accept, verdict_drop, verdict_reject, verdict_pass;
	uint64_t alerts;
	uint64_t flows_created, flows_ended, flows_active;
	uint64_t flows_memcap;		/* flows not tracked: over flow-memcap */
	uint64_t flow_memory;		/* bytes in use now */
	uint64_t reassembly_truncated;	/* stream bytes past reassembly-depth */
	uint64_t reassembly_ooo_dropped;/* out-of-order segments not kept */
	uint64_t ruleset_switches;
	uint64_t flows_on_old_ruleset;	/* flows still using a previous set */
	/*
	 * Stream bytes within reassembly-depth that raw-stream rules did not
	 * see because the flow memory cap was reached (the application
	 * parsers still saw them).
	 */
	uint64_t reassembly_memcap;
	/* TLS ClientHellos not parsed, and servers whose certificate was not
	 * looked for: flow memory cap */
	uint64_t tls_memcap;
	/* HTTP parser state refused under the flow memory cap (a body kept
	 * only up to there, or a flow side no longer parsed) */
	uint64_t http_memcap;
	/* Hyperscan scan errors, and prefilter hits lost for lack of memory */
	uint64_t prefilter_errors;
	/* xbits sets refused: the rule set's table was full of live bits */
	uint64_t xbits_full;
	/* packets logged for a rule's tag:session (EVE "packet" events) */
	uint64_t tagged_packets;
	/* DCERPC parser state refused under the flow memory cap (a call's
	 * stub data cut short, or a flow side no longer parsed) */
	uint64_t dcerpc_memcap;
	/* DCERPC flow sides no longer parsed: a malformed PDU */
	uint64_t dcerpc_malformed;
	/* SMTP parser state refused under the flow memory cap (an
	 * attachment cut short, or a flow no longer parsed) */
	uint64_t smtp_memcap;
	/* attachments inspected only up to SMTP_FILE_MAX (1 MiB) or to
	 * what the flow memory cap allowed */
	uint64_t smtp_file_truncated;
	/* attachments of a message past the 16th: not inspected */
	uint64_t smtp_files_lost;
	/*
	 * IP fragment reassembly (defrag-memcap, defrag-timeout).  A
	 * datagram dropped from reassembly is not inspected whole; its
	 * fragments still are, one by one.
	 */
	uint64_t defrag_fragments;	/* fragments seen (decoded) */
	uint64_t defrag_reassembled;	/* datagrams made whole and inspected */
	/* fragments not taken in: empty, or a fragment with more after it
	 * whose length is not a multiple of 8 */
	uint64_t defrag_invalid;
	/* fragments refused under defrag-memcap (or for lack of memory):
	 * their datagram is dropped from reassembly */
	uint64_t defrag_memcap;
	/* datagrams given up incomplete: past defrag-timeout after their
	 * first fragment, or at an expiry of everything (end of input) */
	uint64_t defrag_timeouts;
	/* datagrams dropped: longer than 65535 bytes (IPv4 total length,
	 * IPv6 payload length), or more than 256 fragments */
	uint64_t defrag_too_large;
	/* fragments that overlapped bytes held (duplicates included), and
	 * those of them whose bytes differ from what is held, or that
	 * disagree on where the datagram ends: the evasion signal (the
	 * bytes held first are the ones inspected) */
	uint64_t defrag_overlaps;
	uint64_t defrag_overlap_conflicts;
	uint64_t defrag_memory;		/* bytes held now */
};

int snet_inspect_worker_new(struct snet_inspect_ruleset *rs,
			    struct snet_inspect_eve *eve,
			    struct snet_inspect_worker **out);
/*
 * Switch to a new rule set between two packets.  New flows use it; flows
 * in progress keep the set they started with until they end, so their
 * flowbits and stream state stay consistent.  Takes its own reference.
 */
int snet_inspect_worker_set_ruleset(struct snet_inspect_worker *w,
				    struct snet_inspect_ruleset *rs);
/*
 * Inspect one packet starting at its IPv4/IPv6 header.  ts is the packet
 * time (drives flow timeouts).  meta may be NULL.  Fills *v; returns 0, or
 * a negative errno for a caller error (NULL pointers).  An undecodable
 * packet is not an error: it is accepted and counted as invalid.  An IP
 * fragment is inspected alone and kept for reassembly; for the fragment
 * that completes a datagram, *v is the whole datagram's verdict (unless
 * the fragment's own rules dropped or rejected it) with both their alerts.
 */
int snet_inspect_worker_packet(struct snet_inspect_worker *w,
			       const uint8_t *pkt, size_t len,
			       const struct timespec *ts,
			       const struct snet_inspect_meta *meta,
			       struct snet_inspect_verdict *v);
/*
 * End flows idle past their timeout at time ts, and give up the datagrams
 * whose fragments came more than defrag-timeout ago (all flows and all
 * held fragments if ts == NULL).
 */
void snet_inspect_worker_expire(struct snet_inspect_worker *w,
				const struct timespec *ts);
void snet_inspect_worker_stats(const struct snet_inspect_worker *w,
			       struct snet_inspect_stats *st);
void snet_inspect_worker_free(struct snet_inspect_worker *w);

const char *snet_inspect_action_name(enum snet_inspect_action a);

#ifdef __cplusplus
}
#endif
#endif
