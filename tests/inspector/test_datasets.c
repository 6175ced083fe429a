// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dataset: a sticky buffer looked up in a set read from a file (strings
 * in base64, MD5s in hex, after to_md5), and sets that rules fill and
 * empty as traffic goes (set, unset, isnotset); datarep's reputations; the errors of a set's
 * file, of its options and of two rules that disagree on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

/* a file in /tmp, where tu_load puts its rules: returns its base name */
static const char *write_set(char *path, const char *text)
{
	strcpy(path, "/tmp/snet-test-set-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return strrchr(path, '/') + 1;
}

static unsigned request(struct tu_conn *c, const char *method, const char *uri, const char *host,
			const char *ua)
{
	char req[512];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n\r\n",
			 method, uri, host, ua);
	struct snet_inspect_verdict v;
	tu_conn_send(c, req, (size_t)n, &v);
	unsigned m = 0;
	for (unsigned s = 1; s < 16; s++)
		if (tu_has_sid(&v, s))
			m |= 1u << s;
	return m;
}

static void lookups_and_updates(void **state)
{
	(void)state;
	char ua_path[64], md5_path[64], rules[2048];
	/* "EvilBot/1.0" and "curl/7.1"; a comment and an empty line */
	const char *ua = write_set(ua_path, "# user agents\nRXZpbEJvdC8xLjA=\n\ncurl/7.1\n");
	/* oops: "curl/7.1" is not base64: fixed below, after the error */
	char rule_bad[512];
	snprintf(rule_bad, sizeof(rule_bad),
		 "alert http any any -> any any (msg:\"ua\"; http.user_agent; "
		 "dataset:isset,ua-bl, type string, load %s; sid:1;)\n", ua);
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	assert_int_not_equal(tu_load(rule_bad, &rs, &rep), 0);
	char want[128];
	snprintf(want, sizeof(want), "dataset ua-bl: %s:4: not base64", ua_path);
	assert_non_null(strstr(snet_inspect_report_message(rep, 0), want));
	snet_inspect_report_free(rep);
	unlink(ua_path);
	ua = write_set(ua_path, "# user agents\nRXZpbEJvdC8xLjA=\n\nY3VybC83LjE=\n");

	/* md5("bad.example") */
	const char *md5 = write_set(md5_path, "2432164866E11DFF2FA209B101AE91F1\n"
				    "d6f0e3d9b9e3bd5f0b1c5b9a1c6a0c2e\n");
	snprintf(rules, sizeof(rules),
		 "alert http any any -> any any (msg:\"ua\"; http.user_agent; "
		 "dataset:isset,ua-bl, type string, load %s; sid:1;)\n"
		 "alert http any any -> any any (msg:\"host\"; http.host; to_md5; "
		 "dataset:isset,hosts, type md5, load %s, memcap 1mb, hashsize 64; sid:2;)\n"
		 "alert http any any -> any any (msg:\"new uri\"; http.uri; "
		 "dataset:set,seen,type string; sid:3;)\n"
		 "alert http any any -> any any (msg:\"forget\"; http.method; content:\"DELETE\"; "
		 "http.uri; dataset:unset,seen; sid:4;)\n"
		 "alert http any any -> any any (msg:\"not bad\"; http.user_agent; "
		 "dataset:isnotset,ua-bl; content:\"Bot\"; sid:5;)\n", ua, md5);
	struct snet_inspect_worker *w;
	tu_setup(rules, &rs, &w);
	struct tu_conn c = { 0 };
	tu_conn_open(&c, w, 80);
	assert_int_equal(request(&c, "GET", "/a", "ok.example", "EvilBot/1.0"), 1u << 1 | 1u << 3);
	assert_int_equal(request(&c, "GET", "/a", "ok.example", "curl/7.1"), 1u << 1);
	assert_int_equal(request(&c, "GET", "/b", "bad.example", "GoodBot"), 1u << 2 | 1u << 3 |
			 1u << 5);
	/* the whole buffer: a prefix or a longer value is another value */
	assert_int_equal(request(&c, "GET", "/b", "bad.example.org", "curl/7.10"), 0);
	/* unset matches when it removed; then /a is new again */
	assert_int_equal(request(&c, "DELETE", "/a", "ok.example", "x"), 1u << 4);
	assert_int_equal(request(&c, "GET", "/a", "ok.example", "x"), 1u << 3);
	assert_int_equal(request(&c, "GET", "/a", "ok.example", "x"), 0);
	tu_teardown(&rs, &w);
	unlink(ua_path);
	unlink(md5_path);
}

