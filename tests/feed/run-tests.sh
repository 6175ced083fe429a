#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-tests.sh SNET_UPDATE TAPFILE WORKDIR: snet-update against a real HTTP
# server on loopback (server.py) serving generated fixtures (mkfixtures.py,
# and feeds published with snet-update itself).  Every refused update must
# say why and leave the installed set exactly as it was (link and files).
# One TAP line per check into TAPFILE: "ok feed: NAME" / "not ok feed: NAME: why".
set -u
bin=$1 tap=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
et=${ET_OPEN_DIR:-$top/tests/data/et-open}

# the proxy tests set these themselves
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
rm -rf "$work"
mkdir -p "$work" "$(dirname "$tap")"
: > "$tap"
failed=0
ok() { echo "ok feed: $1" | tee -a "$tap"; }
nok() {
	echo "not ok feed: $1: $2" | tee -a "$tap"
	failed=1
	if [ -s "$work/err" ]; then sed 's/^/#   stderr: /' "$work/err" | head -15 | tee -a "$tap"; fi
	if [ -s "$work/out" ]; then sed 's/^/#   stdout: /' "$work/out" | head -10 | tee -a "$tap"; fi
}

if ! python3 "$here/mkfixtures.py" "$et" "$work/fx" > "$work/mkfixtures.log" 2>&1; then
	nok fixtures "mkfixtures.py failed: $(tail -3 "$work/mkfixtures.log")"
	exit 1
fi
www=$work/fx/www
python3 "$here/server.py" --root "$www" --port-file "$work/port" --log "$work/server.log" \
	> "$work/server.out" 2>&1 &
