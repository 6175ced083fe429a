// SPDX-License-Identifier: GPL-2.0
/*
 * snet - describing a call: who makes it, on which socket, to where
 *
 * After the snet RFC v3 series by Samir Bellabes (2011).
 * Copyright (C) 2026 snet developers
 */

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sock_diag.h>
#include <linux/string.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "snet_sock.h"
#include "snet_utils.h"

static bool snet_addr_any(const struct in6_addr *addr)
{
	return ipv6_addr_any(addr);
}

/* Reads the addresses the socket has now; unlocked, as getsockname does. */
static __always_inline void snet_call_sock_addrs(struct snet_call *call,
						 struct sock *sk)
{
	call->local_port = snet_sock_addr(sk, true, &call->local_addr);
	call->remote_port = snet_sock_addr(sk, false, &call->remote_addr);
	call->has_local = call->local_port ||
			  !snet_addr_any(&call->local_addr);
	call->has_remote = call->remote_port ||
			   !snet_addr_any(&call->remote_addr);
}

static void snet_call_get_exe(struct snet_call *call);

/*
 * Fills in what the socket says: enough for the ticket key.  What only an
 * event needs (who asks, the cookie, the executable) waits for
 * snet_call_describe(), so that a ticket hit costs no more than this.
 */
static __always_inline void __snet_call_init(struct snet_call *call, u8 syscall,
					     struct sock *sk)
{
	/*
	 * Field by field, not memset(): this runs on every mediated call, a
	 * ticket hit included, and snet_call_describe() fills the rest.
	 */
	call->syscall = syscall;
	call->size = 0;
	call->backlog = 0;
	call->exe_buf = NULL;
	call->exe = NULL;
	call->family = sk->sk_family;
	call->protocol = sk->sk_protocol;
	call->sock_type = sk->sk_type;
	snet_call_sock_addrs(call, sk);
}

void snet_call_init(struct snet_call *call, u8 syscall, struct sock *sk)
{
	__snet_call_init(call, syscall, sk);
}

/* Completes @call for an event; current is the caller. */
void snet_call_describe(struct snet_call *call, struct sock *sk, bool exe)
{
	const struct snet_sock_state *state = snet_sock_state(sk);

	call->cookie = state ? state->cookie : sock_gen_cookie(sk);
	call->label = state ? READ_ONCE(state->label) : 0;
	call->netns = sock_net(sk)->ns.inum;
	call->pid = task_pid_nr(current);
	call->tgid = task_tgid_nr(current);
	call->uid = from_kuid_munged(&init_user_ns, current_uid());
	call->gid = from_kgid_munged(&init_user_ns, current_gid());
	get_task_comm(call->comm, current);
	if (exe)
		snet_call_get_exe(call);
}

/*
 * Takes the address a bind(), connect() or sendmsg() names, if valid
 * (see snet_sockaddr_get()); the socket's own stays otherwise.
 */
static __always_inline int snet_call_set_addr(struct snet_call *call,
					      bool remote,
					      const struct sockaddr *addr,
					      int addrlen)
{
	struct in6_addr *dst = remote ? &call->remote_addr : &call->local_addr;
	u16 *port = remote ? &call->remote_port : &call->local_port;
	int err;

	err = snet_sockaddr_get(addr, addrlen, call->family, dst, port);
	if (err)
		return err;
	if (remote)
		call->has_remote = true;
	else
		call->has_local = true;
	return 0;
}

/* The ticket key: the fields that matter for this syscall, others zero. */
void snet_call_key(const struct snet_call *call, struct snet_request *req)
{
	req->syscall = call->syscall;
	req->protocol = call->protocol;
	req->family = call->family;
	req->local_addr = call->local_addr;
	req->local_port = call->local_port;
	req->remote_addr = call->remote_addr;
	req->remote_port = call->remote_port;
	snet_request_mask(req, snet_key_fields(call->syscall));
}

/*
 * snet_call_init() and snet_call_set_addr() of @addr if there is one.
 * Returns snet_call_set_addr()'s error; the call then holds the socket's
 * own addresses.
 */
