// SPDX-License-Identifier: GPL-2.0-or-later
/* Engine configuration: rule variables and limits, read with libinih. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ini.h>

#include "internal.h"

/* Suricata's defaults, so ET rules load without a config file. */
static const char *const default_vars[][2] = {
	{ "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" },
	{ "EXTERNAL_NET", "!$HOME_NET" },
	{ "HTTP_SERVERS", "$HOME_NET" },
	{ "SMTP_SERVERS", "$HOME_NET" },
	{ "SQL_SERVERS", "$HOME_NET" },
	{ "DNS_SERVERS", "$HOME_NET" },
	{ "TELNET_SERVERS", "$HOME_NET" },
	{ "AIM_SERVERS", "$EXTERNAL_NET" },
	{ "DC_SERVERS", "$HOME_NET" },
	{ "DNP3_SERVER", "$HOME_NET" },
	{ "DNP3_CLIENT", "$HOME_NET" },
	{ "MODBUS_CLIENT", "$HOME_NET" },
	{ "MODBUS_SERVER", "$HOME_NET" },
	{ "ENIP_CLIENT", "$HOME_NET" },
	{ "ENIP_SERVER", "$HOME_NET" },
	{ "HTTP_PORTS", "80" },
	{ "SHELLCODE_PORTS", "!80" },
	{ "ORACLE_PORTS", "1521" },
	{ "SSH_PORTS", "22" },
	{ "DNP3_PORTS", "20000" },
	{ "MODBUS_PORTS", "502" },
	{ "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" },
	{ "FTP_PORTS", "21" },
	{ "GENEVE_PORTS", "6081" },
	{ "VXLAN_PORTS", "4789" },
	{ "TEREDO_PORTS", "3544" },
};

int snet_inspect_config_new(struct snet_inspect_config **out)
{
	if (!out)
		return -EINVAL;
	struct snet_inspect_config *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->reassembly_depth = 1 << 20;
	c->flow_memcap = 64ull << 20;
	c->flow_max = 65536;
	c->http_body_limit = 100 << 10;
	c->tcp_timeout = 600;
	c->tcp_closed_timeout = 10;
	c->udp_timeout = 60;
	c->cache_keep = 4;
	c->defrag_memcap = 16ull << 20;
	c->defrag_timeout = 60;	/* Suricata's */
	c->midstream = true;
	for (size_t i = 0; i < sizeof(default_vars) / sizeof(default_vars[0]); i++) {
		int rc = snet_inspect_config_set_var(c, default_vars[i][0],
						     default_vars[i][1]);
		if (rc) {
			snet_inspect_config_free(c);
			return rc;
		}
	}
	*out = c;
	return 0;
}

void snet_inspect_config_free(struct snet_inspect_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nvars; i++) {
		free(c->vars[i].name);
		free(c->vars[i].value);
	}
	free(c->vars);
	free(c->classification_file);
	free(c->threshold_file);
	free(c->cache_dir);
	free(c);
}

const char *config_var(const struct snet_inspect_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nvars; i++)
		if (!strcmp(cfg->vars[i].name, name))
			return cfg->vars[i].value;
	return NULL;
}

int snet_inspect_config_set_var(struct snet_inspect_config *c, const char *name,
				const char *value)
{
	if (!c || !name || !value || !*name)
		return -EINVAL;
	if (*name == '$')
		name++;
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return -EINVAL;
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->nvars; i++) {
		if (!strcmp(c->vars[i].name, name)) {
			free(c->vars[i].value);
			c->vars[i].value = v;
			return 0;
		}
	}
	struct var *nv = realloc(c->vars, (c->nvars + 1) * sizeof(*nv));
	if (!nv) {
		free(v);
		return -ENOMEM;
	}
	c->vars = nv;
	c->vars[c->nvars].name = strdup(name);
	if (!c->vars[c->nvars].name) {
		free(v);
		return -ENOMEM;
	}
	c->vars[c->nvars].value = v;
	c->nvars++;
	return 0;
}