srv=$!
lockpid=
tsrv=
cleanup() {
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	[ -n "$tsrv" ] && kill "$tsrv" 2>/dev/null
	[ -n "$lockpid" ] && kill "$lockpid" 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
if [ ! -s "$work/port" ]; then
	nok server "server.py did not start: $(cat "$work/server.out")"
	exit 1
fi
port=$(cat "$work/port")
base=http://127.0.0.1:$port

# ---- our signed feed, published with the tool under test ----
publish() { # KEY NAME OUTDIR RULESDIR TIME
	SOURCE_DATE_EPOCH=$5 "$bin" publish -k "$work/$1.key" -n "$2" -o "$3" "$4" \
		>> "$work/publish.log" 2>&1
}
pub_ok=1
"$bin" keygen -o "$work/k1" > /dev/null 2>&1 && "$bin" keygen -o "$work/k2" > /dev/null 2>&1 || pub_ok=0
f=$www/feed
publish k1 snet-rules "$f/good" "$work/fx/feed-rules/v1" 1700000000 || pub_ok=0
publish k1 snet-rules "$f/v2" "$work/fx/feed-rules/v2" 1700100000 || pub_ok=0
publish k1 snet-rules "$f/old" "$work/fx/feed-rules/v1" 1600000000 || pub_ok=0
publish k2 snet-rules "$f/otherkey" "$work/fx/feed-rules/v1" 1700000000 || pub_ok=0
publish k1 other-name "$work/wrongname" "$work/fx/feed-rules/v1" 1700000000 || pub_ok=0
mkdir -p "$f/unsigned" "$f/tampered-sig" "$f/tampered-tgz" "$f/wrongname"
cp "$f/good/snet-rules.tar.gz" "$f/good/snet-rules.tar.gz.sha256" "$f/unsigned/"
cp "$f/good/"* "$f/tampered-sig/"
# one character of the base64 signature changed
python3 - "$f/tampered-sig/snet-rules.tar.gz.sig" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read().split("\nsignature ")
t[1] = ("B" if t[1][0] == "A" else "A") + t[1][1:]
open(p, "w").write("\nsignature ".join(t))
PY
cmp -s "$f/good/snet-rules.tar.gz.sig" "$f/tampered-sig/snet-rules.tar.gz.sig" && pub_ok=0
# another tarball (with a matching .sha256) under the good signature
cp "$f/v2/snet-rules.tar.gz" "$f/v2/snet-rules.tar.gz.sha256" "$f/tampered-tgz/"
cp "$f/good/snet-rules.tar.gz.sig" "$f/tampered-tgz/"
for x in "" .sha256 .sig; do
	cp "$work/wrongname/other-name.tar.gz$x" "$f/wrongname/snet-rules.tar.gz$x"
done
sed -i 's/other-name.tar.gz/snet-rules.tar.gz/' "$f/wrongname/snet-rules.tar.gz.sha256"
if [ $pub_ok = 1 ] && grep -q "^test-compile: loaded" "$work/publish.log"; then
	ok "keygen and publish make the test feeds"
else
	nok "keygen and publish make the test feeds" "$(tail -5 "$work/publish.log")"
fi

# ---- helpers ----
D=$work/dest
C=$work/cache
RL=$work/reloads
: > "$RL"
# conf EXTRA: the configuration every test uses, plus sections in EXTRA
conf() {
	cat > "$work/u.conf" <<CONF
[update]
dest = $D
cache-dir = $C
sources-dir = $work/no-sources
inspector-config =
reload-command = echo "\$SNET_RULES_RELEASE" >> $RL
[fetch]
connect-timeout = 5
timeout = 60
stall-timeout = 2
[verify]
public-key = $work/k1.pub
[changes]
enable =
disable =
drop =
modify =
$1
CONF
}
et_src() { printf '[source et-open]\nurl = %s/et/%s/emerging.rules.tar.gz\nchecksum = md5\n' "$base" "$1"; }
feed_src() { printf '[source ours]\nurl = %s/feed/%s/snet-rules.tar.gz\nchecksum = sha256\nsignature = yes\n' "$base" "$1"; }
run() {
	"$bin" -c "$work/u.conf" "$@" > "$work/out" 2> "$work/err"
	echo $?
}
# the installed set: where current points and every file's hash
files() { [ -d "$D/current" ] && (cd "$D/current" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
snap() {
	readlink "$D/current" 2>/dev/null || echo none
	files
	ls -a "$D/releases" 2>/dev/null
}
reloads() { wc -l < "$RL"; }
log_mark() { wc -l < "$work/server.log"; }
log_since() { tail -n +$(($1 + 1)) "$work/server.log"; }

# refused NAME "MESSAGE (grep -E)": must exit 1, say why, change nothing, not reload
refused() {
	local name=$1 msg=$2 before r rc after
	shift 2
	before=$(snap)
	r=$(reloads)
	rc=$(run "$@")
	after=$(snap)
	if [ "$rc" != 1 ]; then
		nok "$name" "exit status $rc, expected 1"
	elif ! grep -Eq -- "$msg" "$work/err"; then
		nok "$name" "no message matching '$msg'"
	elif ! grep -q "update refused; the installed set is unchanged" "$work/err"; then
		nok "$name" "no 'installed set is unchanged' line"
	elif [ "$before" != "$after" ]; then
		nok "$name" "the installed set changed"
	elif [ "$(reloads)" != "$r" ]; then
		nok "$name" "the reload command ran"
	else
		ok "$name refused: $(grep -Eo -- "$msg" "$work/err" | head -1)"
	fi
}

# ---- Emerging Threats layout ----
conf "$(et_src good)"
rc=$(run)
cur=$(readlink "$D/current" 2>/dev/null)
if [ "$rc" = 0 ] && [ -n "$cur" ] && [ -f "$D/current/emerging-icmp.rules" ] &&
	[ -f "$D/current/emerging-dns.rules" ] && [ -f "$D/current/classification.config" ] &&
	[ -f "$D/current/MANIFEST" ] && cmp -s "$et/emerging-icmp.rules" "$D/current/emerging-icmp.rules"; then
	ok "ET tarball with its .md5 installed ($cur)"
else
	nok "ET tarball with its .md5 installed" "exit $rc, current '$cur'"
fi
if [ ! -e "$D/current/emerging-deleted.rules" ] && [ ! -e "$D/current/sid-msg.map" ] &&
	grep -q "emerging-deleted.rules ignored (ignore = \*deleted.rules)" "$work/out"; then
	ok "*deleted.rules and non-rule files are not installed"
else
	nok "*deleted.rules and non-rule files are not installed" "$(ls "$D/current")"
fi
if [ "$(tail -1 "$RL")" = "${cur#releases/}" ] && [ "$(reloads)" = 1 ]; then
	ok "reload command ran once, told the new release"
else
	nok "reload command ran once, told the new release" "reloads: $(cat "$RL")"
fi
first=$(snap)

m=$(log_mark)
rc=$(run)
new=$(log_since "$m")
if [ "$rc" = 0 ] && grep -q "^up to date" "$work/out" && [ "$(snap)" = "$first" ] &&
	[ -n "$new" ] && ! echo "$new" | grep -qv " 304 0 inm=1 " && [ "$(reloads)" = 1 ]; then
	ok "nothing changed: every request answered 304, nothing downloaded, installed or reloaded"
else
	nok "nothing changed: nothing downloaded" "exit $rc; server saw: $(echo "$new" | tr '\n' ';')"
fi

conf "$(et_src good2)"
rc=$(run)
cur2=$(readlink "$D/current")
if [ "$rc" = 0 ] && [ "$cur2" != "$cur" ] && [ "$(readlink "$D/previous")" = "$cur" ] &&
	grep -q 'Address Mask Reply undefined code v2' "$D/current/emerging-icmp.rules" &&
	[ "$(reloads)" = 2 ]; then
	ok "a new upstream version is installed, the previous set kept"
else
	nok "a new upstream version is installed" "exit $rc, current $cur2, previous $(readlink "$D/previous")"
fi
et2=$(snap)

conf "$(et_src corrupt)"
refused "corrupted tarball" "checksum mismatch: emerging.rules.tar.gz.md5 says [0-9a-f]{32}, the download has MD5 [0-9a-f]{32}"
conf "$(et_src wrongsum)"
refused "wrong .md5" "checksum mismatch"
conf "$(et_src truncated)"
refused "truncated tarball" "emerging.rules.tar.gz: (damaged archive|not a readable).*"
conf "$(et_src notgzip)"
refused "not a tarball" "emerging.rules.tar.gz: not a readable .tar.gz archive"
conf "$(et_src traversal)"
refused "../ in a path" "entry 'rules/../../evil.rules': '..' in the path; refused"
conf "$(et_src absolute)"
refused "absolute path" "entry '/tmp/snet-evil.rules': absolute path; refused"
conf "$(et_src symlink)"
refused "symbolic link" "entry 'rules/evil.rules': a symbolic link \(to '/etc/passwd'\); links are refused"
conf "$(et_src hardlink)"
refused "hard link" "entry 'rules/evil.rules': a hard link \(to 'rules/emerging-icmp.rules'\); links are refused"
conf "$(et_src device)"
refused "device node" "entry 'rules/evil.rules': a character device; refused"
conf "$(et_src bomb)"
refused "decompression bomb" "entry 'rules/bomb.rules': the archive expands past max-expanded \(268435456 bytes\); refused as a possible decompression bomb"
conf "$(et_src errors)"
refused "rule file with errors" "test-compile refused the set: 20 rules have errors, more than max-errors"
grep -q "broken.rules:1: sid 8000000: bad hex" "$work/err" &&
	ok "the test-compile names the first bad rule (broken.rules:1: sid 8000000)" ||
	nok "the test-compile names the first bad rule" "not in the message"
conf "$(et_src unsupported)"
refused "set where most rules are unsupported" "test-compile refused the set: only 49.4% of the rules load, less than min-loaded \(90%\)"
conf "$(et_src dupname)"
refused "two entries with one file name" "two files named 'emerging-icmp.rules'"

# ---- what servers do ----
conf "$(printf '[source et-open]\nurl = %s/stall/et/good/emerging.rules.tar.gz\n' "$base")"
t0=$(date +%s)
refused "server that stalls" "timed out \(Operation too slow"
t=$(( $(date +%s) - t0 ))
[ "$t" -ge 2 ] && [ "$t" -lt 15 ] && grep -q "Operation too slow" "$work/err" &&
	ok "the stall was given up after ${t}s (stall-timeout 2s)" ||
	nok "the stall was given up in time" "took ${t}s"
conf "$(printf '[source et-open]\nurl = %s/drip/et/good/emerging.rules.tar.gz\n' "$base")"
sed -i 's/^timeout = 60$/timeout = 3/' "$work/u.conf"
t0=$(date +%s)
refused "download slower than the whole-transfer timeout" "timed out \(Operation timed out after 3[0-9]{3} milliseconds"
t=$(( $(date +%s) - t0 ))
[ "$t" -ge 3 ] && [ "$t" -lt 10 ] && grep -q "Operation timed out" "$work/err" &&
	ok "the slow download was given up after ${t}s (timeout 3s)" ||
	nok "the slow download was given up in time" "took ${t}s"
conf "$(printf '[source et-open]\nurl = %s/et/nowhere/emerging.rules.tar.gz\nchecksum = md5\n' "$base")"
refused "missing file (404)" "emerging.rules.tar.gz.md5: the server answered HTTP 404"
conf "$(printf '[source et-open]\nurl = %s/status/500/emerging.rules.tar.gz\n' "$base")"
refused "server error (500)" "the server answered HTTP 500"
conf "$(et_src good)
[fetch]
max-download = 4kb"
refused "download over max-download" "larger than max-download \(4096 bytes\); refused"
conf "$(printf '[source et-open]\nurl = %s/chunked/et/good/emerging.rules.tar.gz\n' "$base")
[fetch]
max-download = 4kb"
refused "chunked download over max-download" "larger than max-download \(4096 bytes\)"
conf "$(printf '[source et-open]\nurl = %s/to-file/emerging.rules.tar.gz\n' "$base")"
refused "redirect to file:// refused" "cannot download: .*(not supported|disabled)"
conf "$(printf '[source et-open]\nurl = %s/redirect/et/good2/emerging.rules.tar.gz\nchecksum = md5\n' "$base")"
rc=$(run)
[ "$rc" = 0 ] && grep -q "^up to date" "$work/out" && ok "an http redirect is followed" ||
	nok "an http redirect is followed" "exit $rc"

# ---- our signed feed ----
conf "$(feed_src good)
[verify]
require-signature = yes"
rc=$(run)
feed1=$(readlink "$D/current")
if [ "$rc" = 0 ] && [ -f "$D/current/snet-base.rules" ] && [ "$(readlink "$D/previous")" = "$cur2" ] &&
	grep -q "signature good (key $(sed -n 's/^# snet-update public key \([0-9a-f]*\).*/\1/p' "$work/k1.pub")" "$work/out" &&
	grep -q "signed-at 1700000000" "$D/current/MANIFEST"; then
	ok "signed feed verified and installed"
else
	nok "signed feed verified and installed" "exit $rc"
fi
feedfiles=$(files)
vconf() { conf "$(feed_src "$1")
[verify]
require-signature = yes"; }
vconf unsigned
refused "unsigned feed when a signature is required" "signature required \(require-signature = yes\): .*snet-rules.tar.gz.sig: the server answered HTTP 404"
vconf otherkey
refused "feed signed with an unknown key" "signed with key [0-9a-f]{16}, which is not a configured public-key"
vconf tampered-sig
refused "altered signature" "bad signature: it does not verify with key"
vconf tampered-tgz
refused "tarball swapped under a good signature" "the signature is for a tarball with SHA-256 [0-9a-f]{64}, but the downloaded one has [0-9a-f]{64}"
vconf wrongname
refused "signature made for another file" "the signature is for 'other-name.tar.gz', not 'snet-rules.tar.gz'"
vconf v2
rc=$(run)
feed2=$(readlink "$D/current")
[ "$rc" = 0 ] && grep -q 'FEED v2' "$D/current/snet-base.rules" && [ "$(readlink "$D/previous")" = "$feed1" ] &&
	ok "newer signed feed installed" || nok "newer signed feed installed" "exit $rc"
vconf old
refused "older signed feed (downgrade)" "downgrade refused: this feed was signed at 1600000000, but one signed at 1700100000 was accepted before"
vconf good
refused "replay of the previous signed feed" "downgrade refused: this feed was signed at 1700000000"

# ---- rollback ----
r=$(reloads)
rc=$(run --rollback)
if [ "$rc" = 0 ] && [ "$(readlink "$D/current")" = "$feed1" ] && [ "$(readlink "$D/previous")" = "$feed2" ] &&
	[ "$(tail -1 "$RL")" = "${feed1#releases/}" ] && [ "$(reloads)" = $((r + 1)) ] &&
	[ "$(files)" = "$feedfiles" ]; then
	ok "rollback restores the previous set (same files) and reloads"
else
	nok "rollback restores the previous set" "exit $rc, current $(readlink "$D/current")"
fi
vconf v2
before=$(snap)
rc=$(run)
[ "$rc" = 0 ] && grep -q "^not installed: this exact set was rolled back" "$work/out" &&
	[ "$(snap)" = "$before" ] && [ "$(reloads)" = $((r + 1)) ] &&
	ok "the next update does not reinstall the set that was rolled back" ||
	nok "the next update does not reinstall the set that was rolled back" "exit $rc"
rc=$(run --rollback --no-reload)
[ "$rc" = 0 ] && [ "$(readlink "$D/current")" = "$feed2" ] && [ "$(reloads)" = $((r + 1)) ] &&
	ok "a second rollback goes forward again (--no-reload: no reload)" ||
	nok "a second rollback goes forward again" "exit $rc"
n=$(ls "$D/releases" | wc -l)
[ "$n" -le 3 ] && [ -d "$D/$(readlink "$D/previous")" ] &&
	ok "old releases pruned to keep = 3 ($n left, current and previous among them)" ||
	nok "old releases pruned" "$n releases: $(ls "$D/releases")"

# ---- local changes ----
mkdir -p "$work/update.d"
printf '# disable\n1000001\n' > "$work/update.d/disable.conf"
printf 're:three off\n' > "$work/update.d/enable.conf"
printf '1000002  # make it block\n' > "$work/update.d/drop.conf"
cat > "$work/update.d/modify.conf" <<'MOD'
1000005 "-> \\$EXTERNAL_NET 443" "-> $EXTERNAL_NET 8443"
re:heartbleed "content:\"(\w+)\"" "content:\"\1\"; nocase"
MOD
lconf() {
	conf "$(printf '[source local]\nurl = %s/plain/local.rules\nchecksum = sha256\n' "$base")"
	sed -i "s|^enable =\$|enable = $work/update.d/enable.conf|; s|^disable =\$|disable = $work/update.d/disable.conf|; s|^drop =\$|drop = $work/update.d/drop.conf|; s|^modify =\$|modify = $work/update.d/modify.conf|" "$work/u.conf"
}
lconf
rc=$(run)
cat > "$work/expected.rules" <<'EXP'
# local rules for the snet-update tests
# alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"LOCAL one"; content:"one"; sid:1000001; rev:1;)
drop tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"LOCAL two"; content:"two"; sid:1000002; rev:1;)
alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:"LOCAL three off"; content:"three"; sid:1000003; rev:1;)
alert udp $HOME_NET any -> any 53 (msg:"LOCAL four heartbleed"; content:"four"; nocase; sid:1000004; rev:2;)
alert tcp $HOME_NET any -> $EXTERNAL_NET 8443 (msg:"LOCAL five"; content:"five"; sid:1000005; rev:1;)
EXP
if [ "$rc" = 0 ] && cmp -s "$work/expected.rules" "$D/current/local.rules" &&
	grep -q "local changes: 1 disabled, 1 enabled, 1 to drop, 2 modified" "$work/out"; then
	ok "local changes (disable, enable, drop, modify) applied from a plain .rules source"
else
	nok "local changes applied" "exit $rc; $(diff "$work/expected.rules" "$D/current/local.rules" 2>&1 | head -5 | tr '\n' ';')"
fi
m=$(log_mark)
rc=$(run)
new=$(log_since "$m")
[ "$rc" = 0 ] && grep -q "^up to date" "$work/out" && ! echo "$new" | grep -qv " 304 0 inm=1 " &&
	ok "local changes are applied again on every update (same result: up to date)" ||
	nok "local changes are applied again on every update" "exit $rc"
# a .rules source without checksum: the conditional request is on the file itself
conf "$(printf '[source local]\nurl = %s/plain/local.rules\n' "$base")"
run > /dev/null
m=$(log_mark)
rc=$(run)
new=$(log_since "$m")
[ "$rc" = 0 ] && [ "$(echo "$new" | grep -c 'GET /plain/local.rules 304 0 inm=1 ims=1')" = 1 ] &&
	[ "$(echo "$new" | wc -l)" = 1 ] &&
	ok "conditional request with If-None-Match and If-Modified-Since answered 304" ||
	nok "conditional request" "server saw: $(echo "$new" | tr '\n' ';')"
lconf
printf '1000001\nbogus selector here\n' > "$work/update.d/disable.conf"
refused "bad line in disable.conf" "update.d/disable.conf:2: 'bogus selector here' is not a rule selector"
printf '1000001\n' > "$work/update.d/disable.conf"
printf '1000005 "sid:1000005;" ""\n' > "$work/update.d/modify.conf"
refused "modification that breaks a rule" "modify.conf:1: on sid 1000005 \(local.rules:6\) the result is no longer a rule"

# ---- flowbit dependencies, on real ET rules ----
# sid 2013035 alone sets ET.http.javaclient; the other three check it
printf '2013035\n' > "$work/update.d/fb-disable.conf"
fbconf() {
	# the ET source gives classification.config
	conf "$(et_src good)
$(printf '[source fb]\nurl = %s/plain/flowbits.rules\nchecksum = sha256\n' "$base")"
	sed -i "s|^disable =\$|disable = $work/update.d/fb-disable.conf|" "$work/u.conf"
}
fb_rule() { grep 'sid:2013035;' "$D/current/flowbits.rules" | sed 's/ http .*//'; }
fbconf
rc=$(run)
if [ "$rc" = 0 ] && grep -q "local changes: 1 disabled, .* 1 enabled for flowbits" "$work/out" &&
	grep -q "note: flowbits.rules:1: sid 1:2013035 enabled without alerts: it sets flowbit 'ET.http.javaclient', which sid 1:[0-9]* checks" "$work/out" &&
	[ "$(fb_rule)" = alert ]; then
	ok "flowbits: a disabled setter of a checked flowbit is enabled again, and said so"
else
	nok "flowbits: a disabled setter is enabled again" "exit $rc; rule: $(fb_rule)"
fi
fbconf
sed -i 's|^\[changes\]$|[changes]\nresolve-flowbits = no|' "$work/u.conf"
rc=$(run)
if [ "$rc" = 0 ] && grep -q "local changes: 1 disabled, .* 0 enabled for flowbits" "$work/out" &&
	[ "$(fb_rule)" = '# alert' ]; then
	ok "flowbits: resolve-flowbits = no leaves it disabled"
else
	nok "flowbits: resolve-flowbits = no" "exit $rc; rule: $(fb_rule)"
fi

# ---- proxies: the server also answers absolute-form (proxy) requests ----
# pconf URL [FETCH-KEY-LINES]: one plain source; the lines go under [fetch]
pconf() {
	conf "$(printf '[source local]\nurl = %s/plain/local.rules\nchecksum = sha256\n' "$1")"
	[ -z "${2:-}" ] || sed -i "s|^\[fetch\]\$|[fetch]\n$2|" "$work/u.conf"
}
# fetched_via NAME PREFIX [HTTP_PROXY]: an update succeeds (with that
# http_proxy in its environment) and every request the server saw since
# is "GET PREFIX...": the absolute form when PREFIX is a URL (a proxy)
fetched_via() {
	local m rc
	m=$(log_mark)
	rc=$( [ -z "${3:-}" ] || export http_proxy="$3"; run )
	if [ "$rc" = 0 ] && [ -n "$(log_since "$m")" ] && ! log_since "$m" | grep -qv "^GET $2"; then
		ok "$1"
	else
		nok "$1" "exit $rc; server saw: $(log_since "$m" | tr '\n' ';')"
	fi
}
far=http://snet-feed.invalid	# cannot resolve: only a proxy can fetch it
pconf "$far" "proxy = $base"
fetched_via "proxy: both downloads go through [fetch] proxy" "$far/plain/local.rules"
pconf "$far"
fetched_via "proxy: without [fetch] proxy, the environment's http_proxy is used" \
	"$far/plain/local.rules" "$base"
pconf "$base"
http_proxy=http://127.0.0.1:1 refused "proxy: the environment's, unreachable, is used for 127.0.0.1 too" \
	"plain/local.rules.*Failed to connect to 127.0.0.1 port 1"
pconf "$base" "proxy = none"
fetched_via "proxy: 'none' ignores the environment's proxy" "/plain/local.rules" \
	http://127.0.0.1:1
pconf "$base" "proxy = http://127.0.0.1:1\nno-proxy = 127.0.0.1"
fetched_via "proxy: hosts in no-proxy are fetched directly" "/plain/local.rules"
pconf "$base" "proxy = http://127.0.0.1:1"
refused "proxy: an unreachable proxy" "plain/local.rules.*(Could not connect|Failed to connect|Couldn't connect)"

# ---- installation edge cases ----
conf "$(et_src good)
$(printf '[source local]\nurl = %s/plain/local.rules\n' "$base")"
sed -i 's|^reload-command = .*|reload-command = exit 7|' "$work/u.conf"
before=$(readlink "$D/current")
rc=$(run)
if [ "$rc" = 3 ] && grep -q "is installed, but reload command 'exit 7' failed (exit status 7)" "$work/err" &&
	[ "$(readlink "$D/current")" != "$before" ] && [ -f "$D/current/local.rules" ]; then
	ok "a failing reload command is reported (exit 3) and the install is kept"
else
	nok "a failing reload command is reported" "exit $rc"
fi
conf "$(feed_src v2)
$(et_src good)"
refused "two sources giving one file name" "two sources give a file named 'emerging-icmp.rules' \(ours and et-open\)|two sources give a file named 'emerging-icmp.rules' \(et-open and ours\)"
conf "$(et_src good2)"
before=$(snap)
rc=$(run -n)
[ "$rc" = 0 ] && grep -q "^dry run" "$work/out" && [ "$(snap)" = "$before" ] &&
	ok "--dry-run checks everything and installs nothing" || nok "--dry-run" "exit $rc"
conf "$(printf '[source et-open]\nurl = file://%s/et/good/emerging.rules.tar.gz\nchecksum = md5\n' "$www")"
rc=$(run)
[ "$rc" = 0 ] && grep -q "emerging.rules.tar.gz: read " "$work/out" && [ -f "$D/current/emerging-dns.rules" ] &&
	ok "file:// source" || nok "file:// source" "exit $rc"
python3 -c 'import fcntl, sys, time; f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(30)' \
	"$D/.lock" "$work/locked" &
lockpid=$!
for _ in $(seq 50); do [ -e "$work/locked" ] && break; sleep 0.1; done
conf "$(et_src good2)"
refused "a second snet-update while one runs" "another snet-update is running"
kill "$lockpid" 2>/dev/null
wait "$lockpid" 2>/dev/null
lockpid=
# https, with a certificate made here for 127.0.0.1
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-keyout "$work/tls.key" -out "$work/tls.crt" -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 > "$work/openssl.log" 2>&1; then
	python3 "$here/server.py" --root "$www" --port-file "$work/tport" --log "$work/tserver.log" \
		--tls "$work/tls.crt" "$work/tls.key" > "$work/tserver.out" 2>&1 &
	tsrv=$!
	for _ in $(seq 50); do [ -s "$work/tport" ] && break; sleep 0.1; done
	tbase=https://127.0.0.1:$(cat "$work/tport" 2>/dev/null)
	conf "$(printf '[source et-open]\nurl = %s/et/good/emerging.rules.tar.gz\nchecksum = md5\n' "$tbase")
[fetch]
ca-file = $work/tls.crt"
	rc=$(run)
	[ "$rc" = 0 ] && grep -q "emerging.rules.tar.gz: downloaded" "$work/out" &&
		grep -q "GET /et/good/emerging.rules.tar.gz 200" "$work/tserver.log" &&
		ok "https source, server certificate checked against ca-file" ||
		nok "https source with ca-file" "exit $rc"
	conf "$(printf '[source et-open]\nurl = %s/et/good2/emerging.rules.tar.gz\nchecksum = md5\n' "$tbase")"
	refused "https server with an untrusted certificate" "SSL certificate problem"
else
	nok "https tests" "openssl cannot make a test certificate: $(tail -2 "$work/openssl.log")"
fi
printf '[update]\ndest = %s\nkeep = 1\n' "$D" > "$work/bad.conf"
"$bin" -c "$work/bad.conf" > "$work/out" 2> "$work/err"
rc=$?
[ "$rc" = 2 ] && grep -q "bad.conf:3: keep: '1' is not a number from 2 to 100" "$work/err" &&
	ok "configuration error: exit 2, file:line: why" || nok "configuration error" "exit $rc"
"$bin" -c "$work/u.conf" -t > "$work/out" 2> "$work/err"
rc=$?
[ "$rc" = 0 ] && grep -q "OK: 1 sources" "$work/out" && ok "-t checks the configuration" ||
	nok "-t checks the configuration" "exit $rc"
# the shipped configuration and the examples of rules/update.d, uncommented
mkdir -p "$work/shipped"
for k in disable enable drop modify; do
	sed 's/^#\([0-9a-z*]\)/\1/' "$top/rules/update.d/$k.conf" | grep -v '^[a-z]*: \|^#' > "$work/shipped/$k.conf"
done
sed "s|^dest = .*|dest = $work/shipped/dest|; s|^sources-dir = .*|sources-dir = $work/shipped/sources|; s|^disable = .*|disable = $work/shipped/disable.conf|; s|^enable = .*|enable = $work/shipped/enable.conf|; s|^drop = .*|drop = $work/shipped/drop.conf|; s|^modify = .*|modify = $work/shipped/modify.conf|" \
	"$top/rules/update.conf" > "$work/shipped/update.conf"
"$bin" -c "$work/shipped/update.conf" -t > "$work/out" 2> "$work/err"
rc=$?
n=$(cat "$work/shipped/"*.conf | grep -vc '^\s*\(#\|$\|\[\|[a-z-]* =\)')
[ "$rc" = 0 ] && [ "$n" -ge 6 ] && grep -q "OK: 1 sources, 0 public keys, $n local-change lines" "$work/out" &&
	ok "rules/update.conf and the rules/update.d examples parse ($n example lines)" ||
	nok "rules/update.conf and the rules/update.d examples parse" "exit $rc, $n lines: $(cat "$work/out")"
ls "$D/releases" | grep -q '^\.staging' && nok "no staging directory left behind" "$(ls -a "$D/releases")" ||
	ok "no staging directory left behind"

# ---- the source index (update-sources, list-sources, enable-source, ...) ----
# index.yaml on the test server, its sources pointing at the fixtures there
ix=$www/idx
mkdir -p "$ix/open/suricata-7.0" "$ix/s3cr3t/suricata-7.0"
cp "$www/et/good/emerging.rules.tar.gz" "$www/et/good/emerging.rules.tar.gz.md5" "$ix/open/suricata-7.0/"
cp "$www/plain/local.rules" "$ix/s3cr3t/suricata-7.0/"
cat > "$ix/index.yaml" <<IDX
version: 1
sources:
  et/open:
    summary: Emerging Threats Open Ruleset
    description: |
      Proofpoint ET Open is a timely and accurate rule set
    vendor: Proofpoint
    license: MIT
    url: $base/idx/open/suricata-%(__version__)s/emerging.rules.tar.gz
  test/pro:
    summary: Test Pro Ruleset
    vendor: Example
    license: Commercial
    checksum: false
    replaces: [et/open]
    parameters:
      secret-code:
        prompt: Test Pro access code
    url: $base/idx/%(secret-code)s/suricata-%(__version__)s/local.rules
  future/set:
    summary: A ruleset for a later Suricata
    min-version: 99.0
    url: $base/idx/future.rules
  old/deprecated:
    summary: An old ruleset
    deprecated: No longer maintained.
    url: $base/idx/old.rules
  old/obsolete:
    summary: A gone ruleset
    obsolete: Gone.
    url: $base/idx/gone.rules
    some-future-key: {a: [1, 2]}
IDX
printf 'version: 1\nsources:\n  et/open:\n    url: "%s/unclosed\n' "$base" > "$ix/broken.yaml"
printf '<html><body>Moved</body></html>\n' > "$ix/html.yaml"
D=$work/dest-idx
C=$work/cache-idx
S=$work/sources.d
iconf() {
	conf "[update]
index-url = $base/idx/${1:-index.yaml}
${2:-}"
	sed -i "s|^sources-dir = .*|sources-dir = $S|" "$work/u.conf"
}
srun() { "$bin" -c "$work/u.conf" "$@" > "$work/out" 2> "$work/err"; echo $?; }
# check NAME RC EXPECTED-RC "ERR-REGEX" "OUT-REGEX" [EXTRA-CONDITION-RESULT]
check() {
	if [ "$2" != "$3" ]; then nok "$1" "exit status $2, expected $3"
	elif [ -n "$4" ] && ! grep -Eq -- "$4" "$work/err"; then nok "$1" "no message matching '$4'"
	elif [ -n "$5" ] && ! grep -Eq -- "$5" "$work/out"; then nok "$1" "no output matching '$5'"
	elif [ "${6:-0}" != 0 ]; then nok "$1" "$6"
	else ok "$1"; fi
}
iconf
rc=$(srun list-sources)
check "source index: list-sources without an index says to run update-sources" "$rc" 1 \
	"no source index yet: run 'snet-update update-sources' first" ""
m=$(log_mark)
rc=$(srun update-sources)
cmp -s "$ix/index.yaml" "$C/index.yaml"; same=$?
check "source index: update-sources downloads and stores it" "$rc" 0 "" \
	"^source index: 5 sources from $base/idx/index.yaml, in $C/index.yaml" \
	"$([ $same = 0 ] && log_since "$m" | grep -q '^GET /idx/index.yaml 200' || echo 'not stored as served')"
rc=$(srun list-sources)
check "source index: list-sources names, summaries, vendors, licenses, parameters, flags" "$rc" 0 "" \
	"^old/obsolete: A gone ruleset$" "$(grep -q '^et/open: Emerging Threats Open Ruleset$' "$work/out" &&
	grep -q '^  vendor: Proofpoint; license: MIT$' "$work/out" &&
	grep -q '^  parameter: secret-code (Test Pro access code)$' "$work/out" &&
	grep -q '^  DEPRECATED: No longer maintained.$' "$work/out" &&
	grep -q '^  OBSOLETE: Gone.$' "$work/out" && grep -q '^  min-version: 99.0$' "$work/out" &&
	grep -q '^  replaces: et/open$' "$work/out" || echo "output: $(tr '\n' '|' < "$work/out")")"
rc=$(srun enable-source future/set)
check "source index: a source whose min-version is above suricata-version is refused" "$rc" 1 \
	"source future/set needs Suricata 99.0 or later \(the index's min-version\), but \[update\] suricata-version is 7.0; refused" "" \
	"$([ ! -e "$S/future-set.conf" ] || echo 'a file was written')"
rc=$(srun enable-source test/pro)
check "source index: enable-source without a required parameter is refused" "$rc" 1 \
	"source test/pro needs parameter 'secret-code' \(Test Pro access code\): give secret-code=VALUE" "" \
	"$([ ! -e "$S/test-pro.conf" ] || echo 'a file was written')"
rc=$(srun enable-source test/pro secret-code=s3cr3t other=x)
check "source index: enable-source with an unknown parameter is refused" "$rc" 1 \
	"source test/pro has no parameter 'other'" ""
rc=$(srun enable-source old/obsolete)
check "source index: an obsolete source cannot be enabled" "$rc" 1 \
	"source old/obsolete is obsolete in the index \(Gone.\); refused" ""
rc=$(srun enable-source ../x)
check "source index: a name not in the index is refused" "$rc" 1 "source '../x' is not in the source index" ""
rc=$(srun enable-source test/pro secret-code=s3cr3t)
check "source index: enable-source with its parameter writes test-pro.conf, mode 0600" "$rc" 0 "" \
	"^enabled test/pro: $S/test-pro.conf \(\[source test-pro\]\)" \
	"$([ "$(stat -c %a "$S/test-pro.conf" 2>/dev/null)" = 600 ] &&
	grep -qx "url = $base/idx/s3cr3t/suricata-7.0/local.rules" "$S/test-pro.conf" &&
	grep -qx 'secret = s3cr3t' "$S/test-pro.conf" &&
	grep -qx 'checksum = none' "$S/test-pro.conf" || echo "mode or content wrong: $(cat "$S/test-pro.conf" 2>&1 | tr '\n' '|')")"
