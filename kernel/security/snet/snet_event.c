// SPDX-License-Identifier: GPL-2.0
/*
 * snet - the registry of mediated (syscall, protocol) pairs
 *
 * Userspace chooses at run time which calls the daemon decides.  The
 * registry is a bitmap so that the hooks' question costs one load.
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/in.h>

#include "snet_event.h"

struct snet_event_registry snet_events = {
	.lock = __MUTEX_INITIALIZER(snet_events.lock),
};

void snet_event_registry_init(struct snet_event_registry *reg)
{
	mutex_init(&reg->lock);
	reg->count = 0;
	bitmap_zero(reg->map, SNET_EVENT_BITS);
}

int snet_event_insert(struct snet_event_registry *reg, u8 syscall, u8 protocol)
{
	int err = 0;

	if (syscall >= __SNET_SYSCALL_MAX)
		return -EINVAL;
	mutex_lock(&reg->lock);
	if (test_and_set_bit(syscall * SNET_PROTOCOLS + protocol, reg->map))
		err = -EEXIST;
	else
		reg->count++;
	mutex_unlock(&reg->lock);
	return err;
}

int snet_event_remove(struct snet_event_registry *reg, u8 syscall, u8 protocol)
{
	int err = 0;

	if (syscall >= __SNET_SYSCALL_MAX)
		return -EINVAL;
	mutex_lock(&reg->lock);
	if (test_and_clear_bit(syscall * SNET_PROTOCOLS + protocol, reg->map))
		reg->count--;
	else
		err = -ENOENT;
	mutex_unlock(&reg->lock);
	return err;
}

/* Returns how many pairs were registered. */
unsigned int snet_event_flush(struct snet_event_registry *reg)
{
	unsigned int removed;
	unsigned int bit;

	mutex_lock(&reg->lock);
	removed = reg->count;
	/* Bit by bit: a concurrent test_bit() must never see a torn word. */
	for_each_set_bit(bit, reg->map, SNET_EVENT_BITS)
		clear_bit(bit, reg->map);
	reg->count = 0;
	mutex_unlock(&reg->lock);
	return removed;
}

unsigned int snet_event_count(struct snet_event_registry *reg)
{
	unsigned int count;

	mutex_lock(&reg->lock);
	count = reg->count;
	mutex_unlock(&reg->lock);
	return count;
}

/*
 * Finds the first registered pair at or after position @pos, for listing.
 * Returns its position (pass it + 1 to continue), or -ENOENT at the end.
 */
int snet_event_next(struct snet_event_registry *reg, unsigned int pos,
		    u8 *syscall, u8 *protocol)
{
	unsigned long bit;

	if (pos >= SNET_EVENT_BITS)
		return -ENOENT;
	bit = find_next_bit(reg->map, SNET_EVENT_BITS, pos);
	if (bit >= SNET_EVENT_BITS)
		return -ENOENT;
	*syscall = bit / SNET_PROTOCOLS;
	*protocol = bit % SNET_PROTOCOLS;
	return bit;
}

#ifdef CONFIG_SECURITY_SNET_KUNIT_TEST

static void test_event_insert_remove(struct kunit *const test)
{
	struct snet_event_registry *reg;

	reg = kunit_kzalloc(test, sizeof(*reg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	snet_event_registry_init(reg);

	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, SNET_SYSCALL_CONNECT,
						 IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, 0, snet_event_insert(reg, SNET_SYSCALL_CONNECT,
						   IPPROTO_TCP));
	KUNIT_EXPECT_TRUE(test, snet_event_test(reg, SNET_SYSCALL_CONNECT,
						IPPROTO_TCP));
	/* Neighbours in the bitmap stay clear. */
	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, SNET_SYSCALL_CONNECT,
						 IPPROTO_UDP));
	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, SNET_SYSCALL_BIND,
						 IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, -EEXIST, snet_event_insert(reg,
							 SNET_SYSCALL_CONNECT, IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, 1U, snet_event_count(reg));

	KUNIT_EXPECT_EQ(test, 0, snet_event_remove(reg, SNET_SYSCALL_CONNECT,
						   IPPROTO_TCP));
	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, SNET_SYSCALL_CONNECT,
						 IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, -ENOENT, snet_event_remove(reg,
							 SNET_SYSCALL_CONNECT, IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, 0U, snet_event_count(reg));
}

static void test_event_bounds(struct kunit *const test)
{
	struct snet_event_registry *reg;

	reg = kunit_kzalloc(test, sizeof(*reg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	snet_event_registry_init(reg);

	KUNIT_EXPECT_EQ(test, -EINVAL, snet_event_insert(reg,
							 __SNET_SYSCALL_MAX, IPPROTO_TCP));
	KUNIT_EXPECT_EQ(test, -EINVAL, snet_event_remove(reg, 255, 0));
	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, 255, 255));
	/* The corners of the bitmap. */
	KUNIT_EXPECT_EQ(test, 0, snet_event_insert(reg, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, snet_event_insert(reg, SNET_SYSCALL_MAX, 255));
	KUNIT_EXPECT_TRUE(test, snet_event_test(reg, 0, 0));
	KUNIT_EXPECT_TRUE(test, snet_event_test(reg, SNET_SYSCALL_MAX, 255));
	KUNIT_EXPECT_EQ(test, 2U, snet_event_count(reg));
}

static void test_event_flush_and_list(struct kunit *const test)
{
	struct snet_event_registry *reg;
	u8 syscall, protocol;
	int pos;

	reg = kunit_kzalloc(test, sizeof(*reg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	snet_event_registry_init(reg);

	KUNIT_ASSERT_EQ(test, 0, snet_event_insert(reg, SNET_SYSCALL_SENDMSG,
						   IPPROTO_UDP));
	KUNIT_ASSERT_EQ(test, 0, snet_event_insert(reg, SNET_SYSCALL_BIND,
						   IPPROTO_TCP));

	/* Listed in (syscall, protocol) order. */
	pos = snet_event_next(reg, 0, &syscall, &protocol);
	KUNIT_ASSERT_GE(test, pos, 0);
	KUNIT_EXPECT_EQ(test, SNET_SYSCALL_BIND, syscall);
	KUNIT_EXPECT_EQ(test, IPPROTO_TCP, protocol);
	pos = snet_event_next(reg, pos + 1, &syscall, &protocol);
	KUNIT_ASSERT_GE(test, pos, 0);
	KUNIT_EXPECT_EQ(test, SNET_SYSCALL_SENDMSG, syscall);
	KUNIT_EXPECT_EQ(test, IPPROTO_UDP, protocol);
	KUNIT_EXPECT_EQ(test, -ENOENT,
			snet_event_next(reg, pos + 1, &syscall, &protocol));

	KUNIT_EXPECT_EQ(test, 2U, snet_event_flush(reg));
	KUNIT_EXPECT_FALSE(test, snet_event_test(reg, SNET_SYSCALL_SENDMSG,
						 IPPROTO_UDP));
	KUNIT_EXPECT_EQ(test, -ENOENT,
			snet_event_next(reg, 0, &syscall, &protocol));
	KUNIT_EXPECT_EQ(test, 0U, snet_event_flush(reg));
}

static struct kunit_case snet_event_test_cases[] = {
	KUNIT_CASE(test_event_insert_remove),
	KUNIT_CASE(test_event_bounds),
	KUNIT_CASE(test_event_flush_and_list),
	{}
};

static struct kunit_suite snet_event_test_suite = {
	.name = "snet_event",
	.test_cases = snet_event_test_cases,
};

kunit_test_suite(snet_event_test_suite);

#endif /* CONFIG_SECURITY_SNET_KUNIT_TEST */
