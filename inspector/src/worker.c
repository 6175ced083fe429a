// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A worker: one per packet thread.  Owns its Hyperscan scratch, its flow
 * table, TCP reassembly and application parsers; nothing here is shared
 * with other workers except the rule sets (immutable, refcounted), the
 * threshold table (locked, touched only on a full match) and the EVE log.
 *
 * Per packet: decode, find the flow, then run the detection events this
 * packet causes (packet payload, new stream data, HTTP/DNS/TLS events),
 * collect every rule that fully matched, and decide the verdict with
 * Suricata's action order (pass > drop > reject > alert).  An IP fragment
 * is inspected as IP alone, with no flow, then given to defrag.c; the
 * datagram it completes goes through the whole path as one more packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "defrag.h"
#include "eve.h"
#include "flow.h"
#include "match.h"

#define MAX_PKT_MATCHES 64
#define OOO_MAX_SEGS 256
#define OOO_MAX_BYTES (1u << 20)
#define EXPIRE_BATCH 1024
#define HT_MIN 4096

struct pkt_match {
	const struct rule *r;
	json_t *app;
	const char *app_key;
	bool silent;		/* its action applies, its alert is thresholded out */
	char action;		/* the rule's, or its rate_filter's new action */
};

/* per rule, per worker; a field is valid while its stamp equals w->gen */
struct rstate {
	uint32_t mark;		/* a candidate of the current event */
	uint32_t hit;		/* hit_end: its last stream hit in this chunk */
	uint32_t pend;		/* pidx: its entry in the pending list */
	uint32_t pidx;
	uint32_t memo;		/* pmemo: its pcre memos, not yet pending */
	uint64_t hit_end;
	uint64_t pmemo[STREAM_MEMOS];
};

struct snet_inspect_worker {
	struct snet_inspect_ruleset *rs;	/* for new flows */
	struct snet_inspect_eve *eve;
	hs_scratch_t *scratch;
	struct match_env env;
	struct flow **ht;
	size_t htsize, htmax;	/* htsize doubles up to htmax with the flows */
	struct flow *lru_head, *lru_tail;	/* head: most recently used */
	uint64_t mem, next_id, last_expire, next_serial;
	uint64_t max_ts;	/* the latest packet time so far */
	bool ts_unordered;	/* a packet came with an earlier time than one before */
	struct rstate *rst;
	size_t rstcap;
	uint32_t gen;
	uint32_t *cand;		/* candidates of the current event, rstcap room */
	size_t ncand;
	/*
	 * What each interned header expression gave for the current flow:
	 * (pgen << 1 | result), valid while the stamp equals pgen.  [0] is
	 * against the flow's client address or port, [1] its server's (the
	 * packet's source and destination when memo_swap is 0).
	 */
	uint32_t *amemo[2], *pmemo[2];
	size_t namemo, npmemo;
	/* the same for whole header tuples (rule_pre.hdr_id), [memo_swap] */
	uint32_t *hmemo[2];
	size_t nhmemo;
	uint32_t pgen;
	/*
	 * Which entries of a packet event's any-port list (at most 64) pass
	 * the checks that hold for the whole flow side (direction, protocol,
	 * header), [dir-1]: valid for that list while amask_gen equals pgen.
	 */
	uint64_t amask[2];
	uint32_t amask_gen[2];
	const struct idlist *amask_list[2];
	/* whether the flow's client ([0]) and server are in HOME_NET, valid
	 * while home_gen equals pgen (the databases' home class) */
	bool home_in[2];
	uint32_t home_gen;
	int memo_swap;		/* 1: the packet goes to the client */
	uint64_t memo_flow;	/* serial of the flow the memos are for */
	const struct snet_inspect_ruleset *memo_rs;
	struct pkt_match pm[MAX_PKT_MATCHES];
	size_t npm;
	struct strbuf eve_buf;	/* the EVE lines of the current packet */
	struct snet_inspect_stats st;
	struct defrag defrag;	/* IP fragments held */
	/* the packet being processed */
	const struct packet *p;
	struct flow *f;
	int dir;		/* DIR_TO_SERVER / DIR_TO_CLIENT */
	struct snet_inspect_ruleset *cur;
};

const char *snet_inspect_action_name(enum snet_inspect_action a)
{
	switch (a) {
	case SNET_INSPECT_ACCEPT: return "accept";
	case SNET_INSPECT_DROP: return "drop";
	case SNET_INSPECT_REJECT: return "reject";
	case SNET_INSPECT_PASS: return "pass";
	}
	return "?";
}

/* ---- rule set attachment ---- */

static int attach_ruleset(struct snet_inspect_worker *w, struct snet_inspect_ruleset *rs)
{
	for (size_t i = 0; i < rs->dbs.n; i++)
		if (hs_alloc_scratch(rs->dbs.v[i].db, &w->scratch) != HS_SUCCESS)
			return -ENOMEM;
	for (int k = 0; k < 2; k++) {
		if (rs->hdrs.naddr > w->namemo) {
			uint32_t *m = realloc(w->amemo[k], rs->hdrs.naddr * sizeof(*m));
			if (!m)
				return -ENOMEM;
			memset(m, 0, rs->hdrs.naddr * sizeof(*m));
			w->amemo[k] = m;
		}
		if (rs->hdrs.nport > w->npmemo) {
			uint32_t *m = realloc(w->pmemo[k], rs->hdrs.nport * sizeof(*m));
			if (!m)
				return -ENOMEM;
			memset(m, 0, rs->hdrs.nport * sizeof(*m));
			w->pmemo[k] = m;
		}
		if (rs->nhdr_ids > w->nhmemo) {
			uint32_t *m = realloc(w->hmemo[k], rs->nhdr_ids * sizeof(*m));
			if (!m)
				return -ENOMEM;
			memset(m, 0, rs->nhdr_ids * sizeof(*m));
			w->hmemo[k] = m;
		}
	}
	if (rs->nhdr_ids > w->nhmemo)
		w->nhmemo = rs->nhdr_ids;
	if (rs->hdrs.naddr > w->namemo)
		w->namemo = rs->hdrs.naddr;
	if (rs->hdrs.nport > w->npmemo)
		w->npmemo = rs->hdrs.nport;
	if (rs->nrules > w->rstcap) {
		/* every rule fits in the candidate list: adding never fails */
		uint32_t *c = realloc(w->cand, rs->nrules * sizeof(*c));
		if (!c)
			return -ENOMEM;
		w->cand = c;
		struct rstate *m = realloc(w->rst, rs->nrules * sizeof(*m));
		if (!m)
			return -ENOMEM;
		memset(m + w->rstcap, 0, (rs->nrules - w->rstcap) * sizeof(*m));
		w->rst = m;
		w->rstcap = rs->nrules;
	}
	return 0;
}

int snet_inspect_worker_new(struct snet_inspect_ruleset *rs, struct snet_inspect_eve *eve,
			    struct snet_inspect_worker **out)
{
	if (!rs || !out)
		return -EINVAL;
	struct snet_inspect_worker *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->htmax = 1;
	while (w->htmax < rs->cfg.flow_max * 2 && w->htmax < (1u << 22))
		w->htmax <<= 1;
	w->htsize = w->htmax < HT_MIN ? w->htmax : HT_MIN;
	w->ht = calloc(w->htsize, sizeof(*w->ht));
	int rc = w->ht ? match_env_init(&w->env) : -ENOMEM;
	if (!rc)
		rc = attach_ruleset(w, rs);
	if (rc) {
		match_env_free(&w->env);
		hs_free_scratch(w->scratch);
		free(w->ht);
		free(w->rst);
		free(w->cand);
		for (int k = 0; k < 2; k++) {
			free(w->amemo[k]);
			free(w->pmemo[k]);
			free(w->hmemo[k]);
		}
		free(w);
		return rc;
	}
	w->rs = snet_inspect_ruleset_ref(rs);
	w->eve = eve;
	w->next_id = 1;
	*out = w;
	return 0;
}

int snet_inspect_worker_set_ruleset(struct snet_inspect_worker *w,
				    struct snet_inspect_ruleset *rs)
{
	if (!w || !rs)
		return -EINVAL;
	int rc = attach_ruleset(w, rs);
	if (rc)
		return rc;	/* keep the current set */
	snet_inspect_ruleset_ref(rs);
	snet_inspect_ruleset_unref(w->rs);
	w->rs = rs;
	w->st.ruleset_switches++;
	return 0;
}

/* ---- flows ---- */

static uint64_t hash_ip(const struct ip_addr *a)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 16; i++)
		h = (h ^ a->a[i]) * 1099511628211ull;
	return h;
}

/* a word-wise mix for the table; hash_ip() stays for flow ids (in EVE) */
static uint64_t mix_ip(const struct ip_addr *a)
{
	uint64_t x, y;
	memcpy(&x, a->a, 8);
	memcpy(&y, a->a + 8, 8);
	x = (x ^ (y * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 31);
}

static size_t flow_bucket(const struct snet_inspect_worker *w, const struct packet *p)
{
	/* symmetric: both directions land in one bucket */
	uint64_t h = mix_ip(&p->src) ^ mix_ip(&p->dst);
	h ^= (uint64_t)(p->sport ^ p->dport) * 0x9e3779b97f4a7c15ull;
	h ^= p->ipproto;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 29;
	return (size_t)(h & (w->htsize - 1));
}

/* the bucket of a flow, from its stored tuple */
static size_t flow_bucket_of(const struct snet_inspect_worker *w, const struct flow *f)
{
	struct packet key = { 0 };
	key.src = f->cli;
	key.dst = f->srv;
	key.sport = f->cport;
	key.dport = f->sport;
	key.ipproto = f->proto;
	return flow_bucket(w, &key);
}

/*
 * The table starts small and doubles when the flows outnumber its
 * buckets: a table sized for flow-max up front (1 MiB by default) is
 * touched at random by the first flows, a page fault and a cache miss
 * each.  Without memory for a larger table the chains get longer.
 */
static void ht_grow(struct snet_inspect_worker *w)
{
	if (w->st.flows_active <= w->htsize || w->htsize >= w->htmax)
		return;
	struct flow **old = w->ht;
	size_t on = w->htsize;
	struct flow **t = calloc(on * 2, sizeof(*t));
	if (!t)
		return;
	w->ht = t;
	w->htsize = on * 2;
	for (size_t i = 0; i < on; i++) {
		struct flow *f = old[i];
		while (f) {
			struct flow *next = f->hnext;
			size_t b = flow_bucket_of(w, f);
			f->hnext = t[b];
			t[b] = f;
			f = next;
		}
	}
	free(old);
}

static bool ip_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, 16);
}

