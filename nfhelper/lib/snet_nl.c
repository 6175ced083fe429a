// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsnet: the generic netlink client of the snet LSM, on libnl-genl-3.
 *
 * Requests wait for the kernel's answer (a reply, a dump, or an ack) and
 * return the kernel's own errno: libnl's default handler would turn it into
 * one of its NLE_ codes and lose the difference between, say, ESRCH and
 * ENOENT, which callers need.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "snet_nl.h"

/* Room for a burst of events (each under 4.5 KiB with its exe path). */
#define SNET_NL_BUF_SIZE	(64 * 1024)

struct snet_nl {
	struct nl_sock *sk;
	int family;
	bool nonblocking;
	/*
	 * Replies and events are read into this buffer and parsed in place:
	 * libnl's own receive path allocates a buffer and a callback set per
	 * read, a cost on every upcall.
	 */
	unsigned char buf[SNET_NL_BUF_SIZE];
	struct snet_event ev;	/* the event being delivered */
};

/* Lengths are checked by libnl before we read an attribute. */
static struct nla_policy snet_nl_policy[SNET_A_MAX + 1] = {
	[SNET_A_VERSION] = { .type = NLA_U32 },
	[SNET_A_DEFAULT_VERDICT] = { .type = NLA_U8 },
	[SNET_A_TIMEOUT_MS] = { .type = NLA_U32 },
	[SNET_A_TICKET_LIFE] = { .type = NLA_U8 },
	[SNET_A_TICKET_SECONDS] = { .type = NLA_U32 },
	[SNET_A_TICKET_MAX] = { .type = NLA_U32 },
	[SNET_A_LABEL_MASK] = { .type = NLA_U32 },
	[SNET_A_DAEMON_PID] = { .type = NLA_U32 },
	[SNET_A_VERDICT_ID] = { .type = NLA_U32 },
	[SNET_A_SYSCALL] = { .type = NLA_U8 },
	[SNET_A_PROTOCOL] = { .type = NLA_U8 },
	[SNET_A_FAMILY] = { .type = NLA_U8 },
	[SNET_A_SOCK_TYPE] = { .type = NLA_U16 },
	[SNET_A_LOCAL_ADDR] = { .type = NLA_UNSPEC, .minlen = 4 },
	[SNET_A_LOCAL_PORT] = { .type = NLA_U16 },
	[SNET_A_REMOTE_ADDR] = { .type = NLA_UNSPEC, .minlen = 4 },
	[SNET_A_REMOTE_PORT] = { .type = NLA_U16 },
	[SNET_A_PID] = { .type = NLA_U32 },
	[SNET_A_TGID] = { .type = NLA_U32 },
	[SNET_A_UID] = { .type = NLA_U32 },
	[SNET_A_GID] = { .type = NLA_U32 },
	[SNET_A_COMM] = { .type = NLA_STRING },
	[SNET_A_EXE] = { .type = NLA_STRING },
	[SNET_A_SOCK_COOKIE] = { .type = NLA_U64 },
	[SNET_A_NETNS] = { .type = NLA_U32 },
	[SNET_A_LABEL] = { .type = NLA_U32 },
	[SNET_A_SIZE] = { .type = NLA_U64 },
	[SNET_A_BACKLOG] = { .type = NLA_U32 },
	[SNET_A_TIMEOUT_LEFT_MS] = { .type = NLA_U32 },
	[SNET_A_VERDICT] = { .type = NLA_U8 },
	[SNET_A_TICKET_ID] = { .type = NLA_U64 },
	[SNET_A_TICKET_EXPIRES_MS] = { .type = NLA_U32 },
	[SNET_A_SYSCALL_MASK] = { .type = NLA_U32 },
	[SNET_A_STATS] = { .type = NLA_NESTED },
};

/* libnl's codes for what the socket layer said, back to errno. */
static int nle_errno(int nle)
{
	switch (abs(nle)) {
	case NLE_SUCCESS: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOBUFS;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOATTR: return -EINVAL;
	case NLE_MISSING_ATTR: return -EINVAL;
	case NLE_PERM: return -EPERM;
	case NLE_BUSY: return -EBUSY;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_NOACCESS: return -EACCES;
	default: return -EIO;
	}
}

