// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the source index (index.yaml), URLs formed from it, the
 * source name to file mapping, the sources files and their config keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "sources.h"

/* modeled on https://www.openinfosecfoundation.org/rules/index.yaml */
static const char real_index[] =
	"version: 1\n"
	"sources:\n"
	"  et/open:\n"
	"    description: |\n"
	"      Proofpoint ET Open is a timely and accurate rule set for detecting\n"
	"      and blocking advanced threats\n"
	"    license: MIT\n"
	"    summary: Emerging Threats Open Ruleset\n"
	"    url: https://rules.emergingthreats.net/open/suricata-%(__version__)s/emerging.rules.tar.gz\n"
	"    vendor: Proofpoint\n"
	"  oisf/trafficid:\n"
	"    checksum: false\n"
	"    license: MIT\n"
	"    min-version: 4.0.0\n"
	"    summary: Suricata Traffic ID ruleset\n"
	"    support-url: https://redmine.openinfosecfoundation.org/\n"
	"    url: https://openinfosecfoundation.org/rules/trafficid/trafficid.rules\n"
	"    vendor: OISF\n"
	"  et/pro:\n"
	"    checksum: false\n"
	"    description: |\n"
	"      Proofpoint ET Pro is a timely and accurate rule set\n"
	"    license: Commercial\n"
	"    parameters:\n"
	"      secret-code:\n"
	"        prompt: Emerging Threats Pro access code\n"
	"    replaces:\n"
	"    - et/open\n"
	"    subscribe-url: https://www.proofpoint.com/us/threat-insight/et-pro-ruleset\n"
	"    summary: Emerging Threats Pro Ruleset\n"
	"    url: https://rules.emergingthreatspro.com/%(secret-code)s/suricata-%(__version__)s/etpro.rules.tar.gz\n"
	"    vendor: Proofpoint\n"
	"  ptresearch/attackdetection:\n"
	"    deprecated: The source is no longer maintained.\n"
	"    license: Custom\n"
	"    license-url: https://raw.githubusercontent.com/ptresearch/AttackDetection/master/LICENSE\n"
	"    summary: Positive Technologies Attack Detection Team ruleset\n"
	"    url: https://raw.githubusercontent.com/ptresearch/AttackDetection/master/pt.rules.tar.gz\n"
	"    vendor: Positive Technologies\n"
	"  sslbl/ssl-fp-blacklist:\n"
	"    checksum: false\n"
	"    obsolete: Replaced by abuse.ch/sslbl-blacklist.\n"
	"    summary: Abuse.ch SSL Blacklist\n"
	"    url: https://sslbl.abuse.ch/blacklist/sslblacklist.rules\n"
	"    vendor: Abuse.ch\n"
	"    tags: [a, {b: c}]\n";

static struct source_index parse_ok(const char *text)
{
	struct source_index ix;
	struct uerr e;
	int rc = index_parse(&ix, "index.yaml", text, strlen(text), &e);

	if (rc)
		fail_msg("index refused: %s", e.msg);
	return ix;
}

