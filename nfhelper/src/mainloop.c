// SPDX-License-Identifier: GPL-2.0-or-later
/* The epoll loop of snetd's main thread. */
#include "mainloop.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"

int mainloop_init(struct mainloop *loop)
{
	memset(loop, 0, sizeof(*loop));
	for (unsigned int i = 0; i < MAINLOOP_MAX_FDS; i++)
		loop->slot[i].fd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void mainloop_destroy(struct mainloop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

static uint32_t to_epoll(short events)
{
	return (events & POLLIN ? EPOLLIN : 0) | (events & POLLOUT ? EPOLLOUT : 0) |
	       (events & POLLPRI ? EPOLLPRI : 0);
}

static short from_epoll(uint32_t events)
{
	return (short)((events & EPOLLIN ? POLLIN : 0) |
		       (events & EPOLLOUT ? POLLOUT : 0) |
		       (events & EPOLLPRI ? POLLPRI : 0) |
		       (events & EPOLLERR ? POLLERR : 0) |
		       (events & EPOLLHUP ? POLLHUP : 0));
}

int mainloop_add(struct mainloop *loop, const char *name, int fd, short events,
		 mainloop_fn fn, void *arg)
{
	struct epoll_event ev = { .events = to_epoll(events) };
	unsigned int i;

	for (i = 0; i < MAINLOOP_MAX_FDS && loop->slot[i].fd >= 0; i++)
		;
	if (i == MAINLOOP_MAX_FDS)
		return -ENOSPC;
	/* The descriptor too: a slot freed and taken again within one
	 * round must not get the old descriptor's event. */
	ev.data.u64 = (uint64_t)(uint32_t)fd << 32 | i;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	loop->slot[i].fd = fd;
	loop->slot[i].fn = fn;
	loop->slot[i].arg = arg;
	loop->slot[i].name = name;
	return 0;
}

void mainloop_remove(struct mainloop *loop, int fd)
{
	for (unsigned int i = 0; i < MAINLOOP_MAX_FDS; i++) {
		if (loop->slot[i].fd == fd) {
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
			loop->slot[i].fd = -1;
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
	struct epoll_event ev[MAINLOOP_MAX_FDS];

	loop->stop = false;
	while (!loop->stop) {
		int n = epoll_wait(loop->epfd, ev, MAINLOOP_MAX_FDS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "main loop: epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (int i = 0; i < n && !loop->stop; i++) {
			unsigned int s = (uint32_t)ev[i].data.u64;
			int fd = (int)(ev[i].data.u64 >> 32);
			int rc;

			/* Removed by an earlier handler of this round. */
			if (s >= MAINLOOP_MAX_FDS || loop->slot[s].fd != fd)
				continue;
			rc = loop->slot[s].fn(loop->slot[s].fd,
					      from_epoll(ev[i].events),
					      loop->slot[s].arg);
			if (rc) {
				log_msg(LOG_ERR, "main loop: %s: %s",
					loop->slot[s].name, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}
