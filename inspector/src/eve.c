// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * EVE-JSON alert log: one JSON object per line, built with jansson.
 * Workers build their line without the lock and take it only to write;
 * reopen (logrotate) takes the same lock, or is requested from a signal
 * handler with an atomic flag that the next writer honours.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "eve.h"

struct snet_inspect_eve {
	pthread_mutex_t lock;
	FILE *f;
	char *path;
	bool is_stdout;
	atomic_int reopen_requested;
	atomic_uint_least64_t lines, errors;
};

int snet_inspect_eve_open(const char *path, struct snet_inspect_eve **out)
{
	if (!path || !out)
		return -EINVAL;
	struct snet_inspect_eve *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return -ENOMEM;
	}
	if (!strcmp(path, "-")) {
		e->f = stdout;
		e->is_stdout = true;
	} else {
		e->f = fopen(path, "ae");
		if (!e->f) {
			int err = errno;
			free(e->path);
			free(e);
			return -err;
		}
	}
	pthread_mutex_init(&e->lock, NULL);
	*out = e;
	return 0;
}

static int reopen_locked(struct snet_inspect_eve *e)
{
	if (e->is_stdout)
		return 0;
	FILE *f = fopen(e->path, "ae");
	if (!f)
		return -errno;	/* keep writing to the old file */
	fclose(e->f);
	e->f = f;
	return 0;
}

int snet_inspect_eve_reopen(struct snet_inspect_eve *e)
{
	if (!e)
		return -EINVAL;
	pthread_mutex_lock(&e->lock);
	int rc = reopen_locked(e);
	pthread_mutex_unlock(&e->lock);
	return rc;
}

void snet_inspect_eve_request_reopen(struct snet_inspect_eve *e)
{
	if (e)
		atomic_store(&e->reopen_requested, 1);
}

uint64_t snet_inspect_eve_lines(const struct snet_inspect_eve *e)
{
	return e ? atomic_load(&e->lines) : 0;
}

uint64_t snet_inspect_eve_errors(const struct snet_inspect_eve *e)
{
	return e ? atomic_load(&e->errors) : 0;
}

void snet_inspect_eve_close(struct snet_inspect_eve *e)
{
	if (!e)
		return;
	if (!e->is_stdout)
		fclose(e->f);
	else
		fflush(stdout);
	pthread_mutex_destroy(&e->lock);
	free(e->path);
	free(e);
}

int eve_write_lines(struct snet_inspect_eve *e, const char *buf, size_t len, unsigned n)
{
	int rc = 0;
	pthread_mutex_lock(&e->lock);
	if (atomic_exchange(&e->reopen_requested, 0))
		reopen_locked(e);
	if (fwrite(buf, 1, len, e->f) != len || fflush(e->f))
		rc = -EIO;
	pthread_mutex_unlock(&e->lock);
	if (rc)
		atomic_fetch_add(&e->errors, n);
	else
		atomic_fetch_add(&e->lines, n);
	return rc;
}

void eve_lost(struct snet_inspect_eve *e)
{
	atomic_fetch_add(&e->errors, 1);
}

/* append o's compact JSON text, without its closing brace if open */
static int append_dump(struct strbuf *out, json_t *o, bool open)
{
	if (!o)
		return -ENOMEM;
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	size_t n = strlen(s);
	int rc = strbuf_append(out, s, open && n ? n - 1 : n);
	free(s);
	return rc;
}

static void set_ip(json_t *o, const char *key, const struct ip_addr *ip)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(ip->family, ip->a, s, sizeof(s));
	json_object_set_new(o, key, json_string(s));
}

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "IPv6-ICMP";
	default:
		snprintf(buf, len, "%03u", p);
		return buf;
	}
}

