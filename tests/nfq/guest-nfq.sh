#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NFQUEUE inspection end to end, inside the test kernel (tests/guest/run.sh,
# suite nfq-um): the real snetd with its nft table, real clients and
# servers over a veth pair between this namespace and a "peer" namespace,
# and over loopback.  Each check prints "ok nfq: NAME" or
# "not ok nfq: NAME: why".

. "${SNET_TOP:?}/tests/nfq/lib.sh"

mkdir -p $W $ETC /run/snet
: > $SLOG
cp "$SNET_TOP/tests/nfq/nfq-test.rules" $RULES
cat > $ETC/inspector.conf <<EOF
[vars]
HOME_NET = any
EXTERNAL_NET = any
HTTP_PORTS = [80,8080]
[engine]
classification-file = $SNET_TOP/tests/data/et-open/classification.config
EOF
echo "allow ticket exit # everything: these tests are about payloads" > $ETC/test.policy
# Labels on, no daemon: the kernel allows.
$NL unregister > /dev/null 2>&1
$NL event-flush > /dev/null 2>&1
$NL config-set default_verdict=allow > /dev/null

# this namespace 10.99.0.1 / fd99::1 (veth0) <-> peer 10.99.0.2 / fd99::2
$IP netns add peer
$IP link add veth0 type veth peer name veth1 netns peer
$IP addr add 10.99.0.1/24 dev veth0
$IP -6 addr add fd99::1/64 dev veth0 nodad
$IP link set veth0 up
in_peer $IP addr add 10.99.0.2/24 dev veth1
in_peer $IP -6 addr add fd99::2/64 dev veth1 nodad
in_peer $IP link set veth1 up
in_peer $IP link set lo up
head -c 1500000 /dev/urandom > $W/blob

# ============================================ the table, a user's table
# A user's own table, there before snetd and after it.
$NFT -f - <<EOF
table inet usertab {
	chain out {
		type filter hook output priority 10; policy accept;
		tcp dport 7 counter
	}
}
EOF
user_before=$($NFT -s list table inet usertab)

# First start: [nfqueue] at its defaults, the documented table.
write_conf
start_snetd
$NFT -s list table inet snet > $W/installed.txt
sed -n '/^<!-- nft-default-begin -->$/,/^<!-- nft-default-end -->$/p' \
	"$SNET_TOP/docs/nfhelper.md" | sed '1,2d;$d' | sed '$d' > $W/documented.txt
check_that "ruleset: the default table is the one docs/nfhelper.md shows" \
	"$(diff $W/documented.txt $W/installed.txt | head -5)" \
	cmp -s $W/documented.txt $W/installed.txt
check "ruleset: the user's table is untouched at start" "$user_before" \
	"$($NFT -s list table inet usertab)"
lm=$($NL config-get | grep -o 'label_mask=0x[0-9a-f]*')
stop_snetd
check "snetd stops cleanly" 0 "$snetd_status"
check "labels: on while snetd inspects, off after a clean stop" \
	"label_mask=0xffff0000 label_mask=0x0" \
	"$lm $($NL config-get | grep -o 'label_mask=0x[0-9a-f]*')"
# The documented example: a port set, interfaces, both chains, bypass.
write_conf nfq_input=yes nfq_loopback=no "nfq_ports=80 443 8000-8999" \
	"nfq_interfaces=eth0 wlan0" nfq_queues=0-3 nfq_bypass=yes \
	"nfq_protocols=tcp udp icmp"
start_snetd
$NFT -s list table inet snet > $W/installed.txt
sed -n '/^<!-- nft-example-begin -->$/,/^<!-- nft-example-end -->$/p' \
	"$SNET_TOP/docs/nfhelper.md" | sed '1,2d;$d' | sed '$d' > $W/documented.txt
check_that "ruleset: the example table is the one docs/nfhelper.md shows" \
	"$(diff $W/documented.txt $W/installed.txt | head -5)" \
	cmp -s $W/documented.txt $W/installed.txt
