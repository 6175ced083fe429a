// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snet-nltool: one SNET netlink command from the shell, for the in-guest
 * tests.  Prints what the kernel answered and "result=<ERRNO NAME>".
 *
 *   snet-nltool [--as-nobody] COMMAND ...
 *     config-get | config-set KEY=VALUE...
 *         (default_verdict=allow|deny timeout_ms= ticket_life=once|timed|task
 *          ticket_seconds= ticket_max= label_mask=)
 *     register | unregister | register-and-exit
 *     event-add SYSCALL PROTO | event-del SYSCALL PROTO | event-list | event-flush
 *     ticket-sock COOKIE allow|deny [SECONDS [SYSCALL_MASK]]
 *     ticket-task PID SYSCALL PROTO REMOTE_ADDR REMOTE_PORT allow|deny [SECONDS]
 *     ticket-list [PID] | ticket-revoke [id=N|pid=N|cookie=N]
 *     stats | sock-cookie N | sock-label N | pending | subscribe
 *     raw CMD TYPE:HEX...  (send attributes as given, for malformed input;
 *                           CMD and TYPE by number or by the name after
 *                           SNET_CMD_ / SNET_A_, e.g. raw SET_CONFIG TIMEOUT_MS:0100)
 *
 * --as-nobody drops to uid/gid 65534 and every capability before opening
 * the socket.
 */

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "snet_nl.h"

static void result(int err)
{
	const char *name = err ? strerrorname_np(-err) : "OK";

	printf("result=%s\n", name ? name : "E?");
}

static int parse_u(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || end == s ? -EINVAL : 0;
}

static int config_set(struct snet_nl *nl, int argc, char **argv)
{
	struct snet_config cfg = { 0 };
	unsigned int fields = 0;
	unsigned long long v;
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		if (!strcmp(argv[i], "default_verdict")) {
			cfg.default_verdict = !strcmp(eq, "deny") ?
				SNET_VERDICT_DENY : SNET_VERDICT_ALLOW;
			fields |= SNET_CFG_DEFAULT_VERDICT;
			continue;
		}
		if (!strcmp(argv[i], "ticket_life")) {
			cfg.ticket_life = !strcmp(eq, "task") ? SNET_TICKET_TASK :
					  !strcmp(eq, "timed") ? SNET_TICKET_TIMED :
					  SNET_TICKET_ONCE;
			fields |= SNET_CFG_TICKET_LIFE;
			continue;
		}
		if (parse_u(eq, &v))
			return -EINVAL;
		if (!strcmp(argv[i], "timeout_ms")) {
			cfg.timeout_ms = v;
			fields |= SNET_CFG_TIMEOUT;
		} else if (!strcmp(argv[i], "ticket_seconds")) {
			cfg.ticket_seconds = v;
			fields |= SNET_CFG_TICKET_SECONDS;
		} else if (!strcmp(argv[i], "ticket_max")) {
			cfg.ticket_max = v;
			fields |= SNET_CFG_TICKET_MAX;
		} else if (!strcmp(argv[i], "label_mask")) {
			cfg.label_mask = v;
			fields |= SNET_CFG_LABEL_MASK;
		} else {
			return -EINVAL;
		}
	}
	return snet_nl_config_set(nl, &cfg, fields);
}

static int print_event_pair(uint8_t syscall, uint8_t protocol, void *arg)
{
	(void)arg;
	printf("event %s %u\n", snet_syscall_name(syscall), protocol);
	return 0;
}

static int print_ticket(const struct snet_ticket *t, void *arg)
{
	char ip[INET6_ADDRSTRLEN] = "-";

	(void)arg;
	if (t->cookie) {
		printf("ticket id=%llu cookie=%llu verdict=%s mask=0x%x life=%u expires_ms=%u\n",
		       (unsigned long long)t->id, (unsigned long long)t->cookie,
		       snet_verdict_name(t->verdict), t->syscall_mask, t->life,
		       t->expires_ms);
		return 0;
	}
	if (t->has_remote)
		inet_ntop(t->family, t->remote_addr, ip, sizeof(ip));
	printf("ticket id=%llu pid=%u syscall=%s proto=%u remote=%s:%u local_port=%u verdict=%s life=%u expires_ms=%u\n",
	       (unsigned long long)t->id, t->pid, snet_syscall_name(t->syscall),
	       t->protocol, ip, t->remote_port, t->local_port,
	       snet_verdict_name(t->verdict), t->life, t->expires_ms);
	return 0;
}

static int print_pending(const struct snet_event *ev, void *arg)
{
	(void)arg;
	printf("pending id=%u syscall=%s pid=%u comm=%s left_ms=%u\n", ev->id,
	       snet_syscall_name(ev->syscall), ev->pid, ev->comm,
	       ev->timeout_left_ms);
	return 0;
}

