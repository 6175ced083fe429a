// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: archive path checks and the defensive tarball reader, on
 * archives this test writes with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>

#include "feed_archive.h"

struct ent {
	const char *path;
	unsigned type;		/* AE_IFREG if 0 */
	const char *data;	/* or size zero bytes when NULL */
	size_t size;
	const char *link;	/* symlink target, or hard link target with hard */
	int hard;
};

static char dir[] = "/tmp/snet-test-archive-XXXXXX";

static void make_tgz(const char *file, const struct ent *v, size_t n)
{
	struct archive *a = archive_write_new();
	assert_non_null(a);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, file), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		unsigned type = v[i].type ? v[i].type : AE_IFREG;
		size_t size = v[i].data ? strlen(v[i].data) : v[i].size;
		archive_entry_set_pathname(e, v[i].path);
		if (v[i].hard) {
			archive_entry_set_hardlink(e, v[i].link);
			size = 0;
		} else {
			archive_entry_set_filetype(e, type);
		}
		if (type == AE_IFLNK)
			archive_entry_set_symlink(e, v[i].link);
		if (type == AE_IFCHR)
			archive_entry_set_rdev(e, 0x0103);
		archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)size : 0);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (type == AE_IFREG && size) {
			if (v[i].data) {
				assert_int_equal(archive_write_data(a, v[i].data, size), (la_ssize_t)size);
			} else {
				static char zeros[65536];
				for (size_t off = 0; off < size; off += sizeof(zeros)) {
					size_t k = size - off < sizeof(zeros) ? size - off : sizeof(zeros);
					assert_int_equal(archive_write_data(a, zeros, k), (la_ssize_t)k);
				}
			}
		}
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static const struct archive_limits lim = { 1u << 20, 100 };

/* Write the entries, read them back; expect failure with msg (or success). */
static void expect(const struct ent *v, size_t n, const struct archive_limits *l, const char *msg,
		   struct feed_files *out)
{
	char file[256];
	struct uerr e;
	struct feed_files ff;

	snprintf(file, sizeof(file), "%s/t.tar.gz", dir);
	make_tgz(file, v, n);
	int rc = archive_read_feed(file, l, out ? out : &ff, &e);
	if (msg) {
		if (rc == 0)
			fail_msg("accepted; expected '%s'", msg);
		if (!strstr(e.msg, msg))
			fail_msg("got '%s', expected '%s'", e.msg, msg);
	} else {
		if (rc)
			fail_msg("refused: %s", e.msg);
		if (!out)
			feed_files_free(&ff);
	}
	unlink(file);
}

static void path_checks(void **state)
{
	(void)state;
	static const struct {
		const char *path, *why;
	} cases[] = {
		{ "rules/a.rules", NULL },
		{ "./rules/a.rules", NULL },
		{ "a..b.rules", NULL },
		{ "rules/..a/x", NULL },
		{ "rules//a.rules", NULL },
		{ "", "empty name" },
		{ "/etc/passwd", "absolute path" },
		{ "//x", "absolute path" },
		{ "..", "'..' in the path" },
		{ "../a.rules", "'..' in the path" },
		{ "rules/../../a.rules", "'..' in the path" },
		{ "rules/..", "'..' in the path" },
		{ "rules/a\nb", "control character" },
		{ "rules/a\x7f", "control character" },
	};
	char why[128];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = archive_check_path(cases[i].path, why, sizeof(why));
		if (!cases[i].why && rc)
			fail_msg("'%s' refused: %s", cases[i].path, why);
		if (cases[i].why && (!rc || !strstr(why, cases[i].why)))
			fail_msg("'%s': expected '%s', got rc %d '%s'", cases[i].path,
				 cases[i].why, rc, rc ? why : "");
	}
	char longname[1100];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_int_not_equal(archive_check_path(longname, why, sizeof(why)), 0);
}

static void wanted_names(void **state)
{
	(void)state;
	assert_true(archive_wanted("emerging-dns.rules"));
	assert_true(archive_wanted("classification.config"));
	assert_false(archive_wanted(".rules"));
	assert_false(archive_wanted("._emerging-dns.rules"));
	assert_false(archive_wanted("sid-msg.map"));
	assert_false(archive_wanted("reference.config"));
	assert_false(archive_wanted("rules.tar"));
}

static void good_archive(void **state)
{
	(void)state;
	const struct ent v[] = {
		{ "rules", AE_IFDIR, NULL, 0, NULL, 0 },
		{ "rules/a.rules", 0, "alert tcp any any -> any any (sid:1;)\n", 0, NULL, 0 },
		{ "rules/classification.config", 0, "config classification: x,y,1\n", 0, NULL, 0 },
		{ "rules/LICENSE", 0, "text", 0, NULL, 0 },
		{ "./other/b.rules", 0, "", 0, NULL, 0 },
	};
	struct feed_files ff;
	expect(v, 5, &lim, NULL, &ff);
	assert_int_equal(ff.n, 3);
	assert_string_equal(ff.v[0].name, "a.rules");
	assert_string_equal(ff.v[0].path, "rules/a.rules");
	assert_string_equal(ff.v[0].data, "alert tcp any any -> any any (sid:1;)\n");
	assert_string_equal(ff.v[1].name, "classification.config");
	assert_string_equal(ff.v[2].name, "b.rules");
	assert_int_equal(ff.v[2].len, 0);
	feed_files_free(&ff);
}

