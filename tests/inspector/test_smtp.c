// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMTP and MIME: the parser (smtp.c) on hand-made sessions, fed whole and
 * a byte at a time (DATA across segments, dot-stuffing, two messages,
 * base64 and quoted-printable attachments, nested multiparts, a missing
 * closing boundary, PIPELINING, BDAT, STARTTLS, the limits); then
 * file_data in smtp rules through the engine, ET Open's rule as it is,
 * and the EVE smtp and email objects.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "app.h"
#include "testutil.h"

/* ---- the parser alone ---- */

#define MAXF 20
struct got {
	int messages;
	unsigned nfiles[4];	/* per message, the first four */
	char name[MAXF][SMTP_NAME_MAX + 1];
	uint8_t *data[MAXF];
	size_t len[MAXF];
	bool truncated[MAXF];
	unsigned total;		/* files over all messages */
	uint64_t lost;
	char mail_from[4][SMTP_FIELD_MAX];
	unsigned nrcpt[4];
	char *json[4];
	size_t limit;		/* room() grants this much in all, 0: everything */
	size_t granted;
};

static void on_msg(void *ctx, const struct smtp_state *s, const struct smtp_msg *m)
{
	struct got *g = ctx;
	if (g->messages < 4) {
		g->nfiles[g->messages] = m->nfiles;
		snprintf(g->mail_from[g->messages], sizeof(g->mail_from[0]), "%s", m->mail_from);
		g->nrcpt[g->messages] = m->nrcpt;
		json_t *o = smtp_eve_objects(s, m);
		g->json[g->messages] = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
	}
	g->messages++;
	g->lost += m->files_lost;
	for (unsigned i = 0; i < m->nfiles && g->total < MAXF; i++, g->total++) {
		const struct smtp_file *f = &m->files[i];
		snprintf(g->name[g->total], sizeof(g->name[0]), "%.*s", (int)f->name_len, f->name);
		g->data[g->total] = malloc(f->len + 1);
		assert_non_null(g->data[g->total]);
		if (f->len)
			memcpy(g->data[g->total], f->data, f->len);
		g->data[g->total][f->len] = 0;
		g->len[g->total] = f->len;
		g->truncated[g->total] = f->truncated;
	}
}

static bool on_room(void *ctx, size_t add)
{
	struct got *g = ctx;
	if (g->limit && g->granted + add > g->limit)
		return false;
	g->granted += add;
	return true;
}

static const struct smtp_ops OPS = { on_msg, on_room };

static void got_free(struct got *g)
{
	for (unsigned i = 0; i < g->total && i < MAXF; i++)
		free(g->data[i]);
	for (int i = 0; i < 4; i++)
		free(g->json[i]);
	memset(g, 0, sizeof(*g));
}

/* one side's text, in pieces of step bytes (0: whole) */
static void feed(struct smtp_state *s, int dir, const char *t, size_t step, struct got *g)
{
	size_t n = strlen(t);
	if (!step)
		step = n ? n : 1;
	for (size_t off = 0; off < n; off += step)
		smtp_feed(s, dir, (const uint8_t *)t + off, n - off < step ? n - off : step, &OPS, g);
}

#define GREETING "220 mx.example.com ESMTP ready\r\n"
#define EHLO_REPLY "250-mx.example.com\r\n250-SIZE 10000000\r\n250 HELP\r\n"

/* a session up to the message, the message, its end */
static void session(struct smtp_state *s, const char *msg, size_t step, struct got *g)
{
	feed(s, 1, GREETING, step, g);
	feed(s, 0, "EHLO client.example.org\r\n", step, g);
	feed(s, 1, EHLO_REPLY, step, g);
	feed(s, 0, "MAIL FROM:<alice@example.org> SIZE=1234\r\n", step, g);
	feed(s, 1, "250 2.1.0 Ok\r\n", step, g);
	feed(s, 0, "RCPT TO:<bob@example.com>\r\n", step, g);
	feed(s, 1, "250 2.1.5 Ok\r\n", step, g);
	feed(s, 0, "RCPT TO: <carol@example.com>\r\n", step, g);
	feed(s, 1, "250 2.1.5 Ok\r\n", step, g);
	feed(s, 0, "DATA\r\n", step, g);
	feed(s, 1, "354 End data with <CR><LF>.<CR><LF>\r\n", step, g);
	feed(s, 0, msg, step, g);
	feed(s, 0, "\r\n.\r\n", step, g);
	feed(s, 1, "250 2.0.0 Ok: queued\r\n", step, g);
}

