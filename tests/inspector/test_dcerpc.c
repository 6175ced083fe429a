// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DCERPC over TCP: the PDU parser (dcerpc.c) on hand-made PDUs of both
 * byte orders, split and joined every way TCP can deliver them, malformed
 * ones and memory limits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app.h"

#define WMI "00000143-0000-0000-c000-000000000046"
#define EPM "e1af8308-5d1f-11c9-91a4-08002b14a0fa"
#define NDR "8a885d04-1ceb-11c9-9fe8-08002b104860"

/* ---- building PDUs ---- */

struct pdu {
	uint8_t b[4 * 65536];
	size_t n;
	bool le;
};

static void put8(struct pdu *p, uint8_t v)
{
	p->b[p->n++] = v;
}

static void put16(struct pdu *p, uint16_t v)
{
	put8(p, (uint8_t)(p->le ? v : v >> 8));
	put8(p, (uint8_t)(p->le ? v >> 8 : v));
}

static void put32(struct pdu *p, uint32_t v)
{
	put16(p, (uint16_t)(p->le ? v : v >> 16));
	put16(p, (uint16_t)(p->le ? v >> 16 : v));
}

static void put_bytes(struct pdu *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* a UUID from its text, on the wire in the PDU's byte order */
static void put_uuid(struct pdu *p, const char *text)
{
	uint8_t u[16];
	for (int i = 0, k = 0; k < 16; i++) {
		if (text[i] == '-')
			continue;
		unsigned x;
		assert_int_equal(sscanf(text + i, "%2x", &x), 1);
		u[k++] = (uint8_t)x;
		i++;
	}
	put32(p, (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3]);
	put16(p, (uint16_t)(u[4] << 8 | u[5]));
	put16(p, (uint16_t)(u[6] << 8 | u[7]));
	put_bytes(p, u + 8, 8);
}

/* the common header of a PDU starting at p->n; end_pdu() fills its length */
static size_t begin_pdu(struct pdu *p, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
	size_t start = p->n;
	put8(p, 5);
	put8(p, 0);
	put8(p, ptype);
	put8(p, flags);
	put8(p, p->le ? 0x10 : 0x00);
	put8(p, 0);
	put8(p, 0);
	put8(p, 0);
	put16(p, 0);		/* frag_length */
	put16(p, 0);		/* auth_length */
	put32(p, call_id);
	return start;
}

static void end_pdu(struct pdu *p, size_t start, uint16_t auth_len)
{
	size_t n = p->n - start;
	uint8_t *h = p->b + start + 8;
	h[p->le ? 0 : 1] = (uint8_t)n;
	h[p->le ? 1 : 0] = (uint8_t)(n >> 8);
	h[p->le ? 2 : 3] = (uint8_t)auth_len;
	h[p->le ? 3 : 2] = (uint8_t)(auth_len >> 8);
}

struct ctx_item {
	uint16_t id;
	const char *uuid;
	uint16_t major, minor;
};

static void add_bind(struct pdu *p, uint8_t ptype, uint32_t call_id, const struct ctx_item *c,
		     unsigned n)
{
	size_t s = begin_pdu(p, ptype, DCE_PFC_FIRST_FRAG | DCE_PFC_LAST_FRAG, call_id);
	put16(p, 5840);
	put16(p, 5840);
	put32(p, 0);
	put8(p, (uint8_t)n);
	put8(p, 0);
	put16(p, 0);
	for (unsigned i = 0; i < n; i++) {
		put16(p, c[i].id);
		put8(p, 1);	/* one transfer syntax */
		put8(p, 0);
		put_uuid(p, c[i].uuid);
		put16(p, c[i].major);
		put16(p, c[i].minor);
		put_uuid(p, NDR);
		put32(p, 2);
	}
	end_pdu(p, s, 0);
}

static void add_bind_ack(struct pdu *p, uint8_t ptype, uint32_t call_id, const uint16_t *results,
			 unsigned n)
{
	size_t s = begin_pdu(p, ptype, DCE_PFC_FIRST_FRAG | DCE_PFC_LAST_FRAG, call_id);
	put16(p, 5840);
	put16(p, 5840);
	put32(p, 0x1234);
	put16(p, 4);		/* secondary address "135" */
	put_bytes(p, "135", 4);
	put16(p, 0);		/* to a multiple of 4 in the PDU */
	put8(p, (uint8_t)n);
	put8(p, 0);
	put16(p, 0);
	for (unsigned i = 0; i < n; i++) {
		put16(p, results[i]);
		put16(p, results[i] ? 2 : 0);
		put_uuid(p, results[i] ? "00000000-0000-0000-0000-000000000000" : NDR);
		put32(p, results[i] ? 0 : 2);
	}
	end_pdu(p, s, 0);
}

struct req {
	uint8_t flags;
	uint32_t call_id;
	uint16_t ctx, opnum;
	const char *object;	/* NULL: none */
	const void *stub;
	size_t stub_len;
	uint8_t auth_pad;	/* with auth: padding after the stub */
	uint16_t auth_len;	/* 0: no auth trailer */
};

static void add_request(struct pdu *p, const struct req *r)
{
	size_t s = begin_pdu(p, DCE_REQUEST, r->flags | (r->object ? DCE_PFC_OBJECT_UUID : 0),
			     r->call_id);
	put32(p, (uint32_t)r->stub_len);
	put16(p, r->ctx);
	put16(p, r->opnum);
	if (r->object)
		put_uuid(p, r->object);
	put_bytes(p, r->stub, r->stub_len);
	if (r->auth_len) {
		for (unsigned i = 0; i < r->auth_pad; i++)
			put8(p, 0xee);
		put8(p, 10);	/* NTLMSSP */
		put8(p, 6);	/* privacy */
		put8(p, r->auth_pad);
		put8(p, 0);
		put32(p, 0);
		for (unsigned i = 0; i < r->auth_len; i++)
			put8(p, 0xaa);
	}
	end_pdu(p, s, r->auth_len);
}

static void add_response(struct pdu *p, uint8_t flags, uint32_t call_id, const void *stub,
			 size_t n)
{
	size_t s = begin_pdu(p, DCE_RESPONSE, flags, call_id);
	put32(p, (uint32_t)n);
	put16(p, 0);
	put8(p, 0);
	put8(p, 0);
	put_bytes(p, stub, n);
	end_pdu(p, s, 0);
}

#define FL_ALL (DCE_PFC_FIRST_FRAG | DCE_PFC_LAST_FRAG)

/* ---- the parser alone: what its events say ---- */

struct rec_ev {
	enum dce_event ev;
	uint32_t call_id;
	struct dce_req_info req;
	uint16_t frags;
	bool little, has_object;
	uint8_t object[16];
	uint8_t stub[256];
	uint32_t stub_len;
	uint64_t stub_lost;
};

struct rec {
	struct rec_ev e[32];
	int n;
	size_t room;		/* bytes room() still grants */
};

static void rec_event(void *ctx, enum dce_event ev, const struct dce_state *s,
		      const struct dce_call *c)
{
	(void)s;
	struct rec *r = ctx;
	assert_true(r->n < 32);
	struct rec_ev *e = &r->e[r->n++];
	e->ev = ev;
	e->call_id = c->call_id;
	e->req = c->req;
	e->frags = c->frags;
	e->little = c->little;
	e->has_object = c->has_object;
	memcpy(e->object, c->object, 16);
	e->stub_len = c->stub_len;
	e->stub_lost = c->stub_lost;
	if (c->stub_len)
		memcpy(e->stub, c->stub, c->stub_len < sizeof(e->stub) ? c->stub_len : sizeof(e->stub));
}

static bool rec_room(void *ctx, size_t add)
{
	struct rec *r = ctx;
	if (add > r->room)
		return false;
	r->room -= add;
	return true;
}

static const struct dce_ops rec_ops = { rec_event, rec_room };

static struct rec *rec_new(void)
{
	struct rec *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->room = SIZE_MAX;
	return r;
}

static struct pdu *pdu_new(bool le)
{
	struct pdu *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->le = le;
	return p;
}

static void iface_is(const struct dce_iface *e, uint16_t ctx, const char *uuid, uint16_t major,
		     uint16_t minor, int32_t result)
{
	char t[37];
	dce_uuid_text(e->uuid, t);
	assert_string_equal(t, uuid);
	assert_int_equal(e->ctx_id, ctx);
	assert_int_equal(e->ver_major, major);
	assert_int_equal(e->ver_minor, minor);
	assert_int_equal(e->result, result);
}

/* BIND and BIND_ACK, then a request, in one byte order */
static void bind_ack_request(bool le)
{
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(le), *sv = pdu_new(le);
	const struct ctx_item items[] = { { 0, WMI, 0, 0 }, { 1, EPM, 3, 1 } };
	add_bind(c, DCE_BIND, 2, items, 2);
	const uint16_t res[] = { 0, 2 };
	add_bind_ack(sv, DCE_BIND_ACK, 2, res, 2);
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(s->nifaces, 2);
	iface_is(&s->ifaces[0], 0, WMI, 0, 0, -1);	/* no answer yet */
	assert_int_equal(dce_feed(s, 1, sv->b, sv->n, &rec_ops, r), 0);
	iface_is(&s->ifaces[0], 0, WMI, 0, 0, 0);
	iface_is(&s->ifaces[1], 1, EPM, 3, 1, 2);
	c->n = 0;
	add_request(c, &(struct req){ FL_ALL, 3, 1, 0x1234, NULL, "STUB", 4, 0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[0].ev, DCE_EV_REQUEST);
	assert_int_equal(r->e[1].ev, DCE_EV_REQUEST_DONE);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(r->e[i].call_id, 3);
		assert_int_equal(r->e[i].req.ctx_id, 1);
		assert_int_equal(r->e[i].req.opnum, 0x1234);
		assert_true(r->e[i].req.first_frag);
		assert_int_equal(r->e[i].little, le);
		assert_int_equal(r->e[i].stub_len, 4);
		assert_memory_equal(r->e[i].stub, "STUB", 4);
	}
	dce_state_free(s);
	free(r);
	free(c);
	free(sv);
}

static void parser_little_endian(void **state)
{
	(void)state;
	bind_ack_request(true);
}

static void parser_big_endian(void **state)
{
	(void)state;
	bind_ack_request(false);
}

/* ALTER_CONTEXT adds contexts, its response answers them; a BIND_NAK
 * rejects a whole bind; an ack only answers its own bind's call_id */
static void parser_alter_context(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true), *sv = pdu_new(true);
	add_bind(c, DCE_BIND, 1, (const struct ctx_item[]){ { 0, EPM, 3, 0 } }, 1);
	add_bind(c, DCE_ALTER_CONTEXT, 2, (const struct ctx_item[]){ { 1, WMI, 0, 0 } }, 1);
	add_bind(c, DCE_BIND, 9, (const struct ctx_item[]){ { 7, WMI, 1, 0 } }, 1);
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	add_bind_ack(sv, DCE_ALTER_CONTEXT_RESP, 2, (const uint16_t[]){ 0 }, 1);
	add_bind_ack(sv, DCE_BIND_ACK, 1, (const uint16_t[]){ 0 }, 1);
	size_t nak = begin_pdu(sv, DCE_BIND_NAK, FL_ALL, 9);
	put16(sv, 4);
	end_pdu(sv, nak, 0);
	assert_int_equal(dce_feed(s, 1, sv->b, sv->n, &rec_ops, r), 0);
	assert_int_equal(s->nifaces, 3);
	iface_is(&s->ifaces[0], 0, EPM, 3, 0, 0);
	iface_is(&s->ifaces[1], 1, WMI, 0, 0, 0);
	iface_is(&s->ifaces[2], 7, WMI, 1, 0, 2);
	assert_int_equal(r->n, 0);
	dce_state_free(s);
	free(r);
	free(c);
	free(sv);
}