int snet_nl_open(struct snet_nl **out)
{
	struct snet_nl *nl;
	int err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	err = genl_connect(nl->sk);
	if (err < 0)
		goto fail;
	nl->family = genl_ctrl_resolve(nl->sk, SNET_GENL_NAME);
	if (nl->family < 0) {
		/* No family: the kernel has no snet, or it is not enabled. */
		err = -NLE_OBJ_NOTFOUND;
		goto fail;
	}
	*out = nl;
	return 0;
fail:
	nl_socket_free(nl->sk);
	free(nl);
	return nle_errno(err);
}

void snet_nl_close(struct snet_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int snet_nl_fd(const struct snet_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int snet_nl_set_rcvbuf(struct snet_nl *nl, int bytes)
{
	int fd = nl_socket_get_fd(nl->sk);

	/* Past rmem_max only with CAP_NET_ADMIN, which snetd has. */
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		return 0;
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)))
		return 0;
	return -errno;
}

int snet_nl_set_nonblocking(struct snet_nl *nl, bool on)
{
	int err = on ? nl_socket_set_nonblocking(nl->sk) : 0;

	if (!on) {
		int fd = nl_socket_get_fd(nl->sk);
		int flags = fcntl(fd, F_GETFL);

		if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
			return -errno;
	}
	if (err < 0)
		return nle_errno(err);
	nl->nonblocking = on;
	return 0;
}

/*
 * Reads one datagram into @nl->buf.  Returns its length, or a negative
 * errno: -ENOBUFS when the kernel dropped messages for us, -EAGAIN on a
 * non-blocking socket with nothing queued.
 */
static int snet_nl_read(struct snet_nl *nl)
{
	ssize_t n;

	do
		n = recv(nl_socket_get_fd(nl->sk), nl->buf, sizeof(nl->buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n;
}

/*
 * Sends @msg (consumed) and reads until the kernel's ack, error or end of
 * dump.  @parse is called with the attributes of each reply message; its
 * first non-zero return is the result (the rest of a dump is still read).
 */
static int snet_nl_request(struct snet_nl *nl, struct nl_msg *msg,
			   int (*parse)(struct nlattr **tb, void *arg),
			   void *arg)
{
	struct nlattr *tb[SNET_A_MAX + 1];
	int err, parse_err = 0, len;
	struct nlmsghdr *nlh;
	uint32_t seq;

	err = nl_send_auto(nl->sk, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (err < 0)
		return nle_errno(err);
	for (;;) {
		len = snet_nl_read(nl);
		if (len == -EAGAIN && nl->nonblocking) {
			struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk),
					      .events = POLLIN };

			poll(&pfd, 1, -1);	/* the answer is on its way */
			continue;
		}
		if (len < 0)
			return len;
		for (nlh = (struct nlmsghdr *)nl->buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			/* Events and stale answers are not ours. */
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				return e->error ? e->error : parse_err;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed half way says so here. */
				int *e = nlmsg_data(nlh);

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e) &&
				    *e < 0)
					return *e;
				return parse_err;
			}
			if (nlh->nlmsg_type != nl->family || !parse ||
			    parse_err)
				continue;
			if (genlmsg_parse(nlh, 0, tb, SNET_A_MAX,
					  snet_nl_policy) < 0)
				parse_err = -EBADMSG;
			else
				parse_err = parse(tb, arg);
		}
	}
}

