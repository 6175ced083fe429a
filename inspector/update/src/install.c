// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: staging, the atomic swap of "current", rollback, pruning, reload. */
#include "install.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "verify.h"

#define STAGING_PREFIX ".staging-"
#define MANIFEST "MANIFEST"
#define ROLLED_BACK "rolled-back"

static int path2(char *out, const char *a, const char *b)
{
	return snprintf(out, PATH_MAX, "%s/%s", a, b) >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static void remove_stale(struct install *in)
{
	DIR *d = opendir(in->releases);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, STAGING_PREFIX, strlen(STAGING_PREFIX)) &&
		    !path2(p, in->releases, de->d_name))
			(void)rm_rf(p);	/* a crashed run's, never installed; best effort */
	closedir(d);
}

int install_open(struct install *in, const char *dest, struct uerr *e)
{
	char lock[PATH_MAX];
	int rc;

	memset(in, 0, sizeof(*in));
	in->lockfd = -1;
	if (snprintf(in->dest, sizeof(in->dest), "%s", dest) >= (int)sizeof(in->dest) ||
	    path2(in->releases, dest, "releases") || path2(lock, dest, ".lock"))
		return uerr_set(e, -ENAMETOOLONG, "%s: path too long", dest);
	if ((rc = mkdir_p(in->releases, 0755, e)))
		return uerr_prefix(e, rc, "dest");
	in->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (in->lockfd < 0)
		return uerr_set(e, -errno, "%s: %s", lock, strerror(errno));
	if (flock(in->lockfd, LOCK_EX | LOCK_NB)) {
		rc = -errno;
		close(in->lockfd);
		in->lockfd = -1;
		if (rc == -EWOULDBLOCK)
			return uerr_set(e, -EBUSY, "another snet-update is running (it holds %s)",
					lock);
		return uerr_set(e, rc, "%s: cannot lock: %s", lock, strerror(-rc));
	}
	remove_stale(in);
	return 0;
}

int install_stage(struct install *in, struct uerr *e)
{
	char name[64];

	snprintf(name, sizeof(name), STAGING_PREFIX "%ld", (long)getpid());
	if (path2(in->staging, in->releases, name))
		return uerr_set(e, -ENAMETOOLONG, "%s: path too long", in->releases);
	(void)rm_rf(in->staging);	/* mkdir() below says if it is still there */
	if (mkdir(in->staging, 0755)) {
		int rc = -errno;
		uerr_set(e, rc, "%s: cannot create: %s", in->staging, strerror(-rc));
		in->staging[0] = 0;
		return rc;
	}
	return 0;
}

int install_add(struct install *in, const char *name, const void *data, size_t len,
		struct uerr *e)
{
	char p[PATH_MAX];
	int rc;