static void realistic(void **state)
{
	(void)state;
	struct source_index ix = parse_ok(real_index);

	assert_int_equal(ix.version, 1);
	assert_int_equal(ix.nsources, 5);
	const struct index_source *s = index_find(&ix, "et/open");
	assert_non_null(s);
	assert_int_equal(s->line, 3);
	assert_string_equal(s->summary, "Emerging Threats Open Ruleset");
	assert_string_equal(s->vendor, "Proofpoint");
	assert_string_equal(s->license, "MIT");
	assert_true(s->checksum);
	assert_int_equal(s->nparams, 0);
	/* a control byte (the block's newline) never reaches a terminal */
	assert_null(strchr(s->description, '\n'));
	s = index_find(&ix, "oisf/trafficid");
	assert_false(s->checksum);
	assert_string_equal(s->min_version, "4.0.0");
	assert_string_equal(s->support_url, "https://redmine.openinfosecfoundation.org/");
	s = index_find(&ix, "et/pro");
	assert_int_equal(s->nparams, 1);
	assert_string_equal(s->params[0].name, "secret-code");
	assert_string_equal(s->params[0].prompt, "Emerging Threats Pro access code");
	assert_int_equal(s->nreplaces, 1);
	assert_string_equal(s->replaces[0], "et/open");
	assert_non_null(s->subscribe_url);
	assert_null(s->deprecated);
	s = index_find(&ix, "ptresearch/attackdetection");
	assert_string_equal(s->deprecated, "The source is no longer maintained.");
	assert_null(s->obsolete);
	s = index_find(&ix, "sslbl/ssl-fp-blacklist");
	assert_string_equal(s->obsolete, "Replaced by abuse.ch/sslbl-blacklist.");
	assert_null(index_find(&ix, "et"));
	index_free(&ix);

	/* booleans in every YAML 1.1 spelling; flags as booleans */
	ix = parse_ok("sources:\n  a:\n    url: https://x/a.rules\n    checksum: no\n"
		      "    deprecated: yes\n    obsolete: false\n  b:\n    url: https://x/b.rules\n"
		      "    checksum: True\n    parameters:\n      p:\n");
	assert_false(ix.sources[0].checksum);
	assert_string_equal(ix.sources[0].deprecated, "");
	assert_null(ix.sources[0].obsolete);
	assert_true(ix.sources[1].checksum);
	assert_int_equal(ix.sources[1].nparams, 1);
	assert_null(ix.sources[1].params[0].prompt);
	index_free(&ix);
}

static void url_formation(void **state)
{
	(void)state;
	struct source_index ix = parse_ok(real_index);
	struct uerr e;
	char *url;
	char *code[] = { "secret-code=0123abcd" };

	assert_int_equal(index_source_url(index_find(&ix, "et/open"), "7.0", NULL, 0, &url, &e), 0);
	assert_string_equal(url, "https://rules.emergingthreats.net/open/suricata-7.0/emerging.rules.tar.gz");
	free(url);
	assert_int_equal(index_source_url(index_find(&ix, "et/pro"), "6.0.10", code, 1, &url, &e), 0);
	assert_string_equal(url, "https://rules.emergingthreatspro.com/0123abcd/suricata-6.0.10/etpro.rules.tar.gz");
	free(url);
	index_free(&ix);
}

