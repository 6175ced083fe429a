// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DCERPC over TCP: the PDU parser (dcerpc.c) on hand-made PDUs of both
 * byte orders, split and joined every way TCP can deliver them, malformed
 * ones and memory limits; then dce_iface, dce_opnum, dce_stub_data and
 * the byte keywords' 'dce' through the engine, and the EVE dcerpc object.
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
#include "testutil.h"

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

/* ---- the keywords through the engine ---- */

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

static void send_pdu(struct tu_conn *c, const struct pdu *p, struct snet_inspect_verdict *v)
{
	tu_conn_send(c, (const char *)p->b, p->n, v);
}

static void reply_pdu(struct tu_conn *c, const struct pdu *p, struct snet_inspect_verdict *v)
{
	tu_conn_reply(c, (const char *)p->b, p->n, v);
}

/* sids 1..31 of a verdict, as bits */
static uint32_t sids(const struct snet_inspect_verdict *v)
{
	uint32_t got = 0;
	for (uint32_t sid = 1; sid < 32; sid++)
		got |= (uint32_t)tu_has_sid(v, sid) << sid;
	return got;
}

/* a flow on port dport: the client binds items, the server answers them */
static void bound_flow(struct tu_conn *c, uint16_t dport, bool le, const struct ctx_item *items,
		       const uint16_t *results, unsigned n)
{
	struct pdu *p = pdu_new(le);
	struct snet_inspect_verdict v;
	tu_conn_open(c, W, dport);
	add_bind(p, DCE_BIND, 1, items, n);
	send_pdu(c, p, &v);
	assert_int_equal(v.nalerts, 0);
	p->n = 0;
	add_bind_ack(p, DCE_BIND_ACK, 1, results, n);
	reply_pdu(c, p, &v);
	assert_int_equal(v.nalerts, 0);
	free(p);
}

static uint32_t request_sids(struct tu_conn *c, bool le, const struct req *r)
{
	struct pdu *p = pdu_new(le);
	struct snet_inspect_verdict v;
	add_request(p, r);
	send_pdu(c, p, &v);
	free(p);
	return sids(&v);
}

#define B(n) (1u << (n))

