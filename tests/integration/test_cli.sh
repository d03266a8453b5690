#!/bin/sh
# Integration tests of the ward binary: exit codes, output formats, messages
# in both languages, limits and bad input, configuration, ward scan.
# Usage: test_cli.sh WARD SRCDIR
set -u
ward=$1
src=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# expect_rc NAME RC CMD...: the command exits with RC.
expect_rc() {
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		bad "$name (exit $got, expected $want)"
		sed 's/^/    /' "$tmp/err" | head -5
	fi
}

# expect_in NAME FILE TEXT: FILE contains TEXT.
expect_in() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		bad "$1 (no \"$3\")"
		sed 's/^/    /' "$2" | head -5
	fi
}

# Exit codes: 0 clean, 1 found, 2 error.
expect_rc "clean name exits 0" 0 "$ward" domain check binance.com
expect_rc "lookalike exits 1" 1 "$ward" domain check binanze.com
expect_rc "not a host name exits 2" 2 "$ward" domain check "not a name"
expect_in "error names the input" "$tmp/err" '"not a name" is not a host name'
expect_rc "missing list file exits 2" 2 "$ward" domain check --blocklist "$tmp/none.txt" x.com
expect_in "error names the missing file" "$tmp/err" "$tmp/none.txt"
expect_rc "bad format exits 2" 2 "$ward" domain check -f xml x.com
expect_rc "unknown verb exits 2" 2 "$ward" frobnicate
expect_rc "no name exits 2" 2 "$ward" domain check
expect_rc "help exits 0" 0 "$ward" --help

# JSON Lines: every line parses, findings carry the whole shape.
"$ward" domain check -f json binanze.com c0inbase.com google.com >"$tmp/j" 2>&1
if python3 - "$tmp/j" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
f = [r for r in recs if r["type"] == "finding"]
assert len(f) == 2, recs
for r in f:
    for k in ("check", "severity", "score", "countermeasure", "attack", "subject", "object",
              "evidence", "message", "message_ja"):
        assert k in r, (k, r)
    assert r["countermeasure"].startswith("C"), r
    assert r["attack"].startswith("T"), r
    assert r["message_ja"] and r["message_ja"] != r["message"], r
assert f[0]["check"] == "domain.lookalike.typo" and f[0]["evidence"]["brand"] == "binance"
assert f[1]["check"] == "domain.lookalike.confusable"
v = [r for r in recs if r["type"] == "verdict"]
assert [x["verdict"] for x in v] == ["lookalike", "lookalike", "clean"], v
s = [r for r in recs if r["type"] == "stats"]
assert len(s) == 1 and s[0]["items"] == 3 and s[0]["findings"] == 2, s
PY
then ok "json lines shape"; else bad "json lines shape"; fi

# Japanese: by locale and by flag; English otherwise.
LANG=ja_JP.UTF-8 LC_ALL= LANGUAGE= "$ward" domain check binanze.com >"$tmp/ja" 2>&1
expect_in "LANG=ja_JP.UTF-8 gives Japanese" "$tmp/ja" "綴り"
LANG=C LC_ALL=C LANGUAGE= "$ward" domain check --lang ja binanze.com >"$tmp/ja2" 2>&1
expect_in "--lang ja gives Japanese in the C locale" "$tmp/ja2" "綴り"
LANG=C LC_ALL=C "$ward" domain check binanze.com >"$tmp/en" 2>&1
expect_in "English by default" "$tmp/en" "is a misspelling of binance"

