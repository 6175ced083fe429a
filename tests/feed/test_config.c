// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: update.conf, its defaults and a clear message for each bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

static void defaults(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;

	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "t.conf", "", &e), 0);
	assert_string_equal(c.dest, "/var/lib/snet/rules");
	assert_string_equal(c.cache_dir, "/var/cache/snet-update");
	assert_string_equal(c.reload_command, "snetctl reload-rules --if-running");
	assert_int_equal(c.keep, 3);
	assert_int_equal(c.nignore, 1);
	assert_string_equal(c.ignore[0], "*deleted.rules");
	assert_int_equal(c.max_download, 256u << 20);
	assert_false(c.require_signature);
	assert_true(c.resolve_flowbits);
	assert_string_equal(c.proxy, "");
	assert_string_equal(c.no_proxy, "");
	assert_true(c.max_errors_pct);
	assert_int_equal(c.nsources, 0);
	config_free(&c);
}

static void full(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;
	const char *text =
		"# a comment\n"
		"[update]\n"
		"dest = /srv/rules\n"
		"cache-dir = /srv/cache\n"
		"inspector-config =\n"
		"keep = 5\n"
		"ignore = *deleted.rules\n"
		"ignore = *-test.rules\n"
		"reload-command = touch /tmp/x ; a comment\n"
		"reload-timeout = 2m\n"
		"[fetch]\n"
		"connect-timeout = 5s\n"
		"timeout = 1h\n"
		"stall-timeout = 10\n"
		"max-download = 64mb\n"
		"proxy = socks5h://user:secret@proxy.example:1080\n"
		"no-proxy = .example.net,10.0.0.0/8\n"
		"[archive]\n"
		"max-expanded = 1g\n"
		"max-entries = 500\n"
		"[verify]\n"
		"require-signature = yes\n"
		"public-key = ed25519:L6vgqULxQ7BkZ2wmymeHiO+NB2j8EVFBbj1g8J+DBrc=\n"
		"[changes]\n"
		"disable = /srv/disable.conf\n"
		"modify =\n"
		"resolve-flowbits = no\n"
		"[check]\n"
		"max-errors = 3\n"
		"min-loaded = 75.5%\n"
		"warm-cache = no\n"
		"[source et-open]\n"
		"url = https://rules.example.net/open/emerging.rules.tar.gz\n"
		"checksum = md5\n"
		"[source local]\n"
		"url = file:///etc/snet/local.rules\n"
		"signature = yes\n"
		"enabled = no\n";
	assert_int_equal(config_defaults(&c), 0);
	if (config_parse(&c, "t.conf", text, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(c.dest, "/srv/rules");
	assert_string_equal(c.inspector_config, "");
	assert_int_equal(c.keep, 5);
	assert_int_equal(c.nignore, 2);
	assert_string_equal(c.ignore[1], "*-test.rules");
	assert_string_equal(c.reload_command, "touch /tmp/x");
	assert_int_equal(c.reload_timeout, 120);
	assert_int_equal(c.connect_timeout, 5);
	assert_int_equal(c.timeout, 3600);
	assert_int_equal(c.stall_timeout, 10);
	assert_int_equal(c.max_download, 64u << 20);
	assert_string_equal(c.proxy, "socks5h://user:secret@proxy.example:1080");
	assert_string_equal(c.no_proxy, ".example.net,10.0.0.0/8");
	assert_int_equal(c.max_expanded, 1u << 30);
	assert_int_equal(c.max_entries, 500);
	assert_true(c.require_signature);
	assert_int_equal(c.nkeys, 1);
	assert_string_equal(c.changes[CHANGE_DISABLE], "/srv/disable.conf");
	assert_true(c.changes_set[CHANGE_DISABLE]);
	assert_string_equal(c.changes[CHANGE_MODIFY], "");
	assert_false(c.changes_set[CHANGE_MODIFY]);
	assert_false(c.changes_set[CHANGE_ENABLE]);
	assert_false(c.resolve_flowbits);
	assert_true(c.max_errors == 3 && !c.max_errors_pct);
	assert_true(c.min_loaded_pct == 75.5);
	assert_false(c.warm_cache);
	assert_int_equal(c.nsources, 2);
	assert_string_equal(c.sources[0].name, "et-open");
	assert_string_equal(c.sources[0].file, "emerging.rules.tar.gz");
	assert_int_equal(c.sources[0].kind, SOURCE_TARBALL);
	assert_int_equal(c.sources[0].checksum, CHECKSUM_MD5);
	assert_int_equal(c.sources[0].line, 32);	/* its [source] header */
	assert_int_equal(c.sources[1].kind, SOURCE_RULES);
	assert_false(c.sources[1].enabled);
	config_free(&c);
}

static void changes_default_path(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;

	/* the default path may be missing, even when written out; another must exist */
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "t.conf", "[changes]\n"
				      "disable = /etc/snet/update.d/disable.conf\n"
				      "enable = /etc/snet/other.conf\n", &e), 0);
	assert_false(c.changes_set[CHANGE_DISABLE]);
	assert_true(c.changes_set[CHANGE_ENABLE]);
	config_free(&c);
}

