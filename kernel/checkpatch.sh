#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict over snet's kernel files and patches, with the
# kernel tree build.sh unpacked.  --tap prints one result line per file.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$top/build/linux/scripts/checkpatch.pl
tap=0
[ "${1:-}" = --tap ] && tap=1
if [ ! -x "$cp" ]; then
	echo "not ok checkpatch: no kernel tree at $top/build/linux (make kernel-um)"
	exit 1
fi
rc=0
for f in "$top"/kernel/security/snet/* "$top"/kernel/include/uapi/linux/snet.h \
	 "$top"/kernel/patches/*.patch; do
	case $f in
	*.patch) out=$("$cp" --strict --no-summary --quiet --no-tree "$f" 2>&1) ;;
	*) out=$("$cp" --strict --no-summary --quiet --no-tree -f "$f" 2>&1) ;;
	esac
	name=${f#"$top"/}
	if [ -z "$out" ]; then
		[ $tap = 1 ] && echo "ok checkpatch: $name"
	else
		rc=1
		if [ $tap = 1 ]; then
			echo "not ok checkpatch: $name: $(echo "$out" | grep -m1 -E 'ERROR|WARNING|CHECK')"
		else
			echo "$out"
		fi
	fi
done
[ $tap = 1 ] || { [ $rc = 0 ] && echo "checkpatch: clean"; }
exit $rc