/* a request fed in every split: one byte at a time, then in three */
static void parser_split_segments(void **state)
{
	(void)state;
	struct pdu *c = pdu_new(true);
	add_request(c, &(struct req){ FL_ALL, 5, 0, 9, NULL, "split stub data", 15, 0, 0 });
	for (int mode = 0; mode < 2; mode++) {
		struct dce_state *s = dce_state_new();
		struct rec *r = rec_new();
		if (mode == 0) {
			for (size_t i = 0; i < c->n; i++) {
				assert_int_equal(dce_feed(s, 0, c->b + i, 1, &rec_ops, r), 0);
				assert_int_equal(r->n, i + 1 == c->n ? 2 : 0);
			}
		} else {
			/* the header itself split, then the body */
			assert_int_equal(dce_feed(s, 0, c->b, 7, &rec_ops, r), 0);
			assert_int_equal(dce_feed(s, 0, c->b + 7, 20, &rec_ops, r), 0);
			assert_int_equal(r->n, 0);
			assert_int_equal(dce_feed(s, 0, c->b + 27, c->n - 27, &rec_ops, r), 0);
		}
		assert_int_equal(r->n, 2);
		assert_int_equal(r->e[1].ev, DCE_EV_REQUEST_DONE);
		assert_int_equal(r->e[1].req.opnum, 9);
		assert_int_equal(r->e[1].stub_len, 15);
		assert_memory_equal(r->e[1].stub, "split stub data", 15);
		dce_state_free(s);
		free(r);
	}
	free(c);
}

