// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: checksums, Ed25519 keys and the feed signature. */
#include "verify.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#define KEYFILE_MAX 4096
#define SIGFILE_MAX 4096

size_t hash_len(enum hash_kind k)
{
	return k == HASH_MD5 ? 16 : 32;
}

const char *hash_name(enum hash_kind k)
{
	return k == HASH_MD5 ? "MD5" : "SHA-256";
}

static const EVP_MD *hash_md(enum hash_kind k)
{
	return k == HASH_MD5 ? EVP_md5() : EVP_sha256();
}

int hash_mem(const void *data, size_t len, enum hash_kind k, uint8_t out[HASH_MAX])
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, hash_md(k), NULL) || n != hash_len(k))
		return -EIO;
	return 0;
}

int hash_file(const char *path, enum hash_kind k, uint8_t out[HASH_MAX], struct uerr *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return uerr_set(e, -errno, "%s: cannot open: %s", path, strerror(errno));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx, hash_md(k), NULL)) {
		rc = uerr_set(e, -ENOMEM, "%s: cannot start %s", path, hash_name(k));
		goto out;
	}
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = uerr_set(e, -errno, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, chunk, (size_t)n)) {
			rc = uerr_set(e, -EIO, "%s: %s failed", path, hash_name(k));
			goto out;
		}
	}
	unsigned int len = 0;
	if (!EVP_DigestFinal_ex(ctx, out, &len) || len != hash_len(k))
		rc = uerr_set(e, -EIO, "%s: %s failed", path, hash_name(k));
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

int checksum_parse(const char *text, size_t len, enum hash_kind k,
		   uint8_t out[HASH_MAX], struct uerr *e)
{
	size_t i = 0, hl = 2 * hash_len(k);
	bool found = false;

	if (memchr(text, 0, len))
		return uerr_set(e, -EINVAL, "not a checksum file (binary data)");
	while (i < len) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		size_t a = i, b = eol;
		while (a < b && isspace((unsigned char)text[a]))
			a++;
		while (b > a && isspace((unsigned char)text[b - 1]))
			b--;
		if (a < b) {
			if (found)
				return uerr_set(e, -EINVAL,
						"more than one checksum line; expected one %s digest",
						hash_name(k));
			size_t d = a;
			while (d < b && !isspace((unsigned char)text[d]))
				d++;
			if (hex_decode(text + a, d - a, out, hash_len(k)))
				return uerr_set(e, -EINVAL,
						"'%.*s' is not a %s digest (%zu hex digits)",
						(int)(d - a > 80 ? 80 : d - a), text + a,
						hash_name(k), hl);
			found = true;
		}
		i = eol + 1;
	}
	if (!found)
		return uerr_set(e, -EINVAL, "empty checksum file");
	return 0;
}

int verify_init(struct uerr *e)
{
	if (sodium_init() < 0)
		return uerr_set(e, -EIO, "libsodium cannot be initialised");
	return 0;
}

void key_id(const uint8_t pk[PUBKEY_LEN], char id[KEY_ID_LEN + 1])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), pk, PUBKEY_LEN, NULL, 0);
	hex_encode(h, KEY_ID_LEN / 2, id);
}

static int b64_decode(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t got = 0;
	const char *end;

	if (sodium_base642bin(out, n, s, slen, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) || got != n ||
	    end != s + slen)
		return -EINVAL;
	return 0;
}

/* The one non-comment line of a key file, trimmed. */
static int key_line(const char *text, const char **line, size_t *len)
{
	const char *p = text;
	int found = 0;

	while (*p) {
		const char *eol = p + strcspn(p, "\n");
		const char *a = p, *b = eol;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a < b && *a != '#') {
			if (found++)
				return -EINVAL;
			*line = a;
			*len = (size_t)(b - a);
		}
		p = *eol ? eol + 1 : eol;
	}
	return found == 1 ? 0 : -EINVAL;
}

int pubkey_parse(const char *text, struct pubkey *k, struct uerr *e)
{
	static const char pfx[] = "ed25519:";
	size_t n = strlen(text);

	if (n < sizeof(pfx) - 1 || memcmp(text, pfx, sizeof(pfx) - 1))
		return uerr_set(e, -EINVAL, "a public key starts with 'ed25519:'");
	if (b64_decode(text + sizeof(pfx) - 1, n - (sizeof(pfx) - 1), k->pk, PUBKEY_LEN))
		return uerr_set(e, -EINVAL,
				"public key is not base64 of %d bytes after 'ed25519:'",
				PUBKEY_LEN);
	key_id(k->pk, k->id);
	return 0;
}

