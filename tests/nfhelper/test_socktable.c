// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the socket table (cookie -> owner and addresses). */
#include "testutil.h"

#include <errno.h>
#include <string.h>

#include "socktable.h"

static void learns_refreshes_and_forgets(void **state)
{
	struct sock_table *t;
	struct sock_info si;
	struct snet_event ev;

	(void)state;
	assert_int_equal(sock_table_new(8, &t), 0);
	ev = test_event(1, SNET_SYSCALL_CONNECT, 6, "192.0.2.1", 443, "/usr/bin/curl", 1000);
	ev.cookie = 77;
	ev.label = 5;
	assert_int_equal(sock_table_update(t, &ev, 100), 0);
	assert_true(sock_table_lookup(t, 77, &si));
	assert_int_equal(si.sock.uid, 1000);
	assert_int_equal(si.sock.remote_port, 443);
	assert_string_equal(si.exe, "/usr/bin/curl");
	assert_int_equal(si.sock.first_seen_ms, 100);
	assert_true(sock_table_lookup_label(t, 5, &si));
	assert_int_equal(si.sock.cookie, 77);
	/* A later event on the same socket updates it; no exe keeps the old. */
	ev.syscall = SNET_SYSCALL_SENDMSG;
	ev.exe[0] = '\0';
	test_event_local(&ev, "10.0.0.2", 50000);
	assert_int_equal(sock_table_update(t, &ev, 200), 0);
	assert_true(sock_table_lookup(t, 77, &si));
	assert_string_equal(si.exe, "/usr/bin/curl");
	assert_int_equal(si.sock.local_port, 50000);
	assert_int_equal(si.sock.first_seen_ms, 100);
	assert_int_equal(si.sock.last_seen_ms, 200);
	assert_int_equal(si.sock.last_syscall, SNET_SYSCALL_SENDMSG);
	assert_int_equal(sock_table_count(t), 1);
	/* Events without a cookie are not sockets we can name. */
	ev.cookie = 0;
	assert_int_equal(sock_table_update(t, &ev, 300), 0);
	assert_int_equal(sock_table_count(t), 1);
	/* Close forgets. */
	ev.cookie = 77;
	ev.syscall = SNET_SYSCALL_CLOSE;
	assert_int_equal(sock_table_update(t, &ev, 400), 0);
	assert_false(sock_table_lookup(t, 77, &si));
	assert_false(sock_table_lookup_label(t, 5, &si));
	assert_int_equal(sock_table_count(t), 0);
	sock_table_free(t);
}

static int collect(const struct sock_info *s, void *arg)
{
	uint64_t **p = arg;

	*(*p)++ = s->sock.cookie;
	return 0;
}

static void full_table_evicts_the_stalest(void **state)
{
	struct sock_table *t;
	struct sock_info si;
	uint64_t seen[8], *p = seen;

	(void)state;
	assert_int_equal(sock_table_new(4, &t), 0);
	for (uint64_t c = 1; c <= 4; c++) {
		struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, 6, "192.0.2.1",
						  80, "/x", 0);

		ev.cookie = c;
		assert_int_equal(sock_table_update(t, &ev, c), 0);
	}
	/* Touch 1, so 2 is now the stalest. */
	struct snet_event ev = test_event(1, SNET_SYSCALL_SENDMSG, 6, "192.0.2.1", 80,
					  "/x", 0);

	ev.cookie = 1;
	assert_int_equal(sock_table_update(t, &ev, 10), 0);
	ev.cookie = 5;
	assert_int_equal(sock_table_update(t, &ev, 11), 0);
	assert_int_equal(sock_table_count(t), 4);
	assert_int_equal(sock_table_evictions(t), 1);
	assert_false(sock_table_lookup(t, 2, &si));
	assert_true(sock_table_lookup(t, 1, &si));
	assert_int_equal(sock_table_foreach(t, collect, &p), 0);
	assert_int_equal(p - seen, 4);
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[1], 4);
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 5);
	sock_table_free(t);
}