static void refused_entries(void **state)
{
	(void)state;
	const struct ent ok = { "rules/ok.rules", 0, "x\n", 0, NULL, 0 };
	const struct {
		struct ent bad;
		const char *msg;
	} cases[] = {
		{ { "/etc/cron.d/x.rules", 0, "x", 0, NULL, 0 },
		  "entry '/etc/cron.d/x.rules': absolute path; refused" },
		{ { "rules/../../x.rules", 0, "x", 0, NULL, 0 }, "'..' in the path; refused" },
		{ { "rules/evil.rules", AE_IFLNK, NULL, 0, "/etc/passwd", 0 },
		  "entry 'rules/evil.rules': a symbolic link (to '/etc/passwd'); links are refused" },
		{ { "rules/hard.rules", 0, NULL, 0, "rules/ok.rules", 1 },
		  "entry 'rules/hard.rules': a hard link (to 'rules/ok.rules'); links are refused" },
		{ { "rules/dev.rules", AE_IFCHR, NULL, 0, NULL, 0 }, "a character device; refused" },
		{ { "rules/fifo.rules", AE_IFIFO, NULL, 0, NULL, 0 }, "a FIFO; refused" },
		{ { "rules/ok.rules", 0, "again", 0, NULL, 0 }, "two files named 'ok.rules'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ent v[2] = { ok, cases[i].bad };
		expect(v, 2, &lim, cases[i].msg, NULL);
	}
}

static void decompression_bomb(void **state)
{
	(void)state;
	/* 8 MiB of zeros compress to a few KiB; the limit is 1 MiB */
	const struct ent big = { "rules/bomb.rules", 0, NULL, 8u << 20, NULL, 0 };
	expect(&big, 1, &lim, "entry 'rules/bomb.rules': the archive expands past max-expanded "
	       "(1048576 bytes); refused as a possible decompression bomb", NULL);
	/* a file that is not kept counts too */
	const struct ent ignored = { "rules/README", 0, NULL, 2u << 20, NULL, 0 };
	expect(&ignored, 1, &lim, "expands past max-expanded", NULL);
	/* the sum counts, not each file */
	const struct ent halves[3] = {
		{ "a.rules", 0, NULL, 400u << 10, NULL, 0 },
		{ "b.rules", 0, NULL, 400u << 10, NULL, 0 },
		{ "c.rules", 0, NULL, 400u << 10, NULL, 0 },
	};
	expect(halves, 3, &lim, "entry 'c.rules': the archive expands past", NULL);
	expect(halves, 2, &lim, NULL, NULL);
}

static void too_many_entries(void **state)
{
	(void)state;
	struct ent v[12];
	char names[12][32];
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d.rules", i);
		v[i] = (struct ent){ names[i], 0, "x\n", 0, NULL, 0 };
	}
	const struct archive_limits l = { 1u << 20, 10 };
	expect(v, 12, &l, "more than max-entries (10) entries; refused", NULL);
	expect(v, 10, &l, NULL, NULL);
}

static void damaged_archives(void **state)
{
	(void)state;
	char file[256];
	struct feed_files ff;
	struct uerr e;
	FILE *f;

	snprintf(file, sizeof(file), "%s/g.tar.gz", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	for (int i = 0; i < 4000; i++)
		fputc((i * 7919) & 0xff, f);
	fclose(f);
	assert_int_not_equal(archive_read_feed(file, &lim, &ff, &e), 0);
	if (!strstr(e.msg, "not a readable .tar.gz archive"))
		fail_msg("garbage: %s", e.msg);

	/* a good archive cut in half */
	struct ent v[3];
	static char text[3][20000];
	for (int i = 0; i < 3; i++) {
		for (size_t j = 0; j < sizeof(text[i]) - 1; j++)
			text[i][j] = (char)('a' + (j * 31 + (size_t)i * 17 + j / 7) % 26);
		text[i][sizeof(text[i]) - 1] = 0;
	}
	v[0] = (struct ent){ "a.rules", 0, text[0], 0, NULL, 0 };
	v[1] = (struct ent){ "b.rules", 0, text[1], 0, NULL, 0 };
	v[2] = (struct ent){ "c.rules", 0, text[2], 0, NULL, 0 };
	make_tgz(file, v, 3);
	FILE *in = fopen(file, "r");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	fclose(in);
	assert_int_equal(truncate(file, size / 2), 0);
	assert_int_not_equal(archive_read_feed(file, &lim, &ff, &e), 0);
	assert_true(strstr(e.msg, "damaged") || strstr(e.msg, "truncated") ||
		    strstr(e.msg, "not a readable"));
	unlink(file);

	/* nothing in it */
	make_tgz(file, v, 0);
	assert_int_not_equal(archive_read_feed(file, &lim, &ff, &e), 0);
	assert_non_null(strstr(e.msg, "empty archive"));
	unlink(file);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_checks),
		cmocka_unit_test(wanted_names),
		cmocka_unit_test(good_archive),
		cmocka_unit_test(refused_entries),
		cmocka_unit_test(decompression_bomb),
		cmocka_unit_test(too_many_entries),
		cmocka_unit_test(damaged_archives),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
