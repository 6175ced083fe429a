#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo of "make run", inside the guest (tests/guest/run.sh --kernel um
# --interactive --script tests/guest/demo.sh): snetd with the shipped
# rules/snetd.conf and rules/policy/default.policy, then real programs
# connecting out and what snet decided for each.  It returns, and the guest
# leaves a shell where snetctl works.
#
# The demo is a list of steps (DEMO_STEPS below): each is a function
# step_NAME that prints what it shows.  To add one, write the function and
# append its name to DEMO_STEPS.

TOP=${SNET_TOP:?}
BIN=$TOP/build/out/bin
PATH=$BIN:$PATH
export PATH
BB=/bin/busybox
LOG=/var/log/snet
DECISIONS=$LOG/decisions.jsonl
WWW=/tmp/snet-demo/www
HOST=192.0.2.1		# "a host on the network": an address on dummy0

DEMO_STEPS="start allowed denied ticket prompt inspect tools"

n=0
step() {
	n=$((n + 1))
	printf '\n\033[1m=== %s. %s\033[0m\n' "$n" "$1"
}
say() { printf '    %s\n' "$*"; }
run() {
	printf '  $ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/    /'
}

# The decision log's last line, in words.
last_decision() {
	tail -1 $DECISIONS | jq -r '"    snetd: \(.decision.verdict) \(.event.syscall) \(.event.protocol) -> \(.event.remote.addr):\(.event.remote.port) by \(.event.comm)[\(.event.pid)] uid \(.event.uid)
      decided by \(.decision.by)\(if .decision.detail then " (\(.decision.detail))" else "" end), ticket \(.decision.ticket)\(if .decision.seconds then " \(.decision.seconds) s" else "" end), \(.latency_us) us"'
}
decisions() { [ -f $DECISIONS ] && wc -l < $DECISIONS || echo 0; }
ticket_hits() { snetctl -j stats | jq '.kernel.ticket_allow + .kernel.ticket_deny'; }

step_start() {
	step "snetd starts with the shipped configuration and policy"
	# /etc/snet is a tmpfs in the guest when the host has that directory;
	# otherwise the configuration goes to /run/snet/etc.
	ETC=/etc/snet
	if ! touch $ETC/.writable 2> /dev/null; then
		ETC=/run/snet/etc
		say "(/etc/snet is not writable here: using $ETC)"
	fi
	rm -f $ETC/.writable
	mkdir -p $ETC $LOG $WWW
	sed "s|^policy = .*|policy = $ETC/default.policy|" $TOP/rules/snetd.conf > $ETC/snetd.conf
	cp $TOP/rules/policy/default.policy $ETC/default.policy
	# Web servers, one on the loopback and two on "the network" (an
	# address of a dummy interface: the guest has no network), started
	# before snetd mediates anything.
	echo "hello from the snet guest" > $WWW/index.html
	ip link show dummy0 > /dev/null 2>&1 || ip link add dummy0 type dummy
	ip addr add $HOST/24 dev dummy0 && ip link set dummy0 up
	for addr in 127.0.0.1:8080 $HOST:80 $HOST:8025; do
		$BB httpd -p $addr -h $WWW
	done
	say "web servers on 127.0.0.1:8080, $HOST:80 and $HOST:8025 (a dummy interface stands for the network)"
	snetd -f -c $ETC/snetd.conf < /dev/null >> $LOG/snetd.log 2>&1 &
	i=0
	while ! snetctl status > /dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			say "snetd did not start:"
			sed 's/^/    /' $LOG/snetd.log
			return 1
		fi
		sleep 0.1
	done
	run snetd -t -c $ETC/snetd.conf
	snetctl -j status | jq -r '.status | "    snetd pid \(.pid): \(.rules) rules, the kernel asks it about every connect, bind and listen;
    when snetd does not answer in \(.kernel.timeout_ms) ms the kernel says \(.kernel.default_verdict)"'
}

step_allowed() {
	step "Connections the policy allows"
	run $BB wget -q -O - http://127.0.0.1:8080/
	last_decision
	run $BB wget -q -O - http://$HOST/
	last_decision
}

step_denied() {
	step "A connection nothing allows: no rule, no remote server, nobody at the prompt"
	run $BB wget -q -O - http://$HOST:8025/
	last_decision
}

step_ticket() {
	step "A ticket at work: one program, three connections, one question"
	d0=$(decisions)
	h0=$(ticket_hits)
	run $BB wget -q -O - http://$HOST/ http://$HOST/ http://$HOST/
	say "snetd was asked $(( $(decisions) - d0 )) time(s); the kernel's ticket answered $(( $(ticket_hits) - h0 )) time(s)"
	say "(the web rule's \"ticket 10m\": the same program, the same peer, for ten minutes)"
}

