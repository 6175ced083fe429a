#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-fuzz.sh BIN SECONDS TAPFILE SEEDS CORPUS: run the libFuzzer target for
# SECONDS from its seeds; a crash is "not ok".  TAPFILE may be empty.
set -u
bin=$1 secs=$2 tap=$3 seeds=$4 corpus=$5
name=$(basename "$bin")
mkdir -p "$corpus"
log=$corpus.log
[ -n "$tap" ] && mkdir -p "$(dirname "$tap")"
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-artifact_prefix="$corpus-" "$corpus" "$seeds" > "$log" 2>&1; then
	runs=$(grep '^#[0-9]' "$log" | tail -1 | awk '{print $1}')
	line="ok feed: fuzz: $name ($runs runs in ${secs}s)"
	rc=0
else
	line="not ok feed: fuzz: $name: crashed, see $log"
	tail -40 "$log" >&2
	rc=1
fi
echo "$line"
[ -n "$tap" ] && echo "$line" >> "$tap"
exit $rc
