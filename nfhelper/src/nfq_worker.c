// SPDX-License-Identifier: GPL-2.0-or-later
/* An inspection worker: one queue, one thread, one inspector worker. */
#include "nfq_worker.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "inspect_engine.h"
#include "log.h"
#include "nfq.h"
#include "nfq_msg.h"
#include "nfq_verdict.h"
#include "pkttuple.h"
#include "snet_nl.h"

#define ATTR_SLOTS 4096
#define EXPIRE_EVERY_MS 1000
/* How long a reader of the counters waits for the worker's copy. */
#define SNAP_WAIT_MS 500
/* Bursts handled before looking at the wake fd again. */
#define BURSTS_PER_WAKE 16

enum { RUN, DRAIN, STOP };

/*
 * A queue the worker reads.  The main queue has NFQA_CFG_F_GSO: GSO
 * packets come whole, one verdict each.  One too long to be copied whole
 * (over 65535 bytes: loopback's 64 KiB MTU makes them) goes back to the
 * kernel with NF_QUEUE to the worker's segment queue, which lacks the
 * flag, so the kernel segments it and queues the segments there.
 */
struct qside {
	struct nfq_sock *q;
	uint16_t num;
	bool segments;		/* the segment queue */
	struct nfq_idtrack ids;
	bool have_accept;
	uint32_t max_accept;
};

struct nfq_worker {
	struct nfq_worker_params p;
	struct qside main, seg;	/* seg.q is NULL without GSO */
	struct snet_inspect_worker *iw;
	struct snet_nl *nl;		/* this thread's, NULL without the LSM */
	struct sockattr *attr;
	int wake_fd;
	pthread_t thread;
	bool started;
	atomic_int mode;
	int drain_ms;
	unsigned int label_shift;

	/* the thread's own */
	struct nfq_worker_stats st;
	struct timespec now;
	uint64_t now_ms;

	/* The counters are copied out when someone asks (the inspector's
	 * counters walk its flows: too dear to copy after every burst). */
	pthread_mutex_t snap_lock;
	pthread_cond_t snap_cond;
	uint64_t snap_req, snap_done;	/* under snap_lock */
	atomic_bool snap_wanted;
	struct nfq_worker_stats snap;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void snapshot(struct nfq_worker *w)
{
	uint64_t req;