/* "%!PS 16#41 >> setpattern" in base64 (76 characters a line, as mailers) */
#define PS_TEXT "%!PS\n<< /PaintType 1 16#41 >> setpattern\nshowpage\n"
#define PS_B64 "JSFQUwo8PCAvUGFpbnRUeXBlIDEgMTYjNDEgPj4gc2V0cGF0dGVybgpzaG93cGFnZQo="

#define MIXED_MSG \
	"From: Alice <alice@example.org>\r\n" \
	"To: bob@example.com, Carol <carol@example.com>\r\n" \
	"Subject: the report\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: multipart/mixed;\r\n" \
	"\tboundary=\"==outer==\"\r\n" \
	"\r\n" \
	"This is a multi-part message in MIME format.\r\n" \
	"--==outer==\r\n" \
	"Content-Type: text/plain; charset=us-ascii\r\n" \
	"\r\n" \
	"legal text in the body, not a file\r\n" \
	"--==outer==\r\n" \
	"Content-Type: application/postscript\r\n" \
	"Content-Disposition: attachment; filename=\"report.ps\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n" \
	"\r\n" \
	PS_B64 "\r\n" \
	"--==outer==--\r\n" \
	"epilogue"

static void check_mixed(const struct got *g)
{
	assert_int_equal(g->messages, 1);
	assert_int_equal(g->nfiles[0], 1);
	assert_string_equal(g->name[0], "report.ps");
	assert_int_equal(g->len[0], strlen(PS_TEXT));
	assert_memory_equal(g->data[0], PS_TEXT, strlen(PS_TEXT));
	assert_string_equal(g->mail_from[0], "<alice@example.org>");
	assert_int_equal(g->nrcpt[0], 2);
	assert_string_equal(g->json[0],
			    "{\"smtp\":{\"helo\":\"client.example.org\",\"mail_from\":"
			    "\"<alice@example.org>\",\"rcpt_to\":[\"<bob@example.com>\","
			    "\"<carol@example.com>\"]},\"email\":{\"from\":\"Alice <alice@example.org>\","
			    "\"to\":[\"bob@example.com\",\"Carol <carol@example.com>\"],"
			    "\"attachment\":[\"report.ps\"]}}");
}

static void parser_base64_attachment(void **state)
{
	(void)state;
	size_t steps[] = { 0, 1, 2, 7, 100 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct got g = { 0 };
		struct smtp_state *s = smtp_state_new();
		assert_non_null(s);
		session(s, MIXED_MSG, steps[i], &g);
		check_mixed(&g);
		/* the state's memory counts the file while it is held, not after */
		assert_int_equal(smtp_state_memory(s), sizeof(*s));
		smtp_state_free(s);
		got_free(&g);
	}
}

/* a leading "." of a message line is the sender's stuffing; "." alone ends it */
static void parser_dot_stuffing(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s,
		"Content-Type: text/plain; name=\"dots.txt\"\r\n"
		"\r\n"
		"..\r\n"
		"..hidden\r\n"
		"...\r\n"
		"a.b", 3, &g);
	assert_int_equal(g.messages, 1);
	assert_int_equal(g.nfiles[0], 1);
	assert_string_equal(g.name[0], "dots.txt");
	assert_string_equal((char *)g.data[0], ".\r\n.hidden\r\n..\r\na.b");
	smtp_state_free(s);
	got_free(&g);
}

/* two messages in one session, an RSET between them; the server's reply to
 * the first message's end does not answer the next command */
