// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-nfq-load: the traffic of the NFQUEUE benchmark.
 *
 *   snet-nfq-load serve DST
 *       sinks: TCP 80 (HTTP: answers each request with 500-6000 bytes),
 *       443 (answers a client hello with 3000 bytes), 9000 (reads a bulk
 *       upload) on every address, UDP 53 (answers each query) on DST and
 *       the 7 addresses after it; runs until killed.
 *   snet-nfq-load run FLOWS THREADS SEED SRC DST
 *       FLOWS flows from THREADS threads, the mix of the inspector's
 *       benchmark capture (tests/inspector/gen_pcaps.py --bench): 60% HTTP
 *       request and response, 20% DNS query and answer, 10% TLS client
 *       hello and 3000 bytes back, 10% a 64 KiB upload.  Flow i goes from
 *       SRC + i % 8 to DST + (i / 8) % 8 (IPv4 addresses), so that
 *       NFQUEUE's address hash spreads flows over the queues.  The same
 *       seed gives the same bytes.
 *       Prints "flows=N errors=N seconds=S bytes_up=N bytes_down=N".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SERVER_THREADS 8
#define BULK (64 * 1024)
#define IO_TIMEOUT_MS 10000

static atomic_ullong up, down;
static atomic_uint errors;
static uint32_t src_base, dst_base;	/* host order */

/* xorshift: the same stream of bytes for the same seed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int wait_io(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	return poll(&p, 1, IO_TIMEOUT_MS) == 1 ? 0 : -1;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until @want bytes or EOF (want 0: until EOF); bytes read, or -1. */
static long recv_some(int fd, size_t want)
{
	char buf[65536];
	long got = 0;

	for (;;) {
		ssize_t n;

		if (wait_io(fd, POLLIN))
			return -1;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return got;
		got += n;
		if (want && (size_t)got >= want)
			return got;
	}
}

/* --- servers ------------------------------------------------------------ */

struct srv {
	int fd;
	int port;
};

/* Read a request: until "\r\n\r\n" (HTTP), or @len bytes. */
static int read_request(int c, int port)
{
	char buf[8192];
	size_t used = 0;
	size_t want = port == 443 ? 5 : port == 9000 ? BULK : 0;

	while (used < sizeof(buf)) {
		ssize_t n;

		if (wait_io(c, POLLIN))
			return -1;
		n = recv(c, buf + used, port == 9000 ? sizeof(buf) : sizeof(buf) - used, 0);
		if (n <= 0)
			return -1;
		if (port == 9000) {
			want -= (size_t)n < want ? (size_t)n : want;
			if (!want)
				return 0;
			continue;
		}
		used += (size_t)n;
		if (port == 80 && used >= 4 && memmem(buf, used, "\r\n\r\n", 4))
			return 0;
		if (port == 443 && used >= 5) {
			size_t rec = 5 + (size_t)((uint8_t)buf[3] << 8 | (uint8_t)buf[4]);

			if (used >= rec)
				return 0;
		}
	}
	return -1;
}

static void *tcp_server(void *arg)
{
	struct srv *s = arg;
	static char body[6100];
	uint64_t seed = (uint64_t)s->port * 7919 + 1;

	memset(body, 'b', sizeof(body));
	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		char head[128];
		size_t blen;
		int hl;

		if (c < 0)
			continue;
		if (read_request(c, s->port)) {
			close(c);
			continue;
		}
		if (s->port == 80) {
			blen = 500 + next_rand(&seed) % 5500;
			hl = snprintf(head, sizeof(head),
				      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
				      blen);
			if (!send_all(c, head, (size_t)hl))
				send_all(c, body, blen);
		} else if (s->port == 443) {
			send_all(c, body, 3000);
		}
		close(c);
	}
	return NULL;
}