void eve_timestamp(uint64_t usec, char *out, size_t len)
{
	time_t sec = (time_t)(usec / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%06u+0000", base, (unsigned)(usec % 1000000));
}

/* jansson's compact dump of an ASCII string: the same escapes */
static int append_jstr(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (strbuf_append(out, "\"", 1))
		return -ENOMEM;
	const char *run = s;
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		if (c && c != '"' && c != '\\' && c >= 0x20)
			continue;
		if (s > run && strbuf_append(out, run, (size_t)(s - run)))
			return -ENOMEM;
		if (!c)
			break;
		char e[6] = { '\\', (char)c, 0, 0, 0, 0 };
		size_t n = 2;
		switch (c) {
		case '"': case '\\': break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			n = 6;
		}
		if (strbuf_append(out, e, n))
			return -ENOMEM;
		run = s + 1;
	}
	return strbuf_append(out, "\"", 1);
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* the pieces of alert_head(): text, numbers, addresses, at d */
static char *put_s(char *d, const char *s)
{
	size_t n = strlen(s);
	memcpy(d, s, n);
	return d + n;
}

static char *put_u(char *d, unsigned long long v, int width)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		t[n++] = '0';
	while (n)
		*d++ = t[--n];
	return d;
}

static char *put_i(char *d, long long v)
{
	if (v >= 0)
		return put_u(d, (unsigned long long)v, 0);
	*d++ = '-';
	return put_u(d, 0ull - (unsigned long long)v, 0);
}

static char *put_ip(char *d, const char *key, const struct ip_addr *ip)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(ip->family, ip->a, s, sizeof(s));
	d = put_s(d, key);
	d = put_s(d, s);
	*d++ = '"';
	return d;
}

/* eve_timestamp() for years of four digits, NULL for the others */
static char *put_ts(char *d, uint64_t usec)
{
	time_t sec = (time_t)(usec / 1000000);
	struct tm tm;
	if (!gmtime_r(&sec, &tm) || tm.tm_year < 1000 - 1900 || tm.tm_year > 9999 - 1900)
		return NULL;
	d = put_u(d, (unsigned)(tm.tm_year + 1900), 4);
	*d++ = '-';
	d = put_u(d, (unsigned)(tm.tm_mon + 1), 2);
	*d++ = '-';
	d = put_u(d, (unsigned)tm.tm_mday, 2);
	*d++ = 'T';
	d = put_u(d, (unsigned)tm.tm_hour, 2);
	*d++ = ':';
	d = put_u(d, (unsigned)tm.tm_min, 2);
	*d++ = ':';
	d = put_u(d, (unsigned)tm.tm_sec, 2);
	*d++ = '.';
	d = put_u(d, (unsigned)(usec % 1000000), 6);
	return put_s(d, "+0000");
}

/*
 * The members of the alert's object and of "alert" up to the rule's
 * metadata, as jansson dumps them, without building objects: the
 * strings are ASCII here (the rule's message and category are checked),
 * so the text is the same byte for byte.
 */
