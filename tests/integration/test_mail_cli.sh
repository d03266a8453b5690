#!/bin/sh
# Integration tests of ward mail scan through the real binary: every input
# form (.eml, mbox, Maildir, directory, stdin), ward scan dispatching mail,
# JSON Lines that parse, verdict artifacts, Japanese output, exit codes and
# errors that name the file.
# Usage: test_mail_cli.sh WARD SRCDIR
set -u
ward=$1
src=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

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

expect_in() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		bad "$1 (no \"$3\")"
		sed 's/^/    /' "$2" | head -5
	fi
}

expect_count() { # NAME WANT FILE PATTERN
	got=$(grep -cF -- "$4" "$3")
	if [ "$got" -eq "$2" ]; then ok "$1"; else bad "$1 ($got, expected $2)"; fi
}

clean="$src/tests/corpus/mail/newsletter-clean.eml"
phish="$src/tests/corpus/mail/lookalike-links.eml"
ceo="$src/examples/ceo-wire-request.eml"

expect_rc "clean mail exits 0" 0 "$ward" mail scan "$clean"
expect_in "clean mail has a clean verdict" "$tmp/out" "verdict  clean"
expect_rc "phishing exits 1" 1 "$ward" mail scan "$phish"
expect_in "phishing verdict" "$tmp/out" "verdict  malicious"
expect_rc "--quiet-clean hides clean verdicts" 0 "$ward" mail scan --quiet-clean "$clean"
[ ! -s "$tmp/out" ] || [ "$(grep -c verdict "$tmp/out")" -eq 0 ] && ok "no verdict line" ||
	bad "no verdict line"

# JSON Lines: every line parses; findings before the verdict; artifacts.
expect_rc "json output" 1 "$ward" --config "$src/docs/ward.conf.example" mail scan -f json "$ceo"
if python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
v = [r for r in recs if r["type"] == "verdict"][0]
a = v["artifacts"]["attachments"][0]
assert recs[-1]["type"] == "stats", recs[-1]
assert v["verdict"] == "malicious", v
assert a["name"] == "Payment_Instructions.docm" and len(a["sha256"]) == 64 and a["size"] > 0, a
assert "https://examp1ex-co-jp.com/portal/term-sheet" in v["artifacts"]["urls"]
f = [r for r in recs if r["type"] == "finding"]
checks = {r["check"] for r in f}
need = {"mail.sender.executive", "mail.link.lookalike", "file.office.vba_macro"}
assert need <= checks, checks
for r in f:
    assert r["countermeasure"] and r["attack"] and r["message"] and r["message_ja"], r
    assert r["subject"]["message_id"] == "<demo-ceo-wire-1@mail.gmail.com>", r["subject"]
' "$tmp/out"; then ok "json records and artifacts"; else bad "json records and artifacts"; fi

# Japanese
LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8 "$ward" --config "$src/docs/ward.conf.example" mail scan "$ceo" >"$tmp/ja" 2>&1
expect_in "Japanese message" "$tmp/ja" "自社の役員名ですが"
expect_in "Japanese phrase argument" "$tmp/ja" "別のドメイン"

# mbox with three messages, one with a ">From " body line
{
	printf 'From alice@example.org Fri Nov 20 09:00:00 2026\n'
	sed -n '1,$p' "$clean"
	printf '\nFrom mallory@example.net Fri Nov 20 09:01:00 2026\n'
	cat "$phish"
	printf '\nFrom bob@example.org Fri Nov 20 09:02:00 2026\nFrom: bob@example.org\nSubject: hi\n\n>From the start, all fine.\n'
} >"$tmp/box.mbox"
expect_rc "mbox scanned" 1 "$ward" mail scan "$tmp/box.mbox"
expect_count "mbox: three verdicts" 3 "$tmp/out" "verdict  "
expect_in "mbox: message numbers" "$tmp/out" "box.mbox#2"

# Maildir
mkdir -p "$tmp/Maildir/cur" "$tmp/Maildir/new" "$tmp/Maildir/tmp"
cp "$clean" "$tmp/Maildir/cur/1.host:2,S"
cp "$phish" "$tmp/Maildir/new/2.host"
expect_rc "Maildir scanned" 1 "$ward" mail scan "$tmp/Maildir"
expect_count "Maildir: two verdicts" 2 "$tmp/out" "verdict  "

# stdin
expect_rc "stdin scanned" 1 sh -c "\"$ward\" mail scan - <\"$phish\""
expect_in "stdin verdict" "$tmp/out" "verdict  malicious"

# ward scan dispatches mail and mbox files
mkdir -p "$tmp/mixed"
cp "$phish" "$tmp/box.mbox" "$tmp/mixed/"
expect_rc "ward scan on mail" 1 "$ward" scan "$tmp/mixed"
expect_count "ward scan: a verdict per message" 4 "$tmp/out" "verdict  "

# Errors name the file; exit 2.
expect_rc "missing file exits 2" 2 "$ward" mail scan "$tmp/nope.eml"
expect_in "missing file named" "$tmp/err" "nope.eml"
head -c 3000000 /dev/zero | tr '\0' 'a' >"$tmp/big.eml"
expect_rc "over max_mail exits 2" 2 "$ward" mail scan --set limits.max_mail=1048576 "$tmp/big.eml"
expect_in "over max_mail named" "$tmp/err" "big.eml"
expect_rc "no path exits 2" 2 "$ward" mail scan

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
