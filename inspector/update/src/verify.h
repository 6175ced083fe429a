/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: checksums (.md5 as Emerging Threats publishes it, .sha256 as
 * sha256sum writes it) and the detached Ed25519 signature of our feed.
 *
 * Signature file (text, ".sig" beside the tarball):
 *   snet-feed-signature 1
 *   key <key id: 16 hex digits>
 *   created <seconds since the epoch>
 *   file <tarball name>
 *   sha256 <64 hex digits of the tarball>
 *   signature <base64 of the 64-byte Ed25519 signature>
 * The signature covers every byte before the "signature" line, so the
 * tarball's hash, its name and the publication time are all signed.
 */
#ifndef SNET_UPDATE_VERIFY_H
#define SNET_UPDATE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum hash_kind { HASH_MD5, HASH_SHA256 };

#define HASH_MAX 32
#define KEY_ID_LEN 16
#define PUBKEY_LEN 32
#define SECKEY_LEN 64
#define SIG_LEN 64

size_t hash_len(enum hash_kind k);
const char *hash_name(enum hash_kind k);
int hash_file(const char *path, enum hash_kind k, uint8_t out[HASH_MAX],
	      struct uerr *e);
int hash_mem(const void *data, size_t len, enum hash_kind k,
	     uint8_t out[HASH_MAX]);
/*
 * A checksum file: the hex digest, optionally followed by white space and
 * a file name (sha256sum/md5sum style, '*' binary marker allowed); nothing
 * else but blank lines.
 */
int checksum_parse(const char *text, size_t len, enum hash_kind k,
		   uint8_t out[HASH_MAX], struct uerr *e);

struct pubkey {
	uint8_t pk[PUBKEY_LEN];
	char id[KEY_ID_LEN + 1];
};

/* Must be called once before the functions below (sodium_init). */
int verify_init(struct uerr *e);
void key_id(const uint8_t pk[PUBKEY_LEN], char id[KEY_ID_LEN + 1]);
/* "ed25519:BASE64" */
int pubkey_parse(const char *text, struct pubkey *k, struct uerr *e);
/* A "ed25519:BASE64" literal, or the absolute path of a .pub file. */
int pubkey_load(const char *spec, struct pubkey *k, struct uerr *e);
int seckey_load(const char *path, uint8_t sk[SECKEY_LEN], struct uerr *e);
/* BASE.key (mode 0600, never overwritten) and BASE.pub. */
int keygen_write(const char *base, char id[KEY_ID_LEN + 1], struct uerr *e);

struct feed_sig {
	char key_id[KEY_ID_LEN + 1];
	int64_t created;
	char file[256];
	uint8_t sha256[32];
	uint8_t sig[SIG_LEN];
	size_t signed_len;	/* bytes of the text the signature covers */
};

int sig_parse(const char *text, size_t len, struct feed_sig *s, struct uerr *e);
/*
 * Check a parsed signature file against the configured keys, the tarball's
 * SHA-256 and its expected name.  The index of the key used goes to *which.
 */
int sig_verify(const char *text, const struct feed_sig *s,
	       const struct pubkey *keys, size_t nkeys,
	       const uint8_t sha256[32], const char *file, size_t *which,
	       struct uerr *e);
/* The text of a signature file for a tarball. */
int sig_make(const uint8_t sk[SECKEY_LEN], const char *file,
	     const uint8_t sha256[32], int64_t created, struct buf *out,
	     struct uerr *e);

#endif
