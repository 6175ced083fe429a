/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal types shared by the inspector's modules. */
#ifndef SNET_INSPECT_INTERNAL_H
#define SNET_INSPECT_INTERNAL_H

#include "asn1.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <netinet/in.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <hs/hs.h>
#include <sys/types.h>

#include "snet/inspect.h"

/* ---- small utilities (util.c) ---- */
struct strbuf {
	char *s;
	size_t len, cap;
};
int strbuf_append(struct strbuf *b, const void *data, size_t n);
/* bytes strbuf_append(b, .., extra) would allocate (0: it fits) */
size_t strbuf_growth(const struct strbuf *b, size_t extra);
int strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_free(struct strbuf *b);
/* mkdir -p: every missing folder of path; 0 or -errno */
int mkdir_parents(const char *path, mode_t mode);
char *xstrndup(const char *s, size_t n);
/* the value of hex digit c (either case), or -1 */
int hex_digit(int c);
/* the MD5 of [p, p+n) in lowercase hex (JA3, HASSH); -EIO */
int md5_hex(const void *p, size_t n, char out[33]);
/* a base64 character's value (RFC 4648 alphabet), or -1 */
int base64_value(int c);
/* the keyword parsers of flowkw.c, tlskw.c, dcekw.c: the index of name in
 * names[n], or -1 when it is not one of theirs */
int kw_index(const char *name, const char *const *names, size_t n);
/* a value's leading "!" (blanks around it skipped): true if there, *v past it */
bool kw_negated(const char **v);
/* a keyword's value copied into buf (the parsers cut it in place); a clear
 * error when it is missing or longer than buf */
int kw_value_copy(const char *name, const char *v, char *buf, size_t len, char *err,
		  size_t errlen);
/* network byte order readers of the packet and protocol parsers */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline size_t rd24(const uint8_t *p)
{
	return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const uint8_t *memmem_nocase(const uint8_t *hay, size_t hlen,
			     const uint8_t *needle, size_t nlen);
/* the byte of a needle to look for first: the rarest in HTTP-like text */
uint16_t needle_anchor(const uint8_t *needle, size_t nlen, bool nocase);
/* memmem (nocase: memmem_nocase) looking for needle[anchor] first */
const uint8_t *memmem_anchor(const uint8_t *hay, size_t hlen, const uint8_t *needle,
			     size_t nlen, size_t anchor, bool nocase);
char *trim(char *s);
/* "16mb", "512k", "1g" or bytes (config.c) */
int config_parse_size(const char *s, uint64_t *out);
/*
 * Suricata 7's unsigned integer keyword forms (util.c): N, =N, !N, !=N,
 * <N, <=N, >N, >=N, N-M and N<>M (exclusive), !N-M (outside it); numbers
 * decimal or 0x hexadecimal, up to max.  0, or -1 when v is not one.
 */
struct uint_cmp {
	char op;		/* = ! < > l(<=) g(>=) R(a<v<b) N(v<=a or v>=b) */
	uint64_t a, b;
};
int uint_cmp_parse(const char *v, uint64_t max, struct uint_cmp *c);
/* v against an op of the forms above (numcmp's too) */
static inline bool uint_op_match(char op, uint64_t a, uint64_t b, uint64_t v)
{
	switch (op) {
	case '=': return v == a;
	case '!': return v != a;
	case '<': return v < a;
	case '>': return v > a;
	case 'l': return v <= a;
	case 'g': return v >= a;
	case 'R': return v > a && v < b;
	case 'N': return v <= a || v >= b;
	}
	return false;
}

static inline bool uint_cmp_match(const struct uint_cmp *c, uint64_t v)
{
	return uint_op_match(c->op, c->a, c->b, v);
}

/* ---- configuration (config.c) ---- */
struct var {
	char *name, *value;
};
struct snet_inspect_config {
	struct var *vars;
	size_t nvars;
	char *classification_file;
	char *cache_dir;
	char *threshold_file;
	uint64_t reassembly_depth;	/* bytes per direction */
	uint64_t flow_memcap;		/* bytes per worker */
	uint64_t flow_max;		/* flows per worker */
	uint64_t http_body_limit;
	uint32_t tcp_timeout, tcp_closed_timeout, udp_timeout;
	uint32_t cache_keep;		/* database files kept in cache_dir */
	uint64_t defrag_memcap;		/* fragment bytes held, per worker */
	uint32_t defrag_timeout;	/* seconds from a datagram's first fragment */
	bool midstream;
};
const char *config_var(const struct snet_inspect_config *cfg, const char *name);

/* ---- addresses and ports (addr.c) ---- */
struct ip_addr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* v4 in the first 4 bytes */
};
enum anode_kind { AN_ANY, AN_RANGE, AN_LIST };
struct addr_node {
	enum anode_kind kind;
	bool negated;
	/* AN_RANGE: inclusive range of one family */
	struct ip_addr lo, hi;
	struct addr_node **items;
	size_t nitems;
};
struct port_node {
	enum anode_kind kind;
	bool negated;
	uint16_t lo, hi;
	struct port_node **items;
	size_t nitems;
};
int addr_parse(const struct snet_inspect_config *cfg, const char *s,
	       struct addr_node **out, char *err, size_t errlen);
int port_parse(const struct snet_inspect_config *cfg, const char *s,
	       struct port_node **out, char *err, size_t errlen);
bool addr_match(const struct addr_node *n, const struct ip_addr *ip);
bool port_match(const struct port_node *n, uint16_t port);
void addr_free(struct addr_node *n);
/*
 * Whether n can match an address inside the set h (bit 0) and one outside
 * it (bit 1): a bit is cleared only when no such address matches.  h is a
 * union of ranges (HOME_NET); for any other h both bits are set.
 */
unsigned addr_home_reach(const struct addr_node *n, const struct addr_node *h);
void port_free(struct port_node *n);

