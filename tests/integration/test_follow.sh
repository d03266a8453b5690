#!/bin/sh
# ward auth scan --follow: a log that grows, is rotated and truncated, and a
# restart in between; the windows must survive the restart (kept in SQLite)
# and no attack may be reported twice.
# Usage: test_follow.sh WARD
set -u
ward=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
log=$tmp/auth.log
db=$tmp/state.sqlite

fails() { # fails FIRST LAST MINUTE: failures for eve from 192.0.2.60
	i=$1
	while [ "$i" -le "$2" ]; do
		printf '2026-11-20T09:%02d:%02d+00:00 h sshd[%d]: Failed password for eve from 192.0.2.60 port %d ssh2\n' \
			"$3" "$i" "$i" "$i" >>"$log"
		i=$((i + 1))
	done
}
start() {
	"$ward" auth scan --follow --state "$db" --poll 0.1 -f json "$log" >"$1" 2>"$tmp/err" &
	pid=$!
	sleep 0.5
}
finish() {
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
}
count() { grep -c "\"check\":\"$1\"" "$2"; }

# 1. An empty log that starts growing: six failures, then a restart.
: >"$log"
start "$tmp/out1"
fails 1 6 0
sleep 0.6
finish
[ "$rc" -eq 0 ] && ok "six failures: nothing yet (exit 0)" || bad "first run exit $rc"
[ "$(count auth.brute_force "$tmp/out1")" -eq 0 ] && ok "no alert below the threshold" || bad "early alert"

# 2. After the restart, rotation and four more: the kept six count.
start "$tmp/out2"
mv "$log" "$log.1"
fails 7 10 0
sleep 0.8
finish
[ "$rc" -eq 1 ] && ok "restart + rotation: attack found (exit 1)" || bad "second run exit $rc"
[ "$(count auth.brute_force "$tmp/out2")" -eq 1 ] && ok "windows survived the restart" || bad "no brute force after restart: $(cat "$tmp/out2" "$tmp/err")"

# 3. A third run reports nothing again; a truncated log is read from the start.
start "$tmp/out3"
: >"$log"
sleep 0.3
fails 11 12 1
sleep 0.6
finish
[ "$(count auth.brute_force "$tmp/out3")" -eq 0 ] && ok "no attack reported twice" || bad "duplicate report"
grep -q '"items":2' "$tmp/out3" && ok "truncated log read again from its start" || bad "truncation: $(cat "$tmp/out3")"

# 4. The state is a WAL-mode SQLite file holding the window's events.
python3 - "$db" <<'PY' && ok "state in SQLite WAL" || bad "state file"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 12
assert db.execute("SELECT count(*) FROM alerted").fetchone()[0] == 1
PY

"$ward" auth scan --follow "$log" >/dev/null 2>&1
[ $? -eq 2 ] && ok "--follow without --state exits 2" || bad "--follow without state"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
