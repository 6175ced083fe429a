// SPDX-License-Identifier: GPL-2.0-or-later
/* snet-update: suricata-update's source index (libyaml) and the sources enabled from it. */
#include "sources.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "fetch.h"

/* index.yaml lines are short; a value this long is not meant for us */
#define INDEX_VALUE_MAX 4096
#define PARAM_VALUE_MAX 256

struct ictx {
	yaml_document_t *doc;
	const char *name;
	struct uerr *e;
};

static unsigned line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static int ifail(struct ictx *x, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ifail(struct ictx *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return uerr_set(x->e, -EINVAL, "%s:%u: %s", x->name, line_of(n), msg);
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

/* A plain empty, "~" or "null" scalar: the key is as good as absent. */
static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

/* YAML 1.1 booleans, as PyYAML (suricata-update) reads them. */
static int scalar_bool(const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "y" };
	static const char *const no[] = { "false", "no", "off", "n" };
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

/* A copy of a scalar; control bytes become spaces (they end up on terminals). */
static int scalar_dup(struct ictx *x, const yaml_node_t *n, const char *what, char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return ifail(x, n, "%s must be a string, not %s", what, node_kind(n));
	size_t len = n->data.scalar.length;
	if (len > INDEX_VALUE_MAX)
		return ifail(x, n, "%s is longer than %d bytes", what, INDEX_VALUE_MAX);
	if (memchr(n->data.scalar.value, 0, len))
		return ifail(x, n, "%s has a NUL byte", what);
	char *s = strndup((const char *)n->data.scalar.value, len);
	if (!s)
		return uerr_set(x->e, -ENOMEM, "out of memory");
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	free(*out);
	*out = s;
	return 0;
}

static yaml_node_t *node(struct ictx *x, int id)
{
	return yaml_document_get_node(x->doc, id);
}

static void source_free(struct index_source *s)
{
	free(s->name);
	free(s->summary);
	free(s->description);
	free(s->vendor);
	free(s->license);
	free(s->url);
	free(s->min_version);
	free(s->support_url);
	free(s->subscribe_url);
	free(s->deprecated);
	free(s->obsolete);
	for (size_t i = 0; i < s->nreplaces; i++)
		free(s->replaces[i]);
	free(s->replaces);
	for (size_t i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		free(s->params[i].prompt);
	}
	free(s->params);
	memset(s, 0, sizeof(*s));
}

void index_free(struct source_index *ix)
{
	for (size_t i = 0; i < ix->nsources; i++)
		source_free(&ix->sources[i]);
	free(ix->sources);
	memset(ix, 0, sizeof(*ix));
}

static int parse_params(struct ictx *x, struct index_source *s, const yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE)
		return ifail(x, m, "source '%s': parameters must be a mapping, not %s", s->name,
			     node_kind(m));
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		char *pname = NULL;
		int rc;
		if (!k || !v)
			return ifail(x, m, "source '%s': a broken parameters mapping", s->name);
		if ((rc = scalar_dup(x, k, "a parameter name", &pname)))
			return rc;
		for (size_t i = 0; i < s->nparams; i++) {
			if (!strcmp(s->params[i].name, pname)) {
				free(pname);
				return ifail(x, k, "source '%s': parameter '%s' is given twice",
					     s->name, s->params[i].name);
			}
		}
		/* a name that cannot be given as NAME=VALUE is of no use */
		if (!*pname || strpbrk(pname, "= ")) {
			rc = ifail(x, k, "source '%s': '%s' is not a parameter name", s->name, pname);
			free(pname);
			return rc;
		}
		if (s->nparams == INDEX_MAX_PARAMS) {
			free(pname);
			return ifail(x, k, "source '%s': more than %d parameters", s->name,
				     INDEX_MAX_PARAMS);
		}
		struct index_param *np = realloc(s->params, (s->nparams + 1) * sizeof(*np));
		if (!np) {
			free(pname);
			return uerr_set(x->e, -ENOMEM, "out of memory");
		}
		s->params = np;
		struct index_param *ip = &s->params[s->nparams++];
		ip->name = pname;
		ip->prompt = NULL;
		if (is_null(v))
			continue;
		if (v->type != YAML_MAPPING_NODE)
			return ifail(x, v, "source '%s': parameter '%s' must be a mapping (with "
				     "a prompt), not %s", s->name, pname, node_kind(v));
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *qk = node(x, q->key), *qv = node(x, q->value);
			if (!qk || !qv)
				return ifail(x, v, "source '%s': a broken parameter", s->name);
			if (qk->type == YAML_SCALAR_NODE &&
			    !strcmp((const char *)qk->data.scalar.value, "prompt") && !is_null(qv) &&
			    (rc = scalar_dup(x, qv, "prompt", &ip->prompt)))
				return rc;
		}
	}
	return 0;
}

