/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the nfhelper unit tests: events as the kernel would send them,
 * temporary files, the test remote server, and a verdict recorder that
 * stands where the kernel would (the kernel cannot run in a unit test).
 */
#ifndef NFHELPER_TESTUTIL_H
#define NFHELPER_TESTUTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>
#include <cmocka.h>

#include "decision.h"
#include "pipeline.h"
#include "snet_nl.h"

/* An event: @remote/@local are "addr" text or NULL; family from the text. */
struct snet_event test_event(uint32_t id, uint8_t syscall, uint8_t protocol,
			     const char *remote, uint16_t rport,
			     const char *exe, uint32_t uid);
void test_event_local(struct snet_event *ev, const char *local, uint16_t lport);

/* A fresh directory under /tmp; test_rmtree() removes it. */
char *test_tmpdir(void);
void test_rmtree(const char *dir);
/* Write @text to @dir/@name; returns the malloc'ed path. */
char *test_write(const char *dir, const char *name, const char *text);
/* The whole file, malloc'ed, or NULL. */
char *test_read(const char *path);

uint64_t test_now_ms(void);

/* The test remote server (tests/nfhelper/snet-test-remote.c), started on
 * a free loopback port with @args (NULL-terminated) added. */
struct test_server {
	pid_t pid;
	char port[8];
	char *dir;
	char *log;	/* its request log */
};
void test_server_start(struct test_server *s, const char *const *args);
void test_server_stop(struct test_server *s);

/* Verdicts as the kernel would receive them. */
struct recorded {
	uint32_t id;
	struct decision d;
	uint64_t at_ms;
};

struct recorder {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct recorded *v;
	size_t n, cap;
	int opens, closes;
	int fail_with;		/* send() returns this (0: success) */
};

void recorder_init(struct recorder *r);
void recorder_destroy(struct recorder *r);
struct verdict_ops recorder_ops(struct recorder *r);
/* Wait until @n verdicts are in; false after @timeout_ms. */
bool recorder_wait(struct recorder *r, size_t n, int timeout_ms);
/* Copy of the verdict for @id; false if none. */
bool recorder_get(struct recorder *r, uint32_t id, struct recorded *out);
size_t recorder_count(struct recorder *r);

#endif /* NFHELPER_TESTUTIL_H */