/* the distinct header expressions of a rule set, parsed once and numbered */
#define HDR_NO_ID UINT32_MAX
struct hdr_entry {
	char *text;
	bool port;
	void *node;
	uint32_t id;		/* among addresses, or among ports */
};
struct hdr_table {
	struct hdr_entry *v;
	size_t n, cap;
	uint32_t *slots;	/* hash of text -> index in v */
	size_t nslots;
	uint32_t naddr, nport;
};
/* the table owns the node; *id numbers it for per-packet memos */
int hdr_intern_addr(struct hdr_table *t, const struct snet_inspect_config *cfg, const char *s,
		    struct addr_node **out, uint32_t *id, char *err, size_t errlen);
int hdr_intern_port(struct hdr_table *t, const struct snet_inspect_config *cfg, const char *s,
		    struct port_node **out, uint32_t *id, char *err, size_t errlen);
void hdr_table_free(struct hdr_table *t);

/* ---- classification.config (classification.c) ---- */
struct classtype {
	char *name, *desc;
	int priority;
};
struct class_table {
	struct classtype *v;
	size_t n;
};
int class_table_load(struct class_table *t, const char *path, char *err,
		     size_t errlen);
const struct classtype *class_table_find(const struct class_table *t,
					 const char *name);
void class_table_free(struct class_table *t);

/* ---- buffers a rule can inspect ---- */
enum buf_id {
	BUF_PAYLOAD,		/* the packet's L4 payload */
	BUF_STREAM,		/* reassembled TCP stream window */
	BUF_HTTP_METHOD,
	BUF_HTTP_URI,
	BUF_HTTP_RAW_URI,
	BUF_HTTP_PROTOCOL,
	BUF_HTTP_REQUEST_LINE,
	BUF_HTTP_HOST,
	BUF_HTTP_RAW_HOST,
	BUF_HTTP_UA,
	BUF_HTTP_COOKIE,
	BUF_HTTP_REFERER,
	BUF_HTTP_ACCEPT,
	BUF_HTTP_ACCEPT_ENC,
	BUF_HTTP_ACCEPT_LANG,
	BUF_HTTP_CONNECTION,
	BUF_HTTP_CONTENT_TYPE,	/* side of the rule */
	BUF_HTTP_CONTENT_LEN,	/* side of the rule */
	BUF_HTTP_HEADER,	/* side of the rule */
	BUF_HTTP_RAW_HEADER,	/* side of the rule */
	BUF_HTTP_HEADER_NAMES,	/* side of the rule */
	BUF_HTTP_START,		/* side of the rule */
	BUF_HTTP_CLIENT_BODY,
	BUF_HTTP_REQUEST_HEADER,	/* multi: each "Name: value" of the request */
	BUF_HTTP_STAT_CODE,
	BUF_HTTP_STAT_MSG,
	BUF_HTTP_RESPONSE_LINE,
	BUF_HTTP_SERVER,	/* the response's Server header */
	BUF_HTTP_LOCATION,	/* the response's Location header */
	BUF_HTTP_RESPONSE_HEADER,	/* multi: each "Name: value" of the response */
	BUF_HTTP_SERVER_BODY,	/* file_data to_client */
	BUF_DNS_QUERY,
	BUF_TLS_SNI,
	BUF_TLS_CERT_SUBJECT,	/* the server's certificate */
	BUF_TLS_CERT_ISSUER,
	BUF_TLS_CERT_SERIAL,
	BUF_TLS_CERT_FINGERPRINT,	/* "aa:bb:...", SHA-1 of the DER */
	BUF_TLS_SAN,		/* multi: each subjectAltName */
	BUF_TLS_CERTS,		/* multi: each certificate of the chain, DER */
	BUF_TLS_JA3_HASH,	/* the ClientHello's */
	BUF_TLS_JA3_STRING,
	BUF_TLS_JA3S_HASH,	/* the ServerHello's */
	BUF_TLS_JA3S_STRING,
	BUF_TLS_JA4_HASH,	/* the ClientHello's, if a rule reads it */
	BUF_SSH_PROTO,		/* side of the rule: the banner of that side */
	BUF_SSH_SOFTWARE,
	BUF_DCE_STUB_DATA,	/* side of the rule: the request's or the response's stub */
	BUF_SMTP_FILE_DATA,	/* multi: file_data of an smtp rule, each attachment of a message */
	BUF_IPV4_HDR,		/* the packet's headers: IPv4 with options, */
	BUF_IPV6_HDR,		/* IPv6 with extension headers, */
	BUF_TCP_HDR,		/* TCP with options, */
	BUF_UDP_HDR,		/* UDP, */
	BUF_ICMPV4_HDR,		/* ICMPv4 (timestamps and router addresses included), */
	BUF_ICMPV6_HDR,		/* ICMPv6's first 8 bytes */
	BUF_SSH_HASSH,		/* the client's KEXINIT: HASSH, lowercase hex */
	BUF_SSH_HASSH_STRING,	/* "kex;enc;mac;comp" of it */
	BUF_SSH_HASSH_SERVER,	/* the server's */
	BUF_SSH_HASSH_SERVER_STRING,
	BUF__COUNT
};
const char *buf_name(enum buf_id b);
bool buf_is_http(enum buf_id b);
/*
 * A rule's lists: one per buffer, then base64_data's, which no buffer
 * feeds: base64_decode matches it against what it decoded.
 */
#define LIST_BASE64_DATA BUF__COUNT
#define HASSH_BUFS (1ull << BUF_SSH_HASSH | 1ull << BUF_SSH_HASSH_STRING | \
		    1ull << BUF_SSH_HASSH_SERVER | 1ull << BUF_SSH_HASSH_SERVER_STRING)
/* the header buffers: of the packet, not of a stream or a message */
#define PKT_HDR_BUFS (1ull << BUF_IPV4_HDR | 1ull << BUF_IPV6_HDR | 1ull << BUF_TCP_HDR | \
		      1ull << BUF_UDP_HDR | 1ull << BUF_ICMPV4_HDR | 1ull << BUF_ICMPV6_HDR)
/* a packet's or its stream's buffers: no application message's */
#define PACKET_BUFS (1ull << BUF_PAYLOAD | 1ull << BUF_STREAM | PKT_HDR_BUFS)
#define RULE_LISTS (BUF__COUNT + 1)