static void iface_keyword(void **state)
{
	(void)state;
	tu_setup(
		"alert tcp any any -> any any (msg:\"wmi\"; flow:to_server,established; "
		"dce_iface:" WMI "; sid:1; rev:1;)\n"
		"alert tcp any any -> any any (msg:\"upper\"; dce_iface:00000143-0000-0000-C000-"
		"000000000046; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"epm\"; dce_iface:" EPM "; sid:3;)\n"
		"alert tcp any any -> any any (msg:\"=3\"; dcerpc.iface:" EPM ",=3; sid:4;)\n"
		"alert tcp any any -> any any (msg:\"<3\"; dce_iface:" EPM ",<3; sid:5;)\n"
		"alert tcp any any -> any any (msg:\">2\"; dce_iface:" EPM ",>2; sid:6;)\n"
		"alert tcp any any -> any any (msg:\"!3\"; dce_iface:" EPM ",!3; sid:7;)\n"
		"alert tcp any any -> any any (msg:\"!4\"; dce_iface:" EPM ",!4; sid:8;)\n"
		"alert tcp any any -> any any (msg:\"af\"; dce_iface:" WMI ",any_frag; sid:9;)\n"
		"alert tcp any any -> any any (msg:\"v af\"; dce_iface:" EPM ",>=3,any_frag; sid:10;)\n"
		"alert tcp any any -> any any (msg:\"tc\"; flow:to_client; dce_iface:" WMI "; sid:11;)\n"
		"alert tcp any any -> any any (msg:\"32 digits\"; dce_iface:"
		"e1af83085d1f11c991a408002b14a0fa; sid:12;)\n"
		"alert tcp any any -> any any (msg:\">3\"; dce_iface:" EPM ",>3; sid:13;)\n"
		"alert tcp any any -> any any (msg:\"<=3\"; dce_iface:" EPM ",<=3; sid:14;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	static const struct ctx_item items[] = { { 0, WMI, 0, 0 }, { 1, EPM, 3, 0 },
						 { 2, "99999999-0000-0000-0000-000000000001", 1, 0 } };
	static const uint16_t results[] = { 0, 0, 2 };
	for (int le = 1; le >= 0; le--) {
		bound_flow(&c, (uint16_t)(1135 - 1000 * le), le, items, results, 3);
		/* context 0: WMI */
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 2, 0, 6, NULL, "x", 1,
								   0, 0 }),
				 B(1) | B(2) | B(9));
		/* context 1: the endpoint mapper, version 3 */
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 3, 1, 6, NULL, "x", 1,
								   0, 0 }),
				 B(3) | B(4) | B(6) | B(8) | B(10) | B(12) | B(14));
		/* context 2 was rejected, context 5 never bound */
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 4, 2, 6, NULL, "x", 1,
								   0, 0 }), 0);
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 5, 5, 6, NULL, "x", 1,
								   0, 0 }), 0);
		/* a call first seen at a later fragment: only any_frag */
		assert_int_equal(request_sids(&c, le, &(struct req){ 0, 6, 0, 6, NULL, "x", 1,
								   0, 0 }), B(9));
		assert_int_equal(request_sids(&c, le, &(struct req){ DCE_PFC_LAST_FRAG, 6, 0, 6,
								   NULL, "x", 1, 0, 0 }), 0);
		/* the response: sid 11 (to_client) */
		struct pdu *p = pdu_new(le);
		struct snet_inspect_verdict v;
		add_response(p, FL_ALL, 2, "r", 1);
		reply_pdu(&c, p, &v);
		assert_int_equal(sids(&v), B(2) | B(9) | B(11));
		free(p);
	}
	/* no bind acknowledgement: nothing is bound */
	tu_conn_open(&c, W, 136);
	struct pdu *p = pdu_new(true);
	struct snet_inspect_verdict v;
	add_bind(p, DCE_BIND, 1, items, 1);
	send_pdu(&c, p, &v);
	assert_int_equal(request_sids(&c, true, &(struct req){ FL_ALL, 2, 0, 6, NULL, "x", 1, 0, 0 }),
			 0);
	/* the same PDUs on a flow that is not DCERPC: nothing */
	tu_conn_open(&c, W, 137);
	tu_conn_send(&c, "hello\r\n", 7, &v);
	send_pdu(&c, p, &v);
	assert_int_equal(request_sids(&c, true, &(struct req){ FL_ALL, 2, 0, 6, NULL, "x", 1, 0, 0 }),
			 0);
	free(p);
	tu_teardown(&RS, &W);
}

