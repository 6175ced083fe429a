#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A short check that the x86_64 kernel (the benchmark target) runs snet.
T=${SNET_TOP:?}/build/out/tests/kernel
res() { sed -n 's/.*result=//p' | tail -1; }
check() {
	if [ "$2" = "$3" ]; then echo "ok smoke: $1"; else echo "not ok smoke: $1: expected '$2', got '$3'"; fi
}
check "snet in the LSM list" yes "$(grep -q snet /sys/kernel/security/lsm && echo yes)"
$T/snet-probe serve 127.0.0.1 8080 >/dev/null &
server=$!
sleep 0.3
$T/snet-testd --ready /tmp/ready --log /tmp/events.log --event connect:6 \
	--rule connect:8081=deny --answer allow &
daemon=$!
while [ ! -f /tmp/ready ]; do sleep 0.05; done
check "connect allowed" OK "$($T/snet-probe connect tcp 127.0.0.1 8080 | res)"
check "connect denied" EACCES "$($T/snet-probe connect tcp 127.0.0.1 8081 | res)"
check "events seen" 2 "$(grep -c syscall=connect /tmp/events.log)"
kill $server $daemon
