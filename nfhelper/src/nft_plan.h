/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What snetd installs in nftables, as data: the table inet snet, its port
 * set, its chains and rules, derived from [nfqueue].  nft_ruleset.c turns
 * a plan into libnftnl objects; nft_plan_format() prints it the way
 * `nft -s list table inet snet` does, for the log, the documentation and
 * the tests that compare the two.
 */
#ifndef SNETD_NFT_PLAN_H
#define SNETD_NFT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NFT_TABLE_NAME "snet"
#define NFT_INSPECT_CHAIN "inspect"
#define NFT_PORT_SET "ports"
#define NFT_TABLE_COMMENT "snetd: NFQUEUE inspection; removed when snetd stops"
#define NFT_PLAN_MAX_RULES 64
/*
 * The largest TCP payload a segment may carry so that the whole packet
 * fits NFQUEUE's copy range (65531 bytes: 65535 less the attribute
 * header) with the longest headers (IPv6 40, TCP 60): on loopback (MTU
 * 65536) full-size segments would otherwise lose their last bytes.
 */
#define NFT_MSS_CLAMP 65431

enum nft_chain_id { NFT_CHAIN_OUTPUT, NFT_CHAIN_INPUT, NFT_CHAIN_INSPECT };

enum nft_action {
	NFT_ACT_ACCEPT,
	NFT_ACT_REJECT_TCP,	/* reject with tcp reset */
	NFT_ACT_REJECT,		/* reject (icmpx port-unreachable) */
	NFT_ACT_JUMP_INSPECT,
	NFT_ACT_QUEUE,
	NFT_ACT_NONE,		/* no verdict: on to the next rule */
};

enum nft_port_match { NFT_PORT_ANY, NFT_PORT_DPORT, NFT_PORT_SPORT };

struct nft_rule_spec {
	uint8_t chain;			/* enum nft_chain_id */
	uint32_t mark_bits;		/* meta mark & bits == bits */
	uint32_t ctmark_bits;		/* ct mark & bits == bits */
	const char *ifname;		/* oifname/iifname == this */
	uint8_t l4proto;		/* meta l4proto ==, 0: any */
	uint8_t ports;			/* enum nft_port_match: th ?port @ports */
	uint32_t set_ctmark_bits;	/* ct mark set ct mark | bits */
	uint16_t mss_clamp;		/* SYN: maxseg above this set to it */
	bool counter;
	uint8_t action;			/* enum nft_action */
	const char *comment;
};

struct nft_plan {
	bool output, input;
	uint16_t queue_first, queue_count;
	bool bypass, fanout;
	struct nfq_port_range ports[NFQ_MAX_PORTS];	/* merged, sorted */
	unsigned int n_ports;
	struct nft_rule_spec rules[NFT_PLAN_MAX_RULES];
	unsigned int n_rules;
};

/* 0, or -E2BIG (too many rules; the configuration limits prevent it). */
int nft_plan_build(const struct nfq_settings *s, struct nft_plan *p);

/* The text of `nft -s list table inet snet` for this plan (nft 1.0). */
int nft_plan_format(const struct nft_plan *p, char *buf, size_t len);

const char *nft_chain_name(unsigned int chain);

#endif /* SNETD_NFT_PLAN_H */
