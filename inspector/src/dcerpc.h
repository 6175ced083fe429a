/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DCERPC over TCP: the connection-oriented PDUs (C706 chapter 12,
 * MS-RPCE 2.2.2) of a flow, parsed from each direction's in-order data
 * (dcerpc.c), and the dce_iface, dce_opnum keywords on them (dcekw.c).
 */
#ifndef SNET_INSPECT_DCERPC_H
#define SNET_INSPECT_DCERPC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define DCE_HDR_LEN 16		/* the common header */
#define DCE_STUB_MAX 65536	/* stub bytes of one call gathered */
#define DCE_CTX_MAX 256		/* presentation contexts a flow remembers */
#define DCE_CALLS_MAX 4		/* calls being gathered, each direction */
#define DCE_DONE_MAX 16		/* finished requests kept for their responses */

/* PDU types (ptype) */
enum {
	DCE_REQUEST = 0, DCE_RESPONSE = 2, DCE_FAULT = 3, DCE_BIND = 11, DCE_BIND_ACK = 12,
	DCE_BIND_NAK = 13, DCE_ALTER_CONTEXT = 14, DCE_ALTER_CONTEXT_RESP = 15,
};
/* pfc_flags */
#define DCE_PFC_FIRST_FRAG	0x01
#define DCE_PFC_LAST_FRAG	0x02
#define DCE_PFC_OBJECT_UUID	0x80

struct dce_hdr {
	uint8_t vers, vers_minor, ptype, flags;
	uint8_t drep[4];	/* drep[0] & 0x10: little-endian integers */
	uint16_t frag_len, auth_len;
	uint32_t call_id;
};
/* the common header at d: 0, or -EBADMSG if it is not one of version 5.0
 * or 5.1 with a frag_length that holds it (n >= DCE_HDR_LEN) */
int dce_parse_hdr(const uint8_t *d, size_t n, struct dce_hdr *h);
/* the client's first data starts a BIND, ALTER_CONTEXT or REQUEST PDU */
bool dce_probe(const uint8_t *d, size_t n);

/* a presentation context that a BIND or ALTER_CONTEXT offered */
struct dce_iface {
	uint8_t uuid[16];	/* the abstract syntax, in the text form's byte order */
	uint16_t ver_major, ver_minor;
	uint16_t ctx_id;
	uint32_t call_id;	/* of its BIND: the BIND_ACK with this call_id answers it */
	int32_t result;		/* the BIND_ACK's result (0: acceptance); -1: none yet */
};

/* what a response's keywords and alerts need of its request */
struct dce_req_info {
	bool seen;		/* a REQUEST PDU of the call was parsed */
	bool first_frag;	/* the first of them had PFC_FIRST_FRAG */
	uint16_t ctx_id, opnum;	/* as the first of them said */
	uint16_t frags;
	uint32_t stub_size;	/* stub bytes gathered */
	uint8_t vers_minor;
};

/* a call's PDUs of one direction: a request's, or a response's */
struct dce_call {
	bool open;
	bool little;		/* its first PDU's integer byte order */
	bool has_object;	/* PFC_OBJECT_UUID: object holds the object UUID */
	uint8_t vers_minor;
	uint16_t frags;
	uint32_t call_id;
	uint64_t seq;		/* the oldest open call is closed first */
	uint8_t object[16];
	uint8_t *stub;		/* the stub data of its PDUs, up to DCE_STUB_MAX */
	uint32_t stub_len, stub_cap;
	uint64_t stub_lost;	/* stub bytes not kept: past the limit or refused memory */
	struct dce_req_info req;	/* a request's own; a response's request's, if seen */
};

struct dce_dir {
	uint8_t head[DCE_HDR_LEN];	/* the start of a PDU split across segments */
	uint8_t nhead;
	uint8_t *pdu;		/* the rest of it is gathered here */
	size_t npdu, cappdu;
	uint16_t need;		/* its frag_length once known, else 0 */
	struct dce_call calls[DCE_CALLS_MAX];
	int dead;		/* 0, or why nothing more is parsed: -EBADMSG, -ENOMEM */
};

struct dce_state {
	struct dce_dir d[2];	/* [0] client to server, [1] server to client */
	struct dce_iface *ifaces;	/* in the order offered, oldest first */
	size_t nifaces, capifaces;
	struct dce_req_info done[DCE_DONE_MAX];	/* finished requests, a ring */
	uint32_t done_call[DCE_DONE_MAX];
	unsigned ndone, done_next;
	uint64_t seq;
};

enum dce_event {
	DCE_EV_REQUEST,		/* the first PDU seen of a request */
	DCE_EV_REQUEST_DONE,	/* a request is over: its last fragment, or no more will come */
	DCE_EV_RESPONSE_DONE,	/* the same for a response */
};
struct dce_ops {
	void (*event)(void *ctx, enum dce_event ev, const struct dce_state *s,
		      const struct dce_call *c);
	/* room for add more bytes of state (flow-memcap); NULL: always */
	bool (*room)(void *ctx, size_t add);
};

struct dce_state *dce_state_new(void);
void dce_state_free(struct dce_state *s);
size_t dce_state_memory(const struct dce_state *s);
/*
 * In-order data of direction dir (0 to server, 1 to client).  Returns 0,
 * or the negative errno that stopped this direction on this data:
 * -EBADMSG (a malformed PDU), -ENOMEM (no memory under the cap).  The
 * calls it was gathering are closed (their events run) when it stops;
 * data after that is ignored (0).
 */
int dce_feed(struct dce_state *s, int dir, const uint8_t *d, size_t n,
	     const struct dce_ops *ops, void *ctx);
/* direction dir ended: its calls are over */
void dce_eof(struct dce_state *s, int dir, const struct dce_ops *ops, void *ctx);
/* "00000143-0000-0000-c000-000000000046" */
void dce_uuid_text(const uint8_t uuid[16], char out[37]);
/* Suricata's EVE dcerpc object for an event of call c */
json_t *dce_eve_object(const struct dce_state *s, const struct dce_call *c, bool response);

/* ---- keywords (dcekw.c) ---- */
#define DCE_OPNUM_ITEMS 32
struct dce_checks {
	bool iface, any_frag;
	uint8_t uuid[16];
	char ver_op;		/* 0: none; < > = ! l(<=) g(>=) */
	uint16_t ver;		/* compared with the interface's major version */
	uint8_t nopnums;	/* 0: no dce_opnum */
	char opnum_op;		/* 0: the ranges; < > = ! l g: one comparison */
	struct { uint16_t lo, hi; } opnums[DCE_OPNUM_ITEMS];
};
struct rule;
/* 0, -ENOENT if name is not a DCERPC keyword, or -errno with err set */
int dcekw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen);
/* the call's request (a response's: its request) satisfies the checks */
bool dcekw_match(const struct dce_checks *k, const struct dce_state *s,
		 const struct dce_call *c);
#endif
