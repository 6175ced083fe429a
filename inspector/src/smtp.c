// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMTP: the client's commands and the server's replies, each side read
 * line by line from its in-order data whatever the segments, and the
 * messages the client sends, as Suricata 7 reads them.  A command waits
 * for its reply in a queue; DATA starts a message at the server's 354
 * (at once if the server offered PIPELINING), which ends at a line "."
 * (dot-stuffing undone).  BDAT chunks are skipped, as Suricata 7 skips
 * them.  An accepted STARTTLS ends the clear text: nothing more is read.
 *
 * A message is MIME: headers, then a body that multipart boundaries
 * split into parts, each with its own headers (nested up to
 * SMTP_MIME_DEPTH levels).  A part is an attachment, a file, when its
 * Content-Disposition has a filename parameter or its Content-Type a name
 * parameter; its body is decoded (base64, quoted-printable, else as is)
 * and kept up to SMTP_FILE_MAX.  Other parts (the text of the mail) are
 * not files, as in Suricata.  At the message's end the caller's
 * message() sees its envelope, headers and files.  Memory grows only as
 * the caller's room() allows; what it refuses is cut (the file is marked
 * truncated).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"

struct feed {
	struct smtp_state *s;
	const struct smtp_ops *ops;
	void *ctx;
};

static bool room(const struct feed *f, size_t add)
{
	return !f->ops->room || f->ops->room(f->ctx, add);
}

struct smtp_state *smtp_state_new(void)
{
	struct smtp_state *s = calloc(1, sizeof(*s));
	if (s)
		s->mime.file = -1;
	return s;
}

static void files_free(struct smtp_msg *m)
{
	for (unsigned i = 0; i < m->nfiles; i++)
		free(m->files[i].data);
	memset(m->files, 0, sizeof(m->files));
	m->nfiles = 0;
	m->files_lost = 0;
}

void smtp_state_free(struct smtp_state *s)
{
	if (!s)
		return;
	files_free(&s->msg);
	free(s);
}

size_t smtp_state_memory(const struct smtp_state *s)
{
	size_t m = sizeof(*s);
	for (unsigned i = 0; i < s->msg.nfiles; i++)
		m += s->msg.files[i].cap;
	return m;
}

/* copy n bytes into a NUL-terminated field of size cap, cut to fit */
static void set_field(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = 0;
}

static bool starts_ci(const uint8_t *p, size_t n, const char *w)
{
	size_t k = strlen(w);
	return n >= k && !strncasecmp((const char *)p, w, k);
}

/* ---- the attachment being decoded ---- */

static void file_put(struct feed *f, const uint8_t *p, size_t n)
{
	struct smtp_mime *mm = &f->s->mime;
	if (mm->file < 0 || !n)
		return;
	struct smtp_file *fl = &f->s->msg.files[mm->file];
	if (fl->truncated)
		return;
	if (fl->len + n > SMTP_FILE_MAX) {
		n = SMTP_FILE_MAX - fl->len;
		fl->truncated = true;
	}
	if (fl->len + n > fl->cap) {
		size_t cap = fl->cap ? fl->cap : 4096;
		while (cap < fl->len + n)
			cap *= 2;
		if (cap > SMTP_FILE_MAX)
			cap = SMTP_FILE_MAX;
		uint8_t *q = room(f, cap - fl->cap) ? realloc(fl->data, cap) : NULL;
		if (!q) {
			fl->truncated = true;
			return;
		}
		fl->data = q;
		fl->cap = cap;
	}
	memcpy(fl->data + fl->len, p, n);
	fl->len += n;
}

/* the bytes of an incomplete base64 group (its end, or '=' padding) */
static void b64_flush(struct feed *f)
{
	struct smtp_mime *mm = &f->s->mime;
	uint8_t out[2];
	if (mm->b64n == 2) {
		out[0] = (uint8_t)(mm->b64 >> 4);
		file_put(f, out, 1);
	} else if (mm->b64n == 3) {
		out[0] = (uint8_t)(mm->b64 >> 10);
		out[1] = (uint8_t)(mm->b64 >> 2);
		file_put(f, out, 2);
	}
	mm->b64 = 0;
	mm->b64n = 0;
}

