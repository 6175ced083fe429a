// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: rule scanning, the local-changes parser and its application. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "changes.h"

/* ---- helpers ---- */

static void parse_file(struct rule_file *f, const char *name, const char *text)
{
	struct uerr e;
	int rc = rules_parse(f, name, "src", text, strlen(text), &e);
	if (rc)
		fail_msg("rules_parse: %s", e.msg);
}

static char *format(const struct rule_file *f)
{
	struct buf b = { 0 };
	assert_int_equal(rules_format(f, &b), 0);
	assert_int_equal(buf_terminate(&b), 0);
	return b.data;
}

static int parse_changes(struct changes *ch, enum change_kind k, const char *text,
			 struct uerr *e)
{
	return changes_parse(ch, k, change_names[k], text, e);
}

/* Apply one kind of change given as text to one file; returns the result text. */
static char *apply1(enum change_kind k, const char *changes, const char *name,
		    const char *rules, struct change_stats *st, char **notes)
{
	struct changes ch = { 0 };
	struct rule_file f;
	struct uerr e;
	struct buf nb = { 0 };

	if (parse_changes(&ch, k, changes, &e))
		fail_msg("changes_parse: %s", e.msg);
	parse_file(&f, name, rules);
	if (changes_apply(&ch, &f, 1, st, &nb, &e))
		fail_msg("changes_apply: %s", e.msg);
	char *out = format(&f);
	rule_file_free(&f);
	changes_free(&ch);
	buf_terminate(&nb);
	if (notes)
		*notes = nb.data;
	else
		buf_free(&nb);
	return out;
}

/* rule bodies after the action word, so tests can build "drop" B1 */
#define B1 " tcp any any -> any 80 (msg:\"one\"; content:\"a\"; sid:1; rev:2;)"
#define B2 " udp any any -> any 53 (msg:\"two Heartbleed\"; content:\"b\"; sid:2; rev:1; metadata: deployment Perimeter, former_category DNS;)"
#define B3 " http any any -> any any (msg:\"three\"; flowbits:set,x; flowbits:noalert; sid:3;)"
#define B4 " tcp any any -> any any (msg:\"four\"; gid:3; sid:4; rev:7;)"
#define R1 "alert" B1
#define R2 "alert" B2
#define R3 "alert" B3
#define R4 "alert" B4

/* ---- rule_scan ---- */

static void scan_rules(void **state)
{
	(void)state;
	struct rule_info ri;

	assert_int_equal(rule_scan(R1, &ri), 0);
	assert_int_equal(ri.sid, 1);
	assert_int_equal(ri.gid, 1);
	assert_int_equal(ri.rev, 2);
	assert_false(ri.noalert);
	assert_int_equal(ri.action_len, 5);
	assert_int_equal(rule_scan(R3, &ri), 0);
	assert_true(ri.noalert);
	assert_int_equal(rule_scan(R4, &ri), 0);
	assert_int_equal(ri.gid, 3);
	assert_int_equal(ri.rev, 7);
	/* a quote inside a pcre does not hide the following options */
	assert_int_equal(rule_scan("alert tcp any any -> any any (pcre:\"/['\"]x/\"; "
				   "sid:9; rev:3;)", &ri), 0);
	assert_int_equal(ri.sid, 9);
	assert_int_equal(ri.rev, 3);
	/* an escaped ';' stays in its value */
	assert_int_equal(rule_scan("drop tcp any any -> any any (msg:\"a\\;sid:5\"; sid:6;)",
				   &ri), 0);
	assert_int_equal(ri.sid, 6);
	assert_int_equal(ri.action_len, 4);
	assert_int_equal(rule_scan("rejectboth tcp any any -> any any (sid:7;)", &ri), 0);
}

