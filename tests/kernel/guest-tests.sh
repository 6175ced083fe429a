#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The snet LSM's tests, run inside the test kernel by tests/guest/run.sh.
# Real programs, real sockets on loopback, the real netlink family; each
# check prints "ok kernel: NAME" or "not ok kernel: NAME: why".

T=${SNET_TOP:?}/build/out/tests/kernel
PROBE=$T/snet-probe
NL=$T/snet-nltool
TESTD=$T/snet-testd
W=/tmp/snet-tests
mkdir -p $W
SECFS=/sys/kernel/security/snet
SUITE=kernel
. "$SNET_TOP/tests/guest/tap.sh"

# result of a probe/nltool run: the value after the last "result="
res() { sed -n 's/.*result=//p' | tail -1; }

stat_of() { $NL stats | sed -n "s/^$1=//p"; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

daemon_pid=
start_daemon() {
	rm -f $W/ready $W/events.log
	$TESTD --log $W/events.log --ready $W/ready "$@" 2>>$W/testd.err &
	daemon_pid=$!
	i=0
	while [ ! -f $W/ready ] && [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	[ -f $W/ready ] || fail "daemon start" "snet-testd $* did not start: $(cat $W/testd.err)"
}

stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	kill "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
}

# Back to a known state between tests.
reset() {
	stop_daemon
	$NL event-flush >/dev/null
	$NL unregister >/dev/null
	$NL ticket-revoke >/dev/null
	$NL config-set default_verdict=allow timeout_ms=5000 ticket_life=once \
		ticket_seconds=60 ticket_max=64 label_mask=0 >/dev/null
}

events_matching() { grep -c "$1" $W/events.log 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- KUnit
kunit_results() {
	dmesg -t | awk '
		/# Subtest: snet_/ { suite = $NF; next }
		/^[ \t]+(not )?ok [0-9]+ / && suite != "" {
			line = $0; sub(/^[ \t]+/, "", line)
			status = (line ~ /^not ok/) ? "not ok" : "ok"
			n = split(line, f, " ")
			name = (status == "ok") ? f[3] : f[4]
			print status " kunit: " suite "." name
			next
		}
		/^(not )?ok [0-9]+ snet_/ { suite = "" }
	'
}
kunit=$(kunit_results)
if [ -z "$kunit" ]; then
	fail "kunit" "no snet KUnit results in the kernel log"
else
	echo "$kunit"
	for s in snet_event snet_ticket snet_verdict snet_netlink; do
		echo "$kunit" | grep -q " kunit: $s\." && ok "kunit suite $s ran" ||
			fail "kunit suite $s ran" "missing"
	done
fi

# ---------------------------------------------------------------- basics
grep -q snet /sys/kernel/security/lsm && ok "snet in the LSM list" ||
	fail "snet in the LSM list" "$(cat /sys/kernel/security/lsm)"
[ -r $SECFS/state ] && [ -r $SECFS/stats ] && [ -r $SECFS/events ] &&
	ok "securityfs entries" || fail "securityfs entries" "missing under $SECFS"
check "netlink family version" "version=1" \
	"$($NL config-get | grep -o 'version=[0-9]*')"

# Servers the connections go to; started before any event is registered.
$PROBE serve 127.0.0.1 8080 >/dev/null &
$PROBE serve 127.0.0.1 8081 >/dev/null &
$PROBE serve ::1 8082 >/dev/null &
sleep 0.3
reset

# ------------------------------------------------- no daemon: the default
$NL event-add connect 6 >/dev/null
t0=$(now_ms)
r=$($PROBE connect tcp 127.0.0.1 8080 | res)
t1=$(now_ms)
check "no daemon, default allow" OK "$r"
[ $((t1 - t0)) -lt 1000 ] && ok "no daemon: no wait" ||
	fail "no daemon: no wait" "took $((t1 - t0)) ms"
$NL config-set default_verdict=deny >/dev/null
check "no daemon, default deny" EACCES "$($PROBE connect tcp 127.0.0.1 8080 | res)"
n=$(stat_of no_daemon)
[ "${n:-0}" -ge 2 ] && ok "no_daemon counted" || fail "no_daemon counted" "$n"
grep -q "^connect 6$" $SECFS/events && ok "securityfs lists events" ||
	fail "securityfs lists events" "$(cat $SECFS/events)"
reset

# ------------------------------------------ grant and deny, each syscall
start_daemon --event connect:6 --event connect:17 \
	--rule connect:8081=deny --rule connect:8082=deny --answer allow
check "connect allowed" OK "$($PROBE connect tcp 127.0.0.1 8080 | res)"
check "connect denied" EACCES "$($PROBE connect tcp 127.0.0.1 8081 | res)"
check "connect denied, IPv6" EACCES "$($PROBE connect tcp ::1 8082 | res)"
check "connect udp allowed" OK "$($PROBE connect udp 127.0.0.1 9999 | res)"
line=$(grep 'syscall=connect.*remote=127.0.0.1:8081' $W/events.log | head -1)
case $line in
*"comm=snet-probe"*"exe=$PROBE "*"uid=0"*) ;;
esac
echo "$line" | grep -q "comm=snet-probe" && echo "$line" | grep -q "exe=$PROBE " &&
	echo "$line" | grep -q "proto=6 family=2" && echo "$line" | grep -q "cookie=[1-9]" &&
	ok "event describes the call" || fail "event describes the call" "$line"
grep -q 'remote=\[::1\]:8082' $W/events.log && ok "IPv6 event addresses" ||
	fail "IPv6 event addresses" "$(grep 8082 $W/events.log)"
reset

start_daemon --event bind:6 --rule bind:9001=deny --answer allow
check "bind denied" EACCES "$($PROBE bind tcp 127.0.0.1 9001 | res)"
check "bind allowed" OK "$($PROBE bind tcp 127.0.0.1 9002 | res)"
reset

start_daemon --event listen:6 --rule listen:9003=deny --answer allow
check "listen denied" EACCES "$($PROBE listen 127.0.0.1 9003 | res)"
check "listen allowed" OK "$($PROBE listen 127.0.0.1 9013 | res)"
reset

start_daemon --event accept:6 --rule accept:9004=deny --answer allow
check "accept denied" EACCES "$($PROBE accept 127.0.0.1 9004 | res)"
check "accept allowed" OK "$($PROBE accept 127.0.0.1 9014 | res)"
reset

start_daemon --event post_accept:6 --rule post_accept:9005=deny --answer allow
check "post-accept denied" EACCES "$($PROBE accept 127.0.0.1 9005 | res)"
check "post-accept allowed" OK "$($PROBE accept 127.0.0.1 9015 | res)"
grep -q 'syscall=post_accept.*local=127.0.0.1:9005 remote=127.0.0.1:' $W/events.log &&
	ok "post-accept event names the peer" ||
	fail "post-accept event names the peer" "$(grep post_accept $W/events.log | head -1)"
reset

start_daemon --event sendmsg:17 --event sendmsg:6 --rule sendmsg:9006=deny \
	--rule sendmsg:8081=deny --answer allow
check "sendmsg udp denied" EACCES "$($PROBE sendto 127.0.0.1 9006 | res)"
check "sendmsg udp allowed" OK "$($PROBE sendto 127.0.0.1 9007 | res)"
check "sendmsg tcp denied" EACCES "$($PROBE send 127.0.0.1 8081 | res)"
check "sendmsg tcp allowed" OK "$($PROBE send 127.0.0.1 8080 | res)"
grep -q 'syscall=sendmsg.*remote=127.0.0.1:9006.*size=4 ' $W/events.log &&
	ok "sendmsg event has the size" ||
	fail "sendmsg event has the size" "$(grep 9006 $W/events.log | head -1)"
reset

start_daemon --event recvmsg:6 --answer deny
check "recvmsg denied" EACCES "$($PROBE recv 127.0.0.1 8080 | res)"
reset

start_daemon --event create:17 --answer deny
check "create denied" EACCES "$($PROBE create udp | res)"
check "create tcp not mediated" OK "$($PROBE create tcp | res)"
reset

start_daemon --event close:6 --answer allow
$PROBE connect tcp 127.0.0.1 8080 >/dev/null
sleep 0.2
grep -q 'id=0 syscall=close.*answer=notify' $W/events.log && ok "close is notified" ||
	fail "close is notified" "$(cat $W/events.log)"
reset

# ------------------------------------------------------- timeout, default
start_daemon --event connect:6 --answer none
$NL config-set timeout_ms=500 default_verdict=deny >/dev/null
t0=$(now_ms)
r=$($PROBE connect tcp 127.0.0.1 8080 | res)
t1=$(now_ms)
check "timeout then default deny" EACCES "$r"
[ $((t1 - t0)) -ge 450 ] && [ $((t1 - t0)) -lt 3000 ] && ok "waited for the timeout" ||
	fail "waited for the timeout" "$((t1 - t0)) ms"
$NL config-set default_verdict=allow >/dev/null
check "timeout then default allow" OK "$($PROBE connect tcp 127.0.0.1 8080 | res)"
n=$(stat_of timeout)
[ "${n:-0}" -ge 2 ] && ok "timeouts counted" || fail "timeouts counted" "$n"
reset

# ------------------------------------ daemon killed while a call waits
start_daemon --event connect:6 --answer none
$NL config-set timeout_ms=20000 default_verdict=deny label_mask=0xffff0000 >/dev/null
t0=$(now_ms)
$PROBE connect tcp 127.0.0.1 8080 > $W/killed.out &
probe=$!
sleep 0.5
[ "$(stat_of pending)" = 1 ] && ok "one call waits" || fail "one call waits" "$(stat_of pending)"
$NL pending | grep -q 'syscall=connect' && ok "pending list shows it" ||
	fail "pending list shows it" "$($NL pending)"
kill -9 $daemon_pid
wait $daemon_pid 2>/dev/null
daemon_pid=
wait $probe
t1=$(now_ms)
check "daemon killed: released with default" EACCES "$(res < $W/killed.out)"
[ $((t1 - t0)) -lt 5000 ] && ok "daemon killed: released at once" ||
	fail "daemon killed: released at once" "$((t1 - t0)) ms"
check "daemon killed: unregistered" "daemon_pid=0" \
	"$($NL config-get | grep -o 'daemon_pid=[0-9]*')"
check "daemon killed: labels off" "label_mask=0x0" \
	"$($NL config-get | grep -o 'label_mask=0x[0-9a-f]*')"
reset

# ------------------------------------------- a signal interrupts the wait
start_daemon --event connect:6 --answer none
$NL config-set timeout_ms=20000 >/dev/null
out=$($PROBE intr 127.0.0.1 8080 300)
check "signal interrupts the wait" EINTR "$(echo "$out" | res)"
ms=$(echo "$out" | sed -n 's/elapsed_ms=//p')
[ "${ms:-99999}" -lt 5000 ] && ok "interrupted promptly" || fail "interrupted promptly" "$ms ms"
[ "$(stat_of pending)" = 0 ] && ok "nothing left waiting" || fail "nothing left waiting" "$(stat_of pending)"
reset

# ------------------------------------------------------------- tickets
start_daemon --event connect:6 --rule connect:8080=allow:task --answer deny
out=$($PROBE fork-connect 127.0.0.1 8080)
check "ticket: first call allowed" OK "$(echo "$out" | grep parent | head -1 | res)"
check "ticket: repeated call allowed" OK "$(echo "$out" | grep parent | tail -1 | res)"
check "ticket: inherited by the child" OK "$(echo "$out" | grep child | res)"
check "ticket: one event for three calls" 1 "$(events_matching 'remote=127.0.0.1:8080')"
$PROBE connect tcp 127.0.0.1 8080 >/dev/null
check "ticket: dropped at exec" 2 "$(events_matching 'remote=127.0.0.1:8080')"
n=$(stat_of ticket_allow)
[ "${n:-0}" -ge 2 ] && ok "ticket hits counted" || fail "ticket hits counted" "$n"
reset

start_daemon --event connect:6 --rule connect:8080=deny:1 --answer allow
out=$($PROBE connect-n tcp 127.0.0.1 8080 3 600)
check "timed ticket: denied" EACCES "$(echo "$out" | grep '^0 ' | res)"
check "timed ticket: denied from the ticket" EACCES "$(echo "$out" | grep '^1 ' | res)"
check "timed ticket: asked again after expiry" 2 "$(events_matching 'remote=127.0.0.1:8080')"
reset

# Tickets set, listed and revoked from userspace.
start_daemon --event connect:6 --answer deny
$PROBE serve 127.0.0.1 8090 >/dev/null &
server=$!
sleep 0.2
$NL ticket-task $server connect 6 127.0.0.1 8080 allow >/dev/null
$NL ticket-list | grep -q "pid=$server syscall=connect proto=6 remote=127.0.0.1:8080" &&
	ok "ticket list shows a set ticket" || fail "ticket list shows a set ticket" "$($NL ticket-list)"
check "ticket revoke by pid" OK "$($NL ticket-revoke pid=$server | res)"
$NL ticket-list | grep -q "pid=$server " && fail "revoked ticket gone" "$($NL ticket-list)" ||
	ok "revoked ticket gone"
check "ticket revoke unknown id" ENOENT "$($NL ticket-revoke id=999999 | res)"
check "ticket for a missing task" ESRCH "$($NL ticket-task 999999 connect 6 127.0.0.1 1 allow | res)"
kill $server
reset

# ------------------------------------------------ socket tickets, labels
start_daemon --event sendmsg:6 --answer allow
$NL config-set label_mask=0xffff0000 >/dev/null
rm -f $W/go
$PROBE send-wait 127.0.0.1 8080 $W/go > $W/sock.out &
probe=$!
i=0
while ! grep -q cookie= $W/sock.out && [ $i -lt 300 ]; do sleep 0.01; i=$((i + 1)); done
cookie=$(sed -n 's/cookie=//p' $W/sock.out)
info=$($NL sock-cookie "$cookie")
echo "$info" | grep -q "comm=snet-probe" && ok "socket known by cookie" ||
	fail "socket known by cookie" "$info"
label=$(echo "$info" | sed -n 's/.*label=\([0-9]*\).*/\1/p')
[ "${label:-0}" -gt 0 ] && ok "socket has a label" || fail "socket has a label" "$info"
check "socket known by label" "$cookie" \
	"$($NL sock-label "${label:-0}" | sed -n 's/.*cookie=\([0-9]*\).*/\1/p')"
grep -q "syscall=sendmsg.*cookie=$cookie label=$label " $W/events.log &&
	ok "events carry cookie and label" ||
	fail "events carry cookie and label" "$(grep sendmsg $W/events.log)"
check "socket deny ticket set" OK "$($NL ticket-sock "$cookie" deny | res)"
$NL ticket-list | grep -q "cookie=$cookie verdict=deny" && ok "socket ticket listed" ||
	fail "socket ticket listed" "$($NL ticket-list)"
touch $W/go
wait $probe
check "socket deny ticket: sendmsg fails" EACCES "$(res < $W/sock.out)"
check "socket deny ticket: no upcall" 1 "$(events_matching "syscall=sendmsg.*cookie=$cookie")"
n=$(stat_of sock_ticket_deny)
[ "${n:-0}" -ge 1 ] && ok "socket ticket denials counted" || fail "socket ticket denials counted" "$n"
check "socket closed: unknown" ENOENT "$($NL sock-cookie "$cookie" | res)"
check "socket closed: ticket cannot be set" ENOENT "$($NL ticket-sock "$cookie" deny | res)"
reset

# ---------------------------------------------------------- privileges
check "unprivileged command" EPERM "$($NL --as-nobody config-get | res)"
check "unprivileged register" EPERM "$($NL --as-nobody register | res)"
check "unprivileged join events" EPERM "$($NL --as-nobody subscribe | res)"
start_daemon --answer allow
check "second daemon refused" EBUSY "$($NL register | res)"
check "verdict from a non-daemon" EPERM "$($NL raw VERDICT VERDICT_ID:01000000 VERDICT:01 | res)"
reset

# ----------------------------------------------------- malformed input
check "u32 sent as 8 bytes" EINVAL "$($NL raw SET_CONFIG TIMEOUT_MS:e803000000000000 | res)"
check "address of 20 bytes" EINVAL \
	"$($NL raw TICKET_SET REMOTE_ADDR:0000000000000000000000000000000000000000 | res)"
check "address of 5 bytes" EINVAL "$($NL raw TICKET_SET LOCAL_ADDR:7f00000101 | res)"
check "read-only attribute" EINVAL "$($NL raw SET_CONFIG EXE:2f62696e00 | res)"
check "unknown attribute" EINVAL "$($NL raw SET_CONFIG 200:00000000 | res)"
check "verdict out of range" ERANGE "$($NL raw SET_CONFIG DEFAULT_VERDICT:07 | res)"
check "label mask not contiguous" EINVAL "$($NL raw SET_CONFIG LABEL_MASK:00ff00ff | res)"
check "missing attribute" EINVAL "$($NL raw EVENT_INSERT SYSCALL:02 | res)"
check "ticket without target" EINVAL "$($NL raw TICKET_SET VERDICT:02 | res)"
reset

# ----------------------------------- 1000 concurrent waiting calls
start_daemon --event connect:6 --answer allow --batch 1000
$NL config-set timeout_ms=120000 >/dev/null
out=$($PROBE concurrent 1000 127.0.0.1 8080)
check "1000 concurrent calls all answered" "ok=1000 denied=0 other=0" "$(echo "$out" | grep '^ok=')"
grep -q "batch of 1000 events waits" $W/events.log && ok "1000 calls waited at once" ||
	fail "1000 calls waited at once" "$(tail -2 $W/events.log)"
reset

# The servers go, and with them their listeners, accept queues and
# half-open request sockets.  Under load the burst above leaves hundreds
# of connections queued on port 8080; when the servers' children still
# held the listener (before snet-probe's children closed it), kmemleak
# scanning at the end reported some of those request sockets as
# unreferenced, and they were freed seconds later (tests/guest/init.sh
# now also checks that a report stays).  Wait until none is left: at most
# 20 s, usually none.
kill %1 %2 %3 2>/dev/null
i=0
while [ $i -lt 200 ] &&
	grep -q ':1F9[012] [0-9A-F]*:[0-9A-F]* 0[A3] ' /proc/net/tcp /proc/net/tcp6; do
	sleep 0.1
	i=$((i + 1))
done
echo "kernel tests: $failures failed"
[ $failures = 0 ]
