#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pcap-tests.sh OUT: generated captures through snet-inspect with the demo
# rules; each check prints "ok inspector: pcap: NAME" or "not ok ...: why".
set -u
out=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
dir=$out/inspector/pcaptests
rm -rf "$dir" && mkdir -p "$dir"
/usr/bin/python3 "$here/gen_pcaps.py" "$dir/pcaps" || { echo "not ok inspector: pcap: generate"; exit 1; }
cls=${SNET_TEST_CLASSIFICATION:-${ET_OPEN_DIR:-$here/../data/et-open}/classification.config}
sed "s|^#*classification-file.*|classification-file = $cls|; s|^HOME_NET.*|HOME_NET = [10.0.0.0/8,2001:db8::1]|; s|^cache-dir.*|cache-dir = $dir/cache|" \
	"$top/rules/inspector.conf" > "$dir/test.conf"
cat > "$dir/extra.rules" <<'R'
alert http any any -> any any (msg:"T response body after gzip-less 200"; flow:established,to_client; file_data; content:"SECRET-PAYLOAD"; http_stat_code; content:"200"; sid:9100001; rev:1;)
alert http any any -> any any (msg:"T v6 uri"; flow:established,to_server; http.uri; content:"/v6/secret.cgi"; sid:9100002; rev:1;)
alert icmp any any -> any any (msg:"T ping"; itype:8; icode:0; content:"PINGDATA"; sid:9100003; rev:1;)
alert http any any -> any any (msg:"T normalized uri"; http.uri; content:"/index.php?id=1%27"; startswith; sid:9100004; rev:1;)
R
# the TLS capture's rules and expected values, computed by the generator
cat "$dir/pcaps/tls-cert.rules" >> "$dir/extra.rules"
expect() { sed -n "s/^$1=//p" "$dir/pcaps/tls-cert.expect"; }
rc=0
check() { # name pcap jq-filter expected
	name=$1 pcap=$2 filter=$3 want=$4
	mkdir -p "$dir/$name"
	if ! "$out/bin/snet-inspect" -r "$dir/pcaps/$pcap" -S "$top/rules/signatures" -S "$dir/extra.rules" \
		-c "$dir/test.conf" -l "$dir/$name" > "$dir/$name/stats" 2> "$dir/$name/err"; then
		echo "not ok inspector: pcap: $name: snet-inspect failed: $(tail -1 "$dir/$name/err")"
		rc=1
		return
	fi
	got=$(jq -c "$filter" < "$dir/$name/eve.json" 2>&1 | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok inspector: pcap: $name"
	else
		echo "not ok inspector: pcap: $name: got '$got' want '$want'"
		rc=1
	fi
}
check http-drop-ua http.pcap 'select(.alert.signature_id==9000001) | [.alert.action,.http.http_user_agent,.src_ip,.dest_port]' '["blocked","EvilBot/6.6","10.0.0.1",80]'
check http-normalized-uri http.pcap 'select(.alert.signature_id==9100004) | .http.url' '"/admin/../index.php?id=1%27"'
check stream-cross-segment-ooo stream.pcap '[.alert.signature_id,.alert.action]' '[9000003,"blocked"]'
check stream-drop-persists stream.pcap 'input_filename|length*0' '0'
grep -q 'flow_dropped=[1-9]' "$dir/stream-cross-segment-ooo/stats" &&
	echo "ok inspector: pcap: stream-flow-dropped-counted" ||
	{ echo "not ok inspector: pcap: stream-flow-dropped-counted: $(cat "$dir/stream-cross-segment-ooo/stats")"; rc=1; }
check dns-query dns.pcap '[.alert.signature_id,.dns.query[0].rrname,.app_proto]' '[9000004,"evil.example.com","dns"]'
check dns-tcp-query dns-tcp.pcap '[.alert.signature_id,.dns.query[0].rrname,.dns.query[0].id,.app_proto,.proto]' '[9000004,"evil.example.com",6,"dns","TCP"]'
check tls-sni tls.pcap '[.alert.signature_id,.tls.sni]' '[9000005,"coin-hive.com"]'
check tls-cert-fingerprint tls-cert.pcap 'select(.alert.signature_id==9100005) | [.tls.fingerprint,.tls.subject,.dest_port]' \
	"[\"$(expect fingerprint)\",\"C=US, O=Example Org, CN=evil.example\",40004]"
check tls-ja3 tls-cert.pcap 'select(.alert.signature_id==9100006) | [.tls.ja3.hash,.tls.ja3.string,.tls.sni]' \
	"[\"$(expect ja3)\",\"$(expect ja3_string)\",\"evil.example\"]"
check tls-ja3s tls-cert.pcap 'select(.alert.signature_id==9100007) | [.tls.ja3s.hash,.tls.ja3s.string,.tls.version]' \
	"[\"$(expect ja3s)\",\"$(expect ja3s_string)\",\"TLS 1.2\"]"
check tls-ja4 tls-cert.pcap 'select(.alert.signature_id==9100008) | [.tls.ja4,.tls.sni]' \
	"[\"$(expect ja4)\",\"evil.example\"]"
# the same, with the first bytes in segments and records of their own
check split-http split.pcap 'select(.alert.signature_id==9000001) | [.alert.action,.http.http_user_agent,.app_proto]' \
	'["blocked","EvilBot/6.6","http"]'
check split-tls split.pcap 'select(.alert.signature_id==9000005) | [.tls.sni,.tls.ja3.string]' \
	'["coin-hive.com","771,4865,0,,"]'
check icmp icmp.pcap '[.alert.signature_id,.proto,.icmp_type]' '[9100003,"ICMP",8]'
check ipv6-http ipv6.pcap '[.alert.signature_id,.src_ip,.proto]' '[9100002,"2001:db8::1","TCP"]'
# what the rules look for split across IP fragments: found once reassembled
check frag-ipv4-http frag.pcap 'select(.alert.signature_id==9000001) | [.alert.action,.http.http_user_agent,.src_ip,.dest_port]' \
	'["blocked","EvilBot/6.6","10.0.0.5",80]'
check frag-ipv6-http frag.pcap 'select(.alert.signature_id==9100002) | [.src_ip,.proto,.http.url]' \
	'["2001:db8::1","TCP","/v6/secret.cgi"]'
check frag-dns frag.pcap 'select(.alert.signature_id==9000004) | [.dns.query[0].rrname,.app_proto,.src_port]' \
	'["evil.example.com","dns",5355]'
grep -q ' defrag_fragments=6 defrag_reassembled=3 defrag_invalid=0 defrag_memcap=0 defrag_timeouts=0 ' "$dir/frag-dns/stats" &&
	echo "ok inspector: pcap: frag-counted" ||
	{ echo "not ok inspector: pcap: frag-counted: $(cat "$dir/frag-dns/stats")"; rc=1; }
# As installed: make install's inspector.conf (classification-file unset)
# and a rules release reached through a "current" link, as snet-update
# lays it out; the classtypes come from the release's own file.
inst=$dir/inst rel=$dir/var/releases/r1
if make -s -C "$top/inspector" install DESTDIR="$inst" PREFIX=/usr > "$dir/install.log" 2>&1 &&
	mkdir -p "$rel" && cp "$top/rules/signatures/snet-demo.rules" "$rel/" &&
	cp "${ET_OPEN_DIR:-$here/../data/et-open}/classification.config" "$rel/" &&
	ln -sfn releases/r1 "$dir/var/current" && mkdir -p "$dir/installed" &&
	cmp -s "$top/rules/inspector.conf" "$inst/etc/snet/inspector.conf" &&
	grep -qx 'cache-dir = /var/cache/snet/inspector' "$inst/etc/snet/inspector.conf" &&
	# the one change: this host's /var/cache is not the test's
	sed -i "s|^cache-dir = .*|cache-dir = $dir/var/cache|" "$inst/etc/snet/inspector.conf" &&
	"$inst/usr/bin/snet-inspect" -r "$dir/pcaps/http.pcap" -S "$dir/var/current" \
		-c "$inst/etc/snet/inspector.conf" -l "$dir/installed" > "$dir/installed/stats" \
		2> "$dir/installed/err"; then
	got=$(jq -c 'select(.alert.signature_id==9000001) | [.alert.action,.alert.category,.alert.severity]' \
		"$dir/installed/eve.json" 2>&1)
	if [ "$got" = '["blocked","A Network Trojan was detected",1]' ] &&
		ls "$dir/var/cache/"snet-*.hsdb > /dev/null 2>&1; then
		echo "ok inspector: pcap: installed-config-and-release-classes"
	else
		echo "not ok inspector: pcap: installed-config-and-release-classes: got '$got', cache: $(ls "$dir/var/cache" 2>&1)"
		rc=1
	fi
else
	echo "not ok inspector: pcap: installed-config-and-release-classes: $(tail -2 "$dir/install.log" "$dir/installed/err" 2>/dev/null | tr '\n' ' ')"
	rc=1
fi
# The whole ET Open set on benign mixed traffic (the benchmark's generator,
# 300 flows): only the two policy rules about the generator's addresses
# (reserved and documentation nets) may alert.  A rule that reads a
# keyword wrongly shows up here as a false positive.
et=${ET_OPEN_DIR:-$here/../data/et-open}
/usr/bin/python3 "$here/gen_pcaps.py" --bench "$dir/mixed-300.pcap" 300 &&
	printf '[engine]\nclassification-file = %s\ncache-dir = %s\n' "$et/classification.config" \
		"$top/build/cache/inspector" > "$dir/et.conf" && mkdir -p "$dir/et-open" &&
	"$out/bin/snet-inspect" -r "$dir/mixed-300.pcap" -S "$et" -c "$dir/et.conf" -l "$dir/et-open" \
		> "$dir/et-open/stats" 2> "$dir/et-open/err"
got=$(jq -s -c '[.[].alert.signature_id] | unique' "$dir/et-open/eve.json" 2>&1)
if [ "$got" = "[2002749,2002752]" ]; then
	echo "ok inspector: pcap: et-open-no-false-positives"
else
	echo "not ok inspector: pcap: et-open-no-false-positives: alerting sids $got, want [2002749,2002752] ($(tail -1 "$dir/et-open/err"))"
	rc=1
fi
# DCERPC over TCP on a dynamic port, with the whole ET Open set: the WMI
# rule (dce_iface, sid 2027167) alerts once, on the request, with the
# alert's dcerpc object; besides it only ET's policy rule on traffic from
# 10.0.0.0/8 (by_src, once).
mkdir -p "$dir/et-dcerpc" &&
	"$out/bin/snet-inspect" -r "$dir/pcaps/dcerpc.pcap" -S "$et" -c "$dir/et.conf" -l "$dir/et-dcerpc" \
		> "$dir/et-dcerpc/stats" 2> "$dir/et-dcerpc/err"
got=$(jq -s -c '[([.[].alert.signature_id] | unique), (.[] | select(.alert.signature_id==2027167) |
	[.app_proto, .dest_port, .dcerpc.request, .dcerpc.req.opnum, .dcerpc.interfaces[0].uuid,
	 .dcerpc.interfaces[0].ack_result, .dcerpc.call_id, .dcerpc.rpc_version])]' \
	"$dir/et-dcerpc/eve.json" 2>&1)
