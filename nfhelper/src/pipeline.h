/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision pipeline: every event the main loop submits is answered,
 * off the receive path, in this order of authority:
 *
 *   policy file  ->  remote server  ->  prompt  ->  default
 *
 * Threads: the policy step (microseconds, never blocking) runs in the
 * thread that submits, or in `workers` deciders; `remote_connections`
 * remote workers each hold one connection to the decision server and ask
 * it within a budget; one prompt broker holds the events that wait for a
 * person and releases each, answered or not, before the kernel's timeout;
 * one writer appends the decision log's lines after the verdicts went out.
 * A slow server, an absent person or a slow disk only ever delays the
 * event they are deciding (the disk: no event).
 *
 * The verdict reaches the kernel through struct verdict_ops: each thread
 * that answers opens its own sender (in snetd, its own netlink socket,
 * since the kernel checks the sender by process and libsnet handles are
 * not thread-safe).
 */
#ifndef SNETD_PIPELINE_H
#define SNETD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decision.h"
#include "remote.h"
#include "snet_nl.h"

struct declog;
struct policy;
struct pipeline;

struct verdict_ops {
	void *ctx;
	/* Open the calling thread's sender; called once per answering thread. */
	int (*open)(void *ctx, void **sender);
	void (*close)(void *ctx, void *sender);
	/* Answer event @id; 0 or a negative errno. */
	int (*send)(void *sender, uint32_t id, const struct decision *d);
};

struct pipeline_params {
	/* Policy-deciding threads; 0: the thread that calls pipeline_submit()
	 * runs the policy step itself (then it alone submits, and stops). */
	unsigned int workers;
	uint32_t timeout_ms;		/* the kernel's wait for a verdict */
	uint32_t margin_ms;		/* answer this long before it ends */
	struct decision fallback;	/* the default step's verdict and ticket */
	const char *remote_host;	/* NULL or "": no remote step */
	const char *remote_port;
	uint32_t remote_timeout_ms;
	unsigned int remote_connections;
	const struct remote_tls *remote_tls;	/* NULL: plain TCP */
	bool prompt_enabled;
	const char *policy_path;	/* reloads and "always" rules */
	struct declog *log;		/* NULL: no decision log */
};

enum job_stage {
	STAGE_QUEUED,		/* waiting for a decider */
	STAGE_POLICY,
	STAGE_REMOTE_QUEUED,	/* waiting for a remote worker */
	STAGE_REMOTE,
	STAGE_PROMPT,		/* held for a person */
	STAGE_ANSWERING,	/* decided, verdict being sent */
};

const char *stage_name(enum job_stage stage);

struct inflight_info {
	const struct snet_event *ev;
	enum job_stage stage;
	uint64_t age_ms;	/* since the event was received */
	int64_t left_ms;	/* until snetd's deadline (negative: past) */
};

struct pipeline_stats {
	uint64_t submitted;
	uint64_t decided[N_DECIDERS];
	uint64_t allowed, denied;
	uint64_t remote_errors;		/* timeouts, refusals, bad replies */
	uint64_t remote_skipped;	/* too little time left to ask */
	uint64_t send_errors;		/* the kernel refused a verdict */
	uint64_t log_errors;
	uint64_t policy_reloads, policy_reload_failures, rules_added;
	uint64_t in_flight, held_for_prompt;
	unsigned int prompt_clients;
	uint64_t max_latency_us;
	uint64_t log_queued;		/* answered, line not yet written */
};

/* Start the threads.  Takes a reference to @policy (the caller keeps its). */
int pipeline_start(const struct pipeline_params *params,
		   const struct verdict_ops *ops, struct policy *policy,
		   struct pipeline **out, char *err, size_t errlen);
/*
 * Answer everything still in flight (policy, else the default: remote and
 * prompt are skipped once stopping), join the threads and free.
 */
void pipeline_stop(struct pipeline *pl);

/* How many of the latest submitted ids pipeline_submit() remembers. */
#define PIPELINE_RECENT_IDS 32768u

/*
 * Hand @ev (received at monotonic time @recv_ns) to the deciders; copies
 * it.  Never blocks on a decision.  An event from the kernel's pending
 * list carries timeout_left_ms, which shortens its deadline.  -EINVAL for
 * a notification (id 0), -EEXIST if that id is in flight or was submitted
 * lately (the pending list and the event socket can both bring a call),
 * -ESHUTDOWN when stopping.
 */
int pipeline_submit(struct pipeline *pl, const struct snet_event *ev,
		    uint64_t recv_ns);
bool pipeline_in_flight(struct pipeline *pl, uint32_t id);

/* Events in flight, oldest first, under a lock (keep @cb short). */
int pipeline_inflight_foreach(struct pipeline *pl,
			      int (*cb)(const struct inflight_info *i, void *arg),
			      void *arg);

/* Re-read the policy file; on error the running policy stays. */
int pipeline_reload_policy(struct pipeline *pl, char *err, size_t errlen);
/* A new reference to the running policy (policy_put() it). */
struct policy *pipeline_policy(struct pipeline *pl);

void pipeline_stats(struct pipeline *pl, struct pipeline_stats *out);

/* --- the prompt ---------------------------------------------------------- */

/* An eventfd that becomes readable whenever the held set changes. */
int pipeline_prompt_fd(struct pipeline *pl);
/* Prompt clients attached; events reach the prompt step only while >= 1. */
void pipeline_prompt_attach(struct pipeline *pl);
void pipeline_prompt_detach(struct pipeline *pl);
/* Events held for the prompt (@left_ms until the default applies). */
int pipeline_prompt_foreach(struct pipeline *pl,
			    int (*cb)(const struct snet_event *ev,
				      int64_t left_ms, void *arg),
			    void *arg);

struct prompt_answer {
	uint8_t verdict;	/* SNET_VERDICT_ALLOW or _DENY */
	uint8_t life;		/* enum snet_ticket_life */
	uint32_t seconds;
	bool always;		/* also append a rule to the policy file */
	uint32_t uid;		/* who answered */
};

/* Answer held event @id.  -ENOENT if it is not (or no longer) held. */
int pipeline_prompt_answer(struct pipeline *pl, uint32_t id,
			   const struct prompt_answer *ans);

#endif /* SNETD_PIPELINE_H */
