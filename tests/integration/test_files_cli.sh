#!/bin/sh
# Integration tests of ward files scan through the real binary on a
# temporary tree: key files, a Zone.Identifier sidecar naming a look-alike
# host, an IOC hash file in each format, a YARA rule directory (and one that
# does not compile), a YARA timeout, excludes, JSON that parses, exit codes,
# and ward scan handing such files to the file scanner.
# Usage: test_files_cli.sh WARD SRCDIR
set -u
ward=$1
src=${2:-.}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"

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
		bad "$1 (no \"$3\" in $2)"
		head -5 "$2" | sed 's/^/    /'
	fi
}

expect_not_in() {
	if grep -qF -- "$3" "$2"; then
		bad "$1 (\"$3\" in $2)"
	else ok "$1"; fi
}

t="$tmp/tree"
mkdir -p "$t/docs" "$t/dl" "$t/ssh" "$t/skip"
# A BIP39 test vector (Trezor's vectors.json, entropy 0x00 * 16).
echo "recovery: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about" >"$t/docs/notes.txt"
echo "nothing to see here" >"$t/docs/readme.txt"
printf 'MZ harmless test installer\n' >"$t/dl/setup.exe"
printf '[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://bitfiyer-app.com/download/setup.exe\r\n' \
	>"$t/dl/setup.exe:Zone.Identifier"
printf 'abc' >"$t/dl/payload.bin"
printf 'MZ...PROXY_SVC_DLL.dll...' >"$t/dl/ghost.dll"
cp "$t/docs/notes.txt" "$t/skip/notes.txt"
abc=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
echo "$abc;3;WARD-TEST payload" >"$tmp/iocs.txt"
echo "$abc:3:Ward.Test.Payload:73" >"$tmp/iocs.hsb"
cat >"$tmp/iocs.json" <<JSON
{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"indicator--1",
"name":"ward test","pattern":"[file:hashes.'SHA-256' = '$abc']","pattern_type":"stix"}]}
JSON
mkdir -p "$tmp/rules/sub" "$tmp/badrules"
cat >"$tmp/rules/sub/ghost.yar" <<'YAR'
rule Test_Ghost : nk { strings: $a = "PROXY_SVC_DLL.dll" condition: uint16(0) == 0x5a4d and $a }
YAR
printf 'rule broken {\n  condition:\n    $nope\n}\n' >"$tmp/badrules/broken.yar"

# Everything at once, JSON.
expect_rc "scan finds: exit 1" 1 "$ward" files scan -f json --threads 2 --rules "$tmp/rules" \
	--ioc-hashes "$tmp/iocs.txt" --exclude skip "$t"
cp "$tmp/out" "$tmp/all.json"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/all.json"; then
	ok "JSON lines parse"
else bad "JSON lines parse"; fi
expect_in "seed phrase" "$tmp/all.json" '"check":"files.key.seed_phrase"'
expect_in "look-alike origin" "$tmp/all.json" '"check":"files.origin.lookalike"'
expect_in "origin names the host" "$tmp/all.json" 'bitfiyer-app.com'
expect_in "origin attributed to the file" "$tmp/all.json" "\"path\":\"$t/dl/setup.exe\""
expect_in "IOC hash" "$tmp/all.json" '"check":"files.ioc_hash"'
expect_in "IOC name" "$tmp/all.json" 'WARD-TEST payload'
expect_in "YARA rule" "$tmp/all.json" '"rule":"Test_Ghost"'
expect_in "YARA rule file" "$tmp/all.json" '"rules_file":"ghost.yar"'
expect_in "stats record" "$tmp/all.json" '"type":"stats"'
expect_in "stats MB/s" "$tmp/all.json" '"mb_per_s"'
expect_not_in "exclude" "$tmp/all.json" "$t/skip/"
expect_not_in "no secret in output" "$tmp/all.json" 'abandon abandon'
expect_not_in "clean file quiet" "$tmp/all.json" 'readme.txt'
expect_not_in "sidecar not scanned alone" "$tmp/all.json" '"path":"'"$t"'/dl/setup.exe:Zone'

