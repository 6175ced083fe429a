// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: a dataset's file (datasets.c) as each type reads it, within a
 * small memcap, then lookups, additions, removals and reputation
 * comparisons of the input's lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	/* the first byte: the type and the memcap */
	uint8_t type = data[0] % DS__COUNT;
	uint64_t memcap = data[0] & 0x80 ? 4096 : 1 << 20;
	struct dataset *ds = dataset_new("fuzz", type, memcap, data[0] & 0x40 ? 16 : 2048);
	if (!ds)
		return 0;
	char err[256];
	dataset_load_text(ds, (const char *)data + 1, size - 1, "fuzz", err, sizeof(err));
	/* each line of the input as a value, through each command */
	const uint8_t *p = data + 1, *end = data + size;
	for (unsigned i = 0; p < end; i++) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		dataset_op(ds, (uint8_t)(i % 7), (uint16_t)(i * 977), p, n);
		p += n + 1;
	}
	dataset_free(ds);
	return 0;
}