step_prompt() {
	step "A person decides: snetctl prompt, answered here by a script"
	printf 'allow 60s\n' | snetctl prompt > /tmp/snet-demo/prompt.out 2>&1 &
	p=$!
	i=0
	while [ "$(snetctl -j status | jq .status.prompt_clients)" != 1 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	printf "  \$ printf 'allow 60s\\\\n' | snetctl prompt &\n"
	run $BB wget -q -O - http://$HOST:8025/
	wait $p
	sed 's/^/    prompt| /' /tmp/snet-demo/prompt.out | grep -v '^    prompt| answer:'
	last_decision
}

step_inspect() {
	step "Payload inspection: a request a signature flags, its process, its socket refused"
	# snetd again, now with [inspect] on and the shipped demo signatures
	# (rules/signatures/snet-demo.rules).  The demo's host is on
	# 192.0.2.0/24: it joins $HOME_NET.
	sed "s|^#*classification-file = .*|classification-file = $TOP/tests/data/et-open/classification.config|
	     s|^HOME_NET = \[|HOME_NET = [192.0.2.0/24,|
	     s|^cache-dir = .*|cache-dir = /tmp/snet-demo/cache|" $TOP/rules/inspector.conf > $ETC/inspector.conf
	sed "/^\[inspect\]/,/^\[/ {
		s|^enabled = .*|enabled = yes|
		s|^rules = .*|rules = $TOP/rules/signatures/snet-demo.rules|
		s|^config = .*|config = $ETC/inspector.conf|
		s|^eve_log = .*|eve_log = $LOG/eve.json|
	     }" $ETC/snetd.conf > $ETC/snetd-inspect.conf
	kill $(snetctl -j status | jq .status.pid)
	while snetctl status > /dev/null 2>&1; do sleep 0.1; done
	snetd -f -c $ETC/snetd-inspect.conf < /dev/null >> $LOG/snetd.log 2>&1 &
	i=0
	until snetctl status > /dev/null 2>&1 || [ $i -gt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	snetctl -j status | jq -r '.status.inspect | "    snetd restarted with [inspect] enabled = yes: \(.rules) demo signatures, queues \(.queue_first)-\(.queue_first + .queues - 1), \(.ruleset)"'
	say "what the table sends to snetd (nft list table inet snet, the inspect chain):"
	nft list chain inet snet inspect | grep -E 'queue|maxseg' | sed 's/^\s*/      /'
	say
	say "busybox nc sends an HTTP request with User-Agent EvilBot (sid 9000001 drops it),"
	say "then, a second later, a second request on the same connection:"
	printf '  $ { printf "GET / ...User-Agent: EvilBot/1.0..."; sleep 1; printf "GET /again ..."; } | busybox nc %s 80\n' $HOST
	{ printf 'GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: EvilBot/1.0\r\n\r\n' $HOST
	  sleep 1
	  printf 'GET /again HTTP/1.1\r\nHost: %s\r\n\r\n' $HOST
	  sleep 1; } | timeout 5 $BB nc $HOST 80 2>&1 | sed 's/^/    nc| /'
	sleep 0.3
	say "the alert in $LOG/eve.json, with the process that sent the request:"
	jq -r 'select(.alert.signature_id == 9000001) | "      sid \(.alert.signature_id) \"\(.alert.signature)\" \(.alert.action)
      \(.src_ip):\(.src_port) -> \(.dest_ip):\(.dest_port) user agent \(.http.http_user_agent // "?")
      sent by \(.snet.comm)[\(.snet.pid)] uid \(.snet.uid) \(.snet.exe), socket \(.snet.socket_cookie): \(.snet.socket_action)"' \
		$LOG/eve.json | tail -3
	say "and snetd's log: $(grep 'denied: its next sendmsg fails' $LOG/snetd.log | tail -1 | sed 's/^snetd: notice: //')"
	say "(the request never reached the server; nc's next write got EACCES from the kernel)"
}

step_tools() {
	step "snetctl"
	snetctl -j stats | jq -r '"    decisions: \(.daemon.submitted) (policy \(.daemon.decided_by.policy), prompt \(.daemon.decided_by.prompt), default \(.daemon.decided_by.default)); kernel: \(.kernel.events) events, \(.kernel.ticket_allow + .kernel.ticket_deny) ticket hits"'
	say
	say "Try: snetctl status | stats | events | tickets | reload | prompt"
	say "     busybox wget -O - http://$HOST:8025/   (a new program: the prompt's ticket was wget's)"
	say "     the decision log: $DECISIONS, snetd's own log: $LOG/snetd.log,"
	say "     the policy: $ETC/default.policy (edit it, then: snetctl reload)"
}

for s in $DEMO_STEPS; do
	step_$s || { say "step $s failed"; exit 1; }
done
exit 0
