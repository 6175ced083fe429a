// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the inspector's two configuration readers, which take a path.
 * The first byte picks one, the rest is the file: 'c' classification.config
 * (class_table_load), anything else inspector.conf (libinih, then every
 * [vars] and [engine] value through the setters).  Checks: a table loaded
 * has names, descriptions and priorities 0-255, and every name it has is
 * found; a refusal says why.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static char path[] = "/tmp/fuzz-config-XXXXXX";
static int fd = -1;

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";

	if (!size)
		return 0;
	if (fd < 0) {
		if ((fd = mkstemp(path)) < 0)
			abort();
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		abort();
	if (data[0] == 'c') {
		struct class_table t = { 0 };
		int rc = class_table_load(&t, path, err, sizeof(err));
		if (rc && rc != -ENOMEM && !err[0])
			abort();
		for (size_t i = 0; !rc && i < t.n; i++) {
			if (!t.v[i].name || !t.v[i].desc || t.v[i].priority < 0 ||
			    t.v[i].priority > 255 || !class_table_find(&t, t.v[i].name))
				abort();
		}
		class_table_free(&t);
	} else {
		struct snet_inspect_config *cfg;
		if (snet_inspect_config_new(&cfg))
			return 0;
		int rc = snet_inspect_config_load(cfg, path, err, sizeof(err));
		if (rc && rc != -ENOMEM && !err[0])
			abort();
		snet_inspect_config_free(cfg);
	}
	return 0;
}
