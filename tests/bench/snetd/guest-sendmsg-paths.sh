#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where the sendmsg ticket-hit overhead comes from (docs/PERFORMANCE.md,
# ## snetd), inside the QEMU guest:
#   tests/guest/run.sh --kernel x86 --cpus 2 --suite snetd-paths \
#       --script tests/bench/snetd/guest-sendmsg-paths.sh --timeout 600
# Rounds of the UDP sendmsg loop of snet-bench, fastest batch per run:
# no event registered ("off"); events registered but not sendmsg, so the
# hook stops at the mediation test ("notmediated"); sendmsg mediated and
# a ticket of snet-testd answering ("ticket").
B=${SNET_TOP:?}/build/out
BENCH=$B/tests/bench/snetd/snet-bench
NL=$B/tests/kernel/snet-nltool
W=/tmp/snetd-paths
mkdir -p $W
$NL event-flush > /dev/null
taskset -c 0 $B/tests/kernel/snet-testd --log /dev/null --ready $W/ready \
	--rule sendmsg:9901=allow:task --answer allow &
testd=$!
i=0
while [ ! -f $W/ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -f $W/ready ] || { echo "not ok snetd-paths: snet-testd did not start"; exit 1; }
best() { taskset -c 0 $BENCH udp-sendmsg 9901 20000 | sed -n 's/^ns_best_batch=//p'; }
for r in 1 2 3 4 5 6 7 8; do
	$NL event-flush > /dev/null
	off=$(best)
	$NL event-add connect 6 > /dev/null
	notmed=$(best)
	$NL event-add sendmsg 17 > /dev/null
	tick=$(best)
	echo "round $r: off $off notmediated $notmed ticket $tick (ns per call, fastest batch)"
done
kill $testd
wait $testd
echo "ok snetd-paths: done"
