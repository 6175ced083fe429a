# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of snetd's in-guest tests (sourced by guest-snetd.sh): results,
# snetd's configuration and life, and the decision log as jq sees it.

B=${SNET_TOP:?}/build/out
SNETD=$B/bin/snetd
CTL=$B/bin/snetctl
# Paths as the kernel reports them (the executable's real path).
PROBE=$(readlink -f "$B/tests/kernel/snet-probe")
NL=$B/tests/kernel/snet-nltool
CLIENT=$(readlink -f "$B/tests/snetd/snet-client")
REMOTE=$B/tests/nfhelper/snet-test-remote
BB=/bin/busybox
BBEXE=$(readlink -f $BB)
W=/tmp/snetd-tests
ETC=$W/etc
POLICY=$ETC/test.policy
DLOG=$W/decisions.jsonl
SLOG=$W/snetd.log
SOCK=/run/snet/snetd.sock
snetd_pid=

SUITE=snetd
. "$SNET_TOP/tests/guest/tap.sh"
# The value after the last "result=" of a probe's output.
res() { sed -n 's/.*result=//p' | tail -1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
conn() { $PROBE connect "$@"; }
# A TCP connect that also says how long it took (elapsed_ms=).
timed() { $CLIENT connect-timed tcp "$@"; }
elapsed() { sed -n 's/^elapsed_ms=//p'; }

# What busybox nc and wget said, as a result name.
bb_res() {
	case $1 in
	*"Permission denied"*) echo EACCES ;;
	*"Connection refused"*) echo ECONNREFUSED ;;
	*) echo "${1:-OK}" ;;
	esac
}

# write_conf [KEY=VALUE...]: snetd.conf for this test, defaults overridden.
write_conf() {
	c_timeout=5000 c_kdefault=deny c_default=deny c_dticket=once
	c_events="connect:tcp connect:udp sendmsg:udp bind:tcp bind:udp"
	c_remote= c_rtimeout=1000 c_prompt=yes c_rcvbuf=4194304 c_margin=250
	c_rextra=
	for kv in "$@"; do
		eval "c_${kv%%=*}=\${kv#*=}"
	done
	cat > $ETC/snetd.conf <<EOF
[daemon]
policy = $POLICY
decision_log = $DLOG
log_level = debug
rcvbuf = $c_rcvbuf
[kernel]
default_verdict = $c_kdefault
timeout_ms = $c_timeout
events = $c_events
[decision]
default = $c_default
default_ticket = $c_dticket
answer_margin_ms = $c_margin
[remote]
server = $c_remote
timeout_ms = $c_rtimeout
$c_rextra
[prompt]
enabled = $c_prompt
EOF
}

# Start snetd on $ETC/snetd.conf; ready when the control socket answers
# (it opens after the kernel link is set up).
start_snetd() {
	rm -f $SOCK
	echo "--- snetd start $(date +%T.%N)" >> $SLOG
	$SNETD -f -v -c $ETC/snetd.conf >> $SLOG 2>&1 &
	snetd_pid=$!
	i=0
	while ! $CTL status > /dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $snetd_pid 2>/dev/null; then
			fail "snetd starts" "$(tail -3 $SLOG)"
			snetd_pid=
			return 1
		fi
		sleep 0.05
	done
}

# Stop snetd cleanly; its exit status in $snetd_status.
stop_snetd() {
	snetd_status=none
	[ -n "$snetd_pid" ] || return 0
	kill -TERM $snetd_pid 2>/dev/null
	wait $snetd_pid
	snetd_status=$?
	snetd_pid=
}

# No daemon, no events, the kernel allows: helpers can bind and connect.
reset_kernel() {
	stop_snetd
	$NL unregister > /dev/null
	$NL event-flush > /dev/null
	$NL ticket-revoke > /dev/null
	$NL config-set default_verdict=allow timeout_ms=5000 > /dev/null
}

# Line number of the policy rule that ends with "# TAG".
line_of() { grep -n "# $1\$" $POLICY | cut -d: -f1; }

