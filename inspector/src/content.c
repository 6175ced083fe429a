// SPDX-License-Identifier: GPL-2.0-or-later
/* content:"..." strings: text, |hex bytes| blocks and backslash escapes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* s is the text between the quotes */
int content_decode(const char *s, uint8_t **out, uint32_t *outlen, char *err,
		   size_t errlen)
{
	size_t n = strlen(s);
	uint8_t *buf = malloc(n + 1);
	if (!buf)
		return -ENOMEM;
	size_t o = 0;
	bool in_hex = false;
	int hi = -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_hex) {
			if (c == '|') {
				if (hi >= 0) {
					snprintf(err, errlen, "odd number of hex digits in content");
					goto fail;
				}
				in_hex = false;
			} else if (isspace((unsigned char)c)) {
				continue;
			} else {
				int v = hex_digit((unsigned char)c);
				if (v < 0) {
					snprintf(err, errlen, "bad hex character '%c' in content", c);
					goto fail;
				}
				if (hi < 0) {
					hi = v;
				} else {
					buf[o++] = (uint8_t)(hi << 4 | v);
					hi = -1;
				}
			}
			continue;
		}
		if (c == '|') {
			in_hex = true;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n) {
				snprintf(err, errlen, "content ends with a lone backslash");
				goto fail;
			}
			char e = s[++i];
			if (e != '"' && e != ';' && e != '\\' && e != ':' && e != '|') {
				snprintf(err, errlen, "bad escape '\\%c' in content", e);
				goto fail;
			}
			buf[o++] = (uint8_t)e;
			continue;
		}
		if (c == '"' || c == ';') {
			snprintf(err, errlen, "unescaped '%c' in content", c);
			goto fail;
		}
		buf[o++] = (uint8_t)c;
	}
	if (in_hex) {
		snprintf(err, errlen, "unterminated |hex| block in content");
		goto fail;
	}
	if (o == 0) {
		snprintf(err, errlen, "empty content");
		goto fail;
	}
	*out = buf;
	*outlen = (uint32_t)o;
	return 0;
fail:
	free(buf);
	return -EINVAL;
}
