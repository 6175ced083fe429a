// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP/1.x message framing, as rules see it: chunked bodies (with
 * extensions and trailers), interim responses, responses that have no
 * body whatever their headers say, bodies delimited by the close,
 * compressed bodies.  Each conversation is played whole and again one
 * byte, three and seven bytes per segment, and must give the same alerts;
 * a request or response that follows on the connection is the check that
 * the framing ended where it should.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "testutil.h"

static struct snet_inspect_worker *W;
static struct snet_inspect_ruleset *RS;

/* one message of a conversation: from the client (0) or the server (1) */
struct step {
	int from_server;
	const char *data;
	size_t len;		/* 0: strlen(data) */
};

#define END { -1, NULL, 0 }
#define S(n) (1u << (n))

/* the sids (1 to 31) the conversation alerted on, its segments seg bytes
 * long (0: each step in one segment), closed by both sides if fin */
static uint32_t play(uint16_t dport, const struct step *steps, size_t seg, int fin)
{
	struct tu_conn c = { 0 };
	struct snet_inspect_verdict v;
	uint32_t got = 0;

	tu_conn_open(&c, W, dport);
	for (const struct step *s = steps; s->from_server >= 0; s++) {
		size_t n = s->len ? s->len : strlen(s->data);
		for (size_t off = 0; off < n;) {
			size_t k = seg && n - off > seg ? seg : n - off;
			if (s->from_server)
				tu_conn_reply(&c, s->data + off, k, &v);
			else
				tu_conn_send(&c, s->data + off, k, &v);
			for (uint32_t sid = 1; sid < 32; sid++)
				if (tu_has_sid(&v, sid))
					got |= S(sid);
			off += k;
		}
	}
	if (fin) {
		tu_conn_reply_fin(&c, &v);
		for (uint32_t sid = 1; sid < 32; sid++)
			if (tu_has_sid(&v, sid))
				got |= S(sid);
		tu_conn_fin(&c, &v);
		for (uint32_t sid = 1; sid < 32; sid++)
			if (tu_has_sid(&v, sid))
				got |= S(sid);
	}
	return got;
}

/* the conversation alerts exactly on want, however it is segmented */
static void expect(const char *what, uint16_t dport, const struct step *steps, int fin,
		   uint32_t want)
{
	static const size_t segs[] = { 0, 1, 3, 7 };
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		/* a port of its own each time: a fresh flow */
		uint32_t got = play((uint16_t)(dport + i), steps, segs[i], fin);
		if (got != want)
			fail_msg("%s, %zu-byte segments: sids 0x%x, want 0x%x", what, segs[i], got,
				 want);
	}
}

/*
 * A chunked request body is inspected de-chunked: the chunk-size lines
 * (with an extension), the last chunk and the trailer fields are framing,
 * not body.  Transfer-Encoding wins over a Content-Length beside it
 * (RFC 9112 6.3), or a smuggled request would hide in the body.
 */
static void chunked_request(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"body\"; flow:to_server; "
		 "http.request_body; content:\"secret-payload\"; startswith; endswith; sid:1;)\n"
		 "alert tcp any any -> any any (msg:\"raw\"; flow:to_server; "
		 "content:\"secret-payload\"; sid:2;)\n"
		 "alert http any any -> any any (msg:\"next\"; http.uri; content:\"/after\"; "
		 "sid:3;)\n"
		 "alert http any any -> any any (msg:\"framing in body\"; http.request_body; "
		 "content:\"Trailer\"; sid:4;)\n",
		 &RS, &W);
	static const struct step plain[] = {
		{ 0, "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "5;name=v\r\nsecre\r\n9\r\nt-payload\r\n0\r\nX-Trailer: 1\r\nX-Two: 2\r\n\r\n"
		     "GET /after HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		END,
	};
	expect("chunked", 9000, plain, 0, S(1) | S(3));
	/* upper-case hex sizes, a Content-Length that would end the body
	 * after "5\r\nA" and read the rest as a request */
	static const struct step smuggle[] = {
		{ 0, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n"
		     "E\r\nsecret-payload\r\n0\r\n\r\n"
		     "GET /after HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		END,
	};
	expect("chunked with a Content-Length", 9010, smuggle, 0, S(1) | S(2) | S(3));
	tu_teardown(&RS, &W);
}

/* a chunked response body reaches file_data whole; the response after it
 * on the connection is read as one */
static void chunked_response(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"evil-bytes\"; sid:1;)\n"
		 "alert http any any -> any any (msg:\"404\"; flow:to_client; http.stat_code; "
		 "content:\"404\"; sid:2;)\n"
		 "alert http any any -> any any (msg:\"size line\"; flow:to_client; file_data; "
		 "content:\"|0d0a|\"; sid:3;)\n",
		 &RS, &W);
	static const struct step conv[] = {
		{ 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "4\r\nevil\r\n6 ; x=y\r\n-bytes\r\n0\r\n\r\n"
		     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0 },
		END,
	};
	expect("chunked response", 9100, conv, 0, S(1) | S(2));
	tu_teardown(&RS, &W);
}