static void parser_two_messages(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s, "Content-Disposition: attachment; filename=one.bin\r\n\r\nFIRST", 0, &g);
	feed(s, 0, "RSET\r\n", 0, &g);
	feed(s, 1, "250 Ok\r\n", 0, &g);
	feed(s, 0, "MAIL FROM:<dave@example.net>\r\nRCPT TO:<eve@example.com>\r\nDATA\r\n", 0, &g);
	/* without PIPELINING the message waits for the 354 */
	feed(s, 1, "250 Ok\r\n250 Ok\r\n", 0, &g);
	feed(s, 0, "Content-Disposition: attachment; filename=two.bin\r\n\r\n", 0, &g);
	feed(s, 1, "354 go on\r\n", 0, &g);
	feed(s, 0, "Content-Disposition: attachment; filename=three.bin\r\n\r\nSECOND\r\n.\r\n",
	     0, &g);
	feed(s, 1, "250 Ok\r\n", 0, &g);
	feed(s, 0, "QUIT\r\n", 0, &g);
	feed(s, 1, "221 Bye\r\n", 0, &g);
	assert_int_equal(g.messages, 2);
	assert_int_equal(g.total, 2);
	assert_string_equal(g.name[0], "one.bin");
	assert_string_equal((char *)g.data[0], "FIRST");
	assert_string_equal(g.name[1], "three.bin");
	assert_string_equal((char *)g.data[1], "SECOND");
	assert_string_equal(g.mail_from[1], "<dave@example.net>");
	assert_int_equal(g.nrcpt[1], 1);
	assert_int_equal(s->messages, 2);
	smtp_state_free(s);
	got_free(&g);
}

static void parser_quoted_printable(void **state)
{
	(void)state;
	size_t steps[] = { 0, 1, 5 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct got g = { 0 };
		struct smtp_state *s = smtp_state_new();
		session(s,
			"Content-Type: multipart/mixed; boundary=b1\r\n"
			"\r\n"
			"--b1\r\n"
			"Content-Type: text/x-ps; name=qp.ps\r\n"
			"Content-Transfer-Encoding: Quoted-Printable\r\n"
			"\r\n"
			"16#41 =3E=3E set=\r\n"
			"pattern  \r\n"
			"=E9t=C3=A9 a=3Db =ZZ end=\r\n"
			"--b1--\r\n", steps[i], &g);
		assert_int_equal(g.nfiles[0], 1);
		assert_string_equal(g.name[0], "qp.ps");
		assert_string_equal((char *)g.data[0],
				    "16#41 >> setpattern\r\n\xe9t\xc3\xa9 a=b =ZZ end");
		smtp_state_free(s);
		got_free(&g);
	}
}

/* multipart/alternative inside multipart/mixed; attachments at both levels
 * and one in an encapsulated message */
static void parser_nested_multipart(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s,
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
		"\r\n"
		"--outer\r\n"
		"Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
		"\r\n"
		"--inner\r\n"
		"Content-Type: text/plain\r\n"
		"\r\n"
		"plain body\r\n"
		"--inner\r\n"
		"Content-Type: text/html\r\n"
		"\r\n"
		"<p>html body</p>\r\n"
		"--inner\r\n"
		"Content-Type: image/png; name=\"in.png\"\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\r\n"
		"SU5ORVI=\r\n"
		"--inner--\r\n"
		"--outer\r\n"
		"Content-Type: message/rfc822\r\n"
		"\r\n"
		"Subject: forwarded\r\n"
		"Content-Type: multipart/mixed; boundary=fwd\r\n"
		"\r\n"
		"--fwd\r\n"
		"Content-Disposition: attachment; filename=fwd.txt\r\n"
		"\r\n"
		"FORWARDED\r\n"
		"--fwd--\r\n"
		"--outer\r\n"
		"Content-Disposition: attachment; filename=\"out.txt\"\r\n"
		"\r\n"
		"OUTER\r\n"
		"--outer--\r\n", 0, &g);
	assert_int_equal(g.nfiles[0], 3);
	assert_string_equal(g.name[0], "in.png");
	assert_string_equal((char *)g.data[0], "INNER");
	assert_string_equal(g.name[1], "fwd.txt");
	assert_string_equal((char *)g.data[1], "FORWARDED");
	assert_string_equal(g.name[2], "out.txt");
	assert_string_equal((char *)g.data[2], "OUTER");
	smtp_state_free(s);
	got_free(&g);
}

/* an inner multipart never closed ends at its parent's boundary; a message
 * never closed at its "." */