/* ---- match elements (rule_parser.c builds, match.c runs) ---- */
enum sm_type { SM_CONTENT, SM_PCRE, SM_BYTE_TEST, SM_BYTE_JUMP, SM_ISDATAAT,
	       SM_BYTE_EXTRACT, SM_ASN1, SM_BSIZE, SM_BYTE_MATH, SM_BASE64_DECODE, SM_DATASET };

/* byte_extract variables of a rule: a value set while a list is matched */
#define SM_MAX_VARS 8

#define SMF_RELATIVE	 0x0001	/* positions from the previous match */
#define SMF_NEGATED	 0x0002
#define SMF_NOCASE	 0x0004
#define SMF_STARTSWITH	 0x0008
#define SMF_ENDSWITH	 0x0010
#define SMF_HAS_OFFSET	 0x0020
#define SMF_HAS_DEPTH	 0x0040
#define SMF_HAS_DISTANCE 0x0080
#define SMF_HAS_WITHIN	 0x0100
#define SMF_FAST_PATTERN 0x0200
#define SMF_FP_ONLY	 0x0400
#define SMF_REST_DEP	 0x0800	/* a later element is relative to this one's end (match.c) */
#define SMF_VARS	 0x1000	/* a position or value is a byte_extract variable */

#define BF_LITTLE	0x01
#define BF_STRING	0x02
#define BF_BASE_HEX	0x04
#define BF_BASE_OCT	0x08
#define BF_FROM_BEGIN	0x10
#define BF_ALIGN	0x20
#define BF_NEGATE_OP	0x40
#define BF_HAS_BITMASK	0x80
#define BF_FROM_END	0x100
#define BF_DCE		0x200	/* the byte order of the DCERPC stub (match_env) */

/* numeric comparisons: dsize, urilen, itype, icode, bsize */
struct numcmp {
	bool set;
	char op;		/* '=', '<', '>', 'l' (<=), 'g' (>=), '!', 'R' (lo<>hi, exclusive) */
	uint32_t a, b;
};

struct smlist;
struct sm {
	enum sm_type type;
	uint32_t flags;
	union {
		struct {
			uint8_t *bytes;
			uint32_t len;
			int32_t offset, depth, distance, within;
			uint16_t fp_chop_off, fp_chop_len;
			bool has_chop;
			uint16_t anchor;	/* needle_anchor() */
			/* raw-stream rules: its slot in the search memo
			 * of match.c, or -1 */
			int8_t memo;
			/* with SMF_VARS: variable + 1 for offset, depth,
			 * distance, within; 0: the number above */
			uint8_t var[4];
		} content;
		struct {
			pcre2_code *code;
			char *src;	/* as written, for messages */
			/* PCRE_JIT_*: compiled on first use (pcre_ready()),
			 * the only thing of a loaded rule that changes */
			_Atomic uint8_t jit;
			/* raw-stream rules: its slot (0, 1) in the
			 * partial-match memo of match.c, or -1 */
			int8_t memo;
		} pcre;
		struct {
			uint8_t nbytes;
			char op;	/* < > = & ^ l(<=) g(>=) */
			uint32_t bflags;
			uint64_t value, bitmask;
			int32_t offset;
			uint8_t var_value, var_offset;	/* variable + 1, or 0 */
		} btest;
		struct {
			uint8_t nbytes;
			uint32_t bflags;
			int32_t offset, post_offset;
			uint32_t multiplier;
			uint64_t bitmask;
			/* variable + 1, or 0: nbytes and offset may be
			 * byte_extract variables (Suricata 7) */
			uint8_t var_nbytes, var_offset;
		} bjump;
		struct {
			int32_t offset;
			uint8_t var_offset;	/* variable + 1, or 0 */
		} isdataat;
		struct {
			uint8_t nbytes, var, align;
			uint32_t bflags;
			int32_t offset;
			uint32_t multiplier;
			uint64_t bitmask;
		} bextract;
		struct asn1_opts asn1;
		struct numcmp bsize;	/* the (transformed) buffer's length */
		struct {
			uint8_t nbytes, var;	/* var: the result's index */
			uint8_t var_rvalue;	/* variable + 1, or 0: rvalue */
			char oper;		/* + - * / < (<<) > (>>) */
			uint32_t bflags, rvalue;
			int32_t offset;
			uint64_t bitmask;
		} bmath;
		struct {
			uint32_t bytes;		/* of base64 text, at most B64_DECODE_MAX */
			uint32_t offset;
			/* the rule's base64_data list (LIST_BASE64_DATA) */
			const struct smlist *data;
		} b64;
		struct {
			struct dataset *set;	/* the rule set's (datasets.c) */
			uint8_t cmd;		/* DS_SET... */
			uint16_t rep;		/* datarep's value */
		} dataset;
	} u;
};

/* base64_decode's largest input, as Suricata's */
#define B64_DECODE_MAX 65535
/*
 * Decodes base64 as Suricata's base64_decode does (RFC 4648 alphabet, up
 * to the first byte outside it, '=' counting as padding within its group,
 * a last incomplete group decoded as if padded).  out has room for
 * n / 4 * 3 + 3 bytes.  *at_mark (if not NULL): how many of the decoded
 * bytes come wholly from in[0, mark).  Returns the decoded length.
 */
size_t base64_decode_rfc4648(const uint8_t *in, size_t n, uint8_t *out, size_t mark,
			     size_t *at_mark);

/*
 * Transforms (xform.c): what a sticky buffer's keywords inspect is the
 * buffer after these, in order, as Suricata 7 computes it.
 */
enum xform { XF_NONE, XF_DOTPREFIX, XF_STRIP_WHITESPACE, XF_COMPRESS_WHITESPACE,
	     XF_TO_LOWERCASE, XF_TO_UPPERCASE, XF_TO_MD5, XF_TO_SHA1, XF_TO_SHA256,
	     XF_URL_DECODE, XF_XOR, XF_PCREXFORM };
