#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh DIR SECONDS TAPFILE TARGET...: run each libFuzzer target for
# SECONDS; a crash fails it.  TAPFILE may be empty (make fuzz).  Seeds:
# seeds/TARGET/ and what mkseeds-TARGET.py generates, if there is one.
set -u
dir=$1 secs=$2 tap=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
rc=0
[ -n "$tap" ] && : > "$tap"
for t in "$@"; do
	corpus=$dir/corpus-$t
	mkdir -p "$corpus"
	seeds=$here/seeds/$t
	log=$dir/$t.log
	# seeds that are generated (binary ones are not committed)
	gen=
	if [ -f "$here/mkseeds-$t.py" ]; then
		gen=$dir/gen-$t
		python3 "$here/mkseeds-$t.py" "$gen" || { echo "not ok inspector: fuzz: $t: mkseeds failed"; rc=1; continue; }
	fi
	if "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/$t-" "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) $gen > "$log" 2>&1; then
		line="ok inspector: fuzz: $t ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}') runs in ${secs}s)"
		grep -q '^#[0-9]' "$log" && line="ok inspector: fuzz: $t ($(grep '^#[0-9]' "$log" | tail -1 | awk '{print $1}') runs in ${secs}s)"
	else
		line="not ok inspector: fuzz: $t: crashed, see $log"
		rc=1
		tail -30 "$log" >&2
	fi
	echo "$line"
	[ -n "$tap" ] && echo "$line" >> "$tap"
done
exit $rc