static void lru_unlink(struct snet_inspect_worker *w, struct flow *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		w->lru_head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		w->lru_tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void lru_push(struct snet_inspect_worker *w, struct flow *f)
{
	f->lnext = w->lru_head;
	f->lprev = NULL;
	if (w->lru_head)
		w->lru_head->lprev = f;
	w->lru_head = f;
	if (!w->lru_tail)
		w->lru_tail = f;
}

/* a flow's SSH KEXINIT state, made when a side's banner is over and a
 * rule of its set reads HASSH */
struct ssh_kex {
	/* a side's first binary packet while it comes, then its HASSH
	 * string (hassh_ok) */
	struct strbuf buf[2];
	char hassh[2][33];
	uint8_t hassh_ok;
	uint8_t cr;		/* sides whose banner's CR ended a segment: a LF may follow */
};

static size_t ssh_kex_memory(const struct ssh_kex *k)
{
	return k ? sizeof(*k) + k->buf[0].cap + k->buf[1].cap : 0;
}

static void ssh_kex_free(struct ssh_kex *k)
{
	if (!k)
		return;
	strbuf_free(&k->buf[0]);
	strbuf_free(&k->buf[1]);
	free(k);
}

/* a flow's flowint values and flowbits (uint32_t values first: aligned) */
static size_t flow_vars_size(const struct snet_inspect_ruleset *rs)
{
	return flowint_size(rs->finames.n) + (rs->fbnames.n + 7) / 8;
}

static size_t flow_memory(const struct flow *f)
{
	size_t m = sizeof(*f) + f->tls_buf.cap + f->tls_srv_buf.cap + f->ssh_line[0].cap +
		   f->ssh_line[1].cap + ssh_kex_memory(f->sshk) + (f->tags ? FLOW_TAGS_MAX * sizeof(*f->tags) : 0);
	for (int d = 0; d < 2; d++)
		m += stream_memory(&f->sd[d]);
	if (f->http)
		m += http_state_memory(f->http);
	if (f->dce)
		m += dce_state_memory(f->dce);
	if (f->smtp)
		m += smtp_state_memory(f->smtp);
	if (f->dns)
		m += dns_tcp_state_memory(f->dns);
	if (f->rs)
		m += flow_vars_size(f->rs);
	return m;
}

static void flow_account(struct snet_inspect_worker *w, struct flow *f)
{
	size_t m = flow_memory(f);
	w->mem = w->mem - f->mem + m;
	f->mem = m;
}

static void flow_free(struct snet_inspect_worker *w, struct flow *f)
{
	/* unlink from its bucket: recompute from the stored tuple */
	struct flow **pp = &w->ht[flow_bucket_of(w, f)];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	lru_unlink(w, f);
	for (int d = 0; d < 2; d++) {
		struct seg *s = f->sd[d].ooo;
		while (s) {
			struct seg *n = s->next;
			free(s);
			s = n;
		}
		stream_release(&f->sd[d]);
	}
	http_state_free(f->http);
	dce_state_free(f->dce);
	smtp_state_free(f->smtp);
	dns_tcp_state_free(f->dns);
	strbuf_free(&f->tls_buf);
	strbuf_free(&f->tls_srv_buf);
	strbuf_free(&f->ssh_line[0]);
	strbuf_free(&f->ssh_line[1]);
	ssh_kex_free(f->sshk);
	free(f->tags);
	free(f->vars);
	w->mem -= f->mem;
	snet_inspect_ruleset_unref(f->rs);
	free(f);
	w->st.flows_ended++;
	w->st.flows_active--;
}

static uint64_t flow_timeout_usec(const struct snet_inspect_worker *w, const struct flow *f)
{
	const struct snet_inspect_config *c = &w->rs->cfg;
	uint64_t s;
	if (f->proto == IPPROTO_TCP)
		s = f->closed ? c->tcp_closed_timeout : f->established ? c->tcp_timeout : 60;
	else
		s = c->udp_timeout;
	return s * 1000000ull;
}

static void expire_flows(struct snet_inspect_worker *w, uint64_t now, bool all)
{
	/*
	 * With packet times in order the list is in order of last use too:
	 * past a flow used within the shortest timeout none is idle, so the
	 * walk stops there instead of visiting up to a batch of live flows.
	 */
	const struct snet_inspect_config *c = &w->rs->cfg;
	uint64_t tmin = c->tcp_closed_timeout < c->tcp_timeout ? c->tcp_closed_timeout : c->tcp_timeout;
	if (c->udp_timeout < tmin)
		tmin = c->udp_timeout;
	if (60 < tmin)
		tmin = 60;
	tmin *= 1000000ull;
	struct flow *f = w->lru_tail;
	unsigned checked = 0;
	while (f && (all || checked++ < EXPIRE_BATCH)) {
		struct flow *prev = f->lprev;
		if (all || (now > f->last_usec && now - f->last_usec > flow_timeout_usec(w, f)))
			flow_free(w, f);
		else if (!w->ts_unordered && (now <= f->last_usec || now - f->last_usec <= tmin))
			break;
		f = prev;
	}
}

static struct flow *flow_get(struct snet_inspect_worker *w, const struct packet *p,
			     int *dir, bool *created)
{
	*created = false;
	size_t b = flow_bucket(w, p);
	for (struct flow *f = w->ht[b]; f; f = f->hnext) {
		if (f->proto != p->ipproto)
			continue;
		if (ip_eq(&f->cli, &p->src) && ip_eq(&f->srv, &p->dst) &&
		    f->cport == p->sport && f->sport == p->dport) {
			*dir = DIR_TO_SERVER;
		} else if (ip_eq(&f->cli, &p->dst) && ip_eq(&f->srv, &p->src) &&
			   f->cport == p->dport && f->sport == p->sport) {
			*dir = DIR_TO_CLIENT;
		} else {
			continue;
		}
		lru_unlink(w, f);
		lru_push(w, f);
		return f;
	}
	const struct snet_inspect_config *c = &w->rs->cfg;
	size_t need = sizeof(struct flow) + flow_vars_size(w->rs);
	if (w->mem + need > c->flow_memcap || w->st.flows_active >= c->flow_max) {
		expire_flows(w, p->ts_usec, false);
		if (w->mem + need > c->flow_memcap || w->st.flows_active >= c->flow_max) {
			w->st.flows_memcap++;
			return NULL;
		}
	}
	struct flow *f = calloc(1, sizeof(*f));
	if (!f) {
		w->st.flows_memcap++;
		return NULL;
	}
	if (flow_vars_size(w->rs)) {
		size_t ni = w->rs->finames.n;
		f->vars = calloc(flow_vars_size(w->rs), 1);
		if (!f->vars) {
			free(f);
			w->st.flows_memcap++;
			return NULL;
		}
		if (ni)
			flowint_init(&f->fint, f->vars, ni);
		if (w->rs->fbnames.n)
			f->fbits = (uint8_t *)f->vars + flowint_size(ni);
	}
	/* the SYN/ACK sender is the server: orient the flow from its peer */
	bool reversed = p->ipproto == IPPROTO_TCP &&
			(p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK);
	f->cli = reversed ? p->dst : p->src;
	f->srv = reversed ? p->src : p->dst;
	f->cport = reversed ? p->dport : p->sport;
	f->sport = reversed ? p->sport : p->dport;
	f->proto = p->ipproto;
	f->start_usec = p->ts_usec;
	f->rs = snet_inspect_ruleset_ref(w->rs);
	f->serial = ++w->next_serial;
	/* Suricata-like positive flow id, unique per worker */
	f->id = ((hash_ip(&f->cli) ^ hash_ip(&f->srv) ^ ((uint64_t)f->cport << 16 | f->sport)) &
		 0x7fffffffff000000ull) | (w->next_id++ & 0xffffff);
	f->hnext = w->ht[b];
	w->ht[b] = f;
	lru_push(w, f);
	f->mem = 0;
	flow_account(w, f);
	w->st.flows_created++;
	w->st.flows_active++;
	ht_grow(w);
	*dir = reversed ? DIR_TO_CLIENT : DIR_TO_SERVER;
	*created = true;
	return f;
}

/* ---- detection ---- */

/*
 * b[i] and n[i] are valid only for the bits of have: an event is set up
 * for every packet and every stream chunk, and zeroing the two arrays
 * (480 bytes) each time cost more than anything else in setting it up.
 */
struct event {
	enum phase ph;
	int slot;
	uint64_t have;		/* the buffers the event has */
	const uint8_t *b[BUF__COUNT];
	size_t n[BUF__COUNT];
	uint64_t scan_mask;
	size_t min_end;		/* PH_STREAM: a match must end past this */
	struct stream_dir *sd;	/* PH_STREAM: the direction's raw state */
	const struct http_tx *tx;
	/* the server's flight (PH_TLS_CERT): the certificate's values and
	 * the instances of the multi-buffers tls.subjectaltname, tls.certs */
	const struct tls_server *srv;
	/* a DCERPC event's call (dce_iface, dce_opnum), and its flow's state */
	const struct dce_call *dce;
	const struct dce_state *dce_st;
	/* an SMTP message's attachments: the instances of file_data */
	const struct smtp_msg *smtp;
	const char *app_key;
	/* the application object of the alert, built at the first match:
	 * most events match nothing */
	json_t *(*app_fn)(const void *arg);
	const void *app_arg;
	json_t *app;		/* a match takes a reference; run_event drops it */
};

struct hs_ctx {
	struct snet_inspect_worker *w;
	const struct prefilter_db *db;
};

/* everything but the buffers, which ev_buf() adds */
static void ev_init(struct event *ev, enum phase ph)
{
	ev->ph = ph;
	ev->slot = 0;
	ev->have = 0;
	ev->scan_mask = 0;
	ev->min_end = 0;
	ev->sd = NULL;
	ev->tx = NULL;
	ev->srv = NULL;
	ev->dce = NULL;
	ev->dce_st = NULL;
	ev->smtp = NULL;
	ev->app_key = NULL;
	ev->app_fn = NULL;
	ev->app_arg = NULL;
	ev->app = NULL;
}

/* buffer b of the event: p (NULL: the event has no such buffer) */
static inline void ev_buf(struct event *ev, enum buf_id b, const uint8_t *p, size_t n)
{
	ev->b[b] = p;
	ev->n[b] = n;
	if (p)
		ev->have |= 1ull << b;
	else
		ev->have &= ~(1ull << b);
}

/* multi-buffers: a list matches one of their instances (ev_next_instance) */
#define MULTI_BUFS (1ull << BUF_TLS_SAN | 1ull << BUF_TLS_CERTS | 1ull << BUF_SMTP_FILE_DATA | \
		    1ull << BUF_HTTP_REQUEST_HEADER | 1ull << BUF_HTTP_RESPONSE_HEADER)

static bool buf_multi(int b)
{
	return MULTI_BUFS >> b & 1;
}

/*
 * The instance of multi-buffer b at *it (0 first; moved on past it),
 * false when there is none left.  The header lines are walked, not
 * counted and indexed, so a block of many short lines costs its length
 * once.
 */
static bool ev_next_multi(const struct event *ev, int b, size_t *it, const uint8_t **p,
			  size_t *n)
{
	size_t i = (*it)++;
	if (b == BUF_HTTP_REQUEST_HEADER || b == BUF_HTTP_RESPONSE_HEADER) {
		/* *it is an offset: the next "Name: value\r\n" line, its end left out */
		if (!(ev->have >> b & 1) || i >= ev->n[b])
			return false;
		const uint8_t *s = ev->b[b] + i;
		const uint8_t *nl = memchr(s, '\n', ev->n[b] - i);
		if (!nl)
			return false;
		*it = (size_t)(nl + 1 - ev->b[b]);
		*p = s;
		*n = (size_t)(nl - s) - (nl > s && nl[-1] == '\r');
		return true;
	}
	if (b == BUF_TLS_SAN) {
		if (!ev->srv || i >= ev->srv->nsan)
			return false;
		*p = (const uint8_t *)ev->srv->san_text.s + ev->srv->san[i].off;
		*n = ev->srv->san[i].len;
	} else if (b == BUF_TLS_CERTS) {
		if (!ev->srv || i >= ev->srv->nchain)
			return false;
		*p = ev->srv->chain[i].p;
		*n = ev->srv->chain[i].n;
	} else {
		/* an SMTP attachment; an empty one has no bytes allocated */
		if (!ev->smtp || i >= ev->smtp->nfiles)
			return false;
		*p = ev->smtp->files[i].data ? ev->smtp->files[i].data : (const uint8_t *)"";
		*n = ev->smtp->files[i].len;
	}
	return true;
}

/* ev_next_multi(), and the one instance of any other buffer, inline:
 * every event's prefilter walks them */
static inline bool ev_next_instance(const struct event *ev, int b, size_t *it,
				    const uint8_t **p, size_t *n)
{
	if (buf_multi(b))
		return ev_next_multi(ev, b, it, p, n);
	*p = ev->b[b];
	*n = ev->n[b];
	return (*it)++ == 0;
}

/* the packet's header buffers; a fragment has no L4 header, so none */
static void ev_pkt_hdrs(struct event *ev, const struct packet *p)
{
	if (!p->l4 || p->l4 <= p->data || p->l4 > p->data + p->len)
		return;
	bool v4 = p->data[0] >> 4 == 4;
	ev_buf(ev, v4 ? BUF_IPV4_HDR : BUF_IPV6_HDR, p->data, (size_t)(p->l4 - p->data));
	if (p->ipproto == IPPROTO_TCP)
		ev_buf(ev, BUF_TCP_HDR, p->l4, (size_t)(p->payload - p->l4));
	else if (p->ipproto == IPPROTO_UDP)
		ev_buf(ev, BUF_UDP_HDR, p->l4, 8);
	/* Suricata decodes no ICMP message shorter than 8 bytes */
	else if (p->ipproto == IPPROTO_ICMP && v4 && p->l4len >= 8)
		ev_buf(ev, BUF_ICMPV4_HDR, p->l4, (size_t)(p->payload - p->l4));
	else if (p->ipproto == IPPROTO_ICMPV6 && !v4 && p->l4len >= 8)
		ev_buf(ev, BUF_ICMPV6_HDR, p->l4, 8);
	ev->scan_mask |= PKT_HDR_BUFS;
}

static void cand_begin(struct snet_inspect_worker *w)
{
	if (++w->gen == 0) {
		memset(w->rst, 0, w->rstcap * sizeof(*w->rst));
		w->gen = 1;
	}
	w->ncand = 0;
}

static inline void cand_add(struct snet_inspect_worker *w, uint32_t rid)
{
	if (w->rst[rid].mark != w->gen) {
		w->rst[rid].mark = w->gen;
		w->cand[w->ncand++] = rid;
	}
}

/*
 * A hit whose rule has a header this flow side is known to fail (the
 * memo of pre_header_ok): pre_ok() would drop it, after reading the rule's
 * state and record (cache misses, for most payload hits).
 */
static inline bool hit_header_fails(const struct snet_inspect_worker *w,
				    const struct prefilter_db *db, unsigned id)
{
	uint32_t h = db->hdr_ids[id];
	return h != HDR_NO_ID && w->hmemo[w->memo_swap][h] == w->pgen << 1;
}

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to,
		       unsigned flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct hs_ctx *c = ctx;
	/* past its depth (hsdb.c: set_max_ends): no hit of it can match */
	if (c->db->max_end && to > c->db->max_end[id])
		return 0;
	if (hit_header_fails(c->w, c->db, id))
		return 0;
	cand_add(c->w, c->db->rule_ids[id]);
	return 0;
}

