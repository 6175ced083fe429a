#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What each step of libsnet's event path adds to the generic-netlink floor
# of an upcall (docs/PERFORMANCE.md, ## snetd), inside the QEMU guest:
#   tests/guest/run.sh --kernel x86 --cpus 2 --suite snetd-upcall-paths \
#       --script tests/bench/snetd/guest-upcall-paths.sh --timeout 900
# Per round, the same udp-connect loop answered by snet-bench
# genl-responder with each SNET_BENCH_RESPONDER variant, by snet-testd
# --quiet and by snetd, against seccomp and the plain call of the round;
# each printed as (daemon - plain) / (seccomp - plain), fastest batch, with
# seccomp and plain measured again right before each daemon (the
# emulator's speed moves between levels within a round), and the median
# per daemon over the rounds at the end.
B=${SNET_TOP:?}/build/out
BENCH=$B/tests/bench/snetd/snet-bench
NL=$B/tests/kernel/snet-nltool
W=/tmp/snetd-upcall-paths
rounds=${SNET_PATHS_ROUNDS:-9}
n=2000
variants="${SNET_PATHS_VARIANTS:-floor epoll mmsg check epoll,mmsg,check libsnet}"
mkdir -p $W/etc /run/snet
export SNET_BENCH_DAEMON_CPU=0
fail() { echo "not ok snetd-upcall-paths: $*"; exit 1; }
. ${SNET_TOP}/tests/bench/snetd/guest-common.sh
best() {
	out=$(taskset -c 0 $BENCH "$@")
	v=$(echo "$out" | sed -n 's/^ns_best_batch=//p')
	[ -n "$v" ] || fail "snet-bench $* gave no figure"
	echo "$v"
}
cat > $W/etc/p.policy <<P
allow syscall connect proto udp remote 127.0.0.1 remote-port 9903 ticket once
P
cat > $W/etc/snetd.conf <<P
[daemon]
policy = $W/etc/p.policy
decision_log = /var/log/snet/paths-decisions.jsonl
[kernel]
default_verdict = deny
timeout_ms = 5000
events = connect:udp
P
# base: seccomp and plain of this moment, with the events flushed
base() {
	$NL event-flush > /dev/null
	sec=$(best seccomp-connect 9903 $n)
	plain=$(best udp-connect 9903 $n)
}
rel() { echo "$1 $plain $sec" | awk '{ printf "%.2f", ($1 - $2) / ($3 - $2) }'; }
: > $W/all
for r in $(seq 1 $rounds); do
	line="round $r:"
	for v in $variants; do
		base
		SNET_BENCH_RESPONDER=$v daemon $BENCH genl-responder $W/ready
		$NL event-add connect 17 > /dev/null
		t=$(best udp-connect 9903 $n)
		kill $dpid; wait $dpid
		x=$(rel $t); line="$line $v=$x"; echo "$v $x" >> $W/all
	done
	base
	daemon $B/tests/kernel/snet-testd --quiet --ready $W/ready \
		--event connect:17 --answer allow
	t=$(best udp-connect 9903 $n)
	kill $dpid; wait $dpid
	x=$(rel $t); line="$line testd=$x"; echo "testd $x" >> $W/all
	base
	$B/bin/snetd -f -c $W/etc/snetd.conf > $W/snetd.log 2>&1 &
	spid=$!
	i=0
	while ! $B/bin/snetctl status > /dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "snetd did not start"; sleep 0.1
	done
	taskset -p -c 0 $spid > /dev/null
	t=$(best udp-connect 9903 $n)
	kill $spid; wait $spid
	x=$(rel $t); line="$line snetd=$x (seccomp $((sec - plain)) ns)"
	echo "snetd $x" >> $W/all
	echo "$line"
done
for v in $variants testd snetd; do
	m=$(awk -v v=$v '$1 == v { print $2 }' $W/all | median)
	echo "median $v $m"
done
echo "ok snetd-upcall-paths: done"