stop_snetd
check "ruleset: removed at exit" "" "$($NFT list tables | grep 'inet snet')"
check "ruleset: the user's table is untouched at exit" "$user_before" \
	"$($NFT -s list table inet usertab)"

# The configuration of most tests: input too, fail closed.
write_conf nfq_input=yes nfq_queues=0-1
start_snetd
$SNETD -c $ETC/snetd.conf --print-ruleset > $W/plan.txt
$NFT -s list table inet snet > $W/installed.txt
check_that "ruleset: installed = snetd --print-ruleset (input chain too)" \
	"$(diff $W/plan.txt $W/installed.txt | head -5)" cmp -s $W/plan.txt $W/installed.txt

# ============================================== benign traffic, untouched
a0=$(stat total.alerts)
q0=$(stat nft.queued_packets)
serve 10.99.0.2 9060 $W/got.v4
r=$($PEER send 10.99.0.2 9060 $W/blob)
served
check "benign, veth IPv4: sent" "OK 1500000" "$(echo "$r" | val result) $(echo "$r" | val sent)"
check_that "benign, veth IPv4: byte-exact" "received $(wc -c < $W/got.v4) bytes, not the same" \
	cmp -s $W/blob $W/got.v4
serve fd99::2 9061 $W/got.v6
$PEER send fd99::2 9061 $W/blob > /dev/null
served
check_that "benign, veth IPv6: byte-exact" "received $(wc -c < $W/got.v6) bytes" \
	cmp -s $W/blob $W/got.v6
serve_here 127.0.0.1 9062 $W/got.lo
$PEER send 127.0.0.1 9062 $W/blob > /dev/null
served
check_that "benign, loopback: byte-exact" "received $(wc -c < $W/got.lo) bytes" \
	cmp -s $W/blob $W/got.lo
q1=$(stat nft.queued_packets)
check_that "benign: the traffic went through the queues" "nft queued $q0 -> $q1" \
	[ $((q1 - q0)) -gt 20 ]
check "benign: no alert" "$a0" "$(stat total.alerts)"

# ================================================================= drop
# drop_case NAME ADDR PORT SERVE: a marker in the 2nd send is dropped,
# alerted with the sender's pid and exe, and its 3rd send gets EACCES.
drop_case() {
	name=$1 addr=$2 port=$3 srv=$4
	$srv "$addr" "$port" $W/got.$port
	$PEER steps "$addr" "$port" s:hello w:200 "s:xx MALWARE-SIGNATURE yy" w:600 s:after \
		> $W/steps.$port
	unserve
	pid=$(val pid < $W/steps.$port)
	cookie=$(val cookie < $W/steps.$port)
	check "drop, $name: the next send fails with EACCES" "OK OK EACCES" \
		"$(val step1 < $W/steps.$port) $(val step2 < $W/steps.$port) $(val step3 < $W/steps.$port)"
	check "drop, $name: only what came before reached the server" "hello" "$(cat $W/got.$port)"
	a=$(alerts_of 9100001 | jq -c "select(.snet.pid == $pid)" | tail -1)
	check "drop, $name: alert with sid, pid, exe, cookie, ticket" \
		"blocked $PEER $cookie deny-ticket" \
		"$(echo "$a" | jq -r '[.alert.action, .snet.exe, .snet.socket_cookie, .snet.socket_action] | join(" ")')"
}
t0=$(stat total.tickets)
drop_case "veth IPv4" 10.99.0.2 9000 serve
drop_case "loopback" 127.0.0.1 9001 serve_here
drop_case "veth IPv6" fd99::2 9002 serve
check "drop: one deny ticket per dropped flow" $((t0 + 3)) "$(stat total.tickets)"