int pubkey_load(const char *spec, struct pubkey *k, struct uerr *e)
{
	if (spec[0] != '/')
		return pubkey_parse(spec, k, e);
	char *data;
	size_t len;
	int rc = read_file_limit(spec, KEYFILE_MAX, &data, &len, e);
	if (rc)
		return rc;
	const char *line;
	size_t llen;
	char one[256];
	if (key_line(data, &line, &llen) || llen >= sizeof(one)) {
		free(data);
		return uerr_set(e, -EINVAL, "%s: expected one line 'ed25519:BASE64'", spec);
	}
	memcpy(one, line, llen);
	one[llen] = 0;
	free(data);
	rc = pubkey_parse(one, k, e);
	return rc ? uerr_prefix(e, rc, "%s", spec) : 0;
}

int seckey_load(const char *path, uint8_t sk[SECKEY_LEN], struct uerr *e)
{
	static const char pfx[] = "ed25519-secret:";
	char *data;
	size_t len;
	int rc = read_file_limit(path, KEYFILE_MAX, &data, &len, e);

	if (rc)
		return rc;
	const char *line;
	size_t llen;
	if (key_line(data, &line, &llen) || llen < sizeof(pfx) - 1 ||
	    memcmp(line, pfx, sizeof(pfx) - 1) ||
	    b64_decode(line + sizeof(pfx) - 1, llen - (sizeof(pfx) - 1), sk, SECKEY_LEN)) {
		sodium_memzero(data, len);
		free(data);
		return uerr_set(e, -EINVAL,
				"%s: not a secret key file (expected one line "
				"'ed25519-secret:BASE64', as 'snet-update keygen' writes)", path);
	}
	sodium_memzero(data, len);
	free(data);
	/* the secret key holds its public half: check they belong together */
	uint8_t seed[32], pk[PUBKEY_LEN], sk2[SECKEY_LEN];
	crypto_sign_ed25519_sk_to_seed(seed, sk);
	crypto_sign_seed_keypair(pk, sk2, seed);
	rc = sodium_memcmp(sk, sk2, SECKEY_LEN) ? -EINVAL : 0;
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk2, sizeof(sk2));
	if (rc)
		return uerr_set(e, rc, "%s: damaged secret key (its halves do not match)", path);
	return 0;
}

int keygen_write(const char *base, char id[KEY_ID_LEN + 1], struct uerr *e)
{
	uint8_t pk[PUBKEY_LEN], sk[SECKEY_LEN];
	char b64[sodium_base64_ENCODED_LEN(SECKEY_LEN, sodium_base64_VARIANT_ORIGINAL)];
	char path[4096], text[512];
	int rc;

	crypto_sign_keypair(pk, sk);
	key_id(pk, id);
	if (snprintf(path, sizeof(path), "%s.key", base) >= (int)sizeof(path))
		return uerr_set(e, -ENAMETOOLONG, "%s: name too long", base);
	sodium_bin2base64(b64, sizeof(b64), sk, SECKEY_LEN, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof(text),
		 "# snet-update secret key %s: keep it secret, it signs the feed\n"
		 "ed25519-secret:%s\n", id, b64);
	rc = write_file_new(path, text, strlen(text), 0600, e);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(text, sizeof(text));
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s.pub", base);
	sodium_bin2base64(b64, sizeof(b64), pk, PUBKEY_LEN, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof(text),
		 "# snet-update public key %s: give it to the hosts that install the feed\n"
		 "ed25519:%s\n", id, b64);
	return write_file_new(path, text, strlen(text), 0644, e);
}

/* Next line of the signature file: "<word> <value>", value up to eol. */
static int sig_field(const char **p, const char *end, const char *word,
		     const char **val, size_t *vlen, unsigned lineno, struct uerr *e)
{
	size_t wl = strlen(word);
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));

	if (!eol)
		return uerr_set(e, -EINVAL, "line %u: missing (expected '%s ...')", lineno, word);
	if ((size_t)(eol - *p) <= wl + 1 || memcmp(*p, word, wl) || (*p)[wl] != ' ')
		return uerr_set(e, -EINVAL, "line %u: expected '%s ...'", lineno, word);
	*val = *p + wl + 1;
	*vlen = (size_t)(eol - *val);
	*p = eol + 1;
	return 0;
}

