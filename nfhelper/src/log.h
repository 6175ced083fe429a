/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Operational logging of snetd: syslog (the journal under systemd) and, when
 * asked, standard error.  Decisions go to the decision log instead
 * (declog.h).  Safe to call from any thread.
 */
#ifndef SNETD_LOG_H
#define SNETD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Start logging as @ident; messages above @level (LOG_ERR..LOG_DEBUG) are
 * dropped.  Before log_open() messages go to stderr only, at LOG_WARNING. */
void log_open(const char *ident, bool to_syslog, bool to_stderr, int level);
void log_close(void);
void log_set_level(int level);

void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "err", "warning", "notice", "info", "debug" -> LOG_*; -1 if unknown. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);

#endif /* SNETD_LOG_H */
