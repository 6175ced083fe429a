/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A struct snet_event as a JSON object, the one shape that the decision log,
 * the remote protocol and the control socket all use (docs/snetd.md).
 */
#ifndef SNETD_EVENT_JSON_H
#define SNETD_EVENT_JSON_H

#include <jansson.h>

#include "decision.h"
#include "snet_nl.h"

/* New reference, or NULL when out of memory. */
json_t *event_to_json(const struct snet_event *ev);
/* {"verdict":..,"ticket":..,"seconds":..,"by":..,...}; NULL on ENOMEM. */
json_t *decision_to_json(const struct decision *d);

/* Wall-clock time "2024-05-01T12:00:00.123Z" into @buf (>= 32 bytes). */
void json_time_now(char *buf, size_t len);

#endif /* SNETD_EVENT_JSON_H */