# snetd writes its decision log after the verdicts: wait until nothing is
# in flight and every answer's line is written (when snetd runs).
settle() {
	i=0
	while [ $i -lt 100 ]; do
		s=$($CTL -j stats 2> /dev/null | jq -r '.daemon | "\(.in_flight) \(.log_queued)"') || return 0
		[ -n "$s" ] || return 0
		[ "$s" = "0 0" ] && return 0
		sleep 0.02
		i=$((i + 1))
	done
	echo "# settle: snetd still has '$s' (in flight, log queued)"
}

# Decisions about port $1 (remote port, or local port of bind/listen).
decisions() {
	settle
	[ -f $DLOG ] || return 0
	jq -c --argjson p "$1" 'select((.event.remote.port // -1) == $p or
		((.event.syscall == "bind" or .event.syscall == "listen") and
		 .event.local.port == $p))' $DLOG
}
ndec() { decisions "$1" | wc -l; }
# "verdict by rule_line" of the last decision about port $1.
lastdec() {
	decisions "$1" | tail -1 |
		jq -r '"\(.decision.verdict) \(.decision.by) \(.decision.rule_line // "-")"'
}
lastdec_field() { decisions "$1" | tail -1 | jq -r "$2"; }

# pcheck NAME RESULT TAG PORT COMMAND...: the command's result is RESULT,
# and exactly one new decision about PORT was made, by the rule tagged TAG.
pcheck() {
	name=$1 want=$2 tag=$3 port=$4
	shift 4
	n0=$(ndec $port)
	out=$("$@" 2>&1 < /dev/null)
	case $1 in
	$BB) got=$(bb_res "$out") ;;
	*) got=$(echo "$out" | res) ;;
	esac
	n1=$(ndec $port)
	v=allow
	[ "$want" = EACCES ] && v=deny
	expect="$v policy $(line_of $tag)"
	d=$(lastdec $port)
	if [ "$got" = "$want" ] && [ $((n1 - n0)) = 1 ] && [ "$d" = "$expect" ]; then
		ok "$name"
	else
		fail "$name" "result '$got' (want '$want'), $((n1 - n0)) new decisions, last '$d' (want '$expect' = rule $tag)"
	fi
}

# dcheck NAME RESULT BY NEW PORT COMMAND...: result RESULT, NEW new
# decisions about PORT, the last one made by BY (remote, prompt, default...).
# The command's run time, in ms, is left in $took (the call's own, when the
# command says it: timed).
dcheck() {
	name=$1 want=$2 by=$3 new=$4 port=$5
	shift 5
	n0=$(ndec $port)
	t0=$(now_ms)
	out=$("$@" 2>&1 < /dev/null)
	took=$(( $(now_ms) - t0 ))
	got=$(echo "$out" | res)
	e=$(echo "$out" | elapsed)
	[ -z "$e" ] || took=$e
	n1=$(ndec $port)
	d=$(lastdec_field $port .decision.by)
	if [ "$got" = "$want" ] && [ $((n1 - n0)) = "$new" ] && [ "$d" = "$by" ]; then
		ok "$name"
	else
		fail "$name" "result '$got' (want '$want'), $((n1 - n0)) new decisions (want $new), last by '$d' (want '$by')"
	fi
}

# Wait until COMMAND succeeds, for at most $1 tenths of a second.
wait_for() {
	n=$1
	shift
	while ! "$@" 2> /dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

prompt_clients() { $CTL -j status | jq -r .status.prompt_clients; }
prompt_attached() { [ "$(prompt_clients)" = "$1" ]; }
kstat() { $NL stats | sed -n "s/^$1=//p"; }
dstat() { $CTL -j stats | jq -r ".daemon.$1"; }

# reap PID TENTHS: wait for a background process for at most TENTHS tenths
# of a second, then kill it; its status in $reaped (124: it was killed).
# A test that hangs must not hang the suite.
reap() {
	n=$2
	while [ $n -gt 0 ] && [ -e /proc/$1 ] &&
		[ "$(sed 's/.*) //' /proc/$1/stat | cut -c1)" != Z ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if [ $n -le 0 ]; then
		kill -9 $1 2> /dev/null
		wait $1
		reaped=124
		return 1
	fi
	wait $1
	reaped=$?
}