# ========================================= a match across two segments
serve 10.99.0.2 9010 $W/got.9010
$PEER steps 10.99.0.2 9010 s:SPLIT-MA w:300 s:RKER-XYZ w:600 s:after > $W/steps.9010
unserve
check "split: second segment dropped, then EACCES" "OK OK EACCES" \
	"$(val step1 < $W/steps.9010) $(val step2 < $W/steps.9010) $(val step3 < $W/steps.9010)"
check "split: the server has only the first half" "SPLIT-MA" "$(cat $W/got.9010)"
check "split: alerted once" 1 "$(n_alerts 9100002)"

# ================================================================= pass
# A probe before snetd's chains counts this flow's packets that carry the
# pass mark on their connection: those the "flow passed" rule accepts.
$NFT -f - <<EOF
table inet probe {
	chain out {
		type filter hook output priority -10; policy accept;
		tcp dport 9020 ct mark & 0x00000800 == 0x00000800 counter
	}
}
EOF
serve 10.99.0.2 9020 $W/got.9020
p0=$(stat total.passed)
$PEER steps 10.99.0.2 9020 s:PASS-ME w:300 n:30:10 s:AFTER-PASS w:200 > $W/steps.9020
served
check "pass: a pass verdict" $((p0 + 1)) "$(stat total.passed)"
check "pass: the rest of the flow is not alerted" 0 "$(n_alerts 9100004)"
check "pass: the server got everything" "PASS-ME$(printf 'tick%.0s' $(seq 30))AFTER-PASS" \
	"$(tr -d '\n' < $W/got.9020)"
