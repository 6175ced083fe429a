#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-suite.sh NAME CMD...: run one test suite and make sure its failure is
# counted.  Suites write their own build/results/NAME*.tap; if the command
# fails and left no "not ok" line (say it did not even build), one is added.
set -u
name=$1
shift
res=${RESULTS:-build/results}
mkdir -p "$res"
echo "=== suite $name: $*"
"$@"
rc=$?
if [ "$rc" -ne 0 ] && ! cat "$res/$name"*.tap 2>/dev/null | grep -q '^not ok '; then
	echo "not ok $name: suite exited with status $rc" >> "$res/$name.tap"
fi
exit 0