rc=$(srun enable-source et/open)
check "source index: enable-source et/open writes et-open.conf with checksum = md5, mode 0644" "$rc" 0 "" \
	"^enabled et/open" "$([ "$(stat -c %a "$S/et-open.conf" 2>/dev/null)" = 644 ] &&
	grep -qx 'checksum = md5' "$S/et-open.conf" && grep -q '^\[source et-open\]$' "$S/et-open.conf" ||
	echo 'mode or content wrong')"
check "source index: enabling et/open while test/pro, which replaces it, is enabled says so" "$rc" 0 "" \
	"^note: the enabled source test/pro replaces et/open; 'snet-update disable-source test/pro' if et/open is to be used instead$"
rc=$(srun list-sources --enabled)
check "source index: list-sources --enabled shows the two enabled" "$rc" 0 "" "" \
	"$([ "$(grep -c '^[a-z]' "$work/out")" = 2 ] && grep -q '^et/open: .* \[enabled\]$' "$work/out" &&
	grep -q '^test/pro: .* \[enabled\]$' "$work/out" || echo "output: $(tr '\n' '|' < "$work/out")")"
m=$(log_mark)
rc=$(run)
check "source index: the update installs the enabled sources' rules (with ET's .md5)" "$rc" 0 "" \
	"source et-open: emerging.rules.tar.gz: downloaded" \
	"$([ -f "$D/current/emerging-icmp.rules" ] && grep -q 'msg:"LOCAL two"; content:"two"; sid:1000002;' "$D/current/local.rules" &&
	log_since "$m" | grep -q '^GET /idx/open/suricata-7.0/emerging.rules.tar.gz.md5 200' &&
	grep -q '^source test-pro ' "$D/current/MANIFEST" || echo "not installed: $(ls "$D/current" 2>&1 | tr '\n' ' ')")"