int snet_call_start(struct snet_call *call, u8 syscall, struct sock *sk,
		    bool remote, const struct sockaddr *addr, int addrlen)
{
	__snet_call_init(call, syscall, sk);
	if (addr)
		return snet_call_set_addr(call, remote, addr, addrlen);
	return 0;
}

/* The caller's executable, for the event; only when an upcall is made. */
static void snet_call_get_exe(struct snet_call *call)
{
	struct file *exe;
	char *path;

	exe = get_task_exe_file(current);
	if (!exe)
		return;
	call->exe_buf = __getname();
	if (call->exe_buf) {
		path = d_path(&exe->f_path, call->exe_buf, PATH_MAX);
		if (!IS_ERR(path))
			call->exe = path;
	}
	fput(exe);
}

void snet_call_release(struct snet_call *call)
{
	if (call->exe_buf)
		__putname(call->exe_buf);
	call->exe_buf = NULL;
	call->exe = NULL;
}

#ifdef CONFIG_SECURITY_SNET_KUNIT_TEST

#include <linux/inet.h>

/* A kernel socket of @family whose addresses the test sets by hand. */
static struct socket *test_socket(struct kunit *const test, int family)
{
	struct socket *sock;
	struct sock *sk;
	int ret;

	ret = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	KUNIT_ASSERT_EQ(test, 0, ret);
	sk = sock->sk;
	inet_sk(sk)->inet_num = 4000;
	sk->sk_dport = htons(80);
	if (family == AF_INET) {
		/* No source yet: the bound address stands in for it. */
		sk->sk_rcv_saddr = htonl(0x0a000001);
		sk->sk_daddr = htonl(0x0a000002);
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		KUNIT_ASSERT_EQ(test, 1, in6_pton("2001:db8::1", -1,
						  sk->sk_v6_rcv_saddr.s6_addr,
						  -1, NULL));
		KUNIT_ASSERT_EQ(test, 1, in6_pton("2001:db8::2", -1,
						  sk->sk_v6_daddr.s6_addr,
						  -1, NULL));
#endif
	}
	return sock;
}

static void test_socket_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	/* Never hashed: put back what a release expects of such a socket. */
	inet_sk(sk)->inet_num = 0;
	sk->sk_dport = 0;
	sk->sk_rcv_saddr = 0;
	sk->sk_daddr = 0;
#if IS_ENABLED(CONFIG_IPV6)
	sk->sk_v6_rcv_saddr = in6addr_any;
	sk->sk_v6_daddr = in6addr_any;
#endif
	sock_release(sock);
}

/* One case of test_request_matches_call(). */
static void test_request_case(struct kunit *const test, struct sock *sk,
			      u8 syscall, bool remote,
			      const struct sockaddr *addr, int addrlen)
{
	struct snet_request want, got;
	struct snet_call call;
	int err_want, err_got;

	err_want = snet_call_start(&call, syscall, sk, remote, addr, addrlen);
	snet_call_key(&call, &want);
	memset(&got, 0xa5, sizeof(got));
	err_got = snet_request_start(&got, syscall, sk, remote, addr, addrlen);
	KUNIT_EXPECT_EQ_MSG(test, err_want, err_got,
			    "family %d syscall %d remote %d family named %d len %d",
			    sk->sk_family, syscall, remote,
			    addr ? addr->sa_family : -1, addrlen);
	KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(&want, &got, sizeof(got)),
			    "family %d syscall %d remote %d family named %d len %d",
			    sk->sk_family, syscall, remote,
			    addr ? addr->sa_family : -1, addrlen);
}

/*
 * snet_request_start(), the hooks' key, is the key of the call that
 * snet_call_start() describes, for every syscall, side and kind of name.
 */