/* streaming hits also remember where the fast pattern ended */
static int on_stream_match(unsigned id, unsigned long long from, unsigned long long to,
			   unsigned flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct hs_ctx *c = ctx;
	struct snet_inspect_worker *w = c->w;
	if (hit_header_fails(w, c->db, id))
		return 0;
	uint32_t rid = c->db->rule_ids[id];
	struct rstate *s = &w->rst[rid];
	if (s->hit != w->gen) {
		s->hit = w->gen;
		s->hit_end = to;
	} else if (to > s->hit_end) {
		s->hit_end = to;
	}
	cand_add(w, rid);
	return 0;
}

/* rule order (action, flowbits, priority): rule indexes, ascending */
static void sort_u32(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static bool fbit_get(const struct flow *f, uint32_t i)
{
	return f && f->fbits && (f->fbits[i / 8] >> (i % 8) & 1);
}

/*
 * Header expressions depend only on the addresses and ports, the same for
 * every packet of a flow (the two directions swap source and destination):
 * the memos are kept while packets come from one flow (and its rule set),
 * and forgotten otherwise.
 */
static void memo_begin(struct snet_inspect_worker *w, const struct flow *f, int dir)
{
	w->memo_swap = f && dir == DIR_TO_CLIENT;
	uint64_t serial = f ? f->serial : 0;
	if (serial && serial == w->memo_flow && w->memo_rs == w->cur)
		return;
	w->memo_flow = serial;
	w->memo_rs = w->cur;
	if (++w->pgen >= 1u << 31) {
		for (int k = 0; k < 2; k++) {
			if (w->amemo[k])
				memset(w->amemo[k], 0, w->namemo * sizeof(uint32_t));
			if (w->pmemo[k])
				memset(w->pmemo[k], 0, w->npmemo * sizeof(uint32_t));
			if (w->hmemo[k])
				memset(w->hmemo[k], 0, w->nhmemo * sizeof(uint32_t));
		}
		w->pgen = 1;
		w->amask_gen[0] = w->amask_gen[1] = 0;
		w->home_gen = 0;
	}
}

/* k: 0 the packet's source, 1 its destination */
static inline bool addr_memo(struct snet_inspect_worker *w, const struct addr_node *n,
			     uint32_t id, int k)
{
	const struct ip_addr *ip = k ? &w->p->dst : &w->p->src;
	if (id == HDR_NO_ID)
		return addr_match(n, ip);
	uint32_t *m = &w->amemo[k ^ w->memo_swap][id];
	if (*m >> 1 == w->pgen)
		return *m & 1;
	bool v = addr_match(n, ip);
	*m = w->pgen << 1 | v;
	return v;
}

static inline bool port_memo(struct snet_inspect_worker *w, const struct port_node *n,
			     uint32_t id, int k)
{
	uint16_t port = k ? w->p->dport : w->p->sport;
	if (id == HDR_NO_ID)
		return port_match(n, port);
	uint32_t *m = &w->pmemo[k ^ w->memo_swap][id];
	if (*m >> 1 == w->pgen)
		return *m & 1;
	bool v = port_match(n, port);
	*m = w->pgen << 1 | v;
	return v;
}

static bool header_match(struct snet_inspect_worker *w, const struct rule *r)
{
	if (port_memo(w, r->dport, r->dport_id, 1) && port_memo(w, r->sport, r->sport_id, 0) &&
	    addr_memo(w, r->dst, r->dst_id, 1) && addr_memo(w, r->src, r->src_id, 0))
		return true;
	return r->bidir && port_memo(w, r->sport, r->sport_id, 1) &&
	       port_memo(w, r->dport, r->dport_id, 0) && addr_memo(w, r->src, r->src_id, 1) &&
	       addr_memo(w, r->dst, r->dst_id, 0);
}

static bool proto_match(const struct rule *r, const struct packet *p, const struct flow *f)
{
	switch (r->proto) {
	case RP_IP: return r->ip_proto < 0 || r->ip_proto == p->ipproto;
	case RP_TCP: return p->ipproto == IPPROTO_TCP;
	case RP_UDP: return p->ipproto == IPPROTO_UDP;
	case RP_ICMP: return p->ipproto == IPPROTO_ICMP || p->ipproto == IPPROTO_ICMPV6;
	case RP_HTTP: return f && f->app == APP_HTTP;
	case RP_TLS: return f && f->app == APP_TLS;
	case RP_DNS: return f && f->app == APP_DNS;
	}
	return false;
}

static bool tcp_flags_match(const struct rule *r, uint8_t fl)
{
	uint8_t v = fl & r->tflags_mask;
	uint8_t want = r->tflags_set;
	switch (r->tflags_mod) {
	case '+': return (v & want) == want;
	case '*': return want ? (v & want) != 0 : v == 0;
	case '!': return (v & want) == 0;
	default: return v == want;
	}
}

/* a header expression of rule rid from its memo; the node only on a miss */
static inline bool addr_id(struct snet_inspect_worker *w, uint32_t rid, bool dst, uint32_t id,
			   int k)
{
	uint32_t m = w->amemo[k ^ w->memo_swap][id];
	if (m >> 1 == w->pgen)
		return m & 1;
	const struct rule *r = w->cur->rules[rid];
	return addr_memo(w, dst ? r->dst : r->src, id, k);
}

static inline bool port_id(struct snet_inspect_worker *w, uint32_t rid, bool dport, uint32_t id,
			   int k)
{
	uint32_t m = w->pmemo[k ^ w->memo_swap][id];
	if (m >> 1 == w->pgen)
		return m & 1;
	const struct rule *r = w->cur->rules[rid];
	return port_memo(w, dport ? r->dport : r->sport, id, k);
}

/* header_match() from the packed record: one memo per header tuple */
static bool pre_header_ok(struct snet_inspect_worker *w, const struct rule_pre *p, uint32_t rid)
{
	if (p->hdr_id == HDR_NO_ID)
		return header_match(w, w->cur->rules[rid]);
	uint32_t *hm = &w->hmemo[w->memo_swap][p->hdr_id];
	if (*hm >> 1 == w->pgen)
		return *hm & 1;
	bool v = (port_id(w, rid, true, p->dport_id, 1) && port_id(w, rid, false, p->sport_id, 0) &&
		  addr_id(w, rid, true, p->dst_id, 1) && addr_id(w, rid, false, p->src_id, 0)) ||
		 (p->bidir && port_id(w, rid, false, p->sport_id, 1) &&
		  port_id(w, rid, true, p->dport_id, 0) && addr_id(w, rid, false, p->src_id, 1) &&
		  addr_id(w, rid, true, p->dst_id, 0));
	*hm = w->pgen << 1 | v;
	return v;
}

/*
 * The header (the same for every packet of a flow side, memoized) and
 * the checks of rule_matches() that need only the packed record and do not
 * depend on what earlier rules of this event did (flowbits do:
 * pre_fbits_ok, in rule order).
 */
static bool pre_ok(struct snet_inspect_worker *w, uint32_t rid, const struct event *ev)
{
	const struct rule_pre *p = &w->cur->pre[rid];
	if (!(p->dirs & w->dir) || p->phase[w->dir - 1] != ev->ph)
		return false;
	/* a depth-anchored stream rule cannot match past its depth */
	if (ev->ph == PH_STREAM && ev->min_end >= p->st_max_end)
		return false;
	const struct packet *pk = w->p;
	const struct flow *f = w->f;
	if (p->ip_proto >= 0 && p->ip_proto != pk->ipproto)
		return false;
	if (p->sameip && !ip_eq(&pk->src, &pk->dst))
		return false;
	/* ttl, fragbits, ack...: header-only rules are candidates on every
	 * packet of their side, and these checks are what drops them */
	if (p->hdr && !hdr_match(p->hdr, pk))
		return false;
	switch (p->proto) {
	case RP_TCP: if (pk->ipproto != IPPROTO_TCP) return false; break;
	case RP_UDP: if (pk->ipproto != IPPROTO_UDP) return false; break;
	case RP_ICMP:
		if (pk->ipproto != IPPROTO_ICMP && pk->ipproto != IPPROTO_ICMPV6)
			return false;
		break;
	case RP_HTTP: if (!f || f->app != APP_HTTP) return false; break;
	case RP_TLS: if (!f || f->app != APP_TLS) return false; break;
	case RP_DNS: if (!f || f->app != APP_DNS) return false; break;
	default: break;
	}
	/* ftp, smtp, ssh, smb rules: TCP payload of a flow of that protocol */
	if (p->app_req && (!f || f->app != p->app_req))
		return false;
	if ((p->flow_state & FLOW_ESTABLISHED) && !(f && f->established))
		return false;
	if ((p->flow_state & FLOW_NOT_ESTABLISHED) && f && f->established)
		return false;
	if ((p->flow_state & FLOW_ONLY_FRAG) && !pk->rebuilt)
		return false;
	if ((p->flow_state & FLOW_NO_FRAG) && pk->rebuilt)
		return false;
	if (p->dsize.set && !numcmp_match(&p->dsize, (uint32_t)pk->plen))
		return false;
	return pre_header_ok(w, p, rid);
}

static bool pre_fbits_ok(const struct snet_inspect_worker *w, uint32_t rid)
{
	const struct rule_pre *p = &w->cur->pre[rid];
	return (p->fbit_set == NO_FBIT || fbit_get(w->f, p->fbit_set)) &&
	       (p->fbit_clear == NO_FBIT || !fbit_get(w->f, p->fbit_clear));
}

/*
 * What pre_ok() does not test (it has passed for every rule verify() gives
 * here: the header, ip_proto, flow state and dsize are not tested again)
 */
static bool rule_matches(struct snet_inspect_worker *w, const struct rule *r,
			 const struct event *ev)
{
	const struct packet *p = w->p;
	const struct flow *f = w->f;
	if (!proto_match(r, p, f))
		return false;
	if ((r->itype.set || r->icode.set) &&
	    (p->ipproto != IPPROTO_ICMP && p->ipproto != IPPROTO_ICMPV6))
		return false;
	if (!numcmp_match(&r->itype, p->icmp_type) || !numcmp_match(&r->icode, p->icmp_code))
		return false;
	if (r->has_tcp_flags && (p->ipproto != IPPROTO_TCP || !tcp_flags_match(r, p->tcp_flags)))
		return false;
	if (r->fc && !flowkw_match(r->fc, f, p, w->dir,
				   r->bufmask || r->fc->ncnt ? 0 : w->st.packets_seen))
		return false;
	if (r->tc && !tlskw_match(r->tc, ev->srv, (int64_t)(p->ts_usec / 1000000)))
		return false;
	if (r->dce && !dcekw_match(r->dce, ev->dce_st, ev->dce))
		return false;
	if (r->dns_opcode.set &&
	    (ev->ph != PH_DNS_QUERY ||
	     !numcmp_match(&r->dns_opcode, ((const struct dns_query *)ev->app_arg)->opcode)))
		return false;
	if (r->urilen.set) {
		if (!ev->tx)
			return false;
		const struct hbuf *u = &ev->tx->req[r->urilen_raw ? BUF_HTTP_RAW_URI : BUF_HTTP_URI];
		if (!u->set || !numcmp_match(&r->urilen, (uint32_t)u->n))
			return false;
	}
	static const struct flowint_vals no_vals;
	if (r->nfints && !flowint_test(r->fints, r->nfints, f ? &f->fint : &no_vals))
		return false;
	for (size_t i = 0; i < r->nfbits; i++) {
		const struct flowbit *fb = &r->fbits[i];
		if (fb->op == FB_ISSET) {
			bool any = false;
			for (unsigned k = 0; k < fb->nidx && !any; k++)
				any = fbit_get(f, fb->idx[k]);
			if (!any)
				return false;
		} else if (fb->op == FB_ISNOTSET && fbit_get(f, fb->idx[0])) {
			return false;
		}
	}
	for (size_t i = 0; i < r->nxbits; i++) {
		const struct xbit_op *x = &r->xbits[i];
		if ((x->op == FB_ISSET || x->op == FB_ISNOTSET) &&
		    !xbits_test(&w->cur->xbits, x, p, p->ts_usec / 1000000))
			return false;
	}
	/* the rule's lists only, in buffer order: bufmask's bits are its
	 * first lists (base64_data's, if any, is the last) */
	const struct smlist *l = r->lists;
	for (uint64_t mask = r->bufmask; mask; mask &= mask - 1, l++) {
		int b = __builtin_ctzll(mask);
		bool has = ev->have >> b & 1;
		if (!has && b != BUF_PAYLOAD)
			return false;	/* the buffer is not there: no match */
		if (buf_multi(b)) {
			/* a multi-buffer: the list matches one instance */
			bool any = false;
			const uint8_t *ip;
			size_t in;
			for (size_t it = 0; !any && ev_next_instance(ev, b, &it, &ip, &in);)
				any = smlist_match(&w->env, l, smlist_xf(r, l), ip, in, 0);
			if (!any)
				return false;
			continue;
		}
		if (!smlist_match(&w->env, l, smlist_xf(r, l), has ? ev->b[b] : NULL,
				  has ? ev->n[b] : 0, b == BUF_STREAM ? ev->min_end : 0))
			return false;
	}
	return true;
}

static void apply_flowbits(struct flow *f, const struct rule *r)
{
	if (!f || !f->fbits)
		return;
	for (size_t i = 0; i < r->nfbits; i++) {
		const struct flowbit *fb = &r->fbits[i];
		uint32_t k = fb->idx[0];
		uint8_t bit = (uint8_t)(1u << (k % 8));
		switch (fb->op) {
		case FB_SET: f->fbits[k / 8] |= bit; break;
		case FB_UNSET: f->fbits[k / 8] &= (uint8_t)~bit; break;
		case FB_TOGGLE: f->fbits[k / 8] ^= bit; break;
		default: break;
		}
	}
}

static void add_port_rules(struct snet_inspect_worker *w, const struct port_rule *v, size_t n,
			   uint16_t port)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && v[lo].port == port; lo++)
		cand_add(w, v[lo].rid);
}

