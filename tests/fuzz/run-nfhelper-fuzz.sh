#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-nfhelper-fuzz.sh TAPFILE SECONDS WORKDIR FUZZER...: run each of
# nfhelper's libFuzzer targets for SECONDS from its seeds
# (tests/fuzz/seeds/NAME, plus the shipped rules/ files) and write one TAP
# line per target.  Crash inputs are kept in WORKDIR as NAME-crash-*.
set -u
tap=$1
secs=$2
work=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
: > "$tap"
rc=0
for f in "$@"; do
	name=$(basename "$f")
	corpus="$work/$name"
	mkdir -p "$corpus"
	case $name in
	fuzz_policy) cp "$top/rules/policy/"*.policy "$corpus/" 2>/dev/null ;;
	fuzz_snetd_conf) cp "$top/rules/snetd.conf" "$corpus/" 2>/dev/null ;;
	esac
	seeds="$top/tests/fuzz/seeds/$name"
	[ -d "$seeds" ] || seeds=
	log="$work/$name.log"
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$name-" "$corpus" $seeds > "$log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n1)
		echo "ok nfhelper-fuzz: $name (${runs:-ran})" >> "$tap"
	else
		why=$(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$log" | cut -c1-200)
		echo "not ok nfhelper-fuzz: $name: ${why:-failed, see $log}" >> "$tap"
		tail -n 40 "$log" >&2
		rc=1
	fi
done
cat "$tap"
exit $rc