static void many_cookies(void **state)
{
	struct sock_table *t;
	struct sock_info si;

	(void)state;
	assert_int_equal(sock_table_new(5000, &t), 0);
	for (uint64_t c = 1; c <= 5000; c++) {
		struct snet_event ev = test_event((uint32_t)c, SNET_SYSCALL_CONNECT, 6,
						  "192.0.2.1", 80, NULL, (uint32_t)c);

		ev.cookie = c << 20; /* sparse, like real cookies */
		assert_int_equal(sock_table_update(t, &ev, c), 0);
	}
	for (uint64_t c = 1; c <= 5000; c++) {
		assert_true(sock_table_lookup(t, c << 20, &si));
		assert_int_equal(si.sock.uid, c);
		assert_string_equal(si.exe, "");
	}
	assert_false(sock_table_lookup(t, 12345, &si));
	assert_int_equal(sock_table_new(0, &t), -EINVAL);
	sock_table_free(t);
}

static void label_event(struct sock_table *t, uint64_t cookie, uint32_t label,
			uint32_t uid, uint64_t now)
{
	struct snet_event ev = test_event(1, SNET_SYSCALL_SENDMSG, 17, "192.0.2.9",
					  53, NULL, uid);

	ev.cookie = cookie;
	ev.label = label;
	assert_int_equal(sock_table_update(t, &ev, now), 0);
}

/* Labels are an index too: each of thousands found, reuse, change, removal. */
static void labels_are_indexed(void **state)
{
	struct sock_table *t;
	struct sock_info si;

	(void)state;
	assert_int_equal(sock_table_new(4096, &t), 0);
	for (uint32_t i = 1; i <= 4096; i++)
		label_event(t, (uint64_t)i << 12, i, 1000 + i, i);
	for (uint32_t i = 1; i <= 4096; i++) {
		assert_true(sock_table_lookup_label(t, i, &si));
		assert_int_equal(si.sock.cookie, (uint64_t)i << 12);
		assert_int_equal(si.sock.uid, 1000 + i);
	}
	assert_false(sock_table_lookup_label(t, 5000, &si));
	assert_false(sock_table_lookup_label(t, 0, &si));

	/* Label 7 reused by a new socket while the old one's node stays (its
	 * close was not mediated): the one labelled last answers, even when
	 * the old one is the more recently seen. */
	sock_table_free(t);
	assert_int_equal(sock_table_new(64, &t), 0);
	label_event(t, 100, 7, 1, 1);
	label_event(t, 200, 7, 2, 2);
	label_event(t, 100, 0, 1, 3);	/* seen again, no label: keeps 7 */
	assert_true(sock_table_lookup_label(t, 7, &si));
	assert_int_equal(si.sock.cookie, 200);
	/* The new socket closes: the old node answers again. */
	struct snet_event ev = test_event(1, SNET_SYSCALL_CLOSE, 17, "192.0.2.9", 53,
					  NULL, 2);

	ev.cookie = 200;
	assert_int_equal(sock_table_update(t, &ev, 4), 0);
	assert_true(sock_table_lookup_label(t, 7, &si));
	assert_int_equal(si.sock.cookie, 100);
	/* A socket labelled anew leaves its old label. */
	label_event(t, 100, 9, 1, 5);
	assert_false(sock_table_lookup_label(t, 7, &si));
	assert_true(sock_table_lookup_label(t, 9, &si));
	assert_int_equal(si.sock.cookie, 100);
	/* Eviction unlinks too: 64 more sockets push 100 out. */
	for (uint64_t c = 1; c <= 64; c++)
		label_event(t, 1000 + c, 100 + (uint32_t)c, 3, 10 + c);
	assert_false(sock_table_lookup(t, 100, &si));
	assert_false(sock_table_lookup_label(t, 9, &si));
	assert_true(sock_table_lookup_label(t, 164, &si));
	assert_int_equal(si.sock.cookie, 1064);
	sock_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(learns_refreshes_and_forgets),
		cmocka_unit_test(full_table_evicts_the_stalest),
		cmocka_unit_test(many_cookies),
		cmocka_unit_test(labels_are_indexed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
