// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: what snet-update reads besides the index and the local
 * changes.  The first byte picks the parser, the rest is its input:
 *   'c' update.conf (and a sources file)       'k' a .md5 / .sha256 file
 *   's' a feed signature file, then verified    'p' an "ed25519:" key
 *   'a' a downloaded tarball (libarchive, with small limits)
 * Besides memory errors it checks what each parser promises: a digest of
 * the right length, a signature that no input can make verify against a
 * key whose secret nobody has, archive entries that passed the path checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "config.h"
#include "feed_archive.h"
#include "verify.h"

static char tarball[] = "/tmp/fuzz-feed-files-XXXXXX";
static int tar_fd = -1;

static void remove_tarball(void)
{
	unlink(tarball);
}

static void fuzz_archive(const uint8_t *data, size_t size)
{
	struct archive_limits lim = { .max_expanded = 1 << 20, .max_entries = 64 };
	struct feed_files f = { 0 };
	struct uerr e;
	char why[128];

	if (tar_fd < 0) {
		if ((tar_fd = mkstemp(tarball)) < 0)
			abort();
		atexit(remove_tarball);
	}
	if (ftruncate(tar_fd, 0) || pwrite(tar_fd, data, size, 0) != (ssize_t)size)
		abort();
	if (!archive_read_feed(tarball, &lim, &f, &e)) {
		uint64_t total = 0;
		for (size_t i = 0; i < f.n; i++) {
			if (archive_check_path(f.v[i].path, why, sizeof(why)) ||
			    !archive_wanted(f.v[i].name) || strchr(f.v[i].name, '/') ||
			    f.v[i].data[f.v[i].len] != '\0')
				abort();
			total += f.v[i].len;
		}
		if (total > lim.max_expanded || f.n > lim.max_entries)
			abort();
	}
	feed_files_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a key pair made here and thrown away: no input is signed by it */
	static struct pubkey key;
	static int ready;
	struct uerr e;

	if (!ready) {
		uint8_t sk[crypto_sign_SECRETKEYBYTES];
		if (verify_init(&e) || crypto_sign_keypair(key.pk, sk))
			abort();
		sodium_memzero(sk, sizeof(sk));
		key_id(key.pk, key.id);
		ready = 1;
	}
	if (!size)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0]) {
	case 'c': {
		struct update_config c;
		if (config_defaults(&c))
			abort();
		if (!config_parse(&c, "fuzz.conf", text, &e))
			(void)config_parse_sources(&c, "fuzz-src.conf", text, &e);
		config_free(&c);
		break;
	}
	case 'k': {
		uint8_t out[HASH_MAX];
		for (int k = 0; k < 2; k++)
			(void)checksum_parse(text, size - 1, (enum hash_kind)k, out, &e);
		break;
	}
	case 's': {
		struct feed_sig sig;
		uint8_t sha[32] = { 0 };
		size_t which;
		if (!sig_parse(text, size - 1, &sig, &e)) {
			if (sig.signed_len > size - 1)
				abort();
			if (!sig_verify(text, &sig, &key, 1, sha, sig.file, &which, &e))
				abort();
		}
		break;
	}
	case 'p': {
		struct pubkey k;
		if (!pubkey_parse(text, &k, &e) && strlen(k.id) != KEY_ID_LEN)
			abort();
		break;
	}
	case 'a':
		fuzz_archive(data + 1, size - 1);
		break;
	default:
		break;
	}
	free(text);
	return 0;
}