/* characters outside the alphabet (line breaks, spaces, junk) are skipped */
static void b64_decode(struct feed *f, const uint8_t *p, size_t n)
{
	struct smtp_mime *mm = &f->s->mime;
	uint8_t out[SMTP_LINE_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '=') {
			file_put(f, out, k);
			k = 0;
			b64_flush(f);
			continue;
		}
		int v = base64_value(p[i]);
		if (v < 0)
			continue;
		mm->b64 = mm->b64 << 6 | (uint32_t)v;
		if (++mm->b64n == 4) {
			out[k++] = (uint8_t)(mm->b64 >> 16);
			out[k++] = (uint8_t)(mm->b64 >> 8);
			out[k++] = (uint8_t)mm->b64;
			mm->b64 = 0;
			mm->b64n = 0;
			if (k + 3 > sizeof(out)) {
				file_put(f, out, k);
				k = 0;
			}
		}
	}
	file_put(f, out, k);
}

/*
 * A piece of a quoted-printable line: "=XY" is a byte, a final "=" a soft
 * line break; an "=" not followed by two hex digits is kept as it is.
 * Returns whether the line ended in a soft break.
 */
static bool qp_decode(struct feed *f, const uint8_t *p, size_t n, bool eol)
{
	struct smtp_mime *mm = &f->s->mime;
	uint8_t buf[SMTP_LINE_MAX + 3];
	size_t m = 0, k = 0;
	/* the "=" or "=X" that ended the previous piece goes first */
	for (unsigned i = 0; i < mm->nqp; i++)
		buf[m++] = mm->qp[i];
	mm->nqp = 0;
	memcpy(buf + m, p, n);
	m += n;
	uint8_t out[SMTP_LINE_MAX + 3];
	size_t i = 0;
	/* trailing white space of a line is not part of it (RFC 2045 6.7) */
	if (eol)
		while (m && (buf[m - 1] == ' ' || buf[m - 1] == '\t'))
			m--;
	bool soft = false;
	while (i < m) {
		if (buf[i] != '=') {
			out[k++] = buf[i++];
			continue;
		}
		size_t left = m - i;	/* the '=' and what follows it */
		if (!eol && left < 3) {
			/* may complete in the next piece */
			while (i < m)
				mm->qp[mm->nqp++] = buf[i++];
			break;
		}
		if (eol && left == 1) {
			soft = true;
			i++;
			continue;
		}
		int hi = i + 1 < m ? hex_digit(buf[i + 1]) : -1;
		int lo = i + 2 < m ? hex_digit(buf[i + 2]) : -1;
		if (hi >= 0 && lo >= 0) {
			out[k++] = (uint8_t)(hi << 4 | lo);
			i += 3;
		} else {
			out[k++] = buf[i++];
		}
	}
	file_put(f, out, k);
	return soft;
}

/* a piece of a body line: start (it begins the line), eol (it ends it) */
static void body_piece(struct feed *f, const uint8_t *p, size_t n, bool start, bool eol)
{
	struct smtp_mime *mm = &f->s->mime;
	if (mm->file < 0)
		return;
	switch (mm->enc) {
	case SMTP_ENC_BASE64:
		b64_decode(f, p, n);
		break;
	case SMTP_ENC_QP:
		if (start && mm->crlf_pending)
			file_put(f, (const uint8_t *)"\r\n", 2);
		mm->crlf_pending = false;
		if (!qp_decode(f, p, n, eol) && eol)
			mm->crlf_pending = true;
		break;
	default:
		/* the line break before a boundary belongs to the boundary */
		if (start && mm->crlf_pending)
			file_put(f, (const uint8_t *)"\r\n", 2);
		file_put(f, p, n);
		mm->crlf_pending = eol;
		break;
	}
}

/* ---- MIME headers ---- */

/*
 * The value of parameter key in a header value ("type; key=value;
 * key2="quoted""), case-insensitive; false if absent.
 */
static bool mime_param(const char *v, size_t n, const char *key, const char **out,
		       size_t *out_len)
{
	size_t kl = strlen(key);
	size_t i = 0;
	/* skip the value before the first ';' */
	while (i < n && v[i] != ';')
		i++;
	while (i < n) {
		i++;	/* the ';' */
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t ks = i;
		while (i < n && v[i] != '=' && v[i] != ';')
			i++;
		size_t ke = i;
		while (ke > ks && (v[ke - 1] == ' ' || v[ke - 1] == '\t'))
			ke--;
		bool hit = ke - ks == kl && !strncasecmp(v + ks, key, kl);
		if (i >= n || v[i] == ';')
			continue;
		i++;	/* the '=' */
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t vs, ve;
		if (i < n && v[i] == '"') {
			vs = ++i;
			while (i < n && v[i] != '"')
				i++;
			ve = i;
			while (i < n && v[i] != ';')
				i++;
		} else {
			vs = i;
			while (i < n && v[i] != ';')
				i++;
			ve = i;
			while (ve > vs && (v[ve - 1] == ' ' || v[ve - 1] == '\t'))
				ve--;
		}
		if (hit) {
			*out = v + vs;
			*out_len = ve - vs;
			return true;
		}
	}
	return false;
}

