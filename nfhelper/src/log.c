// SPDX-License-Identifier: GPL-2.0-or-later
/* Operational logging: syslog and/or stderr, filtered by level. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int log_level = LOG_WARNING;
static atomic_bool log_syslog = false;
static atomic_bool log_stderr = true;

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_open(const char *ident, bool to_syslog, bool to_stderr, int level)
{
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	atomic_store(&log_syslog, to_syslog);
	atomic_store(&log_stderr, to_stderr);
	log_set_level(level);
}

void log_close(void)
{
	if (atomic_exchange(&log_syslog, false))
		closelog();
}

void log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	atomic_store(&log_level, level);
}

void log_msg(int prio, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (prio > atomic_load(&log_level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (atomic_load(&log_syslog))
		syslog(prio, "%s", buf);
	if (atomic_load(&log_stderr))
		fprintf(stderr, "snetd: %s: %s\n", level_names[prio & 7], buf);
}

int log_level_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcmp(name, "error") == 0)
		return LOG_ERR;
	if (strcmp(name, "warn") == 0)
		return LOG_WARNING;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < LOG_EMERG || level > LOG_DEBUG)
		return "?";
	return level_names[level];
}
