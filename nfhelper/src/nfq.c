// SPDX-License-Identifier: GPL-2.0-or-later
/* An NFQUEUE socket on libmnl: bind, configure, receive bursts, verdicts. */
#include "nfq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

/* A packet of NFQ_COPY_RANGE bytes plus its message and attributes. */
#define DATAGRAM_BYTES (NFQ_COPY_RANGE + 4096)

struct nfq_sock {
	struct mnl_socket *nl;
	int fd;
	uint16_t queue;
	bool bound;
	unsigned int burst;
	char *bufs;
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct nfq_out out;
	char out_buf[];
};

static size_t out_capacity(unsigned int burst)
{
	/* Every packet of a burst may need its own verdict, plus a batch. */
	return (size_t)(burst + 2) * NFQ_VERDICT_MAX_BYTES;
}

int nfq_sock_fd(const struct nfq_sock *q)
{
	return q->fd;
}

struct nfq_out *nfq_sock_out(struct nfq_sock *q)
{
	return &q->out;
}

/* Send the configuration requests in q->out and read their acks. */
static int request(struct nfq_sock *q)
{
	char buf[8192];
	unsigned int acks = 0, want = q->out.n;
	uint32_t portid = mnl_socket_get_portid(q->nl);
	int rc = 0;

	if (mnl_socket_sendto(q->nl, q->out.buf, q->out.len) < 0) {
		rc = -errno;
		goto out;
	}
	while (acks < want) {
		ssize_t n = mnl_socket_recvfrom(q->nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int left = (int)n;

		if (n < 0) {
			rc = -errno;
			break;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			struct nfq_pkt pkt;
			int err, kind = nfq_msg_parse(nlh, &pkt, &err);

			if (nlh->nlmsg_pid && nlh->nlmsg_pid != portid)
				continue;
			if (kind == NFQ_MSG_ERROR) {
				acks++;
				if (err && !rc)
					rc = err;
			}
			/* Packets cannot come yet: no verdict is possible
			 * before the queue is configured, so none is queued. */
		}
	}
out:
	nfq_out_reset(&q->out);
	return rc;
}

int nfq_sock_open(const struct nfq_sock_params *p, struct nfq_sock **out,
		  char *err, size_t errlen)
{
	size_t ocap = out_capacity(p->burst);
	struct timeval tv = { .tv_sec = 5 };
	struct nfq_sock *q;
	const char *step;
	int one = 1, rcv = (int)p->rcvbuf, rc;
	uint32_t flags;

	if (!p->burst) {
		snprintf(err, errlen, "queue %u: burst must be at least 1", p->queue);
		return -EINVAL;
	}
	q = calloc(1, sizeof(*q) + ocap);
	if (!q)
		return -ENOMEM;
	q->fd = -1;
	q->queue = p->queue;
	q->burst = p->burst;
	q->out.buf = q->out_buf;
	q->out.cap = ocap;
	q->bufs = malloc((size_t)p->burst * DATAGRAM_BYTES);
	q->msgs = calloc(p->burst, sizeof(*q->msgs));
	q->iov = calloc(p->burst, sizeof(*q->iov));
	if (!q->bufs || !q->msgs || !q->iov) {
		rc = -ENOMEM;
		step = "allocate receive buffers";
		goto fail;
	}
	for (unsigned int i = 0; i < p->burst; i++) {
		q->iov[i].iov_base = q->bufs + (size_t)i * DATAGRAM_BYTES;
		q->iov[i].iov_len = DATAGRAM_BYTES;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	step = "open a netfilter netlink socket";
	q->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!q->nl || mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail_errno;
	q->fd = mnl_socket_get_fd(q->nl);
	step = "set NETLINK_NO_ENOBUFS";
	if (mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one)) < 0)
		goto fail_errno;
	/* Past the rmem_max limit when we may (CAP_NET_ADMIN). */
	step = "size the receive buffer";
	if (setsockopt(q->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) &&
	    setsockopt(q->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)))
		goto fail_errno;
	/* The configuration answers come at once; never hang on them. */
	step = "set a receive timeout";
	if (setsockopt(q->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail_errno;

	step = "bind the queue (is another program reading it?)";
	rc = nfq_out_bind(&q->out, q->queue);
	if (!rc)
		rc = request(q);
	if (rc)
		goto fail;
	q->bound = true;
	/* Whole packets; GSO packets as they are (one verdict, no
	 * segmentation); the socket owner's uid/gid for the alerts. */
	flags = (p->gso ? NFQA_CFG_F_GSO : 0) | NFQA_CFG_F_UID_GID |
		(p->fail_open ? NFQA_CFG_F_FAIL_OPEN : 0);
	step = "configure the queue (copy range, length, flags)";
	rc = nfq_out_params(&q->out, q->queue, NFQ_COPY_RANGE, p->maxlen, flags,
			    NFQA_CFG_F_GSO | NFQA_CFG_F_UID_GID |
			    NFQA_CFG_F_FAIL_OPEN);
	if (!rc)
		rc = request(q);
	if (rc)
		goto fail;
	step = "make the socket non-blocking";
	if (fcntl(q->fd, F_SETFL, fcntl(q->fd, F_GETFL) | O_NONBLOCK))
		goto fail_errno;
	*out = q;
	return 0;
fail_errno:
	rc = errno ? -errno : -EIO;
fail:
	snprintf(err, errlen, "NFQUEUE %u: cannot %s: %s", p->queue, step,
		 strerror(-rc));
	nfq_sock_close(q);
	return rc;
}

void nfq_sock_close(struct nfq_sock *q)
{
	if (!q)
		return;
	if (q->bound) {
		int fl = fcntl(q->fd, F_GETFL);

		/* Blocking again for the acknowledgement. */
		if (fl >= 0)
			fcntl(q->fd, F_SETFL, fl & ~O_NONBLOCK);
		nfq_out_reset(&q->out);
		if (!nfq_out_unbind(&q->out, q->queue))
			request(q);
	}
	if (q->nl)
		mnl_socket_close(q->nl);
	free(q->bufs);
	free(q->msgs);
	free(q->iov);
	free(q);
}

int nfq_sock_recv(struct nfq_sock *q)
{
	int n;

	for (unsigned int i = 0; i < q->burst; i++)
		q->msgs[i].msg_len = 0;
	n = recvmmsg(q->fd, q->msgs, q->burst, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ?
		       0 : -errno;
	return n;
}

void nfq_sock_datagram(const struct nfq_sock *q, unsigned int i,
		       const void **buf, size_t *len)
{
	*buf = q->iov[i].iov_base;
	*len = q->msgs[i].msg_len;
}

int nfq_sock_flush(struct nfq_sock *q)
{
	int rc = 0;

	if (!q->out.len)
		return 0;
	while (mnl_socket_sendto(q->nl, q->out.buf, q->out.len) < 0) {
		if (errno == EINTR)
			continue;
		rc = -errno;
		break;
	}
	nfq_out_reset(&q->out);
	return rc;
}

uint32_t nfq_idtrack_note(struct nfq_idtrack *t, uint32_t id)
{
	uint32_t gap = 0;

	/* Unsigned arithmetic wraps with the kernel's counter; an id at
	 * or before the last one (a restarted sequence) is no loss. */
	if (t->started && (int32_t)(id - t->last) > 1)
		gap = id - t->last - 1;
	t->started = true;
	t->last = id;
	return gap;
}

int nfq_kstats_parse(const char *text, uint16_t queue, struct nfq_kstats *st)
{
	const char *line = text;

	while (line && *line) {
		unsigned int num, v[7], one;

		if (sscanf(line, "%u %u %u %u %u %u %u %u %u", &num, &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &one) == 9 &&
		    num == queue) {
			st->portid = v[0];
			st->waiting = v[1];
			st->copy_mode = v[2];
			st->copy_range = v[3];
			st->queue_dropped = v[4];
			st->user_dropped = v[5];
			st->id_sequence = v[6];
			return 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -ENOENT;
}

int nfq_kstats_read(uint16_t queue, struct nfq_kstats *st)
{
	char text[16384];
	size_t n;
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "re");

	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return nfq_kstats_parse(text, queue, st);
}