#define XF_MAX 8
struct xform_chain {
	uint8_t n;
	uint8_t v[XF_MAX];	/* enum xform */
	uint8_t *xor_key;	/* XF_XOR's (one in a chain), owned */
	uint8_t xor_len;
	pcre2_code *re;		/* XF_PCREXFORM's (one in a chain), owned */
	char *re_src;		/* as written */
};
void xform_chain_free(struct xform_chain *c);
/* the transform of a keyword name, or XF_NONE */
enum xform xform_lookup(const char *name);
bool xform_equal(const struct xform_chain *a, const struct xform_chain *b);
/* why content can never match after the chain (Suricata's check), or NULL */
const char *xform_content_problem(const struct xform_chain *c, const uint8_t *b, size_t n,
				  bool nocase);
/*
 * A literal the untransformed buffer must hold wherever the literal
 * [b, b+n) of a content occurs in the transformed one: the prefilter's
 * pattern.  false if the chain allows none (a hash, whitespace or
 * decoding changes the bytes themselves).
 */
bool xform_prefilter(const struct xform_chain *c, const uint8_t **b, size_t *n, bool *nocase);

struct smlist {
	struct sm *v;
	size_t n;
	int32_t last_anchor;	/* index of the last positive content/pcre; -1: none, or
				 * the list ends with base64_decode */
	bool only_contents;	/* positive contents, and no pcre or base64_decode to end a match */
	int8_t ncmemo;		/* contents with a memo slot (raw stream) */
	int8_t npmemo;		/* pcres with a memo slot */
	uint8_t xf;		/* its transforms: the rule's xfs[xf - 1]; 0: none */
};
/* a pcre's machine code: not made yet; made (or refused: PCRE2 interprets) */
enum { PCRE_JIT_PENDING, PCRE_JIT_READY };
/*
 * Datasets (datasets.c): named sets of strings, MD5s or SHA-256s, shared
 * by the workers of the rule set that named them.
 */
enum { DS_STRING, DS_MD5, DS_SHA256, DS__COUNT };
/* dataset's commands, then datarep's comparisons of a value's reputation */
enum { DS_SET, DS_UNSET, DS_ISSET, DS_ISNOTSET, DS_REP_GT, DS_REP_LT, DS_REP_EQ };
struct dataset;
struct dataset_table {
	struct dataset **v;
	size_t n;
};
struct dataset_spec {
	const char *name;
	int type;		/* DS_*, or -1: the set's, which must exist */
	const char *load;	/* a file to read, or NULL */
	uint64_t memcap;	/* 0: 16 MiB */
	uint32_t hashsize;	/* initial slots; 0: 2048 */
};
/* the set name, made (and read from its file) if new; -errno with err */
int dataset_table_get(struct dataset_table *t, const struct dataset_spec *sp,
		      struct dataset **out, char *err, size_t errlen);
void dataset_table_free(struct dataset_table *t);
int dataset_type_parse(const char *s);
const char *dataset_type_name(uint8_t type);
/* the command on b: isset/isnotset as named; set: it was added; unset:
 * removed; DS_REP_*: b is there and its reputation compares so to rep */
bool dataset_op(struct dataset *ds, uint8_t cmd, uint16_t rep, const uint8_t *b, size_t n);
size_t dataset_count(struct dataset *ds);
/* a new empty set, and its file's text into it (for the fuzzer too) */
struct dataset *dataset_new(const char *name, uint8_t type, uint64_t memcap, uint32_t hashsize);
int dataset_load_text(struct dataset *ds, const char *text, size_t len, const char *file,
		      char *err, size_t errlen);
void dataset_free(struct dataset *ds);

/* set last_anchor once the list is complete (match.c) */
void smlist_prepare(struct smlist *l);
/* absolute pcres of a raw-stream rule with a partial-match memo (match.c) */
#define PCRE_MEMOS 2
/* contents of a raw-stream rule with a search memo (match.c): absolute
 * ones first, then relative */
#define CONTENT_MEMOS 2
/* the memo words of a raw-stream rule: one per pcre, two per content */
#define STREAM_MEMOS (PCRE_MEMOS + 2 * CONTENT_MEMOS)
/* give them their memo slots and the JIT code for partial matching */
void smlist_prepare_memos(struct smlist *l);

static inline bool numcmp_match(const struct numcmp *c, uint32_t v)
{
	return !c->set || uint_op_match(c->op, c->a, c->b, v);
}

/*
 * IP, TCP and ICMP header keywords (header.c): checked on the packet that
 * is inspected, as Suricata does; a packet without that header (IPv6 for
 * id, fragbits and ipopts; not TCP for seq, ack and window; no ICMP echo,
 * timestamp, information or address mask message for icmp_id and
 * icmp_seq) does not match.
 */
#define FRAG_RF 0x04
#define FRAG_DF 0x02
#define FRAG_MF 0x01
#define IPOPT_ANY 0x100		/* ipopts:any; else the option type */
struct hdr_checks {
	struct numcmp ttl;	/* IPv4 TTL, IPv6 hop limit */
	/* the comparisons of ip_proto ('<', '>', '!'), all to hold:
	 * ip_proto:!1; ip_proto:!6; ... is common */
	struct numcmp ip_proto[8];
	uint8_t n_ip_proto;
	bool has_id, has_seq, has_ack, has_window, has_icmp_id, has_icmp_seq;
	bool window_neg, sameip;
	uint16_t id, window, icmp_id, icmp_seq;
	uint32_t seq, ack;
	uint8_t fragbits;	/* FRAG_*; 0: no fragbits */
	char frag_mod;		/* 0, '+', '*', '!' */
	uint16_t ipopt;		/* 0: no ipopts; else type + 1, or IPOPT_ANY */
	/* IPv4: the 13-bit field (8-byte units); IPv6: a fragment header's
	 * offset in bytes, no header no match (Suricata's units) */
	struct numcmp fragoff;
	struct numcmp mss;	/* tcp.mss: the TCP MSS option's value; none, no match */
};
struct packet;
bool hdr_match(const struct hdr_checks *h, const struct packet *p);

enum flowbit_op { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET };
/*
 * flowint (flowint.c): per-flow integers.  Conditions are checked with the
 * rule; =, + and - are applied once it matched (Suricata's post-match).
 */
enum flowint_op { FI_SET, FI_ADD, FI_SUB, FI_EQ, FI_NE, FI_LT, FI_LE, FI_GT, FI_GE,
		  FI_ISSET, FI_NOTSET };