static void scan_not_rules(void **state)
{
	(void)state;
	struct rule_info ri;
	static const char *const bad[] = {
		"",
		"# comment",
		"Emerging Threats (c) 2020",
		"alert tcp any any -> any any (msg:\"no sid\";)",
		"alert tcp any any -> any any (sid:0;)",
		"alert tcp any any -> any any (sid:abc;)",
		"alert tcp any any -> any any (sid:1; sid:2;)",
		"alert tcp any any -> any any (sid:99999999999;)",
		"alert tcp any any -> any any sid:1;",
		"alert tcp any any -> any any (sid:1;",
		"alertx tcp any any -> any any (sid:1;)",
		"log tcp any any -> any any (sid:1;)",
		"alert) tcp any any -> any any (sid:1;)",
		"alert(sid:1;)",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rule_scan(bad[i], &ri) == 0)
			fail_msg("'%s' taken as a rule", bad[i]);
}

/* ---- rules_parse / rules_format ---- */

static void parse_and_format(void **state)
{
	(void)state;
	struct rule_file f;
	const char *in =
		"# Emerging Threats \n"
		"\n"
		R1 "\n"
		"#" R2 "\r\n"
		"## " R4 "\n"
		"#  not a rule (sid:1;)\n"
		"alert tcp any any -> any any (msg:\"cont\"; \\\n"
		"  sid:10;)\n"
		"garbage the engine will judge\n";
	parse_file(&f, "a.rules", in);
	assert_int_equal(f.n, 8);
	assert_false(f.v[0].is_rule);
	assert_string_equal(f.v[0].text, "# Emerging Threats ");	/* kept byte for byte */
	assert_true(f.v[2].is_rule);
	assert_true(f.v[2].enabled);
	assert_int_equal(f.v[2].line, 3);
	assert_true(f.v[3].is_rule);
	assert_false(f.v[3].enabled);
	assert_string_equal(f.v[3].text, R2);
	assert_false(f.v[4].enabled);
	assert_int_equal(f.v[4].gid, 3);
	assert_false(f.v[5].is_rule);
	assert_true(f.v[6].is_rule);
	assert_int_equal(f.v[6].sid, 10);
	assert_int_equal(f.v[6].line, 7);
	assert_false(f.v[7].is_rule);
	char *out = format(&f);
	assert_string_equal(out,
		"# Emerging Threats \n"
		"\n"
		R1 "\n"
		"# " R2 "\n"
		"# " R4 "\n"
		"#  not a rule (sid:1;)\n"
		"alert tcp any any -> any any (msg:\"cont\";   sid:10;)\n"
		"garbage the engine will judge\n");
	free(out);
	rule_file_free(&f);
}

/* Found by the fuzzer: a comment whose joined text ends in a backslash must
 * not be written back as a continuation that swallows the next rule. */
static void comment_ending_in_backslash(void **state)
{
	(void)state;
	struct rule_file f, back;
	const char *in = "# comment \\\\\n\n" R1 "\n";

	parse_file(&f, "a.rules", in);
	assert_int_equal(f.n, 2);
	assert_false(f.v[0].is_rule);
	assert_true(f.v[1].is_rule);
	char *out = format(&f);
	assert_string_equal(out, in);
	parse_file(&back, "a.rules", out);
	assert_int_equal(back.n, 2);
	assert_true(back.v[1].is_rule);
	free(out);
	rule_file_free(&f);
	rule_file_free(&back);
	/* the engine drops a backslash at the very end of a file too */
	parse_file(&f, "b.rules", "alert tcp any any -> any any (sid:7;)\\");
	assert_int_equal(f.n, 1);
	assert_true(f.v[0].is_rule);
	assert_int_equal(f.v[0].sid, 7);
	rule_file_free(&f);
}

static void parse_refuses_nul(void **state)
{
	(void)state;
	struct rule_file f;
	struct uerr e;
	const char text[] = "alert tcp any any -> any any (sid:1;)\n\0junk\n";
	assert_int_not_equal(rules_parse(&f, "b.rules", "src", text, sizeof(text) - 1, &e), 0);
	assert_non_null(strstr(e.msg, "b.rules: binary data (a NUL byte at offset 38)"));
}

/* ---- selector parsing ---- */