	atomic_store(&w->snap_wanted, false);
	pthread_mutex_lock(&w->snap_lock);
	req = w->snap_req;
	pthread_mutex_unlock(&w->snap_lock);
	snet_inspect_worker_stats(w->iw, &w->st.inspect);
	sockattr_stats(w->attr, &w->st.attr);
	pthread_mutex_lock(&w->snap_lock);
	w->snap = w->st;
	w->snap_done = req;
	pthread_cond_broadcast(&w->snap_cond);
	pthread_mutex_unlock(&w->snap_lock);
}

/* Between bursts: a copy of the counters if someone asked for one. */
static void maybe_snapshot(struct nfq_worker *w)
{
	if (atomic_load_explicit(&w->snap_wanted, memory_order_relaxed))
		snapshot(w);
}

/* Between two packets: take the engine's current rule set if it changed. */
static void follow_ruleset(struct nfq_worker *w)
{
	struct snet_inspect_ruleset *rs;
	unsigned int gen;
	int rc;

	if (inspect_engine_generation(w->p.engine) == w->st.generation)
		return;
	rs = inspect_engine_get(w->p.engine, &gen);
	rc = snet_inspect_worker_set_ruleset(w->iw, rs);
	snet_inspect_ruleset_unref(rs);
	if (rc) {
		log_msg(LOG_ERR, "queue %u: cannot switch to rule set %u: %s",
			w->p.queue, gen, strerror(-rc));
		return;
	}
	w->st.generation = gen;
}

/* Send what the burst decided: the packets' own verdicts, then one batch
 * verdict for every plain accept up to the highest (ids rise with time,
 * and the packets with their own verdict already left the queue). */
static void flush(struct nfq_worker *w, struct qside *qs)
{
	struct nfq_out *o = nfq_sock_out(qs->q);
	int rc;

	if (qs->have_accept) {
		rc = nfq_out_batch(o, qs->num, qs->max_accept, NF_ACCEPT);
		if (rc)
			log_msg(LOG_ERR, "queue %u: batch verdict: %s", qs->num,
				strerror(-rc));
		qs->have_accept = false;
	}
	rc = nfq_sock_flush(qs->q);
	if (rc) {
		/* The kernel keeps the packets; fail-open/closed of the
		 * queue (and its length) decides what becomes of them. */
		w->st.send_errors++;
		log_msg(LOG_ERR, "queue %u: sending verdicts: %s", qs->num,
			strerror(-rc));
	}
}

static void deny_socket(struct nfq_worker *w, struct sock_owner *o)
{
	struct snet_ticket t = {
		.cookie = o->cookie,
		.syscall_mask = 1u << SNET_SYSCALL_SENDMSG,
		.verdict = SNET_VERDICT_DENY,
		.life = SNET_TICKET_TASK,	/* until the socket closes */
	};
	int rc;

	o->ticketed = true;	/* once per flow, whatever the outcome */
	rc = snet_nl_ticket_set(w->nl, &t);
	if (rc) {
		w->st.ticket_errors++;
		log_msg(LOG_WARNING, "queue %u: deny ticket for socket %llu (%s[%u]): %s",
			w->p.queue, (unsigned long long)o->cookie, o->comm, o->tgid,
			strerror(-rc));
		return;
	}
	w->st.tickets++;
	log_msg(LOG_NOTICE, "socket %llu of %s[%u] uid %u (%s) denied: its next sendmsg fails",
		(unsigned long long)o->cookie, o->comm, o->tgid, o->uid,
		o->exe ? o->exe : "?");
}

static void answer(struct nfq_worker *w, struct qside *qs,
		   const struct nfq_pkt *pkt, const struct nfq_verdict_plan *vp)
{
	struct nfq_out *o = nfq_sock_out(qs->q);
	int rc;

	if (vp->batch) {
		qs->have_accept = true;
		qs->max_accept = pkt->id;
		return;
	}
	rc = nfq_out_verdict(o, qs->num, pkt->id, vp->verdict, vp->set_mark,
			     vp->mark, vp->ctmark_bits);
	if (rc == -ENOSPC) {
		flush(w, qs);
		rc = nfq_out_verdict(o, qs->num, pkt->id, vp->verdict,
				     vp->set_mark, vp->mark, vp->ctmark_bits);
	}
	if (rc)
		log_msg(LOG_ERR, "queue %u: verdict for packet %u: %s", qs->num,
			pkt->id, strerror(-rc));
}

static void packet(struct nfq_worker *w, struct qside *qs,
		   const struct nfq_pkt *pkt)
{
	const struct nfq_settings *cfg = w->p.cfg;
	struct snet_inspect_meta meta = { 0 };
	struct snet_inspect_verdict v;
	struct nfq_verdict_plan vp;
	struct sock_owner *owner = NULL;
	struct pkt_tuple t;
	bool have_tuple;
	int rc;

	w->st.packets++;
	w->st.bytes += pkt->orig_len;
	w->st.lost += nfq_idtrack_note(&qs->ids, pkt->id);
	if (qs->segments)
		w->st.segments++;
	follow_ruleset(w);
	if (pkt->orig_len > pkt->len && (pkt->skb_info & NFQA_SKB_GSO) &&
	    w->seg.q && !qs->segments) {
		/* Too long to copy whole: to the segment queue, whose
		 * segments come back to this worker one by one. */
		memset(&vp, 0, sizeof(vp));
		vp.verdict = NF_QUEUE | ((uint32_t)w->seg.num << NF_VERDICT_QBITS);
		w->st.gso_requeued++;
		answer(w, qs, pkt, &vp);
		return;
	}
	if (!pkt->payload || pkt->orig_len > pkt->len) {
		/* Cannot be inspected whole: the queue's fail-open setting
		 * says what happens to what cannot be inspected. */
		w->st.truncated++;
		log_msg(LOG_DEBUG, "queue %u: packet %u: %u bytes, %zu copied (skb info 0x%x)",
			qs->num, pkt->id, pkt->orig_len, pkt->len, pkt->skb_info);
		nfq_verdict_plan(cfg->fail_open ? SNET_INSPECT_ACCEPT :
				 SNET_INSPECT_DROP, pkt->mark, cfg->reject_mark,
				 cfg->pass_ctmark, &vp);
		vp.deny_socket = false;
		goto act;
	}
	have_tuple = !pkt_tuple_parse(pkt->payload, pkt->len, &t);
	if (w->p.lsm && have_tuple) {
		uint32_t label = w->label_shift < 32 ?
				 (pkt->mark & cfg->label_mask) >> w->label_shift : 0;

		owner = sockattr_lookup(w->attr, &t, label,
					pkt->hook == NF_INET_LOCAL_OUT,
					pkt->has_gid ? (int64_t)pkt->gid : -1,
					w->now_ms);
	}
	if (owner && owner->known) {
		w->st.attributed++;
		meta.has_process = 1;
		meta.pid = (pid_t)owner->pid;
		meta.tgid = (pid_t)owner->tgid;
		meta.uid = owner->uid;
		meta.gid = owner->gid;
		meta.comm = owner->comm;
		meta.exe = owner->exe;
		meta.has_cookie = owner->has_cookie;
		meta.socket_cookie = owner->cookie;
		if (w->nl && cfg->deny_ticket && owner->has_cookie)
			meta.socket_action = "deny-ticket";
	}
	rc = snet_inspect_worker_packet(w->iw, pkt->payload, pkt->len, &w->now,
					&meta, &v);
	if (rc) {
		log_msg(LOG_ERR, "queue %u: inspector: %s", w->p.queue, strerror(-rc));
		v.action = cfg->fail_open ? SNET_INSPECT_ACCEPT : SNET_INSPECT_DROP;
		v.nalerts = 0;
	}
	w->st.alerts += v.nalerts;
	if ((v.action == SNET_INSPECT_DROP || v.action == SNET_INSPECT_REJECT) &&
	    !v.scanned && have_tuple && t.proto == IPPROTO_TCP &&
	    (t.tcp_flags & TH_RST) && !t.l4_payload) {
		/* A bare reset in a flow dropped earlier carries nothing
		 * and ends the connection: let it through.  (The reset a
		 * reject verdict makes comes this way.) */
		v.action = SNET_INSPECT_ACCEPT;
		w->st.resets_released++;
	}
	nfq_verdict_plan((int)v.action, pkt->mark, cfg->reject_mark,
			 cfg->pass_ctmark, &vp);
	if (vp.deny_socket && owner && owner->known && owner->has_cookie &&
	    !owner->ticketed && w->nl && cfg->deny_ticket)
		deny_socket(w, owner);
act:
	switch (vp.verdict) {
	case NF_DROP:
		w->st.dropped++;
		break;
	case NF_REPEAT:
		w->st.rejected++;
		break;
	default:
		if (vp.ctmark_bits)
			w->st.passed++;
		else
			w->st.accepted++;
		break;
	}
	answer(w, qs, pkt, &vp);
}

struct msg_ctx {
	struct nfq_worker *w;
	struct qside *qs;
};

static int on_message(int kind, const struct nfq_pkt *pkt, int err, void *arg)
{
	struct msg_ctx *c = arg;
	struct nfq_worker *w = c->w;

	if (kind == NFQ_MSG_PACKET)
		packet(w, c->qs, pkt);
	else if (kind == NFQ_MSG_ERROR && err)
		w->st.verdict_errors++;
	else if (kind < 0)
		w->st.recv_errors++;
	return 0;
}

/* Read and answer bursts until the queue is empty (or enough for now). */
static int drain_bursts(struct nfq_worker *w, struct qside *qs)
{
	struct msg_ctx ctx = { .w = w, .qs = qs };
	int total = 0;

	for (int b = 0; b < BURSTS_PER_WAKE; b++) {
		int n = nfq_sock_recv(qs->q);

		if (n < 0) {
			w->st.recv_errors++;
			log_msg(LOG_ERR, "queue %u: receive: %s", qs->num,
				strerror(-n));
			break;
		}
		if (n == 0)
			break;
		clock_gettime(CLOCK_REALTIME, &w->now);
		w->now_ms = mono_ms();
		w->st.bursts++;
		for (int i = 0; i < n; i++) {
			const void *buf;
			size_t len;

			nfq_sock_datagram(qs->q, (unsigned int)i, &buf, &len);
			if (nfq_msg_each(buf, len, on_message, &ctx))
				w->st.recv_errors++;
		}
		flush(w, qs);
		maybe_snapshot(w);
		total += n;
	}
	return total;
}

static void *worker_main(void *arg)
{
	struct nfq_worker *w = arg;
	struct pollfd pfd[3] = {
		{ .fd = w->wake_fd, .events = POLLIN },
		{ .fd = nfq_sock_fd(w->main.q), .events = POLLIN },
		{ .fd = w->seg.q ? nfq_sock_fd(w->seg.q) : -1, .events = POLLIN },
	};
	uint64_t last_expire = mono_ms(), drain_until = 0;

	for (;;) {
		int mode = atomic_load(&w->mode), n;

		if (mode == STOP)
			break;
		if (mode == DRAIN && !drain_until)
			drain_until = mono_ms() + (uint64_t)w->drain_ms;
		n = poll(pfd, 3, mode == DRAIN ? 20 : EXPIRE_EVERY_MS);
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "queue %u: poll: %s", w->p.queue, strerror(errno));
			break;
		}
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			uint64_t v;