struct flowint {
	uint8_t op;		/* enum flowint_op */
	bool target_var;	/* the value is flowint target's */
	uint32_t idx;		/* the variable's index in the rule set */
	uint32_t target;	/* the value, or the other variable's index */
};
/* a flow's values: val[i] valid when set bit i */
struct flowint_vals {
	uint32_t *val;
	uint8_t *set;
};
/* bytes a flow keeps for n variables (inline: every flow's memory count) */
static inline size_t flowint_size(size_t n)
{
	return n * sizeof(uint32_t) + (n + 7) / 8;
}
/* point v into mem (flowint_size(n) zeroed bytes) */
void flowint_init(struct flowint_vals *v, void *mem, size_t n);
/* do the conditions of ops[n] hold?  (no values: a flow with none set) */
bool flowint_test(const struct flowint *ops, size_t n, const struct flowint_vals *v);
/* apply the modifications of ops[n] */
void flowint_apply(const struct flowint *ops, size_t n, struct flowint_vals *v);

struct flowbit {
	enum flowbit_op op;
	uint32_t idx[8];	/* '|' alternatives for isset */
	uint8_t nidx;
};

/*
 * Keywords that test the flow rather than the packet's bytes (flowkw.c):
 * app-layer-protocol, stream_size, ssl_version, ssl_state, ftpbounce.
 */
#define ALP_FAILED 0xff		/* app-layer-protocol:failed */
enum { SS_CLIENT = 1, SS_SERVER, SS_BOTH, SS_EITHER };
struct stream_size_cmp {
	uint8_t side;		/* SS_* */
	char op;		/* < > = ! l(<=) g(>=) */
	uint32_t v;
};
#define SSLV_3		0x01
#define SSLV_TLS10	0x02
#define SSLV_TLS11	0x04
#define SSLV_TLS12	0x08
#define SSLV_TLS13	0x10
struct flow_checks {
	bool alp_neg;
	uint8_t alp;		/* enum app_proto, or ALP_FAILED; APP_NONE: no keyword */
	struct stream_size_cmp ss[4];
	uint8_t nss;
	uint8_t ssl_versions;	/* SSLV_* */
	bool ssl_version_neg;
	uint8_t ssl_state_flags, ssl_state_mask;	/* TLS_ST_* (app.h); 0: no keyword */
	bool ftpbounce;
	uint16_t tls_version;	/* tls.version; 0: no keyword */
	bool tls_version_raw;	/* given in hex: drafts are not 1.3 */
	/* flow.age, flow.pkts*, flow.bytes*: the flow's counters, checked
	 * on each packet (Suricata's "requires packet") */
	struct flow_count_cmp {
		uint8_t what;	/* FCNT_* */
		uint8_t dirs;	/* DIR_TO_SERVER, DIR_TO_CLIENT or both: either */
		struct uint_cmp c;
	} cnt[4];
	uint8_t ncnt;
};
enum { FCNT_AGE, FCNT_PKTS, FCNT_BYTES };
struct rule;
/* 0, -ENOENT if name is not one of these keywords, or -errno with err set */
int flowkw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen);

/*
 * Keywords on the values of the server's certificate (tlskw.c):
 * tls.cert_chain_len, tls_cert_notbefore, tls_cert_notafter,
 * tls_cert_expired, tls_cert_valid, tls.subject, tls.issuerdn,
 * tls.fingerprint.  A rule with any is decided on the
 * certificate, as its buffers.
 */
struct date_cmp {
	char op;		/* = < (<=) > (>=) R (a<=v<=b); 0: none */
	int64_t a, b;
};
/* tls.subject, tls.issuerdn, tls.fingerprint (Suricata's legacy value
 * keywords): value is a case-sensitive substring of the certificate's */
enum tls_str_field { TLS_STR_SUBJECT, TLS_STR_ISSUER, TLS_STR_FINGERPRINT };
struct tls_str_check {
	enum tls_str_field field;
	bool negated;		/* the value must be absent */
	char *value;
};
struct tls_checks {
	struct tls_str_check *strs;	/* each must hold: a rule may repeat them */
	size_t nstrs;
	bool chain_len_set;
	struct uint_cmp chain_len;
	struct date_cmp notbefore, notafter;
	bool expired, valid;
	const char *first;	/* the first of these keywords, for messages */
};
struct tls_server;
int tlskw_parse(struct rule *r, const char *name, const char *v, char *err, size_t errlen);
/* the checks hold for this certificate at packet time now (seconds) */
bool tlskw_match(const struct tls_checks *tc, const struct tls_server *s, int64_t now);
void tlskw_free(struct tls_checks *tc);

/* xbits (xbits.c): bits on hosts or address pairs, shared by the workers */
enum { XB_TRACK_SRC = 1, XB_TRACK_DST, XB_TRACK_PAIR };
struct xbit_op {
	uint8_t op;		/* enum flowbit_op */
	uint8_t track;		/* XB_TRACK_* */
	uint32_t expire;	/* seconds, for set and toggle */
	uint64_t name;		/* xbits_name_key() */
};
struct xb_entry;
struct xbits_table {
	pthread_mutex_t lock;	/* guards everything below */
	struct xb_entry *v;	/* open addressing, cap slots (a power of 2) */
	size_t cap, n;
};
uint64_t xbits_name_key(const char *name);
void xbits_table_init(struct xbits_table *t);
void xbits_table_free(struct xbits_table *t);
struct packet;
/* isset / isnotset of op on this packet's addresses at time now (seconds) */
bool xbits_test(struct xbits_table *t, const struct xbit_op *op, const struct packet *p,
		uint64_t now);
/* set, unset, toggle; -ENOSPC if the table is full */
int xbits_apply(struct xbits_table *t, const struct xbit_op *op, const struct packet *p,
		uint64_t now);

enum { TAG_PACKETS = 1, TAG_SECONDS, TAG_BYTES };

enum threshold_type { TH_NONE, TH_LIMIT, TH_THRESHOLD, TH_BOTH, TH_DETECTION };
/* what a threshold counts by: an address, the rule alone, an address pair */
enum threshold_track { TRACK_SRC, TRACK_DST, TRACK_RULE, TRACK_BOTH };
struct threshold {
	enum threshold_type type;
	enum threshold_track track;
	uint32_t count, seconds;
};
/* threshold.config's rate_filter: past count matches in seconds, the rule
 * acts as new_action ('a', 'd', 'r', 'p'; 0: none) for timeout seconds */
