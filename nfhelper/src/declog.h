/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision log: one JSON object per line for every decision, with the
 * event and who decided it.  Safe to write from any thread; reopen() after
 * log rotation (SIGHUP).
 */
#ifndef SNETD_DECLOG_H
#define SNETD_DECLOG_H

#include <stddef.h>
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

/*
 * The same in two halves, for a writer that batches: the line (with its
 * '\n', not NUL-terminated) in a new buffer *@line of *@len bytes (free()
 * it), then any number of lines at once, in one write where it can.
 */
int declog_format(const struct snet_event *ev, const struct decision *d,
		  uint64_t latency_us, int send_rc, char **line, size_t *len);
int declog_append(struct declog *log, const char *buf, size_t len);

#endif /* SNETD_DECLOG_H */
