#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make run's demo as a test (suite "demo" of make test): runs
# tests/guest/demo.sh in the guest, then checks that what it showed really
# happened, from snetd's decision log, the kernel's counters and the EVE
# log.  Prints "ok demo: NAME" or "not ok demo: NAME: why".

TOP=${SNET_TOP:?}
BIN=$TOP/build/out/bin
LOG=/var/log/snet
DECISIONS=$LOG/decisions.jsonl
SUITE=demo
. "$TOP/tests/guest/tap.sh"
# verdict,by of the decisions for PORT, in order, one line
decided() {
	jq -r "select(.event.remote.port == $1) | \"\(.decision.verdict),\(.decision.by)\"" $DECISIONS |
		tr '\n' ' ' | sed 's/ $//'
}

sh "$TOP/tests/guest/demo.sh" > /tmp/demo.out 2>&1
status=$?
sed 's/^/demo| /' /tmp/demo.out
check "the demo ran every step" 0 "$status"

check "127.0.0.1:8080 and 192.0.2.1:80 allowed by the policy" "allow,policy allow,policy" \
	"$(decided 8080) $(decided 80 | cut -d' ' -f1)"
check "192.0.2.1:8025 denied by the default, then allowed at the prompt" \
	"deny,default allow,prompt" "$(decided 8025)"
check "the ticket step: one question for three connections" \
	"snetd was asked 1 time(s); the kernel's ticket answered 2 time(s)" \
	"$(sed -n 's/^ *\(snetd was asked .*\)$/\1/p' /tmp/demo.out)"
grep -q "wget: can't connect to remote host (192.0.2.1): Permission denied" /tmp/demo.out &&
	ok "the denied wget saw EACCES" || fail "the denied wget saw EACCES" "no such line"

alert=$(jq -c 'select(.alert.signature_id == 9000001)' $LOG/eve.json 2>/dev/null | tail -1)
check "the inspection step's alert: drop, busybox, deny ticket" "blocked busybox deny-ticket" \
	"$(echo "$alert" | jq -r '"\(.alert.action) \(.snet.comm) \(.snet.socket_action)"' 2>/dev/null)"
grep -q "nc: write error: Permission denied" /tmp/demo.out &&
	ok "the flagged socket's next write failed with EACCES" ||
	fail "the flagged socket's next write failed with EACCES" "no such line"
check "snetctl answers after the demo" 0 "$($BIN/snetctl status > /dev/null 2>&1; echo $?)"

pid=$($BIN/snetctl -j status 2>/dev/null | jq -r .status.pid)
[ -n "$pid" ] && kill "$pid" 2>/dev/null
echo "demo: $failures failures"
[ $failures -eq 0 ]