/* two PDUs in one segment, and a third's start with them */
static void parser_pdus_in_one_segment(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(false);
	add_bind(c, DCE_BIND, 1, (const struct ctx_item[]){ { 0, WMI, 0, 0 } }, 1);
	add_request(c, &(struct req){ FL_ALL, 2, 0, 6, NULL, "one", 3, 0, 0 });
	size_t two = c->n;
	add_request(c, &(struct req){ FL_ALL, 3, 0, 7, NULL, "two", 3, 0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, two + 5, &rec_ops, r), 0);
	assert_int_equal(s->nifaces, 1);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[1].req.opnum, 6);
	assert_int_equal(dce_feed(s, 0, c->b + two + 5, c->n - two - 5, &rec_ops, r), 0);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->e[3].call_id, 3);
	assert_int_equal(r->e[3].req.opnum, 7);
	assert_memory_equal(r->e[3].stub, "two", 3);
	dce_state_free(s);
	free(r);
	free(c);
}

/* a request in three fragments: one start event, one end with the whole
 * stub; a call first seen without PFC_FIRST_FRAG says so */
static void parser_fragmented_request(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	add_request(c, &(struct req){ DCE_PFC_FIRST_FRAG, 4, 2, 31, NULL, "AAAA", 4, 0, 0 });
	add_request(c, &(struct req){ 0, 4, 2, 31, NULL, "BBBB", 4, 0, 0 });
	add_request(c, &(struct req){ DCE_PFC_LAST_FRAG, 4, 2, 31, NULL, "CCCC", 4, 0, 0 });
	size_t three = c->n;
	/* another call picked up at its second fragment */
	add_request(c, &(struct req){ 0, 5, 2, 8, NULL, "xx", 2, 0, 0 });
	add_request(c, &(struct req){ DCE_PFC_LAST_FRAG, 5, 2, 8, NULL, "yy", 2, 0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, 40, &rec_ops, r), 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->e[0].ev, DCE_EV_REQUEST);
	assert_int_equal(r->e[0].stub_len, 4);
	assert_int_equal(r->e[0].frags, 1);
	assert_int_equal(dce_feed(s, 0, c->b + 40, three - 40, &rec_ops, r), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[1].ev, DCE_EV_REQUEST_DONE);
	assert_int_equal(r->e[1].frags, 3);
	assert_int_equal(r->e[1].req.frags, 3);
	assert_int_equal(r->e[1].req.stub_size, 12);
	assert_int_equal(r->e[1].stub_len, 12);
	assert_memory_equal(r->e[1].stub, "AAAABBBBCCCC", 12);
	assert_true(r->e[1].req.first_frag);
	assert_int_equal(dce_feed(s, 0, c->b + three, c->n - three, &rec_ops, r), 0);
	assert_int_equal(r->n, 4);
	assert_false(r->e[2].req.first_frag);
	assert_false(r->e[3].req.first_frag);
	assert_memory_equal(r->e[3].stub, "xxyy", 4);
	dce_state_free(s);
	free(r);
	free(c);
}