check "source index: the access code is in no MANIFEST line and no cache record" 0 0 "" "" \
	"$(grep -q "^source test-pro $base/idx/\*\*\*/suricata-7.0/local.rules sha256 " "$D/current/MANIFEST" &&
	! grep -rq s3cr3t "$D/current/MANIFEST" "$C" || echo "shown: $(grep -rl s3cr3t "$D/current/MANIFEST" "$C" | tr '\n' ' ')")"
rc=$(srun -t)
check "source index: -t counts the enabled sources" "$rc" 0 "" "OK: 2 sources"
rc=$(srun enable-source test/pro secret-code=wr0ngc0de)
check "source index: enabling test/pro disables et/open, which it replaces, and keeps its file" "$rc" 0 "" \
	"^disabled et/open: test/pro replaces it; kept as $S/et-open.conf.disabled$" \
	"$([ ! -e "$S/et-open.conf" ] && [ -f "$S/et-open.conf.disabled" ] || echo 'et-open.conf not disabled')"
rc=$(srun enable-source et/open)
rc=$(run)
check "source index: a failed download's message hides the access code" "$rc" 1 \
	"$base/idx/\*\*\*/suricata-7.0/local.rules: the server answered HTTP 404" "" \
	"$(! grep -q wr0ngc0de "$work/err" "$work/out" || echo "shown: $(cat "$work/err")")"
