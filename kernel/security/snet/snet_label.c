// SPDX-License-Identifier: GPL-2.0
/*
 * snet - labelling each socket's packets
 *
 * An NFQUEUE consumer must learn which socket sent a packet without
 * scanning /proc.  NFQUEUE hands it the packet mark (NFQA_MARK), and nft
 * rules can match it, so snet writes the socket's label into the bits of
 * skb->mark chosen by the configured mask (SNET_A_LABEL_MASK), and leaves
 * the other bits to their owners.  It does so in a LOCAL_OUT hook rather
 * than in sk->sk_mark, which would change routing decisions and which
 * SO_MARK may overwrite.  Userspace turns a label back into the socket's
 * cookie and owner with SNET_CMD_SOCK_GET.
 *
 * Copyright (C) 2026 snet developers
 */

#include <linux/lockdep.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "snet_core.h"
#include "snet_label.h"
#include "snet_sock.h"

static unsigned int snet_label_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	const struct snet_sock_state *sst;
	struct sock *sk = skb->sk;
	u32 mask, mark;

	if (!static_branch_unlikely(&snet_active))
		return NF_ACCEPT;
	mask = READ_ONCE(snet_config.label_mask);
	/* Request and timewait sockets carry no security blob. */
	if (!mask || !sk || !sk_fullsock(sk))
		return NF_ACCEPT;
	sst = snet_sock_state(sk);
	if (!sst)
		return NF_ACCEPT;
	mark = snet_label_to_mark(READ_ONCE(sst->label), mask);
	if (mark)
		skb->mark = (skb->mark & ~mask) | mark;
	return NF_ACCEPT;
}

static const struct nf_hook_ops snet_label_ops[] = {
	{
		.hook = snet_label_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = SNET_LABEL_PRIORITY,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = snet_label_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = SNET_LABEL_PRIORITY,
	},
#endif
};

static int __net_init snet_label_net_init(struct net *net)
{
	return nf_register_net_hooks(net, snet_label_ops,
				     ARRAY_SIZE(snet_label_ops));
}

static void __net_exit snet_label_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, snet_label_ops,
				ARRAY_SIZE(snet_label_ops));
}

static struct pernet_operations snet_label_net_ops = {
	.init = snet_label_net_init,
	.exit = snet_label_net_exit,
};

/*
 * The hooks exist only while labels are on: with no mask, packets do not
 * even pass through snet.  The caller holds snet_config_lock, which
 * serialises the switch; @on is the state to reach.
 */
int snet_label_switch(bool on)
{
	static bool registered;
	int err = 0;

	lockdep_assert_held(&snet_config_lock);
	if (on && !registered)
		err = register_pernet_subsys(&snet_label_net_ops);
	else if (!on && registered)
		unregister_pernet_subsys(&snet_label_net_ops);
	if (!err)
		registered = on;
	return err;
}