static int alert_head(const struct eve_alert *a, struct strbuf *out)
{
	const struct packet *p = a->p;
	const struct rule *r = a->rule;
	/* a fragment alone has no L4 header: no ports */
	bool ports = (p->ipproto == IPPROTO_TCP || p->ipproto == IPPROTO_UDP) && !p->is_frag;
	/* at most about 400 bytes: two IPv6 addresses, numbers, fixed names */
	char b[640], pbuf[8], *d = put_s(b, "{\"timestamp\":\"");
	char *e = put_ts(d, p->ts_usec);
	if (!e) {
		char ts[64];
		eve_timestamp(p->ts_usec, ts, sizeof(ts));
		e = put_s(d, ts);
	}
	d = e;
	*d++ = '"';
	if (a->flow_id)
		d = put_i(put_s(d, ",\"flow_id\":"), (long long)a->flow_id);
	d = put_s(d, ",\"event_type\":\"alert\"");
	d = put_ip(d, ",\"src_ip\":\"", &p->src);
	if (ports)
		d = put_u(put_s(d, ",\"src_port\":"), p->sport, 0);
	d = put_ip(d, ",\"dest_ip\":\"", &p->dst);
	if (ports)
		d = put_u(put_s(d, ",\"dest_port\":"), p->dport, 0);
	d = put_s(put_s(d, ",\"proto\":\""), proto_name(p->ipproto, pbuf, sizeof(pbuf)));
	*d++ = '"';
	if ((p->ipproto == IPPROTO_ICMP || p->ipproto == IPPROTO_ICMPV6) && !p->is_frag) {
		d = put_u(put_s(d, ",\"icmp_type\":"), p->icmp_type, 0);
		d = put_u(put_s(d, ",\"icmp_code\":"), p->icmp_code, 0);
	}
	int rc = strbuf_append(out, b, (size_t)(d - b));
	if (!rc && a->app_proto) {
		rc = strbuf_append(out, ",\"app_proto\":", 13);
		if (!rc)
			rc = append_jstr(out, a->app_proto);
	}
	d = put_s(b, ",\"alert\":{\"action\":\"");
	d = put_s(d, a->blocked ? "blocked" : "allowed");
	d = put_i(put_s(d, "\",\"gid\":"), r->gid);
	d = put_i(put_s(d, ",\"signature_id\":"), r->sid);
	d = put_i(put_s(d, ",\"rev\":"), r->rev);
	d = put_s(d, ",\"signature\":");
	if (!rc)
		rc = strbuf_append(out, b, (size_t)(d - b));
	if (!rc)
		rc = append_jstr(out, r->msg);
	if (!rc)
		rc = strbuf_append(out, ",\"category\":", 12);
	if (!rc)
		rc = append_jstr(out, r->ct ? r->ct->desc : "");
	d = put_i(put_s(b, ",\"severity\":"), r->priority);
	if (!rc)
		rc = strbuf_append(out, b, (size_t)(d - b));
	return rc;
}

/* alert_head() with jansson, for any rule text */
static int alert_head_json(const struct eve_alert *a, struct strbuf *out)
{
	const struct rule *r = a->rule;
	char ts[64], pbuf[8];
	json_t *o = json_object();
	if (!o)
		return -ENOMEM;
	eve_timestamp(a->p->ts_usec, ts, sizeof(ts));
	json_object_set_new(o, "timestamp", json_string(ts));
	if (a->flow_id)
		json_object_set_new(o, "flow_id", json_integer((json_int_t)a->flow_id));
	json_object_set_new(o, "event_type", json_string("alert"));
	set_ip(o, "src_ip", &a->p->src);
	if ((a->p->ipproto == IPPROTO_TCP || a->p->ipproto == IPPROTO_UDP) && !a->p->is_frag)
		json_object_set_new(o, "src_port", json_integer(a->p->sport));
	set_ip(o, "dest_ip", &a->p->dst);
	if ((a->p->ipproto == IPPROTO_TCP || a->p->ipproto == IPPROTO_UDP) && !a->p->is_frag)
		json_object_set_new(o, "dest_port", json_integer(a->p->dport));
	json_object_set_new(o, "proto", json_string(proto_name(a->p->ipproto, pbuf, sizeof(pbuf))));
	if ((a->p->ipproto == IPPROTO_ICMP || a->p->ipproto == IPPROTO_ICMPV6) && !a->p->is_frag) {
		json_object_set_new(o, "icmp_type", json_integer(a->p->icmp_type));
		json_object_set_new(o, "icmp_code", json_integer(a->p->icmp_code));
	}
	if (a->app_proto)
		json_object_set_new(o, "app_proto", json_string(a->app_proto));
	int rc = append_dump(out, o, true);
	if (!rc)
		rc = strbuf_append(out, ",\"alert\":", 9);
	json_t *al = rc ? NULL : json_object();
	if (al) {
		json_object_set_new(al, "action", json_string(a->blocked ? "blocked" : "allowed"));
		json_object_set_new(al, "gid", json_integer(r->gid));
		json_object_set_new(al, "signature_id", json_integer(r->sid));
		json_object_set_new(al, "rev", json_integer(r->rev));
		json_object_set_new(al, "signature", json_string(r->msg));
		json_object_set_new(al, "category", json_string(r->ct ? r->ct->desc : ""));
		json_object_set_new(al, "severity", json_integer(r->priority));
	}
	if (!rc)
		rc = append_dump(out, al, true);
	return rc;
}