static void opnum_keyword(void **state)
{
	(void)state;
	tu_setup("alert tcp any any -> any any (msg:\"list\"; dce_opnum:12,15-20,5; sid:1;)\n"
		 "alert tcp any any -> any any (msg:\"one\"; dcerpc.opnum:0; sid:2;)\n"
		 "alert tcp any any -> any any (msg:\">10\"; dce_opnum:>10; sid:3;)\n"
		 "alert tcp any any -> any any (msg:\"<=5\"; dce_opnum:<=5; sid:4;)\n"
		 "alert tcp any any -> any any (msg:\"!17\"; dce_opnum:!17; sid:5;)\n"
		 "alert dcerpc any any -> any any (msg:\"both\"; dce_iface:" WMI "; "
		 "dce_opnum:3-4; sid:6;)\n"
		 "alert tcp any any -> any any (msg:\"max\"; dce_opnum: 65535 ; sid:7;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	bound_flow(&c, 135, true, (const struct ctx_item[]){ { 0, WMI, 0, 0 } },
		   (const uint16_t[]){ 0 }, 1);
	static const struct { uint16_t opnum, ctx; uint32_t want; } cases[] = {
		{ 5, 0, B(1) | B(4) | B(5) }, { 12, 0, B(1) | B(3) | B(5) },
		{ 15, 0, B(1) | B(3) | B(5) }, { 17, 0, B(1) | B(3) }, { 20, 0, B(1) | B(3) | B(5) },
		{ 13, 0, B(3) | B(5) }, { 21, 0, B(3) | B(5) }, { 0, 0, B(2) | B(4) | B(5) },
		{ 3, 0, B(4) | B(5) | B(6) }, { 3, 1, B(4) | B(5) }, { 65535, 0, B(3) | B(5) | B(7) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t got = request_sids(&c, true, &(struct req){ FL_ALL, (uint32_t)i + 2,
								   cases[i].ctx, cases[i].opnum, NULL,
								   "x", 1, 0, 0 });
		if (got != cases[i].want)
			fail_msg("opnum %u ctx %u: sids 0x%x, want 0x%x", cases[i].opnum, cases[i].ctx,
				 got, cases[i].want);
	}
	tu_teardown(&RS, &W);
}

static void stub_data_keyword(void **state)
{
	(void)state;
	tu_setup("alert tcp any any -> any any (msg:\"off\"; dce_stub_data; content:\"EVIL\"; "
		 "offset:4; depth:4; sid:1;)\n"
		 "alert tcp any any -> any any (msg:\"rel\"; dcerpc.stub_data; content:\"AB\"; "
		 "content:\"CD\"; distance:2; within:2; sid:2;)\n"
		 "alert tcp any any -> any any (msg:\"pcre\"; dce_stub_data; pcre:\"/^....EVIL/\"; "
		 "sid:3;)\n"
		 "alert tcp any any -> any any (msg:\"bt le\"; flow:to_server; dce_stub_data; "
		 "content:\"LEN\"; byte_test:4,=,1500,0,relative,dce; sid:4;)\n"
		 "alert tcp any any -> any any (msg:\"bj\"; dce_stub_data; content:\"LEN\"; "
		 "byte_jump:4,0,relative,dce; content:\"END\"; within:3; sid:5;)\n"
		 "alert tcp any any -> any any (msg:\"bx\"; dce_stub_data; content:\"LEN\"; "
		 "byte_extract:2,0,n,relative,dce; byte_test:2,=,n,0,relative,dce; sid:6;)\n"
		 "alert tcp any any -> any any (msg:\"resp\"; flow:to_client; dce_stub_data; "
		 "content:\"EVIL\"; sid:7;)\n"
		 "alert tcp any any -> any any (msg:\"req\"; flow:to_server; dce_stub_data; "
		 "content:\"SECRET\"; sid:8;)\n"
		 "alert tcp any any -> any any (msg:\"span\"; dce_stub_data; content:\"AAAABBBB\"; "
		 "sid:9;)\n"
		 "alert tcp any any -> any any (msg:\"iface+stub\"; dce_iface:" WMI "; dce_stub_data; "
		 "content:\"EVIL\"; sid:10;)\n"
		 "alert tcp any any -> any any (msg:\"end\"; dce_stub_data; content:\"TAIL\"; "
		 "endswith; sid:11;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	for (int le = 1; le >= 0; le--) {
		bound_flow(&c, (uint16_t)(1135 - 1000 * le), le,
			   (const struct ctx_item[]){ { 0, WMI, 0, 0 } }, (const uint16_t[]){ 0 }, 1);
		/* contents at offsets, relative, pcre; the iface and the stub together */
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 2, 0, 1, NULL,
								   "xxxxEVILABxxCD", 14, 0, 0 }),
				 B(1) | B(2) | B(3) | B(10));
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 3, 0, 1, NULL,
								   "xxxxxEVILABxxxCD", 16, 0, 0 }),
				 B(10));
		/* 'dce': the number in the PDU's byte order (1500 = 0x5dc); read in
		 * the other it would be 0xdc050000 */
		uint8_t num[] = { 'L', 'E', 'N', 0, 0, 0x05, 0xdc, 'E', 'N', 'D' };
		if (le) {
			num[3] = 0xdc;
			num[4] = 0x05;
			num[5] = num[6] = 0;
		}
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 4, 0, 1, NULL, num,
								   sizeof(num), 0, 0 }), B(4));
		/* a jump of 3 in the PDU's order lands on END; n read = n read */
		uint8_t jump[] = { 'L', 'E', 'N', 0, 0, 0, 3, 'x', 'x', 'x', 'E', 'N', 'D' };
		if (le) {
			jump[3] = 3;
			jump[6] = 0;
		}
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 5, 0, 1, NULL, jump,
								   sizeof(jump), 0, 0 }), B(5));
		uint8_t twice[] = { 'L', 'E', 'N', 0x01, 0x02, 0x01, 0x02 };
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 6, 0, 1, NULL, twice,
								   sizeof(twice), 0, 0 }), B(6));
		/* a stub gathered from two fragments: decided once, at the last */
		assert_int_equal(request_sids(&c, le, &(struct req){ DCE_PFC_FIRST_FRAG, 7, 0, 1,
								   NULL, "xxAAAA", 6, 0, 0 }), 0);
		assert_int_equal(request_sids(&c, le, &(struct req){ DCE_PFC_LAST_FRAG, 7, 0, 1,
								   NULL, "BBBB TAIL", 9, 0, 0 }),
				 B(9) | B(11));
		/* the response's stub for to_client rules, the request's for to_server */
		struct pdu *p = pdu_new(le);
		struct snet_inspect_verdict v;
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 8, 0, 1, NULL,
								   "SECRET", 6, 0, 0 }), B(8));
		add_response(p, FL_ALL, 8, "..EVIL..SECRET", 14);
		reply_pdu(&c, p, &v);
		assert_int_equal(sids(&v), B(7) | B(10));
		/* the auth trailer is not stub data: "TAIL" is not at its end */
		assert_int_equal(request_sids(&c, le, &(struct req){ FL_ALL, 9, 0, 1, NULL,
								   "abcTAIL", 7, 1, 8 }), B(11));
		free(p);
	}
	tu_teardown(&RS, &W);
}

