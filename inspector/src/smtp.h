/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMTP (RFC 5321) client commands and server replies of a flow, and the
 * MIME (RFC 2045, 2046) structure of each message the client sends with
 * DATA, as Suricata 7 reads them (smtp.c): the attachments of a message
 * (parts whose Content-Disposition has a filename or whose Content-Type
 * has a name), decoded from base64 or quoted-printable, are its files,
 * what file_data inspects in an smtp rule.
 */
#ifndef SNET_INSPECT_SMTP_H
#define SNET_INSPECT_SMTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define SMTP_LINE_MAX 1024	/* bytes of a command, reply or message line kept at once */
#define SMTP_CMDS_MAX 64	/* commands waiting for their replies */
#define SMTP_MIME_DEPTH 8	/* nested multipart levels split into parts */
#define SMTP_BOUNDARY_MAX 128	/* a boundary longer than this is not split on */
#define SMTP_NAME_MAX 256	/* bytes of a file name kept */
#define SMTP_FILES_MAX 16	/* attachments of a message kept */
#define SMTP_FILE_MAX (1u << 20)	/* decoded bytes of an attachment kept */
#define SMTP_FIELD_MAX 512	/* bytes of helo, mail_from, each rcpt_to, each header kept */
#define SMTP_RCPT_MAX 16	/* rcpt_to addresses kept */

struct smtp_file {
	char name[SMTP_NAME_MAX];
	size_t name_len;
	uint8_t *data;
	size_t len, cap;
	bool truncated;		/* past SMTP_FILE_MAX, or memory refused */
};

/* a multipart level: its boundary, without the leading "--" */
struct smtp_mime_level {
	char bnd[SMTP_BOUNDARY_MAX];
	uint8_t blen;
};

/* the MIME state of the message being received */
#define SMTP_HDR_MAX 1024	/* bytes of a MIME header (unfolded) kept */
struct smtp_mime {
	bool in_headers;	/* reading a part's (or the message's) headers */
	bool top;		/* those are the message's own headers */
	struct smtp_mime_level lv[SMTP_MIME_DEPTH];
	unsigned depth;
	char hdr[SMTP_HDR_MAX];	/* the header being read, unfolded */
	size_t hdr_len;
	bool hdr_set;
	/* the current part, from its headers */
	bool multipart, attachment, name_from_disp, message;
	uint8_t enc;		/* SMTP_ENC_* */
	char bnd[SMTP_BOUNDARY_MAX];	/* its own boundary, if multipart */
	size_t blen;
	char name[SMTP_NAME_MAX];
	size_t name_len;
	int file;		/* index in the message's files of its attachment, or -1 */
	bool crlf_pending;	/* the line break before the next body line */
	uint32_t b64;		/* base64 bits not yet output */
	uint8_t b64n;		/* sextets in b64 */
	uint8_t qp[2];		/* an "=X" of quoted-printable split across pieces */
	uint8_t nqp;
};
enum { SMTP_ENC_NONE, SMTP_ENC_BASE64, SMTP_ENC_QP };

/* a message: its envelope, headers and attachments */
struct smtp_msg {
	char mail_from[SMTP_FIELD_MAX];
	char rcpt_to[SMTP_RCPT_MAX][SMTP_FIELD_MAX];
	unsigned nrcpt;
	char from[SMTP_FIELD_MAX], to[SMTP_FIELD_MAX], cc[SMTP_FIELD_MAX];
	bool has_from, has_to, has_cc;
	struct smtp_file files[SMTP_FILES_MAX];
	unsigned nfiles;
	uint64_t files_lost;	/* attachments past SMTP_FILES_MAX */
};

enum { SMTP_CMD_OTHER, SMTP_CMD_DATA, SMTP_CMD_STARTTLS, SMTP_CMD_BDAT };

struct smtp_state {
	char helo[SMTP_FIELD_MAX];
	/* the client side */
	uint8_t line[SMTP_LINE_MAX];
	size_t line_len;
	bool line_long;		/* a command line went past SMTP_LINE_MAX: the rest is dropped */
	bool line_cont;		/* a message line went past it: this piece continues it */
	bool data_mode;		/* inside DATA: message lines until "." */
	uint64_t bdat_left;	/* bytes of a BDAT chunk still to skip */
	/* the server side */
	uint8_t rline[SMTP_LINE_MAX];
	size_t rline_len;
	bool first_reply;	/* the greeting was seen */
	bool pipelining;	/* the server's EHLO reply offered PIPELINING */
	uint8_t cmds[SMTP_CMDS_MAX];	/* SMTP_CMD_* waiting for replies, a queue */
	unsigned ncmds;
	bool tls;		/* STARTTLS accepted: nothing more is in the clear */
	struct smtp_msg msg;
	struct smtp_mime mime;
	uint64_t messages;	/* messages ended */
};

struct smtp_ops {
	/* a message ended (its final ".", or its side's end) */
	void (*message)(void *ctx, const struct smtp_state *s, const struct smtp_msg *m);
	/* room for add more bytes of state (flow-memcap); NULL: always */
	bool (*room)(void *ctx, size_t add);
};

struct smtp_state *smtp_state_new(void);
void smtp_state_free(struct smtp_state *s);
size_t smtp_state_memory(const struct smtp_state *s);
/* in-order data of direction dir (0 to server, 1 to client) */
void smtp_feed(struct smtp_state *s, int dir, const uint8_t *d, size_t n,
	       const struct smtp_ops *ops, void *ctx);
/* direction dir ended: a message being read is over */
void smtp_eof(struct smtp_state *s, int dir, const struct smtp_ops *ops, void *ctx);
/* Suricata's EVE objects: {"smtp": {helo, mail_from, rcpt_to},
 * "email": {from, to, cc, attachment}} */
json_t *smtp_eve_objects(const struct smtp_state *s, const struct smtp_msg *m);
#endif
