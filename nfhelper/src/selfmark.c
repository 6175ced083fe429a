// SPDX-License-Identifier: GPL-2.0-or-later
/* SO_MARK on snetd's own sockets. */
#include "selfmark.h"

#include <errno.h>
#include <sys/socket.h>

/* Written before the threads start, only read after: no lock needed. */
static uint32_t self_mark;

void self_mark_set(uint32_t mark)
{
	self_mark = mark;
}

int self_mark_apply(int fd)
{
	if (!self_mark)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &self_mark, sizeof(self_mark)))
		return -errno;
	return 0;
}