# TSV: one row per name with the documented columns.
printf 'binanze.com\nexample.com\n' | "$ward" domain scan -f tsv - >"$tmp/t"
if [ "$(cut -f1,2,3,4 "$tmp/t" | tr '\t' '|')" = "binanze.com|lookalike|binance|domain.lookalike.typo
example.com|clean||" ]; then ok "tsv columns"; else bad "tsv columns"; cat "$tmp/t"; fi

# Bad lines are counted, never fatal, and the stream goes on.
{
	echo "good-binance-login.com"
	echo ""
	printf 'nul\000byte.com\n'
	head -c 100000 /dev/zero | tr '\0' 'a'
	echo
	printf '\200\377\376 binary \001\002\n'
	echo "last.example"
} >"$tmp/badlines"
"$ward" domain scan -f json "$tmp/badlines" >"$tmp/b" 2>"$tmp/berr"
rc=$?
[ $rc -eq 1 ] && ok "bad lines: exit 1 (found)" || bad "bad lines: exit $rc"
expect_in "bad lines counted in stats" "$tmp/b" '"bad_lines":4'
expect_in "bad lines reported with file and line" "$tmp/berr" "$tmp/badlines: 4 unusable lines skipped (first at line 2)"
expect_in "stream continues after bad lines" "$tmp/b" '"items":2'

# Limits: a list file larger than the limit is refused with a clear message.
head -c 5000 /dev/zero | tr '\0' '\n' >"$tmp/biglist"
expect_rc "list over max_list_file exits 2" 2 "$ward" domain check --set limits.max_list_file=1024 --blocklist "$tmp/biglist" x.com
expect_in "limit message" "$tmp/err" "exceeds a configured limit"
python3 -c "print('['*200 + ']'*200)" >"$tmp/deep.json"
expect_rc "too deep JSON exits 2" 2 "$ward" domain check --blocklist "$tmp/deep.json" x.com
expect_in "depth message" "$tmp/err" "nested deeper than"
printf '{"blacklist": ["a.com", ' >"$tmp/broken.json"
expect_rc "broken JSON exits 2" 2 "$ward" domain check --blocklist "$tmp/broken.json" x.com
expect_in "broken JSON message has the place" "$tmp/err" "line 1, column"
expect_rc "--set with a bad value exits 2" 2 "$ward" domain check --set limits.max_line=1 x.com

# Configuration file: own brands, lists, output; errors name file and line.
cat >"$tmp/ward.conf" <<CONF
[output]
format = json
[domain]
blocklist = $tmp/block.txt
[brand:acme]
domains = acme.co.jp
tokens = acmecoin
CONF
echo "blocked.example" >"$tmp/block.txt"
"$ward" --config "$tmp/ward.conf" domain check acme.co.jp acmecoin-login.com blocked.example >"$tmp/c" 2>&1
expect_in "config brand flags lookalike" "$tmp/c" '"check":"domain.lookalike.combo"'
expect_in "config blocklist applies" "$tmp/c" '"check":"domain.reputation.blocklist"'
expect_in "official own domain is clean" "$tmp/c" '"name":"acme.co.jp"},"verdict":"clean"'
printf '[domain]\nnrd_max_age = 3\n' >"$tmp/bad.conf"
expect_rc "unknown config key exits 2" 2 "$ward" --config "$tmp/bad.conf" domain check x.com
expect_in "config error names file and line" "$tmp/err" "$tmp/bad.conf:2: unknown key"
WARD_CONFIG="$tmp/ward.conf" "$ward" config >"$tmp/cfg"
expect_in "WARD_CONFIG is read" "$tmp/cfg" "format = json"

# Newly registered domains with a reference date.
printf 'fresh.example,2026-11-20\n' >"$tmp/nrd.csv"
expect_rc "nrd hit exits 1" 1 "$ward" domain check --nrd "$tmp/nrd.csv" --today 2026-11-27 fresh.example
expect_in "nrd age in the message" "$tmp/out" "registered 7 days ago"
expect_rc "old domain is not new" 0 "$ward" domain check --nrd "$tmp/nrd.csv" --today 2027-06-01 fresh.example
expect_rc "bad --today exits 2" 2 "$ward" domain check --today 27/11/2026 x.com

# ward scan dispatches the demo inputs and finds the demo attacks.
"$ward" scan -f json "$src/examples" >"$tmp/s" 2>"$tmp/serr"
rc=$?
[ $rc -eq 1 ] && ok "scan examples exits 1" || bad "scan examples exit $rc"
expect_in "scan finds the lookalike" "$tmp/s" '"check":"domain.lookalike'
expect_in "scan finds the IOC" "$tmp/s" '"check":"domain.reputation.ioc"'
expect_in "scan reports files" "$tmp/s" '"files":'
mkdir -p "$tmp/empty"
expect_rc "scan of an empty dir exits 0" 0 "$ward" scan "$tmp/empty"
expect_rc "scan of a missing path exits 2" 2 "$ward" scan "$tmp/missing"

# The checks table lists every domain check with its countermeasure.
"$ward" checks >"$tmp/k"
expect_in "checks lists typo" "$tmp/k" "domain.lookalike.typo"
n=$(grep -c '^domain\.' "$tmp/k")
[ "$n" -eq 11 ] && ok "checks lists 11 domain checks" || bad "checks lists $n domain checks"

# Every check id in docs/checks.md, and every documented config key in the man page.
for id in $(cut -d' ' -f1 "$tmp/k"); do
	grep -qF "\`$id\`" "$src/docs/checks.md" || { bad "docs/checks.md lacks $id"; continue; }
	ok "docs/checks.md has $id"
done
"$ward" config | grep ' = ' | cut -d' ' -f1 | while read -r key; do
	grep -q "^\.B $key\$" "$src/man/ward.conf.5" || echo "$key"
done >"$tmp/undoc"
[ ! -s "$tmp/undoc" ] && ok "man/ward.conf.5 documents every key" || bad "undocumented keys: $(tr '\n' ' ' <"$tmp/undoc")"

# Login monitoring on the demo bastion log: the spray, the brute force and the
# compromise are found; staff who mistyped are not.
"$ward" auth scan -f json "$src/examples/bastion-auth.log" >"$tmp/a"
rc=$?
[ $rc -eq 1 ] && ok "auth scan finds attacks (exit 1)" || bad "auth scan exit $rc"
if python3 - "$tmp/a" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
f = {(r["check"], r["object"]["name"]) for r in recs if r["type"] == "finding"}
assert ("auth.password_spray", "203.0.113.45") in f, f
assert ("auth.brute_force", "198.51.100.23") in f, f
assert ("auth.success_after_failures", "198.51.100.23") in f, f
assert not any(name.startswith("10.20.") for _, name in f), f
assert len(f) == 3, f
s = [r for r in recs if r["type"] == "stats"][0]
assert s["lines"] > 0 and s["bad_lines"] == 0, s
PY
then ok "auth findings: spray, brute force, success after failures, no typo alerts"; else bad "auth findings"; fi
LANG=C LC_ALL=C "$ward" auth scan --lang ja "$src/examples/bastion-auth.log" >"$tmp/aja" 2>&1
expect_in "auth message in Japanese" "$tmp/aja" "ブルートフォース"
printf 'this is not a log\n' >"$tmp/notalog"
expect_rc "auth scan of a non-log exits 2" 2 "$ward" auth scan "$tmp/notalog"
expect_in "non-log message names the file" "$tmp/err" "$tmp/notalog: not a login log"
expect_rc "unknown --log-format exits 2" 2 "$ward" auth scan --log-format evtx "$tmp/notalog"
printf '2026-11-20T08:00:00+00:00 h sshd[1]: Failed password for a from 192.0.2.1 port 1 ssh2\n\001\002 garbage\n' >"$tmp/mixed.log"
expect_rc "auth scan survives a malformed line" 0 "$ward" auth scan --log-format syslog "$tmp/mixed.log"
expect_in "malformed line reported with its number" "$tmp/err" "first at line 2"

# Web login JSON with the operator's own field names.
cat >"$tmp/vpn.jsonl" <<'JSON'
{"when":"2026-11-20T08:00:00Z","who":"alice","ip":"192.0.2.10","result":"DENY"}
{"when":"2026-11-20T08:00:05Z","who":"alice","ip":"192.0.2.10","result":"DENY"}
JSON
python3 -c '
import json
for i in range(12):
    print(json.dumps({"when": "2026-11-20T09:00:%02dZ" % i, "who": "bob", "ip": "198.51.100.99", "result": "DENY"}))
' >>"$tmp/vpn.jsonl"
"$ward" auth scan --log-format web-json \
	--set 'auth.web_fields=time=when,user=who,source=ip,outcome=result,event=,success=ALLOW,failure=DENY' \
	-f json "$tmp/vpn.jsonl" >"$tmp/vpn.out" 2>"$tmp/err"
expect_in "web_fields mapping finds the brute force" "$tmp/vpn.out" '"check":"auth.brute_force"'
expect_in "web_fields mapping names the source" "$tmp/vpn.out" '"name":"198.51.100.99"'
expect_rc "bad web_fields exits 2" 2 "$ward" auth scan --log-format web-json --set 'auth.web_fields=colour=red' "$tmp/vpn.jsonl"

# A log line past the 1 MiB limit (and a last one with no newline) is skipped
# in bounded memory and counted.
python3 -c '
import sys
w = sys.stdout.write
w("2026-11-20T08:00:00+00:00 h sshd[1]: Failed password for a from 192.0.2.1 port 1 ssh2\n")
w("x" * 3000000 + "\n")
w("2026-11-20T08:00:01+00:00 h sshd[1]: Failed password for a from 192.0.2.1 port 1 ssh2\n")
w("y" * 5000000)
' >"$tmp/long.log"
"$ward" auth scan -f json --log-format syslog "$tmp/long.log" >"$tmp/long.out" 2>"$tmp/err"
expect_in "over-long log lines counted" "$tmp/long.out" '"bad_lines":2'
expect_in "events around them kept" "$tmp/long.out" '"items":2'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
