#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Count the results every suite wrote to build/results/*.tap and print the
# one summary line CI reads.  Each result is a line "ok <suite>: <name>" or
# "not ok <suite>: <name>[: why]"; a suite that could not run at all writes
# one "not ok" line saying so, so a missing suite is never a silent pass.
set -u
dir=${1:-build/results}
pass=0
fail=0
for f in "$dir"/*.tap; do
	[ -e "$f" ] || continue
	p=$(grep -c '^ok ' "$f")
	n=$(grep -c '^not ok ' "$f")
	pass=$((pass + p))
	fail=$((fail + n))
	grep '^not ok ' "$f" | sed 's/^/FAILED: /'
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no test results found in $dir" >&2
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
