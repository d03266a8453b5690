#!/bin/sh
# Differential test of ward's MIME parser against GMime (a test-only
# dependency). Runs tests/oracle/mail_parts (ward) and gmime_parts (GMime)
# over a set of mails and compares the sha256 sets of the attachments each
# finds: wherever GMime finds attachments, ward must find at least the same
# ones (ward may find more). Two deliberate differences are allowed and
# counted: a part GMime types application/octet-stream because its
# Content-Type is just "text" (ward reads text/plain, as RFC 2045 and mail
# clients do) must be one of ward's text parts, byte for byte; and where
# GMime drops the bytes of a final base64 group without padding, ward's
# attachment must be GMime's plus those one or two bytes. Prints
#   N mails, N identical, N ward-more, N ward-less
# and the mails where ward finds less.
#
#   test_gmime_diff.sh MAIL_PARTS GMIME_PARTS SOURCE
#
# SOURCE is a directory of messages, or a directory holding
# ward-mail-dev.tar.xz (the shared mail corpus: unpacked into a temporary
# directory, its phish/dev, ham/dev, mime and attach/eml folders used). A
# SOURCE that does not exist skips the test (exit 77). Messages named
# more-* are traps GMime loses: there ward must find strictly more.
set -u

ward=$1
gmime=$2
src=$3

if [ ! -e "$src" ]; then
	echo "SKIP: $src not found"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not found"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ward-gmime-diff.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -f "$src/ward-mail-dev.tar.xz" ]; then
	tar -xJf "$src/ward-mail-dev.tar.xz" -C "$tmp" || exit 1
	dirs=
	for d in phish/dev ham/dev mime attach/eml; do
		[ -d "$tmp/$d" ] && dirs="$dirs $tmp/$d"
	done
else
	dirs=$src
fi
[ -n "$dirs" ] || { echo "FAIL: no mail folders in $src"; exit 1; }

# shellcheck disable=SC2086
"$ward" $dirs >"$tmp/ward.jsonl" || { echo "FAIL: mail_parts failed"; exit 1; }
# shellcheck disable=SC2086
"$gmime" $dirs >"$tmp/gmime.jsonl" || { echo "FAIL: gmime_parts failed"; exit 1; }

python3 - "$tmp/ward.jsonl" "$tmp/gmime.jsonl" <<'PY'
import json, sys

def load(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            out.append(json.loads(line))
    return out

ward, gmime = load(sys.argv[1]), load(sys.argv[2])
if len(ward) != len(gmime):
    print(f"FAIL: {len(ward)} mails from ward, {len(gmime)} from GMime")
    sys.exit(1)
n = same = more = less = as_text = as_tail = 0
bad = []
for w, g in zip(ward, gmime):
    if w["file"] != g["file"]:
        print(f"FAIL: order differs: {w['file']} / {g['file']}")
        sys.exit(1)
    n += 1
    ws = {a["sha256"] for a in w.get("attachments", [])}
    tails = {t for a in w.get("attachments", []) for t in a.get("tail", [])}
    texts = set(w.get("text_sha256", []))
    gs = {a["sha256"] for a in g.get("attachments", [])}
    # Two known, deliberate differences count as found: a part GMime calls
    # application/octet-stream because its Content-Type says just "text"
    # (ward reads it as the text/plain it is), and the bytes of a final
    # base64 group without padding, which GMime drops and ward keeps.
    found = set()
    for a in g.get("attachments", []):
        h = a["sha256"]
        if h in ws:
            found.add(h)
        elif h in texts and a["type"] == "application/octet-stream" and not a["filename"]:
            found.add(h)
            as_text += 1
        elif h in tails:
            found.add(h)
            as_tail += 1
    if "error" in w:
        bad.append((w["file"], "ward error %s" % w["error"]))
        less += 1
    elif found != gs:
        less += 1
        miss = [a for a in g["attachments"] if a["sha256"] not in found]
        bad.append((w["file"], "ward misses " + ", ".join(
            f"{a['type']} {a['filename'] or '-'} ({a['size']} bytes)" for a in miss)))
    elif not ws <= gs:
        more += 1
    else:
        same += 1
        if w["file"].startswith("more-"):
            bad.append((w["file"], "trap: ward finds no more than GMime"))
print(f"{n} mails, {same} identical, {more} ward-more, {less} ward-less")
if as_text or as_tail:
    print(f"  (GMime attachments ward holds as text parts, Content-Type \"text\": {as_text};"
          f" with the unpadded final base64 bytes GMime drops: {as_tail})")
for f, why in bad:
    print(f"  {f}: {why}")
sys.exit(1 if bad else 0)
PY