static int parse_replaces(struct ictx *x, struct index_source *s, const yaml_node_t *v)
{
	yaml_node_item_t one = 0, *start = &one, *top = &one;
	int rc;

	if (v->type == YAML_SCALAR_NODE) {
		one = (yaml_node_item_t)(v - x->doc->nodes.start) + 1;
		top = start + 1;
	} else if (v->type == YAML_SEQUENCE_NODE) {
		start = v->data.sequence.items.start;
		top = v->data.sequence.items.top;
	} else {
		return ifail(x, v, "source '%s': replaces must be a list of names, not %s",
			     s->name, node_kind(v));
	}
	for (yaml_node_item_t *i = start; i < top; i++) {
		yaml_node_t *n = node(x, *i);
		if (!n || s->nreplaces == INDEX_MAX_SOURCES)
			return ifail(x, v, "source '%s': a bad replaces list", s->name);
		char **nr = realloc(s->replaces, (s->nreplaces + 1) * sizeof(*nr));
		if (!nr)
			return uerr_set(x->e, -ENOMEM, "out of memory");
		s->replaces = nr;
		s->replaces[s->nreplaces] = NULL;
		if ((rc = scalar_dup(x, n, "a replaced source", &s->replaces[s->nreplaces])))
			return rc;
		s->nreplaces++;
	}
	return 0;
}

/* deprecated/obsolete: a reason (the real index), or a boolean */
static int parse_flag(struct ictx *x, struct index_source *s, const yaml_node_t *v,
		      const char *what, char **out)
{
	bool b;

	if (is_null(v))
		return 0;
	if (!scalar_bool(v, &b)) {
		free(*out);
		*out = b ? strdup("") : NULL;
		return b && !*out ? uerr_set(x->e, -ENOMEM, "out of memory") : 0;
	}
	char k[64];
	snprintf(k, sizeof(k), "source '%.20s': %s", s->name, what);
	return scalar_dup(x, v, k, out);
}

static int parse_source(struct ictx *x, struct index_source *s, const yaml_node_t *m)
{
	static const struct { const char *key; size_t off; } strs[] = {
		{ "summary", offsetof(struct index_source, summary) },
		{ "description", offsetof(struct index_source, description) },
		{ "vendor", offsetof(struct index_source, vendor) },
		{ "license", offsetof(struct index_source, license) },
		{ "url", offsetof(struct index_source, url) },
		{ "min-version", offsetof(struct index_source, min_version) },
		{ "support-url", offsetof(struct index_source, support_url) },
		{ "subscribe-url", offsetof(struct index_source, subscribe_url) },
	};
	int rc;

	s->checksum = true;
	if (m->type != YAML_MAPPING_NODE)
		return ifail(x, m, "source '%s' must be a mapping (url, summary, ...), not %s",
			     s->name, node_kind(m));
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		if (!k || !v)
			return ifail(x, m, "source '%s': a broken mapping", s->name);
		if (k->type != YAML_SCALAR_NODE)
			return ifail(x, k, "source '%s': a key must be a string, not %s", s->name,
				     node_kind(k));
		const char *key = (const char *)k->data.scalar.value;
		bool done = false;
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]) && !done; i++) {
			if (strcmp(key, strs[i].key))
				continue;
			done = true;
			char what[128];
			snprintf(what, sizeof(what), "source '%.40s': %s", s->name, key);
			if (!is_null(v) && (rc = scalar_dup(x, v, what, (char **)((char *)s + strs[i].off))))
				return rc;
		}
		if (done)
			continue;
		if (!strcmp(key, "checksum")) {
			if (!is_null(v) && scalar_bool(v, &s->checksum))
				return ifail(x, v, "source '%s': checksum must be true or false",
					     s->name);
		} else if (!strcmp(key, "deprecated")) {
			if ((rc = parse_flag(x, s, v, key, &s->deprecated)))
				return rc;
		} else if (!strcmp(key, "obsolete")) {
			if ((rc = parse_flag(x, s, v, key, &s->obsolete)))
				return rc;
		} else if (!strcmp(key, "replaces")) {
			if (!is_null(v) && (rc = parse_replaces(x, s, v)))
				return rc;
		} else if (!strcmp(key, "parameters")) {
			if (!is_null(v) && (rc = parse_params(x, s, v)))
				return rc;
		}
		/* any other key: the index grows; not ours to refuse */
	}
	if (!s->url)
		return ifail(x, m, "source '%s' has no url", s->name);
	return 0;
}

