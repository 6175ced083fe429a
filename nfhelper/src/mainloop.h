/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snetd's main loop: epoll over the file descriptors that modules add
 * (the kernel's event socket, the signal fd), each with its handler.
 * Single-threaded.  epoll, not poll(): every upcall wakes this loop, and
 * poll() asked each descriptor again on every wake-up.
 */
#ifndef SNETD_MAINLOOP_H
#define SNETD_MAINLOOP_H

#include <stdbool.h>

#define MAINLOOP_MAX_FDS 32

/* A handler returns 0, or a negative errno to stop the loop with it. */
typedef int (*mainloop_fn)(int fd, short revents, void *arg);

struct mainloop {
	int epfd;
	struct {
		int fd;		/* -1: a free slot */
		mainloop_fn fn;
		void *arg;
		const char *name;
	} slot[MAINLOOP_MAX_FDS];
	bool stop;
};

/* Returns 0 or a negative errno (epoll_create1's). */
int mainloop_init(struct mainloop *loop);
void mainloop_destroy(struct mainloop *loop);
/* @events: POLLIN, POLLOUT.  -ENOSPC when full, or epoll_ctl's errno. */
int mainloop_add(struct mainloop *loop, const char *name, int fd, short events,
		 mainloop_fn fn, void *arg);
/* Also from within a handler: a removed descriptor is not called again. */
void mainloop_remove(struct mainloop *loop, int fd);
/* Run until a handler calls mainloop_quit() or fails (its error). */
int mainloop_run(struct mainloop *loop);
void mainloop_quit(struct mainloop *loop);

#endif /* SNETD_MAINLOOP_H */