# 30 ticks, AFTER-PASS and the FIN, at least, went by the pass mark.
passed=$($NFT list table inet probe | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
check_that "pass: the rest of the flow bypasses the queue" \
	"$passed packets carried the pass mark" [ "${passed:-0}" -ge 32 ]
$NFT delete table inet probe

# =============================================================== reject
serve 10.99.0.2 9030 $W/got.9030
r0=$(stat total.rejected)
$PEER steps 10.99.0.2 9030 s:hello w:200 s:REJECT-ME r:3000 s:after > $W/steps.9030
unserve
check "reject: the sender's connection is reset" "ECONNRESET" "$(val step3 < $W/steps.9030)"
check "reject: the payload did not reach the server" "hello" "$(cat $W/got.9030)"
check "reject: counted" $((r0 + 1)) "$(stat total.rejected)"
check "reject: alerted as blocked" "blocked" "$(alerts_of 9100005 | tail -1 | jq -r .alert.action)"

# ========================================================== alert only
serve 10.99.0.2 9040 $W/got.9040
$PEER steps 10.99.0.2 9040 s:ALERT-ME w:300 s:after > $W/steps.9040
served
check "alert: accepted, the next send too" "OK OK" \
	"$(val step1 < $W/steps.9040) $(val step2 < $W/steps.9040)"
check "alert: the server got it all" "ALERT-MEafter" "$(cat $W/got.9040)"
a=$(alerts_of 9100006 | tail -1)
check "alert: logged as allowed, with the process, no socket action" \
	"allowed $(val pid < $W/steps.9040) 0 none" \
	"$(echo "$a" | jq -r '[.alert.action, .snet.pid, .snet.uid, .snet.socket_action] | join(" ")')"

# UDP: a socket that made no mediated call, named by the kernel (SOCK_GET).
k0=$(stat total.socket_kernel_hits)
out=$($PEER udp-text 10.99.0.2 9050 "x UDP-ALERT y")
check "udp: alert with the sender's pid, found through the kernel" \
	"$(echo "$out" | val pid) snet-nfq-peer" \
	"$(alerts_of 9100007 | tail -1 | jq -r '[.snet.pid, .snet.comm] | join(" ")')"
check_that "udp: the kernel named the socket" "socket_kernel_hits stayed $k0" \
	[ "$(stat total.socket_kernel_hits)" -gt "$k0" ]
stop_snetd

# ======================================== snetd's own traffic is not queued
$REMOTE -l 127.0.0.1 -p 9099 -L $W/remote.log -v allow > /dev/null 2>&1 &
remote_pid=$!
: > $ETC/test.policy	# no rule: every event goes to the remote server
write_conf remote=127.0.0.1:9099 nfq_input=yes
start_snetd
serve 10.99.0.2 9063 $W/got.9063
$PEER steps 10.99.0.2 9063 s:hi > /dev/null
served
stop_snetd
kill $remote_pid
wait $remote_pid 2>/dev/null
check_that "self: the remote decision server was asked" "no request in its log" \
	grep -q syscall $W/remote.log
check "self: snetd's connection to it was not inspected" 0 "$(n_alerts 9100008)"
echo "allow ticket exit" > $ETC/test.policy

# ============================================= snetd killed: fail closed
write_conf nfq_bypass=no
start_snetd
kill -KILL $snetd_pid
wait $snetd_pid 2>/dev/null
snetd_pid=
check_that "killed: the table stays" "no table" $NFT list table inet snet > /dev/null
check "killed: the kernel turned labels off" "label_mask=0x0" \
	"$($NL config-get | grep -o 'label_mask=0x[0-9a-f]*')"
serve 10.99.0.2 9064 $W/got.9064
out=$(timeout 3 $PEER steps 10.99.0.2 9064 s:x)
check "fail closed: no connection while nobody reads the queue" "" "$(echo "$out" | val connect)"
in_peer $PEER steps 10.99.0.2 9064 > /dev/null 2>&1	# let the server go
served
# A new snetd replaces the table it finds, then everything flows again.
write_conf nfq_bypass=yes
start_snetd
check "restart: one table inet snet" 1 "$($NFT list tables | grep -c 'inet snet')"
kill -KILL $snetd_pid
wait $snetd_pid 2>/dev/null
snetd_pid=
serve 10.99.0.2 9065 $W/got.9065
$PEER send 10.99.0.2 9065 $W/blob > /dev/null
served
check_that "fail open (bypass): traffic flows without snetd, byte-exact" \
	"received $(wc -c < $W/got.9065) bytes" cmp -s $W/blob $W/got.9065
$NFT delete table inet snet

# ============================================ a full queue is counted
# fail_open = no: what does not fit is dropped, and counted.  Only the
# test's datagrams are queued: a late segment of an earlier test's
# connection, dropped while snetd is stopped, would count as one more.
write_conf nfq_queue_maxlen=8 nfq_queues=0 nfq_fail_open=no nfq_protocols=udp \
	"nfq_ports=9070 9071"
start_snetd
in_peer $PEER udp-recv 10.99.0.2 9070 2 > $W/udp.recv &
rcv_pid=$!
sleep 0.3
kill -STOP $snetd_pid
$PEER udp 10.99.0.2 9070 300 > /dev/null
kill -CONT $snetd_pid
wait $rcv_pid
sleep 0.3
got=$(val received < $W/udp.recv)
qd=$(kstat queue_dropped)
check_that "queue full: drops counted by the kernel" "queue_dropped $qd" [ "$qd" -gt 0 ]
check "queue full: every datagram either inspected or counted as dropped" 300 \
	"$((got + qd))"
stop_snetd
# fail_open = yes: what does not fit goes through uninspected.
write_conf nfq_queue_maxlen=8 nfq_queues=0 nfq_fail_open=yes nfq_protocols=udp \
	"nfq_ports=9070 9071"
start_snetd
in_peer $PEER udp-recv 10.99.0.2 9071 2 > $W/udp.recv &
rcv_pid=$!
sleep 0.3
kill -STOP $snetd_pid
$PEER udp 10.99.0.2 9071 300 > /dev/null
kill -CONT $snetd_pid
wait $rcv_pid
sleep 0.3
pk=$(stat total.packets)
check "fail open: all 300 datagrams arrive" 300 "$(val received < $W/udp.recv)"
check_that "fail open: fewer inspected than queued (the rest went through)" \
	"$pk packets inspected" [ "$pk" -lt 300 ]
stop_snetd

# ============================== reload under traffic (issue 6), bad sets
write_conf nfq_input=yes nfq_queues=0-1 nfq_fail_open=no
start_snetd
g0=$(stat rules.generation)
serve 10.99.0.2 9080 $W/got.9080
$PEER steps 10.99.0.2 9080 n:600:3 > $W/steps.9080 &
cl_pid=$!
sleep 0.5
r1=$($CTL reload-rules 2>&1); s1=$?
r2=$($CTL reload-rules 2>&1); s2=$?
wait $cl_pid
served
sleep 0.5
check "reload: both reloads succeed" "0 0" "$s1 $s2"
check "reload: the generation moved on" $((g0 + 2)) "$(stat rules.generation)"
check "reload: the stream arrived whole" 3000 "$(wc -c < $W/got.9080)"
$CTL -j inspect > $W/inspect.json
tot() { jq -r ".inspect.total.$1" $W/inspect.json; }
check "reload: every queued packet reached snetd" \
	"$(jq -r .inspect.nft.queued_packets $W/inspect.json)" "$(( $(tot packets) - $(tot segments) ))"
check "reload: none lost (ids, kernel drops)" "0 0 0" \
	"$(tot lost) $(jq -r '[.inspect.kernel_queues[].queue_dropped] | add' $W/inspect.json) $(jq -r '[.inspect.kernel_queues[].user_dropped] | add' $W/inspect.json)"
check "reload: every packet inspected exactly once" "$(tot inspected)" \
	"$(( $(tot scanned) + $(tot bypassed) + $(tot flow_dropped) + $(tot invalid) ))"
check "reload: inspector saw what snetd received" \
	"$(( $(tot packets) - $(tot gso_requeued) ))" "$(tot inspected)"
check "reload: nothing passed because of it" 0 "$(tot passed)"
check "reload: nothing lost to flow-memcap (flows, stream, TLS)" "0 0 0" \
	"$(tot flows_memcap) $(tot reassembly_memcap) $(tot tls_memcap)"

# A flow keeps the set it started with; new flows take the new one.
serve 10.99.0.2 9001 $W/got.old
$PEER steps 10.99.0.2 9001 s:hello w:2500 "s:MALWARE-SIGNATURE" w:600 s:after > $W/steps.old &
cl_pid=$!
sleep 0.5
grep -v 9100001 "$SNET_TOP/tests/nfq/nfq-test.rules" > $RULES
$CTL reload-rules > /dev/null || fail "reload without the drop rule" "refused"
wait $cl_pid
unserve
check "reload: a flow begun before it keeps its rules (dropped)" "EACCES" "$(val step3 < $W/steps.old)"
serve 10.99.0.2 9001 $W/got.new
$PEER steps 10.99.0.2 9001 s:hello w:200 "s:MALWARE-SIGNATURE" w:300 s:after > $W/steps.new
served
check "reload: a new flow uses the new rules (not dropped)" "helloMALWARE-SIGNATUREafter" \
	"$(cat $W/got.new)"
cp "$SNET_TOP/tests/nfq/nfq-test.rules" $RULES
$CTL reload-rules > /dev/null || fail "reload of the test rules" "refused"

# A broken set: refused with its reason, the running set stays.
g1=$(stat rules.generation)
echo "this is not a rule" > $RULES
r=$($CTL reload-rules 2>&1); s=$?
check "broken set: reload-rules fails" 1 "$s"
case $r in
*"refused, the running rules stay"*"$RULES:1"*) ok "broken set: the reason names the file and line" ;;
*) fail "broken set: the reason names the file and line" "$r" ;;
esac
check "broken set: the generation stays" "$g1" "$(stat rules.generation)"
grep -q "rules reload (build [0-9]*) refused" $SLOG && ok "broken set: logged" ||
	fail "broken set: logged" "$(tail -3 $SLOG)"