/* the checks of pre_ok() that give the same for every packet of the flow side */
static bool pre_side_ok(struct snet_inspect_worker *w, uint32_t rid)
{
	const struct rule_pre *p = &w->cur->pre[rid];
	uint8_t ipp = w->p->ipproto;
	if (!(p->dirs & w->dir) || (p->ip_proto >= 0 && p->ip_proto != ipp))
		return false;
	/* same flow side, same addresses: memoized with the rest (any_mask) */
	if (p->sameip && !ip_eq(&w->p->src, &w->p->dst))
		return false;
	if ((p->proto == RP_TCP && ipp != IPPROTO_TCP) || (p->proto == RP_UDP && ipp != IPPROTO_UDP) ||
	    (p->proto == RP_ICMP && ipp != IPPROTO_ICMP && ipp != IPPROTO_ICMPV6))
		return false;
	return pre_header_ok(w, p, rid);
}

/*
 * The entries of a packet event's any-port list that pass pre_side_ok(),
 * kept while packets come from one flow side (like the header memos):
 * most of these rules are for other hosts or ports, and every packet
 * would make them candidates only for pre_ok() to drop them.
 */
static uint64_t any_mask(struct snet_inspect_worker *w, const struct idlist *l)
{
	int k = w->dir - 1;
	if (w->amask_gen[k] == w->pgen && w->amask_list[k] == l)
		return w->amask[k];
	uint64_t m = 0;
	for (size_t i = 0; i < l->n; i++)
		if (pre_side_ok(w, l->v[i]))
			m |= 1ull << i;
	w->amask[k] = m;
	w->amask_gen[k] = w->pgen;
	w->amask_list[k] = l;
	return m;
}

/* the rules without a prefilter that this packet's ports can concern */
static void add_always(struct snet_inspect_worker *w, const struct always_idx *a, bool packet)
{
	if (packet && a->any.n <= 64) {
		for (uint64_t m = any_mask(w, &a->any); m; m &= m - 1)
			cand_add(w, a->any.v[__builtin_ctzll(m)]);
	} else {
		for (size_t i = 0; i < a->any.n; i++)
			cand_add(w, a->any.v[i]);
	}
	if (a->ndport)
		add_port_rules(w, a->dport, a->ndport, w->p->dport);
	if (a->nsport)
		add_port_rules(w, a->sport, a->nsport, w->p->sport);
	/* most TCP packets carry none of SYN, FIN, RST, URG */
	uint8_t fl = w->p->ipproto == IPPROTO_TCP ? w->p->tcp_flags : 0;
	if (fl & (TH_SYN | TH_FIN | TH_RST | TH_URG))
		for (size_t i = 0; i < a->nflagged; i++)
			if ((fl & a->flagged[i].need) == a->flagged[i].need)
				cand_add(w, a->flagged[i].rid);
}

/* the packet's home class (db_subkey): source in HOME_NET 1, destination 2 */
static unsigned home_class(struct snet_inspect_worker *w)
{
	const struct addr_node *h = w->cur->dbs.home;
	if (!h)
		return 0;
	if (w->home_gen != w->pgen) {
		w->home_in[w->memo_swap] = addr_match(h, &w->p->src);
		w->home_in[!w->memo_swap] = addr_match(h, &w->p->dst);
		w->home_gen = w->pgen;
	}
	return (unsigned)w->home_in[w->memo_swap] | (unsigned)w->home_in[!w->memo_swap] << 1;
}

/* block-mode prefilter of the event's buffers */
static void prefilter(struct snet_inspect_worker *w, const struct event *ev)
{
	const struct snet_inspect_ruleset *rs = w->cur;
	int di = w->dir - 1;
	unsigned hc = ev->ph == PH_PACKET ? 0 : home_class(w);
	for (uint64_t mask = ev->scan_mask; mask; mask &= mask - 1) {
		int b = __builtin_ctzll(mask);
		if (!(ev->have >> b & 1) || !ev->n[b])
			continue;
		const struct prefilter_db *db = rs->dbs.idx[b][di][db_subkey((enum buf_id)b, ev->slot,
										     ev->ph, hc)];
		if (!db)
			continue;
		struct hs_ctx c = { w, db };
		const uint8_t *p;
		size_t n;
		for (size_t it = 0; ev_next_instance(ev, b, &it, &p, &n);)
			if (n && hs_scan(db->db, (const char *)p, (unsigned)n, 0, w->scratch,
					 on_hs_match, &c) != HS_SUCCESS)
				w->st.prefilter_errors++;
	}
	add_always(w, &rs->dbs.aidx[ev->ph][di][ev->ph == PH_PACKET ? ev->slot : 0],
		   ev->ph == PH_PACKET);
}

/* the pcre memos of a raw-stream candidate: its pending entry's, or fresh
 * ones that keep_pending() copies if the rule becomes pending */
static uint64_t *stream_memo(struct snet_inspect_worker *w, struct stream_dir *sd, uint32_t rid)
{
	struct rstate *s = &w->rst[rid];
	if (s->pend == w->gen)
		return sd->pend[s->pidx].pmemo;
	s->memo = w->gen;
	memset(s->pmemo, 0, sizeof(s->pmemo));
	return s->pmemo;
}

/*
 * Verify the candidates in rule order; a match is kept for the verdict.
 * The cheap checks come first and drop candidates from the list, so the
 * sort and the full verification see few; what is left in the list are
 * the candidates that could match this flow side.
 */
static void verify(struct snet_inspect_worker *w, struct event *ev)
{
	struct snet_inspect_ruleset *rs = w->cur;
	size_t n = 0;
	for (size_t i = 0; i < w->ncand; i++) {
		uint32_t rid = w->cand[i];
		if (pre_ok(w, rid, ev))
			w->cand[n++] = rid;
	}
	w->ncand = n;
	if (n <= 32)
		sort_u32(w->cand, n);
	else
		qsort(w->cand, n, sizeof(uint32_t), cmp_u32);
	for (size_t i = 0; i < n; i++) {
		if (!pre_fbits_ok(w, w->cand[i]))
			continue;
		const struct rule *r = rs->rules[w->cand[i]];
		w->env.pmemo = ev->sd ? stream_memo(w, ev->sd, w->cand[i]) : NULL;
		bool ok = rule_matches(w, r, ev);
		w->env.pmemo = NULL;
		if (!ok)
			continue;
		apply_flowbits(w->f, r);
		if (r->nfints && w->f)
			flowint_apply(r->fints, r->nfints, &w->f->fint);
		for (size_t k = 0; k < r->nxbits; k++) {
			const struct xbit_op *x = &r->xbits[k];
			if (x->op != FB_ISSET && x->op != FB_ISNOTSET &&
			    xbits_apply(&rs->xbits, x, w->p, w->p->ts_usec / 1000000) == -ENOSPC)
				w->st.xbits_full++;
		}
		/* threshold.config: neither alert nor action for these addresses */
		if (r->nsup && suppressed(r, &w->p->src, &w->p->dst))
			continue;
		enum th_result th = threshold_check(rs, r, &w->p->src, &w->p->dst,
						    w->p->ts_usec / 1000000);
		if (th == TH_SKIP)
			continue;
		if (w->npm == MAX_PKT_MATCHES)
			continue;
		struct pkt_match *m = &w->pm[w->npm++];
		m->r = r;
		m->silent = th == TH_ACT;
		m->action = r->rf.new_action ?
			    rate_filter_action(rs, r, &w->p->src, &w->p->dst,
					       w->p->ts_usec / 1000000) :
			    r->action;
		m->app_key = ev->app_key;
		if (!ev->app && ev->app_fn)
			ev->app = ev->app_fn(ev->app_arg);
		m->app = ev->app ? json_incref(ev->app) : NULL;
	}
}

static void run_event(struct snet_inspect_worker *w, struct event *ev)
{
	cand_begin(w);
	prefilter(w, ev);
	verify(w, ev);
	json_decref(ev->app);
	ev->app = NULL;
}

/* ---- application events ---- */

static void set_hbuf(struct event *ev, enum buf_id b, const struct hbuf *h)
{
	if (h->set) {
		ev_buf(ev, b, h->p ? h->p : (const uint8_t *)"", h->n);
		ev->scan_mask |= 1ull << b;
	}
}

/* application events see the raw stream so far and the packet */
static void stream_window_buf(struct snet_inspect_worker *w, struct event *ev)
{
	if (w->f && w->p->ipproto == IPPROTO_TCP) {
		const struct stream_dir *sd = &w->f->sd[w->dir - 1];
		ev_buf(ev, BUF_STREAM, sd->buf ? sd->buf : (const uint8_t *)"", sd->len);
	}
	ev_buf(ev, BUF_PAYLOAD, w->p->payload, w->p->plen);
}

static json_t *hstr(const struct hbuf *h)
{
	return json_stringn_nocheck((const char *)h->p, h->n);
}

static json_t *http_json(const void *arg)
{
	const struct http_tx *tx = arg;
	json_t *o = json_object();
	const struct hbuf *q = tx->req;
	if (q[BUF_HTTP_HOST].set)
		json_object_set_new(o, "hostname", hstr(&q[BUF_HTTP_HOST]));
	if (q[BUF_HTTP_RAW_URI].set)
		json_object_set_new(o, "url", hstr(&q[BUF_HTTP_RAW_URI]));
	if (q[BUF_HTTP_UA].set)
		json_object_set_new(o, "http_user_agent", hstr(&q[BUF_HTTP_UA]));
	if (tx->resp[BUF_HTTP_CONTENT_TYPE].set)
		json_object_set_new(o, "http_content_type", hstr(&tx->resp[BUF_HTTP_CONTENT_TYPE]));
	if (q[BUF_HTTP_METHOD].set)
		json_object_set_new(o, "http_method", hstr(&q[BUF_HTTP_METHOD]));
	if (q[BUF_HTTP_PROTOCOL].set)
		json_object_set_new(o, "protocol", hstr(&q[BUF_HTTP_PROTOCOL]));
	if (tx->status)
		json_object_set_new(o, "status", json_integer(tx->status));
	if (tx->resp_body_len)
		json_object_set_new(o, "length", json_integer((json_int_t)tx->resp_body_len));
	return o;
}

static void on_http_event(void *ctx, enum http_event hev, struct http_tx *tx)
{
	struct snet_inspect_worker *w = ctx;
	struct event ev;
	bool resp = hev == HTTP_EV_RESP_HEADERS || hev == HTTP_EV_RESP_BODY;
	ev_init(&ev, hev == HTTP_EV_REQ_HEADERS ? PH_REQ_HEADERS : hev == HTTP_EV_REQ_BODY ?
		PH_REQ_BODY : hev == HTTP_EV_RESP_HEADERS ? PH_RESP_HEADERS : PH_RESP_BODY);
	ev.tx = tx;
	ev.app_key = "http";
	/* the response's own version of the buffers both sides have */
	static const uint64_t resp_own = 1ull << BUF_HTTP_CONTENT_TYPE |
		1ull << BUF_HTTP_CONTENT_LEN | 1ull << BUF_HTTP_HEADER | 1ull << BUF_HTTP_RAW_HEADER |
		1ull << BUF_HTTP_HEADER_NAMES | 1ull << BUF_HTTP_START | 1ull << BUF_HTTP_COOKIE |
		1ull << BUF_HTTP_CONNECTION;
	/* the buffers from BUF_HTTP_STAT_CODE on are the response's */
	int last = resp ? BUF_HTTP_SERVER_BODY : BUF_HTTP_STAT_CODE - 1;
	for (int b = BUF_HTTP_METHOD; b <= last; b++) {
		/* to_client rules see the request's own buffers and the
		 * response's version of the shared ones */
		const struct hbuf *h = &tx->req[b];
		if (b == BUF_HTTP_REQUEST_HEADER)
			h = &tx->req[BUF_HTTP_HEADER];	/* each line of the block */
		else if (b == BUF_HTTP_RESPONSE_HEADER)
			h = &tx->resp[BUF_HTTP_HEADER];
		else if (resp && b == BUF_HTTP_CLIENT_BODY)
			continue;
		else if (resp && (resp_own >> b & 1 || tx->resp[b].set))
			h = &tx->resp[b];
		set_hbuf(&ev, (enum buf_id)b, h);
	}
	stream_window_buf(w, &ev);
	ev.app_fn = http_json;
	ev.app_arg = tx;
	run_event(w, &ev);
}