static struct nl_msg *snet_nl_msg(struct snet_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, SNET_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A request with no attributes and no reply but the ack. */
static int snet_nl_simple(struct snet_nl *nl, uint8_t cmd)
{
	struct nl_msg *msg = snet_nl_msg(nl, cmd, 0);

	if (!msg)
		return -ENOMEM;
	return snet_nl_request(nl, msg, NULL, NULL);
}

int snet_nl_register(struct snet_nl *nl)
{
	return snet_nl_simple(nl, SNET_CMD_REGISTER);
}

int snet_nl_unregister(struct snet_nl *nl)
{
	return snet_nl_simple(nl, SNET_CMD_UNREGISTER);
}

int snet_nl_event_flush(struct snet_nl *nl)
{
	return snet_nl_simple(nl, SNET_CMD_EVENT_FLUSH);
}

static int parse_config(struct nlattr **tb, void *arg)
{
	struct snet_config *cfg = arg;

	if (tb[SNET_A_VERSION])
		cfg->version = nla_get_u32(tb[SNET_A_VERSION]);
	if (tb[SNET_A_DEFAULT_VERDICT])
		cfg->default_verdict = nla_get_u8(tb[SNET_A_DEFAULT_VERDICT]);
	if (tb[SNET_A_TIMEOUT_MS])
		cfg->timeout_ms = nla_get_u32(tb[SNET_A_TIMEOUT_MS]);
	if (tb[SNET_A_TICKET_LIFE])
		cfg->ticket_life = nla_get_u8(tb[SNET_A_TICKET_LIFE]);
	if (tb[SNET_A_TICKET_SECONDS])
		cfg->ticket_seconds = nla_get_u32(tb[SNET_A_TICKET_SECONDS]);
	if (tb[SNET_A_TICKET_MAX])
		cfg->ticket_max = nla_get_u32(tb[SNET_A_TICKET_MAX]);
	if (tb[SNET_A_LABEL_MASK])
		cfg->label_mask = nla_get_u32(tb[SNET_A_LABEL_MASK]);
	if (tb[SNET_A_DAEMON_PID])
		cfg->daemon_pid = nla_get_u32(tb[SNET_A_DAEMON_PID]);
	return 0;
}

int snet_nl_config_get(struct snet_nl *nl, struct snet_config *cfg)
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_GET_CONFIG, 0);

	if (!msg)
		return -ENOMEM;
	memset(cfg, 0, sizeof(*cfg));
	return snet_nl_request(nl, msg, parse_config, cfg);
}

int snet_nl_config_set(struct snet_nl *nl, const struct snet_config *cfg,
		       unsigned int fields)
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_SET_CONFIG, 0);

	if (!msg)
		return -ENOMEM;
	if (((fields & SNET_CFG_DEFAULT_VERDICT) &&
	     nla_put_u8(msg, SNET_A_DEFAULT_VERDICT, cfg->default_verdict)) ||
	    ((fields & SNET_CFG_TIMEOUT) &&
	     nla_put_u32(msg, SNET_A_TIMEOUT_MS, cfg->timeout_ms)) ||
	    ((fields & SNET_CFG_TICKET_LIFE) &&
	     nla_put_u8(msg, SNET_A_TICKET_LIFE, cfg->ticket_life)) ||
	    ((fields & SNET_CFG_TICKET_SECONDS) &&
	     nla_put_u32(msg, SNET_A_TICKET_SECONDS, cfg->ticket_seconds)) ||
	    ((fields & SNET_CFG_TICKET_MAX) &&
	     nla_put_u32(msg, SNET_A_TICKET_MAX, cfg->ticket_max)) ||
	    ((fields & SNET_CFG_LABEL_MASK) &&
	     nla_put_u32(msg, SNET_A_LABEL_MASK, cfg->label_mask))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return snet_nl_request(nl, msg, NULL, NULL);
}

static int snet_nl_event_cmd(struct snet_nl *nl, uint8_t cmd, uint8_t syscall,
			     uint8_t protocol)
{
	struct nl_msg *msg = snet_nl_msg(nl, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, SNET_A_SYSCALL, syscall) ||
	    nla_put_u8(msg, SNET_A_PROTOCOL, protocol)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return snet_nl_request(nl, msg, NULL, NULL);
}

int snet_nl_event_insert(struct snet_nl *nl, uint8_t syscall, uint8_t protocol)
{
	return snet_nl_event_cmd(nl, SNET_CMD_EVENT_INSERT, syscall, protocol);
}

int snet_nl_event_remove(struct snet_nl *nl, uint8_t syscall, uint8_t protocol)
{
	return snet_nl_event_cmd(nl, SNET_CMD_EVENT_REMOVE, syscall, protocol);
}

struct event_list_ctx {
	int (*cb)(uint8_t syscall, uint8_t protocol, void *arg);
	void *arg;
};

static int parse_event_entry(struct nlattr **tb, void *arg)
{
	struct event_list_ctx *ctx = arg;

	if (!tb[SNET_A_SYSCALL] || !tb[SNET_A_PROTOCOL])
		return -EBADMSG;
	return ctx->cb(nla_get_u8(tb[SNET_A_SYSCALL]),
		       nla_get_u8(tb[SNET_A_PROTOCOL]), ctx->arg);
}

int snet_nl_event_list(struct snet_nl *nl,
		       int (*cb)(uint8_t syscall, uint8_t protocol, void *arg),
		       void *arg)
{
	struct event_list_ctx ctx = { .cb = cb, .arg = arg };
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_EVENT_LIST, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return snet_nl_request(nl, msg, parse_event_entry, &ctx);
}