#define NAME(prefix, x) { #x, prefix##x }
struct raw_name {
	const char *name;
	int value;
};

static const struct raw_name raw_cmds[] = {
	NAME(SNET_CMD_, GET_CONFIG), NAME(SNET_CMD_, SET_CONFIG),
	NAME(SNET_CMD_, REGISTER), NAME(SNET_CMD_, EVENT_INSERT),
	NAME(SNET_CMD_, VERDICT), NAME(SNET_CMD_, TICKET_SET),
	NAME(SNET_CMD_, TICKET_REVOKE), NAME(SNET_CMD_, SOCK_GET),
	{ NULL, 0 },
};

static const struct raw_name raw_attrs[] = {
	NAME(SNET_A_, DEFAULT_VERDICT), NAME(SNET_A_, TIMEOUT_MS),
	NAME(SNET_A_, TICKET_LIFE), NAME(SNET_A_, LABEL_MASK),
	NAME(SNET_A_, VERDICT_ID), NAME(SNET_A_, SYSCALL),
	NAME(SNET_A_, PROTOCOL), NAME(SNET_A_, FAMILY),
	NAME(SNET_A_, LOCAL_ADDR), NAME(SNET_A_, REMOTE_ADDR),
	NAME(SNET_A_, PID), NAME(SNET_A_, EXE), NAME(SNET_A_, COMM),
	NAME(SNET_A_, SOCK_COOKIE), NAME(SNET_A_, VERDICT),
	NAME(SNET_A_, SYSCALL_MASK), NAME(SNET_A_, DAEMON_PID),
	{ NULL, 0 },
};

static int raw_value(const struct raw_name *names, const char *s)
{
	for (; names->name; names++)
		if (!strcmp(s, names->name))
			return names->value;
	return atoi(s);
}

/* Sends attributes exactly as given: "TYPE:HEXBYTES" each. */
static int raw(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg;
	int family, cmd, err, i;

	if (!sk || genl_connect(sk) < 0)
		return -EIO;
	family = genl_ctrl_resolve(sk, SNET_GENL_NAME);
	if (family < 0)
		return -ENOENT;
	cmd = raw_value(raw_cmds, argv[0]);
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 cmd, SNET_GENL_VERSION))
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		unsigned char data[512];
		char *hex = strchr(argv[i], ':');
		size_t n = 0;

		if (!hex)
			return -EINVAL;
		*hex++ = '\0';
		while (hex[0] && hex[1] && n < sizeof(data)) {
			unsigned int byte;

			if (sscanf(hex, "%2x", &byte) != 1)
				return -EINVAL;
			data[n++] = byte;
			hex += 2;
		}
		if (nla_put(msg, raw_value(raw_attrs, argv[i]), n, data) < 0)
			return -EMSGSIZE;
	}
	/* nl_send_sync folds the kernel's errno into libnl codes: map back
	 * the few this tool is used for.
	 */
	err = nl_send_sync(sk, msg);
	nl_socket_free(sk);
	switch (-err) {
	case 0: return 0;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_PERM: return -EPERM;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	default: return -EIO;
	}
}