/* a 100 Continue is not the response: its line and headers are dropped,
 * the final response's are inspected with its body */
static void interim_response(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"200\"; flow:to_client; http.stat_code; "
		 "content:\"200\"; sid:1;)\n"
		 "alert http any any -> any any (msg:\"100\"; flow:to_client; http.stat_code; "
		 "content:\"100\"; sid:2;)\n"
		 "alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"final\"; sid:3;)\n"
		 "alert http any any -> any any (msg:\"req body\"; http.request_body; "
		 "content:\"data\"; sid:4;)\n"
		 "alert http any any -> any any (msg:\"interim header\"; flow:to_client; "
		 "http.header; content:\"X-Interim\"; sid:5;)\n",
		 &RS, &W);
	static const struct step conv[] = {
		{ 0, "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
		     "Content-Length: 4\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n", 0 },
		{ 0, "data", 0 },
		{ 1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal", 0 },
		END,
	};
	expect("100 Continue", 9200, conv, 0, S(1) | S(3) | S(4));
	tu_teardown(&RS, &W);
}

/* a response to HEAD, a 204 and a 304 have no body whatever their
 * Content-Length says: the next response starts right after the headers */
static void responses_without_body(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"404\"; flow:to_client; http.stat_code; "
		 "content:\"404\"; sid:1;)\n"
		 "alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"HTTP/1.1\"; sid:2;)\n",
		 &RS, &W);
	static const char *const first[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
		"HTTP/1.1 204 No Content\r\nContent-Length: 100\r\n\r\n",
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
	};
	static const char *const method[] = { "HEAD", "GET", "GET" };
	for (size_t i = 0; i < 3; i++) {
		char req[128], what[32];
		snprintf(req, sizeof(req), "%s /a HTTP/1.1\r\nHost: h\r\n\r\n"
			 "GET /b HTTP/1.1\r\nHost: h\r\n\r\n", method[i]);
		const struct step conv[] = {
			{ 0, req, 0 },
			{ 1, first[i], 0 },
			{ 1, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc", 0 },
			END,
		};
		snprintf(what, sizeof(what), "%.3s then 404", first[i] + 9);
		expect(what, (uint16_t)(9300 + 10 * i), conv, 0, S(1));
	}
	/* a lowercase head is a HEAD too (the method is case-insensitive) */
	static const struct step lower[] = {
		{ 0, "head /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
		     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0 },
		END,
	};
	expect("head then 404", 9340, lower, 0, S(1));
	tu_teardown(&RS, &W);
}

/* no Content-Length, no chunking: the body runs to the server's FIN */
static void body_until_close(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"close-delimited\"; content:\"end of it\"; endswith; sid:1;)\n",
		 &RS, &W);
	static const struct step conv[] = {
		{ 0, "GET /a HTTP/1.0\r\nHost: h\r\n\r\n", 0 },
		{ 1, "HTTP/1.0 200 OK\r\nServer: s\r\n\r\na close-delimited body, ", 0 },
		{ 1, "and the end of it", 0 },
		END,
	};
	expect("until close", 9400, conv, 1, S(1));
	/* not before the close: the body's end is not known yet */
	expect("until close, no FIN", 9410, conv, 0, 0);
	tu_teardown(&RS, &W);
}

/* a response body compressed as windowBits says: 15 + 16 gzip, 15 zlib,
 * -15 raw deflate; with its Content-Length */
static size_t compressed_response(char *r, size_t cap, const char *coding, int wbits,
				  const char *text)
{
	uint8_t z[1024];
	z_stream zs = { 0 };
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = z;
	zs.avail_out = sizeof(z);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zl = sizeof(z) - zs.avail_out;
	deflateEnd(&zs);
	int n = snprintf(r, cap, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
			 "Content-Length: %zu\r\n\r\n", coding, zl);
	assert_true(n > 0 && (size_t)n + zl <= cap);
	memcpy(r + n, z, zl);
	return (size_t)n + zl;
}

