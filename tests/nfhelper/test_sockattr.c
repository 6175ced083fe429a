// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: packet -> socket owner through snetd's socket table, cached
 * per flow (the kernel lookup needs the LSM: it runs in the guest tests). */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sockattr.h"
#include "socktable.h"

/* An outgoing TCP packet local:lport -> remote:rport (IPv4 text). */
static struct pkt_tuple out_pkt(const char *local, uint16_t lport,
				const char *remote, uint16_t rport)
{
	struct pkt_tuple t = { .family = AF_INET, .proto = 6, .sport = lport,
			       .dport = rport };

	inet_pton(AF_INET, local, t.src);
	inet_pton(AF_INET, remote, t.dst);
	return t;
}

static struct pkt_tuple reversed(const struct pkt_tuple *t)
{
	struct pkt_tuple r = *t;

	memcpy(r.src, t->dst, 16);
	memcpy(r.dst, t->src, 16);
	r.sport = t->dport;
	r.dport = t->sport;
	return r;
}

static struct sock_table *table_with(uint64_t cookie, uint32_t label,
				     const char *remote, uint16_t rport)
{
	struct sock_table *t;
	struct snet_event ev = test_event(1, SNET_SYSCALL_CONNECT, 6, remote, rport,
					  "/usr/bin/curl", 1000);

	assert_int_equal(sock_table_new(64, &t), 0);
	ev.cookie = cookie;
	ev.label = label;
	ev.pid = 4242;
	ev.tgid = 4240;
	ev.gid = 100;
	strcpy(ev.comm, "curl");
	assert_int_equal(sock_table_update(t, &ev, 1), 0);
	return t;
}

static void table_names_the_socket(void **state)
{
	struct sock_table *tab = table_with(77, 5, "192.0.2.1", 443);
	struct pkt_tuple p = out_pkt("10.0.0.2", 50000, "192.0.2.1", 443), r;
	struct sockattr *sa;
	struct sockattr_stats st;
	struct sock_owner *o;

	(void)state;
	assert_int_equal(sockattr_new(tab, NULL, 64, &sa), 0);
	o = sockattr_lookup(sa, &p, 5, true, -1, 1000);
	assert_true(o->known);
	assert_int_equal(o->cookie, 77);
	assert_int_equal(o->pid, 4242);
	assert_int_equal(o->tgid, 4240);
	assert_int_equal(o->uid, 1000);
	assert_int_equal(o->gid, 100);
	assert_string_equal(o->comm, "curl");
	assert_string_equal(o->exe, "/usr/bin/curl");
	assert_string_equal(o->source, "table");
	o->ticketed = true;
	/* The reply, unlabelled, belongs to the same flow: same owner, and
	 * the ticket is remembered with it. */
	r = reversed(&p);
	o = sockattr_lookup(sa, &r, 0, false, -1, 1001);
	assert_true(o->known);
	assert_int_equal(o->cookie, 77);
	assert_true(o->ticketed);
	/* The flow stays named after the table forgot the socket. */
	{
		struct snet_event close = test_event(0, SNET_SYSCALL_CLOSE, 6, NULL, 0,
						     "", 1000);

		close.cookie = 77;
		assert_int_equal(sock_table_update(tab, &close, 2), 0);
	}
	o = sockattr_lookup(sa, &p, 5, true, -1, 1002);
	assert_true(o->known);
	sockattr_stats(sa, &st);
	assert_int_equal(st.table_hits, 1);
	assert_int_equal(st.cache_hits, 2);
	assert_int_equal(st.misses, 0);
	sockattr_free(sa);
	sock_table_free(tab);
}

static void recycled_label_is_not_trusted(void **state)
{
	/* The table's socket with label 5 talked to another peer: the
	 * label now belongs to someone else. */
	struct sock_table *tab = table_with(77, 5, "192.0.2.1", 443);
	struct pkt_tuple p = out_pkt("10.0.0.2", 50001, "198.51.100.7", 80);
	struct sockattr *sa;
	struct sockattr_stats st;
	struct sock_owner *o;

	(void)state;
	assert_int_equal(sockattr_new(tab, NULL, 64, &sa), 0);
	o = sockattr_lookup(sa, &p, 5, true, -1, 1000);
	assert_false(o->known);
	/* Asked again at once: the answer is remembered for a moment... */
	o = sockattr_lookup(sa, &p, 5, true, -1, 1500);
	assert_false(o->known);
	sockattr_stats(sa, &st);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.cache_hits, 1);
	/* ...then the table is asked again, and now knows the socket. */
	{
		struct snet_event ev = test_event(2, SNET_SYSCALL_CONNECT, 6,
						  "198.51.100.7", 80, "/usr/bin/wget", 0);

		ev.cookie = 99;
		ev.label = 5;
		assert_int_equal(sock_table_update(tab, &ev, 3), 0);
	}
	o = sockattr_lookup(sa, &p, 5, true, -1, 2500);
	assert_true(o->known);
	assert_int_equal(o->cookie, 99);
	assert_string_equal(o->exe, "/usr/bin/wget");
	sockattr_free(sa);
	sock_table_free(tab);
}

static void unlabelled_unknown_flow(void **state)
{
	struct sockattr *sa;
	struct pkt_tuple p = out_pkt("10.0.0.2", 50002, "192.0.2.9", 80);

	(void)state;
	assert_int_equal(sockattr_new(NULL, NULL, 64, &sa), 0);
	assert_false(sockattr_lookup(sa, &p, 0, true, -1, 1)->known);
	assert_false(sockattr_lookup(sa, &p, 3, true, -1, 1)->known);
	sockattr_free(sa);
	assert_int_equal(sockattr_new(NULL, NULL, 63, &sa), -EINVAL);
}

static void dual_stack_socket(void **state)
{
	/* An AF_INET6 socket connected to ::ffff:192.0.2.1 sends IPv4. */
	struct sock_table *tab = table_with(55, 9, "::ffff:192.0.2.1", 25);
	struct pkt_tuple p = out_pkt("10.0.0.2", 50003, "192.0.2.1", 25);
	struct sockattr *sa;

	(void)state;
	assert_int_equal(sockattr_new(tab, NULL, 64, &sa), 0);
	assert_true(sockattr_lookup(sa, &p, 9, true, -1, 1)->known);
	sockattr_free(sa);
	sock_table_free(tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_names_the_socket),
		cmocka_unit_test(recycled_label_is_not_trusted),
		cmocka_unit_test(unlabelled_unknown_flow),
		cmocka_unit_test(dual_stack_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