/* PFC_OBJECT_UUID: the object field comes before the stub */
static void parser_object_uuid(void **state)
{
	(void)state;
	for (int le = 0; le < 2; le++) {
		struct dce_state *s = dce_state_new();
		struct rec *r = rec_new();
		struct pdu *c = pdu_new(le);
		add_request(c, &(struct req){ FL_ALL, 6, 0, 3, WMI, "after-object", 12, 0, 0 });
		assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
		assert_int_equal(r->n, 2);
		assert_true(r->e[1].has_object);
		char t[37];
		dce_uuid_text(r->e[1].object, t);
		assert_string_equal(t, WMI);
		assert_int_equal(r->e[1].stub_len, 12);
		assert_memory_equal(r->e[1].stub, "after-object", 12);
		dce_state_free(s);
		free(r);
		free(c);
	}
}

/* the sec_trailer, its credentials and the stub's padding are not stub */
static void parser_auth_trailer(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	add_request(c, &(struct req){ FL_ALL, 7, 0, 3, NULL, "STUBDATA1", 9, 3, 16 });
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[1].stub_len, 9);
	assert_memory_equal(r->e[1].stub, "STUBDATA1", 9);
	/* a padding longer than the stub is malformed */
	c->n = 0;
	add_request(c, &(struct req){ FL_ALL, 8, 0, 3, NULL, "ab", 2, 0, 16 });
	c->b[c->n - 16 - 8 + 2] = 3;
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), -EBADMSG);
	dce_state_free(s);
	free(r);
	free(c);
}

