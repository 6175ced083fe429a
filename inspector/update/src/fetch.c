// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: libcurl downloads, conditional requests, the download cache. */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define META_MAX 8192

int fetch_global_init(struct uerr *e)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return uerr_set(e, -EIO, "libcurl cannot be initialised");
	return 0;
}

void fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

/* One "word value" line of a .meta file. */
static char *meta_value(const char *text, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = text; *p;) {
		const char *eol = p + strcspn(p, "\n");
		if ((size_t)(eol - p) > wl && !strncmp(p, word, wl) && p[wl] == ' ')
			return strndup(p + wl + 1, (size_t)(eol - p) - wl - 1);
		p = *eol ? eol + 1 : eol;
	}
	return NULL;
}

int cache_open(struct cached *c, const char *cache_dir, const char *source,
	       const char *name, const char *url, struct uerr *e)
{
	char dir[PATH_MAX];
	int rc;

	memset(c, 0, sizeof(*c));
	if (!plain_file_name(name) || !plain_file_name(source))
		return uerr_set(e, -EINVAL, "'%s/%s': bad cache name", source, name);
	if (snprintf(dir, sizeof(dir), "%s/%s", cache_dir, source) >= (int)sizeof(dir) ||
	    snprintf(c->path, sizeof(c->path), "%s/%s", dir, name) >= (int)sizeof(c->path) ||
	    snprintf(c->part, sizeof(c->part), "%s.part", c->path) >= (int)sizeof(c->part) ||
	    snprintf(c->meta, sizeof(c->meta), "%s.meta", c->path) >= (int)sizeof(c->meta))
		return uerr_set(e, -ENAMETOOLONG, "%s: cache path too long", cache_dir);
	if ((rc = mkdir_p(dir, 0755, e)))
		return uerr_prefix(e, rc, "cache");
	unlink(c->part);
	char *text;
	size_t len;
	struct uerr ignored;
	if (!path_exists(c->path) ||
	    read_file_limit(c->meta, META_MAX, &text, &len, &ignored))
		return 0;	/* no usable cached copy: download unconditionally */
	char *murl = meta_value(text, "url");
	if (murl && !strcmp(murl, url)) {
		c->have = true;
		c->etag = meta_value(text, "etag");
		c->last_modified = meta_value(text, "last-modified");
	}
	free(murl);
	free(text);
	return 0;
}

const char *cache_data(const struct cached *c)
{
	return c->fresh ? c->part : c->path;
}

struct transfer {
	int fd;
	uint64_t bytes, max;
	bool too_big;
	int write_errno;
	char *etag, *last_modified;
};

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t len = size * n;

	if (t->bytes + len > t->max) {
		t->too_big = true;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(t->fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			t->write_errno = errno;
			return 0;
		}
		off += (size_t)w;
	}
	t->bytes += len;
	return len;
}

/* A header value without its line end; NULL if it holds control bytes. */
static char *header_value(const char *v, size_t n)
{
	while (n && (v[n - 1] == '\n' || v[n - 1] == '\r' || v[n - 1] == ' '))
		n--;
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (n == 0 || n > 1024)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return NULL;
	return strndup(v, n);
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	size_t len = size * n;

	/* a new status line (after a redirect): forget the previous headers */
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		free(t->etag);
		free(t->last_modified);
		t->etag = t->last_modified = NULL;
	} else if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
		free(t->etag);
		t->etag = header_value(p + 5, len - 5);
	} else if (len > 14 && !strncasecmp(p, "Last-Modified:", 14)) {
		free(t->last_modified);
		t->last_modified = header_value(p + 14, len - 14);
	}
	return len;
}

static const char *kind_of(const char *url)
{
	return strncmp(url, "file:", 5) ? "download" : "read";
}