/* ET Open's rule as it is: the server in $HOME_NET, on a port of its own */
static void et_rule_verbatim(void **state)
{
	(void)state;
	tu_setup("alert tcp any any -> $HOME_NET any (msg:\"ET NETBIOS DCERPC WMI Remote Process "
		 "Execution\"; flow:to_server,established; dce_iface:" WMI "; metadata: "
		 "former_category NETBIOS; classtype:bad-unknown; sid:2027167; rev:1; metadata:"
		 "affected_product Windows_XP_Vista_7_8_10_Server_32_64_Bit, attack_target "
		 "Client_Endpoint, deployment Internal, signature_severity Informational, "
		 "created_at 2019_04_09, updated_at 2019_04_09;)\n", &RS, &W);
	static uint8_t buf[70000];
	struct pdu *p = pdu_new(true);
	struct snet_inspect_verdict v;
	uint32_t cseq = 7000, sseq = 3000;
	struct timespec ts = { 1700000000, 0 };
	/* 192.0.2.7:49700 -> 10.0.0.5:49666: handshake, bind, ack, request */
	struct { int cli; uint8_t fl; size_t n; } steps[6] = {
		{ 1, 0x02, 0 }, { 0, 0x12, 0 }, { 1, 0x10, 0 }, { 1, 0x18, 0 }, { 0, 0x18, 0 },
		{ 1, 0x18, 0 },
	};
	uint32_t alerts = 0;
	for (int i = 0; i < 6; i++) {
		p->n = 0;
		if (i == 3)
			add_bind(p, DCE_BIND, 2, (const struct ctx_item[]){ { 0, WMI, 0, 0 } }, 1);
		else if (i == 4)
			add_bind_ack(p, DCE_BIND_ACK, 2, (const uint16_t[]){ 0 }, 1);
		else if (i == 5)
			add_request(p, &(struct req){ FL_ALL, 3, 0, 3, NULL, "MEOW", 4, 0, 0 });
		size_t len = steps[i].cli ?
			tu_tcp(buf, 0, "192.0.2.7", "10.0.0.5", 49700, 49666, cseq, sseq, steps[i].fl,
			       p->b, p->n) :
			tu_tcp(buf, 0, "10.0.0.5", "192.0.2.7", 49666, 49700, sseq, cseq, steps[i].fl,
			       p->b, p->n);
		uint32_t adv = (uint32_t)p->n + ((steps[i].fl & 0x02) ? 1 : 0);
		if (steps[i].cli)
			cseq += adv;
		else
			sseq += adv;
		ts.tv_nsec += 1000000;
		assert_int_equal(snet_inspect_worker_packet(W, buf, len, &ts, NULL, &v), 0);
		alerts |= (uint32_t)tu_has_sid(&v, 2027167) << i;
	}
	assert_int_equal(alerts, 1u << 5);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==2027167 and "
				      ".alert.category==\"Potentially Bad Traffic\" and "
				      ".dest_ip==\"10.0.0.5\" and .app_proto==\"dcerpc\")"), 1);
	free(p);
	tu_teardown(&RS, &W);
}