/*
 * file_data is the decoded body: gzip, x-gzip, and deflate both as RFC
 * 9110 has it (zlib) and as many servers send it (raw, which browsers
 * take too, and so does Suricata's libhtp).
 */
static void compressed_bodies(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"inflated-marker\"; sid:1;)\n",
		 &RS, &W);
	static const struct {
		const char *coding;
		int wbits;
	} kinds[] = { { "gzip", 15 + 16 }, { "x-gzip", 15 + 16 }, { "deflate", 15 },
		      { "deflate", -15 }, { "Deflate", -15 } };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char r[2048], what[48];
		size_t n = compressed_response(r, sizeof(r), kinds[i].coding, kinds[i].wbits,
					       "some text, an inflated-marker, more text");
		const struct step conv[] = {
			{ 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
			{ 1, r, n },
			END,
		};
		snprintf(what, sizeof(what), "%s, windowBits %d", kinds[i].coding, kinds[i].wbits);
		expect(what, (uint16_t)(9500 + 10 * i), conv, 0, S(1));
	}
	/* an unknown coding is not decoded: the rule sees the bytes as sent */
	char r[2048];
	size_t n = compressed_response(r, sizeof(r), "br", 15 + 16, "an inflated-marker");
	const struct step br[] = {
		{ 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
		{ 1, r, n },
		END,
	};
	expect("br", 9600, br, 0, 0);
	tu_teardown(&RS, &W);
}

/*
 * Twelve requests pipelined before any response (the first a HEAD): each
 * response is paired with its own request, so the HEAD's has no body and
 * the last one's body and URI are the twelfth request's.  (With eight
 * kept, the oldest were dropped and the responses paired with the wrong
 * requests: the HEAD's answer was read as having a body.)  512 wait at
 * most, as Suricata's max-tx.
 */
static void pipelined_requests(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"last\"; flow:to_client; http.uri; "
		 "content:\"/r11\"; endswith; file_data; content:\"body 11\"; sid:1;)\n"
		 "alert http any any -> any any (msg:\"head\"; flow:to_client; http.method; "
		 "content:\"HEAD\"; http.stat_code; content:\"301\"; sid:2;)\n"
		 "alert http any any -> any any (msg:\"mispaired\"; flow:to_client; http.uri; "
		 "content:\"/r1\"; endswith; http.stat_code; content:\"301\"; sid:3;)\n",
		 &RS, &W);
	static char req[1024], resp[2048];
	size_t rn = 0, sn = 0;
	for (int i = 0; i < 12; i++) {
		rn += (size_t)snprintf(req + rn, sizeof(req) - rn,
				       "%s /r%d HTTP/1.1\r\nHost: h\r\n\r\n", i ? "GET" : "HEAD", i);
		sn += (size_t)snprintf(resp + sn, sizeof(resp) - sn, i ?
				       "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nbody %02d" :
				       "HTTP/1.1 301 Moved\r\nContent-Length: 9\r\n\r\n", i);
	}
	const struct step conv[] = { { 0, req, 0 }, { 1, resp, 0 }, END };
	expect("twelve pipelined", 9700, conv, 0, S(1) | S(2));
	tu_teardown(&RS, &W);

	/* 512 wait for their responses at most: the 513th stops the side */
	tu_setup("alert http any any -> any any (msg:\"512th\"; http.uri; content:\"/q511\"; "
		 "endswith; sid:1;)\n"
		 "alert http any any -> any any (msg:\"513th\"; http.uri; content:\"/q512\"; "
		 "endswith; sid:2;)\n",
		 &RS, &W);
	static char many[520 * 32];
	size_t mn = 0;
	for (int i = 0; i < 520; i++)
		mn += (size_t)snprintf(many + mn, sizeof(many) - mn, "GET /q%d HTTP/1.1\r\n\r\n", i);
	const struct step flood[] = { { 0, many, 0 }, END };
	expect("520 pipelined", 9710, flood, 0, S(1));
	tu_teardown(&RS, &W);
}

/* the status line's parts apart by spaces or tabs, any number, as libhtp
 * reads them: http.stat_code and http.stat_msg without the blanks */