struct rate_filter {
	char new_action;
	enum threshold_track track;
	uint32_t count, seconds, timeout;
};

/* threshold.config's "suppress ..., track T, ip A" on a rule */
enum { SUP_SRC = 1, SUP_DST, SUP_EITHER };
struct suppress {
	uint8_t track;			/* SUP_* */
	const struct addr_node *ip;	/* owned by the rule set (sup_addrs) */
};

enum rule_proto { RP_IP, RP_TCP, RP_UDP, RP_ICMP, RP_HTTP, RP_DNS, RP_TLS };
enum app_proto { APP_NONE = 0, APP_HTTP, APP_DNS, APP_TLS, APP_UNKNOWN,
		 APP_FTP, APP_SMTP, APP_SSH, APP_SMB, APP_DCERPC };
const char *app_proto_name(enum app_proto a);	/* EVE's app_proto, or NULL */

#define DIR_TO_SERVER 1
#define DIR_TO_CLIENT 2

/* the phase of a flow side when a rule can be decided */
enum phase {
	PH_PACKET,		/* per packet: payload rules */
	PH_STREAM,		/* new stream data */
	PH_REQ_HEADERS,
	PH_REQ_BODY,
	PH_RESP_HEADERS,
	PH_RESP_BODY,
	PH_DNS_QUERY,
	PH_TLS_HELLO,
	PH_TLS_CERT,
	PH_TLS_SERVER_HELLO,	/* rules on the ServerHello alone (ja3s) */
	PH_SSH_BANNER,		/* a side's SSH identification line */
	PH_DCE_REQUEST,		/* a DCERPC request's first PDU */
	PH_DCE_REQ_STUB,	/* a DCERPC request over: its stub data gathered */
	PH_DCE_RESPONSE,	/* a DCERPC response over */
	PH_SMTP_MESSAGE,	/* an SMTP message over: its attachments */
	PH_SSH_KEXINIT,		/* a side's SSH KEXINIT: its HASSH */
	PH__COUNT
};

/* a bound on stream offsets that is not known */
#define STREAM_UNBOUNDED UINT64_MAX

struct dce_checks;

#define FLOW_ESTABLISHED 0x01
#define FLOW_STATELESS	 0x02
#define FLOW_NOT_ESTABLISHED 0x04
#define FLOW_ONLY_FRAG	 0x08	/* the packet is a datagram defrag.c rebuilt */
#define FLOW_NO_FRAG	 0x10	/* it is not */

struct rule {
	uint32_t idx;		/* position in the sorted rule array */
	uint32_t sid, gid, rev;
	char action;		/* 'a','d','r','p' */
	enum rule_proto proto;
	struct addr_node *src, *dst;
	struct port_node *sport, *dport;
	/* ids in the rule set's hdr_table, or HDR_NO_ID (nodes owned here) */
	uint32_t src_id, dst_id, sport_id, dport_id;
	bool bidir;
	char *msg;
	const struct classtype *ct;
	int priority;
	char *metadata;		/* the metadata options' values, joined by ','; or NULL */
	/* its EVE object, compact: made on the rule's first alert (most
	 * rules never alert), then kept (rule_metadata_json()) */
	_Atomic(char *) metadata_json;
	uint8_t flow_dirs;	/* DIR_* from flow:, 0 = none given */
	uint8_t flow_state;	/* FLOW_* */
	bool only_stream, no_stream;
	bool noalert;
	uint8_t target;		/* 0, or which side is attacked: 1 src_ip, 2 dest_ip */
	uint8_t app_req;	/* ftp, smtp, ssh, smb, dcerpc rules: that app_proto, else 0 */
	struct flowbit *fbits;
	size_t nfbits;
	struct xbit_op *xbits;
	size_t nxbits;
	struct flowint *fints;
	size_t nfints;
	/* tag:session: log the flow's next packets (TAG_* metric, 0: none) */
	uint8_t tag_metric;
	uint32_t tag_count;
	struct numcmp dsize, urilen, itype, icode;
	struct numcmp dns_opcode;	/* of the request (dns.c parses no response) */
	bool urilen_raw;
	int ip_proto;		/* -1 = any */
	bool has_tcp_flags;
	uint8_t tflags_set, tflags_mask;
	char tflags_mod;	/* 0, '+', '*', '!' */
	bool has_hdr;		/* any of hdr's checks */
	struct hdr_checks hdr;
	struct flow_checks *fc;	/* NULL: none of these keywords */
	struct tls_checks *tc;	/* NULL: no certificate value keyword */
	struct threshold th;
	struct rate_filter rf;
	struct suppress *sup;	/* threshold.config suppressions by address */
	size_t nsup;
	/* the non-empty lists only, in list order (rule_list()): most rules
	 * use two or three of the RULE_LISTS */
	struct smlist *lists;
	struct xform_chain *xfs;	/* the lists' transforms (smlist_xf) */
	uint8_t nxfs;
	uint64_t bufmask;	/* the buffers read: their lists come first */
	bool b64data;		/* then base64_data's list (LIST_BASE64_DATA) */
	/* direction(s) and phase it is inspected in */
	uint8_t dirs;
	enum phase phase_ts, phase_tc;
	/* fast pattern */
	int fp_buf;		/* -1: no literal, see fp_regex */
	const struct sm *fp;
	char *fp_regex;		/* prefilter regex when no content, or fp_alt */
	unsigned fp_regex_flags;
	/* a literal too short to filter (fp_regex is used instead): the
	 * prefilter falls back to it if Hyperscan refuses the regex */
	const struct sm *fp_alt;
	bool has_prefilter;
	/* raw-stream rules (stream.c): no match ends past st_max_end (from
	 * the stream start); none containing a fast pattern hit ends more
	 * than st_reach after it */
	uint64_t st_max_end, st_reach;
	char *file;
	unsigned line;
	int fb_rank;		/* 0 set-only, 1 set+check, 2 check-only/none */
	struct dce_checks *dce;	/* dce_iface, dce_opnum (dcekw.c); NULL: none */
};

