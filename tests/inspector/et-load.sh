#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# et-load.sh ET_LOAD TAPFILE CACHEDIR: the ET Open load test (goal: >= 90%).
set -u
bin=$1 tap=$2 cache=$3
# the ET Open set vendored in tests/data (ET_OPEN_DIR overrides it)
et=${ET_OPEN_DIR:-$(cd "$(dirname "$0")/../data/et-open" 2>/dev/null && pwd)}
mkdir -p "$cache" "$(dirname "$tap")"
if [ ! -d "$et" ]; then
	echo "not ok inspector: et-open-load: no ET Open set at $et" > "$tap"
	exit 1
fi
out=$("$bin" "$cache" "$et/classification.config" "$et" 2>&1)
rc=$?
echo "$out"
frac=$(echo "$out" | sed -n 's/^et-open loaded fraction \([0-9.]*\).*/\1/p')
if [ $rc -eq 0 ]; then
	echo "ok inspector: et-open-load: loaded fraction $frac" > "$tap"
else
	echo "not ok inspector: et-open-load: loaded fraction ${frac:-?} (goal 0.90) or load failed" > "$tap"
fi
exit $rc