rc=$(srun enable-source test/pro secret-code=s3cr3t)
rc=$(srun enable-source et/open)
rc=$(srun disable-source test/pro)
check "source index: disable-source keeps it as test-pro.conf.disabled" "$rc" 0 "" \
	"^disabled test/pro: kept as $S/test-pro.conf.disabled" \
	"$([ ! -e "$S/test-pro.conf" ] && [ -f "$S/test-pro.conf.disabled" ] || echo 'files wrong')"
rc=$(run)
check "source index: after disable-source the update no longer uses it" "$rc" 0 "" "" \
	"$([ ! -e "$D/current/local.rules" ] && [ -f "$D/current/emerging-icmp.rules" ] &&
	! grep -q '^source test-pro ' "$D/current/MANIFEST" || echo 'test-pro still installed')"
rc=$(srun disable-source test/pro)
check "source index: disable-source of a source not enabled is an error" "$rc" 1 \
	"source test/pro is not enabled \(no $S/test-pro.conf\)" ""
iconf index.yaml "$(printf '[source et-open]\nurl = %s/et/good/emerging.rules.tar.gz\n' "$base")"
rc=$(run)
check "source index: a name in update.conf and a sources file is an error naming both" "$rc" 2 \
	"$S/et-open.conf:4: \[source et-open\] is defined twice: here and at $work/u.conf:[0-9]+" ""
