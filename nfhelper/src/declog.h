/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision log: one JSON object per line for every decision, with the
 * event and who decided it.  Safe to write from any thread; reopen() after
 * log rotation (SIGHUP).
 */
#ifndef SNETD_DECLOG_H
#define SNETD_DECLOG_H

#include <stdint.h>

#include "decision.h"
#include "snet_nl.h"

struct declog;

/* Open (create, append) @path; parent directories must exist. */
int declog_open(const char *path, struct declog **out);
void declog_close(struct declog *log);
int declog_reopen(struct declog *log);

/* Write one line; @latency_us is from receipt of the event to the verdict.
 * @send_rc is the result of sending the verdict to the kernel. */
int declog_write(struct declog *log, const struct snet_event *ev,
		 const struct decision *d, uint64_t latency_us, int send_rc);

#endif /* SNETD_DECLOG_H */
