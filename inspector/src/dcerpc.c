// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DCERPC over TCP: the connection-oriented PDUs of each direction, read
 * from its in-order data whatever the segments (a PDU split over several,
 * several in one).  What the dce_* keywords need is kept: the presentation
 * contexts that BIND and ALTER_CONTEXT offered with the results their
 * acknowledgements gave, and for each call its request's context and
 * opnum and the stub data of its fragments, without the authentication
 * trailer, up to DCE_STUB_MAX.  Events: a request's first PDU, a request
 * over, a response over.  A malformed PDU stops its direction; memory
 * grows only as the caller's room() allows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* a buffer for a split PDU larger than this is freed once it is parsed */
#define PDU_KEEP 4096

static uint16_t u16_at(const uint8_t *p, bool little)
{
	return little ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t u32_at(const uint8_t *p, bool little)
{
	return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			(uint32_t)p[3] << 24 :
			(uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool drep_little(const uint8_t *drep)
{
	return drep[0] & 0x10;
}

/* the first 10 bytes of a PDU: version 5.0 or 5.1, a frag_length that
 * holds the header */
static bool head_ok(const uint8_t *d)
{
	return d[0] == 5 && d[1] <= 1 && u16_at(d + 8, drep_little(d + 4)) >= DCE_HDR_LEN;
}

static size_t frag_len_of(const uint8_t *d)
{
	return u16_at(d + 8, drep_little(d + 4));
}

int dce_parse_hdr(const uint8_t *d, size_t n, struct dce_hdr *h)
{
	if (n < DCE_HDR_LEN || !head_ok(d))
		return -EBADMSG;
	bool little = drep_little(d + 4);
	h->vers = d[0];
	h->vers_minor = d[1];
	h->ptype = d[2];
	h->flags = d[3];
	memcpy(h->drep, d + 4, 4);
	h->frag_len = u16_at(d + 8, little);
	h->auth_len = u16_at(d + 10, little);
	h->call_id = u32_at(d + 12, little);
	return 0;
}

bool dce_probe(const uint8_t *d, size_t n)
{
	if (n < 10 || !head_ok(d))
		return false;
	/* the representations Suricata's probe allows: ASCII or EBCDIC,
	 * either byte order, one of the four float formats */
	if ((d[4] & 0xee) || d[5] > 3)
		return false;
	size_t fl = frag_len_of(d);
	switch (d[2]) {
	case DCE_REQUEST: return fl >= DCE_HDR_LEN + 8;
	case DCE_BIND:
	case DCE_ALTER_CONTEXT: return fl >= DCE_HDR_LEN + 12;
	default: return false;
	}
}

/* a UUID on the wire (its first three fields in the PDU's byte order) in
 * the byte order of its text form */
static void uuid_from_wire(const uint8_t *w, bool little, uint8_t out[16])
{
	memcpy(out, w, 16);
	if (little) {
		static const uint8_t order[8] = { 3, 2, 1, 0, 5, 4, 7, 6 };
		for (int i = 0; i < 8; i++)
			out[i] = w[order[i]];
	}
}

void dce_uuid_text(const uint8_t uuid[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[uuid[i] >> 4];
		out[k++] = hex[uuid[i] & 15];
	}
	out[k] = 0;
}

struct dce_state *dce_state_new(void)
{
	return calloc(1, sizeof(struct dce_state));
}

void dce_state_free(struct dce_state *s)
{
	if (!s)
		return;
	for (int d = 0; d < 2; d++) {
		free(s->d[d].pdu);
		for (int i = 0; i < DCE_CALLS_MAX; i++)
			free(s->d[d].calls[i].stub);
	}
	free(s->ifaces);
	free(s);
}

size_t dce_state_memory(const struct dce_state *s)
{
	size_t m = sizeof(*s) + s->capifaces * sizeof(*s->ifaces);
	for (int d = 0; d < 2; d++) {
		m += s->d[d].cappdu;
		for (int i = 0; i < DCE_CALLS_MAX; i++)
			m += s->d[d].calls[i].stub_cap;
	}
	return m;
}

static bool room(const struct dce_ops *ops, void *ctx, size_t add)
{
	return !ops->room || ops->room(ctx, add);
}

/* ---- calls ---- */

static struct dce_call *find_call(struct dce_dir *dd, uint32_t call_id)
{
	for (int i = 0; i < DCE_CALLS_MAX; i++)
		if (dd->calls[i].open && dd->calls[i].call_id == call_id)
			return &dd->calls[i];
	return NULL;
}

static struct dce_call *oldest_call(struct dce_dir *dd)
{
	struct dce_call *old = NULL;
	for (int i = 0; i < DCE_CALLS_MAX; i++)
		if (dd->calls[i].open && (!old || dd->calls[i].seq < old->seq))
			old = &dd->calls[i];
	return old;
}

/* the call is over: a request is remembered for its response */
static void close_call(struct dce_state *s, int dir, struct dce_call *c,
		       const struct dce_ops *ops, void *ctx)
{
	if (dir == 0) {
		s->done[s->done_next] = c->req;
		s->done_call[s->done_next] = c->call_id;
		s->done_next = (s->done_next + 1) % DCE_DONE_MAX;
		if (s->ndone < DCE_DONE_MAX)
			s->ndone++;
	}
	ops->event(ctx, dir ? DCE_EV_RESPONSE_DONE : DCE_EV_REQUEST_DONE, s, c);
	free(c->stub);
	memset(c, 0, sizeof(*c));
}

static void close_all(struct dce_state *s, int dir, const struct dce_ops *ops, void *ctx)
{
	struct dce_call *c;
	while ((c = oldest_call(&s->d[dir])))
		close_call(s, dir, c, ops, ctx);
}

/* a slot for a new call: with all taken, the oldest call is over */
static struct dce_call *new_call(struct dce_state *s, int dir, uint32_t call_id,
				 const struct dce_ops *ops, void *ctx)
{
	struct dce_dir *dd = &s->d[dir];
	struct dce_call *c = NULL;
	for (int i = 0; i < DCE_CALLS_MAX && !c; i++)
		if (!dd->calls[i].open)
			c = &dd->calls[i];
	if (!c) {
		c = oldest_call(dd);
		close_call(s, dir, c, ops, ctx);
	}
	c->open = true;
	c->seq = ++s->seq;
	c->call_id = call_id;
	return c;
}

/* what a response needs of its request: a call still open, else the
 * latest finished one with its call_id */
static struct dce_req_info request_of(struct dce_state *s, uint32_t call_id)
{
	struct dce_call *c = find_call(&s->d[0], call_id);
	if (c)
		return c->req;
	for (unsigned i = 1; i <= s->ndone; i++) {
		unsigned k = (s->done_next + DCE_DONE_MAX - i) % DCE_DONE_MAX;
		if (s->done_call[k] == call_id)
			return s->done[k];
	}
	return (struct dce_req_info){ .seen = false };
}

/* stub bytes of a call, up to DCE_STUB_MAX; the rest is counted */
static void stub_add(struct dce_call *c, const uint8_t *d, size_t n, const struct dce_ops *ops,
		     void *ctx)
{
	size_t take = n < DCE_STUB_MAX - c->stub_len ? n : DCE_STUB_MAX - c->stub_len;
	if (take && c->stub_len + take > c->stub_cap) {
		size_t cap = c->stub_cap ? c->stub_cap : 1024;
		while (cap < c->stub_len + take)
			cap *= 2;
		if (cap > DCE_STUB_MAX)
			cap = DCE_STUB_MAX;
		uint8_t *p = room(ops, ctx, cap - c->stub_cap) ? realloc(c->stub, cap) : NULL;
		if (p) {
			c->stub = p;
			c->stub_cap = (uint32_t)cap;
		} else {
			take = 0;
		}
	}
	if (take)
		memcpy(c->stub + c->stub_len, d, take);
	c->stub_len += (uint32_t)take;
	c->stub_lost += n - take;
}

/* ---- PDUs: body is what follows the header, without the auth trailer;
 * pad is the trailer's auth_pad_length (the stub's padding) ---- */

static int request_pdu(struct dce_state *s, const struct dce_hdr *h, const uint8_t *body,
		       size_t len, size_t pad, const struct dce_ops *ops, void *ctx)
{
	bool little = drep_little(h->drep);
	bool object = h->flags & DCE_PFC_OBJECT_UUID;
	size_t fixed = 8 + (object ? 16 : 0);	/* alloc_hint, p_cont_id, opnum, object */
	if (len < fixed || len - fixed < pad)
		return -EBADMSG;
	struct dce_call *c = find_call(&s->d[0], h->call_id);
	if (c && (h->flags & DCE_PFC_FIRST_FRAG)) {
		close_call(s, 0, c, ops, ctx);	/* a new call with the same id */
		c = NULL;
	}
	bool started = !c;
	if (!c) {
		c = new_call(s, 0, h->call_id, ops, ctx);
		c->little = little;
		c->vers_minor = h->vers_minor;
		c->req.seen = true;
		c->req.first_frag = h->flags & DCE_PFC_FIRST_FRAG;
		c->req.ctx_id = u16_at(body + 4, little);
		c->req.opnum = u16_at(body + 6, little);
		c->req.vers_minor = h->vers_minor;
		c->has_object = object;
		if (object)
			uuid_from_wire(body + 8, little, c->object);
	}
	if (c->frags < UINT16_MAX)
		c->frags++;
	c->req.frags = c->frags;
	stub_add(c, body + fixed, len - fixed - pad, ops, ctx);
	c->req.stub_size = c->stub_len;
	if (started)
		ops->event(ctx, DCE_EV_REQUEST, s, c);
	if (h->flags & DCE_PFC_LAST_FRAG)
		close_call(s, 0, c, ops, ctx);
	return 0;
}

static int response_pdu(struct dce_state *s, const struct dce_hdr *h, const uint8_t *body,
			size_t len, size_t pad, const struct dce_ops *ops, void *ctx)
{
	size_t fixed = 8;	/* alloc_hint, p_cont_id, cancel_count, reserved */
	if (len < fixed || len - fixed < pad)
		return -EBADMSG;
	struct dce_call *c = find_call(&s->d[1], h->call_id);
	if (c && (h->flags & DCE_PFC_FIRST_FRAG)) {
		close_call(s, 1, c, ops, ctx);
		c = NULL;
	}
	if (!c) {
		struct dce_req_info req = request_of(s, h->call_id);
		c = new_call(s, 1, h->call_id, ops, ctx);
		c->little = drep_little(h->drep);
		c->vers_minor = h->vers_minor;
		c->req = req;
	}
	if (c->frags < UINT16_MAX)
		c->frags++;
	stub_add(c, body + fixed, len - fixed - pad, ops, ctx);
	if (h->flags & DCE_PFC_LAST_FRAG)
		close_call(s, 1, c, ops, ctx);
	return 0;
}

/* a context entry; with the table full, a rejected one goes, else the oldest */
static int iface_add(struct dce_state *s, const struct dce_iface *e, const struct dce_ops *ops,
		     void *ctx)
{
	if (s->nifaces == DCE_CTX_MAX) {
		size_t k = 0;
		for (size_t i = 0; i < s->nifaces; i++) {
			if (s->ifaces[i].result > 0) {
				k = i;
				break;
			}
		}
		memmove(&s->ifaces[k], &s->ifaces[k + 1], (s->nifaces - k - 1) * sizeof(*s->ifaces));
		s->nifaces--;
	}
	if (s->nifaces == s->capifaces) {
		size_t cap = s->capifaces ? s->capifaces * 2 : 8;
		if (!room(ops, ctx, (cap - s->capifaces) * sizeof(*s->ifaces)))
			return -ENOMEM;
		struct dce_iface *v = realloc(s->ifaces, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->ifaces = v;
		s->capifaces = cap;
	}
	s->ifaces[s->nifaces++] = *e;
	return 0;
}

/* BIND, ALTER_CONTEXT: the presentation context list */
static int bind_pdu(struct dce_state *s, const struct dce_hdr *h, const uint8_t *b, size_t len,
		    const struct dce_ops *ops, void *ctx)
{
	bool little = drep_little(h->drep);
	/* max_xmit_frag, max_recv_frag, assoc_group_id, n_context_elem, reserved */
	if (len < 12)
		return -EBADMSG;
	unsigned n = b[8];
	/* the whole list first: a malformed one adds nothing */
	size_t off = 12;
	for (unsigned i = 0; i < n; i++) {
		/* p_cont_id, n_transfer_syn, reserved, abstract syntax (uuid,
		 * major, minor), then the transfer syntaxes (uuid, version) */
		if (len - off < 24)
			return -EBADMSG;
		off += 24 + 20 * (size_t)b[off + 2];
		if (off > len)
			return -EBADMSG;
	}
	off = 12;
	for (unsigned i = 0; i < n; i++) {
		struct dce_iface e = {
			.ctx_id = u16_at(b + off, little), .call_id = h->call_id, .result = -1,
			.ver_major = u16_at(b + off + 20, little),
			.ver_minor = u16_at(b + off + 22, little),
		};
		uuid_from_wire(b + off + 4, little, e.uuid);
		int rc = iface_add(s, &e, ops, ctx);
		if (rc)
			return rc;
		off += 24 + 20 * (size_t)b[off + 2];
	}
	return 0;
}

/* BIND_ACK, ALTER_CONTEXT_RESP: a result for each context of its BIND, in order */
static int bind_ack_pdu(struct dce_state *s, const struct dce_hdr *h, const uint8_t *b,
			size_t len)
{
	bool little = drep_little(h->drep);
	/* max_xmit_frag, max_recv_frag, assoc_group_id, sec_addr (length, port) */
	if (len < 10)
		return -EBADMSG;
	size_t off = 10 + (size_t)u16_at(b + 8, little);
	off += (4 - (DCE_HDR_LEN + off) % 4) % 4;	/* the result list is 4-aligned */
	/* n_results, reserved; then result, reason, transfer syntax (24 bytes) */
	if (off > len || len - off < 4)
		return -EBADMSG;
	unsigned n = b[off];
	off += 4;
	if ((len - off) / 24 < n)
		return -EBADMSG;
	unsigned k = 0;
	for (size_t i = 0; i < s->nifaces && k < n; i++) {
		struct dce_iface *e = &s->ifaces[i];
		if (e->call_id == h->call_id && e->result < 0)
			e->result = u16_at(b + off + 24 * (size_t)k++, little);
	}
	return 0;
}

/* BIND_NAK: every context of that BIND is rejected */
static void bind_nak_pdu(struct dce_state *s, const struct dce_hdr *h)
{
	for (size_t i = 0; i < s->nifaces; i++)
		if (s->ifaces[i].call_id == h->call_id && s->ifaces[i].result < 0)
			s->ifaces[i].result = 2;	/* provider rejection */
}

/* one whole PDU of direction dir: n is its frag_length */
static int pdu(struct dce_state *s, int dir, const uint8_t *p, size_t n,
	       const struct dce_ops *ops, void *ctx)
{
	struct dce_hdr h;
	if (dce_parse_hdr(p, n, &h) || h.frag_len != n)
		return -EBADMSG;
	const uint8_t *body = p + DCE_HDR_LEN;
	size_t len = n - DCE_HDR_LEN, pad = 0;
	if (h.auth_len) {
		/* sec_trailer (auth_type, auth_level, auth_pad_length,
		 * reserved, context id) and the credentials end the PDU */
		size_t tail = (size_t)h.auth_len + 8;
		if (tail > len)
			return -EBADMSG;
		len -= tail;
		pad = body[len + 2];
	}
	switch (h.ptype) {
	case DCE_REQUEST:
		return dir == 0 ? request_pdu(s, &h, body, len, pad, ops, ctx) : 0;
	case DCE_RESPONSE:
		return dir == 1 ? response_pdu(s, &h, body, len, pad, ops, ctx) : 0;
	case DCE_BIND:
	case DCE_ALTER_CONTEXT:
		return dir == 0 ? bind_pdu(s, &h, body, len, ops, ctx) : 0;
	case DCE_BIND_ACK:
	case DCE_ALTER_CONTEXT_RESP:
		return dir == 1 ? bind_ack_pdu(s, &h, body, len) : 0;
	case DCE_BIND_NAK:
		if (dir == 1)
			bind_nak_pdu(s, &h);
		return 0;
	default:
		return 0;	/* FAULT, AUTH3, SHUTDOWN...: nothing the keywords read */
	}
}

/* the direction stops: its calls are over with what they have */
static int stop(struct dce_state *s, int dir, int rc, const struct dce_ops *ops, void *ctx)
{
	struct dce_dir *dd = &s->d[dir];
	dd->dead = rc;
	free(dd->pdu);
	dd->pdu = NULL;
	dd->npdu = dd->cappdu = 0;
	close_all(s, dir, ops, ctx);
	return rc;
}

/*
 * Bytes of a PDU that is split: its first 10 bytes (up to its
 * frag_length) in head, then the whole PDU in pdu.  1: the PDU is
 * complete; 0: more is needed; -errno: malformed or no memory.
 */
static int gather(struct dce_dir *dd, const uint8_t **d, size_t *n, const struct dce_ops *ops,
		  void *ctx)
{
	if (dd->nhead < 10) {
		size_t take = *n < 10u - dd->nhead ? *n : 10u - dd->nhead;
		memcpy(dd->head + dd->nhead, *d, take);
		dd->nhead = (uint8_t)(dd->nhead + take);
		*d += take;
		*n -= take;
		if (dd->nhead < 10)
			return 0;
		if (!head_ok(dd->head))
			return -EBADMSG;
		dd->need = (uint16_t)frag_len_of(dd->head);
		if (dd->cappdu < dd->need) {
			if (!room(ops, ctx, dd->need - dd->cappdu))
				return -ENOMEM;
			uint8_t *p = realloc(dd->pdu, dd->need);
			if (!p)
				return -ENOMEM;
			dd->pdu = p;
			dd->cappdu = dd->need;
		}
		memcpy(dd->pdu, dd->head, 10);
		dd->npdu = 10;
	}
	size_t take = *n < dd->need - dd->npdu ? *n : dd->need - dd->npdu;
	memcpy(dd->pdu + dd->npdu, *d, take);
	dd->npdu += take;
	*d += take;
	*n -= take;
	return dd->npdu == dd->need;
}

int dce_feed(struct dce_state *s, int dir, const uint8_t *d, size_t n,
	     const struct dce_ops *ops, void *ctx)
{
	struct dce_dir *dd = &s->d[dir];
	while (n && !dd->dead) {
		int rc;
		/* whole PDUs in the data are parsed where they are */
		if (!dd->nhead && n >= 10 && head_ok(d) && n >= frag_len_of(d)) {
			size_t fl = frag_len_of(d);
			rc = pdu(s, dir, d, fl, ops, ctx);
			d += fl;
			n -= fl;
		} else {
			rc = gather(dd, &d, &n, ops, ctx);
			if (rc == 0)
				break;
			if (rc == 1) {
				rc = pdu(s, dir, dd->pdu, dd->need, ops, ctx);
				dd->nhead = 0;
				dd->npdu = dd->need = 0;
				if (dd->cappdu > PDU_KEEP) {
					free(dd->pdu);
					dd->pdu = NULL;
					dd->cappdu = 0;
				}
			}
		}
		if (rc)
			return stop(s, dir, rc, ops, ctx);
	}
	return 0;
}

void dce_eof(struct dce_state *s, int dir, const struct dce_ops *ops, void *ctx)
{
	close_all(s, dir, ops, ctx);
}

/* ---- the EVE dcerpc object, as Suricata logs a transaction ---- */

json_t *dce_eve_object(const struct dce_state *s, const struct dce_call *c, bool response)
{
	json_t *o = json_object();
	const struct dce_req_info *q = &c->req;
	if (!o)
		return NULL;
	if (q->seen) {
		json_object_set_new(o, "request", json_string("REQUEST"));
		json_t *req = json_object();
		json_object_set_new(req, "opnum", json_integer(q->opnum));
		json_object_set_new(req, "frag_cnt", json_integer(q->frags));
		json_object_set_new(req, "stub_data_size", json_integer(q->stub_size));
		json_object_set_new(o, "req", req);
		json_t *ifs = json_array();
		for (size_t i = 0; i < s->nifaces; i++) {
			const struct dce_iface *e = &s->ifaces[i];
			if (e->ctx_id != q->ctx_id)
				continue;
			char u[37], v[24];
			dce_uuid_text(e->uuid, u);
			snprintf(v, sizeof(v), "%u.%u", (unsigned)e->ver_major, (unsigned)e->ver_minor);
			json_t *io = json_object();
			json_object_set_new(io, "uuid", json_string(u));
			json_object_set_new(io, "version", json_string(v));
			if (e->result >= 0)
				json_object_set_new(io, "ack_result", json_integer(e->result));
			json_array_append_new(ifs, io);
		}
		if (json_array_size(ifs))
			json_object_set_new(o, "interfaces", ifs);
		else
			json_decref(ifs);
	} else {
		json_object_set_new(o, "request", json_string("REQUEST_LOST"));
	}
	if (response) {
		json_object_set_new(o, "response", json_string("RESPONSE"));
		json_t *res = json_object();
		json_object_set_new(res, "frag_cnt", json_integer(c->frags));
		json_object_set_new(res, "stub_data_size", json_integer(c->stub_len));
		json_object_set_new(o, "res", res);
	} else {
		json_object_set_new(o, "response", json_string("UNREPLIED"));
	}
	json_object_set_new(o, "call_id", json_integer(c->call_id));
	char rv[8];
	snprintf(rv, sizeof(rv), "5.%u", (unsigned)(q->seen ? q->vers_minor : c->vers_minor) & 1u);
	json_object_set_new(o, "rpc_version", json_string(rv));
	return o;
}
