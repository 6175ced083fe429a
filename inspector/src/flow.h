/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SNET_INSPECT_FLOW_H
#define SNET_INSPECT_FLOW_H
#include "app.h"

struct seg {
	struct seg *next;
	uint32_t seq;
	uint32_t len;
	uint8_t data[];
};

/* a raw-stream rule whose fast pattern was seen: later data may still
 * complete a match, up to stream offset `until` */
struct pending {
	uint32_t rid;
	uint64_t until;
	uint64_t pmemo[STREAM_MEMOS];	/* match.c: where its pcres and contents may match */
};

/* one direction of a TCP flow: in-order reassembly and the raw stream */
struct stream_dir {
	bool init, fin;
	bool raw_off;		/* raw inspection stopped: flow memory cap */
	bool released;		/* direction done, raw state freed */
	uint32_t isn, next_seq, fin_seq;	/* isn: the SYN's, or one before the first data */
	uint64_t delivered;	/* in-order bytes so far (capped at depth) */
	struct seg *ooo;	/* out-of-order segments, sorted by seq */
	uint32_t nooo;
	size_t ooo_bytes;
	/* the stream from its first byte (stream offset 0), up to depth */
	uint8_t *buf;
	size_t len, cap;
	hs_stream_t *hs;	/* the prefilter's streaming state */
	size_t hs_size;
	struct pending *pend;
	size_t npend, cappend;
};

/* stream.c */
void rule_stream_bounds(struct rule *r);
/* capacity to hold n more bytes: grows geometrically, at most depth */
size_t stream_capacity_for(const struct stream_dir *sd, size_t n, uint64_t depth);
int stream_append(struct stream_dir *sd, const uint8_t *d, size_t n, size_t cap);
/* free the raw state (bytes, Hyperscan stream, pending rules) */
void stream_release(struct stream_dir *sd);
int pending_add(struct stream_dir *sd, uint32_t rid, uint64_t until, const uint64_t *pmemo);
/* forget pending rules that cannot end a match after stream offset upto */
void pending_prune(struct stream_dir *sd, uint64_t upto);
size_t stream_memory(const struct stream_dir *sd);

/* a tag:session of a rule that alerted on the flow: packets, bytes, time so far */
#define FLOW_TAGS_MAX 50	/* as Suricata */
struct flow_tag {
	uint32_t rule;		/* the rule's idx */
	uint8_t metric;		/* TAG_* */
	uint32_t count;
	uint64_t first_usec, packets, bytes;
};

struct flow {
	struct flow *hnext, *lprev, *lnext;
	struct ip_addr cli, srv;
	uint16_t cport, sport;
	uint8_t proto;
	uint64_t id, last_usec;
	uint64_t start_usec;	/* its first packet's time */
	/* packets and bytes (IP) of each direction, this packet's included */
	uint32_t pkts[2];
	uint64_t bytes[2];
	uint64_t serial;	/* unique in its worker, never reused */
	bool syn, synack, established, closed, dropped, passed;
	uint8_t fin_mask;
	bool seen[2];
	struct snet_inspect_ruleset *rs;	/* the set this flow started with */
	/* flowint values, then flowbits, in one allocation (vars) */
	void *vars;
	struct flowint_vals fint;
	uint8_t *fbits;
	enum app_proto app;
	uint8_t probed;		/* directions whose first data named no protocol */
	uint8_t nhold[2];	/* bytes in hold[], below */
	uint64_t alp_at;	/* the packet (packets_seen) that decided app or a probe */
	struct http_state *http;
	struct strbuf tls_buf;
	bool tls_done;
	struct strbuf tls_srv_buf;	/* the server's handshake, until its certificate */
	bool tls_srv_done;
	bool tls_sh_done;	/* its ServerHello event ran */
	struct tls_track tls;	/* the record layer, for ssl_version and ssl_state */
	struct strbuf ssh_line[2];	/* each side's first line, up to SSH_BANNER_MAX */
	uint8_t ssh_done;	/* sides whose line is complete: kept if a banner */
	uint8_t ssh_kex_done;	/* sides past their KEXINIT, or not looking */
	struct ssh_kex *sshk;	/* when a rule reads HASSH (worker.c) */
	struct flow_tag *tags;	/* FLOW_TAGS_MAX room once one is set */
	uint8_t ntags;
	struct dce_state *dce;	/* a DCERPC flow's PDUs (dcerpc.c) */
	bool dce_off;		/* no memory for that state: not parsed */
	struct smtp_state *smtp;	/* an SMTP flow's commands and messages (smtp.c) */
	bool smtp_off;		/* no memory for that state: not parsed */
	struct dns_tcp_state *dns;	/* a DNS over TCP flow's messages (dns.c) */
	bool dns_off;		/* no memory for that state: not parsed */
	struct stream_dir sd[2];
	size_t mem;
	/* each direction's first bytes while too few to name a protocol
	 * (worker.c): at the end, out of the way of the fields used on
	 * every packet */
	uint8_t hold[2][PROBE_MIN - 1];
};
/* flowkw.c: the rule's flow keywords hold for this packet of direction dir;
 * decided_at non-zero: app-layer-protocol only on the packet that decided
 * it (f->alp_at), for a rule that tests nothing else of the traffic */
bool flowkw_match(const struct flow_checks *fc, const struct flow *f, const struct packet *p,
		  int dir, uint64_t decided_at);
#endif