static void parser_missing_end_boundary(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s,
		"Content-Type: multipart/mixed; boundary=A\r\n"
		"\r\n"
		"--A\r\n"
		"Content-Type: multipart/mixed; boundary=B\r\n"
		"\r\n"
		"--B\r\n"
		"Content-Disposition: attachment; filename=b.txt\r\n"
		"\r\n"
		"in B\r\n"
		"--A\r\n"
		"Content-Disposition: attachment; filename=a.txt\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"\r\n"
		"aW4g\r\n"
		"QQ", 0, &g);
	assert_int_equal(g.nfiles[0], 2);
	assert_string_equal((char *)g.data[0], "in B");
	/* "aW4gQQ": a group of two left at the end still gives its byte */
	assert_string_equal((char *)g.data[1], "in A");
	/* "--Anything" is not A's delimiter */
	got_free(&g);
	smtp_state_free(s);
	s = smtp_state_new();
	session(s,
		"Content-Type: multipart/mixed; boundary=A\r\n"
		"\r\n"
		"--A\r\n"
		"Content-Disposition: attachment; filename=x\r\n"
		"\r\n"
		"--Anything\r\n"
		"--A  \r\n"
		"Content-Disposition: attachment; filename=y\r\n"
		"\r\n"
		"Y\r\n"
		"--A--", 0, &g);
	assert_int_equal(g.nfiles[0], 2);
	assert_string_equal((char *)g.data[0], "--Anything");
	assert_string_equal((char *)g.data[1], "Y");
	smtp_state_free(s);
	got_free(&g);
}

/* which parts are files: a filename or a name, not an inline text part */
static void parser_which_parts(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s,
		"Content-Type: multipart/mixed; boundary=Q\r\n"
		"\r\n"
		"--Q\r\n"
		"Content-Disposition: inline\r\n"
		"\r\n"
		"inline text\r\n"
		"--Q\r\n"
		"Content-Type: text/plain; charset=\"utf-8\"; filename=\"not-a-ct-param\"\r\n"
		"\r\n"
		"no name\r\n"
		"--Q\r\n"
		"Content-Type: application/pdf; name=\"ct-name.pdf\"\r\n"
		"Content-Disposition: attachment; filename=\"disp-name.pdf\"\r\n"
		"\r\n"
		"PDF\r\n"
		"--Q--\r\n", 0, &g);
	assert_int_equal(g.nfiles[0], 1);
	assert_string_equal(g.name[0], "disp-name.pdf");
	assert_string_equal((char *)g.data[0], "PDF");
	smtp_state_free(s);
	got_free(&g);

	/* a message that is itself an attachment (no multipart) */
	s = smtp_state_new();
	session(s, "Content-Disposition: attachment; filename=whole.bin\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\nV0hPTEU=", 0, &g);
	assert_int_equal(g.nfiles[0], 1);
	assert_string_equal((char *)g.data[0], "WHOLE");
	smtp_state_free(s);
	got_free(&g);

	/* a plain mail has none */
	s = smtp_state_new();
	session(s, "Subject: hi\r\n\r\nlegal restore currentdevice putdeviceprops", 0, &g);
	assert_int_equal(g.messages, 1);
	assert_int_equal(g.nfiles[0], 0);
	smtp_state_free(s);
	got_free(&g);
}