/* a drop rule on the stub drops the packet that completes the call */
static void stub_drop(void **state)
{
	(void)state;
	tu_setup("drop tcp any any -> any any (msg:\"d\"; flow:to_server,established; "
		 "dce_iface:" WMI "; dce_opnum:3; dce_stub_data; content:\"Win32_Process\"; "
		 "nocase; sid:1;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	bound_flow(&c, 49152, true, (const struct ctx_item[]){ { 0, WMI, 0, 0 } },
		   (const uint16_t[]){ 0 }, 1);
	struct pdu *p = pdu_new(true);
	struct snet_inspect_verdict v;
	add_request(p, &(struct req){ DCE_PFC_FIRST_FRAG, 2, 0, 3, NULL, "..win32_", 8, 0, 0 });
	assert_int_equal(tu_conn_send(&c, (const char *)p->b, p->n, &v), SNET_INSPECT_ACCEPT);
	p->n = 0;
	add_request(p, &(struct req){ DCE_PFC_LAST_FRAG, 2, 0, 3, NULL, "process..", 9, 0, 0 });
	assert_int_equal(tu_conn_send(&c, (const char *)p->b, p->n, &v), SNET_INSPECT_DROP);
	assert_true(tu_has_sid(&v, 1));
	free(p);
	tu_teardown(&RS, &W);
}

/* a request whose last fragment never comes is decided when its side ends */
static void stub_at_fin(void **state)
{
	(void)state;
	tu_setup("alert tcp any any -> any any (msg:\"s\"; dce_stub_data; content:\"HALF\"; sid:1;)\n",
		 &RS, &W);
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 135);
	assert_int_equal(request_sids(&c, true, &(struct req){ DCE_PFC_FIRST_FRAG, 1, 0, 1, NULL,
							     "HALF", 4, 0, 0 }), 0);
	tu_conn_fin(&c, &v);
	assert_true(tu_has_sid(&v, 1));
	tu_teardown(&RS, &W);
}

/* dcerpc rules, app-layer-protocol, and the alert's dcerpc object */
static void protocol_and_eve(void **state)
{
	(void)state;
	tu_setup("alert dcerpc any any -> any any (msg:\"raw\"; flow:to_server; "
		 "content:\"RAWBYTES\"; sid:1;)\n"
		 "alert tcp any any -> any any (msg:\"alp\"; app-layer-protocol:dcerpc; sid:2;)\n"
		 "alert tcp any any -> any any (msg:\"!alp\"; flow:to_server; "
		 "app-layer-protocol:!dcerpc; sid:3;)\n"
		 "alert tcp any any -> any any (msg:\"wmi\"; flow:to_server,established; "
		 "dce_iface:" WMI "; sid:4;)\n"
		 "alert tcp any any -> any any (msg:\"resp\"; flow:to_client; dce_stub_data; "
		 "content:\"OUT\"; sid:5;)\n", &RS, &W);
	struct tu_conn c = { 0 };
	struct pdu *p = pdu_new(true);
	struct snet_inspect_verdict v;
	tu_conn_open(&c, W, 5000);	/* no well-known port */
	add_bind(p, DCE_BIND, 1, (const struct ctx_item[]){ { 0, WMI, 0, 0 } }, 1);
	send_pdu(&c, p, &v);
	assert_int_equal(sids(&v), B(2));
	p->n = 0;
	add_bind_ack(p, DCE_BIND_ACK, 1, (const uint16_t[]){ 0 }, 1);
	reply_pdu(&c, p, &v);
	p->n = 0;
	add_request(p, &(struct req){ FL_ALL, 7, 0, 3, NULL, "..RAWBYTES..", 12, 0, 0 });
	send_pdu(&c, p, &v);
	assert_int_equal(sids(&v), B(1) | B(4));
	p->n = 0;
	add_response(p, FL_ALL, 7, "OUTPUT", 6);
	reply_pdu(&c, p, &v);
	assert_int_equal(sids(&v), B(5));
	assert_int_equal(tu_eve_count(
		"select(.alert.signature_id==4 and .app_proto==\"dcerpc\" and "
		".dcerpc.request==\"REQUEST\" and .dcerpc.req.opnum==3 and "
		".dcerpc.req.frag_cnt==1 and .dcerpc.req.stub_data_size==12 and "
		".dcerpc.interfaces[0].uuid==\"" WMI "\" and "
		".dcerpc.interfaces[0].version==\"0.0\" and .dcerpc.interfaces[0].ack_result==0 and "
		".dcerpc.response==\"UNREPLIED\" and .dcerpc.call_id==7 and "
		".dcerpc.rpc_version==\"5.0\")"), 1);
	assert_int_equal(tu_eve_count(
		"select(.alert.signature_id==5 and .dcerpc.response==\"RESPONSE\" and "
		".dcerpc.res.frag_cnt==1 and .dcerpc.res.stub_data_size==6 and "
		".dcerpc.req.opnum==3 and .dcerpc.call_id==7)"), 1);
	/* raw-stream alerts on the flow name it, without the object */
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1 and .app_proto==\"dcerpc\" "
				      "and .dcerpc==null)"), 1);
	/* a flow that is not DCERPC (enough bytes for every probe to say) */
	tu_conn_open(&c, W, 5001);
	tu_conn_send(&c, "hello, not dcerpc", 17, &v);
	assert_int_equal(sids(&v), B(3));
	free(p);
	tu_teardown(&RS, &W);
}

