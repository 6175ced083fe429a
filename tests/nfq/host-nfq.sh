#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# NFQUEUE inspection on a stock kernel (the host's: no snet LSM, no nft
# queue expression), in a private network namespace: snetd runs as an
# inline IDS/IPS with --external-ruleset behind iptables' NFQUEUE target.
#
#   host-nfq.sh TAPFILE     (as root; re-executes itself under unshare -n)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tap=${1:?usage: host-nfq.sh TAPFILE}
if [ "${NFQ_IN_NETNS:-}" != 1 ]; then
	: > "$tap"
	NFQ_IN_NETNS=1 exec unshare -n "$0" "$@"
fi

B=$top/build/out
PEER=$B/tests/nfq/snet-nfq-peer
W=$(mktemp -d /tmp/nfq-host.XXXXXX)
failures=0
ok() { echo "ok nfq-host: $1" >> "$tap"; }
fail() { echo "not ok nfq-host: $1: $2" >> "$tap"; failures=$((failures + 1)); }
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
val() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" | tail -1; }

ip link set lo up
# What snetd's own table would do: lower the MSS so that every segment
# fits NFQUEUE's copy range (docs/nfhelper.md), then queue.
iptables -t mangle -A OUTPUT -o lo -p tcp --tcp-flags SYN SYN -j TCPMSS --set-mss 65431 &&
iptables -A OUTPUT -o lo -p tcp -j NFQUEUE --queue-balance 0:1 ||
	{ fail "iptables NFQUEUE" "cannot add the rules"; exit 1; }
cat > $W/inspector.conf <<EOF
[vars]
HOME_NET = any
EXTERNAL_NET = any
[engine]
classification-file = $top/tests/data/et-open/classification.config
EOF
echo "allow" > $W/policy
cat > $W/snetd.conf <<EOF
[daemon]
policy = $W/policy
decision_log =
[control]
socket = $W/snetd.sock
[inspect]
enabled = yes
rules = $top/tests/nfq/nfq-test.rules
config = $W/inspector.conf
eve_log = $W/eve.json
[nfqueue]
queues = 0-1
EOF
# snetd -t (the unit's ExecStartPre) checks what the start would refuse.
out=$($B/bin/snetd -t -c $W/snetd.conf --external-ruleset 2>&1); rc=$?
check "snetd -t: loads the signatures and says how many" "0 1" \
	"$rc $(echo "$out" | grep -c "^$top/tests/nfq/nfq-test.rules: ok, loaded [1-9][0-9]* of [1-9][0-9]* rules")"
sed "s|^rules = .*|rules = $W/no-such-rules|" $W/snetd.conf > $W/t1.conf
out=$($B/bin/snetd -t -c $W/t1.conf --external-ruleset 2>&1); rc=$?
check "snetd -t: missing signatures fail the check" "1 1" \
	"$rc $(echo "$out" | grep -c "^snetd: \[inspect\]: rules not loaded (No such file or directory): .*; $W/no-such-rules: No such file or directory")"
printf '[engine]\nreassembly-depth = lots\n' > $W/bad-inspector.conf
sed "s|^config = .*|config = $W/bad-inspector.conf|" $W/snetd.conf > $W/t2.conf
out=$($B/bin/snetd -t -c $W/t2.conf --external-ruleset 2>&1); rc=$?
check "snetd -t: a bad inspector.conf fails the check, naming file and line" "1 1" \
	"$rc $(echo "$out" | grep -c "^snetd: \[inspect\]: $W/bad-inspector.conf:2: ")"
# snet-update's reload command before snetd runs: nothing to reload
out=$($B/bin/snetctl -s $W/snetd.sock reload-rules --if-running 2>&1); rc=$?
check "reload-rules --if-running without snetd: nothing to reload, exit 0" "0 1" \
	"$rc $(echo "$out" | grep -c "^snetd is not running ($W/snetd.sock): nothing to reload; it loads the rules when it starts$")"
