// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-nfq-bare: the baseline of the NFQUEUE benchmark.  The same queue
 * code as snetd (nfhelper/src/nfq.c: libmnl, libnetfilter_queue's message
 * helpers, recvmmsg bursts, batch verdicts, GSO, the same copy range,
 * queue length, receive buffer and burst), one thread per queue, and no
 * inspection: every packet is accepted.
 *
 *   snet-nfq-bare FIRST COUNT [BURST [MAXLEN [RCVBUF]]]
 *
 * Runs until SIGTERM/SIGINT, then prints "packets=N bytes=N".
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter.h>

#include "nfq.h"
#include "nfq_msg.h"

struct loop {
	struct nfq_sock *q;
	uint16_t queue;
	pthread_t thread;
	uint64_t packets, bytes;
	bool have;
	uint32_t max_id;
};

static atomic_bool stop;

static int on_message(int kind, const struct nfq_pkt *pkt, int err, void *arg)
{
	struct loop *l = arg;

	(void)err;
	if (kind != NFQ_MSG_PACKET)
		return 0;
	l->packets++;
	l->bytes += pkt->orig_len;
	l->have = true;
	l->max_id = pkt->id;
	return 0;
}

static void *run(void *arg)
{
	struct loop *l = arg;
	struct pollfd p = { .fd = nfq_sock_fd(l->q), .events = POLLIN };

	while (!atomic_load(&stop)) {
		int n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		while ((n = nfq_sock_recv(l->q)) > 0) {
			for (int i = 0; i < n; i++) {
				const void *buf;
				size_t len;

				nfq_sock_datagram(l->q, (unsigned int)i, &buf, &len);
				nfq_msg_each(buf, len, on_message, l);
			}
			if (l->have) {
				nfq_out_batch(nfq_sock_out(l->q), l->queue, l->max_id,
					      NF_ACCEPT);
				l->have = false;
			}
			if (nfq_sock_flush(l->q))
				fprintf(stderr, "snet-nfq-bare: verdict: %s\n",
					strerror(errno));
		}
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

int main(int argc, char **argv)
{
	struct nfq_sock_params p = { .burst = 64, .maxlen = 4096, .rcvbuf = 16u << 20 };
	struct loop loops[64];
	unsigned int first, count;
	uint64_t packets = 0, bytes = 0;
	char err[512];

	if (argc < 3) {
		fprintf(stderr, "usage: snet-nfq-bare FIRST COUNT [BURST [MAXLEN [RCVBUF]]]\n");
		return 2;
	}
	first = (unsigned int)atoi(argv[1]);
	count = (unsigned int)atoi(argv[2]);
	if (argc > 3)
		p.burst = (unsigned int)atoi(argv[3]);
	if (argc > 4)
		p.maxlen = (uint32_t)atoi(argv[4]);
	if (argc > 5)
		p.rcvbuf = (uint32_t)atoi(argv[5]);
	if (!count || count > 64)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	memset(loops, 0, sizeof(loops));
	for (unsigned int i = 0; i < count; i++) {
		p.queue = (uint16_t)(first + i);
		loops[i].queue = p.queue;
		if (nfq_sock_open(&p, &loops[i].q, err, sizeof(err))) {
			fprintf(stderr, "snet-nfq-bare: %s\n", err);
			return 1;
		}
	}
	for (unsigned int i = 0; i < count; i++)
		pthread_create(&loops[i].thread, NULL, run, &loops[i]);
	printf("ready\n");
	fflush(stdout);
	for (unsigned int i = 0; i < count; i++) {
		pthread_join(loops[i].thread, NULL);
		packets += loops[i].packets;
		bytes += loops[i].bytes;
		nfq_sock_close(loops[i].q);
	}
	printf("packets=%llu bytes=%llu\n", (unsigned long long)packets,
	       (unsigned long long)bytes);
	return 0;
}
