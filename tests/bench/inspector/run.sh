#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh ET_LOAD CACHEDIR: ET Open compile time (cold cache) and load time
# from the database cache, with peak memory, as "bench NAME value=..." lines.
set -u
bin=$1 cache=$2
et=${ET_OPEN_DIR:-/work/shared/data/et-open}
rm -rf "$cache" && mkdir -p "$cache"
out=$(/usr/bin/time -f 'maxrss_kb=%M' "$bin" "$cache" "$et/classification.config" "$et" 2>&1) || { echo "$out"; exit 1; }
cold=$(echo "$out" | sed -n 's/^et-open load cold: rc=0 \([0-9.]*\)s.*/\1/p')
warm=$(echo "$out" | sed -n 's/^et-open load warm: rc=0 \([0-9.]*\)s.*/\1/p')
rss=$(echo "$out" | sed -n 's/^maxrss_kb=\([0-9]*\)/\1/p')
echo "bench inspector-et-compile value=${cold}s"
echo "bench inspector-et-cache-load value=${warm}s"
echo "bench inspector-et-cache-speedup ratio=$(echo "$cold $warm" | awk '{printf "%.2f", $1/$2}') goal=>=2"
echo "bench inspector-et-peak-memory value=$((rss / 1024))MiB"
echo "bench inspector-throughput: not measured yet (no engine-vs-hs_scan benchmark)"