static int parse_sources(struct ictx *x, struct source_index *ix, const yaml_node_t *m)
{
	int rc;

	if (m->type != YAML_MAPPING_NODE)
		return ifail(x, m, "sources must be a mapping of source names, not %s",
			     node_kind(m));
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		char *name = NULL;
		if (!k || !v)
			return ifail(x, m, "a broken sources mapping");
		if ((rc = scalar_dup(x, k, "a source name", &name)))
			return rc;
		const struct index_source *dup = index_find(ix, name);
		if (dup || !*name || ix->nsources == INDEX_MAX_SOURCES) {
			if (!*name)
				rc = ifail(x, k, "an empty source name");
			else if (dup)
				rc = ifail(x, k, "source '%s' is given twice (also at line %u)",
					   name, dup->line);
			else
				rc = ifail(x, k, "more than %d sources", INDEX_MAX_SOURCES);
			free(name);
			return rc;
		}
		struct index_source *ns = realloc(ix->sources, (ix->nsources + 1) * sizeof(*ns));
		if (!ns) {
			free(name);
			return uerr_set(x->e, -ENOMEM, "out of memory");
		}
		ix->sources = ns;
		struct index_source *s = &ix->sources[ix->nsources++];
		memset(s, 0, sizeof(*s));
		s->name = name;
		s->line = line_of(k);
		if ((rc = parse_source(x, s, v)))
			return rc;
	}
	return 0;
}

static int parse_root(struct ictx *x, struct source_index *ix, const yaml_node_t *root)
{
	const yaml_node_t *sources = NULL;

	if (root->type != YAML_MAPPING_NODE)
		return ifail(x, root, "the index must be a mapping with version and sources, not %s",
			     node_kind(root));
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		if (!k || !v)
			return ifail(x, root, "a broken mapping");
		if (k->type != YAML_SCALAR_NODE)
			continue;
		const char *key = (const char *)k->data.scalar.value;
		if (!strcmp(key, "version")) {
			const char *s = (const char *)v->data.scalar.value;
			char *end;
			unsigned long n = 0;
			if (v->type == YAML_SCALAR_NODE && *s >= '1' && *s <= '9') {
				errno = 0;
				n = strtoul(s, &end, 10);
				if (errno || *end || n > 1000)
					n = 0;
			}
			if (!n)
				return ifail(x, v, "version must be a number from 1 to 1000");
			ix->version = (unsigned)n;
		} else if (!strcmp(key, "sources")) {
			sources = v;
		}
	}
	if (!sources)
		return ifail(x, root, "no 'sources' mapping: not a source index");
	return parse_sources(x, ix, sources);
}