static void selectors_parse(void **state)
{
	(void)state;
	struct changes ch = { 0 };
	struct uerr e;
	const char *text =
		"# comment\n"
		"\n"
		"2019401\n"
		"1:2019402  # trailing comment\n"
		"1:2019403:4\n"
		"2019404, 3:2019405\n"
		"re:heartbleed\n"
		"group:emerging-icmp.rules\n"
		"emerging-dns.rules\n"
		"filename:emerging-*\n"
		"metadata: deployment perimeter\n"
		"*\n";
	assert_int_equal(parse_changes(&ch, CHANGE_DISABLE, text, &e), 0);
	assert_int_equal(ch.n[CHANGE_DISABLE], 10);
	changes_free(&ch);
}

static void selector_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "\n\nfoo bar\n", "disable:3: 'foo bar' is not a rule selector" },
		{ "1:2:3:4\n", "disable:1: '1:2:3:4' is not a rule selector" },
		{ "re:(unclosed\n", "disable:1: re: '(unclosed' does not compile" },
		{ "re:\n", "disable:1: 're:' needs a regular expression" },
		{ "group:\n", "disable:1: 'group:' needs a file name pattern" },
		{ "metadata: lonely\n", "disable:1: 'metadata:' needs a key and a value" },
		{ "sid:5\n", "'sid:5' is not a rule selector" },
		{ "12a\n", "'12a' is not a rule selector" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct changes ch = { 0 };
		struct uerr e;
		assert_int_not_equal(parse_changes(&ch, CHANGE_DISABLE, cases[i].text, &e), 0);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		changes_free(&ch);
	}
}

static void modify_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "1 \"a\"\n", "modify:1: expected SELECTOR \"FROM\" \"TO\" (found 2 fields)" },
		{ "1 \"a\" \"b\" \"c\"\n", "(found 4 fields)" },
		{ "1 \"a \"b\"\n", "modify:1: no closing quotation mark" },
		{ "1 \"(a\" \"b\"\n", "modify:1: FROM '(a' does not compile" },
		{ "1 \"a\" \"\\2\"\n", "refers to group 2, but the expression has 0" },
		{ "1 \"(a)\" \"\\g<x>\"\n", "refers to group 'x', which the expression does not have" },
		{ "1 \"a\" \"\\q\"\n", "bad escape \\q in the replacement" },
		{ "1 \"a\" \"\\0\"\n", "\\0 in the replacement is not supported" },
		{ "1 \"\" \"b\"\n", "empty FROM expression" },
		{ "bogus \"a\" \"b\"\n", "'bogus' is not a rule selector" },
		{ "modifysid 1 \"a\" \"b\"\n", "(found 4 fields)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct changes ch = { 0 };
		struct uerr e;
		assert_int_not_equal(parse_changes(&ch, CHANGE_MODIFY, cases[i].text, &e), 0);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		changes_free(&ch);
	}
}

/* ---- applying ---- */

static const char *const base_rules = R1 "\n#" R2 "\n" R3 "\n" R4 "\n";

static void disable_by_sid_and_gid(void **state)
{
	(void)state;
	struct change_stats st;
	char *out = apply1(CHANGE_DISABLE, "1\n3:4:7\n", "x.rules", base_rules, &st, NULL);
	assert_string_equal(out, "# " R1 "\n# " R2 "\n" R3 "\n# " R4 "\n");
	assert_int_equal(st.disabled, 2);
	assert_int_equal(st.rules, 4);
	assert_int_equal(st.active, 1);
	free(out);
	/* gid 1 (default) does not select the gid 3 rule, nor a wrong rev */
	out = apply1(CHANGE_DISABLE, "4\n3:4:6\n", "x.rules", base_rules, &st, NULL);
	assert_int_equal(st.disabled, 0);
	free(out);
}

static void enable_commented(void **state)
{
	(void)state;
	struct change_stats st;
	char *out = apply1(CHANGE_ENABLE, "re:HEARTBLEED\n", "x.rules", base_rules, &st, NULL);
	assert_string_equal(out, R1 "\n" R2 "\n" R3 "\n" R4 "\n");
	assert_int_equal(st.enabled, 1);
	assert_int_equal(st.active, 4);
	free(out);
}