static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	struct snet_nl *nl;
	const char *cmd;
	int err;

	if (argc > 1 && !strcmp(argv[1], "--as-nobody")) {
		err = drop_privileges();
		if (err) {
			fprintf(stderr, "snet-nltool: dropping privileges: %s\n",
				strerror(-err));
			return 3;
		}
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: see the comment at the top of snet-nltool.c\n");
		return 2;
	}
	cmd = argv[1];
	argv += 2;
	argc -= 2;
	if (!strcmp(cmd, "raw")) {
		if (argc < 1)
			return 2;
		result(raw(argc, argv));
		return 0;
	}
	err = snet_nl_open(&nl);
	if (err) {
		result(err);
		return 0;
	}
	if (!strcmp(cmd, "config-get")) {
		struct snet_config c;

		err = snet_nl_config_get(nl, &c);
		if (!err)
			printf("version=%u default_verdict=%s timeout_ms=%u ticket_life=%u ticket_seconds=%u ticket_max=%u label_mask=0x%x daemon_pid=%u\n",
			       c.version, snet_verdict_name(c.default_verdict),
			       c.timeout_ms, c.ticket_life, c.ticket_seconds,
			       c.ticket_max, c.label_mask, c.daemon_pid);
	} else if (!strcmp(cmd, "config-set")) {
		err = config_set(nl, argc, argv);
	} else if (!strcmp(cmd, "register")) {
		err = snet_nl_register(nl);
	} else if (!strcmp(cmd, "register-and-exit")) {
		/* The socket closes with the process: the kernel notices. */
		err = snet_nl_register(nl);
	} else if (!strcmp(cmd, "unregister")) {
		err = snet_nl_unregister(nl);
	} else if (!strcmp(cmd, "event-add") && argc == 2) {
		err = snet_nl_event_insert(nl, snet_syscall_from_name(argv[0]),
					   atoi(argv[1]));
	} else if (!strcmp(cmd, "event-del") && argc == 2) {
		err = snet_nl_event_remove(nl, snet_syscall_from_name(argv[0]),
					   atoi(argv[1]));
	} else if (!strcmp(cmd, "event-list")) {
		err = snet_nl_event_list(nl, print_event_pair, NULL);
	} else if (!strcmp(cmd, "event-flush")) {
		err = snet_nl_event_flush(nl);
	} else if (!strcmp(cmd, "ticket-sock") && argc >= 2) {
		struct snet_ticket t = { 0 };

		t.cookie = strtoull(argv[0], NULL, 0);
		t.verdict = !strcmp(argv[1], "deny") ? SNET_VERDICT_DENY :
						      SNET_VERDICT_ALLOW;
		t.life = SNET_TICKET_TASK;
		if (argc >= 3 && atoi(argv[2])) {
			t.life = SNET_TICKET_TIMED;
			t.seconds = atoi(argv[2]);
		}
		if (argc >= 4)
			t.syscall_mask = strtoul(argv[3], NULL, 0);
		err = snet_nl_ticket_set(nl, &t);
		if (!err)
			printf("ticket id=%llu\n", (unsigned long long)t.id);
	} else if (!strcmp(cmd, "ticket-task") && argc >= 6) {
		struct snet_ticket t = { 0 };

		t.pid = atoi(argv[0]);
		t.syscall = snet_syscall_from_name(argv[1]);
		t.protocol = atoi(argv[2]);
		t.family = strchr(argv[3], ':') ? AF_INET6 : AF_INET;
		if (inet_pton(t.family, argv[3], t.remote_addr) != 1) {
			err = -EINVAL;
			goto out;
		}
		t.has_remote = true;
		t.remote_port = atoi(argv[4]);
		t.verdict = !strcmp(argv[5], "deny") ? SNET_VERDICT_DENY :
						      SNET_VERDICT_ALLOW;
		t.life = SNET_TICKET_TASK;
		if (argc >= 7) {
			t.life = SNET_TICKET_TIMED;
			t.seconds = atoi(argv[6]);
		}
		err = snet_nl_ticket_set(nl, &t);
		if (!err)
			printf("ticket id=%llu\n", (unsigned long long)t.id);
	} else if (!strcmp(cmd, "ticket-list")) {
		err = snet_nl_ticket_list(nl, argc ? atoi(argv[0]) : 0,
					  print_ticket, NULL);
	} else if (!strcmp(cmd, "ticket-revoke")) {
		unsigned long long id = 0, pid = 0, cookie = 0;

		if (argc && !strncmp(argv[0], "id=", 3))
			id = strtoull(argv[0] + 3, NULL, 0);
		else if (argc && !strncmp(argv[0], "pid=", 4))
			pid = strtoull(argv[0] + 4, NULL, 0);
		else if (argc && !strncmp(argv[0], "cookie=", 7))
			cookie = strtoull(argv[0] + 7, NULL, 0);
		err = snet_nl_ticket_revoke(nl, id, pid, cookie);
	} else if (!strcmp(cmd, "stats")) {
		uint64_t stats[SNET_STAT_MAX + 1];
		int i;

		err = snet_nl_stats(nl, stats);
		for (i = SNET_STAT_EVENTS; !err && i <= SNET_STAT_MAX; i++)
			printf("%s=%llu\n", snet_stat_name(i),
			       (unsigned long long)stats[i]);
	} else if (!strcmp(cmd, "sock-cookie") && argc == 1) {
		struct snet_sock_info si;

		err = snet_nl_sock_get(nl, strtoull(argv[0], NULL, 0), 0, &si);
		if (!err)
			printf("sock cookie=%llu label=%u tgid=%u uid=%u comm=%s\n",
			       (unsigned long long)si.cookie, si.label, si.tgid,
			       si.uid, si.comm);
	} else if (!strcmp(cmd, "sock-label") && argc == 1) {
		struct snet_sock_info si;

		err = snet_nl_sock_get(nl, 0, strtoul(argv[0], NULL, 0), &si);
		if (!err)
			printf("sock cookie=%llu label=%u tgid=%u uid=%u comm=%s\n",
			       (unsigned long long)si.cookie, si.label, si.tgid,
			       si.uid, si.comm);
	} else if (!strcmp(cmd, "pending")) {
		err = snet_nl_pending_list(nl, print_pending, NULL);
	} else if (!strcmp(cmd, "subscribe")) {
		err = snet_nl_subscribe(nl);
	} else {
		fprintf(stderr, "snet-nltool: unknown command %s\n", cmd);
		snet_nl_close(nl);
		return 2;
	}
out:
	result(err);
	snet_nl_close(nl);
	return 0;
}
