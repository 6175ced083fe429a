#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh SNET_UPDATE WORKDIR: the time snet-update takes to test-compile
# and install the whole ET Open set (tests/data/et-open, or ET_OPEN_DIR),
# served as an ET-layout tarball from a file:// URL so the network is not
# measured.  The database cache is off (warm-cache = no): every run compiles.
# Prints "bench feed-install seconds=N" (the best of RUNS runs, default 3)
# and the breakdown of each run.
set -u
bin=$1 work=$2
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
et=${ET_OPEN_DIR:-$here/../data/et-open}
rm -rf "$work"
mkdir -p "$work/www"
if [ ! -d "$et" ]; then
	echo "bench feed-install: no ET Open set at $et" >&2
	exit 1
fi
(cd "$et" && tar czf "$work/www/emerging.rules.tar.gz" --transform 's,^,rules/,' \
	$(ls *.rules classification.config)) || exit 1
md5sum "$work/www/emerging.rules.tar.gz" | cut -d' ' -f1 > "$work/www/emerging.rules.tar.gz.md5"
cat > "$work/update.conf" <<CONF
[update]
dest = $work/dest
cache-dir = $work/cache
inspector-config =
reload-command =
[changes]
enable =
disable =
drop =
modify =
[check]
warm-cache = no
[source et-open]
url = file://$work/www/emerging.rules.tar.gz
checksum = md5
CONF
best=
for i in $(seq "$runs"); do
	# --force: compile and install again although nothing changed
	if ! "$bin" -c "$work/update.conf" -v --force > "$work/run$i.log" 2>&1; then
		cat "$work/run$i.log" >&2
		echo "bench feed-install: snet-update failed" >&2
		exit 1
	fi
	t=$(sed -n 's/^timing: .*test-compile \([0-9.]*\) s, install \([0-9.]*\) s$/\1 \2/p' "$work/run$i.log")
	[ -n "$t" ] || { cat "$work/run$i.log" >&2; exit 1; }
	set -- $t
	total=$(echo "$1 + $2" | bc -l)
	rules=$(sed -n 's/^test-compile: loaded \([0-9]*\) of \([0-9]*\) rules.*/\1 of \2/p' "$work/run$i.log")
	printf 'run %d: test-compile %.2f s + install %.2f s = %.2f s (%s rules loaded)\n' \
		"$i" "$1" "$2" "$total" "$rules"
	if [ -z "$best" ] || [ "$(echo "$total < $best" | bc -l)" = 1 ]; then
		best=$total
	fi
done
printf 'bench feed-install seconds=%.2f\n' "$best"
