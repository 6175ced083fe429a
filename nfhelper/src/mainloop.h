/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snetd's main loop: poll() over the file descriptors that modules add
 * (the kernel's event socket, the signal fd, and later the nft and NFQUEUE
 * modules' sockets), each with its handler.  Single-threaded.
 */
#ifndef SNETD_MAINLOOP_H
#define SNETD_MAINLOOP_H

#include <stdbool.h>

#define MAINLOOP_MAX_FDS 32

/* A handler returns 0, or a negative errno to stop the loop with it. */
typedef int (*mainloop_fn)(int fd, short revents, void *arg);

struct mainloop {
	struct {
		int fd;
		short events;
		mainloop_fn fn;
		void *arg;
		const char *name;
	} slot[MAINLOOP_MAX_FDS];
	unsigned int n;
	bool stop;
};

void mainloop_init(struct mainloop *loop);
/* -ENOSPC when full. */
int mainloop_add(struct mainloop *loop, const char *name, int fd, short events,
		 mainloop_fn fn, void *arg);
/* Not from within a handler: the loop indexes its poll set by slot. */
void mainloop_remove(struct mainloop *loop, int fd);
/* Run until a handler calls mainloop_quit() or fails (its error). */
int mainloop_run(struct mainloop *loop);
void mainloop_quit(struct mainloop *loop);

#endif /* SNETD_MAINLOOP_H */