static json_t *dns_json(const void *arg)
{
	const struct dns_query *q = arg;
	char tb[16];
	json_t *qo = json_object();
	json_object_set_new(qo, "type", json_string("query"));
	json_object_set_new(qo, "id", json_integer(q->id));
	json_object_set_new(qo, "rrname", json_string_nocheck(q->name));
	json_object_set_new(qo, "rrtype", json_string(dns_type_name(q->type, tb, sizeof(tb))));
	json_object_set_new(qo, "opcode", json_integer(q->opcode));
	json_t *o = json_object();
	json_t *arr = json_array();
	json_array_append_new(arr, qo);
	json_object_set_new(o, "query", arr);
	return o;
}

static void dns_event(struct snet_inspect_worker *w, const struct dns_query *q)
{
	struct event ev;
	ev_init(&ev, PH_DNS_QUERY);
	ev.app_key = "dns";
	ev_buf(&ev, BUF_DNS_QUERY, (const uint8_t *)q->name, strlen(q->name));
	ev.scan_mask = 1ull << BUF_DNS_QUERY;
	stream_window_buf(w, &ev);
	ev.app_fn = dns_json;
	ev.app_arg = q;
	run_event(w, &ev);
}

/* EVE's tls.version, as Suricata names them */
static json_t *tls_version_json(uint16_t v)
{
	char b[16];
	switch (v) {
	case 0x0300: return json_string("SSLv3");
	case 0x0301: return json_string("TLSv1");
	case 0x0302: return json_string("TLS 1.1");
	case 0x0303: return json_string("TLS 1.2");
	case 0x0304: return json_string("TLS 1.3");
	}
	snprintf(b, sizeof(b), "0x%04x", v);
	return json_string(b);
}

/* {"hash": ..., "string": ...}: EVE's tls.ja3 and tls.ja3s */
static json_t *ja3_json(const char *hash, const struct strbuf *str)
{
	json_t *o = json_object();
	json_object_set_new(o, "hash", json_string(hash));
	json_object_set_new(o, "string", json_stringn(str->s ? str->s : "", str->len));
	return o;
}

static json_t *tls_json(const void *arg)
{
	const struct tls_hello *h = arg;
	json_t *o = json_object();
	if (h->has_sni)
		json_object_set_new(o, "sni", json_stringn_nocheck(h->sni, h->sni_len));
	json_object_set_new(o, "version", tls_version_json(h->version));
	json_object_set_new(o, "ja3", ja3_json(h->ja3_hash, &h->ja3));
	if (h->has_ja4)
		json_object_set_new(o, "ja4", json_string(h->ja4));
	return o;
}

static void tls_event(struct snet_inspect_worker *w, const struct tls_hello *h)
{
	struct event ev;
	ev_init(&ev, PH_TLS_HELLO);
	ev.app_key = "tls";
	if (h->has_sni) {
		ev_buf(&ev, BUF_TLS_SNI, (const uint8_t *)h->sni, h->sni_len);
		ev.scan_mask = 1ull << BUF_TLS_SNI;
	}
	ev_buf(&ev, BUF_TLS_JA3_HASH, (const uint8_t *)h->ja3_hash, strlen(h->ja3_hash));
	ev_buf(&ev, BUF_TLS_JA3_STRING, (const uint8_t *)h->ja3.s, h->ja3.len);
	ev.scan_mask |= 1ull << BUF_TLS_JA3_HASH | 1ull << BUF_TLS_JA3_STRING;
	if (h->has_ja4) {
		ev_buf(&ev, BUF_TLS_JA4_HASH, (const uint8_t *)h->ja4, strlen(h->ja4));
		ev.scan_mask |= 1ull << BUF_TLS_JA4_HASH;
	}
	stream_window_buf(w, &ev);
	ev.app_fn = tls_json;
	ev.app_arg = h;
	run_event(w, &ev);
}

/* the ServerHello's part of an alert on the server's flight */
static void tls_server_hello_json(json_t *o, const struct tls_server *s)
{
	json_object_set_new(o, "version", tls_version_json(s->hello_version));
	json_object_set_new(o, "ja3s", ja3_json(s->ja3s_hash, &s->ja3s));
}

static json_t *tls_sh_json(const void *arg)
{
	json_t *o = json_object();
	tls_server_hello_json(o, arg);
	return o;
}

/* the ServerHello's buffers, in its own event and the certificate's */
static void ev_server_hello(struct event *ev, const struct tls_server *s)
{
	ev_buf(ev, BUF_TLS_JA3S_HASH, (const uint8_t *)s->ja3s_hash, strlen(s->ja3s_hash));
	ev_buf(ev, BUF_TLS_JA3S_STRING, (const uint8_t *)s->ja3s.s, s->ja3s.len);
	ev->scan_mask |= 1ull << BUF_TLS_JA3S_HASH | 1ull << BUF_TLS_JA3S_STRING;
}

static void tls_server_hello_event(struct snet_inspect_worker *w, const struct tls_server *s)
{
	struct event ev;
	ev_init(&ev, PH_TLS_SERVER_HELLO);
	ev.app_key = "tls";
	ev_server_hello(&ev, s);
	stream_window_buf(w, &ev);
	ev.app_fn = tls_sh_json;
	ev.app_arg = s;
	run_event(w, &ev);
}

static json_t *tls_cert_json(const void *arg)
{
	const struct tls_server *c = arg;
	json_t *o = json_object();
	json_object_set_new(o, "subject", json_string(c->subject));
	json_object_set_new(o, "issuerdn", json_string(c->issuer));
	json_object_set_new(o, "serial", json_string(c->serial));
	json_object_set_new(o, "fingerprint", json_string(c->fingerprint));
	/* Suricata's form: UTC, no zone */
	static const char *const names[] = { "notbefore", "notafter" };
	const int64_t t[] = { c->not_before, c->not_after };
	for (int i = 0; i < 2; i++) {
		struct tm tm;
		time_t tt = (time_t)t[i];
		char b[32];
		if (t[i] && gmtime_r(&tt, &tm) && strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm))
			json_object_set_new(o, names[i], json_string(b));
	}
	if (c->hello)
		tls_server_hello_json(o, c);
	return o;
}

static void tls_cert_event(struct snet_inspect_worker *w, const struct tls_server *c)
{
	struct event ev;
	ev_init(&ev, PH_TLS_CERT);
	ev.app_key = "tls";
	ev_buf(&ev, BUF_TLS_CERT_SUBJECT, (const uint8_t *)c->subject, strlen(c->subject));
	ev_buf(&ev, BUF_TLS_CERT_ISSUER, (const uint8_t *)c->issuer, strlen(c->issuer));
	ev_buf(&ev, BUF_TLS_CERT_SERIAL, (const uint8_t *)c->serial, strlen(c->serial));
	ev_buf(&ev, BUF_TLS_CERT_FINGERPRINT, (const uint8_t *)c->fingerprint,
	       strlen(c->fingerprint));
	ev.scan_mask = 1ull << BUF_TLS_CERT_SUBJECT | 1ull << BUF_TLS_CERT_ISSUER |
		       1ull << BUF_TLS_CERT_SERIAL | 1ull << BUF_TLS_CERT_FINGERPRINT;
	/* the multi-buffers: present when they have an instance */
	ev.srv = c;
	if (c->nsan) {
		ev_buf(&ev, BUF_TLS_SAN, (const uint8_t *)c->san_text.s + c->san[0].off,
		       c->san[0].len);
		ev.scan_mask |= 1ull << BUF_TLS_SAN;
	}
	ev_buf(&ev, BUF_TLS_CERTS, c->chain[0].p, c->chain[0].n);
	ev.scan_mask |= 1ull << BUF_TLS_CERTS;
	if (c->hello)
		ev_server_hello(&ev, c);
	stream_window_buf(w, &ev);
	ev.app_fn = tls_cert_json;
	ev.app_arg = c;
	run_event(w, &ev);
}

static bool mem_room(struct snet_inspect_worker *w, size_t add);

/*
 * The parsers' room callbacks: add more bytes of the current flow's
 * parser state under flow-memcap, the flow's figure brought up to date
 * first (the parser has grown since); a refusal is counted in *refused.
 */
static bool parser_room(struct snet_inspect_worker *w, size_t add, uint64_t *refused)
{
	flow_account(w, w->f);
	if (mem_room(w, add))
		return true;
	if (refused)
		(*refused)++;
	return false;
}

/* Suricata's EVE ssh object: the banners seen so far */
static json_t *ssh_json(const void *arg)
{
	const struct flow *f = arg;
	json_t *o = json_object();
	for (int d = 0; d < 2; d++) {
		struct ssh_banner b;
		if (!(f->ssh_done & (1u << d)) || !f->ssh_line[d].s ||
		    ssh_banner_split((const uint8_t *)f->ssh_line[d].s, f->ssh_line[d].len, &b))
			continue;
		json_t *side = json_object();
		json_object_set_new(side, "proto_version",
				    json_stringn((const char *)b.proto, b.proto_len));
		json_object_set_new(side, "software_version",
				    json_stringn((const char *)b.software, b.software_len));
		if (f->sshk && (f->sshk->hassh_ok & (1u << d))) {
			json_t *h = json_object();
			json_object_set_new(h, "hash", json_string(f->sshk->hassh[d]));
			json_object_set_new(h, "string", json_stringn(f->sshk->buf[d].s,
								      f->sshk->buf[d].len));
			json_object_set_new(side, "hassh", h);
		}
		json_object_set_new(o, d ? "server" : "client", side);
	}
	return o;
}

/* a side's identification line: ssh.proto, ssh.software (if not empty) */
static void ssh_event(struct snet_inspect_worker *w, const struct ssh_banner *b)
{
	struct event ev;
	ev_init(&ev, PH_SSH_BANNER);
	ev.app_key = "ssh";
	ev_buf(&ev, BUF_SSH_PROTO, b->proto, b->proto_len);
	ev.scan_mask = 1ull << BUF_SSH_PROTO;
	if (b->software_len) {
		ev_buf(&ev, BUF_SSH_SOFTWARE, b->software, b->software_len);
		ev.scan_mask |= 1ull << BUF_SSH_SOFTWARE;
	}
	stream_window_buf(w, &ev);
	ev.app_fn = ssh_json;
	ev.app_arg = w->f;
	run_event(w, &ev);
}

/* a side's KEXINIT: ssh.hassh(.string) or ssh.hassh.server(.string), with
 * the side's banner */
static void ssh_kex_event(struct snet_inspect_worker *w, int di)
{
	struct flow *f = w->f;
	struct event ev;
	enum buf_id h = di ? BUF_SSH_HASSH_SERVER : BUF_SSH_HASSH;
	enum buf_id hs = di ? BUF_SSH_HASSH_SERVER_STRING : BUF_SSH_HASSH_STRING;
	ev_init(&ev, PH_SSH_KEXINIT);
	ev.app_key = "ssh";
	ev_buf(&ev, h, (const uint8_t *)f->sshk->hassh[di], 32);
	ev_buf(&ev, hs, (const uint8_t *)f->sshk->buf[di].s, f->sshk->buf[di].len);
	ev.scan_mask = 1ull << h | 1ull << hs;
	struct ssh_banner b;
	if (f->ssh_line[di].s &&
	    !ssh_banner_split((const uint8_t *)f->ssh_line[di].s, f->ssh_line[di].len, &b)) {
		ev_buf(&ev, BUF_SSH_PROTO, b.proto, b.proto_len);
		ev.scan_mask |= 1ull << BUF_SSH_PROTO;
		if (b.software_len) {
			ev_buf(&ev, BUF_SSH_SOFTWARE, b.software, b.software_len);
			ev.scan_mask |= 1ull << BUF_SSH_SOFTWARE;
		}
	}
	stream_window_buf(w, &ev);
	ev.app_fn = ssh_json;
	ev.app_arg = f;
	run_event(w, &ev);
}

/*
 * After the banner, a side's first binary packet, gathered whole (at
 * most 35000 bytes, under flow-memcap) when a rule of the set reads
 * HASSH: a KEXINIT gives the side's HASSH.
 */
