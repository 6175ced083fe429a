/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Application-layer parsers (HTTP/1.x, DNS, TLS ClientHello) and flows. */
#ifndef SNET_INSPECT_APP_H
#define SNET_INSPECT_APP_H
#include "internal.h"

/* ---- HTTP/1.x (http.c) ---- */
struct hbuf {
	uint8_t *p;
	size_t n;
	size_t cap;		/* bytes allocated at p; 0 with p set: a part of
				 * the side's http.start, not owned (hbuf_part) */
	bool set;
};

/* a transaction's buffers, by buffer id: the HTTP ones come first (all
 * other buffers after them would be empty slots in every transaction) */
#define HTTP_TX_BUFS (BUF_HTTP_SERVER_BODY + 1)
struct http_tx {
	struct hbuf req[HTTP_TX_BUFS];	/* request side buffers */
	struct hbuf resp[HTTP_TX_BUFS];	/* response side buffers */
	uint64_t req_body_len, resp_body_len;
	bool req_done, resp_started;
	bool head_request;
	int status;
};

/* transactions waiting for their response, as Suricata's default max-tx;
 * a client pipelining more stops its side rather than mispair them */
#define HTTP_MAX_TX 512

struct http_dir_state {
	int state;		/* parser state, see http.c */
	struct strbuf hdr;	/* header block being collected */
	uint64_t body_left;	/* content-length bytes left, or chunk bytes */
	int body_mode;		/* none, length, chunked, close */
	int chunk_state;
	struct strbuf chunk_line;
	void *zs;		/* z_stream when the body is compressed */
	uint8_t zhead[2];	/* its first bytes, for a raw deflate retry */
	bool zraw;		/* inflating raw deflate (no zlib header) */
	bool broken;		/* gave up on this direction */
	bool body_cut;		/* the rest of this body is not kept (flow-memcap) */
};

struct http_state {
	struct http_dir_state d[2];	/* [0] requests, [1] responses */
	struct http_tx **tx;	/* the queue, tx[0] the oldest: txq or the heap */
	unsigned ntx, cap;	/* txs in it, room at tx */
	struct http_tx *txq[4];	/* the queue of most flows: no allocation */
	struct http_tx *spare;	/* a zeroed tx for the next one, or NULL */
	uint64_t body_limit;
	/* http_state_memory() of the state as the last feed left it: the
	 * flow's accounting asks twice a segment, and the sum walks every
	 * buffer of every transaction */
	size_t mem;
	bool mem_valid;
	bool busy;		/* inside http_feed/http_eof: nothing is cached */
	size_t zmem;		/* held by zlib for the bodies being inflated */
	/* the caller's, during http_feed/http_eof only */
	const struct http_ops *ops;
	void *ctx;
};

enum http_event { HTTP_EV_REQ_HEADERS, HTTP_EV_REQ_BODY, HTTP_EV_RESP_HEADERS,
		  HTTP_EV_RESP_BODY };
struct http_ops {
	void (*event)(void *ctx, enum http_event ev, struct http_tx *tx);
	/*
	 * Room for add more bytes of state (flow-memcap); NULL: always.
	 * Refused, a header block stops its direction (it cannot be parsed
	 * without it) and a body is kept only up to where it was refused.
	 */
	bool (*room)(void *ctx, size_t add);
};

struct http_state *http_state_new(uint64_t body_limit);
void http_state_free(struct http_state *h);
/* dir: 0 = to_server, 1 = to_client */
void http_feed(struct http_state *h, int dir, const uint8_t *data, size_t len,
	       const struct http_ops *ops, void *ctx);
/* direction dir ended: a body until close is complete */
void http_eof(struct http_state *h, int dir, const struct http_ops *ops, void *ctx);
/* does this look like the start of an HTTP request / response? */
bool http_probe_request(const uint8_t *d, size_t n);
bool http_probe_response(const uint8_t *d, size_t n);
size_t http_state_memory(struct http_state *h);

/* ---- DNS (dns.c) ---- */
struct dns_query {
	char name[256];
	uint16_t id, type;
	uint8_t opcode;		/* the header's (QUERY 0, UPDATE 5...) */
};
/* Parse a DNS request message; returns the number of questions (<= max),
 * or -1 if it is not a DNS request. */
int dns_parse_request(const uint8_t *d, size_t n, struct dns_query *q, int max);
const char *dns_type_name(uint16_t t, char *buf, size_t len);

/*
 * DNS over TCP: each message after a 2-byte big-endian length, from each
 * direction's in-order data.  A message split across segments is gathered
 * (up to 65535 bytes, memory asked of ops->room); a whole one is read in
 * place.
 */
