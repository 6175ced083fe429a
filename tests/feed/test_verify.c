// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: checksum files, keys, and the feed signature. */
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

#include "verify.h"

static char dir[] = "/tmp/snet-test-verify-XXXXXX";

static void checksums(void **state)
{
	(void)state;
	uint8_t out[HASH_MAX], want[HASH_MAX];
	struct uerr e;

	assert_int_equal(hash_mem("abc", 3, HASH_MD5, want), 0);
	/* as ET publishes it, as md5sum writes it, with a binary marker */
	assert_int_equal(checksum_parse("900150983cd24fb0d6963f7d28e17f72\n", 33, HASH_MD5, out, &e), 0);
	assert_memory_equal(out, want, 16);
	const char *s2 = "900150983CD24FB0D6963F7D28E17F72  emerging.rules.tar.gz\n\n";
	assert_int_equal(checksum_parse(s2, strlen(s2), HASH_MD5, out, &e), 0);
	assert_memory_equal(out, want, 16);
	const char *s3 = "900150983cd24fb0d6963f7d28e17f72 *x.tgz";
	assert_int_equal(checksum_parse(s3, strlen(s3), HASH_MD5, out, &e), 0);

	assert_int_equal(hash_mem("abc", 3, HASH_SHA256, want), 0);
	const char *s4 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  f\n";
	assert_int_equal(checksum_parse(s4, strlen(s4), HASH_SHA256, out, &e), 0);
	assert_memory_equal(out, want, 32);

	static const struct {
		const char *text;
		enum hash_kind k;
		const char *msg;
	} bad[] = {
		{ "", HASH_MD5, "empty checksum file" },
		{ "\n  \n", HASH_MD5, "empty checksum file" },
		{ "900150983cd24fb0d6963f7d28e17f7", HASH_MD5, "is not a MD5 digest (32 hex digits)" },
		{ "900150983cd24fb0d6963f7d28e17f72", HASH_SHA256, "is not a SHA-256 digest (64" },
		{ "<html>404</html>", HASH_MD5, "'<html>404</html>' is not a MD5 digest" },
		{ "900150983cd24fb0d6963f7d28e17f72\n900150983cd24fb0d6963f7d28e17f72\n", HASH_MD5,
		  "more than one checksum line" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(checksum_parse(bad[i].text, strlen(bad[i].text), bad[i].k, out, &e), 0);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, bad[i].msg);
	}
}

/* A key pair from keygen_write, loaded back. */
static void keypair(const char *base, uint8_t sk[SECKEY_LEN], struct pubkey *pk)
{
	char p[512], id[KEY_ID_LEN + 1];
	struct uerr e;

	snprintf(p, sizeof(p), "%s/%s", dir, base);
	if (keygen_write(p, id, &e))
		fail_msg("keygen: %s", e.msg);
	snprintf(p, sizeof(p), "%s/%s.key", dir, base);
	if (seckey_load(p, sk, &e))
		fail_msg("seckey_load: %s", e.msg);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/%s.pub", dir, base);
	if (pubkey_load(p, pk, &e))
		fail_msg("pubkey_load: %s", e.msg);
	assert_string_equal(pk->id, id);
}

static void keys(void **state)
{
	(void)state;
	uint8_t sk[SECKEY_LEN];
	struct pubkey pk, pk2;
	struct uerr e;
	char p[512], id[KEY_ID_LEN + 1];

	keypair("k1", sk, &pk);
	/* keygen never overwrites a secret key */
	snprintf(p, sizeof(p), "%s/k1", dir);
	assert_int_not_equal(keygen_write(p, id, &e), 0);
	assert_non_null(strstr(e.msg, "k1.key: cannot create: File exists"));
	/* the literal form of the same key */
	char lit[128];
	FILE *f;
	snprintf(p, sizeof(p), "%s/k1.pub", dir);
	f = fopen(p, "r");
	assert_non_null(f);
	while (fgets(lit, sizeof(lit), f))
		if (lit[0] != '#')
			break;
	fclose(f);
	lit[strcspn(lit, "\n")] = 0;
	assert_int_equal(pubkey_load(lit, &pk2, &e), 0);
	assert_memory_equal(pk.pk, pk2.pk, PUBKEY_LEN);

	assert_int_not_equal(pubkey_parse("rsa:AAAA", &pk2, &e), 0);
	assert_non_null(strstr(e.msg, "starts with 'ed25519:'"));
	assert_int_not_equal(pubkey_parse("ed25519:AAAA", &pk2, &e), 0);
	assert_non_null(strstr(e.msg, "not base64 of 32 bytes"));
	/* a public key is not a secret key */
	assert_int_not_equal(seckey_load(p, sk, &e), 0);
	assert_non_null(strstr(e.msg, "not a secret key file"));
	assert_int_not_equal(pubkey_load("/nonexistent/x.pub", &pk2, &e), 0);
	assert_non_null(strstr(e.msg, "/nonexistent/x.pub: cannot open"));
}