/* DATA refused, PIPELINING, BDAT, STARTTLS, a side's end */
static void parser_commands(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	/* 554 to DATA: what follows are commands, not a message */
	feed(s, 1, GREETING, 0, &g);
	feed(s, 0, "HELO a\r\nMAIL FROM:<a@b>\r\nDATA\r\n", 0, &g);
	feed(s, 1, "250 Ok\r\n250 Ok\r\n554 no valid recipients\r\n", 0, &g);
	feed(s, 0, "Content-Disposition: attachment; filename=x\r\n\r\nX\r\n.\r\n", 0, &g);
	assert_int_equal(g.messages, 0);
	smtp_state_free(s);

	/* PIPELINING: the message follows DATA at once, in the same segment */
	s = smtp_state_new();
	feed(s, 1, GREETING, 0, &g);
	feed(s, 0, "EHLO a\r\n", 0, &g);
	feed(s, 1, "250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 0, &g);
	feed(s, 0, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
		   "Content-Disposition: attachment; filename=p\r\n\r\nPIPE\r\n.\r\n", 0, &g);
	assert_int_equal(g.messages, 1);
	assert_string_equal((char *)g.data[0], "PIPE");
	/* the replies come later; the 354 does not start another message */
	feed(s, 1, "250 Ok\r\n250 Ok\r\n354 go\r\n250 queued\r\n", 0, &g);
	feed(s, 0, "QUIT\r\n", 0, &g);
	assert_int_equal(g.messages, 1);
	smtp_state_free(s);
	got_free(&g);

	/* BDAT: the chunk is skipped, even a "DATA" line in it */
	s = smtp_state_new();
	feed(s, 1, GREETING, 0, &g);
	feed(s, 0, "EHLO a\r\nMAIL FROM:<a@b>\r\nBDAT 6 LAST\r\nDATA\r\nRCPT TO:<x@y>\r\n", 0, &g);
	feed(s, 1, "250 a\r\n250 b\r\n250 c\r\n250 d\r\n", 0, &g);
	assert_int_equal(s->msg.nrcpt, 1);
	assert_false(s->data_mode);
	smtp_state_free(s);

	/* STARTTLS accepted: nothing more is read */
	s = smtp_state_new();
	feed(s, 1, GREETING, 0, &g);
	feed(s, 0, "EHLO a\r\nSTARTTLS\r\n", 0, &g);
	feed(s, 1, "250 a\r\n220 go ahead\r\n", 0, &g);
	assert_true(s->tls);
	feed(s, 0, "MAIL FROM:<a@b>\r\nDATA\r\n", 0, &g);
	feed(s, 1, "250 a\r\n354 b\r\n", 0, &g);
	assert_false(s->data_mode);
	assert_string_equal(s->msg.mail_from, "");
	smtp_state_free(s);

	/* the client's side ends inside a message: it is over */
	s = smtp_state_new();
	feed(s, 1, GREETING, 0, &g);
	feed(s, 0, "HELO a\r\nMAIL FROM:<a@b>\r\nDATA\r\n", 0, &g);
	feed(s, 1, "250 a\r\n250 b\r\n354 c\r\n", 0, &g);
	feed(s, 0, "Content-Disposition: attachment; filename=e\r\n\r\nEOF", 0, &g);
	assert_int_equal(g.messages, 0);
	smtp_eof(s, 0, &OPS, &g);
	assert_int_equal(g.messages, 1);
	assert_string_equal((char *)g.data[0], "EOF");
	smtp_state_free(s);
	got_free(&g);
}

/* lines past SMTP_LINE_MAX, files past SMTP_FILE_MAX and SMTP_FILES_MAX,
 * memory refused */
static void parser_limits(void **state)
{
	(void)state;
	/* a base64 body in one line of 3 * SMTP_LINE_MAX characters */
	size_t n64 = 3 * SMTP_LINE_MAX;
	char *msg = malloc(n64 + 256);
	assert_non_null(msg);
	int k = sprintf(msg, "Content-Disposition: attachment; filename=long\r\n"
			     "Content-Transfer-Encoding: base64\r\n\r\n");
	for (size_t i = 0; i < n64; i += 4)
		memcpy(msg + k + i, "QUJD", 4);
	msg[k + n64] = 0;
	struct got g = { 0 };
	struct smtp_state *s = smtp_state_new();
	session(s, msg, 0, &g);
	assert_int_equal(g.len[0], n64 / 4 * 3);
	assert_memory_equal(g.data[0], "ABCABC", 6);
	assert_false(g.truncated[0]);
	smtp_state_free(s);
	got_free(&g);
	free(msg);

	/* 2 MiB of data: the first SMTP_FILE_MAX bytes are kept */
	size_t big = 2u << 20;
	msg = malloc(big + 256);
	assert_non_null(msg);
	k = sprintf(msg, "Content-Disposition: attachment; filename=big\r\n\r\n");
	for (size_t i = 0; i < big; i += 100) {
		memset(msg + k + i, 'z', 98);
		memcpy(msg + k + i + 98, "\r\n", 2);
	}
	msg[k + big] = 0;
	s = smtp_state_new();
	session(s, msg, 0, &g);
	assert_int_equal(g.len[0], SMTP_FILE_MAX);
	assert_true(g.truncated[0]);
	smtp_state_free(s);
	got_free(&g);

	/* room() refuses: the file is cut at what it had */
	g.limit = 1;
	s = smtp_state_new();
	session(s, msg, 0, &g);
	assert_int_equal(g.messages, 1);
	assert_int_equal(g.len[0], 0);
	assert_true(g.truncated[0]);
	smtp_state_free(s);
	got_free(&g);
	free(msg);

	/* SMTP_FILES_MAX + 2 attachments: the last two are not kept */
	struct strbuf b = { 0 };
	assert_int_equal(strbuf_printf(&b, "Content-Type: multipart/mixed; boundary=M\r\n\r\n"), 0);
	for (int i = 0; i < SMTP_FILES_MAX + 2; i++)
		assert_int_equal(strbuf_printf(&b, "--M\r\nContent-Disposition: attachment; "
					       "filename=f%d\r\n\r\nF%d\r\n", i, i), 0);
	assert_int_equal(strbuf_printf(&b, "--M--\r\n"), 0);
	s = smtp_state_new();
	session(s, b.s, 0, &g);
	assert_int_equal(g.nfiles[0], SMTP_FILES_MAX);
	assert_int_equal(g.lost, 2);
	assert_string_equal((char *)g.data[SMTP_FILES_MAX - 1], "F15");
	smtp_state_free(s);
	got_free(&g);
	strbuf_free(&b);

	/* nesting past SMTP_MIME_DEPTH: the deepest level is not split */
	b = (struct strbuf){ 0 };
	for (int i = 0; i <= SMTP_MIME_DEPTH; i++)
		assert_int_equal(strbuf_printf(&b, "%sContent-Type: multipart/mixed; "
					       "boundary=L%d\r\n\r\n", i ? "--L" : "", i), 0);
	/* the open parts above: "--L<i-1>\r\n" started each; close the text */
	assert_int_equal(strbuf_printf(&b, "--L%d\r\nContent-Disposition: attachment; "
				       "filename=deep\r\n\r\nDEEP\r\n", SMTP_MIME_DEPTH), 0);
	s = smtp_state_new();
	session(s, b.s, 0, &g);
	assert_int_equal(g.messages, 1);
	assert_int_equal(g.nfiles[0], 0);
	smtp_state_free(s);
	got_free(&g);
	strbuf_free(&b);
}

/* ---- through the engine ---- */

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

/* a TCP conversation from cli to srv:25 */
struct sconn {
	const char *cli, *srv;
	uint16_t cport;
	uint32_t cseq, sseq;
	struct timespec ts;
};

static int sc_pkt(struct sconn *c, int from_client, uint8_t flags, const char *d, size_t n,
		  struct snet_inspect_verdict *v)
{
	static uint8_t buf[70000];
	struct snet_inspect_verdict tmp;
	size_t len = from_client ?
		tu_tcp(buf, 0, c->cli, c->srv, c->cport, 25, c->cseq, c->sseq, flags, d, n) :
		tu_tcp(buf, 0, c->srv, c->cli, 25, c->cport, c->sseq, c->cseq, flags, d, n);
	uint32_t adv = (uint32_t)n + ((flags & 0x03) ? 1 : 0);
	if (from_client)
		c->cseq += adv;
	else
		c->sseq += adv;
	c->ts.tv_nsec += 1000000;
	if (c->ts.tv_nsec >= 1000000000) {
		c->ts.tv_sec++;
		c->ts.tv_nsec -= 1000000000;
	}
	assert_int_equal(snet_inspect_worker_packet(W, buf, len, &c->ts, NULL, v ? v : &tmp), 0);
	return (v ? v : &tmp)->action;
}

static void sc_open(struct sconn *c, const char *cli, const char *srv, uint16_t cport)
{
	*c = (struct sconn){ cli, srv, cport, 5000, 9000, { 1700000000, 0 } };
	sc_pkt(c, 1, 0x02, "", 0, NULL);
	sc_pkt(c, 0, 0x12, "", 0, NULL);
	sc_pkt(c, 1, 0x10, "", 0, NULL);
}

/* client text in segments of at most seg bytes; the sids that alerted, as bits */
static uint32_t sc_send(struct sconn *c, const char *t, size_t seg)
{
	uint32_t sids = 0;
	size_t n = strlen(t);
	for (size_t off = 0; off < n; off += seg) {
		struct snet_inspect_verdict v;
		sc_pkt(c, 1, 0x18, t + off, n - off < seg ? n - off : seg, &v);
		for (unsigned i = 0; i < v.nalerts_kept; i++)
			sids |= v.alerts[i].sid < 32 ? 1u << v.alerts[i].sid : 0;
	}
	return sids;
}

static uint32_t sc_reply(struct sconn *c, const char *t)
{
	struct snet_inspect_verdict v;
	sc_pkt(c, 0, 0x18, t, strlen(t), &v);
	uint32_t sids = 0;
	for (unsigned i = 0; i < v.nalerts_kept; i++)
		sids |= v.alerts[i].sid < 32 ? 1u << v.alerts[i].sid : 0;
	return sids;
}

/* a session carrying msg; the sids that alerted on it */
static uint32_t sc_session(struct sconn *c, const char *msg, size_t seg)
{
	uint32_t sids = sc_reply(c, GREETING);
	sids |= sc_send(c, "EHLO client.example.org\r\n", seg);
	sids |= sc_reply(c, EHLO_REPLY);
	sids |= sc_send(c, "MAIL FROM:<alice@example.org>\r\n", seg);
	sids |= sc_reply(c, "250 Ok\r\n");
	sids |= sc_send(c, "RCPT TO:<bob@example.com>\r\n", seg);
	sids |= sc_reply(c, "250 Ok\r\n");
	sids |= sc_send(c, "DATA\r\n", seg);
	sids |= sc_reply(c, "354 go\r\n");
	sids |= sc_send(c, msg, seg);
	sids |= sc_send(c, "\r\n.\r\n", seg);
	sids |= sc_reply(c, "250 queued\r\n");
	return sids;
}

#define B(n) (1u << (n))

static void file_data_rules(void **state)
{
	(void)state;
	tu_setup("alert smtp any any -> any any (msg:\"ps\"; flow:to_server,established; file_data; "
		 "content:\"16#\"; content:\"setpattern\"; distance:0; "
		 "pcre:\"/16#[^s]\\d+\\s*\\x3E\\x3E\\s*setpattern/smi\"; sid:1;)\n"
		 "alert smtp any any -> any any (msg:\"body text\"; file_data; "
		 "content:\"not a file\"; sid:2;)\n"
		 "alert smtp any any -> any any (msg:\"header\"; file_data; content:\"report.ps\"; "
		 "sid:3;)\n"
		 "alert smtp any any -> any any (msg:\"raw base64\"; file_data; content:\"JSFQUwo8\"; "
		 "sid:4;)\n"
		 "alert smtp any any -> any any (msg:\"start\"; file_data; content:\"%!PS\"; "
		 "startswith; isdataat:10,relative; sid:5;)\n"
		 "alert smtp any any -> any any (msg:\"stream\"; content:\"report.ps\"; sid:6;)\n"
		 "alert tcp any any -> any any (msg:\"to_client http\"; flow:to_client; file_data; "
		 "content:\"setpattern\"; sid:7;)\n"
		 "alert smtp any any -> any any (msg:\"negated\"; file_data; content:\"showpage\"; "
		 "content:!\"legal\"; sid:8;)\n",
		 &RS, &W);
	size_t segs[] = { 1400, 7, 1 };
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct sconn c;
		sc_open(&c, "192.0.2.7", "10.0.0.5", (uint16_t)(40000 + i));
		/* the decoded attachment, not the text part, the headers or the
		 * base64; the raw stream still sees the headers */
		assert_int_equal(sc_session(&c, MIXED_MSG, segs[i]), B(1) | B(5) | B(6) | B(8));
	}
	tu_teardown(&RS, &W);
}

