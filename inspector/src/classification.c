// SPDX-License-Identifier: GPL-2.0-or-later
/* classification.config: "config classification: name,description,priority" */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int class_table_load(struct class_table *t, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	char line[1024];
	unsigned lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		static const char pfx[] = "config classification:";
		if (strncmp(s, pfx, sizeof(pfx) - 1)) {
			snprintf(err, errlen, "%s:%u: expected '%s'", path, lineno, pfx);
			rc = -EINVAL;
			break;
		}
		s += sizeof(pfx) - 1;
		char *c1 = strchr(s, ','), *c2 = c1 ? strrchr(c1 + 1, ',') : NULL;
		if (!c1 || !c2) {
			snprintf(err, errlen, "%s:%u: expected name,description,priority",
				 path, lineno);
			rc = -EINVAL;
			break;
		}
		*c1 = *c2 = 0;
		char *end;
		long prio = strtol(trim(c2 + 1), &end, 10);
		if (*end || prio < 0 || prio > 255) {
			snprintf(err, errlen, "%s:%u: bad priority", path, lineno);
			rc = -EINVAL;
			break;
		}
		struct classtype *v = realloc(t->v, (t->n + 1) * sizeof(*v));
		if (!v) {
			rc = -ENOMEM;
			break;
		}
		t->v = v;
		v[t->n].name = strdup(trim(s));
		v[t->n].desc = strdup(trim(c1 + 1));
		v[t->n].priority = (int)prio;
		t->n++;
		if (!v[t->n - 1].name || !v[t->n - 1].desc) {
			rc = -ENOMEM;
			break;
		}
	}
	fclose(f);
	return rc;
}

const struct classtype *class_table_find(const struct class_table *t,
					 const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

void class_table_free(struct class_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].desc);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