static void *dns_server(void *arg)
{
	int fd = *(int *)arg;

	for (;;) {
		char buf[512];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 12)
			continue;
		buf[2] |= 0x80;	/* a response */
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static int listen_on(int type, int port, uint32_t addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(addr) };
	int fd = socket(AF_INET, type, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, 1024))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int serve(void)
{
	static const int ports[] = { 80, 443, 9000 };
	static struct srv srvs[3];
	static int dfd[8];
	pthread_t t;

	for (int i = 0; i < 3; i++) {
		srvs[i].port = ports[i];
		srvs[i].fd = listen_on(SOCK_STREAM, ports[i], INADDR_ANY);
		if (srvs[i].fd < 0) {
			perror("snet-nfq-load: listen");
			return 1;
		}
		for (int k = 0; k < SERVER_THREADS; k++)
			pthread_create(&t, NULL, tcp_server, &srvs[i]);
	}
	/* One per server address: a reply must come from the address the
	 * (connected) client asked. */
	for (int k = 0; k < 8; k++) {
		dfd[k] = listen_on(SOCK_DGRAM, 53, dst_base + (uint32_t)k);
		if (dfd[k] < 0) {
			perror("snet-nfq-load: udp 53");
			return 1;
		}
		pthread_create(&t, NULL, dns_server, &dfd[k]);
	}
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}

/* --- clients ------------------------------------------------------------ */

struct run {
	unsigned int first, step, flows;
	uint64_t seed;
};

static void addr_of(unsigned int i, struct sockaddr_in *src, struct sockaddr_in *dst,
		    int port)
{
	*src = (struct sockaddr_in){ .sin_family = AF_INET };
	*dst = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	src->sin_addr.s_addr = htonl(src_base + i % 8);
	dst->sin_addr.s_addr = htonl(dst_base + (i / 8) % 8);
}

static int connect_to(unsigned int i, int type, int port)
{
	struct sockaddr_in src, dst;
	int fd = socket(AF_INET, type, 0), one = 1;

	if (fd < 0)
		return -1;
	addr_of(i, &src, &dst, port);
	if (type == SOCK_STREAM)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t http_get(char *buf, size_t len, unsigned int i, uint64_t *seed)
{
	static const char *const words[] = { "index", "api", "v1", "images", "static",
		"user", "search", "login", "cart", "news", "video", "data", "json", "js", "css" };

	return (size_t)snprintf(buf, len,
		"GET /%s/%s/%s?q=%u HTTP/1.1\r\nHost: www.site%u.com\r\n"
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/%u.0\r\n"
		"Accept: */*\r\n\r\n",
		words[next_rand(seed) % 15], words[next_rand(seed) % 15],
		words[next_rand(seed) % 15], (unsigned int)(next_rand(seed) % 1000000),
		i % 97, 60 + i % 40);
}

static size_t client_hello(uint8_t *b, unsigned int i)
{
	char name[64];
	int nl = snprintf(name, sizeof(name), "cdn%u.example.com", i);
	size_t sni = (size_t)nl + 5, exts = 4 + sni, body = 2 + 32 + 1 + 2 + 2 + 2 + 2 + exts;
	size_t hs = 4 + body, off = 0;

	b[off++] = 0x16; b[off++] = 3; b[off++] = 1;
	b[off++] = (uint8_t)(hs >> 8); b[off++] = (uint8_t)hs;
	b[off++] = 1; b[off++] = 0; b[off++] = (uint8_t)(body >> 8); b[off++] = (uint8_t)body;
	b[off++] = 3; b[off++] = 3;
	memset(b + off, 0, 33);
	off += 33;
	b[off++] = 0; b[off++] = 2; b[off++] = 0x13; b[off++] = 1;
	b[off++] = 1; b[off++] = 0;
	b[off++] = (uint8_t)(exts >> 8); b[off++] = (uint8_t)exts;
	b[off++] = 0; b[off++] = 0;
	b[off++] = (uint8_t)(sni >> 8); b[off++] = (uint8_t)sni;
	b[off++] = (uint8_t)((nl + 3) >> 8); b[off++] = (uint8_t)(nl + 3);
	b[off++] = 0;
	b[off++] = (uint8_t)(nl >> 8); b[off++] = (uint8_t)nl;
	memcpy(b + off, name, (size_t)nl);
	return off + (size_t)nl;
}

static size_t dns_query(uint8_t *b, unsigned int i)
{
	char name[64], *lab, *save = NULL;
	size_t off = 12;

	memset(b, 0, 12);
	b[0] = (uint8_t)(i >> 8); b[1] = (uint8_t)i; b[2] = 1; b[5] = 1;
	snprintf(name, sizeof(name), "host%u.example%u.net", i, i % 13);
	for (lab = strtok_r(name, ".", &save); lab; lab = strtok_r(NULL, ".", &save)) {
		b[off++] = (uint8_t)strlen(lab);
		memcpy(b + off, lab, strlen(lab));
		off += strlen(lab);
	}
	b[off++] = 0;
	b[off++] = 0; b[off++] = 1; b[off++] = 0; b[off++] = 1;
	return off;
}

static int one_flow(unsigned int i, uint64_t *seed)
{
	static char bulk[BULK];
	unsigned int kind = i % 10;
	uint8_t buf[1024];
	size_t len;
	long got;
	int fd;

	if (kind < 6) {
		fd = connect_to(i, SOCK_STREAM, 80);
		len = http_get((char *)buf, sizeof(buf), i, seed);
		if (fd < 0 || send_all(fd, buf, len) || (got = recv_some(fd, 0)) <= 0)
			goto fail;
	} else if (kind < 8) {
		fd = connect_to(i, SOCK_DGRAM, 53);
		len = dns_query(buf, i);
		if (fd < 0 || send(fd, buf, len, 0) < 0 || wait_io(fd, POLLIN) ||
		    (got = recv(fd, buf, sizeof(buf), 0)) <= 0)
			goto fail;
	} else if (kind < 9) {
		fd = connect_to(i, SOCK_STREAM, 443);
		len = client_hello(buf, i);
		if (fd < 0 || send_all(fd, buf, len) || (got = recv_some(fd, 0)) <= 0)
			goto fail;
	} else {
		fd = connect_to(i, SOCK_STREAM, 9000);
		len = BULK;
		for (size_t k = 0; k < sizeof(bulk); k++)
			bulk[k] = (char)next_rand(seed);
		if (fd < 0 || send_all(fd, bulk, len))
			goto fail;
		shutdown(fd, SHUT_WR);
		got = recv_some(fd, 0);
		if (got < 0)
			goto fail;
	}
	atomic_fetch_add(&up, len);
	atomic_fetch_add(&down, (unsigned long long)got);
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&errors, 1);
	return -1;
}