/* one alert a message, however many attachments match; the contents of
 * a rule must be in one attachment */
static void file_data_instances(void **state)
{
	(void)state;
	tu_setup("alert smtp any any -> any any (msg:\"one\"; file_data; content:\"EVIL\"; sid:1;)\n"
		 "alert smtp any any -> any any (msg:\"both\"; file_data; content:\"AAA\"; "
		 "content:\"BBB\"; sid:2;)\n"
		 "alert smtp any any -> any any (msg:\"second\"; file_data; content:\"CCC\"; "
		 "startswith; sid:3;)\n", &RS, &W);
	struct sconn c;
	sc_open(&c, "192.0.2.7", "10.0.0.5", 40100);
	assert_int_equal(sc_session(&c,
				    "Content-Type: multipart/mixed; boundary=X\r\n\r\n"
				    "--X\r\nContent-Disposition: attachment; filename=a\r\n\r\nEVIL AAA\r\n"
				    "--X\r\nContent-Disposition: attachment; filename=b\r\n\r\nCCC EVIL BBB\r\n"
				    "--X--\r\n", 1400),
			 B(1) | B(3));
	assert_int_equal(tu_eve_count("select(.alert.signature_id==1)"), 1);
	/* an empty first attachment: the second is still searched */
	assert_int_equal(sc_session(&c,
				    "Content-Type: multipart/mixed; boundary=X\r\n\r\n"
				    "--X\r\nContent-Disposition: attachment; filename=e\r\n\r\n"
				    "--X\r\nContent-Disposition: attachment; filename=f\r\n\r\nEVIL\r\n"
				    "--X--\r\n", 1400),
			 B(1));
	tu_teardown(&RS, &W);
}

