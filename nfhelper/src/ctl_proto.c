// SPDX-License-Identifier: GPL-2.0-or-later
/* Control protocol: request parsing (jansson). */
#include "ctl_proto.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <linux/snet.h>

#include "names.h"

/* Optional unsigned integer member @key no larger than @max. */
static int get_uint(json_t *o, const char *key, uint64_t max, uint64_t *out,
		    bool *present, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	json_int_t i;

	*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v) || (i = json_integer_value(v)) < 0 ||
	    (uint64_t)i > max) {
		snprintf(err, errlen, "\"%s\" must be an integer from 0 to %llu",
			 key, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (uint64_t)i;
	return 0;
}

static const char *get_str(json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

static int parse_revoke(json_t *o, struct ctl_request *req, char *err,
			size_t errlen)
{
	bool has_id, has_pid, has_cookie;
	uint64_t v = 0;
	json_t *all = json_object_get(o, "all");
	int n;

	if (get_uint(o, "id", INT64_MAX, &req->ticket_id, &has_id, err, errlen) ||
	    get_uint(o, "pid", UINT32_MAX, &v, &has_pid, err, errlen))
		return -EINVAL;
	req->pid = (uint32_t)v;
	if (get_uint(o, "cookie", INT64_MAX, &req->cookie, &has_cookie, err,
		     errlen))
		return -EINVAL;
	if (all && !json_is_boolean(all)) {
		snprintf(err, errlen, "\"all\" must be true or false");
		return -EINVAL;
	}
	req->all = all && json_is_true(all);
	n = has_id + has_pid + has_cookie + req->all;
	if (n != 1) {
		snprintf(err, errlen, "revoke needs exactly one of \"id\", \"pid\", \"cookie\" or \"all\": true");
		return -EINVAL;
	}
	if ((has_id && !req->ticket_id) || (has_pid && !req->pid) ||
	    (has_cookie && !req->cookie)) {
		snprintf(err, errlen, "revoke: 0 names nothing");
		return -EINVAL;
	}
	return 0;
}

static int parse_answer(json_t *o, struct ctl_request *req, char *err,
			size_t errlen)
{
	bool has, bad = false;
	uint64_t v;
	const char *verdict = get_str(o, "verdict", &bad);
	const char *ticket = get_str(o, "ticket", &bad);
	int x;

	if (get_uint(o, "id", UINT32_MAX, &v, &has, err, errlen))
		return -EINVAL;
	if (!has || v == 0) {
		snprintf(err, errlen, "answer needs the event's \"id\"");
		return -EINVAL;
	}
	req->event_id = (uint32_t)v;
	if (bad || !verdict || (x = verdict_from_name(verdict)) < 0) {
		snprintf(err, errlen, "answer needs \"verdict\": \"allow\" or \"deny\"");
		return -EINVAL;
	}
	req->verdict = (uint8_t)x;
	if (!ticket)
		ticket = "once";
	if (strcmp(ticket, "always") == 0) {
		req->always = true;
		req->life = SNET_TICKET_TASK;
	} else if ((x = life_from_name(ticket)) >= 0) {
		req->life = (uint8_t)x;
	} else {
		snprintf(err, errlen, "\"ticket\" is once, seconds, exit or always");
		return -EINVAL;
	}
	if (get_uint(o, "seconds", UINT32_MAX, &v, &has, err, errlen))
		return -EINVAL;
	if (req->life == SNET_TICKET_TIMED) {
		if (!has || v == 0) {
			snprintf(err, errlen, "ticket \"seconds\" needs \"seconds\" >= 1");
			return -EINVAL;
		}
		req->seconds = (uint32_t)v;
	}
	return 0;
}

int ctl_request_parse(const char *line, size_t len, struct ctl_request *req,
		      char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum ctl_cmd cmd;
	} cmds[] = {
		{ "status", CTL_STATUS }, { "stats", CTL_STATS },
		{ "events", CTL_EVENTS }, { "sockets", CTL_SOCKETS },
		{ "tickets", CTL_TICKETS_LIST }, { "reload", CTL_RELOAD },
		{ "prompt", CTL_PROMPT }, { "answer", CTL_ANSWER },
		{ "inspect", CTL_INSPECT }, { "reload-rules", CTL_RELOAD_RULES },
		{ "reopen-logs", CTL_REOPEN_LOGS },
	};
	json_error_t jerr;
	const char *cmd, *action;
	bool bad = false, has;
	uint64_t v;
	json_t *o;
	int rc = -EINVAL;
	size_t i;

	memset(req, 0, sizeof(*req));
	req->limit = 1000;
	if (len > CTL_MAX_LINE) {
		snprintf(err, errlen, "request longer than %d bytes", CTL_MAX_LINE);
		return -EINVAL;
	}
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		snprintf(err, errlen, "not JSON: %s (column %d)", jerr.text,
			 jerr.column);
		return -EINVAL;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "a request is a JSON object");
		goto out;
	}
	cmd = get_str(o, "cmd", &bad);
	if (bad || !cmd) {
		snprintf(err, errlen, "a request needs \"cmd\" (a string)");
		goto out;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		snprintf(err, errlen, "unknown command \"%.64s\"", cmd);
		goto out;
	}
	req->cmd = cmds[i].cmd;
	switch (req->cmd) {
	case CTL_TICKETS_LIST:
		action = get_str(o, "action", &bad);
		if (bad || (action && strcmp(action, "list") &&
			    strcmp(action, "revoke"))) {
			snprintf(err, errlen, "tickets: \"action\" is list or revoke");
			goto out;
		}
		if (action && strcmp(action, "revoke") == 0) {
			req->cmd = CTL_TICKETS_REVOKE;
			if (parse_revoke(o, req, err, errlen))
				goto out;
			break;
		}
		if (get_uint(o, "pid", UINT32_MAX, &v, &has, err, errlen))
			goto out;
		req->pid = has ? (uint32_t)v : 0;
		break;
	case CTL_SOCKETS:
		if (get_uint(o, "limit", 1u << 24, &v, &has, err, errlen))
			goto out;
		if (has)
			req->limit = (uint32_t)v;
		break;
	case CTL_ANSWER:
		if (parse_answer(o, req, err, errlen))
			goto out;
		break;
	default:
		break;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