int sig_parse(const char *text, size_t len, struct feed_sig *s, struct uerr *e)
{
	static const char magic[] = "snet-feed-signature 1\n";
	const char *p = text, *end = text + len, *v;
	size_t vl;
	int rc;

	memset(s, 0, sizeof(*s));
	if (len > SIGFILE_MAX || memchr(text, 0, len))
		return uerr_set(e, -EINVAL, "not a snet-update signature file");
	if (len < sizeof(magic) - 1 || memcmp(text, magic, sizeof(magic) - 1))
		return uerr_set(e, -EINVAL,
				"not a snet-update signature file (first line is not "
				"'snet-feed-signature 1')");
	p += sizeof(magic) - 1;
	if ((rc = sig_field(&p, end, "key", &v, &vl, 2, e)))
		return rc;
	if (vl != KEY_ID_LEN)
		return uerr_set(e, -EINVAL, "line 2: key id must be %d hex digits", KEY_ID_LEN);
	for (size_t i = 0; i < vl; i++)
		if (!isxdigit((unsigned char)v[i]))
			return uerr_set(e, -EINVAL, "line 2: key id must be hex digits");
	memcpy(s->key_id, v, vl);
	if ((rc = sig_field(&p, end, "created", &v, &vl, 3, e)))
		return rc;
	int64_t t = 0;
	if (vl == 0 || vl > 18)
		return uerr_set(e, -EINVAL, "line 3: bad time");
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return uerr_set(e, -EINVAL, "line 3: bad time");
		t = t * 10 + (v[i] - '0');
	}
	s->created = t;
	if ((rc = sig_field(&p, end, "file", &v, &vl, 4, e)))
		return rc;
	if (vl >= sizeof(s->file))
		return uerr_set(e, -EINVAL, "line 4: file name too long");
	memcpy(s->file, v, vl);
	if (!plain_file_name(s->file))
		return uerr_set(e, -EINVAL, "line 4: bad file name");
	if ((rc = sig_field(&p, end, "sha256", &v, &vl, 5, e)))
		return rc;
	if (hex_decode(v, vl, s->sha256, 32))
		return uerr_set(e, -EINVAL, "line 5: sha256 must be 64 hex digits");
	s->signed_len = (size_t)(p - text);
	if ((rc = sig_field(&p, end, "signature", &v, &vl, 6, e)))
		return rc;
	if (b64_decode(v, vl, s->sig, SIG_LEN))
		return uerr_set(e, -EINVAL, "line 6: signature must be base64 of %d bytes",
				SIG_LEN);
	if (p != end)
		return uerr_set(e, -EINVAL, "text after the signature line");
	return 0;
}

int sig_verify(const char *text, const struct feed_sig *s, const struct pubkey *keys,
	       size_t nkeys, const uint8_t sha256[32], const char *file, size_t *which,
	       struct uerr *e)
{
	size_t i;

	if (nkeys == 0)
		return uerr_set(e, -EPERM, "signed with key %s, but no public-key is "
				"configured in [verify]", s->key_id);
	for (i = 0; i < nkeys; i++)
		if (!strcmp(keys[i].id, s->key_id))
			break;
	if (i == nkeys)
		return uerr_set(e, -EPERM, "signed with key %s, which is not a configured "
				"public-key (configured: %s%s)", s->key_id, keys[0].id,
				nkeys > 1 ? ", ..." : "");
	if (crypto_sign_verify_detached(s->sig, (const unsigned char *)text, s->signed_len,
					keys[i].pk))
		return uerr_set(e, -EPERM, "bad signature: it does not verify with key %s "
				"(the signature file was altered or made with another key)",
				s->key_id);
	if (strcmp(s->file, file))
		return uerr_set(e, -EPERM, "the signature is for '%s', not '%s'", s->file, file);
	if (sodium_memcmp(s->sha256, sha256, 32)) {
		char a[65], b[65];
		hex_encode(s->sha256, 32, a);
		hex_encode(sha256, 32, b);
		return uerr_set(e, -EPERM, "the signature is for a tarball with SHA-256 %s, "
				"but the downloaded one has %s", a, b);
	}
	*which = i;
	return 0;
}

int sig_make(const uint8_t sk[SECKEY_LEN], const char *file, const uint8_t sha256[32],
	     int64_t created, struct buf *out, struct uerr *e)
{
	uint8_t pk[PUBKEY_LEN], sig[SIG_LEN];
	char id[KEY_ID_LEN + 1], hex[65];
	char b64[sodium_base64_ENCODED_LEN(SIG_LEN, sodium_base64_VARIANT_ORIGINAL)];

	if (!plain_file_name(file))
		return uerr_set(e, -EINVAL, "'%s': bad file name", file);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	key_id(pk, id);
	hex_encode(sha256, 32, hex);
	out->len = 0;
	if (buf_printf(out, "snet-feed-signature 1\nkey %s\ncreated %" PRId64 "\nfile %s\n"
		       "sha256 %s\n", id, created, file, hex))
		return uerr_set(e, -ENOMEM, "out of memory");
	crypto_sign_detached(sig, NULL, (const unsigned char *)out->data, out->len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, SIG_LEN, sodium_base64_VARIANT_ORIGINAL);
	if (buf_printf(out, "signature %s\n", b64))
		return uerr_set(e, -ENOMEM, "out of memory");
	return 0;
}
