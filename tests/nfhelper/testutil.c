// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers of the nfhelper unit tests. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void set_addr(const char *text, uint8_t *family, uint8_t *addr)
{
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, text, addr), 1);
	*family = AF_INET6;
}

struct snet_event test_event(uint32_t id, uint8_t syscall, uint8_t protocol,
			     const char *remote, uint16_t rport,
			     const char *exe, uint32_t uid)
{
	struct snet_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.id = id;
	ev.syscall = syscall;
	ev.protocol = protocol;
	ev.family = AF_INET;
	ev.sock_type = protocol == 17 ? SOCK_DGRAM : SOCK_STREAM;
	if (remote) {
		set_addr(remote, &ev.family, ev.remote_addr);
		ev.has_remote = true;
		ev.remote_port = rport;
	}
	ev.pid = ev.tgid = 4242;
	ev.uid = ev.gid = uid;
	snprintf(ev.comm, sizeof(ev.comm), "testcomm");
	if (exe)
		snprintf(ev.exe, sizeof(ev.exe), "%s", exe);
	ev.cookie = 1000 + id;
	ev.netns = 4026531840u;
	return ev;
}

void test_event_local(struct snet_event *ev, const char *local, uint16_t lport)
{
	uint8_t fam;

	set_addr(local, &fam, ev->local_addr);
	ev->family = fam;
	ev->has_local = true;
	ev->local_port = lport;
}

char *test_tmpdir(void)
{
	char *d = strdup("/tmp/nfhelper-test.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_rmtree(const char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

char *test_write(const char *dir, const char *name, const char *text)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) < 0, 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

char *test_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

uint64_t test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void test_server_start(struct test_server *s, const char *const *args)
{
	const char *bin = getenv("SNET_TEST_REMOTE");
	char *portfile, *argv[32];
	int n = 0;

	assert_non_null(bin);
	s->dir = test_tmpdir();
	assert_true(asprintf(&portfile, "%s/port", s->dir) > 0);
	assert_true(asprintf(&s->log, "%s/requests.log", s->dir) > 0);
	argv[n++] = (char *)bin;
	argv[n++] = "-P";
	argv[n++] = portfile;
	argv[n++] = "-L";
	argv[n++] = s->log;
	for (; args && *args && n < 30; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		execv(bin, argv);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		char *text = test_read(portfile);

		if (text) {
			snprintf(s->port, sizeof(s->port), "%d", atoi(text));
			free(text);
			free(portfile);
			return;
		}
		usleep(10000);
	}
	fail_msg("test server did not start");
}

void test_server_stop(struct test_server *s)
{
	int st;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	test_rmtree(s->dir);
	free(s->dir);
	free(s->log);
}

void recorder_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
}

void recorder_destroy(struct recorder *r)
{
	free(r->v);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
}

static int rec_open(void *ctx, void **sender)
{
	struct recorder *r = ctx;

	pthread_mutex_lock(&r->lock);
	r->opens++;
	pthread_mutex_unlock(&r->lock);
	*sender = r;
	return 0;
}

static void rec_close(void *ctx, void *sender)
{
	struct recorder *r = ctx;

	(void)sender;
	pthread_mutex_lock(&r->lock);
	r->closes++;
	pthread_mutex_unlock(&r->lock);
}

static int rec_send(void *sender, uint32_t id, const struct decision *d)
{
	struct recorder *r = sender;
	int rc;

	pthread_mutex_lock(&r->lock);
	rc = r->fail_with;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
	}
	if (r->v) {
		r->v[r->n].id = id;
		r->v[r->n].d = *d;
		r->v[r->n].at_ms = test_now_ms();
		r->n++;
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

struct verdict_ops recorder_ops(struct recorder *r)
{
	return (struct verdict_ops){
		.ctx = r, .open = rec_open, .close = rec_close, .send = rec_send,
	};
}

bool recorder_wait(struct recorder *r, size_t n, int timeout_ms)
{
	uint64_t end = test_now_ms() + (uint64_t)timeout_ms;
	bool ok;

	pthread_mutex_lock(&r->lock);
	while (r->n < n && test_now_ms() < end) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	}
	ok = r->n >= n;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

bool recorder_get(struct recorder *r, uint32_t id, struct recorded *out)
{
	bool found = false;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].id == id) {
			*out = r->v[i];
			found = true;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return found;
}

size_t recorder_count(struct recorder *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}