want='[[2002752,2027167],["dcerpc",49154,"REQUEST",3,"00000143-0000-0000-c000-000000000046",0,3,"5.0"]]'
if [ "$got" = "$want" ]; then
	echo "ok inspector: pcap: et-open-dcerpc-wmi"
else
	echo "not ok inspector: pcap: et-open-dcerpc-wmi: got $got, want $want ($(tail -1 "$dir/et-dcerpc/err"))"
	rc=1
fi
# SMTP from outside to a server in HOME_NET ($SMTP_SERVERS), with the whole
# ET Open set: the Ghostscript setpattern rule (file_data, sid 2026090)
# alerts once, on the PostScript attachment decoded from base64, with the
# smtp and email objects; not on the second message, whose text body has
# the same PostScript; besides it only ET's policy rule on traffic from
# the documentation nets (by_src, once).
mkdir -p "$dir/et-smtp" &&
	"$out/bin/snet-inspect" -r "$dir/pcaps/smtp.pcap" -S "$et" -c "$dir/et.conf" -l "$dir/et-smtp" \
		> "$dir/et-smtp/stats" 2> "$dir/et-smtp/err"
got=$(jq -s -c '[([.[].alert.signature_id] | sort), (.[] | select(.alert.signature_id==2026090) |
	[.app_proto, .dest_ip, .dest_port, .smtp.helo, .smtp.mail_from, .smtp.rcpt_to,
	 .email.from, .email.to, .email.attachment])]' "$dir/et-smtp/eve.json" 2>&1)
want='[[2002749,2026090],["smtp","10.0.0.25",25,"mail.attacker.example","<eve@attacker.example>",["<bob@example.com>"],"Eve <eve@attacker.example>",["Bob <bob@example.com>"],["invoice.ps"]]]'
if [ "$got" = "$want" ]; then
	echo "ok inspector: pcap: et-open-smtp-file-data"
else
	echo "not ok inspector: pcap: et-open-smtp-file-data: got $got, want $want ($(tail -1 "$dir/et-smtp/err"))"
	rc=1
fi
exit $rc