/* datarep: the value's reputation from its file's ",N", compared */
static void reputation(void **state)
{
	(void)state;
	char path[64], rules[1024];
	const char *f = write_set(path, "RXZpbEJvdC8xLjA=,250\nY3VybC83LjE=,10\nR29vZEJvdA==\n");
	snprintf(rules, sizeof(rules),
		 "alert http any any -> any any (msg:\"bad\"; http.user_agent; "
		 "datarep:ua-rep, >, 200, load %s, type string; sid:1;)\n"
		 "alert http any any -> any any (msg:\"ten\"; http.user_agent; "
		 "datarep:ua-rep, ==, 10; sid:2;)\n"
		 "alert http any any -> any any (msg:\"low\"; http.user_agent; "
		 "datarep:ua-rep, <, 5; sid:3;)\n"
		 "alert http any any -> any any (msg:\"in\"; http.user_agent; "
		 "dataset:isset,ua-rep; sid:4;)\n", f);
	struct snet_inspect_ruleset *rs;
	struct snet_inspect_worker *w;
	tu_setup(rules, &rs, &w);
	struct tu_conn c = { 0 };
	tu_conn_open(&c, w, 80);
	assert_int_equal(request(&c, "GET", "/", "a", "EvilBot/1.0"), 1u << 1 | 1u << 4);
	assert_int_equal(request(&c, "GET", "/", "a", "curl/7.1"), 1u << 2 | 1u << 4);
	/* a line without ",N" has reputation 0 */
	assert_int_equal(request(&c, "GET", "/", "a", "GoodBot"), 1u << 3 | 1u << 4);
	/* not in the set: no reputation, not even below 5 */
	assert_int_equal(request(&c, "GET", "/", "a", "Other"), 0);
	tu_teardown(&rs, &w);
	unlink(path);
	/* a bad reputation in the file */
	f = write_set(path, "YQ==,5\nYg==,70000\n");
	snprintf(rules, sizeof(rules), "alert http any any -> any any (msg:\"x\"; http.host; "
		 "datarep:r, >, 1, load %s, type string; sid:1;)\n", f);
	struct snet_inspect_report *rep = NULL;
	rs = NULL;
	assert_int_not_equal(tu_load(rules, &rs, &rep), 0);
	assert_non_null(strstr(snet_inspect_report_message(rep, 0),
			       ":2: bad reputation after ',' (0 to 65535)"));
	snet_inspect_report_free(rep);
	unlink(path);
}

/* a set's errors: each refuses the rule, with its file and line */
static void set_errors(void **state)
{
	(void)state;
	char path[64], text[1024];
	const char *f = write_set(path, "00112233445566778899aabbccddeeff\nnot-a-digest\n");
	char path2[64];
	const char *f2 = write_set(path2, "00112233445566778899aabbccddeeff\n"
				   "00112233445566778899aabbccddeef0\n");
	static const struct { const char *opts; const char *msg; } cases[] = {
		{ "isset,h,type md5,load %s", ":2: not an MD5 (32 hex digits)" },
		{ "isset,h,type sha256,load %s", ":1: not a SHA-256 (64 hex digits)" },
		{ "isset,h,type string,load %s", ":2: not base64" },
		/* 2048 slots of 24 bytes: the table alone is past it */
		{ "isset,h,type md5,load %s,memcap 300", "its first 2048 slots take 49152 "
		  "bytes, more than its memcap of 300" },
		/* the table and one digest fit, not two */
		{ "isset,h,type md5,load %s,memcap 49180", ":2: past its memcap of 49180 bytes" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char opts[256];
		snprintf(opts, sizeof(opts), cases[i].opts, i == 4 ? f2 : f);
		snprintf(text, sizeof(text), "alert http any any -> any any (msg:\"x\"; http.host; "
			 "dataset:%s; sid:1;)\n", opts);
		struct snet_inspect_ruleset *rs = NULL;
		struct snet_inspect_report *rep = NULL;
		tu_load(text, &rs, &rep);
		const char *m = snet_inspect_report_message(rep, 0);
		if (!m || !strstr(m, cases[i].msg) || !strstr(m, "dataset h: "))
			fail_msg("%s: got '%s'", opts, m ? m : "(none)");
		snet_inspect_report_free(rep);
		snet_inspect_ruleset_unref(rs);
	}
	/* two rules that disagree on a set: the second is refused */
	snprintf(text, sizeof(text),
		 "alert http any any -> any any (msg:\"a\"; http.host; dataset:isset,h,type string; "
		 "sid:1;)\n"
		 "alert http any any -> any any (msg:\"b\"; http.uri; dataset:isset,h,type md5; "
		 "sid:2;)\n"
		 "alert http any any -> any any (msg:\"c\"; http.uri; dataset:isset,h,type string,"
		 "load %s; sid:3;)\n"
		 "alert http any any -> any any (msg:\"d\"; http.uri; to_md5; dataset:isset,h; "
		 "sid:4;)\n", f);
	struct snet_inspect_ruleset *rs = NULL;
	struct snet_inspect_report *rep = NULL;
	assert_int_equal(tu_load(text, &rs, &rep), 0);
	assert_int_equal(snet_inspect_report_loaded(rep), 2);
	assert_non_null(strstr(snet_inspect_report_message(rep, 0),
			       "sid 2: dataset h: type md5 here, string where it was first named"));
	assert_non_null(strstr(snet_inspect_report_message(rep, 1), "sid 3: dataset h: loaded "
			       "from /tmp/"));
	snet_inspect_report_free(rep);
	snet_inspect_ruleset_unref(rs);
	unlink(path);
	unlink(path2);
}

/* the table itself: growth past its first slots, removal keeps the rest */
static void table_growth_and_removal(void **state)
{
	(void)state;
	struct dataset *ds = dataset_new("t", DS_STRING, 0, 16);
	assert_non_null(ds);
	char k[32];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		assert_true(dataset_op(ds, DS_SET, 0, (const uint8_t *)k, (size_t)n));
	}
	assert_int_equal(dataset_count(ds), 5000);
	for (int i = 0; i < 5000; i += 2) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		assert_true(dataset_op(ds, DS_UNSET, 0, (const uint8_t *)k, (size_t)n));
	}
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		assert_int_equal(dataset_op(ds, DS_ISSET, 0, (const uint8_t *)k, (size_t)n), i % 2);
	}
	assert_int_equal(dataset_count(ds), 2500);
	dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups_and_updates),
		cmocka_unit_test(reputation),
		cmocka_unit_test(set_errors),
		cmocka_unit_test(table_growth_and_removal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