before=$(sha256sum < "$C/index.yaml")
for bad in broken.yaml html.yaml nowhere.yaml; do
	iconf "$bad"
	rc=$(srun update-sources)
	case $bad in
	broken.yaml) msg="idx/broken.yaml:5: not valid YAML: found unexpected end of stream while scanning a quoted scalar that starts at line 4" ;;
	html.yaml) msg="idx/html.yaml:1: the index must be a mapping with version and sources, not a scalar" ;;
	*) msg="idx/nowhere.yaml: the server answered HTTP 404" ;;
	esac
	check "source index: a bad download ($bad) is refused, the old index kept" "$rc" 1 "$msg" "" \
		"$([ "$(sha256sum < "$C/index.yaml")" = "$before" ] && grep -q 'the source index is unchanged' "$work/err" &&
		[ -z "$(ls -a "$C" | grep 'index.yaml.\(part\|tmp\)')" ] || echo 'the cached index changed or a file was left')"
done
iconf
rc=$(srun remove-source et/open)
check "source index: remove-source deletes et-open.conf" "$rc" 0 "" "^removed et/open" \
	"$([ ! -e "$S/et-open.conf" ] || echo 'still there')"
rc=$(srun remove-source et/open)
check "source index: remove-source of a source not enabled is an error" "$rc" 1 "source et/open is not enabled" ""
rc=$(srun remove-source test/pro)
check "source index: remove-source also deletes a disabled source" "$rc" 0 "" "^removed test/pro" \
	"$([ -z "$(ls -A "$S")" ] || echo "left: $(ls -A "$S")")"