/* ET Open's rule as it is: an external client, the server in $HOME_NET */
static void et_rule_verbatim(void **state)
{
	(void)state;
	tu_setup("alert smtp $EXTERNAL_NET any -> $SMTP_SERVERS any (msg:\"ET EXPLOIT Ghostscript "
		 "setpattern type confusion attempt (SMTP)\"; flow:to_server,established; "
		 "file_data; content:\"16#\"; content:\"setpattern\"; distance:0; "
		 "pcre:\"/16#[^s]\\d+\\s*\\x3E\\x3E\\s*setpattern/smi\"; metadata: former_category "
		 "EXPLOIT; reference:url,seclists.org/oss-sec/2018/q3/142; classtype:attempted-user; "
		 "sid:2026090; rev:2; metadata:attack_target SMTP_Server, deployment Datacenter, "
		 "signature_severity Informational, created_at 2018_09_05, updated_at "
		 "2018_09_05;)\n", &RS, &W);
	struct sconn c;
	sc_open(&c, "192.0.2.7", "10.0.0.5", 40200);
	sc_session(&c, MIXED_MSG, 1400);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==2026090 and "
				      ".app_proto==\"smtp\" and .dest_ip==\"10.0.0.5\" and "
				      ".smtp.helo==\"client.example.org\" and "
				      ".smtp.mail_from==\"<alice@example.org>\" and "
				      ".smtp.rcpt_to==[\"<bob@example.com>\"] and "
				      ".email.from==\"Alice <alice@example.org>\" and "
				      ".email.attachment==[\"report.ps\"])"), 1);
	/* the other way round the header does not match */
	sc_open(&c, "10.0.0.5", "192.0.2.7", 40201);
	sc_session(&c, MIXED_MSG, 1400);
	assert_int_equal(tu_eve_count("select(.alert.signature_id==2026090)"), 1);
	tu_teardown(&RS, &W);
}