void rule_free(struct rule *r);
/* r's metadata as a compact JSON object (eve.c), "" if it has none; NULL: no memory */
const char *rule_metadata_json(const struct rule *r);

_Static_assert(RULE_LISTS <= 64, "a rule's lists are a 64-bit mask");

/* what an empty list of a rule is */
extern const struct smlist smlist_none;

/* which of r's lists are non-empty */
static inline uint64_t rule_listmask(const struct rule *r)
{
	return r->bufmask | (uint64_t)r->b64data << LIST_BASE64_DATA;
}

/* r's list b: its place in r->lists is the count of non-empty lists before it */
static inline const struct smlist *rule_list(const struct rule *r, int b)
{
	uint64_t bit = 1ull << b, lists = rule_listmask(r);
	if (!(lists & bit))
		return &smlist_none;
	return &r->lists[__builtin_popcountll(lists & (bit - 1))];
}

/* the transforms of r's list l, or NULL */
static inline const struct xform_chain *smlist_xf(const struct rule *r, const struct smlist *l)
{
	return l->xf ? &r->xfs[l->xf - 1] : NULL;
}

/*
 * What rejects most candidates, packed per rule (in rule order) so the
 * candidate loop of worker.c reads one small record instead of the large
 * rule: direction, phase, stream bound, protocol, flow state, dsize and the
 * interned header expressions (HDR_NO_ID: see the rule's own nodes) and
 * the id of their whole tuple (rules with the same header share it), and
 * a flowbit the rule needs set or clear (checked in rule order, since
 * earlier rules of the same event may change it; NO_FBIT: none).
 */
#define NO_FBIT UINT32_MAX
struct rule_pre {
	uint64_t st_max_end;
	uint32_t src_id, dst_id, sport_id, dport_id;
	uint32_t hdr_id;	/* HDR_NO_ID if one of the four is */
	uint32_t fbit_set, fbit_clear;
	struct numcmp dsize;
	int16_t ip_proto;
	uint8_t dirs, phase[2], proto, flow_state;
	bool bidir;
	bool sameip;		/* the addresses alone decide: as the header */
	uint8_t app_req;	/* as the rule's */
	const struct hdr_checks *hdr;	/* the rule's, if any: cheap, per packet */
};

/* ---- rule parsing (rule_lexer.c, rule_parser.c) ---- */
struct rule_option {
	char *name;
	char *value;		/* NULL if the option has no value */
};
struct rule_text {
	char *action, *proto, *src, *sport, *dir, *dst, *dport;
	struct rule_option *opts;
	size_t nopts;
};
/* Split a rule line into header fields and options. */
int rule_lex(const char *line, struct rule_text *out, char *err, size_t errlen);
void rule_text_free(struct rule_text *t);

struct flowbit_names {
	char **names;
	size_t n;
};
struct parse_ctx {
	const struct snet_inspect_config *cfg;
	const struct class_table *classes;
	struct flowbit_names *fbnames;
	struct flowbit_names *finames;	/* flowint variables; NULL: refused */
	struct hdr_table *hdrs;	/* NULL: each rule owns its header nodes */
	struct dataset_table *datasets;	/* NULL: dataset refused */
	const char *file;
	unsigned line;
};
/*
 * Parse one rule line.  Returns 0 and *out, or -EINVAL / -ENOTSUP with a
 * message "sid N: why" in err (sid 0 if unknown), or RULE_SKIPPED with
 * "sid N: skipped, why" when its requires: is not met.
 */
#define RULE_SKIPPED 1
int rule_parse(struct parse_ctx *ctx, const char *line, struct rule **out,
	       char *err, size_t errlen);
/*
 * A requires: value (requires.c): 0 met, 1 not met (why says which part),
 * -EINVAL malformed (why says how), -ENOMEM.
 */
int requires_check(const char *value, char *why, size_t whylen);
/* decode content:"..." text with |hex| and escapes */
int content_decode(const char *s, uint8_t **out, uint32_t *outlen, char *err,
		   size_t errlen);

/* ---- hyperscan databases (hsdb.c) ---- */
struct prefilter_db {
	enum buf_id buf;
	uint8_t dir;		/* DIR_TO_SERVER or DIR_TO_CLIENT */
	uint8_t l4;		/* db_subkey() */
	hs_database_t *db;
	uint32_t *rule_ids;	/* pattern id -> rule idx (ids are indexes) */
	/* pattern id -> the largest end of a hit that can match (offset
	 * bounds of buffers Hyperscan is not given them for), or NULL */
	uint32_t *max_end;
	/* pattern id -> its rule's header tuple (rule_pre.hdr_id), filled
	 * by ruleset.c: a hit is dropped at once on a header the flow side
	 * is known to fail */
	uint32_t *hdr_ids;
	size_t nids;
	size_t stream_size;	/* BUF_STREAM: streaming mode, state bytes */
};

struct idlist {
	uint32_t *v;
	size_t n, cap;
};
int idlist_add(struct idlist *l, uint32_t id);

/* keyed by (buf, dir, l4) */
#define L4_SLOTS 5		/* tcp, udp, icmp(v4/v6), other, any */
#define DB_SLOTS 8		/* third keys of a database (db_subkey) */
int l4_slot(uint8_t ipproto);
/*
 * The third key of a database: the L4 slot for the packet payload, 0 for
 * the raw stream.  For the application buffers bit 0 is 1 on a body event
 * (PH_REQ_BODY, PH_RESP_BODY), so the header events and the body events
 * of HTTP scan only the fast patterns of rules decided there; bits 1-2
 * are the flow side's home class (source in HOME_NET: 1, destination: 2),
 * so a scan skips the rules whose addresses cannot match the flow side
 * (most of ET's HTTP rules are for inbound or for outbound traffic only).
 */
int db_subkey(enum buf_id buf, int slot, enum phase ph, unsigned home_class);

/*
 * Rules with no prefilter pattern, keyed by a port when their header
 * names few: an event only looks at the rules of its packet's ports.
 */
