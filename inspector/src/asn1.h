/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SNET_INSPECT_ASN1_H
#define SNET_INSPECT_ASN1_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The asn1 keyword: decode BER from an offset of the buffer and look for
 * the malformations its options name, as Suricata 6 does.
 */
#define ASN1_BITSTRING_OVERFLOW 0x01
#define ASN1_DOUBLE_OVERFLOW    0x02
#define ASN1_OVERSIZE_LENGTH    0x04
#define ASN1_ABSOLUTE_OFFSET    0x08
#define ASN1_RELATIVE_OFFSET    0x10

/* Suricata's asn1-max-frames default: top-level objects, and nesting depth */
#define ASN1_MAX_FRAMES 30

struct asn1_opts {
	uint8_t flags;
	uint32_t max_size;	/* oversize_length */
	int32_t offset;		/* absolute (0..65535) or relative (-65535..65535) */
};

/* parse the keyword's value; 0 or -EINVAL with a clear message (what and why) in err */
int asn1_parse_opts(const char *value, struct asn1_opts *o, char *err, size_t errlen);
/* does the check fire on buf[0..len), with prev_end the end of the previous match (used for relative_offset) */
bool asn1_match(const struct asn1_opts *o, const uint8_t *buf, size_t len, size_t prev_end);

#endif