/*
 * The error the kernel sent for our message @seq, if any: netlink hands a
 * request to the family in the sender's sendmsg(), so once that returned
 * an error is already queued, or there is none.  Stale messages are read
 * past.
 */
static int snet_nl_sent_error(struct snet_nl *nl, uint32_t seq)
{
	struct nlmsghdr *nlh;
	ssize_t len;

	for (;;) {
		int left;

		len = recv(nl_socket_get_fd(nl->sk), nl->buf, sizeof(nl->buf),
			   MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return errno == EAGAIN ? 0 : -errno;
		left = (int)len;
		for (nlh = (struct nlmsghdr *)nl->buf; nlmsg_ok(nlh, left);
		     nlh = nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq == seq &&
			    nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)nlmsg_data(nlh))->error;
		}
	}
}

/*
 * Verdicts go without NLM_F_ACK: the kernel still answers a verdict it
 * refuses (an error message), and on the hot path of every upcall the
 * ack cost an skb, a queueing and a receive for nothing.  The message is
 * built on the stack with libmnl and sent with one send(): libnl's message
 * (two allocations, its send path, the frees) took a measurable share of
 * an upcall under emulation (docs/PERFORMANCE.md, ## snetd).
 */
size_t snet_nl_verdict_build(void *buf, uint16_t family, uint32_t seq,
			     uint32_t id, uint8_t verdict, uint8_t life,
			     uint32_t seconds)
{
	struct genlmsghdr *gnlh;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	gnlh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gnlh));
	gnlh->cmd = SNET_CMD_VERDICT;
	gnlh->version = SNET_GENL_VERSION;
	mnl_attr_put_u32(nlh, SNET_A_VERDICT_ID, id);
	mnl_attr_put_u8(nlh, SNET_A_VERDICT, verdict);
	mnl_attr_put_u8(nlh, SNET_A_TICKET_LIFE, life);
	if (life == SNET_TICKET_TIMED)
		mnl_attr_put_u32(nlh, SNET_A_TICKET_SECONDS, seconds);
	return nlh->nlmsg_len;
}

int snet_nl_verdict(struct snet_nl *nl, uint32_t id, uint8_t verdict,
		    uint8_t life, uint32_t seconds)
{
	char buf[SNET_NL_VERDICT_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = nl_socket_use_seq(nl->sk);
	size_t len;
	ssize_t sent;

	len = snet_nl_verdict_build(buf, (uint16_t)nl->family, seq, id,
				    verdict, life, seconds);
	do
		sent = send(nl_socket_get_fd(nl->sk), buf, len, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	return snet_nl_sent_error(nl, seq);
}

static int addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static void get_addr(struct nlattr *attr, uint8_t *addr)
{
	int len = nla_len(attr);

	memset(addr, 0, 16);
	memcpy(addr, nla_data(attr), len > 16 ? 16 : len);
}

static int parse_ticket_id(struct nlattr **tb, void *arg)
{
	if (tb[SNET_A_TICKET_ID])
		*(uint64_t *)arg = nla_get_u64(tb[SNET_A_TICKET_ID]);
	return 0;
}

int snet_nl_ticket_set(struct snet_nl *nl, const struct snet_ticket *t)
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_TICKET_SET, 0);
	uint64_t id = 0;
	int err;

	if (!msg)
		return -ENOMEM;
	err = nla_put_u8(msg, SNET_A_VERDICT, t->verdict) ||
	      nla_put_u8(msg, SNET_A_TICKET_LIFE, t->life) ||
	      (t->life == SNET_TICKET_TIMED &&
	       nla_put_u32(msg, SNET_A_TICKET_SECONDS, t->seconds));
	if (!err && t->cookie) {
		err = nla_put_u64(msg, SNET_A_SOCK_COOKIE, t->cookie) ||
		      (t->syscall_mask &&
		       nla_put_u32(msg, SNET_A_SYSCALL_MASK, t->syscall_mask));
	} else if (!err) {
		err = nla_put_u32(msg, SNET_A_PID, t->pid) ||
		      nla_put_u8(msg, SNET_A_SYSCALL, t->syscall) ||
		      nla_put_u8(msg, SNET_A_PROTOCOL, t->protocol) ||
		      nla_put_u8(msg, SNET_A_FAMILY, t->family) ||
		      (t->has_local &&
		       (nla_put(msg, SNET_A_LOCAL_ADDR, addr_len(t->family),
				t->local_addr) ||
			nla_put_u16(msg, SNET_A_LOCAL_PORT, t->local_port))) ||
		      (t->has_remote &&
		       (nla_put(msg, SNET_A_REMOTE_ADDR, addr_len(t->family),
				t->remote_addr) ||
			nla_put_u16(msg, SNET_A_REMOTE_PORT, t->remote_port)));
	}
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = snet_nl_request(nl, msg, parse_ticket_id, &id);
	if (!err)
		((struct snet_ticket *)t)->id = id;
	return err;
}