static void param_errors(void **state)
{
	(void)state;
	struct source_index ix = parse_ok(real_index);
	const struct index_source *pro = index_find(&ix, "et/pro"), *open = index_find(&ix, "et/open");
	static const struct {
		int which;	/* 0: et/pro, 1: et/open */
		const char *params[3];
		const char *msg;
	} cases[] = {
		{ 0, { NULL }, "source et/pro needs parameter 'secret-code' (Emerging Threats Pro access code): give secret-code=VALUE" },
		{ 0, { "secret-code=abc", "oinkcode=x" }, "source et/pro has no parameter 'oinkcode'; it has: secret-code" },
		{ 1, { "secret-code=abc" }, "source et/open has no parameter 'secret-code' (it takes none)" },
		{ 0, { "secret-code" }, "'secret-code' is not PARAMETER=VALUE" },
		{ 0, { "=x" }, "'=x' is not PARAMETER=VALUE" },
		{ 0, { "secret-code=" }, "parameter 'secret-code': the value must be 1 to 256 letters" },
		{ 0, { "secret-code=a/../b" }, "parameter 'secret-code': the value must be" },
		{ 0, { "secret-code=a b" }, "the value must be" },
		{ 0, { "secret-code=a", "secret-code=b" }, "parameter 'secret-code' is given twice" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p[3];
		size_t n = 0;
		char *url = NULL;
		struct uerr e;
		while (n < 3 && cases[i].params[n]) {
			p[n] = (char *)cases[i].params[n];
			n++;
		}
		int rc = index_source_url(cases[i].which ? open : pro, "7.0", p, n, &url, &e);
		if (!rc)
			fail_msg("case %zu accepted: %s", i, url);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		assert_null(url);
	}
	index_free(&ix);

	/* a placeholder that is not a parameter, and one left open */
	ix = parse_ok("sources:\n  a:\n    url: https://x/%(oink)s/a.rules\n"
		      "  b:\n    url: https://x/%(oink/a.rules\n");
	char *url;
	struct uerr e;
	assert_int_not_equal(index_source_url(&ix.sources[0], "7.0", NULL, 0, &url, &e), 0);
	assert_non_null(strstr(e.msg, "source a: the index's url uses %(oink)s, which is not one of its parameters"));
	assert_int_not_equal(index_source_url(&ix.sources[1], "7.0", NULL, 0, &url, &e), 0);
	assert_non_null(strstr(e.msg, "has an unclosed %( placeholder"));
	index_free(&ix);
}

static void refused(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		/* malformed YAML: the line libyaml stopped at */
		{ "version: 1\nsources:\n  et/open:\n    url: \"https://x\n", "index.yaml:5: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts at line 4" },
		{ "sources:\n  a:\n    url: x\n   bad: [1, 2\n", "index.yaml:4: not valid YAML: " },
		{ "sources:\n  a: {url: x\n", "index.yaml:3: not valid YAML:" },
		{ "sources:\n\t- tab\n", "index.yaml:2: not valid YAML: found character that cannot start any token" },
		{ "sources: *nowhere\n", "index.yaml:1: not valid YAML: found undefined alias" },
		/* wrong shapes */
		{ "", "index.yaml: empty: not a source index" },
		{ "- a\n- b\n", "index.yaml:1: the index must be a mapping with version and sources, not a list" },
		{ "version: 1\n", "index.yaml:1: no 'sources' mapping: not a source index" },
		{ "version: one\nsources: {}\n", "index.yaml:1: version must be a number from 1 to 1000" },
		{ "sources:\n- et/open\n", "index.yaml:2: sources must be a mapping of source names, not a list" },
		{ "sources:\n  et/open: https://x/a.rules\n", "index.yaml:2: source 'et/open' must be a mapping (url, summary, ...), not a scalar" },
		{ "sources:\n  et/open:\n    summary: x\n", "index.yaml:3: source 'et/open' has no url" },
		{ "sources:\n  et/open:\n    url: [a, b]\n", "index.yaml:3: source 'et/open': url must be a string, not a list" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    summary: {x: 1}\n", "index.yaml:4: source 'a': summary must be a string, not a mapping" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    checksum: maybe\n", "index.yaml:4: source 'a': checksum must be true or false" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    parameters: [x]\n", "index.yaml:4: source 'a': parameters must be a mapping, not a list" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    parameters:\n      p: text\n", "index.yaml:5: source 'a': parameter 'p' must be a mapping (with a prompt), not a scalar" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    parameters:\n      p=q: {}\n", "index.yaml:5: source 'a': 'p=q' is not a parameter name" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n    replaces: {a: b}\n", "index.yaml:4: source 'a': replaces must be a list of names, not a mapping" },
		{ "sources:\n  a:\n    url: https://x/a.rules\n  a:\n    url: https://y/a.rules\n", "index.yaml:4: source 'a' is given twice (also at line 2)" },
		{ "sources:\n  \"\":\n    url: https://x/a.rules\n", "index.yaml:2: an empty source name" },
		{ "sources:\n  [a]:\n    url: https://x/a.rules\n", "index.yaml:2: a source name must be a string, not a list" },
		{ "sources:\n  a:\n    url: \"https://x/\\0a.rules\"\n", "index.yaml:3: source 'a': url has a NUL byte" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_index ix;
		struct uerr e;
		int rc = index_parse(&ix, "index.yaml", cases[i].text, strlen(cases[i].text), &e);
		if (!rc)
			fail_msg("case %zu accepted; expected '%s'", i, cases[i].msg);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		assert_int_equal(ix.nsources, 0);
	}
	/* bounded: a large input is refused before it is parsed */
	size_t big = INDEX_MAX_BYTES + 1;
	char *text = malloc(big + 1);
	assert_non_null(text);
	memset(text, '#', big);
	text[big] = 0;
	struct source_index ix;
	struct uerr e;
	assert_int_not_equal(index_parse(&ix, "index.yaml", text, big, &e), 0);
	assert_non_null(strstr(e.msg, "index.yaml: larger than 1048576 bytes: not a source index"));
	free(text);
}

static void safe_names(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"../x", "..", "a/../b", "/etc/passwd", ".hidden", "a//b", "a/", "a b", "a\\b",
		"", "x/..", "a\nb",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	char out[SOURCE_NAME_MAX];
	struct uerr e;

	assert_int_equal(source_safe_name("et/open", out, sizeof(out), &e), 0);
	assert_string_equal(out, "et-open");
	assert_int_equal(source_safe_name("oisf/trafficid", out, sizeof(out), &e), 0);
	assert_string_equal(out, "oisf-trafficid");
	assert_int_equal(source_safe_name("abuse.ch/sslbl_ja3", out, sizeof(out), &e), 0);
	assert_string_equal(out, "abuse.ch-sslbl_ja3");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!source_safe_name(bad[i], out, sizeof(out), &e))
			fail_msg("'%s' accepted as '%s'", bad[i], out);
	assert_int_not_equal(source_safe_name("../x", out, sizeof(out), &e), 0);
	assert_non_null(strstr(e.msg, "source name '../x': refused (it could name a file outside "
			       "the sources directory)"));
}