/* "k v, k v2, k2 v3" as Suricata logs it: {"k":["v","v2"],"k2":["v3"]} */
static char *metadata_to_json(const char *src)
{
	json_t *meta = json_object();
	char *copy = strdup(src);
	char *out = NULL;
	if (!meta || !copy)
		goto out;
	char *save;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *kv = trim(t);
		char *sp = kv;
		while (*sp && !isspace((unsigned char)*sp))
			sp++;
		char *val = "";
		if (*sp) {
			*sp = 0;
			val = trim(sp + 1);
		}
		if (!*kv)
			continue;
		json_t *arr = json_object_get(meta, kv);
		if (!arr) {
			arr = json_array();
			if (!arr || json_object_set_new(meta, kv, arr))
				goto out;
		}
		/* a value that is not UTF-8 has no JSON string: left out */
		json_array_append_new(arr, json_string(val));
	}
	out = json_dumps(meta, JSON_COMPACT);
out:
	free(copy);
	json_decref(meta);
	return out;
}

const char *rule_metadata_json(const struct rule *r)
{
	char *have = atomic_load_explicit(&r->metadata_json, memory_order_acquire);
	if (have || !r->metadata)
		return have ? have : "";
	char *made = metadata_to_json(r->metadata);
	if (!made)
		return NULL;
	/* workers share the rule: the first to make it keeps it */
	struct rule *w = (struct rule *)r;
	if (!atomic_compare_exchange_strong_explicit(&w->metadata_json, &have, made,
						     memory_order_acq_rel, memory_order_acquire)) {
		free(made);
		return have;
	}
	return made;
}

/*
 * The line is the compact dump of one object (the fields in the order
 * below).  Its start is written directly (alert_head) or, for rule text
 * that is not ASCII, dumped by jansson; the rule's metadata is spliced in
 * as the JSON text jansson made of it on the rule's first alert; the rest
 * are pieces jansson dumps.
 */