static void signatures(void **state)
{
	(void)state;
	uint8_t sk[SECKEY_LEN], sk2[SECKEY_LEN], sha[32], other[32];
	struct pubkey keys[2];
	struct feed_sig s;
	struct buf b = { 0 };
	struct uerr e;
	size_t which = 99;

	keypair("a", sk, &keys[0]);
	keypair("b", sk2, &keys[1]);
	hash_mem("tarball", 7, HASH_SHA256, sha);
	hash_mem("other", 5, HASH_SHA256, other);
	assert_int_equal(sig_make(sk2, "feed.tar.gz", sha, 1700000000, &b, &e), 0);
	assert_int_equal(sig_parse(b.data, b.len, &s, &e), 0);
	assert_int_equal(s.created, 1700000000);
	assert_string_equal(s.file, "feed.tar.gz");
	assert_string_equal(s.key_id, keys[1].id);
	assert_int_equal(sig_verify(b.data, &s, keys, 2, sha, "feed.tar.gz", &which, &e), 0);
	assert_int_equal(which, 1);

	/* each way it can be wrong */
	assert_int_not_equal(sig_verify(b.data, &s, keys, 1, sha, "feed.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "which is not a configured public-key"));
	assert_int_not_equal(sig_verify(b.data, &s, keys, 0, sha, "feed.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "no public-key is configured"));
	assert_int_not_equal(sig_verify(b.data, &s, keys, 2, other, "feed.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "the signature is for a tarball with SHA-256"));
	assert_int_not_equal(sig_verify(b.data, &s, keys, 2, sha, "x.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "the signature is for 'feed.tar.gz', not 'x.tar.gz'"));

	/* a changed time (a replayed old feed made to look new) breaks the signature */
	char *t = strdup(b.data);
	char *c = strstr(t, "created 1700000000");
	assert_non_null(c);
	c[8] = '2';
	assert_int_equal(sig_parse(t, strlen(t), &s, &e), 0);
	assert_int_not_equal(sig_verify(t, &s, keys, 2, sha, "feed.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "bad signature"));
	free(t);

	/* one flipped signature bit */
	t = strdup(b.data);
	c = strstr(t, "\nsignature ") + 11;
	*c = *c == 'A' ? 'B' : 'A';
	assert_int_equal(sig_parse(t, strlen(t), &s, &e), 0);
	assert_int_not_equal(sig_verify(t, &s, keys, 2, sha, "feed.tar.gz", &which, &e), 0);
	assert_non_null(strstr(e.msg, "bad signature"));
	free(t);
	buf_free(&b);
}

static void signature_file_syntax(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "first line is not 'snet-feed-signature 1'" },
		{ "<html>", "first line is not" },
		{ "snet-feed-signature 2\n", "first line is not" },
		{ "snet-feed-signature 1\nkey 12\n", "line 2: key id must be 16 hex digits" },
		{ "snet-feed-signature 1\nkey 0123456789abcdeg\n", "line 2: key id must be hex" },
		{ "snet-feed-signature 1\nkey 0123456789abcdef\ncreated x\n", "line 3: bad time" },
		{ "snet-feed-signature 1\nkey 0123456789abcdef\ncreated 5\nfile x\nsha256 00\n",
		  "line 5: sha256 must be 64 hex digits" },
		{ "snet-feed-signature 1\nkey 0123456789abcdef\ncreated 5\nfile a/b\n",
		  "line 4: bad file name" },
		{ "snet-feed-signature 1\nkey 0123456789abcdef\ncreated 5\nfile f\nsha256 "
		  "0000000000000000000000000000000000000000000000000000000000000000\n",
		  "line 6: missing (expected 'signature ...')" },
		{ "snet-feed-signature 1\nkey 0123456789abcdef\ncreated 5\nfile f\nsha256 "
		  "0000000000000000000000000000000000000000000000000000000000000000\nsignature abc\n",
		  "line 6: signature must be base64 of 64 bytes" },
	};
	struct feed_sig s;
	struct uerr e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(sig_parse(bad[i].text, strlen(bad[i].text), &s, &e), 0);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, e.msg, bad[i].msg);
	}
}

static int setup(void **state)
{
	(void)state;
	struct uerr e;
	return verify_init(&e) || !mkdtemp(dir) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksums),
		cmocka_unit_test(keys),
		cmocka_unit_test(signatures),
		cmocka_unit_test(signature_file_syntax),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
