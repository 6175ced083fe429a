#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The profiles quoted in docs/PERFORMANCE.md (## snetd), inside the QEMU
# guest with the host's perf:
#   tests/guest/run.sh --kernel x86 --cpus 2 --suite snetd-profile \
#       --script tests/bench/snetd/guest-profile.sh --timeout 600
# 1. the sendmsg loop with a ticket answering (snet-testd's "task" ticket)
#    and with no event registered; 2. upcalls answered by snet-testd, the
#    floor of the netlink path (perf record -a: both sides of the round trip).
B=${SNET_TOP:?}/build/out
BENCH=$B/tests/bench/snetd/snet-bench
NL=$B/tests/kernel/snet-nltool
W=/tmp/snetd-profile
mkdir -p $W
command -v perf > /dev/null || { echo "not ok snetd-profile: no perf"; exit 1; }
testd() {
	rm -f $W/ready
	taskset -c 0 $B/tests/kernel/snet-testd --log /dev/null --ready $W/ready "$@" &
	testd=$!
	i=0
	while [ ! -f $W/ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}
report() {
	perf report -i "$1" --stdio --no-children --sort "$2" 2>/dev/null |
		grep '%' | grep -v '^#' | head -45
}

$NL event-flush > /dev/null
testd --event sendmsg:17 --rule sendmsg:9901=allow:task --answer allow
perf record -q -e cpu-clock -F 20000 -o $W/on.data -- \
	taskset -c 0 $BENCH udp-sendmsg 9901 40000 > /dev/null
$NL event-flush > /dev/null
perf record -q -e cpu-clock -F 20000 -o $W/off.data -- \
	taskset -c 0 $BENCH udp-sendmsg 9901 40000 > /dev/null
kill $testd
wait $testd
echo "=== sendmsg loop, a ticket answering"
report $W/on.data sym
echo "=== sendmsg loop, no event registered"
report $W/off.data sym

$NL event-flush > /dev/null
testd --event connect:17 --answer allow
perf record -q -e cpu-clock -a -g -o $W/up.data -- \
	taskset -c 0 $BENCH udp-connect 9903 3000 > /dev/null
kill $testd
wait $testd
echo "=== upcalls answered by snet-testd (all CPUs)"
report $W/up.data comm,sym
echo "ok snetd-profile: done"
