#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh OUT: the NFQUEUE benchmarks (make -C nfhelper bench-nfq), on the
# host, as root, in private network namespaces: clients in one, servers in
# another, a veth pair between them.  The host kernel has no nft queue
# expression and no snet LSM: iptables' NFQUEUE target sends the traffic
# leaving the clients' namespace to the queues (snetd's default: output
# only; NFQ_BENCH_INPUT=1 queues the answers too), and snetd runs with
# --external-ruleset as an inline IDS/IPS.
#
# Throughput (issue 5): the same traffic (tests/bench/nfq/snet-nfq-load:
# HTTP, DNS, TLS client hellos, bulk uploads) through snetd with the whole
# ET Open set, and through a bare accept-everything loop on the same queue
# code and settings (snet-nfq-bare), in the same run, interleaved, for 1
# and 2 queues; the median of NFQ_BENCH_REPS (3) runs of NFQ_BENCH_FLOWS
# (20000) flows.
# Reload (issue 6): snetd's start with a cold and a warm database cache,
# and a reload of the whole set under traffic, cold then warm, with the
# packets that were not inspected (must be 0).
# Prints "bench NAME key=value ..." lines.
set -u
out=${1:?usage: bench.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
if [ "${NFQ_BENCH_NS:-}" != 1 ]; then
	NFQ_BENCH_NS=1 exec unshare -n "$0" "$@"
fi

L=$out/tests/nfq/snet-nfq-load
BARE=$out/tests/nfq/snet-nfq-bare
SNETD=$out/bin/snetd
CTL=$out/bin/snetctl
flows=${NFQ_BENCH_FLOWS:-20000}
threads=${NFQ_BENCH_THREADS:-8}
reps=${NFQ_BENCH_REPS:-3}
# 1: queue the answers too (chain input), as with [nfqueue] input = yes
input=${NFQ_BENCH_INPUT:-0}
et=${ET_OPEN_DIR:-$top/tests/data/et-open}
[ -d "$et" ] || et=/work/shared/data/et-open
work=$out/bench-nfq
cache=$work/cache
sock=$work/snetd.sock
mkdir -p "$work" "$cache"
rm -f "$work"/go "$work"/srv.pid
fail() { echo "bench nfq: $*" >&2; exit 1; }
[ -x "$L" ] && [ -x "$BARE" ] && [ -x "$SNETD" ] || fail "build first (make -C nfhelper)"

# ---------------------------------------------------------------- network
# Servers on 10.9.0.201-208 in a namespace of their own, clients on
# 10.9.0.1-8 here ($HOME_NET), through veth0 <-> veth1.
ip link set lo up
unshare -n sh -c "echo \$\$ > $work/srv.pid
	while [ ! -e $work/go ]; do sleep 0.05; done
	ip link set lo up
	ip link set veth1 up
	for k in 1 2 3 4 5 6 7 8; do ip addr add 10.9.0.\$((200 + k))/24 dev veth1; done
	exec $L serve 10.9.0.201" > "$work/serve.log" 2>&1 &
srv_job=$!
i=0
while [ ! -s "$work/srv.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
srv_pid=$(cat "$work/srv.pid")
ip link add veth0 type veth peer name veth1 netns "$srv_pid" || fail "veth"
for k in 1 2 3 4 5 6 7 8; do ip addr add 10.9.0.$k/24 dev veth0; done
ip link set veth0 up
touch "$work/go"
cleanup() {
	kill "$srv_pid" 2>/dev/null
	wait "$srv_job" 2>/dev/null
	rm -f "$work/go"
}
trap cleanup EXIT
i=0
until grep -q ready "$work/serve.log" && "$L" run 16 1 1 10.9.0.1 10.9.0.201 | grep -q 'errors=0'; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the servers do not answer: $(cat "$work/serve.log")"
	sleep 0.1
done

# queue Q: what leaves through veth0 (and what comes in, with
# NFQ_BENCH_INPUT=1) to queues 0..Q-1 (address hash), as snetd's table does
# with its default [nfqueue] output = yes, input = no
queue_rules() {
	iptables -F OUTPUT
	iptables -F INPUT
	[ "$1" = 0 ] && return 0
	if [ "$1" = 1 ]; then
		target="--queue-num 0"
	else
		target="--queue-balance 0:$(($1 - 1))"
	fi
	for p in tcp udp; do
		iptables -A OUTPUT -o veth0 -p $p -j NFQUEUE $target
		[ "$input" = 1 ] && iptables -A INPUT -i veth0 -p $p -j NFQUEUE $target
	done
	iptables -Z
}
# packets the NFQUEUE rules sent
queued() {
	{ iptables -L OUTPUT -v -x -n; iptables -L INPUT -v -x -n; } |
		awk '/NFQUEUE/ { n += $1 } END { print n + 0 }'
}

cat > "$work/inspector.conf" <<EOF
[vars]
HOME_NET = [10.9.0.0/25]
EXTERNAL_NET = !\$HOME_NET
HTTP_PORTS = [80,8080]
[engine]
classification-file = $et/classification.config
cache-dir = $cache
EOF
echo "allow" > "$work/allow.policy"
snetd_conf() {
	cat > "$work/snetd.conf" <<EOF
[daemon]
policy = $work/allow.policy
decision_log =
[control]
socket = $sock
[inspect]
enabled = yes
rules = $et
config = $work/inspector.conf
eve_log = $work/eve.json
[nfqueue]
queues = 0-$(($1 - 1))
external_ruleset = yes
EOF
}
now() { date +%s.%N; }
# start snetd; its start time (launch to a control socket that answers)
start_snetd() {
	rm -f "$sock" "$work/eve.json"
	t0=$(now)
	"$SNETD" -c "$work/snetd.conf" > "$work/snetd.log" 2>&1 &
	snetd_pid=$!
	until "$CTL" -s "$sock" status > /dev/null 2>&1; do
		kill -0 $snetd_pid 2>/dev/null || fail "snetd did not start: $(tail -3 "$work/snetd.log")"
		sleep 0.02
	done
	start_s=$(echo "$(now) $t0" | awk '{printf "%.2f", $1 - $2}')
}
stop_snetd() {
	kill -TERM $snetd_pid
	wait $snetd_pid
}
load() { "$L" run "$@" 10.9.0.1 10.9.0.201; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }

# ------------------------------------------------------------- throughput
queue_rules 0
r=$(load "$flows" "$threads" 1)
echo "bench nfq-direct flows=$flows seconds=$(echo "$r" | field seconds) (no queue: the generator's own speed)"

# A first start fills the database cache (not measured here).
snetd_conf 1
start_snetd
stop_snetd

for q in 1 2; do
	queue_rules $q
	snetd_conf $q
	: > "$work/bare.$q"
	: > "$work/snetd.$q"
	for rep in $(seq "$reps"); do
		"$BARE" 0 $q > "$work/bare.out" &
		bare=$!
		until grep -q ready "$work/bare.out"; do sleep 0.02; done
		iptables -Z
		r=$(load "$flows" "$threads" $rep)
		kill -TERM $bare
		wait $bare
		echo "$(echo "$r" | field seconds) $(queued) $(field bytes < "$work/bare.out") $(echo "$r" | field errors)" >> "$work/bare.$q"

		start_snetd
		iptables -Z
		r=$(load "$flows" "$threads" $rep)
		st=$("$CTL" -s "$sock" -j inspect)
		stop_snetd
		echo "$(echo "$r" | field seconds) $(queued) $(echo "$st" | jq .inspect.total.bytes) $(echo "$r" | field errors) $(echo "$st" | jq .inspect.total.alerts) $(echo "$st" | jq .inspect.total.inspected)" >> "$work/snetd.$q"
	done
	for who in bare snetd; do
		s=$(cut -d' ' -f1 "$work/$who.$q" | median)
		p=$(awk -v s="$s" '$1 == s { print $2; exit }' "$work/$who.$q")
		b=$(awk -v s="$s" '$1 == s { print $3; exit }' "$work/$who.$q")
		e=$(awk '{ n += $4 } END { print n + 0 }' "$work/$who.$q")
		eval "${who}_pps_$q=$(echo "$p $s" | awk '{printf "%.0f", $1 / $2}')"
		eval "${who}_bps_$q=$(echo "$b $s" | awk '{printf "%.0f", $1 / $2}')"
		eval "${who}_s_$q=$s ${who}_err_$q=$e"
	done
	eval "echo \"bench nfq-bare queues=$q pps=\$bare_pps_$q bytes_per_s=\$bare_bps_$q seconds=\$bare_s_$q errors=\$bare_err_$q\""
	eval "echo \"bench nfq-snetd queues=$q pps=\$snetd_pps_$q bytes_per_s=\$snetd_bps_$q seconds=\$snetd_s_$q errors=\$snetd_err_$q alerts=$(tail -1 "$work/snetd.$q" | cut -d' ' -f5)\""
	eval "ratio_$q=\$(echo \"\$snetd_pps_$q \$bare_pps_$q\" | awk '{printf \"%.2f\", \$1 / \$2}')"
	eval "echo \"bench nfq-scaling queues=$q snetd_pps=\$snetd_pps_$q bare_pps=\$bare_pps_$q ratio=\$ratio_$q\""
done
echo "bench nfq-scaling-speedup snetd=$(echo "$snetd_pps_2 $snetd_pps_1" | awk '{printf "%.2f", $1 / $2}') bare=$(echo "$bare_pps_2 $bare_pps_1" | awk '{printf "%.2f", $1 / $2}') (2 queues over 1, $(nproc) CPUs)"
echo "bench nfq-throughput ratio=$ratio_2 goal=>=0.9"

# ----------------------------------------------------------------- reload
queue_rules 2
snetd_conf 2
rm -rf "$cache" && mkdir -p "$cache"
start_snetd
echo "bench nfq-start-cold seconds=$start_s (ET Open compiled, cache empty)"
stop_snetd
start_snetd
echo "bench nfq-start-warm seconds=$start_s (ET Open, databases from the cache)"
rules=$("$CTL" -s "$sock" -j inspect | jq .inspect.rules.rules)
for kind in cold warm; do
	[ $kind = cold ] && rm -rf "$cache"/*
	iptables -Z
	b0=$("$CTL" -s "$sock" -j inspect)
	# Traffic from before the reload starts until after it ends.
	rm -f "$work/stop-load"
	: > "$work/reload-load.out"
	( while [ ! -e "$work/stop-load" ]; do load "$flows" "$threads" 7 >> "$work/reload-load.out"; done ) &
	lj=$!
	sleep 1
	rr=$("$CTL" -s "$sock" -j reload-rules 600) || fail "reload-rules: $rr"
	sleep 1
	touch "$work/stop-load"
	wait $lj
	sleep 0.5
	st=$("$CTL" -s "$sock" -j inspect)
	d() { echo "$(echo "$st" | jq ".inspect.total.$1") $(echo "$b0" | jq ".inspect.total.$1")" | awk '{print $1 - $2}'; }
	q=$(queued)
	got=$(( $(d packets) - $(d segments) ))
	never=$((q - got))
	notinsp=$(( $(d packets) - $(d gso_requeued) - $(d inspected) ))
	kd=$(echo "$st" | jq '[.inspect.kernel_queues[] | .queue_dropped + .user_dropped] | add')
	echo "bench nfq-reload-$kind seconds=$(echo "$rr" | jq .seconds) from_cache=$(echo "$st" | jq .inspect.rules.reload.last_from_cache) rules=$rules queued=$q unscanned=$((never + notinsp)) kernel_dropped=$kd load_errors=$(field errors < "$work/reload-load.out" | awk '{n += $1} END {print n + 0}') goal=unscanned=0"
done
stop_snetd
queue_rules 0
