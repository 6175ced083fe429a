// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON-lines decision log. */
#include "declog.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_json.h"

struct declog {
	pthread_mutex_t lock;	/* guards fd across reopen */
	int fd;
	char *path;
};

static int open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	return fd < 0 ? -errno : fd;
}

int declog_open(const char *path, struct declog **out)
{
	struct declog *log = calloc(1, sizeof(*log));
	int fd;

	if (!log)
		return -ENOMEM;
	log->path = strdup(path);
	if (!log->path) {
		free(log);
		return -ENOMEM;
	}
	fd = open_log(path);
	if (fd < 0) {
		free(log->path);
		free(log);
		return fd;
	}
	log->fd = fd;
	pthread_mutex_init(&log->lock, NULL);
	*out = log;
	return 0;
}

void declog_close(struct declog *log)
{
	if (!log)
		return;
	close(log->fd);
	pthread_mutex_destroy(&log->lock);
	free(log->path);
	free(log);
}

int declog_reopen(struct declog *log)
{
	int fd = open_log(log->path);

	if (fd < 0)
		return fd;
	pthread_mutex_lock(&log->lock);
	close(log->fd);
	log->fd = fd;
	pthread_mutex_unlock(&log->lock);
	return 0;
}

int declog_format(const struct snet_event *ev, const struct decision *d,
		  uint64_t latency_us, int send_rc, char **line, size_t *len)
{
	char when[40];
	json_t *o = json_object(), *evj, *dj;
	char *text;

	if (!o)
		return -ENOMEM;
	json_time_now(when, sizeof(when));
	evj = event_to_json(ev);
	dj = decision_to_json(d);
	if (json_object_set_new(o, "time", json_string(when)) ||
	    json_object_set_new(o, "event", evj) ||
	    json_object_set_new(o, "decision", dj) ||
	    json_object_set_new(o, "latency_us", json_integer((json_int_t)latency_us)) ||
	    (send_rc && json_object_set_new(o, "send_error",
					    json_string(strerror(-send_rc))))) {
		json_decref(o);
		return -ENOMEM;
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	*len = strlen(text);
	text[(*len)++] = '\n'; /* replaces the NUL: written by length */
	*line = text;
	return 0;
}

int declog_append(struct declog *log, const char *buf, size_t len)
{
	size_t done = 0;
	int rc = 0;

	pthread_mutex_lock(&log->lock);
	while (done < len) {
		ssize_t n = write(log->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		done += (size_t)n;
	}
	pthread_mutex_unlock(&log->lock);
	return rc;
}

int declog_write(struct declog *log, const struct snet_event *ev,
		 const struct decision *d, uint64_t latency_us, int send_rc)
{
	char *line;
	size_t len;
	int rc = declog_format(ev, d, latency_us, send_rc, &line, &len);

	if (rc)
		return rc;
	rc = declog_append(log, line, len);
	free(line);
	return rc;
}
