#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-tests.sh TAPFILE SUITE TEST...: run cmocka test programs and write one
# line per test case into TAPFILE: "ok SUITE/PROGRAM: case" or
# "not ok SUITE/PROGRAM: case: why".  A program that dies (a sanitizer
# report, a crash) or runs no test gets a "not ok" line of its own.
set -u
tap=$1
suite=$2
shift 2
: > "$tap"
failed=0
for t in "$@"; do
	name=$(basename "$t")
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 120 "$t" > "$out" 2>"$out.err"
	rc=$?
	awk -v p="$suite/$name" '
		function flush() { if (pend != "") { print pend (why != "" ? ": " why : ""); pend = ""; why = "" } }
		/^ok [0-9]+ - / { flush(); sub(/^ok [0-9]+ - /, ""); print "ok " p ": " $0; n++; next }
		/^not ok [0-9]+ - / { flush(); sub(/^not ok [0-9]+ - /, ""); pend = "not ok " p ": " $0; n++; next }
		/^#/ && pend != "" { l = $0; sub(/^# */, "", l); if (l != "" && why == "") why = l; next }
		END { flush(); if (n == 0) exit 3 }
	' "$out" >> "$tap"
	counted=$?
	if [ "$rc" -ne 0 ] && ! grep -q "^not ok $suite/$name:" "$tap"; then
		why=$(grep -m1 -E 'ERROR|runtime error|Assertion|Sanitizer' "$out.err" | cut -c1-200)
		echo "not ok $suite/$name: exited with status $rc ${why:+($why)}" >> "$tap"
	elif [ "$counted" -ne 0 ]; then
		echo "not ok $suite/$name: ran no test" >> "$tap"
	fi
	[ "$rc" -ne 0 ] && { failed=1; sed 's/^/  /' "$out.err" | tail -n 30 >&2; }
	rm -f "$out" "$out.err"
done
p=$(grep -c '^ok ' "$tap")
f=$(grep -c '^not ok ' "$tap")
echo "$suite: $p passed, $f failed"
[ "$failed" -eq 0 ] && [ "$f" -eq 0 ]