static void config_keys(void **state)
{
	(void)state;
	struct update_config c;
	struct uerr e;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "[update]\nsources-dir = sources\n", "t.conf:2: sources-dir: 'sources' is not an absolute path" },
		{ "[update]\nsources-dir =\n", "t.conf:2: sources-dir: '' is not an absolute path" },
		{ "[update]\nindex-url = ftp://x/index.yaml\n", "t.conf:2: index-url: 'ftp://x/index.yaml' must start with https://, http:// or file:///" },
		{ "[update]\nindex-url = https://x/a b.yaml\n", "t.conf:2: index-url: spaces and control characters must be %-encoded" },
		{ "[update]\nsuricata-version = 7\n", NULL },
		{ "[update]\nsuricata-version = 7.0/../x\n", "t.conf:2: suricata-version: '7.0/../x' is not a version like 7.0 or 6.0.10" },
		{ "[update]\nsuricata-version = 1.2.3.4\n", "suricata-version: '1.2.3.4' is not a version" },
		{ "[update]\nsuricata-version = .7\n", "suricata-version: '.7' is not a version" },
		{ "[update]\nsuricata-version =\n", "suricata-version: '' is not a version" },
		{ "[update]\nindex-url = https://x/i.yaml\nindex-url = https://y/i.yaml\n", "t.conf:3: 'index-url' is given twice in [update]" },
	};

	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "t.conf", "", &e), 0);
	assert_string_equal(c.index_url, "https://www.openinfosecfoundation.org/rules/index.yaml");
	assert_string_equal(c.suricata_version, "7.0");
	assert_string_equal(c.sources_dir, "/etc/snet/update.d/sources");
	config_free(&c);
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "t.conf", "[update]\nsources-dir = /srv/s\n"
				      "index-url = file:///srv/index.yaml\nsuricata-version = 6.0.10\n", &e), 0);
	assert_string_equal(c.sources_dir, "/srv/s");
	assert_string_equal(c.index_url, "file:///srv/index.yaml");
	assert_string_equal(c.suricata_version, "6.0.10");
	config_free(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(config_defaults(&c), 0);
		int rc = config_parse(&c, "t.conf", cases[i].text, &e);
		if (!cases[i].msg && rc)
			fail_msg("case %zu refused: %s", i, e.msg);
		if (cases[i].msg && !rc)
			fail_msg("case %zu accepted; expected '%s'", i, cases[i].msg);
		if (cases[i].msg && !strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		config_free(&c);
	}
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void sources_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/snet-test-sources-XXXXXX";
	struct update_config c;
	struct uerr e;
	char conf[4096];

	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "[update]\nsources-dir = %s/s\n[source local]\n"
		 "url = file:///etc/snet/local.rules\n", dir);

	/* a missing sources-dir: no extra sources */
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);
	assert_int_equal(config_load_sources(&c, &e), 0);
	assert_int_equal(c.nsources, 1);
	config_free(&c);

	char sd[4200];
	snprintf(sd, sizeof(sd), "%s/s", dir);
	assert_int_equal(mkdir(sd, 0755), 0);
	put(sd, "b.conf", "# from the index\n[source b]\nurl = https://x/b.rules\n");
	put(sd, "a.conf", "[source a]\nurl = https://x/a.tar.gz\nchecksum = md5\n");
	put(sd, "c.conf.disabled", "[source c]\nurl = https://x/c.rules\n");
	put(sd, ".d.conf", "[source d]\nurl = https://x/d.rules\n");
	put(sd, "e.conf.tmp-1", "[source e]\nurl = https://x/e.rules\n");
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);
	if (config_load_sources(&c, &e))
		fail_msg("%s", e.msg);
	/* sorted by file name, after update.conf's; disabled and hidden ones skipped */
	assert_int_equal(c.nsources, 3);
	assert_string_equal(c.sources[1].name, "a");
	assert_int_equal(c.sources[1].checksum, CHECKSUM_MD5);
	assert_string_equal(c.sources[2].name, "b");
	assert_int_equal(c.sources[2].line, 2);
	assert_non_null(strstr(c.sources[2].origin, "/s/b.conf"));
	config_free(&c);

	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "[source local]\nurl = https://x/l.rules\n", "/s/z.conf:1: [source local] is defined twice: here and at u.conf:3" },
		{ "[source a]\nurl = https://x/a2.rules\n", "/s/z.conf:1: [source a] is defined twice: here and at " },
		{ "[update]\nkeep = 4\n", "/s/z.conf:2: [update]: a sources file has only [source NAME] sections" },
		{ "[source z]\nurl = ftp://x/z.rules\n", "/s/z.conf:2: url: 'ftp://x/z.rules' must start with https://" },
		{ "[source z]\nchecksum = md5\n", "/s/z.conf:1: [source z] has no url" },
		{ "[source z]\nurl = https://x/z.rules\nsignature = yes\n", "/s/z.conf:1: [source z] must be signed, but [verify] has no public-key" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(sd, "z.conf", cases[i].text);
		assert_int_equal(config_defaults(&c), 0);
		assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);
		int rc = config_load_sources(&c, &e);
		if (!rc)
			fail_msg("case %zu accepted; expected '%s'", i, cases[i].msg);
		if (!strstr(e.msg, cases[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, cases[i].msg);
		config_free(&c);
	}
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* enable, disable and remove on a temporary tree */
static void commands(void **state)
{
	(void)state;
	char dir[] = "/tmp/snet-test-sources-XXXXXX";
	struct update_config c;
	struct uerr e;
	char conf[4096], p[4300], *text;
	size_t len;
	struct stat st;
	FILE *out = fopen("/dev/null", "w");

	assert_non_null(out);
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "[update]\ndest = %s/d\ncache-dir = %s/c\nsources-dir = %s/s\n",
		 dir, dir, dir);
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);

	assert_int_not_equal(sources_list(&c, false, out, &e), 0);
	assert_non_null(strstr(e.msg, "no source index yet: run 'snet-update update-sources' first"));
	assert_int_not_equal(sources_enable(&c, "et/open", NULL, 0, out, &e), 0);
	assert_non_null(strstr(e.msg, "run 'snet-update update-sources' first"));
	snprintf(p, sizeof(p), "%s/c", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	put(p, "index.yaml", real_index);
	assert_int_equal(sources_list(&c, false, out, &e), 0);

	assert_int_not_equal(sources_enable(&c, "et/nothing", NULL, 0, out, &e), 0);
	assert_non_null(strstr(e.msg, "source 'et/nothing' is not in the source index"));
	assert_int_not_equal(sources_enable(&c, "sslbl/ssl-fp-blacklist", NULL, 0, out, &e), 0);
	assert_non_null(strstr(e.msg, "source sslbl/ssl-fp-blacklist is obsolete in the index "
			       "(Replaced by abuse.ch/sslbl-blacklist.); refused"));
	assert_int_not_equal(sources_enable(&c, "et/pro", NULL, 0, out, &e), 0);
	assert_non_null(strstr(e.msg, "needs parameter 'secret-code'"));

	char *code[] = { "secret-code=abc123" };
	if (sources_enable(&c, "et/pro", code, 1, out, &e))
		fail_msg("%s", e.msg);
	snprintf(p, sizeof(p), "%s/s/et-pro.conf", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);	/* it holds the secret code */
	assert_int_equal(read_file_limit(p, 4096, &text, &len, &e), 0);
	assert_non_null(strstr(text, "\n[source et-pro]\nurl = https://rules.emergingthreatspro.com/"
			       "abc123/suricata-7.0/etpro.rules.tar.gz\nchecksum = none\n"));
	assert_non_null(strstr(text, "# Source et/pro of the source index: Emerging Threats Pro Ruleset\n"));
	free(text);
	if (sources_enable(&c, "et/open", NULL, 0, out, &e))
		fail_msg("%s", e.msg);
	snprintf(p, sizeof(p), "%s/s/et-open.conf", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0022, 0);
	assert_int_equal(st.st_mode & 0444, 0444);
	assert_int_equal(read_file_limit(p, 4096, &text, &len, &e), 0);
	assert_non_null(strstr(text, "checksum = md5\n"));
	free(text);
	/* what was written is what the update reads */
	if (config_load_sources(&c, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(c.nsources, 2);
	assert_string_equal(c.sources[0].name, "et-open");
	assert_string_equal(c.sources[1].name, "et-pro");
	config_free(&c);
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);

	assert_int_equal(sources_disable(&c, "et/open", out, &e), 0);
	assert_false(path_exists(p));
	strcat(p, ".disabled");
	assert_true(path_exists(p));
	assert_int_not_equal(sources_disable(&c, "et/open", out, &e), 0);
	assert_non_null(strstr(e.msg, "source et/open is not enabled (no "));
	/* enabling again replaces the kept copy */
	assert_int_equal(sources_enable(&c, "et/open", NULL, 0, out, &e), 0);
	assert_false(path_exists(p));
	assert_int_equal(sources_remove(&c, "et/open", out, &e), 0);
	assert_int_not_equal(sources_remove(&c, "et/open", out, &e), 0);
	assert_non_null(strstr(e.msg, "source et/open is not enabled"));
	assert_int_not_equal(sources_remove(&c, "../x", out, &e), 0);
	assert_non_null(strstr(e.msg, "refused (it could name a file outside"));
	config_free(&c);
	fclose(out);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void versions(void **state)
{
	(void)state;
	static const struct { const char *v, *w; int cmp; } ok[] = {
		{ "7.0", "7.0.0", 0 }, { "4.0.0", "7.0", -1 }, { "7.0.10", "7.0.9", 1 },
		{ "10", "9.9.9", 1 }, { "6.0.10", "6.0.10.0", 0 }, { "0.1", "0.0.9", 1 },
	};
	static const char *const bad[] = {
		"", ".", "7.", ".7", "7..0", "7.x", "v7", "7.0-rc1", "1.2.3.4.5", "9999999",
	};
	int cmp;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(version_compare(ok[i].v, ok[i].w, &cmp), 0);
		if ((cmp > 0) - (cmp < 0) != ok[i].cmp)
			fail_msg("%s against %s: %d", ok[i].v, ok[i].w, cmp);
		assert_int_equal(version_compare(ok[i].w, ok[i].v, &cmp), 0);
		assert_int_equal((cmp > 0) - (cmp < 0), -ok[i].cmp);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (version_compare(bad[i], "7.0", &cmp) != -EINVAL ||
		    version_compare("7.0", bad[i], &cmp) != -EINVAL)
			fail_msg("'%s' taken as a version", bad[i]);
	}
}

/* min-version is checked; enabling a source disables those it replaces */
static void min_version_and_replaces(void **state)
{
	(void)state;
	char dir[] = "/tmp/snet-test-sources-XXXXXX";
	struct update_config c;
	struct uerr e;
	char conf[4096], p[4300], *printed = NULL;
	size_t plen = 0;
	FILE *out = open_memstream(&printed, &plen);
	char *code[] = { "secret-code=abc123" };

	assert_non_null(out);
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/c", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	put(p, "index.yaml", "version: 1\nsources:\n"
	    "  future/set:\n    min-version: 8.0.1\n    url: https://x/future.rules\n"
	    "  odd/set:\n    min-version: 4.x\n    url: https://x/odd.rules\n"
	    "  et/open:\n    url: https://x/open-%(__version__)s.rules\n"
	    "  et/pro:\n    replaces: [et/open, ../gone, et/pro]\n    parameters:\n"
	    "      secret-code: {prompt: code}\n    url: https://x/%(secret-code)s/pro.rules\n");
	for (int v = 0; v < 2; v++) {
		snprintf(conf, sizeof(conf), "[update]\ndest = %s/d\ncache-dir = %s/c\n"
			 "sources-dir = %s/s\n%s", dir, dir, dir, v ? "suricata-version = 8.0.1\n" : "");
		assert_int_equal(config_defaults(&c), 0);
		assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);
		int rc = sources_enable(&c, "future/set", NULL, 0, out, &e);
		if (!v) {
			assert_int_equal(rc, -EINVAL);
			assert_string_equal(e.msg, "source future/set needs Suricata 8.0.1 or later (the "
					    "index's min-version), but [update] suricata-version is "
					    "7.0; refused");
		} else if (rc) {
			fail_msg("%s", e.msg);
		}
		assert_int_equal(sources_enable(&c, "odd/set", NULL, 0, out, &e), -EINVAL);
		assert_string_equal(e.msg, "source odd/set: the index's min-version '4.x' is not a "
				    "version; refused");
		config_free(&c);
	}
	snprintf(p, sizeof(p), "%s/s/odd-set.conf", dir);
	assert_false(path_exists(p));

	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(config_parse(&c, "u.conf", conf, &e), 0);
	assert_int_equal(sources_enable(&c, "et/open", NULL, 0, out, &e), 0);
	if (sources_enable(&c, "et/pro", code, 1, out, &e))
		fail_msg("%s", e.msg);
	fflush(out);
	snprintf(p, sizeof(p), "%s/s/et-pro.conf", dir);
	assert_true(path_exists(p));	/* an index naming it among its own replaced */
	snprintf(p, sizeof(p), "%s/s/et-open.conf", dir);
	assert_false(path_exists(p));
	strcat(p, ".disabled");
	assert_true(path_exists(p));
	char said[4400];
	snprintf(said, sizeof(said), "disabled et/open: et/pro replaces it; kept as %s\n", p);
	if (!strstr(printed, said))
		fail_msg("printed: %s", printed);
	/* enabled again by hand: both stay, and the person is told */
	assert_int_equal(sources_enable(&c, "et/open", NULL, 0, out, &e), 0);
	fflush(out);
	assert_non_null(strstr(printed, "note: the enabled source et/pro replaces et/open; "
			       "'snet-update disable-source et/pro' if et/open is to be used instead\n"));
	assert_int_equal(config_load_sources(&c, &e), 0);
	assert_int_equal(c.nsources, 3);
	config_free(&c);
	fclose(out);
	free(printed);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(realistic),
		cmocka_unit_test(url_formation),
		cmocka_unit_test(param_errors),
		cmocka_unit_test(refused),
		cmocka_unit_test(safe_names),
		cmocka_unit_test(config_keys),
		cmocka_unit_test(sources_files),
		cmocka_unit_test(commands),
		cmocka_unit_test(versions),
		cmocka_unit_test(min_version_and_replaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
