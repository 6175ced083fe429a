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
	const char *app_key;	/* "http", "dns", "tls" */
	json_t *app;
	bool blocked;
	const struct snet_inspect_meta *meta;
};
json_t *eve_alert_json(const struct eve_alert *a);
int eve_write_json(struct snet_inspect_eve *e, json_t *obj);
void eve_timestamp(uint64_t usec, char *out, size_t len);
#endif
