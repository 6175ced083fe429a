#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: snetd's benchmarks (issue 4) in the QEMU guest: boots
# build/kernel-x86 with two CPUs under software emulation, runs
# guest-bench.sh there and prints its "bench NAME ..." lines.  The whole
# console is in build/guest/snetd-bench.log.
#
# SNETD_BENCH_ARGS adds kernel command line words, e.g.
# "snetbench.rounds=3 snetbench.upcall=500" for a quicker, rougher run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
log=$top/build/guest/snetd-bench.log

status=0
"$top/tests/guest/run.sh" --kernel x86 --cpus 2 --suite snetd-bench \
	--script "$here/guest-bench.sh" --timeout 1200 \
	--append "${SNETD_BENCH_ARGS:-}" >&2 || status=1
grep -a '^bench ' "$log" || { echo "snetd bench: no figures, see $log" >&2; exit 1; }
exit $status
