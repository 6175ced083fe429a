/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SNET_INSPECT_EVE_H
#define SNET_INSPECT_EVE_H
#include <jansson.h>
#include "internal.h"

struct eve_alert {
	const struct rule *rule;
	const struct packet *p;
	uint64_t flow_id;
	const char *app_proto;	/* NULL: not written */
	const char *app_key;	/* "http", "dns", "tls"; NULL: app's members are written */
	json_t *app;
	bool blocked;
	const struct snet_inspect_meta *meta;
};
/* Append the alert's EVE line, '\n' included, to out. */
int eve_alert_line(const struct eve_alert *a, struct strbuf *out);
/* Append a tagged packet's EVE "packet" line (Suricata's form, the packet
 * in base64 from its IP header), '\n' included, to out. */
int eve_packet_line(const struct packet *p, uint64_t flow_id, struct strbuf *out);
/* Write n whole lines (each ending in '\n') with one write, under the lock. */
int eve_write_lines(struct snet_inspect_eve *e, const char *buf, size_t len, unsigned n);
/* A line that could not be built: counted as a write error. */
void eve_lost(struct snet_inspect_eve *e);
void eve_timestamp(uint64_t usec, char *out, size_t len);
#endif