int eve_alert_line(const struct eve_alert *a, struct strbuf *out)
{
	size_t start = out->len;
	const struct rule *r = a->rule;
	int rc = is_ascii(r->msg) && (!r->ct || is_ascii(r->ct->desc)) ? alert_head(a, out) :
		 alert_head_json(a, out);
	if (!rc && r->metadata) {
		const char *meta = rule_metadata_json(r);
		rc = meta ? strbuf_append(out, ",\"metadata\":", 12) : -ENOMEM;
		if (!rc)
			rc = strbuf_append(out, meta, strlen(meta));
	}
	if (!rc && r->target) {
		/* Suricata's source/target: who attacks whom, from target: */
		bool ports = (a->p->ipproto == IPPROTO_TCP || a->p->ipproto == IPPROTO_UDP) &&
			     !a->p->is_frag;
		json_t *side[2] = { json_object(), json_object() };	/* src, dst */
		set_ip(side[0], "ip", &a->p->src);
		set_ip(side[1], "ip", &a->p->dst);
		if (ports) {
			json_object_set_new(side[0], "port", json_integer(a->p->sport));
			json_object_set_new(side[1], "port", json_integer(a->p->dport));
		}
		int t = r->target == 1 ? 0 : 1;
		json_t *st = json_object();
		json_object_set_new(st, "source", side[1 - t]);
		json_object_set_new(st, "target", side[t]);
		/* its members, after the alert's: ,"source":...,"target":... */
		size_t at = out->len;
		rc = append_dump(out, st, true);
		if (!rc && out->len > at)
			out->s[at] = ',';
	}
	if (!rc)
		rc = strbuf_append(out, "}", 1);
	if (!rc && a->app && a->app_key) {
		rc = strbuf_printf(out, ",\"%s\":", a->app_key);
		if (!rc)
			rc = append_dump(out, json_incref(a->app), false);
	} else if (!rc && a->app) {
		/* several objects (SMTP's smtp and email): their members, as they are */
		size_t at = out->len;
		rc = append_dump(out, json_incref(a->app), true);
		if (!rc && out->len > at + 1) {
			out->s[at] = ',';
		} else if (!rc) {
			out->len = at;	/* "{" of an empty object: nothing */
		}
	}
	const struct snet_inspect_meta *m = a->meta;
	if (!rc && m) {
		json_t *s = json_object();
		if (s && m->has_process) {
			json_object_set_new(s, "pid", json_integer(m->pid));
			json_object_set_new(s, "tgid", json_integer(m->tgid));
			json_object_set_new(s, "uid", json_integer(m->uid));
			json_object_set_new(s, "gid", json_integer(m->gid));
		}
		if (s && m->comm)
			json_object_set_new(s, "comm", json_string(m->comm));
		if (s && m->exe)
			json_object_set_new(s, "exe", json_string(m->exe));
		if (s && m->has_cookie)
			json_object_set_new(s, "socket_cookie", json_integer((json_int_t)m->socket_cookie));
		if (s)
			json_object_set_new(s, "socket_action",
					    json_string(a->blocked && m->socket_action ?
							m->socket_action : "none"));
		rc = strbuf_append(out, ",\"snet\":", 8);
		if (!rc)
			rc = append_dump(out, s, false);
	}
	if (!rc)
		rc = strbuf_append(out, "}\n", 2);
	if (rc) {
		out->len = start;	/* no partial line */
		if (out->s)
			out->s[start] = 0;
	}
	return rc;
}

int eve_packet_line(const struct packet *p, uint64_t flow_id, struct strbuf *out)
{
	char ts[64], pbuf[8];
	size_t start = out->len;
	json_t *o = json_object();
	/* base64: 4 characters per 3 bytes, and the NUL */
	char *b64 = malloc(4 * ((p->len + 2) / 3) + 1);

	if (!o || !b64) {
		json_decref(o);
		free(b64);
		return -ENOMEM;
	}
	EVP_EncodeBlock((unsigned char *)b64, p->data, (int)p->len);
	eve_timestamp(p->ts_usec, ts, sizeof(ts));
	json_object_set_new(o, "timestamp", json_string(ts));
	if (flow_id)
		json_object_set_new(o, "flow_id", json_integer((json_int_t)flow_id));
	json_object_set_new(o, "event_type", json_string("packet"));
	set_ip(o, "src_ip", &p->src);
	/* a fragment alone has no L4 header: no ports */
	bool ports = (p->ipproto == IPPROTO_TCP || p->ipproto == IPPROTO_UDP) && !p->is_frag;
	if (ports)
		json_object_set_new(o, "src_port", json_integer(p->sport));
	set_ip(o, "dest_ip", &p->dst);
	if (ports)
		json_object_set_new(o, "dest_port", json_integer(p->dport));
	json_object_set_new(o, "proto", json_string(proto_name(p->ipproto, pbuf, sizeof(pbuf))));
	json_object_set_new(o, "packet", json_string(b64));
	free(b64);
	json_t *info = json_object();
	json_object_set_new(info, "linktype", json_integer(12));	/* DLT_RAW: from the IP header */
	json_object_set_new(o, "packet_info", info);
	int rc = append_dump(out, o, false);
	if (!rc)
		rc = strbuf_append(out, "\n", 1);
	if (rc) {
		out->len = start;
		if (out->s)
			out->s[start] = 0;
	}
	return rc;
}