static void enable_wins_over_disable(void **state)
{
	(void)state;
	struct changes ch = { 0 };
	struct rule_file f;
	struct change_stats st;
	struct uerr e;
	struct buf notes = { 0 };

	assert_int_equal(parse_changes(&ch, CHANGE_DISABLE, "*\n", &e), 0);
	assert_int_equal(parse_changes(&ch, CHANGE_ENABLE, "1\n", &e), 0);
	parse_file(&f, "x.rules", base_rules);
	assert_int_equal(changes_apply(&ch, &f, 1, &st, &notes, &e), 0);
	char *out = format(&f);
	assert_string_equal(out, R1 "\n# " R2 "\n# " R3 "\n# " R4 "\n");
	free(out);
	buf_free(&notes);
	rule_file_free(&f);
	changes_free(&ch);
}

static void group_and_filename(void **state)
{
	(void)state;
	struct change_stats st;
	char *out;

	out = apply1(CHANGE_DISABLE, "group:emerging-icmp\n", "emerging-icmp.rules", base_rules,
		     &st, NULL);
	assert_int_equal(st.disabled, 3);
	free(out);
	out = apply1(CHANGE_DISABLE, "emerging-icmp.rules\n", "emerging-icmp.rules", base_rules,
		     &st, NULL);
	assert_int_equal(st.disabled, 3);
	free(out);
	out = apply1(CHANGE_DISABLE, "group:emerging-i*\n", "emerging-dns.rules", base_rules, &st,
		     NULL);
	assert_int_equal(st.disabled, 0);
	free(out);
	/* filename: needs the whole name */
	out = apply1(CHANGE_DISABLE, "filename:emerging-icmp\n", "emerging-icmp.rules",
		     base_rules, &st, NULL);
	assert_int_equal(st.disabled, 0);
	free(out);
	out = apply1(CHANGE_DISABLE, "filename:*.rules\n", "emerging-icmp.rules", base_rules, &st,
		     NULL);
	assert_int_equal(st.disabled, 3);
	free(out);
}

static void metadata_selector(void **state)
{
	(void)state;
	struct change_stats st;
	char *out = apply1(CHANGE_ENABLE, "metadata: deployment perimeter\n", "x.rules",
			   base_rules, &st, NULL);
	assert_int_equal(st.enabled, 1);
	free(out);
	out = apply1(CHANGE_ENABLE, "metadata: deployment datacenter\n", "x.rules", base_rules,
		     &st, NULL);
	assert_int_equal(st.enabled, 0);
	free(out);
}

static void drop_rules(void **state)
{
	(void)state;
	struct change_stats st;
	char *out = apply1(CHANGE_DROP, "*\n", "x.rules", base_rules, &st, NULL);
	/* the noalert rule stays, the disabled one becomes a disabled drop rule */
	assert_string_equal(out,
		"drop" B1 "\n" "# drop" B2 "\n" R3 "\n" "drop" B4 "\n");
	assert_int_equal(st.dropped, 3);
	free(out);
}

