// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: tarball reading that refuses what could escape or explode. */
#include "feed_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 1024

int archive_check_path(const char *path, char *why, size_t whylen)
{
	size_t n = strlen(path);

	if (n == 0) {
		snprintf(why, whylen, "empty name");
		return -EINVAL;
	}
	if (n > NAME_MAX_BYTES) {
		snprintf(why, whylen, "name longer than %d bytes", NAME_MAX_BYTES);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f) {
			snprintf(why, whylen, "control character in the name");
			return -EINVAL;
		}
	}
	if (path[0] == '/') {
		snprintf(why, whylen, "absolute path");
		return -EINVAL;
	}
	for (const char *p = path; *p;) {
		size_t c = strcspn(p, "/");
		if (c == 2 && p[0] == '.' && p[1] == '.') {
			snprintf(why, whylen, "'..' in the path");
			return -EINVAL;
		}
		p += c;
		while (*p == '/')
			p++;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

bool archive_wanted(const char *name)
{
	if (name[0] == '.')	/* hidden files, AppleDouble "._x.rules" */
		return false;
	return (ends_with(name, ".rules") && strlen(name) > 6) ||
	       !strcmp(name, "classification.config");
}

int feed_files_add(struct feed_files *f, const char *name, const char *path, char *data,
		   size_t len, struct uerr *e)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return uerr_set(e, -EEXIST, "two files named '%s' ('%s' and '%s')", name,
					f->v[i].path, path);
	struct feed_file *nv = realloc(f->v, (f->n + 1) * sizeof(*nv));
	if (!nv)
		return uerr_set(e, -ENOMEM, "out of memory");
	f->v = nv;
	struct feed_file *x = &f->v[f->n];
	x->name = strdup(name);
	x->path = strdup(path);
	if (!x->name || !x->path) {
		free(x->name);
		free(x->path);
		return uerr_set(e, -ENOMEM, "out of memory");
	}
	x->data = data;
	x->len = len;
	f->n++;
	return 0;
}

void feed_files_free(struct feed_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	default: return "not a regular file";
	}
}

static int bomb(struct uerr *e, const char *path, uint64_t max)
{
	return uerr_set(e, -EFBIG, "entry '%s': the archive expands past max-expanded "
			"(%llu bytes); refused as a possible decompression bomb", path,
			(unsigned long long)max);
}

int archive_read_feed(const char *file, const struct archive_limits *lim,
		      struct feed_files *out, struct uerr *e)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	uint64_t expanded = 0, entries = 0;
	int rc = 0;
	char why[128];

	out->v = NULL;
	out->n = 0;
	if (!a)
		return uerr_set(e, -ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, file, 65536) != ARCHIVE_OK) {
		rc = uerr_set(e, -EINVAL, "not a readable .tar.gz archive (%s)",
			      archive_error_string(a) ? archive_error_string(a) : "unreadable");
		goto out;
	}
	for (;;) {
		int r = archive_read_next_header(a, &ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			const char *why = archive_error_string(a) ? archive_error_string(a) : "?";
			if (entries == 0)
				rc = uerr_set(e, -EINVAL, "not a readable .tar.gz archive (%s)", why);
			else
				rc = uerr_set(e, -EINVAL, "damaged archive after %llu entries: %s",
					      (unsigned long long)entries, why);
			goto out;
		}
		if (++entries > lim->max_entries) {
			rc = uerr_set(e, -EFBIG, "more than max-entries (%llu) entries; refused",
				      (unsigned long long)lim->max_entries);
			goto out;
		}
		/* headers and padding count too: a stream of empty entries is a bomb */
		if ((uint64_t)archive_filter_bytes(a, 0) > lim->max_expanded + (1u << 20) +
		    1024 * entries) {
			rc = bomb(e, "(headers)", lim->max_expanded);
			goto out;
		}
		const char *path = archive_entry_pathname(ent);
		if (!path) {
			rc = uerr_set(e, -EINVAL, "entry %llu has no readable name",
				      (unsigned long long)entries);
			goto out;
		}
		if (archive_check_path(path, why, sizeof(why))) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': %s; refused", path, why);
			goto out;
		}
		const char *target = archive_entry_hardlink(ent);
		if (target) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': a hard link (to '%.200s'); "
				      "links are refused", path, target);
			goto out;
		}
		unsigned type = archive_entry_filetype(ent);
		if (type == AE_IFLNK) {
			target = archive_entry_symlink(ent);
			rc = uerr_set(e, -EINVAL, "entry '%.200s': a symbolic link (to '%.200s'); "
				      "links are refused", path, target ? target : "?");
			goto out;
		}
		if (type == AE_IFDIR)
			continue;
		if (type != AE_IFREG) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': %s; refused", path,
				      type_name(type));
			goto out;
		}
		if (archive_entry_sparse_count(ent) > 0) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': a sparse file; refused", path);
			goto out;
		}
		if (!archive_entry_size_is_set(ent) || archive_entry_size(ent) < 0) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': no size", path);
			goto out;
		}
		uint64_t size = (uint64_t)archive_entry_size(ent);
		if (size > lim->max_expanded - expanded) {
			rc = bomb(e, path, lim->max_expanded);
			goto out;
		}
		expanded += size;
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (!*base) {
			rc = uerr_set(e, -EINVAL, "entry '%.200s': a file with a directory name",
				      path);
			goto out;
		}
		if (!archive_wanted(base)) {
			if (archive_read_data_skip(a) != ARCHIVE_OK) {
				rc = uerr_set(e, -EINVAL, "entry '%.200s': damaged: %s", path,
					      archive_error_string(a));
				goto out;
			}
			continue;
		}
		char *data = malloc(size + 1);
		if (!data) {
			rc = uerr_set(e, -ENOMEM, "entry '%.200s': out of memory", path);
			goto out;
		}
		size_t got = 0;
		for (;;) {
			la_ssize_t n = archive_read_data(a, data + got, size - got);
			if (n < 0) {
				free(data);
				rc = uerr_set(e, -EINVAL, "entry '%.200s': damaged: %s", path,
					      archive_error_string(a));
				goto out;
			}
			if (n == 0)
				break;
			got += (size_t)n;
			if (got == size) {
				/* past the declared size is impossible in tar: check EOF */
				char extra;
				n = archive_read_data(a, &extra, 1);
				if (n != 0) {
					free(data);
					rc = uerr_set(e, -EINVAL, "entry '%.200s': %s", path,
						      n < 0 ? archive_error_string(a) :
						      "more data than its declared size");
					goto out;
				}
				break;
			}
		}
		if (got != size) {
			free(data);
			rc = uerr_set(e, -EINVAL, "entry '%.200s': truncated (%zu of %llu bytes)",
				      path, got, (unsigned long long)size);
			goto out;
		}
		data[size] = 0;
		if ((rc = feed_files_add(out, base, path, data, size, e))) {
			free(data);
			goto out;
		}
	}
	if (entries == 0)
		rc = uerr_set(e, -EINVAL, "empty archive");
out:
	archive_read_free(a);
	if (rc)
		feed_files_free(out);
	return rc;
}
