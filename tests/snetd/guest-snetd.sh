#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# snetd's end-to-end tests, run inside the test kernel by tests/guest/run.sh
# (suite snetd-um): the real snetd, snetctl and decision server, real
# programs (busybox nc, wget, httpd; snet-probe; snet-client) on loopback.
# Each check prints "ok snetd: NAME" or "not ok snetd: NAME: why".
#
# Most checks look at two things: what the program got (allowed shows as
# ECONNREFUSED on a closed port, denied as EACCES), and the decision log
# line snetd wrote for it (who decided, which rule, how many decisions).

. "${SNET_TOP:?}/tests/snetd/lib.sh"

mkdir -p $W $ETC $W/www /run/snet
echo "snet test page" > $W/www/index.html
# Addresses for the IPv6 prefix rules.
ip -6 addr add fd00:1::1/128 dev lo nodad
ip -6 addr add fd00:2::1/128 dev lo nodad
reset_kernel

# Servers, started while nothing is mediated.
$PROBE serve 127.0.0.1 8080 > /dev/null &
s0=$!
$PROBE serve ::1 8082 > /dev/null &
s1=$!
$BB httpd -f -p 127.0.0.1:8088 -h $W/www &
servers="$s0 $s1 $!"
wait_for 30 $BB wget -q -O /dev/null http://127.0.0.1:8088/ ||
	fail "test servers" "httpd on 127.0.0.1:8088 does not answer"

# ================================================== the policy, each match
cat > $POLICY <<EOF
# snetd in-guest tests: every rule ends with its tag.
deny syscall connect exe $BBEXE remote-port 8081 # exe-deny
allow syscall connect exe /usr/bin/busy* remote-port 8088 # exe-glob
allow syscall connect exe "$PROBE" remote-port 8081 # exe-allow
deny remote-port 8088 # exe-glob-other
deny syscall connect uid 1-65534 remote-port 9100 # uid-range
allow syscall connect uid root remote-port 9100 # uid-root
allow syscall connect gid nogroup remote-port 9101 # gid-name
deny syscall connect remote-port 9101 # gid-other
deny syscall sendmsg proto udp remote-port 9200 # syscall-sendmsg
allow syscall connect proto udp remote-port 9200 # syscall-connect
deny proto udp remote-port 9300 # proto-udp
allow proto tcp remote-port 9300 # proto-tcp
deny family inet6 remote-port 9400 # family-inet6
allow family inet remote-port 9400 # family-inet
deny remote 127.0.0.2/31 remote-port 9500 # remote-v4-narrow
allow remote 127.0.0.0/8 remote-port 9500 # remote-v4-wide
deny remote fd00:1::/64 remote-port 9501 # remote-v6-narrow
allow remote fd00::/16,::1 remote-port 9501 # remote-v6-wide
deny syscall bind local 127.0.0.3 local-port 9600-9609 # local-v4-range
deny syscall bind local fd00:1::/64 # local-v6
allow syscall bind,listen local 127.0.0.0/8,fd00::/8,::1 # local-any
deny remote-port 9700-9709 # rport-range-deny
allow remote-port 9700-9719,9725 # rport-range-allow
allow remote-port 9800 # order-allow-first
deny remote-port 9800 # order-deny-second
deny remote-port 9801 # order-deny-first
allow remote-port 9800-9801 # order-allow-second
deny comm snet-client remote-port 9850 # comm
allow remote-port 9850 # comm-other
allow remote-port 9150 ticket once # ticket-once
allow remote-port 9151 ticket 2 # ticket-2s
allow remote-port 9152 ticket exit # ticket-exit
allow remote 127.0.0.1,::1 remote-port 8080,8082 ticket exit # servers
EOF
cp $POLICY $W/main.policy
write_conf
out=$($SNETD -t -c $ETC/snetd.conf 2>&1)
check "snetd -t accepts the test configuration" "ok, 33 rules" \
	"$(echo "$out" | sed -n 's/.*: \(ok, [0-9]* rules\)$/\1/p')"
start_snetd

