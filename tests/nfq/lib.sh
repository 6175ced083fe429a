# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the NFQUEUE in-guest tests (sourced by guest-nfq.sh): results,
# snetd's configuration and life, its counters, the EVE log.

B=${SNET_TOP:?}/build/out
SNETD=$B/bin/snetd
CTL=$B/bin/snetctl
PEER=$(readlink -f "$B/tests/nfq/snet-nfq-peer")
NL=$B/tests/kernel/snet-nltool
REMOTE=$B/tests/nfhelper/snet-test-remote
IP=/usr/sbin/ip
NFT=/usr/sbin/nft
W=/tmp/nfq-tests
ETC=$W/etc
RULES=$ETC/test.rules
EVE=$W/eve.json
SLOG=$W/snetd.log
SOCK=/run/snet/snetd.sock
snetd_pid=

SUITE=nfq
. "$SNET_TOP/tests/guest/tap.sh"
# The value of KEY= in a peer's output.
val() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" | tail -1; }
in_peer() { $IP netns exec peer "$@"; }

# write_conf [KEY=VALUE...]: snetd.conf; [nfqueue] keys given as
# nfq_KEY=VALUE, the rest as below.
write_conf() {
	c_remote= c_nfq=
	for kv in "$@"; do
		case $kv in
		nfq_*) c_nfq="$c_nfq
${kv#nfq_}" ;;
		*) eval "c_${kv%%=*}=\${kv#*=}" ;;
		esac
	done
	cat > $ETC/snetd.conf <<EOF
[daemon]
policy = $ETC/test.policy
decision_log = $W/decisions.jsonl
log_level = debug
[kernel]
default_verdict = allow
events = connect:tcp
[decision]
default = allow
[remote]
server = $c_remote
[prompt]
enabled = no
[inspect]
enabled = yes
rules = $RULES
config = $ETC/inspector.conf
eve_log = $EVE
[nfqueue]$(echo "$c_nfq" | sed 's/=/ = /')
EOF
}

# Start snetd; ready when its control socket answers (the queues are
# bound and the table installed before it opens).
start_snetd() {
	rm -f $SOCK
	echo "--- snetd start $(date +%T.%N) $*" >> $SLOG
	$SNETD -f -v -c $ETC/snetd.conf "$@" >> $SLOG 2>&1 &
	snetd_pid=$!
	i=0
	while ! $CTL status > /dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 $snetd_pid 2>/dev/null; then
			fail "snetd starts" "$(tail -3 $SLOG)"
			snetd_pid=
			return 1
		fi
		sleep 0.05
	done
}

stop_snetd() {
	[ -n "$snetd_pid" ] || return 0
	kill -TERM $snetd_pid 2>/dev/null
	wait $snetd_pid
	snetd_status=$?
	snetd_pid=
}

# A counter of snetctl inspect: stat total.packets, stat nft.queued_packets
stat() { $CTL -j inspect | jq -r ".inspect.$1 // 0"; }
# Sum of a kernel queue counter over the queues.
kstat() { $CTL -j inspect | jq -r "[.inspect.kernel_queues[].$1] | add // 0"; }

# Alerts of sid $1 in the EVE log (one JSON object per line).
alerts_of() { jq -c "select(.alert.signature_id == $1)" $EVE 2>/dev/null; }
n_alerts() { alerts_of "$1" | grep -c . ; }

# A server in the peer namespace: recv ADDR PORT FILE; returns when ready,
# its pid in $srv_pid (ip netns exec execs the program itself).
serve() {
	rm -f $W/ready.$2
	# Not through in_peer: a backgrounded function is a subshell, and
	# $! would name it instead of the server.
	$IP netns exec peer $PEER recv "$1" "$2" "$3" $W/ready.$2 &
	srv_pid=$!
	i=0
	while [ ! -e $W/ready.$2 ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
}
# The server is done (EOF), or is stopped: its flow was dropped, so the
# sender's FIN never arrives.
served() { wait $srv_pid 2>/dev/null; }
unserve() { kill $srv_pid 2>/dev/null; wait $srv_pid 2>/dev/null; }
# The same on this side (loopback).
serve_here() {
	rm -f $W/ready.$2
	$PEER recv "$1" "$2" "$3" $W/ready.$2 &
	srv_pid=$!
	i=0
	while [ ! -e $W/ready.$2 ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
}
# The server is done (EOF), or is stopped: its flow was dropped, so the
# sender's FIN never arrives.
served() { wait $srv_pid 2>/dev/null; }
unserve() { kill $srv_pid 2>/dev/null; wait $srv_pid 2>/dev/null; }
