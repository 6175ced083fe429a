// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: snetd.conf (libinih plus snetd's value checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snetd_config cfg;
	char err[1024];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* config_load() refuses NUL bytes before this */
	config_defaults(&cfg);
	config_parse(text, "fuzz.conf", &cfg, err, sizeof(err));
	free(text);
	return 0;
}
