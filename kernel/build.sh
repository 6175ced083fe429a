#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh um|x86: build the snet kernel for User-Mode Linux or x86_64.
#
# Unpacks Debian's linux-source-6.12 into build/linux (once), applies
# kernel/patches, places kernel/security/snet and the uapi header, configures
# from tinyconfig plus kernel/config/*.config, and builds with ccache into
# build/kernel-ARCH.  Every step is skipped when its inputs did not change,
# so a rerun with nothing changed costs about a second.
set -euo pipefail

arch=${1:?usage: build.sh um|x86}
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$top/kernel
build=$top/build
src=$build/linux
tarball=${SNET_LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
jobs=${JOBS:-$(nproc)}

case $arch in
um)
	karch=um
	frags="common debug um"
	image=linux
	target=all
	;;
x86)
	karch=x86_64
	frags="common x86_64"
	image=arch/x86/boot/bzImage
	target=bzImage
	;;
*)
	echo "build.sh: unknown target '$arch' (um or x86)" >&2
	exit 2
	;;
esac
out=$build/kernel-$arch

log() { echo "kernel($arch): $*"; }

hash_files() { cat "$@" | sha256sum | cut -c1-16; }

mkdir -p "$build"

# 1. The source tree, patched: redone whenever the tarball or patches change.
patches=("$kdir"/patches/*.patch)
want_src="$(stat -c '%s %Y' "$tarball") $(hash_files "${patches[@]}")"
if [ "$(cat "$src/.snet-source" 2>/dev/null)" != "$want_src" ]; then
	log "unpacking $(basename "$tarball") and applying ${#patches[@]} patches"
	rm -rf "$src" "$build/linux-source-6.12"
	tar -C "$build" -xf "$tarball"
	mv "$build/linux-source-6.12" "$src"
	for p in "${patches[@]}"; do
		patch -d "$src" -p1 --quiet --forward < "$p" || {
			echo "build.sh: $(basename "$p") does not apply" >&2
			exit 1
		}
	done
	echo "$want_src" > "$src/.snet-source"
	rm -f "$build"/kernel-*/.snet-built
fi

# 2. snet's own files: copied by content, so unchanged files keep their
#    mtime and make rebuilds nothing.
mkdir -p "$src/security/snet"
rsync -rc --delete "$kdir/security/snet/" "$src/security/snet/"
rsync -c "$kdir/include/uapi/linux/snet.h" "$src/include/uapi/linux/snet.h"

# 3. Configuration: tinyconfig plus our fragments, checked afterwards.
fragfiles=()
for f in $frags; do fragfiles+=("$kdir/config/$f.config"); done
want_cfg="$want_src $(hash_files "${fragfiles[@]}")"
mkdir -p "$out"
if [ "$(cat "$out/.snet-config" 2>/dev/null)" != "$want_cfg" ]; then
	log "configuring (tinyconfig + $frags)"
	make -s -C "$src" O="$out" ARCH=$karch tinyconfig >/dev/null
	KCONFIG_CONFIG="$out/.config" "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$out" "$out/.config" "${fragfiles[@]}" >/dev/null
	make -s -C "$src" O="$out" ARCH=$karch olddefconfig >/dev/null
	# Every option we asked for must have stuck (dependencies can drop one).
	missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$out/.config" && {
				echo "build.sh: $opt is set but should not be" >&2
				missing=1
			} ;;
		CONFIG_*=*) grep -qxF "$line" "$out/.config" || {
				echo "build.sh: wanted '$line', got '$(grep "^${line%%=*}=" "$out/.config" || echo unset)'" >&2
				missing=1
			} ;;
		esac
	done < <(cat "${fragfiles[@]}")
	[ $missing = 0 ] || exit 1
	echo "$want_cfg" > "$out/.snet-config"
	rm -f "$out/.snet-built"
fi

# 4. Build, unless nothing that goes into it changed.
want_build="$want_cfg $(find "$kdir/security" "$kdir/include" -type f -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
if [ -f "$out/$image" ] && [ "$(cat "$out/.snet-built" 2>/dev/null)" = "$want_build" ]; then
	log "up to date: $out/$image"
	exit 0
fi
log "building $image with $jobs jobs"
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
# Hits across clones: paths under the tree hash as relative ones.
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=1
start=$(date +%s)
if ! make -s -C "$src" O="$out" ARCH=$karch CC="$cc" HOSTCC="$cc" \
	KBUILD_BUILD_TIMESTAMP="snet" KBUILD_BUILD_USER=snet \
	KBUILD_BUILD_HOST=snet -j"$jobs" $target || [ ! -f "$out/$image" ]; then
	echo "build.sh: kernel build failed" >&2
	exit 1
fi
echo "$want_build" > "$out/.snet-built"
log "built $out/$image in $(( $(date +%s) - start ))s"