static void modify_rules(void **state)
{
	(void)state;
	struct change_stats st;
	char *out;

	out = apply1(CHANGE_MODIFY, "1 \"content:\\\"a\\\"\" \"content:\\\"zz\\\"\"\n", "x.rules",
		     R1 "\n", &st, NULL);
	assert_string_equal(out, "alert tcp any any -> any 80 (msg:\"one\"; content:\"zz\"; sid:1; rev:2;)\n");
	assert_int_equal(st.modified, 1);
	free(out);
	/* groups: \1, \g<1>, ${1}; every occurrence is replaced */
	out = apply1(CHANGE_MODIFY, "re:one '(any) (\\d+)' '\\2 \\g<1>'\n", "x.rules", R1 "\n",
		     &st, NULL);
	assert_string_equal(out, "alert tcp any any -> 80 any (msg:\"one\"; content:\"a\"; sid:1; rev:2;)\n");
	free(out);
	out = apply1(CHANGE_MODIFY, "modifysid * \"^alert(.*)$\" | \"drop${1}\"\n", "x.rules",
		     R1 "\n" R4 "\n", &st, NULL);
	assert_string_equal(out, "drop" B1 "\n" "drop" B4 "\n");
	assert_int_equal(st.modified, 2);
	free(out);
	/* a literal $ stays a $ */
	out = apply1(CHANGE_MODIFY, "1 'any 80' '$HTTP_SERVERS $HTTP_PORTS'\n", "x.rules",
		     R1 "\n", &st, NULL);
	assert_string_equal(out, "alert tcp any any -> $HTTP_SERVERS $HTTP_PORTS (msg:\"one\"; content:\"a\"; sid:1; rev:2;)\n");
	free(out);
	/* suricata-update's \$ for $ */
	out = apply1(CHANGE_MODIFY, "1 'any 80' '\\$EXTERNAL_NET 81'\n", "x.rules", R1 "\n", &st,
		     NULL);
	assert_non_null(strstr(out, "-> $EXTERNAL_NET 81 ("));
	free(out);
}

static void modify_breaking_rule_is_error(void **state)
{
	(void)state;
	struct changes ch = { 0 };
	struct rule_file f;
	struct change_stats st;
	struct uerr e;
	struct buf notes = { 0 };

	assert_int_equal(parse_changes(&ch, CHANGE_MODIFY, "\n1 'sid:1;' ''\n", &e), 0);
	parse_file(&f, "x.rules", R1 "\n");
	assert_int_not_equal(changes_apply(&ch, &f, 1, &st, &notes, &e), 0);
	assert_non_null(strstr(e.msg, "modify:2: on sid 1 (x.rules:1) the result is no longer a rule"));
	buf_free(&notes);
	rule_file_free(&f);
	changes_free(&ch);
}

static void duplicates_keep_highest_rev(void **state)
{
	(void)state;
	struct changes ch = { 0 };
	struct rule_file f[2];
	struct change_stats st;
	struct uerr e;
	struct buf notes = { 0 };

	parse_file(&f[0], "a.rules", "alert tcp any any -> any any (msg:\"old\"; sid:5; rev:1;)\n"
				     "alert tcp any any -> any any (msg:\"first\"; sid:6; rev:2;)\n");
	parse_file(&f[1], "b.rules", "alert tcp any any -> any any (msg:\"new\"; sid:5; rev:3;)\n"
				     "alert tcp any any -> any any (msg:\"second\"; sid:6; rev:2;)\n");
	assert_int_equal(changes_apply(&ch, f, 2, &st, &notes, &e), 0);
	assert_int_equal(st.duplicates, 2);
	assert_int_equal(st.rules, 2);
	char *a = format(&f[0]), *b = format(&f[1]);
	assert_string_equal(a, "alert tcp any any -> any any (msg:\"first\"; sid:6; rev:2;)\n");
	assert_string_equal(b, "alert tcp any any -> any any (msg:\"new\"; sid:5; rev:3;)\n");
	assert_int_equal(buf_terminate(&notes), 0);
	assert_non_null(strstr(notes.data, "duplicate sid 1:5: kept rev 3 (b.rules:1), removed rev 1 (a.rules:1)"));
	free(a);
	free(b);
	buf_free(&notes);
	rule_file_free(&f[0]);
	rule_file_free(&f[1]);
}

static void unused_selectors_noted(void **state)
{
	(void)state;
	struct change_stats st;
	char *notes;
	char *out = apply1(CHANGE_DISABLE, "1\n999\n", "x.rules", base_rules, &st, &notes);
	assert_non_null(strstr(notes, "disable:2: '999' matched no rule"));
	assert_null(strstr(notes, "disable:1:"));
	free(out);
	free(notes);
}

/* ---- flowbit dependencies ---- */

/* Resolve flowbits (and apply changes) over files given as text. */
static void resolve(const char *disable, const char *const *texts, size_t n,
		    struct change_stats *st, char **out, char **notes)
{
	struct changes ch = { .resolve_flowbits = true };
	struct rule_file f[4];
	struct uerr e;
	struct buf nb = { 0 }, all = { 0 };