#define DNS_HDR_LEN 12
#define DNS_TCP_QUERIES 4	/* questions of a message given to rules, as UDP */
struct dns_tcp_dir {
	uint8_t len[2], nlen;	/* the length prefix being read */
	uint8_t *msg;		/* a message split across segments */
	size_t nmsg, cap;
	int dead;		/* 0, or why nothing more is parsed: -EBADMSG, -ENOMEM */
};
struct dns_tcp_state {
	struct dns_tcp_dir d[2];	/* [0] client to server, [1] server to client */
};
struct dns_tcp_ops {
	/* a request's questions (nq >= 1) */
	void (*query)(void *ctx, const struct dns_query *q, int nq);
	/* room for add more bytes of state (flow-memcap); NULL: always */
	bool (*room)(void *ctx, size_t add);
};
/* the first data of a direction of a TCP flow looks like DNS (Suricata's probe) */
bool dns_tcp_probe(const uint8_t *d, size_t n);
struct dns_tcp_state *dns_tcp_state_new(void);
void dns_tcp_state_free(struct dns_tcp_state *s);
size_t dns_tcp_state_memory(const struct dns_tcp_state *s);
/*
 * In-order data of direction dir (0 to server, 1 to client).  Returns 0,
 * or the negative errno that stopped this direction: -EBADMSG (a request
 * that is not a query message with readable questions, or a response
 * without the QR bit or shorter than a header), -ENOMEM.  Data after that
 * is ignored.
 */
int dns_tcp_feed(struct dns_tcp_state *s, int dir, const uint8_t *d, size_t n,
		 const struct dns_tcp_ops *ops, void *ctx);

/* ---- TLS (tls.c) ---- */
struct tls_hello {
	char sni[256];		/* may hold NULs: sni_len bytes */
	uint16_t sni_len;
	/* the legacy version, or the first supported_versions entry that is
	 * not GREASE, as Suricata's ssl_version reads it */
	uint16_t version;
	bool has_sni;
	/* ja3.string: "SSLVersion,Ciphers,Extensions,EllipticCurves,
	 * EllipticCurvePointFormats", and ja3.hash, its MD5 in hex */
	struct strbuf ja3;
	char ja3_hash[33];
	/* ja4.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1" (the ALPN
	 * characters may each take two bytes), if asked for */
	char ja4[40];
	bool has_ja4;
};
/*
 * 1: complete ClientHello parsed (release it with tls_hello_release);
 * 0: need more data; -1: not TLS / bad; -ENOMEM.  JA4 is computed only
 * when @ja4 (a loaded rule reads it).
 */
int tls_parse_client_hello(const uint8_t *d, size_t n, struct tls_hello *h, bool ja4);
/* the bytes of a client's first records gathered for its ClientHello at most */
#define TLS_HELLO_GATHER (16384 + 2048 + 5)
void tls_hello_release(struct tls_hello *h);

/*
 * The server's flight: its ServerHello (version, JA3S) and its certificate
 * (the first of its Certificate message), in the forms Suricata's
 * ja3s.string, ja3s.hash, tls.cert_subject, tls.cert_issuer,
 * tls.cert_serial and tls.cert_fingerprint use.
 */
struct tls_server {
	uint16_t hello_version;	/* the ServerHello's (supported_versions), 0: not yet */
	bool hello;		/* the ServerHello was read: ja3s, ja3s_hash */
	struct strbuf ja3s;	/* "SSLVersion,Cipher,Extensions" */
	char ja3s_hash[33];
	char subject[1024];	/* "C=US, O=Example, CN=www.example.com" */
	char issuer[1024];
	char serial[3 * 32];	/* "00:E7:F9:...", the DER integer's bytes */
	char fingerprint[3 * 20];	/* "4a:a3:...", SHA-1 of the DER, lowercase */
	int64_t not_before, not_after;	/* seconds since the epoch; 0: unreadable */
	/* tls.subjectaltname: each name, a span of san_text */
	struct { size_t off, len; } *san;
	uint32_t nsan;
	struct strbuf san_text;
	/* tls.certs: each certificate of the chain (DER), in hs */
	struct { const uint8_t *p; size_t n; } *chain;
	uint32_t nchain;
	uint8_t *hs;		/* the handshake messages, records joined */
};
/* the most of the server's handshake kept while looking for it */
#define TLS_SERVER_MAX 65536
/*
 * Reads the server's flight in the first n bytes it sent, up to its
 * Certificate; s->hello tells whether the ServerHello was read.
 * 1: certificate found and parsed; 0: need more data; -1: none will come
 * in the clear (not a TLS handshake, TLS 1.3, resumed session, over
 * TLS_SERVER_MAX, or a certificate OpenSSL cannot read).  Release s with
 * tls_server_release whatever it returns.
 */
