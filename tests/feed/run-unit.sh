#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-unit.sh TAPFILE SUITE TEST...: run the cmocka tests, one TAP line per
# test ("ok SUITE: binary: test") into TAPFILE; a crash or a missing result
# is a "not ok" line too.
set -u
tap=$1 suite=$2
shift 2
mkdir -p "$(dirname "$tap")"
: > "$tap"
rc=0
for t in "$@"; do
	name=$(basename "$t")
	log=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$log" 2>&1
	st=$?
	sed -n "s/^\(not ok\|ok\) [0-9]* - \(.*\)/\1 $suite: $name: \2/p" "$log" >> "$tap"
	grep -A3 '^not ok' "$log" | sed 's/^/# /' >> "$tap"
	if [ $st -ne 0 ]; then
		rc=1
		grep -q "^not ok $suite: $name" "$tap" ||
			echo "not ok $suite: $name: exited with status $st" >> "$tap"
		cat "$log" >&2
	elif ! grep -q "^ok $suite: $name" "$tap"; then
		rc=1
		echo "not ok $suite: $name: no test result" >> "$tap"
		cat "$log" >&2
	fi
	rm -f "$log"
done
echo "$suite: $(grep -c '^ok ' "$tap") passed, $(grep -c '^not ok ' "$tap") failed"
grep '^not ok ' "$tap" || true
exit $rc