static void status_line_forms(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"code\"; flow:to_client; http.stat_code; "
		 "content:\"404\"; startswith; endswith; sid:1;)\n"
		 "alert http any any -> any any (msg:\"msg\"; flow:to_client; http.stat_msg; "
		 "content:\"Not Found\"; startswith; endswith; sid:2;)\n"
		 "alert http any any -> any any (msg:\"file\"; flow:to_client; file_data; "
		 "content:\"gone\"; sid:3;)\n",
		 &RS, &W);
	static const char *const lines[] = {
		"HTTP/1.1 404 Not Found", "HTTP/1.1\t404\tNot Found", "HTTP/1.1  404 \t Not Found",
		"http/1.1 404 Not Found", "HTTP/1.1 404",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char resp[128];
		snprintf(resp, sizeof(resp), "%s\r\nContent-Length: 4\r\n\r\ngone", lines[i]);
		const struct step conv[] = {
			{ 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
			{ 1, resp, 0 },
			END,
		};
		expect(lines[i], (uint16_t)(9800 + 10 * i), conv, 0,
		       S(1) | S(3) | (strchr(lines[i] + 9, 'N') ? S(2) : 0));
	}
	tu_teardown(&RS, &W);
}

/* http.server and http.location: the response's Server and Location
 * headers (Suricata 7), not the request's */
static void server_and_location(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"server\"; flow:to_client; http.server; "
		 "content:\"nginx/1.0\"; startswith; endswith; sid:1;)\n"
		 "alert http any any -> any any (msg:\"location\"; http.location; "
		 "content:\"http://evil.example/x.exe\"; bsize:25; sid:2;)\n",
		 &RS, &W);
	static const struct step conv[] = {
		{ 0, "GET /a HTTP/1.1\r\nHost: h\r\nServer: nginx/1.0\r\n"
		     "Location: http://evil.example/x.exe\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 302 Found\r\nServer:   nginx/1.0 \r\n"
		     "Location: http://evil.example/x.exe\r\nContent-Length: 0\r\n\r\n", 0 },
		END,
	};
	expect("302 from nginx", 9900, conv, 0, S(1) | S(2));
	const struct step req_only[] = { conv[0], END };
	expect("request with those headers", 9910, req_only, 0, 0);
	tu_teardown(&RS, &W);
}

/* http.request_header and http.response_header: each header line of the
 * side, "Name: value", a buffer of its own (Suricata 7's multi-buffer) */
static void header_lines(void **state)
{
	(void)state;
	tu_setup("alert http any any -> any any (msg:\"req\"; http.request_header; "
		 "content:\"X-Evil: 1\"; startswith; endswith; sid:1;)\n"
		 "alert http any any -> any any (msg:\"resp\"; flow:to_client; "
		 "http.response_header; content:\"server: evil\"; nocase; startswith; sid:2;)\n"
		 "alert http any any -> any any (msg:\"bsize\"; http.request_header; "
		 "content:\"Host: \"; bsize:7; sid:3;)\n",
		 &RS, &W);
	static const struct step hit[] = {
		{ 0, "GET /a HTTP/1.1\r\nHost: h\r\nX-Evil: 1\r\nAccept: */*\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nServer: Evil/2\r\n\r\n", 0 },
		END,
	};
	expect("header lines", 9920, hit, 0, S(1) | S(2) | S(3));
	/* the same bytes across two lines, or a longer value: no line is it */
	static const struct step miss[] = {
		{ 0, "GET /a HTTP/1.1\r\nHost: hh\r\nX-Evil: 12\r\nX-Server: evil\r\n\r\n", 0 },
		{ 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Server: evil\r\n\r\n", 0 },
		END,
	};
	expect("other header lines", 9930, miss, 0, 0);

	/* the last of 3000 lines is an instance too (the lines are walked
	 * once, not counted and indexed: the block costs its length) */
	static char many[3000 * 12 + 128];
	size_t mn = (size_t)snprintf(many, sizeof(many), "GET /a HTTP/1.1\r\nHost: hh\r\n");
	for (int i = 0; i < 3000; i++)
		mn += (size_t)snprintf(many + mn, sizeof(many) - mn, "X-%04d: v\r\n", i);
	snprintf(many + mn, sizeof(many) - mn, "X-Evil: 1\r\n\r\n");
	const struct step last[] = { { 0, many, 0 }, END };
	expect("3000 header lines", 9940, last, 0, S(1));
	tu_teardown(&RS, &W);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chunked_request),
		cmocka_unit_test(chunked_response),
		cmocka_unit_test(interim_response),
		cmocka_unit_test(responses_without_body),
		cmocka_unit_test(body_until_close),
		cmocka_unit_test(compressed_bodies),
		cmocka_unit_test(pipelined_requests),
		cmocka_unit_test(status_line_forms),
		cmocka_unit_test(server_and_location),
		cmocka_unit_test(header_lines),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
