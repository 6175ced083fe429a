// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket table: hash by cookie, age list for eviction, rwlock. */
#include "socktable.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sock_node {
	struct sock_node *hnext;		/* hash chain */
	struct sock_node *older, *newer;	/* age list */
	struct sock_entry info;
	char *exe;				/* NULL if unknown */
};

struct sock_table {
	pthread_rwlock_t lock;
	struct sock_node **buckets;
	size_t n_buckets;		/* power of two */
	size_t count, max;
	uint64_t evictions;
	struct sock_node *oldest, *newest;
};

static size_t bucket_of(const struct sock_table *t, uint64_t cookie)
{
	/* Cookies are sequential: mix them so neighbours spread. */
	cookie ^= cookie >> 33;
	cookie *= 0xff51afd7ed558ccdULL;
	cookie ^= cookie >> 33;
	return (size_t)cookie & (t->n_buckets - 1);
}

int sock_table_new(size_t max_entries, struct sock_table **out)
{
	struct sock_table *t = calloc(1, sizeof(*t));

	if (!t || max_entries == 0) {
		free(t);
		return t ? -EINVAL : -ENOMEM;
	}
	t->n_buckets = 16;
	while (t->n_buckets < max_entries)
		t->n_buckets *= 2;
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return -ENOMEM;
	}
	t->max = max_entries;
	pthread_rwlock_init(&t->lock, NULL);
	*out = t;
	return 0;
}

static void node_free(struct sock_node *n)
{
	free(n->exe);
	free(n);
}

void sock_table_free(struct sock_table *t)
{
	if (!t)
		return;
	for (struct sock_node *n = t->oldest, *next; n; n = next) {
		next = n->newer;
		node_free(n);
	}
	free(t->buckets);
	pthread_rwlock_destroy(&t->lock);
	free(t);
}

static struct sock_node **find_slot(struct sock_table *t, uint64_t cookie)
{
	struct sock_node **pp = &t->buckets[bucket_of(t, cookie)];

	while (*pp && (*pp)->info.cookie != cookie)
		pp = &(*pp)->hnext;
	return pp;
}

static void age_unlink(struct sock_table *t, struct sock_node *n)
{
	if (n->older)
		n->older->newer = n->newer;
	else
		t->oldest = n->newer;
	if (n->newer)
		n->newer->older = n->older;
	else
		t->newest = n->older;
	n->older = n->newer = NULL;
}

static void age_append(struct sock_table *t, struct sock_node *n)
{
	n->older = t->newest;
	n->newer = NULL;
	if (t->newest)
		t->newest->newer = n;
	else
		t->oldest = n;
	t->newest = n;
}

static void remove_node(struct sock_table *t, struct sock_node *n)
{
	struct sock_node **pp = find_slot(t, n->info.cookie);

	*pp = n->hnext;
	age_unlink(t, n);
	t->count--;
	node_free(n);
}

int sock_table_update(struct sock_table *t, const struct snet_event *ev,
		      uint64_t now_ms)
{
	struct sock_node **pp, *n;
	int rc = 0;

	if (!ev->cookie)
		return 0;
	pthread_rwlock_wrlock(&t->lock);
	pp = find_slot(t, ev->cookie);
	n = *pp;
	if (ev->syscall == SNET_SYSCALL_CLOSE) {
		if (n)
			remove_node(t, n);
		goto out;
	}
	if (!n) {
		if (t->count == t->max) {
			remove_node(t, t->oldest);
			t->evictions++;
			pp = find_slot(t, ev->cookie);
		}
		n = calloc(1, sizeof(*n));
		if (!n) {
			rc = -ENOMEM;
			goto out;
		}
		n->info.cookie = ev->cookie;
		n->info.first_seen_ms = now_ms;
		*pp = n;
		t->count++;
	} else {
		age_unlink(t, n);
	}
	age_append(t, n);
	/* The owner is who made the socket; later events may come from a
	 * task it was passed to, which is what the table should show. */
	n->info.pid = ev->pid;
	n->info.tgid = ev->tgid;
	n->info.uid = ev->uid;
	n->info.gid = ev->gid;
	memcpy(n->info.comm, ev->comm, sizeof(n->info.comm));
	n->info.comm[sizeof(n->info.comm) - 1] = '\0';
	if (ev->exe[0] && (!n->exe || strcmp(n->exe, ev->exe) != 0)) {
		char *exe = strndup(ev->exe, sizeof(ev->exe) - 1);

		if (exe) {
			free(n->exe);
			n->exe = exe;
		} else {
			rc = -ENOMEM;
		}
	}
	n->info.family = ev->family;
	n->info.protocol = ev->protocol;
	n->info.sock_type = ev->sock_type;
	n->info.netns = ev->netns;
	if (ev->label)
		n->info.label = ev->label;
	if (ev->has_local) {
		n->info.has_local = true;
		memcpy(n->info.local_addr, ev->local_addr, 16);
		n->info.local_port = ev->local_port;
	}
	if (ev->has_remote) {
		n->info.has_remote = true;
		memcpy(n->info.remote_addr, ev->remote_addr, 16);
		n->info.remote_port = ev->remote_port;
	}
	n->info.last_syscall = ev->syscall;
	n->info.last_seen_ms = now_ms;
out:
	pthread_rwlock_unlock(&t->lock);
	return rc;
}

static void copy_out(const struct sock_node *n, struct sock_info *out)
{
	size_t len = n->exe ? strnlen(n->exe, sizeof(out->exe) - 1) : 0;

	out->sock = n->info;
	if (len)
		memcpy(out->exe, n->exe, len);
	out->exe[len] = '\0';
}

bool sock_table_lookup(struct sock_table *t, uint64_t cookie,
		       struct sock_info *out)
{
	struct sock_node *n;

	pthread_rwlock_rdlock(&t->lock);
	n = *find_slot(t, cookie);
	if (n)
		copy_out(n, out);
	pthread_rwlock_unlock(&t->lock);
	return n != NULL;
}

bool sock_table_lookup_label(struct sock_table *t, uint32_t label,
			     struct sock_info *out)
{
	struct sock_node *n;

	if (!label)
		return false;
	pthread_rwlock_rdlock(&t->lock);
	/* Newest first: a label is reused only after its socket is gone. */
	for (n = t->newest; n; n = n->older)
		if (n->info.label == label)
			break;
	if (n)
		copy_out(n, out);
	pthread_rwlock_unlock(&t->lock);
	return n != NULL;
}

size_t sock_table_count(struct sock_table *t)
{
	size_t c;

	pthread_rwlock_rdlock(&t->lock);
	c = t->count;
	pthread_rwlock_unlock(&t->lock);
	return c;
}

uint64_t sock_table_evictions(struct sock_table *t)
{
	uint64_t e;

	pthread_rwlock_rdlock(&t->lock);
	e = t->evictions;
	pthread_rwlock_unlock(&t->lock);
	return e;
}

int sock_table_foreach(struct sock_table *t,
		       int (*cb)(const struct sock_info *s, void *arg), void *arg)
{
	struct sock_info *tmp = malloc(sizeof(*tmp));
	int rc = 0;

	if (!tmp)
		return -ENOMEM;
	pthread_rwlock_rdlock(&t->lock);
	for (struct sock_node *n = t->oldest; n && !rc; n = n->newer) {
		copy_out(n, tmp);
		rc = cb(tmp, arg);
	}
	pthread_rwlock_unlock(&t->lock);
	free(tmp);
	return rc;
}