static void ssh_kex_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	uint8_t bit = (uint8_t)(1u << di);
	size_t total;

	if (f->ssh_kex_done & bit)
		return;
	if (!(w->cur->bufs_used & HASSH_BUFS) ||
	    (!f->sshk && (!parser_room(w, sizeof(*f->sshk), NULL) ||
			  !(f->sshk = calloc(1, sizeof(*f->sshk)))))) {
		f->ssh_kex_done |= bit;	/* no rule reads HASSH, or no memory */
		return;
	}
	struct ssh_kex *sk = f->sshk;
	struct strbuf *k = &sk->buf[di];
	if (!n)
		return;
	if (sk->cr & bit) {
		sk->cr &= (uint8_t)~bit;
		if (*d == '\n') {
			d++;
			if (!--n)
				return;
		}
	}
	size_t take = k->len < SSH_KEX_MAX ? SSH_KEX_MAX - k->len : 0;
	if (take > n)
		take = n;
	int rc;
	if ((k->len + take > k->cap && !parser_room(w, k->len + take - k->cap, NULL)) ||
	    strbuf_append(k, d, take))
		rc = -1;	/* no memory for it under flow-memcap: no HASSH */
	else
		rc = ssh_packet_whole((const uint8_t *)k->s, k->len, &total);
	if (rc == 0)
		return;
	f->ssh_kex_done |= bit;
	struct strbuf hs = { 0 };
	if (rc < 0 || ssh_kexinit_hassh((const uint8_t *)k->s, k->len, di, &hs) ||
	    md5_hex(hs.s, hs.len, sk->hassh[di])) {
		strbuf_free(&hs);
		strbuf_free(k);
		flow_account(w, f);
		return;
	}
	strbuf_free(k);
	*k = hs;	/* kept for the EVE ssh object */
	flow_account(w, f);
	sk->hassh_ok |= bit;
	ssh_kex_event(w, di);
}

/* the first line of side di, until it is complete */
static void ssh_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	struct strbuf *l = &f->ssh_line[di];
	size_t take = n < SSH_BANNER_MAX - l->len ? n : SSH_BANNER_MAX - l->len;
	size_t len;
	int rc;

	if (l->len + take > l->cap && !mem_room(w, l->len + take - l->cap))
		rc = -1;	/* no memory for it under flow-memcap: no banner */
	else if (strbuf_append(l, d, take))
		rc = -1;
	else
		rc = ssh_banner_line((const uint8_t *)l->s, l->len, &len);
	if (rc == 0)
		return;
	f->ssh_done |= (uint8_t)(1u << di);
	struct ssh_banner b;
	if (rc < 0 || ssh_banner_split((const uint8_t *)l->s, len, &b)) {
		strbuf_free(l);
		f->ssh_kex_done |= (uint8_t)(1u << di);
		return;
	}
	/* the line ends with LF, CR LF or CR; what follows is binary */
	size_t t = len + 1;
	if (l->s[len] == '\r' && t < l->len && l->s[t] == '\n')
		t++;
	size_t more = t <= l->len ? l->len - t : 0;
	bool cr = l->s[len] == '\r' && t == l->len;
	l->len = len;		/* kept for the EVE ssh object */
	ssh_event(w, &b);
	ssh_kex_data(w, di, (const uint8_t *)l->s + t, more);
	if (cr && f->sshk)
		f->sshk->cr |= (uint8_t)(1u << di);
	ssh_kex_data(w, di, d + take, n - take);
}

/* ---- DCERPC ---- */

struct dce_ev_arg {
	const struct dce_state *s;
	const struct dce_call *c;
	bool response;
};

static json_t *dce_json(const void *arg)
{
	const struct dce_ev_arg *a = arg;
	return dce_eve_object(a->s, a->c, a->response);
}

/* a request's first PDU, a request over, a response over (dcerpc.c) */
static void on_dce_event(void *ctx, enum dce_event dev, const struct dce_state *s,
			 const struct dce_call *c)
{
	struct snet_inspect_worker *w = ctx;
	struct event ev;
	struct dce_ev_arg arg = { s, c, dev == DCE_EV_RESPONSE_DONE };
	ev_init(&ev, dev == DCE_EV_REQUEST ? PH_DCE_REQUEST :
		dev == DCE_EV_REQUEST_DONE ? PH_DCE_REQ_STUB : PH_DCE_RESPONSE);
	ev.app_key = "dcerpc";
	ev.dce = c;
	ev.dce_st = s;
	if (dev != DCE_EV_REQUEST) {
		ev_buf(&ev, BUF_DCE_STUB_DATA, c->stub ? c->stub : (const uint8_t *)"", c->stub_len);
		ev.scan_mask = 1ull << BUF_DCE_STUB_DATA;
	}
	stream_window_buf(w, &ev);
	ev.app_fn = dce_json;
	ev.app_arg = &arg;
	w->env.dce_little = c->little;	/* byte_test...,dce */
	run_event(w, &ev);
	w->env.dce_little = false;
}

static bool dce_room(void *ctx, size_t add)
{
	struct snet_inspect_worker *w = ctx;
	return parser_room(w, add, &w->st.dcerpc_memcap);
}

static const struct dce_ops dce_ops = { on_dce_event, dce_room };

static void dce_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	if (!f->dce) {
		/* the state itself, once, when the flow is found to speak DCERPC */
		if (f->dce_off)
			return;
		if (!mem_room(w, sizeof(struct dce_state)) || !(f->dce = dce_state_new())) {
			w->st.dcerpc_memcap++;
			f->dce_off = true;	/* a parser cannot start mid-stream */
			return;
		}
	}
	/* a malformed PDU stops its side, counted here (dce_room counts memory) */
	if (dce_feed(f->dce, di, d, n, &dce_ops, w) == -EBADMSG)
		w->st.dcerpc_malformed++;
}

/* ---- DNS over TCP ---- */

static void on_dns_tcp_query(void *ctx, const struct dns_query *q, int nq)
{
	struct snet_inspect_worker *w = ctx;
	for (int i = 0; i < nq; i++)
		dns_event(w, &q[i]);
}

/* a message split across segments is gathered under flow-memcap */
static bool dns_tcp_room(void *ctx, size_t add)
{
	return parser_room(ctx, add, NULL);
}

static const struct dns_tcp_ops dns_tcp_ops = { on_dns_tcp_query, dns_tcp_room };

static void dns_tcp_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	if (!f->dns) {
		if (f->dns_off)
			return;
		if (!mem_room(w, sizeof(struct dns_tcp_state)) || !(f->dns = dns_tcp_state_new())) {
			f->dns_off = true;	/* a parser cannot start mid-stream */
			return;
		}
	}
	/* a malformed message or no memory stops its side (dns_tcp_feed) */
	(void)dns_tcp_feed(f->dns, di, d, n, &dns_tcp_ops, w);
}

/* ---- SMTP ---- */

struct smtp_ev_arg {
	const struct smtp_state *s;
	const struct smtp_msg *m;
};

static json_t *smtp_json(const void *arg)
{
	const struct smtp_ev_arg *a = arg;
	return smtp_eve_objects(a->s, a->m);
}

/*
 * A message is over: file_data rules are decided on its attachments, one
 * event for the message (a rule alerts once for it, as Suricata's
 * transaction), each attachment an instance of the multi-buffer.
 */
static void on_smtp_message(void *ctx, const struct smtp_state *s, const struct smtp_msg *m)
{
	struct snet_inspect_worker *w = ctx;
	if (!m->nfiles)
		return;		/* nothing file_data could match */
	for (unsigned i = 0; i < m->nfiles; i++)
		if (m->files[i].truncated)
			w->st.smtp_file_truncated++;
	w->st.smtp_files_lost += m->files_lost;
	struct event ev;
	struct smtp_ev_arg arg = { s, m };
	ev_init(&ev, PH_SMTP_MESSAGE);
	ev.app_key = NULL;	/* two objects: smtp and email (smtp_eve_objects) */
	ev.smtp = m;
	/* the prefilter skips an event whose buffer is empty: name a file
	 * with bytes, if any has (it scans every instance) */
	unsigned first = 0;
	while (first + 1 < m->nfiles && !m->files[first].len)
		first++;
	ev_buf(&ev, BUF_SMTP_FILE_DATA,
	       m->files[first].data ? m->files[first].data : (const uint8_t *)"",
	       m->files[first].len);
	ev.scan_mask = 1ull << BUF_SMTP_FILE_DATA;
	stream_window_buf(w, &ev);
	ev.app_fn = smtp_json;
	ev.app_arg = &arg;
	run_event(w, &ev);
}

static bool smtp_room(void *ctx, size_t add)
{
	struct snet_inspect_worker *w = ctx;
	return parser_room(w, add, &w->st.smtp_memcap);
}

static const struct smtp_ops smtp_ops = { on_smtp_message, smtp_room };

static void smtp_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	if (!f->smtp) {
		if (f->smtp_off)
			return;
		if (!mem_room(w, sizeof(struct smtp_state)) || !(f->smtp = smtp_state_new())) {
			w->st.smtp_memcap++;
			f->smtp_off = true;	/* a parser cannot start mid-stream */
			return;
		}
	}
	smtp_feed(f->smtp, di, d, n, &smtp_ops, w);
}

/* the server's side of a TLS flow, until its certificate is known */
static void tls_server_data(struct snet_inspect_worker *w, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	struct strbuf *b = &f->tls_srv_buf;
	size_t take = n < TLS_SERVER_MAX - b->len ? n : TLS_SERVER_MAX - b->len;
	struct tls_server c = { 0 };
	int rc;

	if (b->len + take > b->cap && !mem_room(w, b->len + take - b->cap)) {
		w->st.tls_memcap++;
		rc = -1;
	} else if (strbuf_append(b, d, take)) {
		w->st.tls_memcap++;
		rc = -1;
	} else {
		rc = tls_parse_server((const uint8_t *)b->s, b->len, &c);
		if (c.hello_version && !f->tls.d[1].hello)
			tls_track_hello(&f->tls, 1, c.hello_version);
	}
	/* the ServerHello once, before the certificate that may follow it */
	if (c.hello && !f->tls_sh_done) {
		f->tls_sh_done = true;
		tls_server_hello_event(w, &c);
	}
	if (rc != 0) {
		f->tls_srv_done = true;
		strbuf_free(b);
		if (rc == 1)
			tls_cert_event(w, &c);
	}
	tls_server_release(&c);
}

/* ---- TCP reassembly ---- */

static bool http_room(void *ctx, size_t add)
{
	struct snet_inspect_worker *w = ctx;
	return parser_room(w, add, &w->st.http_memcap);
}

static const struct http_ops http_ops = { on_http_event, http_room };

/* direction di names no protocol: given up on, what it held goes */
static void app_probe_failed(struct snet_inspect_worker *w, struct flow *f, int di)
{
	f->alp_at = w->st.packets_seen;
	f->nhold[di] = 0;
	f->probed |= (uint8_t)(1u << di);
	if (f->probed == 3)
		f->app = APP_UNKNOWN;
}

/*
 * Each direction's first data may name the protocol (a server's greeting
 * may not: the client's first command then does).  Data too short to
 * tell (under PROBE_MIN bytes, no probe matching) is held and probed again
 * with what follows, as Suricata probes the stream, not a segment: "G"
 * then "ET / HTTP/1.1" is HTTP, a DNS length in a segment of its own then
 * the message is DNS.  Returns how many held bytes the protocol's parser
 * gets before d (copied to held), or -1 when d is held too.
 */
static int app_detect(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n,
		      uint8_t held[PROBE_MIN])
{
	struct flow *f = w->f;
	uint8_t buf[PROBE_MIN + PROBE_LOOK];
	const uint8_t *pd = d;
	size_t pn = n, nheld = f->nhold[di];

	if (nheld) {
		size_t take = n < PROBE_LOOK ? n : PROBE_LOOK;
		memcpy(held, f->hold[di], nheld);
		memcpy(buf, held, nheld);
		memcpy(buf + nheld, d, take);
		pd = buf;
		pn = nheld + take;
		f->nhold[di] = 0;
	}
	enum app_proto app = app_probe(di, pd, pn);
	/* Suricata probes DNS on TCP on its port 53 only, either side */
	if (app == APP_NONE && (f->sport == 53 || f->cport == 53) && dns_tcp_probe(pd, pn))
		app = APP_DNS;
	if (app == APP_NONE && pn < PROBE_MIN) {
		memcpy(f->hold[di], pd, pn);
		f->nhold[di] = (uint8_t)pn;
		return -1;
	}
	if (app == APP_NONE) {
		app_probe_failed(w, f, di);
		return 0;
	}
	f->alp_at = w->st.packets_seen;
	f->app = app;
	/* the other side's held bytes named nothing there: dropped, as its
	 * first data was before holding */
	f->nhold[!di] = 0;
	if (app == APP_HTTP) {
		f->http = mem_room(w, sizeof(struct http_state)) ?
			  http_state_new(w->cur->cfg.http_body_limit) : NULL;
		if (!f->http) {
			w->st.http_memcap++;
			f->app = APP_UNKNOWN;
		}
	}
	return (int)nheld;
}