static bool has_ci(const char *v, size_t n, const char *w)
{
	return memmem_nocase((const uint8_t *)v, n, (const uint8_t *)w, strlen(w)) != NULL;
}

/* the header collected in mime.hdr, now complete */
static void header_done(struct feed *f)
{
	struct smtp_mime *mm = &f->s->mime;
	struct smtp_msg *m = &f->s->msg;
	if (!mm->hdr_set)
		return;
	mm->hdr_set = false;
	const char *h = mm->hdr;
	size_t n = mm->hdr_len;
	const char *colon = memchr(h, ':', n);
	if (!colon)
		return;
	size_t nl = (size_t)(colon - h);
	const char *v = colon + 1;
	size_t vn = n - nl - 1;
	while (vn && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
#define IS(name) (nl == strlen(name) && !strncasecmp(h, name, nl))
	const char *pv;
	size_t pn;
	if (mm->top && IS("from")) {
		set_field(m->from, sizeof(m->from), (const uint8_t *)v, vn);
		m->has_from = true;
	} else if (mm->top && IS("to")) {
		set_field(m->to, sizeof(m->to), (const uint8_t *)v, vn);
		m->has_to = true;
	} else if (mm->top && IS("cc")) {
		set_field(m->cc, sizeof(m->cc), (const uint8_t *)v, vn);
		m->has_cc = true;
	} else if (IS("content-transfer-encoding")) {
		mm->enc = has_ci(v, vn, "base64") ? SMTP_ENC_BASE64 :
			  has_ci(v, vn, "quoted-printable") ? SMTP_ENC_QP : SMTP_ENC_NONE;
	} else if (IS("content-disposition")) {
		if (mime_param(v, vn, "filename", &pv, &pn)) {
			mm->attachment = mm->name_from_disp = true;
			set_field(mm->name, sizeof(mm->name), (const uint8_t *)pv, pn);
			mm->name_len = strlen(mm->name);
		}
	} else if (IS("content-type")) {
		if (mime_param(v, vn, "boundary", &pv, &pn)) {
			mm->multipart = true;
			mm->blen = pn < sizeof(mm->bnd) ? pn : 0;	/* too long: not split on */
			memcpy(mm->bnd, pv, mm->blen);
		} else if (starts_ci((const uint8_t *)v, vn, "multipart/")) {
			mm->multipart = true;
		}
		if (!mm->name_from_disp && mime_param(v, vn, "name", &pv, &pn)) {
			mm->attachment = true;
			set_field(mm->name, sizeof(mm->name), (const uint8_t *)pv, pn);
			mm->name_len = strlen(mm->name);
		}
		/* message/rfc822: an encapsulated message, with its own headers */
		mm->message = starts_ci((const uint8_t *)v, vn, "message/");
	}
#undef IS
}

static void part_reset(struct smtp_mime *mm)
{
	mm->multipart = mm->attachment = mm->name_from_disp = mm->message = false;
	mm->enc = SMTP_ENC_NONE;
	mm->blen = 0;
	mm->name_len = 0;
	mm->file = -1;
	mm->crlf_pending = false;
	mm->b64 = 0;
	mm->b64n = 0;
	mm->nqp = 0;
	mm->hdr_set = false;
	mm->hdr_len = 0;
}

/* the current part's body is over: what its decoders hold goes out */
static void part_end(struct feed *f)
{
	struct smtp_mime *mm = &f->s->mime;
	if (mm->file >= 0) {
		if (mm->enc == SMTP_ENC_BASE64)
			b64_flush(f);
		else if (mm->enc == SMTP_ENC_QP && mm->nqp)
			file_put(f, mm->qp, mm->nqp);
	}
	part_reset(mm);
}

/* the blank line after a part's headers: its body starts */
static void headers_end(struct feed *f)
{
	struct smtp_mime *mm = &f->s->mime;
	struct smtp_msg *m = &f->s->msg;
	header_done(f);
	mm->top = false;
	if (mm->multipart) {
		/* the preamble follows; past the depth, the parts are not split */
		if (mm->blen && mm->depth < SMTP_MIME_DEPTH) {
			struct smtp_mime_level *l = &mm->lv[mm->depth++];
			memcpy(l->bnd, mm->bnd, mm->blen);
			l->blen = (uint8_t)mm->blen;
		}
		mm->in_headers = false;
		return;
	}
	if (mm->attachment) {
		if (m->nfiles < SMTP_FILES_MAX) {
			struct smtp_file *fl = &m->files[m->nfiles];
			memset(fl, 0, sizeof(*fl));
			memcpy(fl->name, mm->name, mm->name_len);
			fl->name_len = mm->name_len;
			mm->file = (int)m->nfiles++;
		} else {
			m->files_lost++;
		}
		mm->in_headers = false;
		return;
	}
	if (mm->message) {
		/* an encapsulated message: its headers come next */
		part_reset(mm);
		mm->in_headers = true;
		return;
	}
	mm->in_headers = false;
}

/*
 * A "--boundary" or "--boundary--" line of one of the open multipart
 * levels, the innermost first (a part whose closing line is missing
 * ends at its parent's boundary).  Returns whether it was one.
 */
static bool boundary_line(struct feed *f, const uint8_t *p, size_t n)
{
	struct smtp_mime *mm = &f->s->mime;
	if (n < 2 || p[0] != '-' || p[1] != '-')
		return false;
	for (unsigned k = mm->depth; k-- > 0;) {
		const struct smtp_mime_level *l = &mm->lv[k];
		if (n < 2u + l->blen || memcmp(p + 2, l->bnd, l->blen))
			continue;
		const uint8_t *rest = p + 2 + l->blen;
		size_t rn = n - 2 - l->blen;
		bool close = rn >= 2 && rest[0] == '-' && rest[1] == '-';
		if (!close) {
			/* only transport padding may follow a delimiter */
			bool ws = true;
			for (size_t i = 0; i < rn && ws; i++)
				ws = rest[i] == ' ' || rest[i] == '\t';
			if (!ws)
				continue;
		}
		if (mm->in_headers)
			header_done(f);
		part_end(f);
		mm->depth = close ? k : k + 1;
		mm->in_headers = !close;
		mm->top = false;
		return true;
	}
	return false;
}

/* a piece of a message line (dot-stuffing undone, no line break) */
static void mime_piece(struct feed *f, const uint8_t *p, size_t n, bool start, bool eol)
{
	struct smtp_mime *mm = &f->s->mime;
	if (start && eol && boundary_line(f, p, n))
		return;
	if (!mm->in_headers) {
		body_piece(f, p, n, start, eol);
		return;
	}
	if (start && !n && eol) {
		headers_end(f);
		return;
	}
	if (start && (p[0] == ' ' || p[0] == '\t')) {
		/* a folded header continues: unfolded with one space */
		if (!mm->hdr_set)
			return;
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (mm->hdr_len < sizeof(mm->hdr))
			mm->hdr[mm->hdr_len++] = ' ';
	} else if (start) {
		header_done(f);
		mm->hdr_set = true;
		mm->hdr_len = 0;
	}
	size_t take = n < sizeof(mm->hdr) - mm->hdr_len ? n : sizeof(mm->hdr) - mm->hdr_len;
	memcpy(mm->hdr + mm->hdr_len, p, take);
	mm->hdr_len += take;
}

/* ---- messages ---- */

static void message_begin(struct smtp_state *s)
{
	files_free(&s->msg);
	s->msg.has_from = s->msg.has_to = s->msg.has_cc = false;
	memset(&s->mime, 0, sizeof(s->mime));
	part_reset(&s->mime);
	s->mime.in_headers = true;
	s->mime.top = true;
	s->data_mode = true;
	s->line_cont = false;
}

static void message_end(struct feed *f)
{
	struct smtp_state *s = f->s;
	if (s->mime.in_headers)
		header_done(f);
	part_end(f);
	s->data_mode = false;
	s->messages++;
	if (f->ops->message)
		f->ops->message(f->ctx, s, &s->msg);
	files_free(&s->msg);
}

static void cmd_push(struct smtp_state *s, uint8_t cmd)
{
	if (s->ncmds < SMTP_CMDS_MAX)
		s->cmds[s->ncmds++] = cmd;
}

/* MAIL FROM:<a@b> SIZE=1: the address, up to a space (Suricata's form) */
static void cmd_param(char *dst, size_t cap, const uint8_t *p, size_t n, size_t prefix)
{
	size_t i = prefix;
	while (i < n && p[i] == ' ')
		i++;
	size_t e = i;
	while (e < n && p[e] != ' ')
		e++;
	set_field(dst, cap, p + i, e - i);
}

static void client_command(struct feed *f, const uint8_t *p, size_t n)
{
	struct smtp_state *s = f->s;
	struct smtp_msg *m = &s->msg;
	if (starts_ci(p, n, "helo") || starts_ci(p, n, "ehlo")) {
		size_t i = 4;
		while (i < n && p[i] == ' ')
			i++;
		set_field(s->helo, sizeof(s->helo), p + i, n - i);
		cmd_push(s, SMTP_CMD_OTHER);
	} else if (starts_ci(p, n, "mail from")) {
		/* a new transaction: its envelope */
		files_free(m);
		m->nrcpt = 0;
		m->has_from = m->has_to = m->has_cc = false;
		cmd_param(m->mail_from, sizeof(m->mail_from), p, n, 10);
		cmd_push(s, SMTP_CMD_OTHER);
	} else if (starts_ci(p, n, "rcpt to")) {
		if (m->nrcpt < SMTP_RCPT_MAX) {
			cmd_param(m->rcpt_to[m->nrcpt], sizeof(m->rcpt_to[0]), p, n, 8);
			m->nrcpt++;
		}
		cmd_push(s, SMTP_CMD_OTHER);
	} else if (starts_ci(p, n, "data")) {
		cmd_push(s, SMTP_CMD_DATA);
		/* a pipelining server: the message follows without waiting */
		if (s->pipelining)
			message_begin(s);
	} else if (starts_ci(p, n, "bdat")) {
		/* BDAT size [LAST]: the chunk's bytes are skipped */
		size_t i = 4;
		while (i < n && p[i] == ' ')
			i++;
		uint64_t size = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9' && size < (1ull << 40))
			size = size * 10 + (uint64_t)(p[i++] - '0');
		s->bdat_left = size;
		cmd_push(s, SMTP_CMD_BDAT);
	} else if (starts_ci(p, n, "starttls")) {
		cmd_push(s, SMTP_CMD_STARTTLS);
	} else if (starts_ci(p, n, "rset")) {
		files_free(m);
		m->nrcpt = 0;
		m->mail_from[0] = 0;
		cmd_push(s, SMTP_CMD_OTHER);
	} else {
		cmd_push(s, SMTP_CMD_OTHER);
	}
}

/* a piece of a line of the client: start, eol as for mime_piece */
static void client_piece(struct feed *f, const uint8_t *p, size_t n, bool start, bool eol)
{
	struct smtp_state *s = f->s;
	if (!s->data_mode) {
		if (eol)
			client_command(f, p, n);
		return;
	}
	if (start && eol && n == 1 && p[0] == '.') {
		message_end(f);
		/* its reply (250) answers the message, not the next command */
		cmd_push(s, SMTP_CMD_OTHER);
		return;
	}
	if (start && n && p[0] == '.') {
		p++;
		n--;
	}
	mime_piece(f, p, n, start, eol);
}

static void client_feed(struct feed *f, const uint8_t *d, size_t n)
{
	struct smtp_state *s = f->s;
	while (n && !s->tls) {
		if (s->bdat_left) {
			size_t k = n < s->bdat_left ? n : (size_t)s->bdat_left;
			s->bdat_left -= k;
			d += k;
			n -= k;
			continue;
		}
		const uint8_t *lf = memchr(d, '\n', n);
		size_t k = lf ? (size_t)(lf - d) + 1 : n;
		size_t body = lf ? k - 1 : k;
		size_t take = body < SMTP_LINE_MAX - s->line_len ? body : SMTP_LINE_MAX - s->line_len;
		memcpy(s->line + s->line_len, d, take);
		s->line_len += take;
		if (take < body) {
			if (s->data_mode) {
				/* a long message line goes on in pieces */
				client_piece(f, s->line, s->line_len, !s->line_cont, false);
				s->line_cont = true;
				s->line_len = 0;
				d += take;
				n -= take;
				continue;
			}
			s->line_long = true;	/* a command: the rest is dropped */
		}
		d += k;
		n -= k;
		if (!lf)
			break;
		size_t len = s->line_len;
		if (len && s->line[len - 1] == '\r' && !(take < body))
			len--;
		client_piece(f, s->line, len, !s->line_cont, true);
		s->line_len = 0;
		s->line_cont = false;
		s->line_long = false;
	}
}

/* ---- the server ---- */

static void server_line(struct feed *f, const uint8_t *p, size_t n)
{
	struct smtp_state *s = f->s;
	if (n < 3 || !isdigit(p[0]) || !isdigit(p[1]) || !isdigit(p[2]))
		return;
	int code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	bool last = n == 3 || p[3] != '-';
	/* "250-PIPELINING" in the reply to EHLO, as Suricata looks for it */
	if (code == 250 && n == 14 && !strncasecmp((const char *)p + 4, "pipelining", 10))
		s->pipelining = true;
	if (!last)
		return;
	if (!s->first_reply) {
		s->first_reply = true;
		if (code == 220)
			return;	/* the greeting answers no command */
	}
	if (!s->ncmds)
		return;
	uint8_t cmd = s->cmds[0];
	memmove(s->cmds, s->cmds + 1, --s->ncmds);
	if (cmd == SMTP_CMD_DATA && code == 354 && !s->data_mode)
		message_begin(s);
	else if (cmd == SMTP_CMD_STARTTLS && code == 220)
		s->tls = true;
}

static void server_feed(struct feed *f, const uint8_t *d, size_t n)
{
	struct smtp_state *s = f->s;
	while (n && !s->tls) {
		const uint8_t *lf = memchr(d, '\n', n);
		size_t k = lf ? (size_t)(lf - d) + 1 : n;
		size_t body = lf ? k - 1 : k;
		size_t take = body < SMTP_LINE_MAX - s->rline_len ? body :
			      SMTP_LINE_MAX - s->rline_len;
		memcpy(s->rline + s->rline_len, d, take);
		s->rline_len += take;
		d += k;
		n -= k;
		if (!lf)
			break;
		size_t len = s->rline_len;
		if (len && s->rline[len - 1] == '\r')
			len--;
		server_line(f, s->rline, len);
		s->rline_len = 0;
	}
}

void smtp_feed(struct smtp_state *s, int dir, const uint8_t *d, size_t n,
	       const struct smtp_ops *ops, void *ctx)
{
	struct feed f = { s, ops, ctx };
	if (dir == 0)
		client_feed(&f, d, n);
	else
		server_feed(&f, d, n);
}

void smtp_eof(struct smtp_state *s, int dir, const struct smtp_ops *ops, void *ctx)
{
	struct feed f = { s, ops, ctx };
	if (dir != 0 || !s->data_mode || s->tls)
		return;
	/* the last line, without its line break */
	if (s->line_len)
		client_piece(&f, s->line, s->line_len, !s->line_cont, true);
	s->line_len = 0;
	s->line_cont = false;
	if (s->data_mode)
		message_end(&f);
}

/* "a@b, c <d@e>": each address, trimmed, as Suricata's email.to lists them */
static json_t *address_list(const char *v)
{
	json_t *a = json_array();
	const char *p = v;
	while (a && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *q = p;
		while (n && (*q == ' ' || *q == '\t')) {
			q++;
			n--;
		}
		while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
			n--;
		if (n)
			json_array_append_new(a, json_stringn_nocheck(q, n));
		if (!e)
			break;
		p = e + 1;
	}
	return a;
}

json_t *smtp_eve_objects(const struct smtp_state *s, const struct smtp_msg *m)
{
	json_t *o = json_object();
	json_t *smtp = json_object();
	if (s->helo[0])
		json_object_set_new(smtp, "helo", json_string_nocheck(s->helo));
	if (m->mail_from[0])
		json_object_set_new(smtp, "mail_from", json_string_nocheck(m->mail_from));
	if (m->nrcpt) {
		json_t *r = json_array();
		for (unsigned i = 0; i < m->nrcpt; i++)
			json_array_append_new(r, json_string_nocheck(m->rcpt_to[i]));
		json_object_set_new(smtp, "rcpt_to", r);
	}
	json_object_set_new(o, "smtp", smtp);
	json_t *email = json_object();
	if (m->has_from)
		json_object_set_new(email, "from", json_string_nocheck(m->from));
	if (m->has_to)
		json_object_set_new(email, "to", address_list(m->to));
	if (m->has_cc)
		json_object_set_new(email, "cc", address_list(m->cc));
	if (m->nfiles) {
		json_t *a = json_array();
		for (unsigned i = 0; i < m->nfiles; i++)
			json_array_append_new(a, json_stringn_nocheck(m->files[i].name,
								      m->files[i].name_len));
		json_object_set_new(email, "attachment", a);
	}
	json_object_set_new(o, "email", email);
	return o;
}