# exe, exact and glob, with real programs: busybox nc and wget.
pcheck "exe: busybox nc denied" EACCES exe-deny 8081 $BB nc 127.0.0.1 8081
pcheck "exe: snet-probe allowed" ECONNREFUSED exe-allow 8081 conn tcp 127.0.0.1 8081
n0=$(ndec 8088)
page=$($BB wget -q -O - http://127.0.0.1:8088/ 2>&1)
check "exe glob: busybox wget fetches the page" "snet test page" "$page"
check "exe glob: decided by its rule" "allow policy $(line_of exe-glob)" "$(lastdec 8088)"
pcheck "exe glob: others denied" EACCES exe-glob-other 8088 conn tcp 127.0.0.1 8088

# uid and gid: ranges, names.
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
pcheck "uid range: nobody denied" EACCES uid-range 9100 $NOBODY $PROBE connect tcp 127.0.0.1 9100
pcheck "uid name: root allowed" ECONNREFUSED uid-root 9100 conn tcp 127.0.0.1 9100
pcheck "gid name: nogroup allowed" ECONNREFUSED gid-name 9101 $NOBODY $PROBE connect tcp 127.0.0.1 9101
pcheck "gid: root's group denied" EACCES gid-other 9101 conn tcp 127.0.0.1 9101

# syscall, protocol, family.
pcheck "syscall: udp connect allowed" OK syscall-connect 9200 conn udp 127.0.0.1 9200
pcheck "syscall: udp sendmsg denied" EACCES syscall-sendmsg 9200 $PROBE sendto 127.0.0.1 9200
pcheck "proto: tcp allowed" ECONNREFUSED proto-tcp 9300 conn tcp 127.0.0.1 9300
pcheck "proto: udp denied" EACCES proto-udp 9300 conn udp 127.0.0.1 9300
pcheck "family: inet allowed" ECONNREFUSED family-inet 9400 conn tcp 127.0.0.1 9400
pcheck "family: inet6 denied" EACCES family-inet6 9400 conn tcp ::1 9400

# Remote prefixes, IPv4, IPv6 and IPv4-mapped.
pcheck "remote v4: /31 denied (.2)" EACCES remote-v4-narrow 9500 conn tcp 127.0.0.2 9500
pcheck "remote v4: /31 denied (.3)" EACCES remote-v4-narrow 9500 conn tcp 127.0.0.3 9500
pcheck "remote v4: /8 allowed (.1)" ECONNREFUSED remote-v4-wide 9500 conn tcp 127.0.0.1 9500
pcheck "remote v4: /8 allowed (.4)" ECONNREFUSED remote-v4-wide 9500 conn tcp 127.0.0.4 9500
pcheck "remote v4-mapped: /31 denied" EACCES remote-v4-narrow 9500 conn tcp ::ffff:127.0.0.2 9500
pcheck "remote v4-mapped: /8 allowed" ECONNREFUSED remote-v4-wide 9500 conn tcp ::ffff:127.0.0.1 9500
pcheck "remote v6: /64 denied" EACCES remote-v6-narrow 9501 conn tcp fd00:1::1 9501
pcheck "remote v6: /16 allowed" ECONNREFUSED remote-v6-wide 9501 conn tcp fd00:2::1 9501
pcheck "remote v6: ::1 allowed" ECONNREFUSED remote-v6-wide 9501 conn tcp ::1 9501

# Local prefixes and port ranges (bind).
pcheck "local v4 + port range: denied" EACCES local-v4-range 9605 $PROBE bind tcp 127.0.0.3 9605
pcheck "local v4 + port range: udp denied" EACCES local-v4-range 9609 $PROBE bind udp 127.0.0.3 9609
pcheck "local v4: port past the range" OK local-any 9610 $PROBE bind tcp 127.0.0.3 9610
pcheck "local v4: other address" OK local-any 9606 $PROBE bind tcp 127.0.0.4 9606
pcheck "local v6: /64 denied" EACCES local-v6 9620 $PROBE bind tcp fd00:1::1 9620
pcheck "local v6: other prefix allowed" OK local-any 9621 $PROBE bind tcp fd00:2::1 9621

# Remote port ranges and lists.
pcheck "remote-port range: low end" EACCES rport-range-deny 9700 conn tcp 127.0.0.1 9700
pcheck "remote-port range: high end" EACCES rport-range-deny 9709 conn tcp 127.0.0.1 9709
pcheck "remote-port range: next range" ECONNREFUSED rport-range-allow 9710 conn tcp 127.0.0.1 9710
pcheck "remote-port list: single port" ECONNREFUSED rport-range-allow 9725 conn tcp 127.0.0.1 9725
dcheck "remote-port: outside every range, the default" EACCES default 1 9720 conn tcp 127.0.0.1 9720
check "default: says why" "no rule matched" \
	"$(lastdec_field 9720 '.decision.detail')"

# First match wins.
pcheck "order: the first (allow) wins" ECONNREFUSED order-allow-first 9800 conn tcp 127.0.0.1 9800
pcheck "order: the first (deny) wins" EACCES order-deny-first 9801 conn tcp 127.0.0.1 9801

# comm.
pcheck "comm: snet-client denied" EACCES comm 9850 $CLIENT connect-exec 127.0.0.1 9850 /bin/true
pcheck "comm: others allowed" ECONNREFUSED comm-other 9850 conn tcp 127.0.0.1 9850

# ------------------------------------------------------- the decision log
line=$(decisions 9850 | tail -1)
check "decision log: one JSON object per line" 1 "$(echo "$line" | jq -c . | wc -l)"
check "decision log: the event" \
	"connect tcp inet 127.0.0.1 9850 snet-probe $PROBE 0 0" \
	"$(echo "$line" | jq -r '.event | "\(.syscall) \(.protocol) \(.family) \(.remote.addr) \(.remote.port) \(.comm) \(.exe) \(.uid) \(.gid)"')"
check "decision log: the decision" "allow once policy $(line_of comm-other) $POLICY:$(line_of comm-other)" \
	"$(echo "$line" | jq -r '.decision | "\(.verdict) \(.ticket) \(.by) \(.rule_line) \(.detail)"')"
echo "$line" | jq -e '(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and
	(.latency_us | type == "number") and (.event.id > 0) and (.event.pid > 0) and
	(.event.cookie > 0) and (has("send_error") | not)' > /dev/null &&
	ok "decision log: time, latency, ids" || fail "decision log: time, latency, ids" "$line"

# ---------------------------------------------------------------- tickets
n0=$(ndec 9150)
out=$($PROBE connect-n tcp 127.0.0.1 9150 3 0)
check "ticket once: every call asks" "3 3" \
	"$(echo "$out" | grep -c result=ECONNREFUSED) $(( $(ndec 9150) - n0 ))"

n0=$(ndec 9151)
out=$($PROBE connect-n tcp 127.0.0.1 9151 2 0)
check "ticket 2s: the second call from the ticket" 1 $(( $(ndec 9151) - n0 ))
check "ticket 2s: logged as seconds" "seconds 2" "$(lastdec_field 9151 '"\(.decision.ticket) \(.decision.seconds)"')"
n0=$(ndec 9151)
out=$($PROBE connect-n tcp 127.0.0.1 9151 3 1500)
check "ticket 2s: asked again once it expired" "3 2" \
	"$(echo "$out" | grep -c result=ECONNREFUSED) $(( $(ndec 9151) - n0 ))"

n0=$(ndec 9152)
out=$($PROBE fork-connect 127.0.0.1 9152)
check "ticket exit: parent twice and a forked child, one decision" "3 1" \
	"$(echo "$out" | grep -c result=ECONNREFUSED) $(( $(ndec 9152) - n0 ))"
check "ticket exit: logged as exit" exit "$(lastdec_field 9152 .decision.ticket)"
n0=$(ndec 9152)
out=$($CLIENT connect-exec 127.0.0.1 9152 $PROBE connect tcp 127.0.0.1 9152)
check "ticket exit: dropped at exec" "2 2" \
	"$(echo "$out" | grep -c result=ECONNREFUSED) $(( $(ndec 9152) - n0 ))"

# snetctl tickets: list and revoke a live process's tickets.
rm -f $W/go
$CLIENT connect-wait tcp 127.0.0.1 9152 $W/go > $W/cw.out &
cw=$!
wait_for 50 grep -q "first result" $W/cw.out
tl=$($CTL tickets list $cw)
echo "$tl" | grep -q "allow exit    pid $cw connect tcp 127.0.0.1:9152" &&
	ok "snetctl tickets list: the process's ticket" ||
	fail "snetctl tickets list: the process's ticket" "$tl"
tid=$($CTL -j tickets list $cw | jq -r '.tickets[0].id')
check "snetctl tickets revoke ID" "" "$($CTL tickets revoke "$tid" 2>&1)"
check "snetctl tickets: none left" "no tickets" "$($CTL tickets list $cw)"
n0=$(ndec 9152)
touch $W/go
reap $cw 100
check "revoked ticket: the next call asks again" "ECONNREFUSED 1" \
	"$(sed -n 's/^second result=//p' $W/cw.out) $(( $(ndec 9152) - n0 ))"
rm -f $W/go
$CLIENT connect-wait tcp 127.0.0.1 9152 $W/go > $W/cw.out &
cw=$!
wait_for 50 grep -q "first result" $W/cw.out
check "snetctl tickets revoke pid" "" "$($CTL tickets revoke pid $cw 2>&1)"
check "snetctl tickets revoke pid: gone" "no tickets" "$($CTL tickets list $cw)"
touch $W/go
reap $cw 100
out=$($CTL tickets revoke 999999 2>&1)
check "snetctl tickets revoke: unknown id" "snetctl: revoke: No such file or directory 1" "$out $?"

# snet-update's reload command against a snetd that does not inspect
out=$($CTL reload-rules 2>&1)
check "reload-rules with inspection off: refused" \
	"snetctl: payload inspection is off ([inspect] enabled = no) 1" "$out $?"
out=$($CTL reload-rules --if-running 2>&1)
check "reload-rules --if-running with inspection off: nothing to reload" \
	"snetd does not inspect payloads ([inspect] enabled = no): nothing to reload 0" "$out $?"

# ---------------------------------------------- status, stats, bad requests
st=$($CTL -j status)
check "snetctl status: pid, policy, rules" "$snetd_pid $POLICY 33" \
	"$(echo "$st" | jq -r '.status | "\(.pid) \(.policy) \(.rules)"')"
check "snetctl status: the kernel's configuration" "deny 5000 $snetd_pid" \
	"$(echo "$st" | jq -r '.status.kernel | "\(.default_verdict) \(.timeout_ms) \(.daemon_pid)"')"
$CTL status | grep -q "^  rules: 33$" && ok "snetctl status: text output" ||
	fail "snetctl status: text output" "$($CTL status)"
st=$($CTL -j stats)
n=$(wc -l < $DLOG)
check "snetctl stats: every decision counted" "$n $n" \
	"$(echo "$st" | jq -r '.daemon | "\(.submitted) \(.allowed + .denied)"')"
check "snetctl stats: by policy and default" "$(jq -r 'select(.decision.by == "policy") | 1' $DLOG | wc -l) 1" \
	"$(echo "$st" | jq -r '.daemon.decided_by | "\(.policy) \(.default)"')"
echo "$st" | jq -e --argjson n "$n" '.kernel.events >= $n and .kernel.ticket_allow >= 4' > /dev/null &&
	ok "snetctl stats: the kernel's counters" ||
	fail "snetctl stats: the kernel's counters" "$(echo "$st" | jq -c .kernel)"
check "snetctl events: none in flight" "no events in flight" "$($CTL events)"
out=$($CTL raw 'this is not json'; echo "status $?")
echo "$out" | grep -q '"ok":false' && echo "$out" | grep -q "status 1" &&
	ok "control: malformed request gets an error" ||
	fail "control: malformed request gets an error" "$out"
out=$($CTL raw '{"cmd":"tickets","action":"revoke","id":"x"}'; echo "status $?")
echo "$out" | grep -q '"ok":false' && ok "control: bad argument gets an error" ||
	fail "control: bad argument gets an error" "$out"
out=$($CTL raw '{"cmd":"answer","id":1,"verdict":"allow"}')
echo "$out" | grep -q '"ok":false' && ok "control: answer outside a prompt refused" ||
	fail "control: answer outside a prompt refused" "$out"
kill -0 $snetd_pid && ok "control: snetd survives bad requests" ||
	fail "control: snetd survives bad requests" "gone"

# ------------------------------------------------------------- reloading
cp $W/main.policy $POLICY
echo "allow remote-port 70000 # broken" >> $POLICY
kill -HUP $snetd_pid
wait_for 50 grep -q "policy reload refused" $SLOG
grep "policy reload refused" $SLOG | tail -1 | grep -q "$POLICY:35: .*70000" &&
	ok "SIGHUP, broken policy: refused, file:line named" ||
	fail "SIGHUP, broken policy: refused, file:line named" "$(grep 'reload' $SLOG | tail -2)"
pcheck "SIGHUP, broken policy: the old one stays" ECONNREFUSED order-allow-first 9800 conn tcp 127.0.0.1 9800
check "SIGHUP, broken policy: counted" 1 "$(dstat policy_reload_failures)"
out=$($CTL reload 2>&1)
st=$?
echo "$out" | grep -q "$POLICY:35: " && [ $st = 1 ] &&
	ok "snetctl reload, broken policy: refused with file:line" ||
	fail "snetctl reload, broken policy: refused with file:line" "status $st: $out"
check "snetctl reload, broken: still 33 rules" 33 "$($CTL -j status | jq .status.rules)"
# The two ordering rules swapped: the deny comes first now.
sed -e 's/^allow remote-port 9800 # order-allow-first$/deny remote-port 9800 # order-deny-now/' \
	$W/main.policy > $POLICY
check "snetctl reload: a good policy" "policy $POLICY: 33 rules" "$($CTL reload 2>&1)"
pcheck "snetctl reload: the new policy decides" EACCES order-deny-now 9800 conn tcp 127.0.0.1 9800
cp $W/main.policy $POLICY
kill -HUP $snetd_pid
wait_for 50 sh -c "grep -c 'policy reloaded' $SLOG | grep -qx 1"
pcheck "SIGHUP: a good policy applies" ECONNREFUSED order-allow-first 9800 conn tcp 127.0.0.1 9800
check "reloads counted" "2 2" "$(dstat policy_reloads) $(dstat policy_reload_failures)"

# ------------------------------------------------------- clean shutdown
stop_snetd
check "SIGTERM: snetd exits cleanly" 0 "$snetd_status"
check "SIGTERM: unregistered" "daemon_pid=0" "$($NL config-get | grep -o 'daemon_pid=[0-9]*')"
out=$(timed 127.0.0.1 8080)
e=$(echo "$out" | elapsed)
check "no snetd: the kernel's default at once" "EACCES fast" \
	"$(echo "$out" | res) $([ "${e:-9999}" -lt 500 ] && echo fast || echo "$e ms")"
reset_kernel

# ================================================================ prompt
cat > $POLICY <<EOF
allow remote 127.0.0.1 remote-port 8080 ticket exit # server
EOF
write_conf timeout=4000
start_snetd
dcheck "prompt: none attached, the default at once" EACCES default 1 9401 timed 127.0.0.1 9401
check "prompt: none attached, no wait" fast "$([ $took -lt 1000 ] && echo fast || echo "$took ms")"

# prompt_run ANSWERS: a scripted prompt in the background, attached.
prompt_run() {
	printf "$1" | $CTL prompt > $W/prompt.out 2>&1 &
	prompt_pid=$!
	wait_for 50 prompt_attached 1 || fail "prompt attaches" "$(cat $W/prompt.out)"
}
prompt_run 'allow once\n'
dcheck "prompt: allow once" ECONNREFUSED prompt 1 9402 conn tcp 127.0.0.1 9402
reap $prompt_pid 100
check "prompt: exits when its answers are used" 0 "$reaped"
grep -q "^\[[0-9]*\] connect tcp .* -> 127.0.0.1:9402 by snet-probe\[[0-9]*\] uid 0 $PROBE ([0-9]* ms left)$" $W/prompt.out &&
	grep -q "answered" $W/prompt.out && ok "prompt: shows who, what, where" ||
	fail "prompt: shows who, what, where" "$(cat $W/prompt.out)"
check "prompt: decision names the person" "0 once" "$(lastdec_field 9402 '"\(.decision.prompt_uid) \(.decision.ticket)"')"

prompt_run 'deny 60s\n'
n0=$(ndec 9403)
out=$($PROBE connect-n tcp 127.0.0.1 9403 2 0)
reap $prompt_pid 100
check "prompt: deny 60s, the second call from the ticket" "2 1" \
	"$(echo "$out" | grep -c result=EACCES) $(( $(ndec 9403) - n0 ))"
check "prompt: deny 60s logged" "deny seconds 60 prompt" \
	"$(lastdec_field 9403 '"\(.decision.verdict) \(.decision.ticket) \(.decision.seconds) \(.decision.by)"')"

prompt_run 'allow always\n'
dcheck "prompt: allow always" ECONNREFUSED prompt 1 9404 conn tcp 127.0.0.1 9404
reap $prompt_pid 100
rule="allow syscall connect proto tcp exe \"$PROBE\" remote 127.0.0.1 remote-port 9404 ticket exit"
check "prompt: always appends the rule" "$rule" "$(tail -1 $POLICY)"
tail -2 $POLICY | head -1 | grep -q "^# added at the prompt by uid 0, " &&
	ok "prompt: always says who and when" || fail "prompt: always says who and when" "$(tail -2 $POLICY)"
check "prompt: always reloads the policy" 2 "$($CTL -j status | jq .status.rules)"
check "prompt: the first rule kept byte for byte" \
	"allow remote 127.0.0.1 remote-port 8080 ticket exit # server" "$(head -1 $POLICY)"
dcheck "prompt: the new rule decides the next program" ECONNREFUSED policy 1 9404 conn tcp 127.0.0.1 9404
check "prompt: ... by its line" 3 "$(lastdec_field 9404 .decision.rule_line)"

# A prompt that does not answer: snetd answers before the kernel's timeout.
rm -f $W/pin
mkfifo $W/pin
$CTL prompt < $W/pin > $W/prompt.out 2>&1 &
prompt_pid=$!
exec 7> $W/pin
wait_for 50 prompt_attached 1 || fail "silent prompt attaches" "$(cat $W/prompt.out)"
kt0=$(kstat timeout)
timed 127.0.0.1 9405 > $W/p.out &
p=$!
wait_for 30 sh -c "$CTL events | grep -q ' prompt .*-> 127.0.0.1:9405 by snet-client'" &&
	ok "snetctl events: the held event" || fail "snetctl events: the held event" "$($CTL events)"
check "snetctl status: held for the prompt" "1 1" \
	"$($CTL -j status | jq -r '.status | "\(.held_for_prompt) \(.prompt_clients)"')"
reap $p 300
check "prompt unanswered: the default, decided by snetd" "EACCES timeout" \
	"$(res < $W/p.out) $(lastdec_field 9405 .decision.by)"
el=$(elapsed < $W/p.out)
[ "${el:-0}" -ge 3000 ] && [ "$el" -lt 4000 ] && ok "prompt unanswered: answered before the kernel's timeout" ||
	fail "prompt unanswered: answered before the kernel's timeout" "$el ms (timeout 4000, margin 250)"
check "prompt unanswered: the kernel did not time out" "$kt0" "$(kstat timeout)"
grep -q "^\[[0-9]*\] gone" $W/prompt.out && ok "prompt: the event is withdrawn" ||
	fail "prompt: the event is withdrawn" "$(cat $W/prompt.out)"

# kill -9 while an event waits for the prompt: the kernel's default at once.
timed 127.0.0.1 9406 > $W/p.out &
p=$!
wait_for 30 sh -c "$CTL events | grep -q ' prompt .*-> 127.0.0.1:9406 '" ||
	fail "kill -9: an event waits" "$($CTL events)"
kill -9 $snetd_pid
wait $snetd_pid 2> /dev/null
snetd_pid=
reap $p 300
check "kill -9 mid-decision: the kernel's default" EACCES "$(res < $W/p.out)"
el=$(elapsed < $W/p.out)
[ "${el:-9999}" -lt 3750 ] && ok "kill -9 mid-decision: before the timeout" ||
	fail "kill -9 mid-decision: before the timeout" "$el ms (timeout 4000, snetd's deadline 3750)"
check "kill -9: the kernel dropped the daemon" "daemon_pid=0" \
	"$($NL config-get | grep -o 'daemon_pid=[0-9]*')"
exec 7>&-
reap $prompt_pid 100
start_snetd
check "restarted snetd: registered" "daemon_pid=$snetd_pid" \
	"$($NL config-get | grep -o 'daemon_pid=[0-9]*')"
dcheck "restarted snetd: takes over" OK policy 1 8080 conn tcp 127.0.0.1 8080
reset_kernel

# ========================================================= remote server
rm -f $W/rport $W/remote.log
$REMOTE -P $W/rport -L $W/remote.log -D 9311 -t 30 &
rpid=$!
wait_for 50 test -s $W/rport
cat > $POLICY <<EOF
deny remote-port 9312 # before-remote
allow remote 127.0.0.1 remote-port 8080 ticket exit # server
EOF
write_conf remote=127.0.0.1:$(cat $W/rport) rtimeout=500
start_snetd
check "snetctl status: the remote server" "127.0.0.1:$(cat $W/rport)" "$($CTL -j status | jq -r .status.remote)"
dcheck "remote: allow" ECONNREFUSED remote 1 9310 conn tcp 127.0.0.1 9310
check "remote: its reason and ticket" "test server seconds 30" \
	"$(lastdec_field 9310 '"\(.decision.detail | sub(".*: "; "")) \(.decision.ticket) \(.decision.seconds)"')"
dcheck "remote: deny" EACCES remote 1 9311 conn tcp 127.0.0.1 9311
dcheck "remote: its ticket decides the repeat" ECONNREFUSED remote 1 9313 $PROBE connect-n tcp 127.0.0.1 9313 2 0
pcheck "remote: the policy comes first" EACCES before-remote 9312 conn tcp 127.0.0.1 9312
check "remote: not asked what the policy decided" "0" "$(grep -c '"port":9312' $W/remote.log)"
line=$(grep '"port":9310' $W/remote.log | head -1)
check "remote: the request" "1 connect tcp 127.0.0.1 9310 $PROBE" \
	"$(echo "$line" | jq -r '"\(.version) \(.event.syscall) \(.event.protocol) \(.event.remote.addr) \(.event.remote.port) \(.event.exe)"')"
check "remote: request id is the event's" true "$(echo "$line" | jq '.id == .event.id')"
stop_snetd
kill $rpid
wait $rpid 2> /dev/null
reset_kernel

# The same over TLS: a certificate that chains to tls_ca_file decides, one
# that does not is no answer (the default), with the reason in the log.
for n in tls other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-days 2 -subj /CN=snet-test -addext subjectAltName=IP:127.0.0.1 \
		-keyout $W/$n.key -out $W/$n.crt > $W/openssl.log 2>&1 ||
		fail "remote TLS: test certificate" "$(tail -1 $W/openssl.log)"
done
rm -f $W/rport
$REMOTE -P $W/rport -T $W/tls.crt -K $W/tls.key &
rpid=$!
wait_for 50 test -s $W/rport
write_conf remote=127.0.0.1:$(cat $W/rport) rtimeout=1000 prompt=no \
	rextra="tls = yes
tls_ca_file = $W/tls.crt"
start_snetd
dcheck "remote TLS: allow" ECONNREFUSED remote 1 9314 conn tcp 127.0.0.1 9314
stop_snetd
write_conf remote=127.0.0.1:$(cat $W/rport) rtimeout=1000 prompt=no \
	rextra="tls = yes
tls_ca_file = $W/other.crt"
start_snetd
dcheck "remote TLS untrusted: the default" EACCES default 1 9315 conn tcp 127.0.0.1 9315
lastdec_field 9315 .decision.detail | grep -q "certificate" &&
	ok "remote TLS untrusted: the log says why" ||
	fail "remote TLS untrusted: the log says why" "$(lastdec_field 9315 .decision.detail)"
stop_snetd
kill $rpid
wait $rpid 2> /dev/null
reset_kernel

# A server that does not answer in time.
rm -f $W/rport
$REMOTE -P $W/rport -d 3000 &
rpid=$!
wait_for 50 test -s $W/rport
write_conf remote=127.0.0.1:$(cat $W/rport) rtimeout=300 prompt=no
start_snetd
dcheck "remote slow: the default" EACCES default 1 9320 timed 127.0.0.1 9320
[ $took -ge 300 ] && [ $took -lt 1300 ] && ok "remote slow: waited for the remote timeout only" ||
	fail "remote slow: waited for the remote timeout only" "$took ms (remote timeout 300)"
lastdec_field 9320 .decision.detail | grep -q "^remote: " && ok "remote slow: the log says why" ||
	fail "remote slow: the log says why" "$(lastdec_field 9320 .decision.detail)"
stop_snetd
kill $rpid
wait $rpid 2> /dev/null
reset_kernel

# A server that sends garbage, then one that answers another id.
for mode in garbage wrong-id; do
	rm -f $W/rport
	$REMOTE -P $W/rport -m $mode &
	rpid=$!
	wait_for 50 test -s $W/rport
	write_conf remote=127.0.0.1:$(cat $W/rport) rtimeout=1000 prompt=no
	start_snetd
	dcheck "remote $mode: the default" EACCES default 1 9330 timed 127.0.0.1 9330
	[ $took -lt 800 ] && ok "remote $mode: at once" ||
		fail "remote $mode: at once" "$took ms (remote timeout 1000)"
	check "remote $mode: counted as an error" 1 "$(dstat remote_errors)"
	dcheck "remote $mode: snetd goes on" OK policy 1 8080 conn tcp 127.0.0.1 8080
	stop_snetd
	kill $rpid
	wait $rpid 2> /dev/null
	reset_kernel
done

# No server at all.
write_conf remote=127.0.0.1:1 rtimeout=1000 prompt=no
start_snetd
dcheck "remote unreachable: the default" EACCES default 1 9340 conn tcp 127.0.0.1 9340
stop_snetd
reset_kernel

# ====================================== lost events and the kernel backstop
# A stopped snetd: the burst overflows its event socket (ENOBUFS); once it
# runs again it catches up from the kernel's pending list, each call once.
cat > $POLICY <<EOF
deny remote-port 9990 # burst
EOF
write_conf kdefault=allow timeout=30000 rcvbuf=65536 events=connect:tcp
start_snetd
kill -STOP $snetd_pid
$PROBE concurrent 400 127.0.0.1 9990 > $W/burst.out &
p=$!
wait_for 150 sh -c "[ \"\$($NL stats | sed -n 's/^pending=//p')\" = 400 ]" ||
	fail "burst: 400 calls wait" "$($NL stats | grep pending)"
kill -CONT $snetd_pid
reap $p 300
check "burst: every call denied by snetd" "ok=0 denied=400 other=0" "$(grep '^ok=' $W/burst.out)"
grep -q "events lost" $SLOG && ok "burst: the lost events were noticed" ||
	fail "burst: the lost events were noticed" "no 'events lost' in the log"
check "burst: each call decided once, by the policy" "400 400 0" \
	"$(ndec 9990) $(decisions 9990 | jq -r 'select(.decision.by == "policy") | .event.id' | sort -u | wc -l) $(decisions 9990 | grep -c send_error)"
check "burst: the kernel never timed out" 0 "$(kstat timeout)"
stop_snetd
reset_kernel

# A stopped snetd: the kernel's timeout applies; the late verdict is logged.
write_conf kdefault=deny timeout=1000 margin=200 events=connect:tcp
start_snetd
kill -STOP $snetd_pid
out=$(timed 127.0.0.1 9990)
kill -CONT $snetd_pid
check "snetd stopped: the kernel's default after its timeout" "EACCES" "$(echo "$out" | res)"
el=$(echo "$out" | elapsed)
[ "${el:-0}" -ge 990 ] && [ "$el" -lt 1500 ] && ok "snetd stopped: waited the kernel's timeout" ||
	fail "snetd stopped: waited the kernel's timeout" "$el ms (timeout 1000)"
wait_for 30 sh -c "grep -q '\"port\":9990.*send_error' $DLOG" &&
	ok "snetd stopped: the late verdict logged as not taken" ||
	fail "snetd stopped: the late verdict logged as not taken" "$(decisions 9990 | tail -1)"
stop_snetd
reset_kernel

# logrotate: the decision log moved away, reopened without a policy reload.
cat > $POLICY <<EOF
deny remote-port 9991 # rotate
EOF
write_conf events=connect:tcp
start_snetd
pcheck "rotate: a decision before" EACCES rotate 9991 conn tcp 127.0.0.1 9991
mv $DLOG $DLOG.1
r0=$(grep -c 'policy reloaded' $SLOG)
out=$($CTL reopen-logs 2>&1)
check "rotate: snetctl reopen-logs, no policy reload" "logs reopened 0 $r0" \
	"$out $? $(grep -c 'policy reloaded' $SLOG)"
pcheck "rotate: a decision after, in the new file" EACCES rotate 9991 conn tcp 127.0.0.1 9991
check "rotate: the old file kept its line, the new one has the next" "1 1" \
	"$(grep -c '"port":9991' $DLOG.1) $(grep -c '"port":9991' $DLOG)"
stop_snetd
reset_kernel

kill $servers 2> /dev/null
echo "snetd tests: $failures failed"
[ $failures = 0 ]