int fetch_url(const struct fetch_opts *o, const char *url, struct cached *c, struct uerr *e)
{
	struct transfer t = { .max = o->max_download };
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char line[1200];
	int rc = 0;

	c->fresh = false;
	c->bytes = 0;
	t.fd = open(c->part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (t.fd < 0)
		return uerr_set(e, -errno, "%s: cannot create: %s", c->part, strerror(errno));
	CURL *h = curl_easy_init();
	if (!h) {
		close(t.fd);
		unlink(c->part);
		return uerr_set(e, -ENOMEM, "libcurl: cannot make a handle");
	}
	for (int i = 0; i < 2; i++) {
		const char *v = i ? c->last_modified : c->etag;
		if (!c->have || !v)
			continue;
		snprintf(line, sizeof(line), "%s: %s", i ? "If-Modified-Since" : "If-None-Match", v);
		struct curl_slist *n = curl_slist_append(hdrs, line);
		if (!n) {
			rc = uerr_set(e, -ENOMEM, "out of memory");
			goto out;
		}
		hdrs = n;
	}
	CURLcode cc = CURLE_OK;
#define SET(opt, val) do { if (cc == CURLE_OK) cc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https,file");
	/* a redirect may never lead to a local file */
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, 5L);
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, o->stall_timeout);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_download);
	SET(CURLOPT_USERAGENT, o->user_agent);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, &t);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, &t);
	if (hdrs)
		SET(CURLOPT_HTTPHEADER, hdrs);
	if (o->ca_file && *o->ca_file)
		SET(CURLOPT_CAINFO, o->ca_file);
	/* without these libcurl reads http_proxy, HTTPS_PROXY, NO_PROXY... */
	if (o->proxy && *o->proxy)
		SET(CURLOPT_PROXY, strcmp(o->proxy, "none") ? o->proxy : "");
	if (o->no_proxy && *o->no_proxy)
		SET(CURLOPT_NOPROXY, o->no_proxy);
	/* a file:// time condition makes curl compare mtimes: not wanted */
#undef SET
	if (cc != CURLE_OK) {
		rc = uerr_set(e, -EINVAL, "%s: libcurl refused an option: %s", url,
			      curl_easy_strerror(cc));
		goto out;
	}
	cc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	c->status = status;
	if (t.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		rc = uerr_set(e, -EFBIG, "%s: larger than max-download (%llu bytes); refused",
			      url, (unsigned long long)o->max_download);
		goto out;
	}
	if (t.write_errno) {
		rc = uerr_set(e, -t.write_errno, "%s: cannot write %s: %s", url, c->part,
			      strerror(t.write_errno));
		goto out;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = uerr_set(e, -ETIMEDOUT, "%s: timed out (%s)", url,
			      *errbuf ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	if (cc != CURLE_OK) {
		rc = uerr_set(e, -EIO, "%s: cannot %s: %s", url, kind_of(url),
			      *errbuf ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	if (!strncmp(url, "file:", 5)) {
		c->fresh = true;
	} else if (status == 304) {
		if (!c->have) {
			rc = uerr_set(e, -EPROTO, "%s: the server answered 304 Not Modified to "
				      "a request that had no validators", url);
			goto out;
		}
	} else if (status == 200) {
		c->fresh = true;
	} else {
		rc = uerr_set(e, -EIO, "%s: the server answered HTTP %ld%s", url, status,
			      status == 404 ? " (not found)" : "");
		goto out;
	}
	if (fsync(t.fd)) {
		rc = uerr_set(e, -errno, "%s: %s", c->part, strerror(errno));
		goto out;
	}
	c->bytes = t.bytes;
	c->new_etag = t.etag;
	c->new_last_modified = t.last_modified;
	t.etag = t.last_modified = NULL;
out:
	free(t.etag);
	free(t.last_modified);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (close(t.fd) && !rc)
		rc = uerr_set(e, -errno, "%s: %s", c->part, strerror(errno));
	if (rc || !c->fresh) {
		unlink(c->part);
		c->fresh = false;
	}
	return rc;
}

int cache_commit(struct cached *c, const char *url, struct uerr *e)
{
	struct buf m = { 0 };
	int rc;

	if (!c->fresh)
		return 0;
	/* the old .meta goes first: a crash in between leaves no validators,
	 * so the next run downloads unconditionally instead of trusting them */
	unlink(c->meta);
	if (rename(c->part, c->path))
		return uerr_set(e, -errno, "%s: cannot move into the cache: %s", c->path,
				strerror(errno));
	c->fresh = false;
	if (buf_printf(&m, "url %s\n", url) ||
	    (c->new_etag && buf_printf(&m, "etag %s\n", c->new_etag)) ||
	    (c->new_last_modified && buf_printf(&m, "last-modified %s\n", c->new_last_modified))) {
		buf_free(&m);
		return uerr_set(e, -ENOMEM, "out of memory");
	}
	rc = write_file_atomic(c->meta, m.data, m.len, 0644, e);
	buf_free(&m);
	return rc;
}

void cache_close(struct cached *c)
{
	if (c->fresh)
		unlink(c->part);
	free(c->etag);
	free(c->last_modified);
	free(c->new_etag);
	free(c->new_last_modified);
	memset(c, 0, sizeof(*c));
}
