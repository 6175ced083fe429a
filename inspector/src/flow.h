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

/* one direction of a TCP flow: in-order reassembly and the raw window */
struct stream_dir {
	bool init, fin;
	uint32_t next_seq;
	uint64_t delivered;	/* in-order bytes so far (capped at depth) */
	struct seg *ooo;	/* out-of-order segments, sorted by seq */
	uint32_t nooo;
	size_t ooo_bytes;
	uint8_t *win;		/* last stream-window bytes, for raw rules */
	size_t win_len, win_cap;
};

struct flow {
	struct flow *hnext, *lprev, *lnext;
	struct ip_addr cli, srv;
	uint16_t cport, sport;
	uint8_t proto;
	uint64_t id, last_usec;
	bool syn, synack, established, closed, dropped, passed;
	uint8_t fin_mask;
	bool seen[2];
	struct snet_inspect_ruleset *rs;	/* the set this flow started with */
	uint8_t *fbits;
	struct idlist fired[2];	/* raw-stream rules that alerted, per side */
	enum app_proto app;
	struct http_state *http;
	struct strbuf tls_buf;
	bool tls_done;
	struct stream_dir sd[2];
	size_t mem;
};
#endif
