// SPDX-License-Identifier: GPL-2.0-or-later
/* struct snet_event and struct decision as JSON (jansson). */
#include "event_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "netaddr.h"

const char *decider_name(enum decider by)
{
	static const char *const names[N_DECIDERS] = {
		[DECIDER_POLICY] = "policy", [DECIDER_REMOTE] = "remote",
		[DECIDER_PROMPT] = "prompt", [DECIDER_DEFAULT] = "default",
		[DECIDER_TIMEOUT] = "timeout",
	};

	return (unsigned int)by < N_DECIDERS ? names[by] : "?";
}

/* json_object_set_new() that remembers a failure. */
static void set(json_t *obj, const char *key, json_t *val, int *failed)
{
	if (!val || json_object_set_new(obj, key, val))
		*failed = 1;
}

static json_t *endpoint(uint8_t family, const uint8_t *addr, uint16_t port)
{
	char buf[64];
	json_t *o = json_object();
	int failed = 0;

	if (!o)
		return NULL;
	set(o, "addr", json_string(net_addr_format(family, addr, buf, sizeof(buf))),
	    &failed);
	set(o, "port", json_integer(port), &failed);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * A JSON string of the bytes @s: the kernel's strings (comm, exe) need not
 * be UTF-8, which JSON requires, so invalid bytes are written as "\xNN".
 */
static json_t *bytes_string(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *buf;

	if (j)
		return j;
	buf = malloc(n * 4 + 1);
	if (!buf)
		return NULL;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)sprintf(buf + o, "\\x%02x", c);
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

json_t *event_to_json(const struct snet_event *ev)
{
	const char *name;
	json_t *o = json_object();
	char comm[sizeof(ev->comm)];
	int failed = 0;

	if (!o)
		return NULL;
	set(o, "id", json_integer(ev->id), &failed);
	name = name_of_syscall(ev->syscall);
	set(o, "syscall", name ? json_string(name) : json_integer(ev->syscall),
	    &failed);
	name = name_of_protocol(ev->protocol);
	set(o, "protocol", name ? json_string(name) : json_integer(ev->protocol),
	    &failed);
	name = name_of_family(ev->family);
	set(o, "family", name ? json_string(name) : json_integer(ev->family),
	    &failed);
	set(o, "sock_type", json_integer(ev->sock_type), &failed);
	if (ev->has_local)
		set(o, "local", endpoint(ev->family, ev->local_addr, ev->local_port),
		    &failed);
	if (ev->has_remote)
		set(o, "remote", endpoint(ev->family, ev->remote_addr,
					  ev->remote_port), &failed);
	set(o, "pid", json_integer(ev->pid), &failed);
	set(o, "tgid", json_integer(ev->tgid), &failed);
	set(o, "uid", json_integer(ev->uid), &failed);
	set(o, "gid", json_integer(ev->gid), &failed);
	memcpy(comm, ev->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	set(o, "comm", bytes_string(comm, strlen(comm)), &failed);
	if (ev->exe[0])
		set(o, "exe", bytes_string(ev->exe, strnlen(ev->exe,
							  sizeof(ev->exe))), &failed);
	set(o, "cookie", json_integer((json_int_t)ev->cookie), &failed);
	set(o, "netns", json_integer(ev->netns), &failed);
	if (ev->label)
		set(o, "label", json_integer(ev->label), &failed);
	if (ev->syscall == SNET_SYSCALL_SENDMSG || ev->syscall == SNET_SYSCALL_RECVMSG)
		set(o, "size", json_integer((json_int_t)ev->size), &failed);
	if (ev->syscall == SNET_SYSCALL_LISTEN)
		set(o, "backlog", json_integer(ev->backlog), &failed);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *decision_to_json(const struct decision *d)
{
	json_t *o = json_object();
	int failed = 0;

	if (!o)
		return NULL;
	set(o, "verdict", json_string(name_of_verdict(d->verdict)), &failed);
	set(o, "ticket", json_string(name_of_life(d->life)), &failed);
	if (d->life == SNET_TICKET_TIMED)
		set(o, "seconds", json_integer(d->seconds), &failed);
	set(o, "by", json_string(decider_name(d->by)), &failed);
	if (d->by == DECIDER_POLICY)
		set(o, "rule_line", json_integer(d->rule_line), &failed);
	if (d->by == DECIDER_PROMPT)
		set(o, "prompt_uid", json_integer(d->prompt_uid), &failed);
	if (d->detail[0])
		set(o, "detail", bytes_string(d->detail,
			strnlen(d->detail, sizeof(d->detail))), &failed);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void json_time_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}