/* a malformed PDU stops parsing that side, counted; memory past the cap
 * is refused and counted */
static void engine_counters(void **state)
{
	(void)state;
	tu_setup("alert tcp any any -> any any (msg:\"s\"; dce_stub_data; content:\"zz\"; sid:1;)\n",
		 &RS, &W);
	struct tu_conn c = { 0 };
	struct pdu *p = pdu_new(true);
	struct snet_inspect_verdict v;
	struct snet_inspect_stats st;
	tu_conn_open(&c, W, 135);
	add_request(p, &(struct req){ DCE_PFC_FIRST_FRAG, 1, 0, 1, NULL, "zz", 2, 0, 0 });
	send_pdu(&c, p, &v);
	assert_int_equal(v.nalerts, 0);
	/* frag_length 8: the open call is decided with what it has */
	tu_conn_send(&c, "\x05\x00\x00\x03\x10\x00\x00\x00\x08\x00\x00\x00", 12, &v);
	assert_true(tu_has_sid(&v, 1));
	snet_inspect_worker_stats(W, &st);
	assert_int_equal(st.dcerpc_malformed, 1);
	assert_int_equal(st.dcerpc_memcap, 0);
	p->n = 0;
	add_request(p, &(struct req){ FL_ALL, 2, 0, 1, NULL, "zz", 2, 0, 0 });
	send_pdu(&c, p, &v);
	assert_int_equal(v.nalerts, 0);
	tu_teardown(&RS, &W);
	free(p);

	/* a small cap: the stub of a large request cannot be held */
	RS = tu_load_ok("alert tcp any any -> any any (msg:\"s\"; dce_stub_data; content:\"zz\"; "
			"sid:1;)\n", (const char *const[]){ "flow-memcap", "65536", NULL });
	assert_non_null(RS);
	W = tu_worker(RS);
	assert_non_null(W);
	p = pdu_new(true);
	static uint8_t big[60000];
	memset(big, 'z', sizeof(big));
	tu_conn_open(&c, W, 135);
	add_request(p, &(struct req){ FL_ALL, 1, 0, 1, NULL, big, sizeof(big), 0, 0 });
	for (size_t off = 0; off < p->n; off += 1400)
		tu_conn_send(&c, (const char *)p->b + off, p->n - off < 1400 ? p->n - off : 1400, &v);
	snet_inspect_worker_stats(W, &st);
	assert_true(st.dcerpc_memcap >= 1);
	assert_true(st.flow_memory <= 65536);
	free(p);
	tu_teardown(&RS, &W);
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
		cmocka_unit_test(iface_keyword),
		cmocka_unit_test(et_rule_verbatim),
		cmocka_unit_test(opnum_keyword),
		cmocka_unit_test(stub_data_keyword),
		cmocka_unit_test(stub_drop),
		cmocka_unit_test(stub_at_fin),
		cmocka_unit_test(protocol_and_eve),
		cmocka_unit_test(engine_counters),
	};
	return cmocka_run_group_tests_name("dcerpc", tests, NULL, NULL);
}
