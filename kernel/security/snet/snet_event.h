/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snet - the registry of mediated (syscall, protocol) pairs
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#ifndef _SECURITY_SNET_EVENT_H
#define _SECURITY_SNET_EVENT_H

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/snet.h>

#define SNET_PROTOCOLS		256
#define SNET_EVENT_BITS		(__SNET_SYSCALL_MAX * SNET_PROTOCOLS)

/*
 * One bit per (syscall, protocol).  Hooks read the bitmap with test_bit()
 * and no lock, so a call that is not mediated costs one load; writers hold
 * @lock, which also protects @count.
 */
struct snet_event_registry {
	struct mutex lock;	/* serialises writers; protects count */
	unsigned int count;
	DECLARE_BITMAP(map, SNET_EVENT_BITS);
};

extern struct snet_event_registry snet_events;

void snet_event_registry_init(struct snet_event_registry *reg);
int snet_event_insert(struct snet_event_registry *reg, u8 syscall, u8 protocol);
int snet_event_remove(struct snet_event_registry *reg, u8 syscall, u8 protocol);
unsigned int snet_event_flush(struct snet_event_registry *reg);
int snet_event_next(struct snet_event_registry *reg, unsigned int pos,
		    u8 *syscall, u8 *protocol);
unsigned int snet_event_count(struct snet_event_registry *reg);

static inline bool snet_event_test(const struct snet_event_registry *reg,
				   u8 syscall, u8 protocol)
{
	if (syscall >= __SNET_SYSCALL_MAX)
		return false;
	return test_bit(syscall * SNET_PROTOCOLS + protocol, reg->map);
}

/* The hooks' question: is this call mediated? */
static inline bool snet_event_is_mediated(u8 syscall, u8 protocol)
{
	return snet_event_test(&snet_events, syscall, protocol);
}

#endif /* _SECURITY_SNET_EVENT_H */
