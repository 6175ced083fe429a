// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suricata's datasets: named sets of strings, MD5s or SHA-256s in which
 * a rule looks up its sticky buffer (dataset:isset,NAME), or adds it
 * (set) or removes it (unset), or compares its reputation (datarep).  A set belongs to the rule set that named
 * it and to all its workers, behind a read-write lock: lookups share it,
 * set and unset take it alone.  Its entries come from a file read when
 * the rules load (type string: one base64 line each; md5 and sha256: one
 * hex digest each; either with ",N", its reputation), within a memcap; what set adds while running lasts
 * until the rule set is replaced: nothing is written back.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DS_DEFAULT_MEMCAP (16ull << 20)
#define DS_DEFAULT_HASHSIZE 2048
#define DS_MAX_HASHSIZE (1u << 24)
#define DS_MAX_LINE 65536

static const char *const type_names[] = { [DS_STRING] = "string", [DS_MD5] = "md5",
					   [DS_SHA256] = "sha256" };
static const size_t type_len[] = { [DS_STRING] = 0, [DS_MD5] = 16, [DS_SHA256] = 32 };

/* linear probing; key NULL: a free slot */
struct ds_entry {
	uint64_t hash;
	uint8_t *key;
	uint32_t len;
	uint16_t rep;		/* its reputation, from its file's ",N" (datarep) */
};

struct dataset {
	char *name;
	uint8_t type;		/* DS_* */
	char *load;		/* the file it was read from, or NULL */
	uint64_t memcap;
	pthread_rwlock_t lock;
	/* under lock: */
	struct ds_entry *slots;
	size_t cap, n;		/* cap: a power of two */
	uint64_t mem;
};

const char *dataset_type_name(uint8_t type)
{
	return type < DS__COUNT ? type_names[type] : "?";
}

int dataset_type_parse(const char *s)
{
	for (int t = 0; t < DS__COUNT; t++)
		if (!strcmp(s, type_names[t]))
			return t;
	return -1;
}