	if (!in->staging[0] || !plain_file_name(name) || !strcmp(name, MANIFEST))
		return uerr_set(e, -EINVAL, "'%s': cannot be staged", name);
	if (path2(p, in->staging, name))
		return uerr_set(e, -ENAMETOOLONG, "%s: path too long", name);
	struct staged_file *nf = realloc(in->files, (in->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return uerr_set(e, -ENOMEM, "out of memory");
	in->files = nf;
	if ((rc = write_file_new(p, data, len, 0644, e)))
		return rc;
	struct staged_file *f = &in->files[in->nfiles];
	if (!(f->name = strdup(name)))
		return uerr_set(e, -ENOMEM, "out of memory");
	if (hash_mem(data, len, HASH_SHA256, f->sha256)) {
		free(f->name);
		return uerr_set(e, -EIO, "%s: SHA-256 failed", name);
	}
	in->nfiles++;
	return 0;
}

static int staged_cmp(const void *a, const void *b)
{
	return strcmp(((const struct staged_file *)a)->name, ((const struct staged_file *)b)->name);
}

int install_content(const struct install *in, char hex[65])
{
	struct buf b = { 0 };
	uint8_t h[32];
	char fh[65];
	int rc = 0;

	qsort(in->files, in->nfiles, sizeof(*in->files), staged_cmp);
	for (size_t i = 0; i < in->nfiles && !rc; i++) {
		hex_encode(in->files[i].sha256, 32, fh);
		rc = buf_printf(&b, "%s %s\n", fh, in->files[i].name);
	}
	if (!rc)
		rc = hash_mem(b.data ? b.data : "", b.len, HASH_SHA256, h);
	if (!rc)
		hex_encode(h, 32, hex);
	buf_free(&b);
	return rc;
}

int install_manifest(struct install *in, const char *header, struct uerr *e)
{
	struct buf b = { 0 };
	char p[PATH_MAX], hex[65];
	int rc;

	rc = install_content(in, hex);
	if (!rc)
		rc = buf_puts(&b, header);
	for (size_t i = 0; i < in->nfiles && !rc; i++) {
		char fh[65];
		hex_encode(in->files[i].sha256, 32, fh);
		rc = buf_printf(&b, "file %s %s\n", fh, in->files[i].name);
	}
	if (rc || buf_printf(&b, "content %s\n", hex) || path2(p, in->staging, MANIFEST)) {
		buf_free(&b);
		return uerr_set(e, -ENOMEM, "out of memory");
	}
	rc = write_file_new(p, b.data, b.len, 0644, e);
	buf_free(&b);
	return rc;
}

static bool good_id(const char *id)
{
	return plain_file_name(id) && id[0] != '.' && strlen(id) < RELEASE_ID_MAX;
}

int install_link(const struct install *in, const char *link, char id[RELEASE_ID_MAX],
		 struct uerr *e)
{
	char p[PATH_MAX], target[PATH_MAX];

	if (path2(p, in->dest, link))
		return uerr_set(e, -ENAMETOOLONG, "path too long");
	ssize_t n = readlink(p, target, sizeof(target) - 1);
	if (n < 0 && errno == ENOENT)
		return -ENOENT;
	if (n < 0 && errno == EINVAL)
		return uerr_set(e, -EINVAL, "%s is not a symbolic link (made by hand?); move it "
				"away, snet-update manages it", p);
	if (n < 0)
		return uerr_set(e, -errno, "%s: %s", p, strerror(errno));
	target[n] = 0;
	if (strncmp(target, "releases/", 9) || !good_id(target + 9))
		return uerr_set(e, -EINVAL, "%s points to '%s', not to a set in releases/ "
				"(changed by hand?)", p, target);
	memcpy(id, target + 9, strlen(target + 9) + 1);	/* good_id(): it fits */
	return 0;
}

int install_release_content(const struct install *in, const char *id, char hex[65])
{
	char dir[PATH_MAX], p[PATH_MAX], *text;
	size_t len;
	struct uerr ignored;

	if (!good_id(id) || path2(dir, in->releases, id) || path2(p, dir, MANIFEST))
		return -EINVAL;
	if (read_file_limit(p, 1 << 20, &text, &len, &ignored))
		return -ENOENT;
	const char *c = strstr(text, "\ncontent ");
	int rc = -ENOENT;
	if (c && strlen(c + 9) >= 64) {
		memcpy(hex, c + 9, 64);
		hex[64] = 0;
		rc = 0;
	}
	free(text);
	return rc;
}

/* Point DEST/link at releases/id by renaming a new symlink over it. */
static int set_link(struct install *in, const char *link, const char *id, struct uerr *e)
{
	char p[PATH_MAX], tmp[PATH_MAX], target[PATH_MAX];

	if (path2(p, in->dest, link) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-%ld", in->dest, link, (long)getpid()) >=
		    (int)sizeof(tmp) ||
	    snprintf(target, sizeof(target), "releases/%s", id) >= (int)sizeof(target))
		return uerr_set(e, -ENAMETOOLONG, "path too long");
	unlink(tmp);
	if (symlink(target, tmp))
		return uerr_set(e, -errno, "%s: cannot create: %s", tmp, strerror(errno));
	if (rename(tmp, p)) {
		int rc = -errno;
		unlink(tmp);
		return uerr_set(e, rc, "%s: cannot replace: %s", p, strerror(-rc));
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep current, previous and the newest others up to keep in all. */
static void prune(struct install *in, unsigned keep, const char *cur, const char *prev)
{
	DIR *d = opendir(in->releases);
	struct dirent *de;
	char **names = NULL, p[PATH_MAX];
	size_t n = 0;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, cur) || !strcmp(de->d_name, prev))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn)
			break;
		names = nn;
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	size_t kept_links = 1 + (prev[0] != 0);
	size_t others = keep > kept_links ? keep - kept_links : 0;
	if (n > others) {
		/* ids start with the UTC time: name order is age order */
		qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 0; i < n - others; i++)
			if (!path2(p, in->releases, names[i]))
				(void)rm_rf(p);	/* one left over is retried next time */
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int install_commit(struct install *in, char id[RELEASE_ID_MAX], unsigned keep, struct uerr *e)
{
	char final[PATH_MAX], base[RELEASE_ID_MAX], old[RELEASE_ID_MAX] = "";
	int rc;

	if (!in->staging[0] || !good_id(id))
		return uerr_set(e, -EINVAL, "nothing staged");
	rc = install_link(in, "current", old, e);
	if (rc && rc != -ENOENT)
		return rc;
	if (fsync_path(in->staging))
		return uerr_set(e, -EIO, "%s: cannot sync", in->staging);
	snprintf(base, sizeof(base), "%s", id);
	for (int i = 1;; i++) {
		if (i > 1 && snprintf(id, RELEASE_ID_MAX, "%.60s-%d", base, i) >= RELEASE_ID_MAX)
			return uerr_set(e, -ENAMETOOLONG, "release id too long");
		if (path2(final, in->releases, id))
			return uerr_set(e, -ENAMETOOLONG, "path too long");
		/* rename() would replace an empty directory: never reuse a name */
		if (path_exists(final)) {
			if (i > 100)
				return uerr_set(e, -EEXIST, "%s: exists", final);
			continue;
		}
		if (!rename(in->staging, final))
			break;
		rc = -errno;
		return uerr_set(e, rc, "%s: cannot rename to %s: %s", in->staging, final,
				strerror(-rc));
	}
	in->staging[0] = 0;
	/* the new set must be on disk before anything points at it */
	if ((rc = fsync_path(in->releases))) {
		uerr_set(e, rc, "%s: cannot sync: %s", in->releases, strerror(-rc));
		(void)rm_rf(final);
		return rc;
	}
	if (old[0] && (rc = set_link(in, "previous", old, e))) {
		(void)rm_rf(final);
		return rc;
	}
	if ((rc = set_link(in, "current", id, e))) {
		(void)rm_rf(final);
		return rc;
	}
	/* the swap is done and cannot be undone cleanly: a failed sync only
	 * means a crash now could bring back the old link, a consistent set */
	(void)fsync_path(in->dest);
	prune(in, keep, id, old);
	return 0;
}

int install_rollback(struct install *in, char from[RELEASE_ID_MAX], char to[RELEASE_ID_MAX],
		     struct uerr *e)
{
	char hex[65];
	int rc;

	rc = install_link(in, "current", from, e);
	if (rc == -ENOENT)
		return uerr_set(e, rc, "nothing is installed in %s", in->dest);
	if (rc)
		return rc;
	rc = install_link(in, "previous", to, e);
	if (rc == -ENOENT)
		return uerr_set(e, rc, "no previous set to roll back to in %s", in->dest);
	if (rc)
		return rc;
	if (install_release_content(in, to, hex))
		return uerr_set(e, -ENOENT, "the previous set releases/%s is gone or incomplete "
				"(no MANIFEST); nothing changed", to);
	char marker[PATH_MAX], from_hex[65], text[128];
	if (install_release_content(in, from, from_hex) == 0 && !path2(marker, in->dest, ROLLED_BACK)) {
		snprintf(text, sizeof(text), "%s %s\n", from_hex, from);
		if ((rc = write_file_atomic(marker, text, strlen(text), 0644, e)))
			return uerr_prefix(e, rc, "nothing changed");
	}
	if ((rc = set_link(in, "current", to, e)))
		return rc;
	if ((rc = set_link(in, "previous", from, e)))
		return uerr_prefix(e, rc, "rolled back to %s, but 'previous' could not be set", to);
	(void)fsync_path(in->dest);	/* as in install_commit */
	return 0;
}

int install_rolled_back(const struct install *in, char hex[65])
{
	char p[PATH_MAX], *text;
	size_t len;
	struct uerr ignored;

	if (path2(p, in->dest, ROLLED_BACK) || read_file_limit(p, 4096, &text, &len, &ignored))
		return -ENOENT;
	int rc = len >= 64 ? 0 : -EINVAL;
	if (!rc) {
		memcpy(hex, text, 64);
		hex[64] = 0;
	}
	free(text);
	return rc;
}

void install_clear_rolled_back(struct install *in)
{
	char p[PATH_MAX];

	if (!path2(p, in->dest, ROLLED_BACK))
		unlink(p);
}

void install_close(struct install *in)
{
	if (in->staging[0])
		(void)rm_rf(in->staging);	/* else removed by the next run */
	in->staging[0] = 0;
	for (size_t i = 0; i < in->nfiles; i++)
		free(in->files[i].name);
	free(in->files);
	in->files = NULL;
	in->nfiles = 0;
	if (in->lockfd >= 0)
		close(in->lockfd);
	in->lockfd = -1;
}

int run_reload(const char *cmd, uint64_t timeout, const char *rules_dir, const char *release,
	       struct uerr *e)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return uerr_set(e, -errno, "cannot start the reload command: %s", strerror(errno));
	if (pid == 0) {
		/* its own process group, so a timeout kills what it started too */
		(void)setpgid(0, 0);	/* both sides set it: whichever runs first */
		if (setenv("SNET_RULES_DIR", rules_dir, 1) ||
		    setenv("SNET_RULES_RELEASE", release, 1))
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	(void)setpgid(pid, pid);
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	double deadline = now_seconds() + (double)timeout;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return uerr_set(e, -errno, "reload command '%s': %s", cmd, strerror(errno));
		if (now_seconds() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return uerr_set(e, -ETIMEDOUT, "reload command '%s' did not finish within "
					"%llu s and was killed", cmd, (unsigned long long)timeout);
		}
		nanosleep(&tick, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return uerr_set(e, -EIO, "reload command '%s' failed (exit status %d%s)", cmd,
				WEXITSTATUS(status),
				WEXITSTATUS(status) == 127 ? ": command not found?" : "");
	return uerr_set(e, -EIO, "reload command '%s' was killed by signal %d", cmd,
			WTERMSIG(status));
}