			if (read(w->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				log_msg(LOG_WARNING, "queue %u: wake fd: %s", w->p.queue,
					strerror(errno));
		}
		follow_ruleset(w);
		/* Segments first: they are older than what waits on main. */
		n = w->seg.q ? drain_bursts(w, &w->seg) : 0;
		n += drain_bursts(w, &w->main);
		if (mode == DRAIN && (n == 0 || mono_ms() >= drain_until))
			break;
		maybe_snapshot(w);
		if (mono_ms() - last_expire >= EXPIRE_EVERY_MS) {
			struct timespec now;

			clock_gettime(CLOCK_REALTIME, &now);
			snet_inspect_worker_expire(w->iw, &now);
			last_expire = mono_ms();
		}
	}
	snapshot(w);
	return NULL;
}

static void worker_free(struct nfq_worker *w)
{
	nfq_sock_close(w->main.q);
	nfq_sock_close(w->seg.q);
	snet_inspect_worker_free(w->iw);
	sockattr_free(w->attr);
	snet_nl_close(w->nl);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	pthread_cond_destroy(&w->snap_cond);
	pthread_mutex_destroy(&w->snap_lock);
	free(w);
}

int nfq_worker_start(const struct nfq_worker_params *p, struct nfq_worker **out,
		     char *err, size_t errlen)
{
	struct nfq_sock_params qp = {
		.queue = p->queue,
		.maxlen = p->cfg->queue_maxlen,
		.fail_open = p->cfg->fail_open,
		.rcvbuf = p->cfg->rcvbuf,
		.burst = p->cfg->batch,
		.gso = p->cfg->gso,
	};
	struct snet_inspect_ruleset *rs;
	struct nfq_worker *w;
	int rc;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->p = *p;
	w->wake_fd = -1;
	pthread_mutex_init(&w->snap_lock, NULL);
	pthread_cond_init(&w->snap_cond, NULL);
	w->st.queue = p->queue;
	w->label_shift = p->cfg->label_mask ? (unsigned int)ffs((int)p->cfg->label_mask) - 1 : 32;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "queue %u: eventfd: %s", p->queue, strerror(errno));
		goto fail;
	}
	if (p->lsm) {
		rc = snet_nl_open(&w->nl);
		if (rc) {
			snprintf(err, errlen, "queue %u: libsnet: %s", p->queue,
				 strerror(-rc));
			goto fail;
		}
	}
	rc = sockattr_new(p->sockets, w->nl, ATTR_SLOTS, &w->attr);
	if (rc) {
		snprintf(err, errlen, "queue %u: socket cache: %s", p->queue,
			 strerror(-rc));
		goto fail;
	}
	rs = inspect_engine_get(p->engine, &w->st.generation);
	rc = snet_inspect_worker_new(rs, inspect_engine_eve(p->engine), &w->iw);
	snet_inspect_ruleset_unref(rs);
	if (rc) {
		snprintf(err, errlen, "queue %u: inspector worker: %s", p->queue,
			 strerror(-rc));
		goto fail;
	}
	w->main.num = p->queue;
	rc = nfq_sock_open(&qp, &w->main.q, err, errlen);
	if (rc)
		goto fail;
	if (p->cfg->gso) {
		qp.queue = p->segment_queue;
		qp.gso = false;
		w->seg.num = p->segment_queue;
		w->seg.segments = true;
		rc = nfq_sock_open(&qp, &w->seg.q, err, errlen);
		if (rc)
			goto fail;
	}
	snapshot(w);
	rc = -pthread_create(&w->thread, NULL, worker_main, w);
	if (rc) {
		snprintf(err, errlen, "queue %u: thread: %s", p->queue, strerror(-rc));
		goto fail;
	}
	w->started = true;
	*out = w;
	return 0;