	assert_true(n <= 4);
	if (disable && parse_changes(&ch, CHANGE_DISABLE, disable, &e))
		fail_msg("changes_parse: %s", e.msg);
	for (size_t i = 0; i < n; i++)
		parse_file(&f[i], i ? "b.rules" : "a.rules", texts[i]);
	if (changes_apply(&ch, f, n, st, &nb, &e))
		fail_msg("changes_apply: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rules_format(&f[i], &all), 0);
		rule_file_free(&f[i]);
	}
	assert_int_equal(buf_terminate(&all), 0);
	assert_int_equal(buf_terminate(&nb), 0);
	*out = all.data;
	*notes = nb.data;
	changes_free(&ch);
}

static void flowbits_setter_enabled_silently(void **state)
{
	(void)state;
	const char *rules[] = {
		"# drop tcp any any -> any any (msg:\"setter\"; flowbits:set,seen; sid:10; rev:1;)\n"
		"alert tcp any any -> any any (msg:\"checker\"; flowbits:isset,seen; sid:11;)\n"
		"# alert tcp any any -> any any (msg:\"other\"; flowbits:set,unrelated; sid:12;)\n"
		"# alert tcp any any -> any any (msg:\"quiet\"; flowbits:set,seen; flowbits:noalert; sid:13;)\n"
		"# pass tcp any any -> any any (msg:\"no semicolon\"; flowbits:toggle,seen; sid:14)\n",
	};
	struct change_stats st;
	char *out, *notes;

	resolve(NULL, rules, 1, &st, &out, &notes);
	assert_string_equal(out,
		"alert tcp any any -> any any (msg:\"setter\"; flowbits:set,seen; sid:10; rev:1; flowbits:noalert;)\n"
		"alert tcp any any -> any any (msg:\"checker\"; flowbits:isset,seen; sid:11;)\n"
		"# alert tcp any any -> any any (msg:\"other\"; flowbits:set,unrelated; sid:12;)\n"
		"alert tcp any any -> any any (msg:\"quiet\"; flowbits:set,seen; flowbits:noalert; sid:13;)\n"
		"alert tcp any any -> any any (msg:\"no semicolon\"; flowbits:toggle,seen; sid:14; flowbits:noalert;)\n");
	assert_int_equal(st.flowbits, 3);
	assert_int_equal(st.active, 4);
	assert_non_null(strstr(notes, "a.rules:1: sid 1:10 enabled without alerts: it sets flowbit "
				      "'seen', which sid 1:11 checks"));
	assert_null(strstr(notes, "sid 1:12"));
	free(out);
	free(notes);
}

/* A rule enabled for a flowbit checks another: its setter follows, in
 * another file; a|b names two flowbits; disabled checkers need nothing. */
static void flowbits_chain_across_files(void **state)
{
	(void)state;
	const char *rules[] = {
		"alert tcp any any -> any any (msg:\"end\"; flowbits:isnotset,x|other; sid:1;)\n"
		"# alert tcp any any -> any any (msg:\"off checker\"; flowbits:isset,z; sid:2;)\n",
		"# alert tcp any any -> any any (msg:\"middle\"; flowbits:isset,y; flowbits:set,x; sid:3;)\n"
		"# alert tcp any any -> any any (msg:\"start\"; flowbits:set, y; sid:4;)\n"
		"# alert tcp any any -> any any (msg:\"z setter\"; flowbits:set,z; sid:5;)\n",
	};
	struct change_stats st;
	char *out, *notes;

	resolve(NULL, rules, 2, &st, &out, &notes);
	assert_int_equal(st.flowbits, 2);
	assert_non_null(strstr(out, "\nalert tcp any any -> any any (msg:\"middle\"; flowbits:isset,y; "
				    "flowbits:set,x; sid:3; flowbits:noalert;)\n"));
	assert_non_null(strstr(out, "\nalert tcp any any -> any any (msg:\"start\"; flowbits:set, y; "
				    "sid:4; flowbits:noalert;)\n"));
	assert_non_null(strstr(out, "# alert tcp any any -> any any (msg:\"z setter\""));
	assert_non_null(strstr(notes, "b.rules:2: sid 1:4 enabled without alerts: it sets flowbit 'y', "
				      "which sid 1:3 checks"));
	free(out);
	free(notes);
}

