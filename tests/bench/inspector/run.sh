#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh OUT CACHEDIR: the inspector benchmarks of issue 3, with the whole
# ET Open set, as "bench NAME key=value..." lines:
#   - compile time (cold cache), load time from the database cache, and
#     the peak memory of those two loads (et_load);
#   - throughput of the engine on a generated capture of mixed traffic
#     against a plain loop of Hyperscan scans over the same payload bytes
#     with the engine's own databases (block mode for packets, streaming
#     mode for the raw TCP streams), in one process, repeated
#     (inspect_bench): the ratio; and, without a goal, the ratio against
#     the block-mode baseline used before 2026-11-27;
#   - snet-inspect itself over the same capture: wall time and peak memory.
# BENCH_FLOWS (default 3000) sizes the capture, BENCH_REPS (default 9) the
# repetitions; ET_OPEN_DIR overrides the vendored rule set.
set -u
out=$1 cache=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../../..
et=${ET_OPEN_DIR:-$top/tests/data/et-open}
flows=${BENCH_FLOWS:-3000}
reps=${BENCH_REPS:-9}
work=$out/inspector/bench
mkdir -p "$work"
fail() { echo "bench inspector: $*" >&2; exit 1; }

# compile and cache-load times
rm -rf "$cache" && mkdir -p "$cache"
log=$(/usr/bin/time -f 'maxrss_kb=%M' "$out/inspector/tests/et_load" "$cache" \
	"$et/classification.config" "$et" 2>&1) || { echo "$log"; fail "et_load failed"; }
cold=$(echo "$log" | sed -n 's/^et-open load cold: rc=0 \([0-9.]*\)s.*/\1/p')
warm=$(echo "$log" | sed -n 's/^et-open load warm: rc=0 \([0-9.]*\)s.*/\1/p')
rss=$(echo "$log" | sed -n 's/^maxrss_kb=\([0-9]*\)/\1/p')
[ -n "$cold" ] && [ -n "$warm" ] && [ -n "$rss" ] || { echo "$log"; fail "no load figures"; }
echo "bench inspector-et-compile value=${cold}s"
echo "bench inspector-et-cache-load value=${warm}s"
echo "bench inspector-et-cache-speedup ratio=$(echo "$cold $warm" | awk '{printf "%.2f", $1/$2}') goal=>=2"
echo "bench inspector-et-peak-memory value=$((rss / 1024))MiB"

# the capture: generated, never fetched; same seed, same bytes
pcap=$work/mixed-$flows.pcap
if [ ! -s "$pcap" ]; then
	/usr/bin/python3 "$top/tests/inspector/gen_pcaps.py" --bench "$pcap.tmp" "$flows" &&
		mv "$pcap.tmp" "$pcap" || fail "cannot generate $pcap"
fi

# engine against the plain hs_scan loop
log=$(/usr/bin/time -f 'maxrss_kb=%M' "$out/inspector/tests/inspect_bench" "$cache" \
	"$et/classification.config" "$et" "$pcap" "$work" "$reps" 2>&1) || { echo "$log"; fail "inspect_bench failed"; }
echo "$log" | grep '^inspect_bench: rep' | sed 's/^/# /'
echo "$log" | grep '^bench '
echo "$log" | grep -q '^bench inspector-throughput ratio=' || fail "no ratio"

# the tool itself: load from the cache, the capture, eve.json
conf=$work/bench.conf
printf '[engine]\nclassification-file = %s\ncache-dir = %s\n' "$et/classification.config" "$cache" > "$conf"
mkdir -p "$work/snet-inspect"
log=$(/usr/bin/time -f 'wall_s=%e maxrss_kb=%M' "$out/bin/snet-inspect" -r "$pcap" -S "$et" \
	-c "$conf" -l "$work/snet-inspect" 2>&1) || { echo "$log"; fail "snet-inspect failed"; }
st=$(echo "$log" | grep '^stats ')
wall=$(echo "$log" | sed -n 's/^wall_s=\([0-9.]*\) .*/\1/p')
rss=$(echo "$log" | sed -n 's/.*maxrss_kb=\([0-9]*\)/\1/p')
echo "bench inspector-snet-inspect wall=${wall}s (rule load from cache included) $(echo "$st" | sed 's/^stats //' | tr ' ' '\n' | grep -E '^(packets|bytes|alerts|flows|flows_memcap|truncated)=' | tr '\n' ' ')"
echo "bench inspector-snet-inspect-peak-memory value=$((rss / 1024))MiB"
