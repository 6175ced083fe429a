/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snet-update: error messages, growable buffers, files and value parsing
 * shared by every module.  Functions return 0 or a negative errno and fill
 * a struct uerr with "what: why" for the user.
 */
#ifndef SNET_UPDATE_UTIL_H
#define SNET_UPDATE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UERR_MAX 4096

struct uerr {
	char msg[UERR_MAX];
};

/* Set the message; returns rc so callers can "return uerr_set(...)". */
int uerr_set(struct uerr *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the message already there. */
int uerr_prefix(struct uerr *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct buf {
	char *data;
	size_t len, cap;
};

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Keeps data NUL-terminated (not counted in len) so it can be a string. */
int buf_terminate(struct buf *b);
void buf_free(struct buf *b);

/* Whole file into memory, refusing more than max bytes; data is NUL-ended. */
int read_file_limit(const char *path, size_t max, char **data, size_t *len,
		    struct uerr *e);
/* New file (O_EXCL, no symlink followed), written and fsync()ed. */
int write_file_new(const char *path, const void *data, size_t len, mode_t mode,
		   struct uerr *e);
/* Temporary file beside path, fsync, rename over path. */
int write_file_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct uerr *e);
int mkdir_p(const char *path, mode_t mode, struct uerr *e);
/* Remove a tree without following symlinks; missing is not an error. */
int rm_rf(const char *path);
int fsync_path(const char *path);
bool path_exists(const char *path);

/* "10", "10k", "10kb", "4m", "1g" (binary units). */
int parse_size(const char *s, uint64_t *out);
/* "30", "30s", "5m", "2h". */
int parse_seconds(const char *s, uint64_t *out);
int parse_bool(const char *s, bool *out);

void hex_encode(const uint8_t *in, size_t n, char *out);
/* Exactly 2*n hex digits (either case) into n bytes. */
int hex_decode(const char *s, size_t slen, uint8_t *out, size_t n);

/* Last path component of a URL (no query or fragment); -EINVAL if none. */
int url_basename(const char *url, char *out, size_t outlen);
/* A safe single file name: no '/', not "." or "..", no control bytes. */
bool plain_file_name(const char *name);

double now_seconds(void);

#endif
