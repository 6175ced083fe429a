// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: value names, durations, and CIDR prefixes. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "names.h"
#include "netaddr.h"

static void syscall_names_round_trip(void **state)
{
	(void)state;
	for (unsigned int i = 0; i <= SNET_SYSCALL_MAX; i++)
		assert_int_equal(syscall_from_name(name_of_syscall(i)), (int)i);
	assert_int_equal(syscall_from_name("post_accept"), SNET_SYSCALL_POST_ACCEPT);
	assert_int_equal(syscall_from_name("Connect"), -EINVAL);
	assert_null(name_of_syscall(SNET_SYSCALL_MAX + 1));
}

static void protocol_names_and_numbers(void **state)
{
	(void)state;
	assert_int_equal(protocol_from_name("tcp"), 6);
	assert_int_equal(protocol_from_name("udp"), 17);
	assert_int_equal(protocol_from_name("icmpv6"), 58);
	assert_int_equal(protocol_from_name("132"), 132);
	assert_int_equal(protocol_from_name("256"), -EINVAL);
	assert_int_equal(protocol_from_name("-1"), -EINVAL);
	assert_int_equal(protocol_from_name("6x"), -EINVAL);
	assert_string_equal(name_of_protocol(17), "udp");
	assert_null(name_of_protocol(200));
}

static void durations(void **state)
{
	uint32_t s = 0;

	(void)state;
	assert_int_equal(seconds_from_text("30", &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(seconds_from_text("5m", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(seconds_from_text("2h", &s), 0);
	assert_int_equal(s, 7200);
	assert_int_equal(seconds_from_text("1d", &s), 0);
	assert_int_equal(s, 86400);
	assert_int_equal(seconds_from_text("0", &s), -ERANGE);
	assert_int_equal(seconds_from_text("4294967296", &s), -ERANGE);
	assert_int_equal(seconds_from_text("50000d", &s), -ERANGE);
	assert_int_equal(seconds_from_text("5ms", &s), -EINVAL);
	assert_int_equal(seconds_from_text("m", &s), -EINVAL);
	assert_int_equal(seconds_from_text("", &s), -EINVAL);
}

static void prefix_parse_and_match_v4(void **state)
{
	struct net_prefix p;
	const char *why;
	uint8_t a[16];

	(void)state;
	assert_int_equal(net_prefix_parse("10.0.0.0/8", &p, &why), 0);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.len, 8);
	inet_pton(AF_INET, "10.200.3.4", a);
	assert_true(net_prefix_match(&p, AF_INET, a));
	inet_pton(AF_INET, "11.0.0.1", a);
	assert_false(net_prefix_match(&p, AF_INET, a));
	/* An IPv4 prefix matches the IPv4-mapped IPv6 form too. */
	inet_pton(AF_INET6, "::ffff:10.1.2.3", a);
	assert_true(net_prefix_match(&p, AF_INET6, a));
	inet_pton(AF_INET6, "::ffff:11.1.2.3", a);
	assert_false(net_prefix_match(&p, AF_INET6, a));
	/* Odd lengths. */
	assert_int_equal(net_prefix_parse("192.168.4.0/23", &p, &why), 0);
	inet_pton(AF_INET, "192.168.5.255", a);
	assert_true(net_prefix_match(&p, AF_INET, a));
	inet_pton(AF_INET, "192.168.6.0", a);
	assert_false(net_prefix_match(&p, AF_INET, a));
	/* A bare address is a /32. */
	assert_int_equal(net_prefix_parse("192.0.2.7", &p, &why), 0);
	assert_int_equal(p.len, 32);
	/* /0 matches everything of its family. */
	assert_int_equal(net_prefix_parse("0.0.0.0/0", &p, &why), 0);
	inet_pton(AF_INET, "203.0.113.9", a);
	assert_true(net_prefix_match(&p, AF_INET, a));
}

static void prefix_parse_and_match_v6(void **state)
{
	struct net_prefix p;
	const char *why;
	uint8_t a[16];

	(void)state;
	assert_int_equal(net_prefix_parse("2001:db8::/32", &p, &why), 0);
	assert_int_equal(p.family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8:ffff::1", a);
	assert_true(net_prefix_match(&p, AF_INET6, a));
	inet_pton(AF_INET6, "2001:db9::1", a);
	assert_false(net_prefix_match(&p, AF_INET6, a));
	/* An IPv6 prefix never matches an IPv4 address. */
	inet_pton(AF_INET, "32.1.13.184", a);
	assert_false(net_prefix_match(&p, AF_INET, a));
	assert_int_equal(net_prefix_parse("::1", &p, &why), 0);
	assert_int_equal(p.len, 128);
}

static void prefix_errors(void **state)
{
	static const char *const bad[] = {
		"10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "300.1.1.1",
		"", "/8", "2001:db8::1/32", "2001:db8::/129", "example.com",
		"10.0.0.0/-1",
	};
	struct net_prefix p;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(net_prefix_parse(bad[i], &p, &why), -EINVAL);
		assert_non_null(why);
	}
	assert_int_equal(net_prefix_parse("10.0.0.1/8", &p, &why), -EINVAL);
	assert_non_null(strstr(why, "bits set"));
}

static void address_format(void **state)
{
	uint8_t a[16];
	char buf[64];

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1", a);
	assert_string_equal(net_addr_format(AF_INET6, a, buf, sizeof(buf)),
			    "2001:db8::1");
	inet_pton(AF_INET, "127.0.0.1", a);
	assert_string_equal(net_addr_format(AF_INET, a, buf, sizeof(buf)),
			    "127.0.0.1");
	assert_string_equal(net_addr_format(99, a, buf, sizeof(buf)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syscall_names_round_trip),
		cmocka_unit_test(protocol_names_and_numbers),
		cmocka_unit_test(durations),
		cmocka_unit_test(prefix_parse_and_match_v4),
		cmocka_unit_test(prefix_parse_and_match_v6),
		cmocka_unit_test(prefix_errors),
		cmocka_unit_test(address_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