int tls_parse_server(const uint8_t *d, size_t n, struct tls_server *s);
void tls_server_release(struct tls_server *s);
bool tls_probe(const uint8_t *d, size_t n);

/*
 * The record layer of a TLS flow, both directions, for ssl_version and
 * ssl_state: each direction's version (its record headers' until its
 * Hello is seen, then the Hello's) and Suricata's "current" handshake
 * state, the last ClientHello, ServerHello, ServerKeyExchange,
 * ClientKeyExchange or CertificateRequest parsed since the data that
 * began a new record (cleared by such data).  Handshake messages after a
 * change_cipher_spec are encrypted and not read.
 */
#define TLS_ST_CLIENT_HELLO	0x01
#define TLS_ST_SERVER_HELLO	0x02
#define TLS_ST_CLIENT_KEYX	0x04
#define TLS_ST_SERVER_KEYX	0x08
#define TLS_ST_UNKNOWN		0x10	/* a keyword value; the parser never sets it */
#define TLS_ST_CERT_REQUEST	0x20	/* clears the others, as in Suricata */
struct tls_dir {
	uint8_t hdr[5], nhdr;	/* the record header being read */
	uint8_t rtype;
	uint16_t rleft;		/* bytes of the record body still to come */
	uint8_t hhdr[4], nhh;	/* the handshake message header being read */
	uint32_t hleft;		/* bytes of the handshake message still to come */
	uint16_t version;
	bool hello;		/* its Hello was parsed: the version is final */
	bool dead;		/* not TLS records: nothing more is read */
};
struct tls_track {
	struct tls_dir d[2];
	uint8_t cur;		/* TLS_ST_* of the current data */
	uint8_t seen;		/* TLS_ST_* of the whole flow */
	bool ccs;		/* a change_cipher_spec came (either side) */
};
void tls_track_data(struct tls_track *t, int di, const uint8_t *d, size_t n);
/* the Hello of direction di gave its version */
void tls_track_hello(struct tls_track *t, int di, uint16_t version);

/* ---- SSH (ssh.c) ---- */
/* the identification line is at most this long, CR LF included (RFC 4253) */
#define SSH_BANNER_MAX 255
/* a binary packet's length field at most (RFC 4253 6.1), and the packet */
#define SSH_PACKET_MAX 35000
#define SSH_KEX_MAX (4 + SSH_PACKET_MAX)
/* 1: d[0..n) holds a whole first line (*len: its length, without the end
 * of line); 0: need more; -1: too long for a banner */
int ssh_banner_line(const uint8_t *d, size_t n, size_t *len);
/*
 * Split "SSH-protoversion-softwareversion[ comments]" as Suricata does:
 * proto up to the first '-', software up to a space, CR or LF.  -1 if
 * it does not start with "SSH-" or has no '-' after the version.
 */
struct ssh_banner {
	const uint8_t *proto, *software;
	size_t proto_len, software_len;
};
int ssh_banner_split(const uint8_t *line, size_t n, struct ssh_banner *b);
/* 1: d[0..n) holds a whole binary packet (*total: its length); 0: need
 * more; -1: not a binary packet (a length past RFC 4253's) */
int ssh_packet_whole(const uint8_t *d, size_t n, size_t *total);
/*
 * The HASSH string of a KEXINIT packet (Salesforce's, as Suricata builds
 * it): "kex;encryption;mac;compression", the client's or (server) the
 * server's algorithms, in *out.  -1: not a KEXINIT; -ENOMEM.
 */
int ssh_kexinit_hassh(const uint8_t *pkt, size_t n, int server, struct strbuf *out);

/* ---- DCERPC over TCP (dcerpc.c, dcekw.c) ---- */
#include "dcerpc.h"

/* ---- SMTP and its messages (smtp.c) ---- */
#include "smtp.h"

/* ---- protocol detection (probe.c) ---- */
/* the protocol the first data of direction di shows; APP_NONE: not known
 * from this direction */
enum app_proto app_probe(int di, const uint8_t *d, size_t n);
/* every probe can tell from this many bytes (the longest: an HTTP method
 * and its blank, "BASELINE-CONTROL ", 17; DNS over TCP's length and
 * header, 14; a DCERPC header's first 10)... */
#define PROBE_MIN 17
/* ... and reads at most this far (a "220" greeting's first line) */
#define PROBE_LOOK 256
#endif
