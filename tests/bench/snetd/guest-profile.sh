#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The profiles quoted in docs/PERFORMANCE.md (## snetd), inside the QEMU
# guest with the host's perf:
#   tests/guest/run.sh --kernel x86 --cpus 2 --suite snetd-profile \
#       --script tests/bench/snetd/guest-profile.sh --timeout 600
# 1. the sendmsg loop with a ticket answering (snet-testd's "task" ticket)
#    and with no event registered; 2. upcalls answered by snet-bench
#    genl-responder, the floor of the netlink path, as sample counts on CPU 0;
# 3. upcalls answered by snetd (the benchmark's settings) against the
#    seccomp loop, as sample counts on CPU 0, where the loop and the
#    deciding thread run: the two totals compare the CPU work of a round
#    trip, and the split says whose it is.
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
# counts FILE SORT [perf report options]: sample counts on CPU 0
counts() {
	f=$1 sort=$2
	shift 2
	perf report -i "$f" --stdio -n --no-children --cpu 0 --sort "$sort" "$@" \
		2>/dev/null | grep '%' | grep -v '^#' | head -40
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
rm -f $W/ready
taskset -c 0 $BENCH genl-responder $W/ready &
resp=$!
i=0
while [ ! -f $W/ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
$NL event-add connect 17 > /dev/null
perf record -q -e cpu-clock -F 20000 -a -o $W/up.data -- \
	taskset -c 0 $BENCH udp-connect 9903 3000 > /dev/null
kill $resp
wait $resp
echo "=== 3000 upcalls answered by snet-bench genl-responder: samples on CPU 0"
counts $W/up.data comm,dso
counts $W/up.data sym

mkdir -p $W/etc /run/snet
echo "allow syscall connect proto udp remote 127.0.0.1 remote-port 9903 ticket once" \
	> $W/etc/profile.policy
printf '%s\n' '[daemon]' "policy = $W/etc/profile.policy" \
	"decision_log = $W/decisions.jsonl" '[kernel]' 'default_verdict = deny' \
	'timeout_ms = 5000' 'events = connect:udp' > $W/etc/snetd.conf
$NL event-flush > /dev/null
$B/bin/snetd -f -c $W/etc/snetd.conf > $W/snetd.log 2>&1 &
snetd=$!
i=0
while ! $B/bin/snetctl status > /dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 300 ] || { echo "not ok snetd-profile: snetd did not start"; exit 1; }
	sleep 0.1
done
taskset -p -c 0 $snetd > /dev/null
taskset -c 0 $BENCH udp-connect 9903 500 > /dev/null
perf record -q -e cpu-clock -F 20000 -a -o $W/snetd.data -- \
	taskset -c 0 $BENCH udp-connect 9903 3000 > /dev/null
kill $snetd
wait $snetd
$NL event-flush > /dev/null
perf record -q -e cpu-clock -F 20000 -a -o $W/seccomp.data -- \
	taskset -c 0 $BENCH seccomp-connect 9903 3000 > /dev/null
echo "=== 3000 upcalls answered by snetd: samples on CPU 0"
counts $W/snetd.data comm,dso
echo "=== the same, snetd's symbols"
counts $W/snetd.data sym --comms snetd
echo "=== the same, the calling loop's symbols"
counts $W/snetd.data sym --comms snet-bench
echo "=== 3000 seccomp round trips: samples on CPU 0"
counts $W/seccomp.data comm,dso
counts $W/seccomp.data sym
echo "ok snetd-profile: done"
