// SPDX-License-Identifier: GPL-2.0-or-later
/* [nfqueue] -> the rules of table inet snet, and their nft text. */
#include "nft_plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define C_SELF "snetd's own traffic"
#define C_REJECT "reject verdict"
#define C_PASS "flow passed"
#define C_LO_OUT "loopback is inspected on output"
#define C_LO_OFF "loopback not inspected"

const char *nft_chain_name(unsigned int chain)
{
	static const char *const names[] = { "output", "input", NFT_INSPECT_CHAIN };

	return chain < 3 ? names[chain] : "?";
}

static int add(struct nft_plan *p, const struct nft_rule_spec *r)
{
	if (p->n_rules == NFT_PLAN_MAX_RULES)
		return -E2BIG;
	p->rules[p->n_rules++] = *r;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct nfq_port_range *x = a, *y = b;

	return (int)x->lo - (int)y->lo;
}

/* Sorted, with touching ranges merged: what an interval set holds. */
static void merge_ports(const struct nfq_settings *s, struct nft_plan *p)
{
	struct nfq_port_range r[NFQ_MAX_PORTS];
	unsigned int n = 0;

	memcpy(r, s->ports, s->n_ports * sizeof(r[0]));
	qsort(r, s->n_ports, sizeof(r[0]), cmp_range);
	for (unsigned int i = 0; i < s->n_ports; i++) {
		if (n && (uint32_t)p->ports[n - 1].hi + 1 >= r[i].lo) {
			if (r[i].hi > p->ports[n - 1].hi)
				p->ports[n - 1].hi = r[i].hi;
			continue;
		}
		p->ports[n++] = r[i];
	}
	p->n_ports = n;
}

/* The rules every base chain starts with: marks, then the interfaces. */
static int base_chain(const struct nfq_settings *s, struct nft_plan *p,
		      uint8_t chain)
{
	bool out = chain == NFT_CHAIN_OUTPUT;
	int rc = 0;

	if (out)
		/* snetd's sockets carry self_mark (SO_MARK); marking their
		 * conntrack entry "passed" also spares their replies. */
		rc = add(p, &(struct nft_rule_spec){ .chain = chain,
			.mark_bits = s->self_mark, .set_ctmark_bits = s->pass_ctmark,
			.action = NFT_ACT_ACCEPT, .comment = C_SELF });
	/* A reject verdict comes back as NF_REPEAT with reject_mark set. */
	rc = rc ? rc : add(p, &(struct nft_rule_spec){ .chain = chain,
		.mark_bits = s->reject_mark, .l4proto = 6,
		.action = NFT_ACT_REJECT_TCP, .comment = C_REJECT });
	rc = rc ? rc : add(p, &(struct nft_rule_spec){ .chain = chain,
		.mark_bits = s->reject_mark, .action = NFT_ACT_REJECT,
		.comment = C_REJECT });
	rc = rc ? rc : add(p, &(struct nft_rule_spec){ .chain = chain,
		.ctmark_bits = s->pass_ctmark, .action = NFT_ACT_ACCEPT,
		.comment = C_PASS });
	if (rc)
		return rc;
	/* Each loopback packet passes output, then input: one look is
	 * enough, on output where the sending socket's label is. */
	if (!s->loopback || (!out && s->output))
		rc = add(p, &(struct nft_rule_spec){ .chain = chain, .ifname = "lo",
			.action = NFT_ACT_ACCEPT,
			.comment = s->loopback ? C_LO_OUT : C_LO_OFF });
	if (rc)
		return rc;
	if (!s->n_ifaces)
		return add(p, &(struct nft_rule_spec){ .chain = chain,
			.action = NFT_ACT_JUMP_INSPECT });
	if (s->loopback && (out || !s->output))
		rc = add(p, &(struct nft_rule_spec){ .chain = chain, .ifname = "lo",
			.action = NFT_ACT_JUMP_INSPECT });
	for (unsigned int i = 0; !rc && i < s->n_ifaces; i++)
		rc = add(p, &(struct nft_rule_spec){ .chain = chain,
			.ifname = s->ifaces[i], .action = NFT_ACT_JUMP_INSPECT });
	return rc;
}

int nft_plan_build(const struct nfq_settings *s, struct nft_plan *p)
{
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->output = s->output;
	p->input = s->input;
	p->queue_first = s->queue_first;
	p->queue_count = s->queue_count;
	p->bypass = s->bypass;
	p->fanout = s->cpu_fanout && s->queue_count > 1;
	merge_ports(s, p);
	if (s->output)
		rc = base_chain(s, p, NFT_CHAIN_OUTPUT);
	if (!rc && s->input)
		rc = base_chain(s, p, NFT_CHAIN_INPUT);
	/* Segments of connections that are inspected fit the copy range:
	 * lower a larger MSS in both SYNs (each crosses output on loopback). */
	for (unsigned int i = 0; !rc && i < s->n_protocols; i++)
		if (s->protocols[i] == 6)
			rc = add(p, &(struct nft_rule_spec){ .chain = NFT_CHAIN_INSPECT,
				.l4proto = 6, .mss_clamp = NFT_MSS_CLAMP,
				.action = NFT_ACT_NONE,
				.comment = "whole segments fit the copy range" });
	for (unsigned int i = 0; !rc && i < s->n_protocols; i++) {
		uint8_t proto = s->protocols[i];
		struct nft_rule_spec r = { .chain = NFT_CHAIN_INSPECT,
			.l4proto = proto, .counter = true, .action = NFT_ACT_QUEUE };

		if (p->n_ports && (proto == 6 || proto == 17)) {
			r.ports = NFT_PORT_DPORT;
			rc = add(p, &r);
			r.ports = NFT_PORT_SPORT;
		}
		rc = rc ? rc : add(p, &r);
	}
	return rc;
}