$B/bin/snetctl -s $W/snetd.sock reload-rules > /dev/null 2>&1
check "reload-rules without snetd: exit 3" 3 "$?"
$B/bin/snetd -f -c $W/snetd.conf --external-ruleset > $W/snetd.log 2>&1 &
pid=$!
i=0
while ! $B/bin/snetctl -s $W/snetd.sock status > /dev/null 2>&1 && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "no snet LSM in this kernel: running as an inline IDS/IPS; socket attribution (pid, exe in alerts), socket tickets and syscall decisions are unavailable" $W/snetd.log &&
	ok "says at start that attribution and tickets are unavailable" ||
	fail "says at start that attribution and tickets are unavailable" "$(head -5 $W/snetd.log)"
check "status: inspection without the LSM" "false false" \
	"$($B/bin/snetctl -s $W/snetd.sock -j status | jq -r '[.status.inspect.lsm, (.status.kernel != null)] | map(tostring) | join(" ")')"

# Benign, byte-exact (loopback: GSO packets over the copy range too).
head -c 1000000 /dev/urandom > $W/blob
rm -f $W/ready
$PEER recv 127.0.0.1 9060 $W/got $W/ready &
srv=$!
while [ ! -e $W/ready ]; do sleep 0.02; done
$PEER send 127.0.0.1 9060 $W/blob > /dev/null
wait $srv
cmp -s $W/blob $W/got && ok "benign: byte-exact" ||
	fail "benign: byte-exact" "received $(wc -c < $W/got) bytes"

# Drop: the packet goes, nothing is done to the socket.
rm -f $W/ready
$PEER recv 127.0.0.1 9000 $W/got.drop $W/ready &
srv=$!
while [ ! -e $W/ready ]; do sleep 0.02; done
$PEER steps 127.0.0.1 9000 s:hello w:200 "s:xx MALWARE-SIGNATURE yy" w:500 s:after > $W/steps
kill $srv 2>/dev/null
wait $srv 2>/dev/null
check "drop: the marker did not reach the server" "hello" "$(cat $W/got.drop)"
check "drop: no ticket, so the next send still succeeds" "OK" "$(val step3 < $W/steps)"
a=$(jq -c 'select(.alert.signature_id == 9100001)' $W/eve.json | tail -1)
check "drop: alerted, blocked, without a process" "blocked null none" \
	"$(echo "$a" | jq -r '[.alert.action, (.snet.pid | tostring), .snet.socket_action] | join(" ")')"
check "drop: counted" "1 0" \
	"$($B/bin/snetctl -s $W/snetd.sock -j inspect | jq -r '[(.inspect.total.dropped > 0 | if . then 1 else 0 end), .inspect.total.tickets] | map(tostring) | join(" ")')"

# logrotate with the shipped configuration: the EVE log moves to .1 and
# snetd, told by its postrotate, writes the next alert to a new file.
sed "s|^/var/log/snet/decisions.jsonl /var/log/snet/eve.json {|$W/eve.json {|
     s|@BINDIR@/snetctl|$B/bin/snetctl -s $W/snetd.sock|" $top/rules/logrotate.conf > $W/logrotate.conf
logrotate -f -s $W/logrotate.state $W/logrotate.conf > $W/logrotate.out 2>&1
check "logrotate: the shipped configuration rotates the EVE log" "0 1 0" \
	"$? $(grep -c '"signature_id":9100001' $W/eve.json.1 2>/dev/null) $(cat $W/eve.json 2>/dev/null | wc -l)"
rm -f $W/ready
$PEER recv 127.0.0.1 9000 $W/got.drop2 $W/ready &
srv=$!
while [ ! -e $W/ready ]; do sleep 0.02; done
$PEER steps 127.0.0.1 9000 s:hello w:200 "s:xx MALWARE-SIGNATURE yy" w:500 s:after > /dev/null
kill $srv 2>/dev/null
wait $srv 2>/dev/null
check "logrotate: the next alert is in the new file, none in the old one" "1 1" \
	"$(grep -c '"signature_id":9100001' $W/eve.json) $(grep -c '"signature_id":9100001' $W/eve.json.1)"

kill -TERM $pid
wait $pid
check "stops cleanly" 0 $?
iptables -F OUTPUT
iptables -t mangle -F OUTPUT
rm -rf "$W"
[ $failures -eq 0 ]