/* a response goes with its request's context and opnum, by call_id */
static void parser_response(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true), *sv = pdu_new(true);
	add_request(c, &(struct req){ FL_ALL, 11, 1, 44, NULL, "q", 1, 0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	add_response(sv, DCE_PFC_FIRST_FRAG, 11, "RES", 3);
	add_response(sv, DCE_PFC_LAST_FRAG, 11, "PONSE", 5);
	add_response(sv, FL_ALL, 99, "orphan", 6);
	assert_int_equal(dce_feed(s, 1, sv->b, sv->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->e[2].ev, DCE_EV_RESPONSE_DONE);
	assert_true(r->e[2].req.seen);
	assert_int_equal(r->e[2].req.opnum, 44);
	assert_int_equal(r->e[2].req.ctx_id, 1);
	assert_int_equal(r->e[2].frags, 2);
	assert_memory_equal(r->e[2].stub, "RESPONSE", 8);
	assert_false(r->e[3].req.seen);
	/* a request in the server's direction is not one */
	assert_int_equal(dce_feed(s, 1, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 4);
	dce_state_free(s);
	free(r);
	free(c);
	free(sv);
}

/* malformed PDUs stop their direction, close its calls, and nothing after
 * them is read; the other direction goes on */
static void parser_malformed(void **state)
{
	(void)state;
	static const struct { const char *what; size_t at; uint8_t v; } bad[] = {
		{ "frag_length 12", 8, 12 }, { "version 4", 0, 4 }, { "minor version 2", 1, 2 },
		{ "auth_length past the PDU", 10, 200 }, { "a request body of 4", 8, 20 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dce_state *s = dce_state_new();
		struct rec *r = rec_new();
		struct pdu *c = pdu_new(true);
		add_request(c, &(struct req){ DCE_PFC_FIRST_FRAG, 1, 0, 1, NULL, "open", 4, 0, 0 });
		size_t at = c->n;
		add_request(c, &(struct req){ FL_ALL, 2, 0, 1, NULL, "abcdefgh", 8, 0, 0 });
		c->b[at + bad[i].at] = bad[i].v;
		if (bad[i].v == 20)	/* a frag_length that leaves 4 body bytes */
			c->b[at + 9] = 0;
		size_t after = c->n;
		add_request(c, &(struct req){ FL_ALL, 3, 0, 1, NULL, "later", 5, 0, 0 });
		assert_int_equal(dce_feed(s, 0, c->b, after, &rec_ops, r), -EBADMSG);
		/* the open call is over with its fragment, not lost */
		if (r->n != 2 || r->e[1].ev != DCE_EV_REQUEST_DONE || r->e[1].call_id != 1)
			fail_msg("%s: %d events", bad[i].what, r->n);
		assert_int_equal(dce_feed(s, 0, c->b + after, c->n - after, &rec_ops, r), 0);
		assert_int_equal(r->n, 2);
		assert_int_equal(s->d[0].dead, -EBADMSG);
		assert_int_equal(s->d[1].dead, 0);
		dce_state_free(s);
		free(r);
		free(c);
	}
	/* a context list longer than its BIND adds no context */
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	add_bind(c, DCE_BIND, 1, (const struct ctx_item[]){ { 0, WMI, 0, 0 }, { 1, EPM, 3, 0 } }, 2);
	c->b[16 + 8] = 3;
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), -EBADMSG);
	assert_int_equal(s->nifaces, 0);
	/* a BIND_ACK whose result list is past its end */
	struct pdu *sv = pdu_new(false);
	add_bind_ack(sv, DCE_BIND_ACK, 1, (const uint16_t[]){ 0 }, 1);
	sv->b[16 + 16] = 2;
	assert_int_equal(dce_feed(s, 1, sv->b, sv->n, &rec_ops, r), -EBADMSG);
	dce_state_free(s);
	free(r);
	free(c);
	free(sv);
}

/* stub data is gathered up to DCE_STUB_MAX; what is past it is counted */
static void parser_stub_limit(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	static uint8_t big[30000];
	memset(big, 'z', sizeof(big));
	for (int i = 0; i < 3; i++)
		add_request(c, &(struct req){ i == 0 ? DCE_PFC_FIRST_FRAG : i == 2 ?
					      DCE_PFC_LAST_FRAG : 0, 1, 0, 1, NULL, big,
					      sizeof(big), 0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[1].stub_len, DCE_STUB_MAX);
	assert_int_equal(r->e[1].stub_lost, 3 * sizeof(big) - DCE_STUB_MAX);
	assert_int_equal(r->e[1].frags, 3);
	assert_true(dce_state_memory(s) < sizeof(*s) + 4096);	/* the call's stub is freed */
	dce_state_free(s);
	free(r);
	free(c);
}

/* room() refused: a stub is cut short; a split PDU that cannot be held
 * stops its direction */
static void parser_memory_refused(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	static uint8_t big[3000];
	memset(big, 'm', sizeof(big));
	add_request(c, &(struct req){ FL_ALL, 1, 0, 1, NULL, big, sizeof(big), 0, 0 });
	r->room = 2048;		/* no room for the stub's 4096-byte buffer */
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->e[1].stub_len, 0);
	assert_int_equal(r->e[1].stub_lost, sizeof(big));
	r->room = 100;
	assert_int_equal(dce_feed(s, 0, c->b, 200, &rec_ops, r), -ENOMEM);
	assert_int_equal(s->d[0].dead, -ENOMEM);
	dce_state_free(s);
	free(r);
	free(c);
}

/* the end of a direction closes its calls; a call table that is full
 * closes its oldest */
static void parser_eof_and_eviction(void **state)
{
	(void)state;
	struct dce_state *s = dce_state_new();
	struct rec *r = rec_new();
	struct pdu *c = pdu_new(true);
	for (uint32_t id = 1; id <= DCE_CALLS_MAX + 1; id++)
		add_request(c, &(struct req){ DCE_PFC_FIRST_FRAG, id, 0, (uint16_t)id, NULL, "f", 1,
					      0, 0 });
	assert_int_equal(dce_feed(s, 0, c->b, c->n, &rec_ops, r), 0);
	/* five starts, and the first call closed for the fifth */
	assert_int_equal(r->n, DCE_CALLS_MAX + 2);
	assert_int_equal(r->e[DCE_CALLS_MAX + 1].ev, DCE_EV_REQUEST);
	assert_int_equal(r->e[DCE_CALLS_MAX].ev, DCE_EV_REQUEST_DONE);
	assert_int_equal(r->e[DCE_CALLS_MAX].call_id, 1);
	dce_eof(s, 0, &rec_ops, r);
	assert_int_equal(r->n, 2 * DCE_CALLS_MAX + 2);
	for (int i = DCE_CALLS_MAX + 2; i < r->n; i++)
		assert_int_equal(r->e[i].ev, DCE_EV_REQUEST_DONE);
	dce_state_free(s);
	free(r);
	free(c);
}

static void parser_probe(void **state)
{
	(void)state;
	struct pdu *p = pdu_new(true);
	add_bind(p, DCE_BIND, 1, (const struct ctx_item[]){ { 0, WMI, 0, 0 } }, 1);
	assert_true(dce_probe(p->b, p->n));
	assert_true(dce_probe(p->b, 10));
	assert_false(dce_probe(p->b, 9));
	p->b[2] = DCE_ALTER_CONTEXT;
	assert_true(dce_probe(p->b, p->n));
	p->b[2] = DCE_BIND_ACK;
	assert_false(dce_probe(p->b, p->n));
	p->b[2] = DCE_BIND;
	p->b[1] = 1;
	assert_true(dce_probe(p->b, p->n));
	p->b[0] = 4;
	assert_false(dce_probe(p->b, p->n));
	p->b[0] = 5;
	p->b[4] = 0x12;		/* an undefined representation */
	assert_false(dce_probe(p->b, p->n));
	p->n = 0;
	p->le = false;
	add_request(p, &(struct req){ FL_ALL, 1, 0, 1, NULL, "x", 1, 0, 0 });
	assert_true(dce_probe(p->b, p->n));
	assert_false(dce_probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_little_endian),
		cmocka_unit_test(parser_big_endian),
		cmocka_unit_test(parser_alter_context),
		cmocka_unit_test(parser_split_segments),
		cmocka_unit_test(parser_pdus_in_one_segment),
		cmocka_unit_test(parser_fragmented_request),
		cmocka_unit_test(parser_object_uuid),
		cmocka_unit_test(parser_auth_trailer),
		cmocka_unit_test(parser_response),
		cmocka_unit_test(parser_malformed),
		cmocka_unit_test(parser_stub_limit),
		cmocka_unit_test(parser_memory_refused),
		cmocka_unit_test(parser_eof_and_eviction),
		cmocka_unit_test(parser_probe),
	};
	return cmocka_run_group_tests_name("dcerpc", tests, NULL, NULL);
}