struct port_rule {
	uint16_t port;
	uint32_t rid;
};
struct flag_rule {
	uint8_t need;		/* TCP flags the packet must all have */
	uint32_t rid;
};
struct always_idx {
	struct idlist any;		/* any port: every event */
	struct port_rule *dport, *sport;	/* sorted by port */
	size_t ndport, nsport;
	/* any port, but only packets with SYN, FIN, RST or URG set */
	struct flag_rule *flagged;
	size_t nflagged;
};

struct ruleset_dbs {
	struct prefilter_db *v;
	size_t n;
	/* quick index: [buf][dir-1][db_subkey] -> db or NULL */
	struct prefilter_db *idx[BUF__COUNT][2][DB_SLOTS];
	/* HOME_NET as parsed for the home classes, NULL: one class (0) */
	struct addr_node *home;
	/* rules with no prefilter pattern, verified at every event */
	struct idlist always[PH__COUNT][2][L4_SLOTS];
	struct always_idx aidx[PH__COUNT][2][L4_SLOTS];	/* the same, keyed */
};
/*
 * Build (or load from cfg->cache_dir) the prefilter databases.  use_cache
 * false: compile only (snet-update's check).  Errors go to errs.
 */
int dbs_build(struct rule **rules, size_t nrules,
	      const struct snet_inspect_config *cfg, bool use_cache,
	      struct ruleset_dbs *out, bool *from_cache, struct strbuf *errs);
void dbs_free(struct ruleset_dbs *d);
struct snet_inspect_ruleset;
/*
 * The block-mode database of one (buf, dir) group, compiled from the same
 * patterns as the set's own: the benchmark's plain hs_scan baseline.
 * *out is NULL if the group is empty.
 */
int dbs_block_twin(const struct snet_inspect_ruleset *rs, enum buf_id buf, uint8_t dir,
		   hs_database_t **out);

/* ---- the compiled rule set (ruleset.c) ---- */
struct th_entry;
struct snet_inspect_ruleset {
	atomic_int refs;
	struct rule **rules;	/* sorted: action, flowbits, priority, sid */
	size_t nrules;
	struct class_table classes;
	struct flowbit_names fbnames;
	struct flowbit_names finames;	/* flowint variables */
	struct hdr_table hdrs;
	struct ruleset_dbs dbs;
	struct rule_pre *pre;	/* [nrules], see struct rule_pre */
	uint32_t nhdr_ids;	/* distinct rule_pre.hdr_id */
	uint64_t bufs_used;	/* the buffers some rule inspects */
	bool from_cache;
	struct snet_inspect_config cfg;	/* a copy of the limits */
	/* thresholds: mutable, behind a lock; touched only on a full match */
	pthread_mutex_t th_lock;
	struct th_entry *th;
	size_t nth, capth;
	uint32_t *thidx;	/* open addressing over th by (rule, ip): index + 1 */
	size_t thmask;		/* slots in thidx - 1; 2 * capth slots */
	struct xbits_table xbits;	/* its own lock */
	struct dataset_table datasets;	/* each set has its own lock */
	bool tls_track;		/* a rule reads ssl_version or ssl_state */
	bool smtp_files;	/* a rule reads SMTP attachments: smtp.c parses SMTP flows */
	bool tls_ja4;		/* a rule reads ja4.hash: tls.c computes JA4 */
	struct addr_node **sup_addrs;	/* threshold.config's suppress addresses */
	size_t nsup_addrs;
	uint64_t generation;
};
/*
 * What a full match of a thresholded rule does (Suricata's meaning): alert
 * and act; act without an alert (limit past its count, both past its
 * count: a drop rule keeps dropping); or neither (threshold and both
 * before their count, detection_filter up to it).
 */
enum th_result { TH_SKIP, TH_ALERT, TH_ACT };
/*
 * Read threshold.config into the loaded rules (thresholds.c); a line it
 * cannot use is reported in msgs ("file:line: why") and skipped.  Fails
 * only when the file cannot be read or memory runs out.
 */
int thresholds_load(struct snet_inspect_ruleset *rs, const struct snet_inspect_config *cfg,
		    const char *path, struct strbuf *msgs);
/* The action of a match: the rule's, or its rate_filter's new one. */
char rate_filter_action(struct snet_inspect_ruleset *rs, const struct rule *r,
			const struct ip_addr *src, const struct ip_addr *dst, uint64_t now_sec);
/* A threshold.config suppression covers this match's addresses. */
bool suppressed(const struct rule *r, const struct ip_addr *src, const struct ip_addr *dst);
enum th_result threshold_check(struct snet_inspect_ruleset *rs, const struct rule *r,
			       const struct ip_addr *src, const struct ip_addr *dst,
			       uint64_t now_sec);

/* ---- packets (decode.c) ---- */
struct packet {
	const uint8_t *data;
	size_t len;
	struct ip_addr src, dst;
	uint8_t ipproto;	/* L4 protocol after extension headers */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	bool has_frag6;		/* an IPv6 fragment header: its offset in bytes */
	uint16_t frag6_off;
	/*
	 * A fragment (IPv4 MF or offset, IPv6 a fragment header not atomic):
	 * no L4 header is decoded; what defrag.c needs.  frag_hoff: IPv4 the
	 * header length, IPv6 where the fragment header is (the unfragmentable
	 * part ends there); frag_nhoff: IPv6, the next-header byte that names
	 * it; frag_nh: the IP protocol of the datagram (IPv6: the fragment
	 * header's next header); frag_data: this fragment's bytes of the
	 * datagram, at byte frag_off of it.
	 */
	bool is_frag, frag_more;
	bool rebuilt;		/* a datagram defrag.c put together */
	uint8_t frag_nh;
	uint32_t frag_id, frag_off;
	uint32_t frag_hoff, frag_nhoff;
	const uint8_t *frag_data;
	size_t frag_len;
	const uint8_t *l4;	/* the TCP/UDP/ICMP header; NULL in a fragment */
	size_t l4len;
	const uint8_t *payload;
	size_t plen;
	uint64_t ts_usec;
};
int packet_decode(const uint8_t *data, size_t len, struct packet *p,
		  const char **why);

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PUSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#endif
