# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the snetd guest benchmarks: the helpers they share.  The
# sourcing script sets W (its work directory) and fail().

# median of the numbers on stdin, one per line
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# daemon CMD...: start it on CPU 0 (its pid in dpid), wait for $W/ready
daemon() {
	rm -f $W/ready
	taskset -c 0 "$@" &
	dpid=$!
	i=0
	while [ ! -f $W/ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -f $W/ready ] || fail "$1 did not start"
}
