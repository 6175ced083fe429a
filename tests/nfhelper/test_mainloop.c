// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: snetd's epoll main loop. */
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "mainloop.h"

struct seen {
	struct mainloop *loop;
	int calls[4];		/* per pipe */
	int fds[4][2];
	bool remove_one;	/* the first call removes another ready pipe */
	int removed;		/* which one, or -1 */
	int quit_after;		/* calls before mainloop_quit() */
	int fail_with;		/* a handler's error */
};

static int which(struct seen *s, int fd)
{
	for (int i = 0; i < 4; i++)
		if (s->fds[i][0] == fd)
			return i;
	return -1;
}

static int on_readable(int fd, short revents, void *arg)
{
	struct seen *s = arg;
	int i = which(s, fd), total = 0;
	char c;

	assert_true(i >= 0);
	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	s->calls[i]++;
	if (s->remove_one) {
		for (int k = 3; k >= 0; k--) {
			if (k != i && !s->calls[k]) {
				mainloop_remove(s->loop, s->fds[k][0]);
				s->removed = k;
				break;
			}
		}
		s->remove_one = false;
	}
	if (s->fail_with)
		return s->fail_with;
	for (int k = 0; k < 4; k++)
		total += s->calls[k];
	if (total >= s->quit_after)
		mainloop_quit(s->loop);
	return 0;
}

static void setup_pipes(struct seen *s, struct mainloop *loop)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->removed = -1;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pipe(s->fds[i]), 0);
		assert_int_equal(mainloop_add(loop, "pipe", s->fds[i][0], POLLIN,
					      on_readable, s), 0);
	}
}

static void close_pipes(struct seen *s)
{
	for (int i = 0; i < 4; i++) {
		close(s->fds[i][0]);
		close(s->fds[i][1]);
	}
}

static void calls_the_readable_ones(void **state)
{
	struct mainloop loop;
	struct seen s;

	(void)state;
	assert_int_equal(mainloop_init(&loop), 0);
	setup_pipes(&s, &loop);
	s.quit_after = 2;
	assert_int_equal(write(s.fds[1][1], "x", 1), 1);
	assert_int_equal(write(s.fds[3][1], "x", 1), 1);
	assert_int_equal(mainloop_run(&loop), 0);
	assert_int_equal(s.calls[0], 0);
	assert_int_equal(s.calls[1], 1);
	assert_int_equal(s.calls[2], 0);
	assert_int_equal(s.calls[3], 1);
	close_pipes(&s);
	mainloop_destroy(&loop);
}

/* A descriptor a handler removes is not called, even if ready. */
static void removed_within_a_round(void **state)
{
	struct mainloop loop;
	struct seen s;

	(void)state;
	assert_int_equal(mainloop_init(&loop), 0);
	setup_pipes(&s, &loop);
	for (int i = 0; i < 4; i++)
		assert_int_equal(write(s.fds[i][1], "x", 1), 1);
	s.remove_one = true;
	s.quit_after = 3;
	assert_int_equal(mainloop_run(&loop), 0);
	assert_true(s.removed >= 0);
	assert_int_equal(s.calls[s.removed], 0);
	assert_int_equal(s.calls[0] + s.calls[1] + s.calls[2] + s.calls[3], 3);
	/* Gone for good: its data waits, only the other pipe is called. */
	assert_int_equal(write(s.fds[s.removed == 0 ? 1 : 0][1], "x", 1), 1);
	s.quit_after = 4;
	assert_int_equal(mainloop_run(&loop), 0);
	assert_int_equal(s.calls[s.removed], 0);
	close_pipes(&s);
	mainloop_destroy(&loop);
}

static void a_failing_handler_stops_the_loop(void **state)
{
	struct mainloop loop;
	struct seen s;

	(void)state;
	assert_int_equal(mainloop_init(&loop), 0);
	setup_pipes(&s, &loop);
	s.fail_with = -EPIPE;
	s.quit_after = 100;
	assert_int_equal(write(s.fds[2][1], "x", 1), 1);
	assert_int_equal(mainloop_run(&loop), -EPIPE);
	assert_int_equal(s.calls[2], 1);
	close_pipes(&s);
	mainloop_destroy(&loop);
}

static void full_and_bad_descriptors(void **state)
{
	struct mainloop loop;
	int p[2];

	(void)state;
	assert_int_equal(mainloop_init(&loop), 0);
	assert_int_equal(mainloop_add(&loop, "bad", -1, POLLIN, on_readable, NULL),
			 -EBADF);
	assert_int_equal(pipe(p), 0);
	for (int i = 0; i < MAINLOOP_MAX_FDS; i++) {
		int fd = dup(p[0]);

		assert_true(fd >= 0);
		assert_int_equal(mainloop_add(&loop, "dup", fd, POLLIN,
					      on_readable, NULL), 0);
	}
	assert_int_equal(mainloop_add(&loop, "one too many", p[0], POLLIN,
				      on_readable, NULL), -ENOSPC);
	/* A freed slot is taken again. */
	mainloop_remove(&loop, loop.slot[5].fd);
	assert_int_equal(mainloop_add(&loop, "again", p[0], POLLIN,
				      on_readable, NULL), 0);
	assert_int_equal(loop.slot[5].fd, p[0]);
	mainloop_destroy(&loop);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls_the_readable_ones),
		cmocka_unit_test(removed_within_a_round),
		cmocka_unit_test(a_failing_handler_stops_the_loop),
		cmocka_unit_test(full_and_bad_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