rm -f $RULES
r=$($CTL reload-rules 2>&1); s=$?
check "missing set: reload-rules fails" 1 "$s"
cp "$SNET_TOP/tests/nfq/nfq-test.rules" $RULES
serve 10.99.0.2 9000 $W/got.after
$PEER steps 10.99.0.2 9000 s:hello w:200 "s:MALWARE-SIGNATURE" w:600 s:after > $W/steps.after
unserve
check "broken set: the old rules still drop" "EACCES" "$(val step3 < $W/steps.after)"
stop_snetd
check "snetd stops cleanly after all that" 0 "$snetd_status"

# ============================== snet-update hands its set to snetd (issue 6)
# A file:// source, installed by snet-update, loaded by snetd from
# DEST/current; an update that adds a drop rule reaches the running snetd
# through the reload command, a broken one is refused, a rollback undoes.
UPD=$B/bin/snet-update
FD=$W/feed
mkdir -p $FD/src
cp "$SNET_TOP/tests/nfq/nfq-test.rules" $FD/src/snet.rules
cat > $FD/update.conf <<EOF
[update]
dest = $FD/rules
cache-dir = $FD/cache
inspector-config = $ETC/inspector.conf
reload-command = $CTL reload-rules
[check]
warm-cache = no
max-errors = 0
[source local]
url = file://$FD/src/snet.rules
EOF
# feed_flow TAG served|unserve: FEED-SIGNATURE in the 2nd send, port 9004;
# the server is waited for when the flow should pass, stopped when not
feed_flow() {
	serve 10.99.0.2 9004 $W/got.$1
	$PEER steps 10.99.0.2 9004 s:hello w:200 "s:FEED-SIGNATURE" w:600 s:after > $W/steps.$1
	$2
}
$UPD -c $FD/update.conf --no-reload -q > $W/upd.1 2>&1
check "feed: the first set installs" 0 "$?"
saved_rules=$RULES
RULES=$FD/rules/current
write_conf nfq_input=yes nfq_fail_open=no
RULES=$saved_rules
start_snetd
g0=$(stat rules.generation)
feed_flow before served
check "feed: before the update the marker passes" "helloFEED-SIGNATUREafter" "$(cat $W/got.before)"
echo 'drop tcp any any -> any 9004 (msg:"NFQ TEST from the feed"; flow:established,to_server; content:"FEED-SIGNATURE"; sid:9100101; rev:1;)' \
	>> $FD/src/snet.rules
