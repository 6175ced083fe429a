#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: boot the snet kernel and run a script inside it.
#
#   run.sh [--kernel um|x86] [--script FILE] [--suite NAME] [--timeout SEC]
#          [--mem SIZE] [--cpus N] [--append ARGS] [--interactive]
#          [--tcg-single]
#
# The guest's root is the host's / (read only), so it runs the host's
# programs and this tree's build/out binaries.  Its console goes to
# build/guest/NAME.log.  With --suite, every "ok ..."/"not ok ..." line the
# guest prints becomes a result in $RESULTS/NAME.tap, and the run fails
# (a "not ok" line) on a timeout or when the console shows a kernel bug:
# BUG:, WARNING:, Oops, a lockdep report, a hung task, a KASAN, UBSAN or
# kmemleak report.
#
# --tcg-single (x86): QEMU runs the virtual CPUs in turn on one thread.
# With a thread per CPU (the default, which the benchmarks need) a CPU can
# run a stale translation of code another CPU just patched: a boot once
# died on an int3 that text_poke_bp() had already removed ("Oops: int3" in
# sched_clock_cpu, on the CPU woken by the patching's own sync IPI).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=um
script=
suite=
timeout=600
mem=1G
cpus=2
append=
interactive=0
tcg=multi
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--script) script=$(realpath "$2"); shift ;;
	--suite) suite=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--mem) mem=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--append) append="$append $2"; shift ;;
	--interactive) interactive=1 ;;
	--tcg-single) tcg=single ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

results=${RESULTS:-$top/build/results}
logdir=$top/build/guest
mkdir -p "$logdir" "$results"
name=${suite:-run}
log=$logdir/$name.log

# A shell only for a person at a terminal: from a pipe or a file
# (make run < /dev/null) the demo runs and the guest powers off.
shell=0
[ $interactive = 1 ] && [ -t 0 ] && shell=1
cmdline="init=$top/tests/guest/init.sh snet.top=$top snet.interactive=$shell"
[ -n "$script" ] && cmdline="$cmdline snet.script=$script"
# Show warnings and worse on the console, not the chatter.
cmdline="$cmdline loglevel=5 kunit.filter_glob=snet* $append"

case $kernel in
um)
	image=$top/build/kernel-um/linux
	mkdir -p "$top/build/uml"
	emu=("$image" mem="$mem" root=/dev/root rootfstype=hostfs rootflags=/ ro
	     umid="snet-$$" uml_dir="$top/build/uml" con=null)
	if [ $shell = 1 ]; then
		emu+=(con0=fd:0,fd:1)
	else
		emu+=(con0=null,fd:1)
	fi
	emu+=($cmdline)
	;;
x86)
	image=$top/build/kernel-x86/arch/x86/boot/bzImage
	emu=(qemu-system-x86_64 -accel tcg,thread=$tcg -cpu max -m "$mem"
	     -smp "$cpus" -nographic
	     -no-reboot -nic none -kernel "$image"
	     -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	     -device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	     -append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000 ro panic=-1 $cmdline")
	;;
*)
	echo "run.sh: --kernel um or x86" >&2
	exit 2
	;;
esac
[ -x "$image" ] || [ -f "$image" ] || {
	echo "run.sh: no kernel at $image (make kernel-$kernel)" >&2
	exit 2
}

if [ $interactive = 1 ]; then
	# The person is the timeout.
	"${emu[@]}" 2>&1 | tee "$log"
	[ $shell = 1 ] && exit 0
	# No one at a terminal: the demo's status is the answer.
	tr -d '\r' < "$log" | grep -a -q '^SNET-GUEST-EXIT 0$'
	exit $?
fi

start=$(date +%s)
timeout -k 10 "$timeout" "${emu[@]}" < /dev/null > "$log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))
# UML leaves its helper processes behind if killed.
pkill -f "umid=snet-$$" 2>/dev/null

tr -d '\r' < "$log" > "$log.clean" && mv "$log.clean" "$log"
exit_line=$(grep -a '^SNET-GUEST-EXIT ' "$log" | tail -1)
bugs=$(grep -a -m5 -E 'BUG:|WARNING:|Oops|Kernel panic|general protection fault|possible (circular|recursive) locking|inconsistent lock state|lock held when returning|blocked for more than|unreferenced object|UBSAN:|KASAN:|detected stalls|INFO: lockdep' "$log")

if [ -z "$suite" ]; then
	[ -n "$bugs" ] && { echo "run.sh: kernel reported:"; echo "$bugs"; }
	[ -n "$exit_line" ] || { echo "run.sh: guest did not finish (rc $rc)"; exit 1; }
	[ -z "$bugs" ] && [ "${exit_line#SNET-GUEST-EXIT }" = 0 ]
	exit $?
fi

tap=$results/$suite.tap
grep -a -E '^(not )?ok ' "$log" > "$tap"
if [ -z "$exit_line" ]; then
	echo "not ok $suite: guest did not finish in ${timeout}s (exit $rc), see $log" >> "$tap"
elif ! grep -q . "$tap"; then
	echo "not ok $suite: guest reported no result (${exit_line}), see $log" >> "$tap"
fi
if [ -n "$bugs" ]; then
	echo "not ok $suite: kernel console clean: $(echo "$bugs" | head -1)" >> "$tap"
else
	echo "ok $suite: kernel console clean" >> "$tap"
fi
pass=$(grep -c '^ok ' "$tap")
fail=$(grep -c '^not ok ' "$tap")
echo "guest $suite ($kernel): $pass passed, $fail failed in ${elapsed}s; log $log"
[ "$fail" = 0 ]
