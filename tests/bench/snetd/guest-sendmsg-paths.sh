#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where the sendmsg ticket-hit overhead comes from (docs/PERFORMANCE.md,
# ## snetd), inside the QEMU guest:
#   tests/guest/run.sh --kernel x86 --cpus 2 --suite snetd-paths \
#       --script tests/bench/snetd/guest-sendmsg-paths.sh --timeout 600
# Rounds of snet-bench udp-sendmsg-ab (one process, the events changed
# between batches), the "on" side always sendmsg:udp mediated with a
# ticket of snet-testd answering, against three bases: no event ("off"),
# an event that is not sendmsg, so the hook stops at the mediation test
# ("notmediated"), and the same as the "on" side ("ticket": how far from
# 1.00 the method itself is).  Fastest batch per side.
B=${SNET_TOP:?}/build/out
BENCH=$B/tests/bench/snetd/snet-bench
NL=$B/tests/kernel/snet-nltool
W=/tmp/snetd-paths
rounds=${SNET_PATHS_ROUNDS:-6}
mkdir -p $W
$NL event-flush > /dev/null
taskset -c 0 $B/tests/kernel/snet-testd --log /dev/null --ready $W/ready \
	--rule sendmsg:9901=allow:task --answer allow &
testd=$!
i=0
while [ ! -f $W/ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -f $W/ready ] || { echo "not ok snetd-paths: snet-testd did not start"; exit 1; }
ab() {
	out=$(SNET_BENCH_AB_BASE=$1 taskset -c 0 $BENCH udp-sendmsg-ab 9901 20000)
	on=$(echo "$out" | sed -n 's/^on_ns_best_batch=//p')
	off=$(echo "$out" | sed -n 's/^off_ns_best_batch=//p')
	echo "$on $off" | awk -v b="$1" '{ printf "%s %s/%s=%.3f", b, $1, $2, $1 / $2 }'
}
for r in $(seq 1 $rounds); do
	echo "round $r: $(ab off) $(ab notmediated) $(ab ticket) (ticket ns / base ns, fastest batch)"
done
kill $testd
wait $testd
echo "ok snetd-paths: done"