static uint64_t ds_hash(const uint8_t *b, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* the slot of key, or of the free slot where it would go */
static size_t ds_find(const struct dataset *ds, uint64_t h, const uint8_t *b, size_t n)
{
	size_t mask = ds->cap - 1;
	size_t i = (size_t)h & mask;
	while (ds->slots[i].key && (ds->slots[i].hash != h || ds->slots[i].len != n ||
				    memcmp(ds->slots[i].key, b, n)))
		i = (i + 1) & mask;
	return i;
}

static int ds_grow(struct dataset *ds)
{
	size_t cap = ds->cap * 2;
	uint64_t more = (uint64_t)(cap - ds->cap) * sizeof(struct ds_entry);
	if (ds->mem + more > ds->memcap)
		return -ENOSPC;
	struct ds_entry *s = calloc(cap, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < ds->cap; i++) {
		if (!ds->slots[i].key)
			continue;
		size_t j = (size_t)ds->slots[i].hash & (cap - 1);
		while (s[j].key)
			j = (j + 1) & (cap - 1);
		s[j] = ds->slots[i];
	}
	free(ds->slots);
	ds->slots = s;
	ds->cap = cap;
	ds->mem += more;
	return 0;
}

/* 1 added, 0 there already, -ENOSPC past the memcap, -ENOMEM; under the write lock */
static int ds_add(struct dataset *ds, const uint8_t *b, size_t n, uint16_t rep)
{
	if (n > UINT32_MAX)
		return -ENOSPC;
	uint64_t h = ds_hash(b, n);
	size_t i = ds_find(ds, h, b, n);
	if (ds->slots[i].key)
		return 0;
	if ((ds->n + 1) * 4 > ds->cap * 3) {
		int rc = ds_grow(ds);
		if (rc)
			return rc;
		i = ds_find(ds, h, b, n);
	}
	if (ds->mem + n > ds->memcap)
		return -ENOSPC;
	uint8_t *k = malloc(n ? n : 1);
	if (!k)
		return -ENOMEM;
	memcpy(k, b, n);
	ds->slots[i] = (struct ds_entry){ h, k, (uint32_t)n, rep };
	ds->n++;
	ds->mem += n;
	return 1;
}

/* 1 removed, 0 not there; backward-shift deletion keeps probing exact */
static int ds_remove(struct dataset *ds, const uint8_t *b, size_t n)
{
	size_t i = ds_find(ds, ds_hash(b, n), b, n);
	if (!ds->slots[i].key)
		return 0;
	ds->mem -= ds->slots[i].len;
	free(ds->slots[i].key);
	ds->slots[i].key = NULL;
	ds->n--;
	size_t mask = ds->cap - 1;
	for (size_t j = (i + 1) & mask; ds->slots[j].key; j = (j + 1) & mask) {
		size_t home = (size_t)ds->slots[j].hash & mask;
		/* j's entry may fill the hole at i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		ds->slots[i] = ds->slots[j];
		ds->slots[j].key = NULL;
		i = j;
	}
	return 1;
}

bool dataset_op(struct dataset *ds, uint8_t cmd, uint16_t rep, const uint8_t *b, size_t n)
{
	/* an MD5 or SHA-256 set holds digests: a buffer of another length
	 * is in none (to_md5 or to_sha256 make the buffer one) */
	if (type_len[ds->type] && n != type_len[ds->type])
		return cmd == DS_ISNOTSET;
	if (cmd != DS_SET && cmd != DS_UNSET) {
		/* datarep, as Suricata: an empty buffer has no reputation */
		if (cmd >= DS_REP_GT && !n)
			return false;
		pthread_rwlock_rdlock(&ds->lock);
		const struct ds_entry *e = &ds->slots[ds_find(ds, ds_hash(b, n), b, n)];
		bool has = e->key != NULL;
		uint16_t have = e->rep;
		pthread_rwlock_unlock(&ds->lock);
		switch (cmd) {
		case DS_ISSET: return has;
		case DS_ISNOTSET: return !has;
		case DS_REP_GT: return has && have > rep;
		case DS_REP_LT: return has && have < rep;
		default: return has && have == rep;
		}
	}
	/* as Suricata: set matches when it added, unset when it removed */
	pthread_rwlock_wrlock(&ds->lock);
	int rc = cmd == DS_SET ? ds_add(ds, b, n, 0) : ds_remove(ds, b, n);
	pthread_rwlock_unlock(&ds->lock);
	return rc == 1;
}

size_t dataset_count(struct dataset *ds)
{
	pthread_rwlock_rdlock(&ds->lock);
	size_t n = ds->n;
	pthread_rwlock_unlock(&ds->lock);
	return n;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* strict base64, as Suricata reads a string set: the whole line, padded */
static int b64_strict(const char *s, size_t n, uint8_t *out, size_t *outlen)
{
	if (n % 4)
		return -1;
	size_t pad = n && s[n - 1] == '=' ? (n > 1 && s[n - 2] == '=' ? 2 : 1) : 0;
	for (size_t i = 0; i < n - pad; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
			return -1;
	*outlen = base64_decode_rfc4648((const uint8_t *)s, n, out, n, NULL);
	return 0;
}

/* one line of a set's file into key, and its ",N" reputation; -1 with why */
static int parse_line(uint8_t type, const char *s, size_t n, uint8_t *key, size_t *klen,
		      uint16_t *rep, const char **why)
{
	*rep = 0;
	const char *comma = memchr(s, ',', n);
	if (comma) {
		unsigned long r = 0;
		const char *d = comma + 1;
		size_t dn = n - (size_t)(d - s);
		bool ok = dn > 0 && dn <= 5;
		for (size_t i = 0; ok && i < dn; i++) {
			ok = isdigit((unsigned char)d[i]);
			r = r * 10 + (unsigned long)(d[i] - '0');
		}
		if (!ok || r > 65535) {
			*why = "bad reputation after ',' (0 to 65535)";
			return -1;
		}
		*rep = (uint16_t)r;
		n = (size_t)(comma - s);
		if (!n) {
			*why = "no value before ','";
			return -1;
		}
	}
	if (type == DS_STRING) {
		if (b64_strict(s, n, key, klen)) {
			*why = "not base64 (a string set has one base64 value a line)";
			return -1;
		}
		return 0;
	}
	size_t want = type_len[type];
	if (n != want * 2) {
		*why = type == DS_MD5 ? "not an MD5 (32 hex digits)" :
		       "not a SHA-256 (64 hex digits)";
		return -1;
	}
	for (size_t i = 0; i < want; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "not hexadecimal";
			return -1;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*klen = want;
	return 0;
}

int dataset_load_text(struct dataset *ds, const char *text, size_t len, const char *file,
		      char *err, size_t errlen)
{
	uint8_t *key = malloc(DS_MAX_LINE);
	if (!key)
		return -ENOMEM;
	int rc = 0;
	unsigned lineno = 0;
	pthread_rwlock_wrlock(&ds->lock);
	for (size_t pos = 0; pos < len && !rc;) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		lineno++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n || s[0] == '#')
			continue;
		const char *why = NULL;
		size_t klen = 0;
		uint16_t rep;
		if (n >= DS_MAX_LINE) {
			why = "line too long";
		} else if (!parse_line(ds->type, s, n, key, &klen, &rep, &why)) {
			rc = ds_add(ds, key, klen, rep);
			if (rc == -ENOSPC)
				snprintf(err, errlen, "dataset %s: %s:%u: past its memcap of %llu "
					 "bytes", ds->name, file, lineno,
					 (unsigned long long)ds->memcap);
			if (rc > 0)
				rc = 0;
			continue;
		}
		snprintf(err, errlen, "dataset %s: %s:%u: %s", ds->name, file, lineno, why);
		rc = -EINVAL;
	}
	pthread_rwlock_unlock(&ds->lock);
	free(key);
	return rc;
}

void dataset_free(struct dataset *ds)
{
	if (!ds)
		return;
	for (size_t i = 0; i < ds->cap; i++)
		free(ds->slots[i].key);
	free(ds->slots);
	pthread_rwlock_destroy(&ds->lock);
	free(ds->name);
	free(ds->load);
	free(ds);
}

struct dataset *dataset_new(const char *name, uint8_t type, uint64_t memcap, uint32_t hashsize)
{
	struct dataset *ds = calloc(1, sizeof(*ds));
	if (!ds)
		return NULL;
	size_t cap = 16;
	if (!hashsize)
		hashsize = DS_DEFAULT_HASHSIZE;
	while (cap < hashsize && cap < DS_MAX_HASHSIZE)
		cap *= 2;
	ds->name = strdup(name);
	ds->type = type;
	ds->memcap = memcap ? memcap : DS_DEFAULT_MEMCAP;
	ds->slots = calloc(cap, sizeof(*ds->slots));
	ds->cap = cap;
	ds->mem = cap * sizeof(*ds->slots);
	if (!ds->name || !ds->slots || pthread_rwlock_init(&ds->lock, NULL)) {
		free(ds->name);
		free(ds->slots);
		free(ds);
		return NULL;
	}
	return ds;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = strbuf_append(&b, buf, n);
	if (!rc && ferror(f))
		rc = -EIO;
	fclose(f);
	if (rc) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	*len = b.len;
	return 0;
}

int dataset_table_get(struct dataset_table *t, const struct dataset_spec *sp,
		      struct dataset **out, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->n; i++) {
		struct dataset *ds = t->v[i];
		if (strcmp(ds->name, sp->name))
			continue;
		if (sp->type >= 0 && sp->type != ds->type) {
			snprintf(err, errlen, "dataset %s: type %s here, %s where it was first "
				 "named", sp->name, type_names[sp->type], type_names[ds->type]);
			return -EINVAL;
		}
		if (sp->load && (!ds->load || strcmp(sp->load, ds->load))) {
			snprintf(err, errlen, "dataset %s: loaded from %s here, %s where it was "
				 "first named", sp->name, sp->load, ds->load ? ds->load : "nothing");
			return -EINVAL;
		}
		*out = ds;
		return 0;
	}
	if (sp->type < 0) {
		snprintf(err, errlen, "dataset %s: a new set needs a type (string, md5, sha256)",
			 sp->name);
		return -EINVAL;
	}
	struct dataset **v = realloc(t->v, (t->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	struct dataset *ds = dataset_new(sp->name, (uint8_t)sp->type, sp->memcap, sp->hashsize);
	if (!ds)
		return -ENOMEM;
	if (ds->mem > ds->memcap) {
		snprintf(err, errlen, "dataset %s: its first %zu slots take %llu bytes, more than "
			 "its memcap of %llu (a smaller hashsize, or a larger memcap)", sp->name,
			 ds->cap, (unsigned long long)ds->mem, (unsigned long long)ds->memcap);
		dataset_free(ds);
		return -EINVAL;
	}
	int rc = 0;
	if (sp->load) {
		char *text = NULL;
		size_t len = 0;
		ds->load = strdup(sp->load);
		rc = ds->load ? read_file(sp->load, &text, &len) : -ENOMEM;
		if (rc && rc != -ENOMEM)
			snprintf(err, errlen, "dataset %s: cannot read %s: %s", sp->name,
				 sp->load, strerror(-rc));
		if (!rc)
			rc = dataset_load_text(ds, text, len, sp->load, err, errlen);
		free(text);
	}
	if (rc) {
		dataset_free(ds);
		return rc == -ENOSPC ? -EINVAL : rc;
	}
	t->v[t->n++] = ds;
	*out = ds;
	return 0;
}

void dataset_table_free(struct dataset_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		dataset_free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