static void app_feed(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n);

static void app_data(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;

	if (f->app == APP_NONE && !(f->probed & (1u << di))) {
		uint8_t held[PROBE_MIN];
		int nheld = app_detect(w, di, d, n, held);

		if (nheld < 0)
			return;
		if (nheld)
			app_feed(w, di, held, (size_t)nheld);
	}
	app_feed(w, di, d, n);
}

/* in-order data of direction di for the flow's protocol parser */
static void app_feed(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;

	/* the record layer, all the flow long: only for rules that read it */
	if (f->app == APP_TLS && f->rs->tls_track)
		tls_track_data(&f->tls, di, d, n);
	if (f->app == APP_HTTP)
		http_feed(f->http, di, d, n, &http_ops, w);
	else if (f->app == APP_TLS && di == 0 && !f->tls_done) {
		size_t room = TLS_HELLO_GATHER - f->tls_buf.len;
		size_t take = n < room ? n : room;
		size_t grow = strbuf_growth(&f->tls_buf, take);
		struct tls_hello h;
		int rc = -1;	/* no room for the hello: not parsed */
		if (!grow || parser_room(w, grow, &w->st.tls_memcap)) {
			if (strbuf_append(&f->tls_buf, d, take))
				w->st.tls_memcap++;
			else
				rc = tls_parse_client_hello((uint8_t *)f->tls_buf.s,
							    f->tls_buf.len, &h, f->rs->tls_ja4);
		}
		if (rc != 0) {
			f->tls_done = true;
			strbuf_free(&f->tls_buf);
			if (rc == 1) {
				tls_track_hello(&f->tls, 0, h.version);
				tls_event(w, &h);
				tls_hello_release(&h);
			}
		}
	} else if (f->app == APP_TLS && di == 1 && !f->tls_srv_done) {
		tls_server_data(w, d, n);
	} else if (f->app == APP_SSH && !(f->ssh_done & (1u << di))) {
		ssh_data(w, di, d, n);
	} else if (f->app == APP_SSH && !(f->ssh_kex_done & (1u << di))) {
		ssh_kex_data(w, di, d, n);
	} else if (f->app == APP_DCERPC) {
		dce_data(w, di, d, n);
	} else if (f->app == APP_DNS) {
		dns_tcp_data(w, di, d, n);
	} else if (f->app == APP_SMTP && f->rs->smtp_files) {
		/* only a file_data rule reads what smtp.c keeps */
		smtp_data(w, di, d, n);
	}
}

/* room for add more bytes of flow state under flow-memcap */
static bool mem_room(struct snet_inspect_worker *w, size_t add)
{
	if (w->mem + add <= w->cur->cfg.flow_memcap)
		return true;
	expire_flows(w, w->p->ts_usec, false);	/* the current flow is not idle */
	return w->mem + add <= w->cur->cfg.flow_memcap;
}

/*
 * Keep n new bytes of direction di for raw-stream rules: the Hyperscan
 * stream is opened at the first byte, the buffer grows to at most
 * reassembly-depth.  Without memory under the cap, raw inspection of this
 * direction stops here, its state is freed and the bytes are counted.
 */
static bool stream_keep(struct snet_inspect_worker *w, struct stream_dir *sd, int di,
			const uint8_t *d, size_t n)
{
	const struct prefilter_db *db = w->cur->dbs.idx[BUF_STREAM][di][0];
	size_t cap = stream_capacity_for(sd, n, w->cur->cfg.reassembly_depth);
	size_t add = cap - sd->cap + (db && !sd->hs ? db->stream_size : 0);
	if (add && !mem_room(w, add))
		goto stop;
	if (db && !sd->hs) {
		if (hs_open_stream(db->db, 0, &sd->hs) != HS_SUCCESS) {
			sd->hs = NULL;
			w->st.prefilter_errors++;
			goto stop;
		}
		sd->hs_size = db->stream_size;
	}
	if (stream_append(sd, d, n, cap))
		goto stop;
	flow_account(w, w->f);
	return true;
stop:
	w->st.reassembly_memcap += n;
	sd->raw_off = true;
	stream_release(sd);
	flow_account(w, w->f);
	return false;
}

/* a hit later data may still complete stays a candidate of the stream */
static void keep_pending(struct snet_inspect_worker *w, struct stream_dir *sd)
{
	const struct snet_inspect_ruleset *rs = w->cur;
	for (size_t i = 0; i < w->ncand; i++) {
		uint32_t rid = w->cand[i];
		struct rstate *s = &w->rst[rid];
		if (s->hit != w->gen)
			continue;
		const struct rule *r = rs->rules[rid];
		uint64_t until = r->st_reach == STREAM_UNBOUNDED ||
				 s->hit_end > STREAM_UNBOUNDED - r->st_reach ?
				 STREAM_UNBOUNDED : s->hit_end + r->st_reach;
		if (until > r->st_max_end)
			until = r->st_max_end;
		if (until <= sd->len)
			continue;	/* every match with this hit is complete */
		if (s->pend == w->gen) {
			if (until > sd->pend[s->pidx].until)
				sd->pend[s->pidx].until = until;
			continue;
		}
		static const uint64_t none[STREAM_MEMOS];
		const uint64_t *memo = s->memo == w->gen ? s->pmemo : none;
		if (sd->npend == sd->cappend) {
			flow_account(w, w->f);
			size_t grow = (sd->cappend ? sd->cappend : 8) * sizeof(struct pending);
			if (!mem_room(w, grow) || pending_add(sd, rid, until, memo)) {
				w->st.prefilter_errors++;	/* a later match may be missed */
				continue;
			}
		} else if (pending_add(sd, rid, until, memo)) {
			w->st.prefilter_errors++;
			continue;
		}
		s->pend = w->gen;
		s->pidx = (uint32_t)(sd->npend - 1);
	}
}

/*
 * New stream data [len - n, len) of direction di: prefilter it once in
 * streaming mode, then verify the hits, the pending rules and the rules
 * without a prefilter on the stream from its start.  Only matches that
 * end in the new data count, so a match is reported once and a rule can
 * alert again on later data.
 */
static void stream_raw_event(struct snet_inspect_worker *w, struct stream_dir *sd, int di,
			     const uint8_t *d, size_t n)
{
	const struct snet_inspect_ruleset *rs = w->cur;
	struct event ev;
	ev_init(&ev, PH_STREAM);
	ev.min_end = sd->len - n;
	ev.sd = sd;
	ev_buf(&ev, BUF_STREAM, sd->buf, sd->len);
	ev_buf(&ev, BUF_PAYLOAD, w->p->payload, w->p->plen);
	cand_begin(w);
	pending_prune(sd, ev.min_end);
	for (size_t i = 0; i < sd->npend; i++) {
		uint32_t rid = sd->pend[i].rid;
		w->rst[rid].pend = w->gen;
		w->rst[rid].pidx = (uint32_t)i;
		cand_add(w, rid);
	}
	const struct prefilter_db *db = rs->dbs.idx[BUF_STREAM][di][0];
	if (db && sd->hs) {
		struct hs_ctx c = { w, db };
		if (hs_scan_stream(sd->hs, (const char *)d, (unsigned)n, 0, w->scratch,
				   on_stream_match, &c) != HS_SUCCESS)
			w->st.prefilter_errors++;
	}
	add_always(w, &rs->dbs.aidx[PH_STREAM][di][0], false);
	verify(w, &ev);
	keep_pending(w, sd);
}

/* the direction is over: its data is all in, free the raw state */
static void stream_maybe_done(struct snet_inspect_worker *w, struct stream_dir *sd)
{
	if (sd->fin && !sd->released && !sd->nooo && (int32_t)(sd->next_seq - sd->fin_seq) >= 0) {
		stream_release(sd);
		sd->released = true;
		flow_account(w, w->f);
	}
}

static void stream_deliver(struct snet_inspect_worker *w, int di, const uint8_t *d, size_t n)
{
	struct flow *f = w->f;
	struct stream_dir *sd = &f->sd[di];
	const struct snet_inspect_config *c = &w->cur->cfg;
	sd->next_seq += (uint32_t)n;
	if (sd->delivered >= c->reassembly_depth) {
		w->st.reassembly_truncated += n;
		return;
	}
	if (sd->delivered + n > c->reassembly_depth) {
		w->st.reassembly_truncated += sd->delivered + n - c->reassembly_depth;
		n = (size_t)(c->reassembly_depth - sd->delivered);
	}
	sd->delivered += n;
	bool raw = !sd->raw_off && !sd->released;
	if (sd->raw_off)
		w->st.reassembly_memcap += n;
	if (raw)
		raw = stream_keep(w, sd, di, d, n);
	app_data(w, di, d, n);
	if (raw)
		stream_raw_event(w, sd, di, d, n);
}

static void stream_segment(struct snet_inspect_worker *w, int di, uint32_t seq,
			   const uint8_t *d, size_t n)
{
	struct stream_dir *sd = &w->f->sd[di];
	int32_t rel = (int32_t)(seq - sd->next_seq);
	if (rel < 0) {
		if ((size_t)-(int64_t)rel >= n)
			return;	/* retransmission: already inspected */
		d += -(int64_t)rel;
		n -= (size_t)-(int64_t)rel;
		rel = 0;
	}
	if (rel > 0) {
		if (sd->nooo >= OOO_MAX_SEGS || sd->ooo_bytes + n > OOO_MAX_BYTES ||
		    !mem_room(w, sizeof(struct seg) + n)) {
			w->st.reassembly_ooo_dropped++;
			return;
		}
		struct seg *s = malloc(sizeof(*s) + n);
		if (!s) {
			w->st.reassembly_ooo_dropped++;
			return;
		}
		s->seq = seq;
		s->len = (uint32_t)n;
		memcpy(s->data, d, n);
		struct seg **pp = &sd->ooo;
		while (*pp && (int32_t)((*pp)->seq - seq) < 0)
			pp = &(*pp)->next;
		s->next = *pp;
		*pp = s;
		sd->nooo++;
		sd->ooo_bytes += n;
		return;
	}
	stream_deliver(w, di, d, n);
	while (sd->ooo && (int32_t)(sd->ooo->seq - sd->next_seq) <= 0) {
		struct seg *s = sd->ooo;
		sd->ooo = s->next;
		sd->nooo--;
		sd->ooo_bytes -= s->len;
		uint32_t skip = sd->next_seq - s->seq;
		if (skip < s->len)
			stream_deliver(w, di, s->data + skip, s->len - skip);
		free(s);
	}
	stream_maybe_done(w, sd);
}

static void tcp_track(struct snet_inspect_worker *w, struct flow *f, bool created)
{
	const struct packet *p = w->p;
	int di = w->dir - 1;
	uint8_t fl = p->tcp_flags;
	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN)
		f->syn = true;
	else if ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		f->synack = true;
	else if ((fl & TH_ACK) && (f->syn || f->synack))
		f->established = true;
	if (created && !(fl & TH_SYN) && w->cur->cfg.midstream)
		f->established = true;	/* picked up mid-stream */
	if (fl & TH_RST)
		f->closed = true;
	struct stream_dir *sd = &f->sd[di];
	if (fl & TH_SYN) {
		sd->init = true;
		sd->isn = p->seq;
		sd->next_seq = p->seq + 1;
	} else if (!sd->init && (p->plen || (fl & TH_FIN))) {
		sd->init = true;
		sd->isn = p->seq - 1;	/* as if its SYN had been seen */
		sd->next_seq = p->seq;
	}
	if (p->plen && sd->init && !(fl & TH_RST))
		stream_segment(w, di, p->seq + ((fl & TH_SYN) ? 1 : 0), p->payload, p->plen);
	if (fl & TH_FIN) {
		f->fin_mask |= (uint8_t)(1u << di);
		if (!sd->fin) {
			sd->fin = true;
			sd->fin_seq = p->seq + (uint32_t)p->plen + ((fl & TH_SYN) ? 1 : 0);
			/* no more data will tell what the held bytes are */
			if (f->app == APP_NONE && f->nhold[di])
				app_probe_failed(w, f, di);
			if (f->http)
				http_eof(f->http, di, &http_ops, w);
			if (f->dce)
				dce_eof(f->dce, di, &dce_ops, w);
			if (f->smtp)
				smtp_eof(f->smtp, di, &smtp_ops, w);
		}
		stream_maybe_done(w, sd);
		if (f->fin_mask == 3)
			f->closed = true;
	}
	if (fl & TH_RST) {
		/* nothing more comes either way: free the raw state now */
		for (int d = 0; d < 2; d++) {
			if (!f->sd[d].released) {
				stream_release(&f->sd[d]);
				f->sd[d].released = true;
			}
		}
		flow_account(w, f);
	}
}

/* ---- the verdict ---- */

/*
 * The flow's tags count this packet: is it one to log?  A tag ends once
 * its count of packets or bytes is passed, or its seconds have gone by.
 */