D=$work/dest
C=$work/cache

# ---- the systemd units make install writes ----
u=$work/units-inst
rm -rf "$u"
if ! make -s -C "$top/inspector/update" install PREFIX="$u/usr" SYSCONFDIR="$u/etc" \
	UNITDIR="$u/units" DOCDIR="$u/doc" > "$work/units.log" 2>&1; then
	nok "systemd units: make install" "$(tail -3 "$work/units.log" | tr '\n' ' ')"
elif ! verr=$(cd "$u/units" && systemd-analyze verify ./snet-update.service ./snet-update.timer 2>&1) ||
	[ -n "$verr" ]; then
	nok "systemd units: systemd-analyze verify snet-update.service and .timer" "$verr"
elif ! grep -qx "ExecStart=$u/usr/bin/snet-update -c $u/etc/snet/update.conf" "$u/units/snet-update.service" ||
	grep -q @ "$u/units/snet-update.service" "$u/units/snet-update.timer"; then
	nok "systemd units: paths filled in" "$(grep -h '@\|Exec' "$u/units/"*)"
else
	ok "systemd units: snet-update.service and .timer installed with their paths and verified"
fi

echo "feed: $(grep -c '^ok ' "$tap") passed, $(grep -c '^not ok ' "$tap") failed"
exit $failed
