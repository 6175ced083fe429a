// SPDX-License-Identifier: GPL-2.0-or-later
/* The poll() loop of snetd's main thread. */
#include "mainloop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "log.h"

void mainloop_init(struct mainloop *loop)
{
	memset(loop, 0, sizeof(*loop));
}

int mainloop_add(struct mainloop *loop, const char *name, int fd, short events,
		 mainloop_fn fn, void *arg)
{
	if (loop->n == MAINLOOP_MAX_FDS)
		return -ENOSPC;
	loop->slot[loop->n].fd = fd;
	loop->slot[loop->n].events = events;
	loop->slot[loop->n].fn = fn;
	loop->slot[loop->n].arg = arg;
	loop->slot[loop->n].name = name;
	loop->n++;
	return 0;
}

void mainloop_remove(struct mainloop *loop, int fd)
{
	for (unsigned int i = 0; i < loop->n; i++) {
		if (loop->slot[i].fd == fd) {
			loop->slot[i] = loop->slot[--loop->n];
			return;
		}
	}
}

void mainloop_quit(struct mainloop *loop)
{
	loop->stop = true;
}

int mainloop_run(struct mainloop *loop)
{
	struct pollfd pfd[MAINLOOP_MAX_FDS];

	loop->stop = false;
	while (!loop->stop) {
		unsigned int n = loop->n;

		for (unsigned int i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ .fd = loop->slot[i].fd,
						  .events = loop->slot[i].events };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "main loop: poll: %s", strerror(errno));
			return -errno;
		}
		for (unsigned int i = 0; i < n && !loop->stop; i++) {
			int rc;

			if (!pfd[i].revents)
				continue;
			rc = loop->slot[i].fn(pfd[i].fd, pfd[i].revents,
					      loop->slot[i].arg);
			if (rc) {
				log_msg(LOG_ERR, "main loop: %s: %s",
					loop->slot[i].name, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}
