// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update publish: tarball, checksum and signature of a rules folder. */
#include "publish.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "feed_archive.h"
#include "verify.h"

#define PUBLISH_MAX_FILE (256u << 20)

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder's *.rules and classification.config, sorted; refuses anything odd. */
static int list_rules(const char *dir, char ***out, size_t *nout, struct uerr *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, p[PATH_MAX];
	size_t n = 0;
	int rc = 0;
	bool have_rules = false;

	if (!d)
		return uerr_set(e, -errno, "%s: %s", dir, strerror(errno));
	while (!rc && (de = readdir(d))) {
		struct stat st;
		if (!archive_wanted(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st)) {
			rc = uerr_set(e, -errno, "%s: %s", p, strerror(errno));
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			rc = uerr_set(e, -EINVAL, "%s: not a regular file (links are not "
				      "published)", p);
			break;
		}
		char **nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			if (nv)
				v = nv;
			rc = uerr_set(e, -ENOMEM, "out of memory");
			break;
		}
		v = nv;
		have_rules |= strcmp(v[n], "classification.config") != 0;
		n++;
	}
	closedir(d);
	if (!rc && !have_rules)
		rc = uerr_set(e, -ENOENT, "%s: no *.rules file to publish", dir);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	*nout = n;
	return 0;
}

static int write_tarball(const char *path, const char *dir, char **names, size_t n,
			 int64_t mtime, struct uerr *e)
{
	struct archive *a = archive_write_new();
	int rc = 0;

	if (!a)
		return uerr_set(e, -ENOMEM, "out of memory");
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK) {
		rc = uerr_set(e, -EIO, "%s: %s", path, archive_error_string(a));
		archive_write_free(a);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		char p[PATH_MAX], entry[PATH_MAX], *data;
		size_t len;
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		snprintf(entry, sizeof(entry), "rules/%s", names[i]);
		if ((rc = read_file_limit(p, PUBLISH_MAX_FILE, &data, &len, e)))
			break;
		struct archive_entry *ent = archive_entry_new();
		if (!ent) {
			free(data);
			rc = uerr_set(e, -ENOMEM, "out of memory");
			break;
		}
		/* owner root, fixed mode and time: the tarball depends on the rules only */
		archive_entry_set_pathname(ent, entry);
		archive_entry_set_filetype(ent, AE_IFREG);
		archive_entry_set_perm(ent, 0644);
		archive_entry_set_size(ent, (la_int64_t)len);
		archive_entry_set_mtime(ent, (time_t)mtime, 0);
		archive_entry_set_uid(ent, 0);
		archive_entry_set_gid(ent, 0);
		if (archive_write_header(a, ent) != ARCHIVE_OK ||
		    (len && archive_write_data(a, data, len) != (la_ssize_t)len))
			rc = uerr_set(e, -EIO, "%s: %s", path, archive_error_string(a));
		archive_entry_free(ent);
		free(data);
	}
	if (archive_write_close(a) != ARCHIVE_OK && !rc)
		rc = uerr_set(e, -EIO, "%s: %s", path, archive_error_string(a));
	archive_write_free(a);
	if (!rc && fsync_path(path))
		rc = uerr_set(e, -EIO, "%s: cannot sync", path);
	return rc;
}

int publish_feed(const struct publish_opts *o, struct buf *report, struct uerr *e)
{
	const char *name = o->name && *o->name ? o->name : "snet-rules";
	char file[300], tgz[PATH_MAX], tmp[PATH_MAX + 320] = "", p[PATH_MAX + 16], hex[65];
	uint8_t sk[SECKEY_LEN], sha[HASH_MAX];
	char **names = NULL;
	size_t n = 0;
	struct buf sig = { 0 }, sum = { 0 };
	int rc;

	if (snprintf(file, sizeof(file), "%s.tar.gz", name) >= (int)sizeof(file) ||
	    !plain_file_name(file) || name[0] == '.')
		return uerr_set(e, -EINVAL, "'%s': bad feed name", name);
	if ((rc = seckey_load(o->secret_key, sk, e)))
		return rc;
	if ((rc = list_rules(o->rules_dir, &names, &n, e)))
		goto out;

	/* the publisher finds the errors, not every host that installs them */
	struct check_policy pol = { .inspector_config = o->inspector_config,
				    .max_errors = 0, .min_loaded_pct = 0 };
	struct check_result cr;
	snprintf(p, sizeof(p), "%s/classification.config", o->rules_dir);
	if ((rc = check_ruleset(&pol, o->rules_dir, path_exists(p) ? p : NULL, &cr, e))) {
		uerr_prefix(e, rc, "%s", o->rules_dir);
		goto out;
	}
	if (buf_printf(report, "test-compile: %s\n", cr.summary)) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}

	if ((rc = mkdir_p(o->out_dir, 0755, e)))
		goto out;
	snprintf(tgz, sizeof(tgz), "%s/%s", o->out_dir, file);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-%ld", o->out_dir, file, (long)getpid());
	unlink(tmp);
	if ((rc = write_tarball(tmp, o->rules_dir, names, n, o->created, e)))
		goto out;
	if ((rc = hash_file(tmp, HASH_SHA256, sha, e)))
		goto out;
	hex_encode(sha, 32, hex);
	if ((rc = sig_make(sk, file, sha, o->created, &sig, e)))
		goto out;
	if (buf_printf(&sum, "%s  %s\n", hex, file)) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	if (rename(tmp, tgz)) {
		rc = uerr_set(e, -errno, "%s: %s", tgz, strerror(errno));
		goto out;
	}
	snprintf(p, sizeof(p), "%s.sha256", tgz);
	if ((rc = write_file_atomic(p, sum.data, sum.len, 0644, e)))
		goto out;
	snprintf(p, sizeof(p), "%s.sig", tgz);
	if ((rc = write_file_atomic(p, sig.data, sig.len, 0644, e)))
		goto out;
	char id[KEY_ID_LEN + 1];
	uint8_t pk[PUBKEY_LEN];
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	key_id(pk, id);
	/* published: a report cut short by a lack of memory changes nothing */
	(void)buf_printf(report, "published %s (%zu files, sha256 %s), signed with key %s, "
			 "created %" PRId64 "\n", tgz, n, hex, id, o->created);
out:
	if (tmp[0])
		unlink(tmp);
	sodium_memzero(sk, sizeof(sk));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&sig);
	buf_free(&sum);
	return rc;
}