/* sizes accept k/m/g suffixes (binary) */
static int parse_u64(const char *s, uint64_t *out, bool size)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	if (size && *end) {
		unsigned shift = 0;
		switch (*end | 0x20) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		default: return -EINVAL;
		}
		end++;
		if ((*end | 0x20) == 'b')
			end++;
		if (v > (UINT64_MAX >> shift))
			return -EINVAL;
		v <<= shift;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int config_parse_size(const char *s, uint64_t *out)
{
	return parse_u64(s, out, true);
}

static int set_str(char **dst, const char *v)
{
	char *d = strdup(v);
	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int snet_inspect_config_set(struct snet_inspect_config *c, const char *key,
			    const char *value)
{
	if (!c || !key || !value)
		return -EINVAL;
	uint64_t v;
	if (!strcmp(key, "classification-file"))
		return set_str(&c->classification_file, value);
	if (!strcmp(key, "cache-dir"))
		return set_str(&c->cache_dir, value);
	if (!strcmp(key, "threshold-file"))
		return set_str(&c->threshold_file, value);
	if (!strcmp(key, "midstream")) {
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcmp(value, "1"))
			c->midstream = true;
		else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") ||
			 !strcmp(value, "0"))
			c->midstream = false;
		else
			return -EINVAL;
		return 0;
	}
	static const struct {
		const char *key;
		size_t off;
		bool size, u32;
		uint64_t min;
	} nums[] = {
		{ "reassembly-depth", offsetof(struct snet_inspect_config, reassembly_depth), true, false, 0 },
		{ "flow-memcap", offsetof(struct snet_inspect_config, flow_memcap), true, false, 65536 },
		{ "flow-max", offsetof(struct snet_inspect_config, flow_max), false, false, 1 },
		{ "http-body-limit", offsetof(struct snet_inspect_config, http_body_limit), true, false, 0 },
		{ "tcp-timeout", offsetof(struct snet_inspect_config, tcp_timeout), false, true, 1 },
		{ "tcp-closed-timeout", offsetof(struct snet_inspect_config, tcp_closed_timeout), false, true, 0 },
		{ "udp-timeout", offsetof(struct snet_inspect_config, udp_timeout), false, true, 1 },
		{ "cache-keep", offsetof(struct snet_inspect_config, cache_keep), false, true, 1 },
		{ "defrag-memcap", offsetof(struct snet_inspect_config, defrag_memcap), true, false, 0 },
		{ "defrag-timeout", offsetof(struct snet_inspect_config, defrag_timeout), false, true, 1 },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (parse_u64(value, &v, nums[i].size) || v < nums[i].min)
			return -EINVAL;
		if (nums[i].u32) {
			if (v > UINT32_MAX)
				return -EINVAL;
			*(uint32_t *)((char *)c + nums[i].off) = (uint32_t)v;
		} else {
			*(uint64_t *)((char *)c + nums[i].off) = v;
		}
		return 0;
	}
	return -EINVAL;
}

struct ini_state {
	struct snet_inspect_config *c;
	const char *path;
	char *err;
	size_t errlen;
	int rc;
};

/* inih reports the line of the first handler error as its return value */
static int on_ini_entry(void *user, const char *section, const char *name,
			const char *value)
{
	struct ini_state *st = user;
	int rc;
	if (!strcmp(section, "vars"))
		rc = snet_inspect_config_set_var(st->c, name, value);
	else if (!strcmp(section, "engine"))
		rc = snet_inspect_config_set(st->c, name, value);
	else
		rc = -ENOENT;
	if (rc) {
		if (st->rc == 0 && st->err)
			snprintf(st->err, st->errlen, "%s '%s' in [%s]",
				 rc == -ENOENT ? "unknown section" :
				 "unknown key or bad value for", name, section);
		st->rc = -EINVAL;
		return 0;
	}
	return 1;
}

int snet_inspect_config_load(struct snet_inspect_config *c, const char *path,
			     char *err, size_t errlen)
{
	if (!c || !path)
		return -EINVAL;
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		if (err)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	struct ini_state st = { c, path, err, errlen, 0 };
	int line = ini_parse_file(f, on_ini_entry, &st);
	fclose(f);
	if (st.rc) {
		if (err) {
			char why[256];
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s:%d: %s", path, line, why);
		}
		return st.rc;
	}
	if (line > 0) {
		if (err)
			snprintf(err, errlen, "%s:%d: syntax error", path, line);
		return -EINVAL;
	}
	return 0;
}