int snet_nl_ticket_revoke(struct snet_nl *nl, uint64_t id, uint32_t pid,
			  uint64_t cookie)
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_TICKET_REVOKE, 0);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	if (id)
		err = nla_put_u64(msg, SNET_A_TICKET_ID, id);
	else if (pid)
		err = nla_put_u32(msg, SNET_A_PID, pid);
	else if (cookie)
		err = nla_put_u64(msg, SNET_A_SOCK_COOKIE, cookie);
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return snet_nl_request(nl, msg, NULL, NULL);
}

struct ticket_list_ctx {
	int (*cb)(const struct snet_ticket *t, void *arg);
	void *arg;
};

static int parse_ticket(struct nlattr **tb, void *arg)
{
	struct ticket_list_ctx *ctx = arg;
	struct snet_ticket t;

	memset(&t, 0, sizeof(t));
	if (!tb[SNET_A_TICKET_ID] || !tb[SNET_A_VERDICT])
		return -EBADMSG;
	t.id = nla_get_u64(tb[SNET_A_TICKET_ID]);
	t.verdict = nla_get_u8(tb[SNET_A_VERDICT]);
	if (tb[SNET_A_TICKET_LIFE])
		t.life = nla_get_u8(tb[SNET_A_TICKET_LIFE]);
	if (tb[SNET_A_TICKET_EXPIRES_MS])
		t.expires_ms = nla_get_u32(tb[SNET_A_TICKET_EXPIRES_MS]);
	if (tb[SNET_A_SOCK_COOKIE])
		t.cookie = nla_get_u64(tb[SNET_A_SOCK_COOKIE]);
	if (tb[SNET_A_SYSCALL_MASK])
		t.syscall_mask = nla_get_u32(tb[SNET_A_SYSCALL_MASK]);
	if (tb[SNET_A_PID])
		t.pid = nla_get_u32(tb[SNET_A_PID]);
	if (tb[SNET_A_SYSCALL])
		t.syscall = nla_get_u8(tb[SNET_A_SYSCALL]);
	if (tb[SNET_A_PROTOCOL])
		t.protocol = nla_get_u8(tb[SNET_A_PROTOCOL]);
	if (tb[SNET_A_FAMILY])
		t.family = nla_get_u8(tb[SNET_A_FAMILY]);
	if (tb[SNET_A_LOCAL_ADDR]) {
		get_addr(tb[SNET_A_LOCAL_ADDR], t.local_addr);
		t.has_local = true;
	}
	if (tb[SNET_A_LOCAL_PORT])
		t.local_port = nla_get_u16(tb[SNET_A_LOCAL_PORT]);
	if (tb[SNET_A_REMOTE_ADDR]) {
		get_addr(tb[SNET_A_REMOTE_ADDR], t.remote_addr);
		t.has_remote = true;
	}
	if (tb[SNET_A_REMOTE_PORT])
		t.remote_port = nla_get_u16(tb[SNET_A_REMOTE_PORT]);
	return ctx->cb(&t, ctx->arg);
}

int snet_nl_ticket_list(struct snet_nl *nl, uint32_t pid,
			int (*cb)(const struct snet_ticket *t, void *arg),
			void *arg)
{
	struct ticket_list_ctx ctx = { .cb = cb, .arg = arg };
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_TICKET_LIST, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	if (pid && nla_put_u32(msg, SNET_A_PID, pid)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return snet_nl_request(nl, msg, parse_ticket, &ctx);
}

static int parse_stats(struct nlattr **tb, void *arg)
{
	uint64_t *stats = arg;
	struct nlattr *attr;
	int rem;

	if (!tb[SNET_A_STATS])
		return -EBADMSG;
	nla_for_each_nested(attr, tb[SNET_A_STATS], rem) {
		int type = nla_type(attr);

		if (type > 0 && type <= SNET_STAT_MAX &&
		    nla_len(attr) == sizeof(uint64_t))
			stats[type] = nla_get_u64(attr);
	}
	return 0;
}

int snet_nl_stats(struct snet_nl *nl, uint64_t stats[SNET_STAT_MAX + 1])
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_GET_STATS, 0);

	if (!msg)
		return -ENOMEM;
	memset(stats, 0, sizeof(uint64_t) * (SNET_STAT_MAX + 1));
	return snet_nl_request(nl, msg, parse_stats, stats);
}