/* --- text -------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, used;
	bool overflow;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->overflow = true;
		o->used = o->len - 1;
		return;
	}
	o->used += (size_t)n;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "ipv6-icmp";
	default: return NULL;
	}
}

static void put_queue(struct out *o, const struct nft_plan *p)
{
	const char *flags = p->bypass && p->fanout ? "bypass,fanout" :
			    p->bypass ? "bypass" : p->fanout ? "fanout" : NULL;

	put(o, " queue");
	if (flags)
		put(o, " flags %s", flags);
	if (p->queue_count > 1)
		put(o, " to %u-%u", p->queue_first,
		    p->queue_first + p->queue_count - 1);
	else
		put(o, " to %u", p->queue_first);
}

static void put_rule(struct out *o, const struct nft_plan *p,
		     const struct nft_rule_spec *r)
{
	bool first = true;

#define SEP() do { if (!first) put(o, " "); first = false; } while (0)
	put(o, "\t\t");
	if (r->mark_bits) {
		SEP();
		put(o, "meta mark & 0x%08x == 0x%08x", r->mark_bits, r->mark_bits);
	}
	if (r->ctmark_bits) {
		SEP();
		put(o, "ct mark & 0x%08x == 0x%08x", r->ctmark_bits, r->ctmark_bits);
	}
	if (r->ifname) {
		SEP();
		put(o, "%s \"%s\"", r->chain == NFT_CHAIN_INPUT ? "iifname" : "oifname",
		    r->ifname);
	}
	if (r->mss_clamp) {
		SEP();
		put(o, "tcp flags syn tcp option maxseg size > %u tcp option maxseg size set %u",
		    r->mss_clamp, r->mss_clamp);
	} else if (r->l4proto) {
		SEP();
		if (r->ports != NFT_PORT_ANY)
			put(o, "%s %s @%s", proto_name(r->l4proto),
			    r->ports == NFT_PORT_DPORT ? "dport" : "sport", NFT_PORT_SET);
		else
			put(o, "meta l4proto %s", proto_name(r->l4proto));
	}
	if (r->set_ctmark_bits) {
		SEP();
		put(o, "ct mark set ct mark | 0x%08x", r->set_ctmark_bits);
	}
	if (r->counter) {
		SEP();
		put(o, "counter");
	}
	if (r->action != NFT_ACT_NONE)
		SEP();
	switch (r->action) {
	case NFT_ACT_NONE:
		break;
	case NFT_ACT_ACCEPT:
		put(o, "accept");
		break;
	case NFT_ACT_REJECT_TCP:
		put(o, "reject with tcp reset");
		break;
	case NFT_ACT_REJECT:
		put(o, "reject");
		break;
	case NFT_ACT_JUMP_INSPECT:
		put(o, "jump %s", NFT_INSPECT_CHAIN);
		break;
	case NFT_ACT_QUEUE:
		o->used--;	/* put_queue() brings its own space */
		put_queue(o, p);
		break;
	}
	if (r->comment)
		put(o, " comment \"%s\"", r->comment);
	put(o, "\n");
#undef SEP
}

static void put_chain(struct out *o, const struct nft_plan *p, uint8_t chain,
		      bool *blank)
{
	if (*blank)
		put(o, "\n");
	*blank = true;
	put(o, "\tchain %s {\n", nft_chain_name(chain));
	if (chain != NFT_CHAIN_INSPECT)
		put(o, "\t\ttype filter hook %s priority filter; policy accept;\n",
		    nft_chain_name(chain));
	for (unsigned int i = 0; i < p->n_rules; i++)
		if (p->rules[i].chain == chain)
			put_rule(o, p, &p->rules[i]);
	put(o, "\t}\n");
}

int nft_plan_format(const struct nft_plan *p, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	bool blank = false;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	put(&o, "table inet %s {\n", NFT_TABLE_NAME);
	put(&o, "\tcomment \"%s\"\n", NFT_TABLE_COMMENT);
	if (p->n_ports) {
		put(&o, "\tset %s {\n\t\ttype inet_service\n\t\tflags interval\n"
		    "\t\telements = { ", NFT_PORT_SET);
		for (unsigned int i = 0; i < p->n_ports; i++) {
			put(&o, "%s%u", i ? ", " : "", p->ports[i].lo);
			if (p->ports[i].hi != p->ports[i].lo)
				put(&o, "-%u", p->ports[i].hi);
		}
		put(&o, " }\n\t}\n");
		blank = true;
	}
	put_chain(&o, p, NFT_CHAIN_INSPECT, &blank);
	if (p->output)
		put_chain(&o, p, NFT_CHAIN_OUTPUT, &blank);
	if (p->input)
		put_chain(&o, p, NFT_CHAIN_INPUT, &blank);
	put(&o, "}\n");
	return o.overflow ? -ENOSPC : 0;
}