/* the SMTP state is counted in the flow and refused past flow-memcap */
static void engine_memcap(void **state)
{
	(void)state;
	RS = tu_load_ok("alert smtp any any -> any any (msg:\"z\"; file_data; content:\"zzzz\"; "
			"sid:1;)\n", (const char *const[]){ "flow-memcap", "131072", NULL });
	assert_non_null(RS);
	W = tu_worker(RS);
	assert_non_null(W);
	size_t big = 400000;
	char *msg = malloc(big + 128);
	assert_non_null(msg);
	int k = sprintf(msg, "Content-Disposition: attachment; filename=big\r\n\r\n");
	for (size_t i = 0; i < big; i += 100) {
		memset(msg + k + i, 'z', 98);
		memcpy(msg + k + i + 98, "\r\n", 2);
	}
	msg[k + big] = 0;
	struct sconn c;
	sc_open(&c, "192.0.2.7", "10.0.0.5", 40300);
	/* what was kept still matches */
	assert_int_equal(sc_session(&c, msg, 1400), B(1));
	struct snet_inspect_stats st;
	snet_inspect_worker_stats(W, &st);
	assert_true(st.smtp_memcap >= 1);
	assert_int_equal(st.smtp_file_truncated, 1);
	assert_true(st.flow_memory <= 131072);
	free(msg);
	tu_teardown(&RS, &W);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_base64_attachment),
		cmocka_unit_test(parser_dot_stuffing),
		cmocka_unit_test(parser_two_messages),
		cmocka_unit_test(parser_quoted_printable),
		cmocka_unit_test(parser_nested_multipart),
		cmocka_unit_test(parser_missing_end_boundary),
		cmocka_unit_test(parser_which_parts),
		cmocka_unit_test(parser_commands),
		cmocka_unit_test(parser_limits),
		cmocka_unit_test(file_data_rules),
		cmocka_unit_test(file_data_instances),
		cmocka_unit_test(et_rule_verbatim),
		cmocka_unit_test(engine_memcap),
	};
	return cmocka_run_group_tests_name("smtp", tests, NULL, NULL);
}
