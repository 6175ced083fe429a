# SPDX-License-Identifier: GPL-2.0-or-later
# Result lines of the in-guest suites, sourced with SUITE set: each check
# prints "ok SUITE: NAME" or "not ok SUITE: NAME: why" and counts failures.
failures=0
ok() { echo "ok ${SUITE:?}: $1"; }
fail() { echo "not ok ${SUITE:?}: $1: $2"; failures=$((failures + 1)); }
# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
# check_that NAME WHY-IF-NOT COMMAND...: the command's status decides
check_that() {
	name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else fail "$name" "$why"; fi
}