static bool tags_count_packet(struct snet_inspect_worker *w, struct flow *f)
{
	const struct packet *p = w->p;
	bool log = false;
	uint8_t k = 0;
	for (uint8_t i = 0; i < f->ntags; i++) {
		struct flow_tag *t = &f->tags[i];
		t->packets++;
		t->bytes += p->len;
		bool live = t->metric == TAG_PACKETS ? t->packets <= t->count :
			    t->metric == TAG_BYTES ? t->bytes <= t->count :
			    p->ts_usec <= t->first_usec ||	/* packets out of time order */
			    p->ts_usec - t->first_usec <= (uint64_t)t->count * 1000000;
		if (live) {
			f->tags[k++] = *t;
			log = true;
		}
	}
	f->ntags = k;
	return log;
}

/* an alert of a rule with tag:session: its packet is the tag's first (the
 * alert logs it); a tag of the same rule starts again */
static void tag_flow(struct snet_inspect_worker *w, struct flow *f, const struct rule *r)
{
	uint8_t i;
	for (i = 0; i < f->ntags && f->tags[i].rule != r->idx; i++)
		;
	if (i == f->ntags) {
		if (f->ntags == FLOW_TAGS_MAX)
			return;
		if (!f->tags) {
			if (!mem_room(w, FLOW_TAGS_MAX * sizeof(*f->tags)))
				return;
			f->tags = malloc(FLOW_TAGS_MAX * sizeof(*f->tags));
			if (!f->tags)
				return;
		}
		f->ntags++;
	}
	f->tags[i] = (struct flow_tag){
		.rule = r->idx, .metric = r->tag_metric, .count = r->tag_count,
		.first_usec = w->p->ts_usec, .packets = 1, .bytes = w->p->len,
	};
}

static void finish_packet(struct snet_inspect_worker *w, const struct snet_inspect_meta *meta,
			  struct snet_inspect_verdict *v)
{
	bool pass = false;
	enum snet_inspect_action act = SNET_INSPECT_ACCEPT;
	for (size_t i = 0; i < w->npm; i++) {
		char a = w->pm[i].action;
		if (a == 'p')
			pass = true;
		else if (a == 'd')
			act = SNET_INSPECT_DROP;
		else if (a == 'r' && act != SNET_INSPECT_DROP)
			act = SNET_INSPECT_REJECT;
	}
	if (pass)
		act = SNET_INSPECT_PASS;
	v->action = act;
	struct flow *f = w->f;
	if (f && (act == SNET_INSPECT_DROP || act == SNET_INSPECT_REJECT))
		f->dropped = true;
	if (f && act == SNET_INSPECT_PASS)
		f->passed = true;
	unsigned nlines = 0;
	/* the tags set before this packet: those of its own alerts start with it */
	bool tagged = f && f->ntags && tags_count_packet(w, f);
	for (size_t i = 0; i < w->npm; i++) {
		struct pkt_match *m = &w->pm[i];
		const struct rule *r = m->r;
		if (!pass && !r->noalert && !m->silent && m->action != 'p') {
			bool blocked = (m->action == 'd' || m->action == 'r') &&
				       act != SNET_INSPECT_ACCEPT;
			if (v->nalerts_kept < SNET_INSPECT_MAX_ALERTS) {
				struct snet_inspect_alert *a = &v->alerts[v->nalerts_kept++];
				a->gid = r->gid;
				a->sid = r->sid;
				a->rev = r->rev;
				a->action = m->action;
			}
			v->nalerts++;
			w->st.alerts++;
			if (w->eve) {
				const char *app = NULL;
				if (f)
					app = app_proto_name(f->app);
				struct eve_alert ea = {
					.rule = r, .p = w->p, .flow_id = f ? f->id : 0,
					.app_proto = app, .app_key = m->app_key, .app = m->app,
					.blocked = blocked, .meta = meta,
				};
				if (eve_alert_line(&ea, &w->eve_buf))
					eve_lost(w->eve);
				else
					nlines++;
			}
			if (r->tag_metric && f)
				tag_flow(w, f, r);
		} else if (m->silent && !pass && r->tag_metric && f) {
			tag_flow(w, f, r);	/* as Suricata: thresholded, not dropped */
		}
		json_decref(m->app);
		m->app = NULL;
	}
	if (tagged) {
		w->st.tagged_packets++;
		if (w->eve && eve_packet_line(w->p, f->id, &w->eve_buf))
			eve_lost(w->eve);
		else if (w->eve)
			nlines++;
	}
	/* the packet's lines in one write: whole lines, one system call */
	if (nlines)
		eve_write_lines(w->eve, w->eve_buf.s, w->eve_buf.len, nlines);
	w->eve_buf.len = 0;
	w->npm = 0;
	switch (act) {
	case SNET_INSPECT_ACCEPT: w->st.verdict_accept++; break;
	case SNET_INSPECT_DROP: w->st.verdict_drop++; break;
	case SNET_INSPECT_REJECT: w->st.verdict_reject++; break;
	case SNET_INSPECT_PASS: w->st.verdict_pass++; break;
	}
}

/* one decoded packet through flows, reassembly, parsers and detection */
static void inspect_packet(struct snet_inspect_worker *w, struct packet *pp,
			   const struct snet_inspect_meta *meta, struct snet_inspect_verdict *v)
{
	const struct packet *p = pp;
	w->p = p;
	w->f = NULL;
	w->dir = DIR_TO_SERVER;
	bool created = false;
	/* a fragment has no ports: its datagram has the flow */
	if ((p->ipproto == IPPROTO_TCP || p->ipproto == IPPROTO_UDP) && !p->is_frag) {
		int dir;
		w->f = flow_get(w, p, &dir, &created);
		if (w->f)
			w->dir = dir;
	}
	struct flow *f = w->f;
	if (f) {
		f->last_usec = p->ts_usec;
		if (f->pkts[w->dir - 1] < UINT32_MAX)
			f->pkts[w->dir - 1]++;
		f->bytes[w->dir - 1] += p->len;
		if (f->dropped) {
			w->st.packets_flow_dropped++;
			w->st.verdict_drop++;
			v->action = SNET_INSPECT_DROP;
			w->p = NULL;
			w->f = NULL;
			return;
		}
		if (f->passed) {
			w->st.packets_bypassed++;
			w->st.verdict_pass++;
			v->action = SNET_INSPECT_PASS;
			w->p = NULL;
			w->f = NULL;
			return;
		}
		f->seen[w->dir - 1] = true;
		if (p->ipproto == IPPROTO_UDP && f->seen[0] && f->seen[1])
			f->established = true;
	}
	w->st.packets_scanned++;
	v->scanned = 1;
	w->cur = f ? f->rs : w->rs;
	w->npm = 0;
	memo_begin(w, f, w->dir);
	/* per-packet rules */
	struct event ev;
	ev_init(&ev, PH_PACKET);
	ev.slot = l4_slot(p->ipproto);
	ev_buf(&ev, BUF_PAYLOAD, p->payload, p->plen);
	ev.scan_mask = 1ull << BUF_PAYLOAD;
	if (w->cur->bufs_used & PKT_HDR_BUFS)
		ev_pkt_hdrs(&ev, p);
	if (f && p->ipproto == IPPROTO_TCP)
		tcp_track(w, f, created);
	/* DNS is known before the packet's rules run, as TCP protocols are */
	struct dns_query q[4];
	int nq = 0;
	if (p->ipproto == IPPROTO_UDP && !p->is_frag && (p->sport == 53 || p->dport == 53) &&
	    (!f || f->app == APP_NONE || f->app == APP_DNS)) {
		nq = dns_parse_request(p->payload, p->plen, q, 4);
		if (nq > 0 && f && f->app == APP_NONE) {
			f->app = APP_DNS;
			f->alp_at = w->st.packets_seen;
		}
	} else if (f && created && p->ipproto == IPPROTO_UDP) {
		f->alp_at = w->st.packets_seen;	/* no UDP protocol but DNS is detected */
	}
	run_event(w, &ev);
	for (int i = 0; i < nq; i++)
		dns_event(w, &q[i]);
	finish_packet(w, meta, v);
	if (f)
		flow_account(w, f);
	w->p = NULL;
	w->f = NULL;
}

/*
 * The caller's verdict for the fragment that completed a datagram: the
 * datagram's, unless the fragment's own rules dropped or rejected it; the
 * alerts of both.
 */
static void merge_verdict(struct snet_inspect_verdict *v, const struct snet_inspect_verdict *dv)
{
	bool frag_blocks = v->action == SNET_INSPECT_DROP || v->action == SNET_INSPECT_REJECT;
	bool dg_blocks = dv->action == SNET_INSPECT_DROP || dv->action == SNET_INSPECT_REJECT;
	if (!frag_blocks || dg_blocks)
		v->action = dv->action;
	v->scanned |= dv->scanned;
	v->nalerts += dv->nalerts;
	for (unsigned i = 0; i < dv->nalerts_kept && v->nalerts_kept < SNET_INSPECT_MAX_ALERTS; i++)
		v->alerts[v->nalerts_kept++] = dv->alerts[i];
}

int snet_inspect_worker_packet(struct snet_inspect_worker *w, const uint8_t *pkt, size_t len,
			       const struct timespec *ts, const struct snet_inspect_meta *meta,
			       struct snet_inspect_verdict *v)
{
	if (!w || !v || (!pkt && len))
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	w->st.packets_seen++;
	struct packet p;
	const char *why;
	if (packet_decode(pkt, len, &p, &why)) {
		w->st.packets_invalid++;
		w->st.verdict_accept++;
		v->action = SNET_INSPECT_ACCEPT;
		return 0;
	}
	p.ts_usec = ts ? (uint64_t)ts->tv_sec * 1000000ull + (uint64_t)ts->tv_nsec / 1000 : 0;
	if (p.ts_usec < w->max_ts)
		w->ts_unordered = true;
	else
		w->max_ts = p.ts_usec;
	const struct snet_inspect_config *cfg = &w->rs->cfg;
	if (p.ts_usec >= w->last_expire + 1000000ull || p.ts_usec < w->last_expire) {
		expire_flows(w, p.ts_usec, false);
		defrag_expire(&w->defrag, p.ts_usec, cfg->defrag_timeout, false, &w->st);
		w->last_expire = p.ts_usec;
	}
	inspect_packet(w, &p, meta, v);
	if (!p.is_frag)
		return 0;
	w->st.defrag_fragments++;
	const uint8_t *dg;
	size_t dglen;
	if (defrag_add(&w->defrag, &p, p.ts_usec, cfg->defrag_memcap, cfg->defrag_timeout,
		       &w->st, &dg, &dglen, &why) != 1)
		return 0;
	/* the datagram whole: one more packet, inspected as if it came so */
	w->st.defrag_reassembled++;
	w->st.packets_seen++;
	struct snet_inspect_verdict dv;
	memset(&dv, 0, sizeof(dv));
	struct packet dp;
	if (packet_decode(dg, dglen, &dp, &why)) {
		w->st.packets_invalid++;
		w->st.verdict_accept++;
		return 0;
	}
	dp.ts_usec = p.ts_usec;
	dp.rebuilt = true;
	/* a fragment inside the datagram (fragmented twice) is inspected as
	 * a fragment, not reassembled again */
	inspect_packet(w, &dp, meta, &dv);
	merge_verdict(v, &dv);
	return 0;
}

void snet_inspect_worker_expire(struct snet_inspect_worker *w, const struct timespec *ts)
{
	if (!w)
		return;
	if (!ts) {
		expire_flows(w, 0, true);
		defrag_expire(&w->defrag, 0, 0, true, &w->st);
		return;
	}
	uint64_t now = (uint64_t)ts->tv_sec * 1000000ull + (uint64_t)ts->tv_nsec / 1000;
	expire_flows(w, now, false);
	defrag_expire(&w->defrag, now, w->rs->cfg.defrag_timeout, false, &w->st);
}

void snet_inspect_worker_stats(const struct snet_inspect_worker *w, struct snet_inspect_stats *st)
{
	if (!w || !st)
		return;
	*st = w->st;
	st->flow_memory = w->mem;
	st->defrag_memory = w->defrag.mem;
	uint64_t old = 0;
	for (const struct flow *f = w->lru_head; f; f = f->lnext)
		if (f->rs != w->rs)
			old++;
	st->flows_on_old_ruleset = old;
}

void snet_inspect_worker_free(struct snet_inspect_worker *w)
{
	if (!w)
		return;
	expire_flows(w, 0, true);
	defrag_free(&w->defrag);
	hs_free_scratch(w->scratch);
	match_env_free(&w->env);
	strbuf_free(&w->eve_buf);
	free(w->ht);
	free(w->rst);
	free(w->cand);
	for (int k = 0; k < 2; k++) {
		free(w->amemo[k]);
		free(w->pmemo[k]);
		free(w->hmemo[k]);
	}
	snet_inspect_ruleset_unref(w->rs);
	free(w);
}