static int parse_sock(struct nlattr **tb, void *arg)
{
	struct snet_sock_info *info = arg;

	if (!tb[SNET_A_SOCK_COOKIE])
		return -EBADMSG;
	info->cookie = nla_get_u64(tb[SNET_A_SOCK_COOKIE]);
	if (tb[SNET_A_LABEL])
		info->label = nla_get_u32(tb[SNET_A_LABEL]);
	if (tb[SNET_A_TGID])
		info->tgid = nla_get_u32(tb[SNET_A_TGID]);
	if (tb[SNET_A_UID])
		info->uid = nla_get_u32(tb[SNET_A_UID]);
	if (tb[SNET_A_COMM])
		snprintf(info->comm, sizeof(info->comm), "%s",
			 nla_get_string(tb[SNET_A_COMM]));
	if (tb[SNET_A_FAMILY])
		info->family = nla_get_u8(tb[SNET_A_FAMILY]);
	if (tb[SNET_A_PROTOCOL])
		info->protocol = nla_get_u8(tb[SNET_A_PROTOCOL]);
	return 0;
}

int snet_nl_sock_get(struct snet_nl *nl, uint64_t cookie, uint32_t label,
		     struct snet_sock_info *info)
{
	struct nl_msg *msg = snet_nl_msg(nl, SNET_CMD_SOCK_GET, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	err = cookie ? nla_put_u64(msg, SNET_A_SOCK_COOKIE, cookie) :
		       nla_put_u32(msg, SNET_A_LABEL, label);
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return snet_nl_request(nl, msg, parse_sock, info);
}

/*
 * A string attribute into @dst, cut to @size - 1 bytes: the policy has
 * made sure it ends in a NUL within the attribute.  Not snprintf(): its
 * formatting machinery showed in the upcall profile.
 */
static void copy_string(char *dst, size_t size, const struct nlattr *attr)
{
	size_t max = (size_t)nla_len(attr);
	size_t n = strnlen(nla_data(attr), max < size - 1 ? max : size - 1);

	memcpy(dst, nla_data(attr), n);
	dst[n] = '\0';
}

/* Fills @ev from an event's (or pending entry's) attributes. */
static int parse_event_attrs(struct nlattr **tb, struct snet_event *ev)
{
	/* Not the 4 KiB of exe: clearing it showed in the upcall profile. */
	memset(ev, 0, offsetof(struct snet_event, exe));
	ev->exe[0] = 0;
	memset(&ev->cookie, 0, sizeof(*ev) - offsetof(struct snet_event, cookie));
	if (!tb[SNET_A_VERDICT_ID] || !tb[SNET_A_SYSCALL] ||
	    !tb[SNET_A_PROTOCOL] || !tb[SNET_A_FAMILY])
		return -EBADMSG;
	ev->id = nla_get_u32(tb[SNET_A_VERDICT_ID]);
	ev->syscall = nla_get_u8(tb[SNET_A_SYSCALL]);
	ev->protocol = nla_get_u8(tb[SNET_A_PROTOCOL]);
	ev->family = nla_get_u8(tb[SNET_A_FAMILY]);
	if (tb[SNET_A_SOCK_TYPE])
		ev->sock_type = nla_get_u16(tb[SNET_A_SOCK_TYPE]);
	if (tb[SNET_A_LOCAL_ADDR]) {
		get_addr(tb[SNET_A_LOCAL_ADDR], ev->local_addr);
		ev->has_local = true;
	}
	if (tb[SNET_A_LOCAL_PORT])
		ev->local_port = nla_get_u16(tb[SNET_A_LOCAL_PORT]);
	if (tb[SNET_A_REMOTE_ADDR]) {
		get_addr(tb[SNET_A_REMOTE_ADDR], ev->remote_addr);
		ev->has_remote = true;
	}
	if (tb[SNET_A_REMOTE_PORT])
		ev->remote_port = nla_get_u16(tb[SNET_A_REMOTE_PORT]);
	if (tb[SNET_A_PID])
		ev->pid = nla_get_u32(tb[SNET_A_PID]);
	if (tb[SNET_A_TGID])
		ev->tgid = nla_get_u32(tb[SNET_A_TGID]);
	if (tb[SNET_A_UID])
		ev->uid = nla_get_u32(tb[SNET_A_UID]);
	if (tb[SNET_A_GID])
		ev->gid = nla_get_u32(tb[SNET_A_GID]);
	if (tb[SNET_A_COMM])
		copy_string(ev->comm, sizeof(ev->comm), tb[SNET_A_COMM]);
	if (tb[SNET_A_EXE])
		copy_string(ev->exe, sizeof(ev->exe), tb[SNET_A_EXE]);
	if (tb[SNET_A_SOCK_COOKIE])
		ev->cookie = nla_get_u64(tb[SNET_A_SOCK_COOKIE]);
	if (tb[SNET_A_NETNS])
		ev->netns = nla_get_u32(tb[SNET_A_NETNS]);
	if (tb[SNET_A_LABEL])
		ev->label = nla_get_u32(tb[SNET_A_LABEL]);
	if (tb[SNET_A_SIZE])
		ev->size = nla_get_u64(tb[SNET_A_SIZE]);
	if (tb[SNET_A_BACKLOG])
		ev->backlog = nla_get_u32(tb[SNET_A_BACKLOG]);
	if (tb[SNET_A_TIMEOUT_LEFT_MS])
		ev->timeout_left_ms = nla_get_u32(tb[SNET_A_TIMEOUT_LEFT_MS]);
	return 0;
}

struct event_ctx {
	int (*cb)(const struct snet_event *ev, void *arg);
	void *arg;
	struct snet_event *ev;
};

static int parse_pending(struct nlattr **tb, void *arg)
{
	struct event_ctx *ctx = arg;
	int err = parse_event_attrs(tb, ctx->ev);

	return err ? err : ctx->cb(ctx->ev, ctx->arg);
}

int snet_nl_pending_list(struct snet_nl *nl,
			 int (*cb)(const struct snet_event *ev, void *arg),
			 void *arg)
{
	struct event_ctx ctx = { .cb = cb, .arg = arg, .ev = &nl->ev };
	struct nl_msg *msg;

	msg = snet_nl_msg(nl, SNET_CMD_PENDING_LIST, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	return snet_nl_request(nl, msg, parse_pending, &ctx);
}

int snet_nl_subscribe(struct snet_nl *nl)
{
	int grp, err, on = 1;

	grp = genl_ctrl_resolve_grp(nl->sk, SNET_GENL_NAME,
				    SNET_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return nle_errno(grp);
	/*
	 * Without it an event our full socket cannot take counts as "no
	 * listener", and the kernel applies its default to the call at once
	 * instead of waiting for us to catch up from the pending list.
	 */
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
		       NETLINK_BROADCAST_ERROR, &on, sizeof(on)))
		return -errno;
	err = nl_socket_add_membership(nl->sk, grp);
	if (err < 0)
		return err == -NLE_PERM ? -EPERM : nle_errno(err);
	return 0;
}

/* Delivers the events of one datagram of @len bytes at @buf. */
static int snet_nl_deliver(struct snet_nl *nl, unsigned char *buf, int len,
			   int (*cb)(const struct snet_event *ev, void *arg),
			   void *arg)
{
	struct nlattr *tb[SNET_A_MAX + 1];
	struct nlmsghdr *nlh;
	int err;

	for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
	     nlh = nlmsg_next(nlh, &len)) {
		struct genlmsghdr *gnlh = nlmsg_data(nlh);

		if (nlh->nlmsg_type != nl->family ||
		    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
		    gnlh->cmd != SNET_CMD_EVENT)
			continue;
		/* A malformed event is skipped, not fatal. */
		if (genlmsg_parse(nlh, 0, tb, SNET_A_MAX, snet_nl_policy) < 0 ||
		    parse_event_attrs(tb, &nl->ev))
			continue;
		err = cb(&nl->ev, arg);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A non-blocking socket reads what is queued with recvmmsg(), a slot of
 * @nl->buf per datagram: one system call for a burst, and none spent
 * learning that the queue is empty when it held a single event (the common
 * case of an upcall).  An event is under 4.5 KiB (its exe path at most
 * PATH_MAX); a datagram cut short is reported as lost, so that the caller
 * catches up from the kernel's pending list.
 */
#define SNET_NL_BATCH	8
#define SNET_NL_SLOT	(SNET_NL_BUF_SIZE / SNET_NL_BATCH)

static int snet_nl_recv_burst(struct snet_nl *nl,
			      int (*cb)(const struct snet_event *ev, void *arg),
			      void *arg)
{
	struct mmsghdr msgs[SNET_NL_BATCH];
	struct iovec iov[SNET_NL_BATCH];
	int n, i, err, first_err = 0;
	bool cut = false;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < SNET_NL_BATCH; i++) {
			iov[i].iov_base = nl->buf + i * SNET_NL_SLOT;
			iov[i].iov_len = SNET_NL_SLOT;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(nl_socket_get_fd(nl->sk), msgs, SNET_NL_BATCH,
			     MSG_DONTWAIT, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		/* What was read cannot go back: deliver all of it. */
		for (i = 0; i < n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				cut = true;
				continue;
			}
			err = snet_nl_deliver(nl, iov[i].iov_base,
					      (int)msgs[i].msg_len, cb, arg);
			if (err && !first_err)
				first_err = err;
		}
		if (first_err)
			return first_err;
		if (cut)
			return -ENOBUFS;
		if (n < SNET_NL_BATCH)
			return 0;
	}
}

int snet_nl_recv_events(struct snet_nl *nl,
			int (*cb)(const struct snet_event *ev, void *arg),
			void *arg)
{
	int len;

	if (nl->nonblocking)
		return snet_nl_recv_burst(nl, cb, arg);
	len = snet_nl_read(nl);
	if (len < 0)
		return len;
	return snet_nl_deliver(nl, nl->buf, len, cb, arg);
}

static const char *const snet_syscall_names[] = {
	[SNET_SYSCALL_CREATE] = "create",
	[SNET_SYSCALL_BIND] = "bind",
	[SNET_SYSCALL_CONNECT] = "connect",
	[SNET_SYSCALL_LISTEN] = "listen",
	[SNET_SYSCALL_ACCEPT] = "accept",
	[SNET_SYSCALL_POST_ACCEPT] = "post_accept",
	[SNET_SYSCALL_SENDMSG] = "sendmsg",
	[SNET_SYSCALL_RECVMSG] = "recvmsg",
	[SNET_SYSCALL_CLOSE] = "close",
};

const char *snet_syscall_name(uint8_t syscall)
{
	if (syscall > SNET_SYSCALL_MAX)
		return "?";
	return snet_syscall_names[syscall];
}

int snet_syscall_from_name(const char *name)
{
	int i;

	for (i = 0; i <= SNET_SYSCALL_MAX; i++)
		if (!strcmp(name, snet_syscall_names[i]))
			return i;
	return -EINVAL;
}

static const char *const snet_stat_names[] = {
	[SNET_STAT_EVENTS] = "events",
	[SNET_STAT_ALLOW] = "verdict_allow",
	[SNET_STAT_DENY] = "verdict_deny",
	[SNET_STAT_TIMEOUT] = "timeout",
	[SNET_STAT_NO_DAEMON] = "no_daemon",
	[SNET_STAT_DAEMON_GONE] = "daemon_gone",
	[SNET_STAT_INTERRUPTED] = "interrupted",
	[SNET_STAT_SEND_FAILED] = "send_failed",
	[SNET_STAT_TICKET_ALLOW] = "ticket_allow",
	[SNET_STAT_TICKET_DENY] = "ticket_deny",
	[SNET_STAT_SOCK_DENY] = "sock_ticket_deny",
	[SNET_STAT_SOCK_ALLOW] = "sock_ticket_allow",
	[SNET_STAT_PENDING] = "pending",
	[SNET_STAT_LABELLED] = "labelled",
	[SNET_STAT_LABEL_EXHAUSTED] = "label_exhausted",
};

/* The counters' names, as /sys/kernel/security/snet/stats spells them. */
const char *snet_stat_name(int stat)
{
	if (stat < SNET_STAT_EVENTS || stat > SNET_STAT_MAX)
		return NULL;
	return snet_stat_names[stat];
}

const char *snet_verdict_name(uint8_t verdict)
{
	switch (verdict) {
	case SNET_VERDICT_ALLOW: return "allow";
	case SNET_VERDICT_DENY: return "deny";
	default: return "none";
	}
}
