#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-unit.sh OUT TAPFILE TEST...: run the cmocka tests with TAP output and
# the pcap tests of snet-inspect; every result line goes to TAPFILE.
set -u
out=$1 tap=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$tap")"
: > "$tap"
suffix=$(basename "$tap" .tap | sed 's/^inspector-unit//')
rc=0
# the ET Open set vendored in tests/data (ET_OPEN_DIR overrides it)
et=${ET_OPEN_DIR:-$here/../data/et-open}
export SNET_TEST_CLASSIFICATION=${SNET_TEST_CLASSIFICATION:-$et/classification.config}
for t in "$@"; do
	name=$(basename "$t")
	log=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$log" 2>&1
	st=$?
	# keep result lines, named by binary (and -san) so names stay unique
	sed -n "s/^\(not ok\|ok\) [0-9]* - \(.*\)/\1 inspector$suffix: $name: \2/p" "$log" >> "$tap"
	grep -A3 '^not ok' "$log" | sed 's/^/# /' >> "$tap"
	if [ $st -ne 0 ]; then
		rc=1
		grep -q "^not ok inspector$suffix: $name" "$tap" ||
			echo "not ok inspector$suffix: $name: exited with status $st" >> "$tap"
		cat "$log" >&2
	fi
	rm -f "$log"
done
"$here/pcap-tests.sh" "$out" >> "$tap" 2>&1 || rc=1
sed "s/^\(not ok\|ok\) inspector: /\1 inspector$suffix: /" "$tap" > "$tap.tmp" && mv "$tap.tmp" "$tap"
grep -c '^ok ' "$tap" | sed 's/^/passed: /'
grep '^not ok ' "$tap" || true
exit $rc