# The IOC formats.
expect_rc "ClamAV .hsb" 1 "$ward" files scan -f json --ioc-hashes "$tmp/iocs.hsb" "$t/dl/payload.bin"
expect_in "ClamAV .hsb name" "$tmp/out" 'Ward.Test.Payload'
expect_rc "STIX bundle" 1 "$ward" files scan -f json --ioc-hashes "$tmp/iocs.json" "$t/dl/payload.bin"
expect_in "STIX name" "$tmp/out" '"name":"ward test"'
printf 'not json' >"$tmp/bad.json"
printf '{"objects": [' >"$tmp/bad.json"
expect_rc "bad STIX: exit 2" 2 "$ward" files scan --ioc-hashes "$tmp/bad.json" "$t"
expect_in "bad STIX names the file" "$tmp/err" "bad.json"

# YARA errors name the file and line; missing rules are an error.
expect_rc "bad rule: exit 2" 2 "$ward" files scan --rules "$tmp/badrules" "$t"
expect_in "bad rule names the file" "$tmp/err" "broken.yar:"
expect_in "bad rule says why" "$tmp/err" "undefined string"
expect_rc "missing rules: exit 2" 2 "$ward" files scan --rules "$tmp/nope" "$t"
# The second run takes the compiled rules from the cache.
ls "$XDG_CACHE_HOME"/ward/yara-*.yarc >/dev/null 2>&1 && ok "rules cached" || bad "rules cached"

# Clean tree: exit 0; text output; a missing path: exit 2.
mkdir -p "$tmp/clean"
echo hello >"$tmp/clean/a.txt"
expect_rc "clean: exit 0" 0 "$ward" files scan "$tmp/clean"
expect_rc "missing path: exit 2" 2 "$ward" files scan "$tmp/clean/nope"
expect_in "missing path named" "$tmp/err" "nope"
expect_rc "no path: exit 2" 2 "$ward" files scan
expect_rc "bad threads: exit 2" 2 "$ward" files scan --threads 0 "$t"
expect_rc "text output" 1 "$ward" files scan -f text --threads 1 "$t/docs"
expect_in "text names the check" "$tmp/out" "files.key.seed_phrase"
expect_rc "help" 0 "$ward" files scan --help
expect_in "help lists --rules" "$tmp/out" "--rules"

# ward scan hands files that are not mail, logs or lists to the file scanner.
expect_rc "ward scan: found" 1 "$ward" scan -f json "$t/docs" "$t/dl"
expect_in "ward scan: seed" "$tmp/out" '"check":"files.key.seed_phrase"'
expect_in "ward scan: origin" "$tmp/out" '"check":"files.origin.lookalike"'
expect_not_in "ward scan: no skip warning" "$tmp/err" "not a kind of input"
# ward scan enters dotfiles (.env), not version control stores.
mkdir -p "$tmp/proj/.git"
key=4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
printf 'PRIVATE_KEY=0x%s\n' "$key" >"$tmp/proj/.env"
printf 'PRIVATE_KEY=0x%s\n' "$key" >"$tmp/proj/.git/config"
expect_rc "ward scan: .env" 1 "$ward" scan -f json "$tmp/proj"
expect_in "ward scan: .env key" "$tmp/out" '"path":"'"$tmp"'/proj/.env"'
expect_not_in "ward scan: .git not entered" "$tmp/out" '.git/config'
expect_not_in "ward scan: key not printed" "$tmp/out" "$key"
# A rule that outlasts [files] yara_timeout: the file is an error, not clean.
mkdir -p "$tmp/slow"
head -c 50000000 /dev/zero >"$tmp/slow/zeros.bin"
printf 'rule slow { condition: for all i in (0..filesize-1) : ( uint8(i) == 0 ) }\n' >"$tmp/slow.yar"
printf '[files]\nyara_timeout = 1\n' >"$tmp/timeout.conf"
expect_rc "YARA timeout: exit 2" 2 "$ward" --config "$tmp/timeout.conf" files scan --no-cache \
	--rules "$tmp/slow.yar" "$tmp/slow"
expect_in "YARA timeout: said" "$tmp/err" "zeros.bin: YARA scan timed out"
expect_in "YARA timeout: counted" "$tmp/out" "errors 1"

expect_rc "checks lists files checks" 0 "$ward" checks
expect_in "checks: files.yara" "$tmp/out" "files.yara"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