fail:
	worker_free(w);
	return rc;
}

void nfq_worker_kick(struct nfq_worker *w)
{
	uint64_t one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(LOG_WARNING, "queue %u: wake: %s", w->p.queue, strerror(errno));
}

void nfq_worker_stop(struct nfq_worker *w, int drain_ms)
{
	if (!w)
		return;
	if (w->started) {
		w->drain_ms = drain_ms;
		atomic_store(&w->mode, drain_ms > 0 ? DRAIN : STOP);
		nfq_worker_kick(w);
		pthread_join(w->thread, NULL);
	}
	worker_free(w);
}

void nfq_worker_stats(struct nfq_worker *w, struct nfq_worker_stats *st)
{
	struct timespec dl;
	uint64_t req;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += SNAP_WAIT_MS * 1000000L;
	dl.tv_sec += dl.tv_nsec / 1000000000L;
	dl.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&w->snap_lock);
	req = ++w->snap_req;
	pthread_mutex_unlock(&w->snap_lock);
	/* Ask, and wake the worker if it sleeps in poll(). */
	atomic_store(&w->snap_wanted, true);
	if (w->started && atomic_load(&w->mode) != STOP)
		nfq_worker_kick(w);
	pthread_mutex_lock(&w->snap_lock);
	while (w->started && w->snap_done < req &&
	       !pthread_cond_timedwait(&w->snap_cond, &w->snap_lock, &dl))
		;
	/* A busy or stopped worker: its last copy. */
	*st = w->snap;
	pthread_mutex_unlock(&w->snap_lock);
}
