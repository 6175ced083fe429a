#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# PID 1 of a test guest.  The root file system is the host's / (hostfs under
# UML, virtio-9p under QEMU), read only; everything that writes goes to
# tmpfs.  Runs the script named by snet.script= on the kernel command line,
# prints "SNET-GUEST-EXIT <status>" and powers off; with snet.interactive=1
# it leaves a shell instead.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm

top=
for arg in $(cat /proc/cmdline); do
	case $arg in snet.top=*) top=${arg#snet.top=} ;; esac
done
# The tree may live under a directory that becomes tmpfs here (a clone in
# /tmp, say): hold it aside and put it back at the same path.
[ -n "$top" ] && mount --bind "$top" /mnt
for d in /tmp /run /var/tmp /var/log /var/lib /root /etc/snet; do
	mount -t tmpfs tmpfs "$d" 2>/dev/null
done
if [ -n "$top" ]; then
	if [ -d "$top/tests/guest" ]; then
		umount /mnt
	else
		mkdir -p "$top" && mount --move /mnt "$top"
	fi
fi
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname snet-guest 2>/dev/null

script= interactive=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	snet.script=*) script=${arg#snet.script=} ;;
	snet.interactive=*) interactive=${arg#snet.interactive=} ;;
	esac
done
export SNET_TOP="$top" SNET_BIN="$top/build/out/bin" HOME=/root TERM=linux
/usr/sbin/ip link set lo up 2>/dev/null

status=0
if [ -n "$script" ]; then
	cd /tmp
	sh "$script"
	status=$?
fi

if [ "$interactive" = 1 ]; then
	echo
	echo "snet guest shell: snetctl is on PATH; 'busybox poweroff -f' leaves."
	export PATH="$SNET_BIN:$PATH"
	cd /root
	setsid -c /bin/bash -i
fi

# kmemleak, if built in: scan twice (it wants a second look) and report
# what is still unreferenced ten seconds later.  A leak stays; an object
# the kernel still holds through a path the scan missed goes (TCP request
# sockets queued on a busy listener did: reported, then freed).
kmemleak_scan() {
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	grep -q unreferenced /sys/kernel/debug/kmemleak
}
if [ -w /sys/kernel/debug/kmemleak ] && kmemleak_scan; then
	echo "kmemleak: objects reported, looking again in 10 s"
	sleep 10
	if kmemleak_scan; then
		echo "SNET-KMEMLEAK-BEGIN"
		cat /sys/kernel/debug/kmemleak
		echo "SNET-KMEMLEAK-END"
	fi
fi
echo "SNET-GUEST-EXIT $status"
sync
/bin/busybox poweroff -f
