#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# snetd's benchmarks, inside the QEMU guest (tests/bench/snetd/run.sh boots
# it).  Prints "bench NAME ratio=R goal=G" and "bench NAME value=V" lines.
#
# 1. Ticket-hit overhead: the UDP sendmsg loop and the TCP connect+close
#    loop of snet-bench with their events registered and snetd's "ticket
#    exit" rule answering (one upcall in the untimed warm-up, then the
#    kernel's ticket decides), against the same loops with no event
#    registered.  Interleaved over ROUNDS rounds, the order alternating; the
#    ratio is the median of the per-round ratios.  For the record, each
#    round also runs both comparisons inside one process, the event
#    switched between batches (snet-bench udp-sendmsg-ab and
#    tcp-connect-ab; "-interleaved").
# 2. Upcall latency: UDP connect() decided by snetd's policy on every call
#    (ticket once), against a seccomp user-notification round trip answered
#    "continue" at once by a supervisor process; both minus the same connect
#    with neither (measured in the same rounds).  The ratio is the median
#    snet cost over the median seccomp cost.  For the record, each round
#    also runs all three in one process, batch by batch (snet-bench
#    upcall-ab; "-interleaved", the median of the per-round ratios).
#
# Each run's figure is its fastest batch (snet-bench): the emulator shares
# a loaded host, and a slow batch is mostly the host's doing.  The means
# are printed too ("...-mean" lines, and each round's line).
#
# Where things run: the measured loops, and the deciding daemon's receiving
# thread (snetd's main thread, the seccomp supervisor, snet-testd), all on
# CPU 0; snetd's other threads (the log writer) anywhere.  Unpinned, or
# with the daemon on CPU 1, whole runs came out several times slower
# whenever the emulator's second CPU thread waited for the host (the host
# is shared): a wake-up on the other CPU waits for that thread.
#
# Sizes from the kernel command line: snetbench.rounds=, .sendmsg=,
# .connect=, .upcall= (calls per timed run).