static void *client(void *arg)
{
	struct run *r = arg;
	uint64_t seed = r->seed * 2654435761u + r->first + 1;

	for (unsigned int i = r->first; i < r->flows; i += r->step)
		one_flow(i, &seed);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "serve") &&
	    inet_pton(AF_INET, argv[2], &dst_base) == 1) {
		dst_base = ntohl(dst_base);
		return serve();
	}
	if (argc == 7 && !strcmp(argv[1], "run") &&
	    inet_pton(AF_INET, argv[5], &src_base) == 1 &&
	    inet_pton(AF_INET, argv[6], &dst_base) == 1) {
		unsigned int flows = (unsigned int)atoi(argv[2]);
		unsigned int threads = (unsigned int)atoi(argv[3]);
		struct run runs[64];
		pthread_t t[64];
		double t0;

		if (!threads || threads > 64)
			return 2;
		src_base = ntohl(src_base);
		dst_base = ntohl(dst_base);
		t0 = now_s();
		for (unsigned int k = 0; k < threads; k++) {
			runs[k] = (struct run){ .first = k, .step = threads, .flows = flows,
						.seed = (uint64_t)atoll(argv[4]) };
			pthread_create(&t[k], NULL, client, &runs[k]);
		}
		for (unsigned int k = 0; k < threads; k++)
			pthread_join(t[k], NULL);
		printf("flows=%u errors=%u seconds=%.3f bytes_up=%llu bytes_down=%llu\n", flows,
		       atomic_load(&errors), now_s() - t0, atomic_load(&up), atomic_load(&down));
		return 0;
	}
	fprintf(stderr, "usage: snet-nfq-load serve DST | run FLOWS THREADS SEED SRC DST\n");
	return 2;
}
