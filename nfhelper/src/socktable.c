// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket table: hash by cookie, hash by packet label, age list for
 * eviction, rwlock.
 */
#include "socktable.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sock_node {
	struct sock_node *hnext;		/* hash chain by cookie */
	struct sock_node *lnext;		/* by label, if labelled */
	struct sock_node *older, *newer;	/* age list */
	struct sock_entry info;
	char *exe;				/* NULL if unknown */
};

struct sock_table {
	pthread_rwlock_t lock;
	struct sock_node **buckets;
	/*
	 * By label, most recently labelled first: a label is reused once its
	 * socket is gone, and the table may still hold the old one.  Every
	 * new flow of the inspection path asks by label.
	 */
	struct sock_node **lbuckets;
	size_t n_buckets;		/* power of two, for both */
	size_t count, max;
	uint64_t evictions;
	struct sock_node *oldest, *newest;
};

static size_t bucket_of(const struct sock_table *t, uint64_t cookie)
{
	/* Cookies and labels are sequential: mix so neighbours spread. */
	cookie ^= cookie >> 33;
	cookie *= 0xff51afd7ed558ccdULL;
	cookie ^= cookie >> 33;
	return (size_t)cookie & (t->n_buckets - 1);
}

static void label_link(struct sock_table *t, struct sock_node *n)
{
	struct sock_node **head = &t->lbuckets[bucket_of(t, n->info.label)];

	n->lnext = *head;
	*head = n;
}

static void label_unlink(struct sock_table *t, struct sock_node *n)
{
	struct sock_node **pp = &t->lbuckets[bucket_of(t, n->info.label)];

	while (*pp && *pp != n)
		pp = &(*pp)->lnext;
	if (*pp)
		*pp = n->lnext;
	n->lnext = NULL;
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
	t->lbuckets = calloc(t->n_buckets, sizeof(*t->lbuckets));
	if (!t->buckets || !t->lbuckets) {
		free(t->buckets);
		free(t->lbuckets);
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
	free(t->lbuckets);
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
	if (n->info.label)
		label_unlink(t, n);
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
	if (ev->label && ev->label != n->info.label) {
		if (n->info.label)
			label_unlink(t, n);
		n->info.label = ev->label;
		label_link(t, n);
	}
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
	for (n = t->lbuckets[bucket_of(t, label)]; n; n = n->lnext)
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