B=${SNET_TOP:?}/build/out
BENCH=$B/tests/bench/snetd/snet-bench
NL=$B/tests/kernel/snet-nltool
W=/tmp/snetd-bench
ETC=$W/etc
rounds=9 n_send=20000 n_conn=2000 n_up=2000
for arg in $(cat /proc/cmdline); do
	case $arg in
	snetbench.rounds=*) rounds=${arg#*=} ;;
	snetbench.sendmsg=*) n_send=${arg#*=} ;;
	snetbench.connect=*) n_conn=${arg#*=} ;;
	snetbench.upcall=*) n_up=${arg#*=} ;;
	esac
done

fail() { echo "not ok snetd-bench: $*"; exit 1; }
. ${SNET_TOP}/tests/bench/snetd/guest-common.sh
# run MODE PORT N: one timed loop; "BEST MEAN" ns per call
run() {
	out=$(taskset -c 0 $BENCH "$@")
	best=$(echo "$out" | sed -n 's/^ns_best_batch=//p')
	mean=$(echo "$out" | sed -n 's/^ns_per_call=//p')
	[ -n "$best" ] && [ -n "$mean" ] || fail "snet-bench $* gave no figure"
	echo "$best $mean"
}
events_on() {
	for e in "sendmsg 17" "connect 6" "connect 17"; do
		$NL event-add $e > /dev/null
	done
}
events_off() { $NL event-flush > /dev/null; }
side() { if [ "$1" = on ]; then events_on; else events_off; fi; }

mkdir -p $W $ETC /run/snet
cat > $ETC/bench.policy <<EOF
allow syscall sendmsg proto udp remote 127.0.0.1 remote-port 9901 ticket exit
allow syscall connect proto tcp remote 127.0.0.1 remote-port 9902 ticket exit
allow syscall connect proto udp remote 127.0.0.1 remote-port 9903 ticket once
allow syscall connect proto udp remote 127.0.0.1 remote-port 9904 ticket exit
EOF
cat > $ETC/snetd.conf <<EOF
[daemon]
policy = $ETC/bench.policy
decision_log = /var/log/snet/bench-decisions.jsonl
[kernel]
default_verdict = deny
timeout_ms = 5000
events = sendmsg:udp connect:tcp connect:udp
EOF
$B/bin/snetd -f -c $ETC/snetd.conf > $W/snetd.log 2>&1 &
snetd=$!
i=0
while ! $B/bin/snetctl status > /dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "snetd did not start: $(cat $W/snetd.log)"
	sleep 0.1
done
# Its main thread (the process id) reads the events and runs the policy.
taskset -p -c 0 $snetd > /dev/null || fail "cannot pin snetd"
export SNET_BENCH_DAEMON_CPU=0
echo "snetd-bench: $rounds rounds; sendmsg $n_send, connect $n_conn, upcall $n_up calls per run"

: > $W/send
: > $W/conn
: > $W/up
: > $W/ab
: > $W/cab
: > $W/upab
for r in $(seq 1 $rounds); do
	# Alternate which side goes first: drift hits both alike.  The two
	# runs of a ratio follow each other (A: sendmsg; B: sendmsg, connect;
	# A: connect), so a busy spell of the host hits both or neither.
	if [ $((r % 2)) = 1 ]; then a=on b=off; else a=off b=on; fi
	side $a; eval "s_$a=\$(run udp-sendmsg 9901 $n_send)"
	side $b; eval "s_$b=\$(run udp-sendmsg 9901 $n_send)"
	eval "c_$b=\$(run tcp-connect 9902 $n_conn)"
	side $a; eval "c_$a=\$(run tcp-connect 9902 $n_conn)"
	# The same sendmsg comparison inside one process, batch by batch
	# (snet-bench udp-sendmsg-ab): for the record, next to the goal's.
	ab=$(taskset -c 0 $BENCH udp-sendmsg-ab 9901 $n_send)
	ab_on=$(echo "$ab" | sed -n 's/^on_ns_best_batch=//p')
	ab_off=$(echo "$ab" | sed -n 's/^off_ns_best_batch=//p')
	[ -n "$ab_on" ] && [ -n "$ab_off" ] || fail "snet-bench udp-sendmsg-ab gave no figure"
	echo "$ab_on $ab_off" >> $W/ab
	cab=$(taskset -c 0 $BENCH tcp-connect-ab 9902 $n_conn)
	cab_on=$(echo "$cab" | sed -n 's/^on_ns_best_batch=//p')
	cab_off=$(echo "$cab" | sed -n 's/^off_ns_best_batch=//p')
	[ -n "$cab_on" ] && [ -n "$cab_off" ] || fail "snet-bench tcp-connect-ab gave no figure"
	echo "$cab_on $cab_off" >> $W/cab
	# Files of "ON_BEST ON_MEAN OFF_BEST OFF_MEAN" per round.
	echo "$s_on $s_off" >> $W/send
	echo "$c_on $c_off" >> $W/conn
	echo "round $r: sendmsg $s_on / $s_off ns, connect+close $c_on / $c_off ns (ticket / none; best batch, mean); interleaved sendmsg $ab_on / $ab_off ns, connect+close $cab_on / $cab_off ns"

	events_on
	u_snet=$(run udp-connect 9903 $n_up)
	events_off
	u_sec=$(run seccomp-connect 9903 $n_up)
	u_plain=$(run udp-connect 9903 $n_up)
	echo "$u_snet $u_sec $u_plain" >> $W/up
	echo "round $r: connect snetd $u_snet ns, seccomp $u_sec ns, plain $u_plain ns (best batch, mean)"
	# The same three in one process, batch by batch (snet-bench upcall-ab).
	events_on
	ua=$(taskset -c 0 $BENCH upcall-ab 9903 $n_up)
	ua_snet=$(echo "$ua" | sed -n 's/^snet_ns_best_batch=//p')
	ua_sec=$(echo "$ua" | sed -n 's/^seccomp_ns_best_batch=//p')
	ua_plain=$(echo "$ua" | sed -n 's/^plain_ns_best_batch=//p')
	[ -n "$ua_snet" ] && [ -n "$ua_sec" ] && [ -n "$ua_plain" ] ||
		fail "snet-bench upcall-ab gave no figure"
	echo "$ua_snet $ua_sec $ua_plain" >> $W/upab
	echo "round $r: interleaved connect snetd $ua_snet ns, seccomp $ua_sec ns, plain $ua_plain ns (best batch)"
done
events_on

# The decisions really were snetd's, and the tickets really answered.
st=$($B/bin/snetctl -j stats)
echo "snetd: $(echo "$st" | jq -c '.daemon | {submitted, decided_by, send_errors, max_latency_us}')"
echo "kernel: $(echo "$st" | jq -c '.kernel | {events, allow, deny, timeout, ticket_allow}')"
[ "$(echo "$st" | jq '.kernel.timeout + .kernel.deny + .daemon.send_errors')" = 0 ] ||
	fail "calls were denied or timed out: $(echo "$st" | jq -c .kernel)"
up_calls=$(grep -c '"port":9903' /var/log/snet/bench-decisions.jsonl)
[ "$up_calls" -ge $((rounds * n_up)) ] ||
	fail "only $up_calls of the $((rounds * n_up)) timed upcalls reached snetd"

# col FILE N: column N of every round
col() { awk -v n="$2" '{ print $n }' "$1"; }
# ratio FILE A B: the median over rounds of column A / column B
ratio() { awk -v a="$2" -v b="$3" '{ printf "%.4f\n", $a / $b }' "$1" | median; }
for t in send:sendmsg conn:connect; do
	f=$W/${t%%:*} n=${t#*:}
	echo "bench ticket-hit-$n ratio=$(printf %.2f $(ratio $f 1 3)) goal=<=1.05"
	echo "bench ticket-hit-$n-mean ratio=$(printf %.2f $(ratio $f 2 4))"
	echo "bench ticket-hit-$n-ticket value=$(col $f 1 | median)ns"
	echo "bench ticket-hit-$n-none value=$(col $f 3 | median)ns"
done
echo "bench ticket-hit-sendmsg-interleaved ratio=$(printf %.2f $(ratio $W/ab 1 2))"
echo "bench ticket-hit-connect-interleaved ratio=$(printf %.2f $(ratio $W/cab 1 2))"

# The cost of deciding: the connect minus the plain connect of its round.
snet=$(awk '{ print $1 - $5 }' $W/up | median)
sec=$(awk '{ print $3 - $5 }' $W/up | median)
snet_mean=$(awk '{ print $2 - $6 }' $W/up | median)
sec_mean=$(awk '{ print $4 - $6 }' $W/up | median)
echo "bench upcall-latency ratio=$(echo "$snet $sec" | awk '{ printf "%.2f", $1 / $2 }') goal=<=1.0"
echo "bench upcall-latency-mean ratio=$(echo "$snet_mean $sec_mean" | awk '{ printf "%.2f", $1 / $2 }')"
echo "bench upcall-snetd value=${snet}ns"
echo "bench upcall-seccomp value=${sec}ns"
echo "bench upcall-connect-plain value=$(col $W/up 5 | median)ns"
echo "bench upcall-latency-interleaved ratio=$(awk '{ printf "%.4f\n", ($1 - $3) / ($2 - $3) }' $W/upab | median | awk '{ printf "%.2f", $1 }')"

kill $snetd
wait $snetd

# For the record, not goals: the same upcall answered by snet-testd (the
# kernel tests' daemon: libsnet, one thread, no policy, no log), which
# bounds what snetd itself could shave off; and by snet-bench
# genl-responder (a blocking recv() and one send() of a ready message per
# event, the system calls of a seccomp supervisor), the floor of the
# generic-netlink transport itself.
: > $W/min
for r in $(seq 1 3); do
	events_off
	daemon $B/tests/kernel/snet-testd --quiet --ready $W/ready \
		--event connect:17 --answer allow
	u_min=$(run udp-connect 9903 $n_up)
	kill $dpid
	wait $dpid
	events_off
	daemon $BENCH genl-responder $W/ready
	$NL event-add connect 17 > /dev/null
	u_floor=$(run udp-connect 9903 $n_up)
	kill $dpid
	wait $dpid
	events_off
	u_sec=$(run seccomp-connect 9903 $n_up)
	u_plain=$(run udp-connect 9903 $n_up)
	echo "$u_min $u_sec $u_plain $u_floor" >> $W/min
	echo "round $r: connect snet-testd $u_min ns, genl-responder $u_floor ns, seccomp $u_sec ns, plain $u_plain ns (best batch, mean)"
done
min=$(awk '{ print $1 - $5 }' $W/min | median)
sec=$(awk '{ print $3 - $5 }' $W/min | median)
floor=$(awk '{ print $7 - $5 }' $W/min | median)
echo "bench upcall-minimal-daemon value=${min}ns"
echo "bench upcall-minimal-daemon-vs-seccomp ratio=$(echo "$min $sec" | awk '{ printf "%.2f", $1 / $2 }')"
echo "bench upcall-genl-floor value=${floor}ns"
echo "bench upcall-genl-floor-vs-seccomp ratio=$(echo "$floor $sec" | awk '{ printf "%.2f", $1 / $2 }')"
echo "ok snetd-bench: done"
