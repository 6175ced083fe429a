/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One NFQUEUE queue: a netlink socket (libmnl) bound to it, configured to
 * copy whole packets (GSO packets unsegmented, or segmented by the kernel
 * on a queue without NFQA_CFG_F_GSO), with the configured queue
 * length and fail-open, NETLINK_NO_ENOBUFS (a full receive buffer loses
 * packets instead of failing the socket; the loss shows as a gap in the
 * packet ids and in the kernel's counters), and a batch of receive
 * buffers for recvmmsg().  Used by one thread.
 */
#ifndef SNETD_NFQ_H
#define SNETD_NFQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfq_msg.h"

/* The largest packet the kernel copies (NFQNL_MAX_COPY_RANGE): a whole
 * IPv4 packet, or a GSO super-packet, for the inspector. */
#define NFQ_COPY_RANGE 0xffff

struct nfq_sock_params {
	uint16_t queue;
	uint32_t maxlen;	/* packets waiting in the kernel */
	bool fail_open;		/* queue full: accept instead of drop */
	uint32_t rcvbuf;	/* bytes */
	unsigned int burst;	/* datagrams per receive */
	bool gso;		/* NFQA_CFG_F_GSO: GSO packets come whole */
};

struct nfq_sock;

int nfq_sock_open(const struct nfq_sock_params *p, struct nfq_sock **out,
		  char *err, size_t errlen);
/* Unbind (the kernel drops what is still queued to us) and close. */
void nfq_sock_close(struct nfq_sock *q);
int nfq_sock_fd(const struct nfq_sock *q);

/*
 * Read what is waiting, up to the burst, without blocking: the number of
 * datagrams (0: none), or a negative errno.  nfq_sock_datagram() gives
 * each; they stay valid until the next receive.
 */
int nfq_sock_recv(struct nfq_sock *q);
void nfq_sock_datagram(const struct nfq_sock *q, unsigned int i,
		       const void **buf, size_t *len);
/* The verdict buffer of this socket; nfq_sock_flush() sends and empties it. */
struct nfq_out *nfq_sock_out(struct nfq_sock *q);
int nfq_sock_flush(struct nfq_sock *q);

/* Packet ids are consecutive per queue; a gap is packets we never got. */
struct nfq_idtrack {
	bool started;
	uint32_t last;
};
/* The number of ids skipped before @id. */
uint32_t nfq_idtrack_note(struct nfq_idtrack *t, uint32_t id);

/* The kernel's view of a queue (/proc/net/netfilter/nfnetlink_queue). */
struct nfq_kstats {
	uint32_t portid, waiting, copy_mode, copy_range;
	uint32_t queue_dropped;	/* queue full, not fail-open */
	uint32_t user_dropped;	/* receive buffer full, not fail-open */
	uint32_t id_sequence;
};
/* Find @queue in the text of that file: 0, or -ENOENT. */
int nfq_kstats_parse(const char *text, uint16_t queue, struct nfq_kstats *st);
int nfq_kstats_read(uint16_t queue, struct nfq_kstats *st);

#endif /* SNETD_NFQ_H */