int index_parse(struct source_index *ix, const char *name, const char *text, size_t len,
		struct uerr *e)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc;

	memset(ix, 0, sizeof(*ix));
	if (len > INDEX_MAX_BYTES)
		return uerr_set(e, -EFBIG, "%s: larger than %u bytes: not a source index", name,
				INDEX_MAX_BYTES);
	if (!yaml_parser_initialize(&parser))
		return uerr_set(e, -ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		/* where it went wrong, and where what it was reading began */
		char ctx[256] = "";
		if (parser.context)
			snprintf(ctx, sizeof(ctx), " %s that starts at line %zu", parser.context,
				 parser.context_mark.line + 1);
		rc = uerr_set(e, parser.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL,
			      "%s:%zu: not valid YAML: %s%s", name, parser.problem_mark.line + 1,
			      parser.problem ? parser.problem : "unknown error", ctx);
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	struct ictx x = { .doc = &doc, .name = name, .e = e };
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root)
		rc = uerr_set(e, -EINVAL, "%s: empty: not a source index", name);
	else
		rc = parse_root(&x, ix, root);
	yaml_document_delete(&doc);
	if (rc)
		index_free(ix);
	return rc;
}

int index_load(struct source_index *ix, const char *path, struct uerr *e)
{
	char *text;
	size_t len;
	int rc;

	memset(ix, 0, sizeof(*ix));
	if ((rc = read_file_limit(path, INDEX_MAX_BYTES, &text, &len, e)))
		return rc;
	rc = index_parse(ix, path, text, len, e);
	free(text);
	return rc;
}

const struct index_source *index_find(const struct source_index *ix, const char *name)
{
	for (size_t i = 0; i < ix->nsources; i++)
		if (!strcmp(ix->sources[i].name, name))
			return &ix->sources[i];
	return NULL;
}

int source_safe_name(const char *name, char *out, size_t outlen, struct uerr *e)
{
	size_t n = strlen(name);

	if (!n || n >= SOURCE_NAME_MAX || n >= outlen)
		return uerr_set(e, -EINVAL, "source name '%s': must be 1 to %d characters", name,
				SOURCE_NAME_MAX - 1);
	/* '/' becomes '-'; a name that starts with '.' or '/', or has "..",
	 * could name a file outside the sources directory */
	if (name[0] == '.' || name[0] == '/' || strstr(name, "..") || strstr(name, "//") ||
	    name[n - 1] == '/')
		return uerr_set(e, -EINVAL, "source name '%s': refused (it could name a file "
				"outside the sources directory)", name);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '/'))
			return uerr_set(e, -EINVAL, "source name '%s': only letters, digits, '-', "
					"'_', '.' and '/' are allowed", name);
		out[i] = c == '/' ? '-' : c;
	}
	out[n] = 0;
	return 0;
}

static const char *param_value(const char *name, char *const *params, size_t nparams)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < nparams; i++)
		if (!strncmp(params[i], name, nl) && params[i][nl] == '=')
			return params[i] + nl + 1;
	return NULL;
}