static void errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "[update]\nfoo = 1\n", "t.conf:2: unknown key 'foo' in [update]" },
		{ "[updat]\n\nx = 1\n", "t.conf:3: unknown section [updat]" },
		{ "dest = /x\n", "t.conf:1: 'dest' comes before any [section]" },
		{ "[update]\ndest = /a\ndest = /b\n", "t.conf:3: 'dest' is given twice in [update]" },
		{ "[update]\ndest = rules\n", "t.conf:2: dest: 'rules' is not an absolute path" },
		{ "[update]\nkeep = 1\n", "t.conf:2: keep: '1' is not a number from 2 to 100" },
		{ "[update]\nignore = a/b\n", "ignore: 'a/b' must be a file name pattern" },
		{ "[update]\ndest = /x\ncache-dir = /x\n", "t.conf: dest and cache-dir must differ" },
		{ "[fetch]\ntimeout = 5 min\n", "t.conf:2: timeout: '5 min' is not a duration" },
		{ "[fetch]\ntimeout = 0\n", "timeout: '0' is not a duration from 1s" },
		{ "[fetch]\nmax-download = 12q\n", "t.conf:2: max-download: '12q' is not a size" },
		{ "[fetch]\nmax-download = -1\n", "max-download: '-1' is not a size" },
		{ "[fetch]\nproxy = ftp://user:pa55word@x\n", "t.conf:2: proxy: not a proxy URL (http://, https://, socks4://, socks4a://, socks5:// or socks5h:// and a host) nor 'none'" },
		{ "[fetch]\nproxy = http://\n", "proxy: not a proxy URL" },
		{ "[fetch]\nno-proxy = a, b\n", "t.conf:2: no-proxy: 'a, b' has spaces: separate hosts with ','" },
		{ "[verify]\nrequire-signature = maybe\n", "require-signature: 'maybe' is not yes or no" },
		{ "[verify]\npublic-key = ed25519:xyz\n", "t.conf:2: public-key: public key is not base64" },
		{ "[verify]\npublic-key = /nonexistent.pub\n", "public-key: /nonexistent.pub: cannot open" },
		{ "[verify]\npublic-key = ed25519:L6vgqULxQ7BkZ2wmymeHiO+NB2j8EVFBbj1g8J+DBrc=\n"
		  "public-key = ed25519:L6vgqULxQ7BkZ2wmymeHiO+NB2j8EVFBbj1g8J+DBrc=\n",
		  "t.conf:3: public-key: key c9605515eb00de6a is given twice" },
		{ "[changes]\nenable = enable.conf\n", "enable: 'enable.conf' is not an absolute path" },
		{ "[changes]\nremove = /x\n", "unknown key 'remove' in [changes]" },
		{ "[changes]\nresolve-flowbits = maybe\n", "t.conf:2: resolve-flowbits: 'maybe' is not yes or no" },
		{ "[changes]\nresolve-flowbits = no\nresolve-flowbits = yes\n", "t.conf:3: 'resolve-flowbits' is given twice in [changes]" },
		{ "[check]\nmax-errors = lots\n", "max-errors: 'lots' is not a count (5) or a percentage" },
		{ "[check]\nmin-loaded = 90\n", "min-loaded: '90' is not a percentage (90%)" },
		{ "[check]\nmin-loaded = 190%\n", "min-loaded: '190%' is not a percentage" },
		{ "[source a b]\nurl = http://x/a.rules\n", "[source a b]: a source name has only letters" },
		{ "[source .x]\nurl = http://x/a.rules\n", "does not start with '.'" },
		{ "[source s]\nurl = ftp://x/a.rules\n", "t.conf:2: url: 'ftp://x/a.rules' must start with https://" },
		{ "[source s]\nurl = file://host/a.rules\n", "must start with https://, http:// or file:///" },
		{ "[source s]\nurl = https://x/rules.zip\n", "url: 'rules.zip' must name a .tar.gz (or .tgz) tarball or a .rules file" },
		{ "[source s]\nurl = https://x/\n", "url: 'https://x/' does not end in a file name" },
		{ "[source s]\nchecksum = md5\n", "t.conf:1: [source s] has no url" },
		{ "[source s]\nurl = https://x/a.rules\nchecksum = crc\n", "checksum: 'crc' is not none, md5 or sha256" },
		{ "[source s]\nurl = https://x/a.rules\nmirror = y\n", "unknown key 'mirror' in [source s]" },
		{ "[source s]\nurl = https://x/a.rules\nsignature = yes\n",
		  "t.conf:1: [source s] must be signed, but [verify] has no public-key" },
		{ "[verify]\nrequire-signature = yes\npublic-key = ed25519:L6vgqULxQ7BkZ2wmymeHiO+NB2j8EVFBbj1g8J+DBrc=\n"
		  "[source s]\nurl = https://x/a.rules\nsignature = no\n",
		  "t.conf:4: [source s] has signature = no, but [verify] require-signature = yes" },
		{ "[update]\nthis line has no equals sign\n", "t.conf:2: not 'key = value' nor '[section]'" },
		{ "[source s]\nurl = https://x/abc/r.rules\nsecret = abcd\n", "t.conf:1: [source s]: a secret that is not part of its url" },
		{ "[source s]\nurl = https://x/r.rules\nsecret = abc\n", "t.conf:3: secret: at least 4 characters" },
		{ "[source s]\nurl = https://x/aaaa/r.rules\nsecret = aaaa\nsecret = aaaa\nsecret = aaaa\nsecret = aaaa\nsecret = aaaa\n", "t.conf:7: secret: more than 4 in [source s]" },
		{ "[update]\nreload-command = a\n  b\n", "t.conf:3: 'reload-command' does not continue on an indented line" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct update_config c;
		struct uerr e;
		assert_int_equal(config_defaults(&c), 0);
		int rc = config_parse(&c, "t.conf", cases[i].text, &e);
		if (!rc)
			fail_msg("case %zu accepted; expected '%s'", i, cases[i].msg);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		/* a proxy URL may hold a password: never repeated in a message */
		assert_null(strstr(e.msg, "pa55word"));
		config_free(&c);
	}
}

static void long_line(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;
	char text[600];

	snprintf(text, sizeof(text), "[update]\nreload-command = %0300d\n", 7);
	assert_int_equal(config_defaults(&c), 0);
	assert_int_not_equal(config_parse(&c, "t.conf", text, &e), 0);
	assert_non_null(strstr(e.msg, "t.conf:2: line longer than 197 characters"));
	config_free(&c);
}

static void missing_file(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;

	assert_int_equal(config_defaults(&c), 0);
	assert_int_not_equal(config_load(&c, "/nonexistent/update.conf", &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/update.conf: cannot open: No such file"));
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(full),
		cmocka_unit_test(changes_default_path),
		cmocka_unit_test(errors),
		cmocka_unit_test(long_line),
		cmocka_unit_test(missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