$UPD -c $FD/update.conf -q > $W/upd.2 2>&1
check "feed: the update installs and reloads snetd" 0 "$?"
check "feed: snetd took the new set" $((g0 + 1)) "$(stat rules.generation)"
feed_flow after unserve
check "feed: the new drop rule drops, the socket is refused" "EACCES" "$(val step3 < $W/steps.after)"
check "feed: its alert names the rule" 1 "$(n_alerts 9100101)"
echo "drop tcp any any -> (this is not a rule" >> $FD/src/snet.rules
$UPD -c $FD/update.conf -q > $W/upd.3 2>&1
check "feed: a broken update is refused" 1 "$?"
check "feed: snetd was not reloaded for it" $((g0 + 1)) "$(stat rules.generation)"
feed_flow broken unserve
check "feed: the installed rule still drops" "EACCES" "$(val step3 < $W/steps.broken)"
$UPD -c $FD/update.conf --rollback -q > $W/upd.4 2>&1
s=$?
check "feed: rollback reloads snetd" "0 $((g0 + 2))" "$s $(stat rules.generation)"
feed_flow rolledback served
check "feed: after the rollback the marker passes again" "helloFEED-SIGNATUREafter" \
	"$(cat $W/got.rolledback)"
stop_snetd

$NFT delete table inet usertab
$IP netns del peer
echo "nfq: $failures failures"
[ $failures -eq 0 ]