int index_source_url(const struct index_source *s, const char *version,
		     char *const *params, size_t nparams, char **url, struct uerr *e)
{
	struct buf b = { 0 };
	int rc = 0;

	*url = NULL;
	for (size_t i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		if (!eq || eq == params[i])
			return uerr_set(e, -EINVAL, "'%s' is not PARAMETER=VALUE", params[i]);
		bool known = false;
		for (size_t k = 0; k < s->nparams && !known; k++)
			known = strlen(s->params[k].name) == (size_t)(eq - params[i]) &&
				!strncmp(s->params[k].name, params[i], (size_t)(eq - params[i]));
		if (!known)
			return uerr_set(e, -EINVAL, "source %s has no parameter '%.*s'%s%s", s->name,
					(int)(eq - params[i]), params[i],
					s->nparams ? "; it has: " : " (it takes none)",
					s->nparams ? s->params[0].name : "");
		for (size_t j = 0; j < i; j++)
			if (!strncmp(params[j], params[i], (size_t)(eq - params[i]) + 1))
				return uerr_set(e, -EINVAL, "parameter '%.*s' is given twice",
						(int)(eq - params[i]), params[i]);
		/* the value goes into a URL and an INI line: keep it to URL-safe bytes */
		const char *v = eq + 1;
		size_t vl = strlen(v);
		if (!vl || vl > PARAM_VALUE_MAX || strspn(v, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") != vl)
			return uerr_set(e, -EINVAL, "parameter '%.*s': the value must be 1 to %d "
					"letters, digits, '-', '.', '_' or '~'",
					(int)(eq - params[i]), params[i], PARAM_VALUE_MAX);
	}
	for (size_t k = 0; k < s->nparams; k++)
		if (!param_value(s->params[k].name, params, nparams))
			return uerr_set(e, -EINVAL, "source %s needs parameter '%s' (%s): give "
					"%s=VALUE", s->name, s->params[k].name,
					s->params[k].prompt ? s->params[k].prompt : "no prompt",
					s->params[k].name);
	for (const char *p = s->url; *p && !rc;) {
		const char *ph = strstr(p, "%(");
		if (!ph) {
			rc = buf_puts(&b, p);
			break;
		}
		const char *end = strstr(ph, ")s");
		if ((rc = buf_append(&b, p, (size_t)(ph - p))))
			break;
		if (!end) {
			rc = uerr_set(e, -EINVAL, "source %s: the index's url '%s' has an unclosed "
				      "%%( placeholder", s->name, s->url);
			break;
		}
		char pname[128];
		size_t pl = (size_t)(end - ph - 2);
		if (pl >= sizeof(pname)) {
			rc = uerr_set(e, -EINVAL, "source %s: a placeholder in the index's url is "
				      "too long", s->name);
			break;
		}
		memcpy(pname, ph + 2, pl);
		pname[pl] = 0;
		const char *v = !strcmp(pname, "__version__") ? version :
				param_value(pname, params, nparams);
		if (!v) {
			rc = uerr_set(e, -EINVAL, "source %s: the index's url uses %%(%s)s, which is "
				      "not one of its parameters", s->name, pname);
			break;
		}
		rc = buf_puts(&b, v);
		p = end + 2;
	}
	if (!rc && buf_terminate(&b))
		rc = -ENOMEM;
	if (rc) {
		if (rc == -ENOMEM)
			uerr_set(e, rc, "out of memory");
		buf_free(&b);
		return rc;
	}
	*url = b.data;
	return 0;
}

/* ---- the commands ---- */

static int source_path(const struct update_config *c, const char *name, const char *ext,
		       char *safe, char *path, struct uerr *e)
{
	int rc = source_safe_name(name, safe, SOURCE_NAME_MAX, e);

	if (rc)
		return rc;
	if (snprintf(path, PATH_MAX, "%s/%s%s", c->sources_dir, safe, ext) >= PATH_MAX)
		return uerr_set(e, -ENAMETOOLONG, "%s: path too long", c->sources_dir);
	return 0;
}

int sources_update_index(const struct update_config *c, bool quiet, struct uerr *e)
{
	struct fetch_opts fo = {
		.connect_timeout = (long)c->connect_timeout, .timeout = (long)c->timeout,
		.stall_timeout = (long)c->stall_timeout,
		.max_download = c->max_download < INDEX_MAX_BYTES ? c->max_download : INDEX_MAX_BYTES,
		.user_agent = c->user_agent, .ca_file = c->ca_file,
		.proxy = c->proxy, .no_proxy = c->no_proxy,
	};
	struct cached cc;
	struct source_index ix;
	char *text;
	size_t len;
	int rc;

	if ((rc = mkdir_p(c->cache_dir, 0755, e)))
		return uerr_prefix(e, rc, "cache-dir");
	/* no validators: the index is small, and a new copy is always checked */
	memset(&cc, 0, sizeof(cc));
	if (snprintf(cc.path, sizeof(cc.path), "%s/%s", c->cache_dir, INDEX_FILE) >= PATH_MAX ||
	    snprintf(cc.part, sizeof(cc.part), "%s.part", cc.path) >= PATH_MAX ||
	    snprintf(cc.meta, sizeof(cc.meta), "%s.meta", cc.path) >= PATH_MAX)
		return uerr_set(e, -ENAMETOOLONG, "%s: path too long", c->cache_dir);
	if ((rc = fetch_url(&fo, c->index_url, &cc, e)))
		goto out;
	if (!cc.fresh) {
		rc = uerr_set(e, -EPROTO, "%s: no new copy was sent", c->index_url);
		goto out;
	}
	if ((rc = read_file_limit(cc.part, INDEX_MAX_BYTES, &text, &len, e)))
		goto out;
	rc = index_parse(&ix, c->index_url, text, len, e);
	free(text);
	if (rc)
		goto out;
	size_t n = ix.nsources;
	index_free(&ix);
	if ((rc = cache_commit(&cc, c->index_url, e)))
		goto out;
	if (!quiet)
		printf("source index: %zu sources from %s, in %s\n", n, c->index_url, cc.path);
out:
	cache_close(&cc);
	return rc;
}

static int load_cached_index(const struct update_config *c, struct source_index *ix,
			     struct uerr *e)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", c->cache_dir, INDEX_FILE);
	if (!path_exists(path))
		return uerr_set(e, -ENOENT, "%s: no source index yet: run 'snet-update "
				"update-sources' first", path);
	return index_load(ix, path, e);
}

/* "enabled", "disabled" (a .conf.disabled is kept) or NULL */
static const char *source_state(const struct update_config *c, const char *name)
{
	char safe[SOURCE_NAME_MAX], path[PATH_MAX];
	struct uerr ignored;

	if (source_path(c, name, ".conf", safe, path, &ignored))
		return NULL;
	if (path_exists(path))
		return "enabled";
	strncat(path, ".disabled", sizeof(path) - strlen(path) - 1);
	return path_exists(path) ? "disabled" : NULL;
}

int sources_list(const struct update_config *c, bool enabled_only, FILE *out, struct uerr *e)
{
	struct source_index ix;
	int rc = load_cached_index(c, &ix, e);

	if (rc)
		return rc;
	for (size_t i = 0; i < ix.nsources; i++) {
		const struct index_source *s = &ix.sources[i];
		const char *st = source_state(c, s->name);
		if (enabled_only && (!st || strcmp(st, "enabled")))
			continue;
		fprintf(out, "%s: %s%s%s%s\n", s->name, s->summary ? s->summary : "(no summary)",
			st ? " [" : "", st ? st : "", st ? "]" : "");
		fprintf(out, "  vendor: %s; license: %s\n", s->vendor ? s->vendor : "-",
			s->license ? s->license : "-");
		for (size_t k = 0; k < s->nparams; k++)
			fprintf(out, "  parameter: %s (%s)\n", s->params[k].name,
				s->params[k].prompt ? s->params[k].prompt : "no prompt");
		if (s->min_version)
			fprintf(out, "  min-version: %s\n", s->min_version);
		for (size_t k = 0; k < s->nreplaces; k++)
			fprintf(out, "  replaces: %s\n", s->replaces[k]);
		if (s->obsolete)
			fprintf(out, "  OBSOLETE%s%s\n", *s->obsolete ? ": " : "", s->obsolete);
		if (s->deprecated)
			fprintf(out, "  DEPRECATED%s%s\n", *s->deprecated ? ": " : "", s->deprecated);
	}
	index_free(&ix);
	return 0;
}

#define VERSION_PARTS 4

/* "7.0.3" -> {7, 0, 3, 0}; digits and single dots only, at most 4 parts */
static int version_parse(const char *v, unsigned long part[VERSION_PARTS])
{
	size_t n = 0;

	memset(part, 0, VERSION_PARTS * sizeof(part[0]));
	for (;;) {
		const char *start = v;

		if (n == VERSION_PARTS)
			return -EINVAL;
		for (; *v >= '0' && *v <= '9'; v++)
			if ((part[n] = part[n] * 10 + (unsigned long)(*v - '0')) > 1000000)
				return -EINVAL;
		if (v == start)
			return -EINVAL;
		n++;
		if (!*v)
			return 0;
		if (*v++ != '.')
			return -EINVAL;
	}
}

/*
 * Compares dotted versions ("7.0" and "7.0.0" are equal) into *cmp.
 * -EINVAL when one is not a version: a min-version we cannot read must
 * not pass as met.
 */
int version_compare(const char *v, const char *w, int *cmp)
{
	unsigned long a[VERSION_PARTS], b[VERSION_PARTS];

	if (version_parse(v, a) || version_parse(w, b))
		return -EINVAL;
	*cmp = 0;
	for (size_t i = 0; i < VERSION_PARTS && !*cmp; i++)
		*cmp = a[i] < b[i] ? -1 : a[i] > b[i];
	return 0;
}

/* The index's min-version against [update] suricata-version. */
static int min_version_ok(const struct update_config *c, const struct index_source *s,
			  struct uerr *e)
{
	int cmp;

	if (!s->min_version)
		return 0;
	if (version_compare(s->min_version, c->suricata_version, &cmp))
		return uerr_set(e, -EINVAL, "source %s: the index's min-version '%s' is not a "
				"version; refused", s->name, s->min_version);
	if (cmp > 0)
		return uerr_set(e, -EINVAL, "source %s needs Suricata %s or later (the index's "
				"min-version), but [update] suricata-version is %s; refused",
				s->name, s->min_version, c->suricata_version);
	return 0;
}

/*
 * suricata-update's "replaces": enabling s disables the sources it
 * replaces.  They are kept as .disabled (enable-source brings one back),
 * not deleted: their parameters may be access codes.
 */
static int disable_replaced(const struct update_config *c, const struct index_source *s,
			    FILE *out, struct uerr *e)
{
	for (size_t i = 0; i < s->nreplaces; i++) {
		char safe[SOURCE_NAME_MAX], path[PATH_MAX], to[PATH_MAX + 16];
		struct uerr ignored;

		/* a replaced name that is not a source name cannot be enabled */
		if (!strcmp(s->replaces[i], s->name) ||
		    source_path(c, s->replaces[i], ".conf", safe, path, &ignored) ||
		    !path_exists(path))
			continue;
		snprintf(to, sizeof(to), "%s.disabled", path);
		if (rename(path, to))
			return uerr_set(e, -errno, "%s: cannot rename to %s: %s", path, to,
					strerror(errno));
		fprintf(out, "disabled %s: %s replaces it; kept as %s\n", s->replaces[i], s->name,
			to);
	}
	return 0;
}

/* Enabled sources that replace s: both would fetch what one should. */
static void note_replacing(const struct update_config *c, const struct source_index *ix,
			   const char *name, FILE *out)
{
	for (size_t i = 0; i < ix->nsources; i++) {
		const struct index_source *r = &ix->sources[i];
		const char *st;

		for (size_t k = 0; k < r->nreplaces; k++)
			if (!strcmp(r->replaces[k], name) && strcmp(r->name, name) &&
			    (st = source_state(c, r->name)) && !strcmp(st, "enabled"))
				fprintf(out, "note: the enabled source %s replaces %s; "
					"'snet-update disable-source %s' if %s is to be used "
					"instead\n", r->name, name, r->name, name);
	}
}

int sources_enable(const struct update_config *c, const char *name, char *const *params,
		   size_t nparams, FILE *out, struct uerr *e)
{
	char safe[SOURCE_NAME_MAX], path[PATH_MAX], summary[128];
	struct source_index ix;
	struct update_config tc;
	struct buf text = { 0 };
	char *url = NULL;
	int rc = load_cached_index(c, &ix, e);

	if (rc)
		return rc;
	const struct index_source *s = index_find(&ix, name);
	if (!s) {
		rc = uerr_set(e, -ENOENT, "source '%s' is not in the source index (%s/%s); "
			      "'snet-update list-sources' lists them", name, c->cache_dir, INDEX_FILE);
		goto out;
	}
	if (s->obsolete) {
		rc = uerr_set(e, -EINVAL, "source %s is obsolete in the index%s%s%s; refused", name,
			      *s->obsolete ? " (" : "", s->obsolete, *s->obsolete ? ")" : "");
		goto out;
	}
	if ((rc = min_version_ok(c, s, e)))
		goto out;
	if ((rc = source_path(c, name, ".conf", safe, path, e)) ||
	    (rc = index_source_url(s, c->suricata_version, params, nparams, &url, e)))
		goto out;
	if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7) && strncmp(url, "file:///", 8)) {
		rc = uerr_set(e, -EINVAL, "source %s: its url '%s' is not https://, http:// or "
			      "file:///", name, url);
		goto out;
	}
	/* the summary goes into a comment line: bounded, like every INI line */
	snprintf(summary, sizeof(summary), "%s", s->summary ? s->summary : "");
	if (buf_printf(&text, "# Source %s of the source index: %s\n"
		       "# Written by \"snet-update enable-source\"; run it again to change it,\n"
		       "# disable-source or remove-source to stop using it.\n"
		       "[source %s]\nurl = %s\nchecksum = %s\n", name, summary, safe, url,
		       s->checksum ? "md5" : "none")) {
		rc = uerr_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	/* parameters are access codes: never shown in messages or MANIFEST */
	for (size_t i = 0; i < nparams; i++) {
		const char *v = strchr(params[i], '=');
		if (v && strlen(v + 1) >= 4 && strstr(url, v + 1) &&
		    buf_printf(&text, "secret = %s\n", v + 1)) {
			rc = uerr_set(e, -ENOMEM, "out of memory");
			goto out;
		}
	}
	/* what the update will read must pass the same checks now */
	if ((rc = config_defaults(&tc))) {
		uerr_set(e, rc, "out of memory");
		goto out;
	}
	rc = config_parse_sources(&tc, path, text.data, e);
	config_free(&tc);
	if (rc) {
		uerr_prefix(e, rc, "source %s cannot be used", name);
		goto out;
	}
	if ((rc = mkdir_p(c->sources_dir, 0755, e))) {
		uerr_prefix(e, rc, "sources-dir");
		goto out;
	}
	/* a parameter is usually a secret code */
	if ((rc = write_file_atomic(path, text.data, text.len, nparams ? 0600 : 0644, e)))
		goto out;
	char old[PATH_MAX + 16];
	snprintf(old, sizeof(old), "%s.disabled", path);
	if (unlink(old) && errno != ENOENT) {
		rc = uerr_set(e, -errno, "%s: cannot remove: %s", old, strerror(errno));
		goto out;
	}
	fprintf(out, "enabled %s: %s ([source %s]); the next update fetches it\n", name, path,
		safe);
	if ((rc = disable_replaced(c, s, out, e)))
		goto out;
	note_replacing(c, &ix, name, out);
	if (s->deprecated)
		fprintf(out, "note: source %s is deprecated%s%s\n", name,
			*s->deprecated ? ": " : "", s->deprecated);
out:
	free(url);
	buf_free(&text);
	index_free(&ix);
	return rc;
}

