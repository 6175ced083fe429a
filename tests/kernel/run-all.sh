#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel suites of make test: checkpatch on kernel/, the KUnit and
# in-guest tests under User-Mode Linux, and a boot of the x86_64 kernel in
# QEMU running a short smoke test.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
"$top/kernel/checkpatch.sh" --tap > "${RESULTS:-$top/build/results}/checkpatch.tap" || rc=1
"$top/tests/guest/run.sh" --kernel um --suite kernel-um --timeout 900 \
	--script "$top/tests/kernel/guest-tests.sh" || rc=1
"$top/tests/guest/run.sh" --kernel x86 --tcg-single --suite kernel-x86 --timeout 300 \
	--script "$top/tests/kernel/smoke.sh" || rc=1
exit $rc