static void test_request_matches_call(struct kunit *const test)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(53),
		.sin_addr.s_addr = htonl(0x0a000009),
	};
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(443),
		.sin6_addr.s6_addr32[0] = htonl(0x20010db8),
		.sin6_addr.s6_addr32[3] = htonl(9),
	};
	struct sockaddr unix_name = { .sa_family = AF_UNIX };
	const struct {
		const struct sockaddr *addr;
		int len;
	} names[] = {
		{ NULL, 0 },
		{ (struct sockaddr *)&sin, sizeof(sin) },
		{ (struct sockaddr *)&sin, sizeof(sin) - 1 },
		{ (struct sockaddr *)&sin6, sizeof(sin6) },
		{ (struct sockaddr *)&sin6, SIN6_LEN_RFC2133 - 1 },
		{ &unix_name, sizeof(unix_name) },
		{ (struct sockaddr *)&sin, 1 },
	};
	const int families[] = { AF_INET, AF_INET6 };
	int f, sc, n;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		struct socket *sock;

		if (families[f] == AF_INET6 && !IS_ENABLED(CONFIG_IPV6))
			continue;
		sock = test_socket(test, families[f]);
		for (sc = 0; sc < __SNET_SYSCALL_MAX; sc++) {
			for (n = 0; n < ARRAY_SIZE(names); n++) {
				test_request_case(test, sock->sk, sc, false,
						  names[n].addr, names[n].len);
				test_request_case(test, sock->sk, sc, true,
						  names[n].addr, names[n].len);
			}
		}
		test_socket_release(sock);
	}
}

/* Known answers, so that the two cannot be wrong alike. */
static void test_request_fields(struct kunit *const test)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(53),
		.sin_addr.s_addr = htonl(0x0a000009),
	};
	struct socket *sock = test_socket(test, AF_INET);
	struct snet_request req;

	/* sendmsg naming its peer: the peer only. */
	KUNIT_EXPECT_EQ(test, 0, snet_request_start(&req, SNET_SYSCALL_SENDMSG,
						    sock->sk, true,
						    (struct sockaddr *)&sin,
						    sizeof(sin)));
	KUNIT_EXPECT_EQ(test, SNET_SYSCALL_SENDMSG, req.syscall);
	KUNIT_EXPECT_EQ(test, IPPROTO_UDP, req.protocol);
	KUNIT_EXPECT_EQ(test, AF_INET, req.family);
	KUNIT_EXPECT_EQ(test, 53, req.remote_port);
	KUNIT_EXPECT_EQ(test, htonl(0x0a000009), req.remote_addr.s6_addr32[0]);
	KUNIT_EXPECT_EQ(test, 0, req.local_port);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_any(&req.local_addr));

	/* recvmsg: both sides, the socket's own. */
	KUNIT_EXPECT_EQ(test, 0, snet_request_start(&req, SNET_SYSCALL_RECVMSG,
						    sock->sk, false, NULL, 0));
	KUNIT_EXPECT_EQ(test, 4000, req.local_port);
	KUNIT_EXPECT_EQ(test, htonl(0x0a000001), req.local_addr.s6_addr32[0]);
	KUNIT_EXPECT_EQ(test, 80, req.remote_port);
	KUNIT_EXPECT_EQ(test, htonl(0x0a000002), req.remote_addr.s6_addr32[0]);

	/* post-accept: the peer's host, not its port. */
	KUNIT_EXPECT_EQ(test, 0, snet_request_start(&req,
						    SNET_SYSCALL_POST_ACCEPT,
						    sock->sk, false, NULL, 0));
	KUNIT_EXPECT_EQ(test, 0, req.remote_port);
	KUNIT_EXPECT_EQ(test, htonl(0x0a000002), req.remote_addr.s6_addr32[0]);

	/* A short name: refused, and the socket's own peer stays. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			snet_request_start(&req, SNET_SYSCALL_CONNECT, sock->sk,
					   true, (struct sockaddr *)&sin, 8));
	KUNIT_EXPECT_EQ(test, 80, req.remote_port);
	test_socket_release(sock);
}

static struct kunit_case snet_utils_test_cases[] = {
	KUNIT_CASE(test_request_matches_call),
	KUNIT_CASE(test_request_fields),
	{}
};

static struct kunit_suite snet_utils_test_suite = {
	.name = "snet_utils",
	.test_cases = snet_utils_test_cases,
};

kunit_test_suite(snet_utils_test_suite);

#endif /* CONFIG_SECURITY_SNET_KUNIT_TEST */