/* What the user disabled comes back only for its flowbit, and silent. */
static void flowbits_after_disable(void **state)
{
	(void)state;
	const char *rules[] = {
		"drop tcp any any -> any any (msg:\"setter\"; flowbits:set,s; sid:20;)\n"
		"alert tcp any any -> any any (msg:\"checker\"; flowbits:isset,s; sid:21;)\n",
	};
	struct change_stats st;
	char *out, *notes;

	resolve("20\n", rules, 1, &st, &out, &notes);
	assert_int_equal(st.disabled, 1);
	assert_int_equal(st.flowbits, 1);
	assert_string_equal(out,
		"alert tcp any any -> any any (msg:\"setter\"; flowbits:set,s; sid:20; flowbits:noalert;)\n"
		"alert tcp any any -> any any (msg:\"checker\"; flowbits:isset,s; sid:21;)\n");
	free(out);
	free(notes);
	/* the checker disabled too: nothing to resolve */
	resolve("20\n21\n", rules, 1, &st, &out, &notes);
	assert_int_equal(st.flowbits, 0);
	assert_int_equal(st.active, 0);
	free(out);
	free(notes);
}

static void flowbits_off_by_default(void **state)
{
	(void)state;
	struct change_stats st;
	char *out = apply1(CHANGE_DISABLE, "", "x.rules",
			   "# alert tcp any any -> any any (flowbits:set,s; sid:20;)\n"
			   "alert tcp any any -> any any (flowbits:isset,s; sid:21;)\n", &st, NULL);
	assert_int_equal(st.flowbits, 0);
	assert_int_equal(st.active, 1);
	free(out);
}

static void regex_limit_is_error(void **state)
{
	(void)state;
	struct changes ch = { 0 };
	struct rule_file f;
	struct change_stats st;
	struct uerr e;
	struct buf notes = { 0 };
	char rules[400];

	/* catastrophic backtracking hits the match limit: an error, not a hang */
	snprintf(rules, sizeof(rules), "alert tcp any any -> any any (msg:\"%s!\"; sid:1;)\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(parse_changes(&ch, CHANGE_DISABLE, "re:(a+)+$\n", &e), 0);
	parse_file(&f, "x.rules", rules);
	assert_int_not_equal(changes_apply(&ch, &f, 1, &st, &notes, &e), 0);
	assert_non_null(strstr(e.msg, "disable:1: 're:(a+)+$' on sid 1 (x.rules:1)"));
	buf_free(&notes);
	rule_file_free(&f);
	changes_free(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_rules),
		cmocka_unit_test(scan_not_rules),
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(comment_ending_in_backslash),
		cmocka_unit_test(parse_refuses_nul),
		cmocka_unit_test(selectors_parse),
		cmocka_unit_test(selector_errors),
		cmocka_unit_test(modify_errors),
		cmocka_unit_test(disable_by_sid_and_gid),
		cmocka_unit_test(enable_commented),
		cmocka_unit_test(enable_wins_over_disable),
		cmocka_unit_test(group_and_filename),
		cmocka_unit_test(metadata_selector),
		cmocka_unit_test(drop_rules),
		cmocka_unit_test(modify_rules),
		cmocka_unit_test(modify_breaking_rule_is_error),
		cmocka_unit_test(duplicates_keep_highest_rev),
		cmocka_unit_test(unused_selectors_noted),
		cmocka_unit_test(regex_limit_is_error),
		cmocka_unit_test(flowbits_setter_enabled_silently),
		cmocka_unit_test(flowbits_chain_across_files),
		cmocka_unit_test(flowbits_after_disable),
		cmocka_unit_test(flowbits_off_by_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
