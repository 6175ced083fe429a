#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages listed in scripts/packages.txt that are missing.
# Idempotent: when everything is there it only asks dpkg and returns.
set -eu
list="$(dirname "$0")/packages.txt"
missing=""
for p in $(grep -v '^#' "$list"); do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages and not root; install them:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || echo "deps: apt-get update failed, trying the cached index" >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