static int enabled_path(const struct update_config *c, const char *name, char *path,
			struct uerr *e)
{
	char safe[SOURCE_NAME_MAX];
	int rc = source_path(c, name, ".conf", safe, path, e);

	if (rc)
		return rc;
	if (!path_exists(path))
		return uerr_set(e, -ENOENT, "source %s is not enabled (no %s)", name, path);
	return 0;
}

int sources_disable(const struct update_config *c, const char *name, FILE *out,
		    struct uerr *e)
{
	char path[PATH_MAX], to[PATH_MAX + 16];
	int rc = enabled_path(c, name, path, e);

	if (rc)
		return rc;
	snprintf(to, sizeof(to), "%s.disabled", path);
	if (rename(path, to))
		return uerr_set(e, -errno, "%s: cannot rename to %s: %s", path, to, strerror(errno));
	fprintf(out, "disabled %s: kept as %s; enable-source %s writes it again\n", name, to, name);
	return 0;
}

int sources_remove(const struct update_config *c, const char *name, FILE *out,
		   struct uerr *e)
{
	char path[PATH_MAX] = "", dis[PATH_MAX + 16];
	int rc = enabled_path(c, name, path, e);

	snprintf(dis, sizeof(dis), "%s.disabled", path);
	/* a disabled source can be removed too */
	if (rc == -ENOENT && path_exists(dis))
		rc = 0;
	if (rc)
		return rc;
	for (int i = 0; i < 2; i++) {
		const char *p = i ? dis : path;
		if (unlink(p) && errno != ENOENT)
			return uerr_set(e, -errno, "%s: cannot remove: %s", p, strerror(errno));
	}
	fprintf(out, "removed %s (%s)\n", name, path);
	return 0;
}
