#!/usr/bin/env bash
# Optional accuracy test of `ward domain scan` on the shared development data
# (../shared/data/domains beside the repository, or $WARD_SHARED/data/domains).
# Skips (exit 77) when the data is absent.  Needs python3, no network: run (b)
# of bench/eval-domains (MetaMask's allow-list from npm) is left out.
#
# usage: test_shared_domains.sh [WARD]   (default: $WARD, else build/cli/ward)
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${WARD_SHARED:-$root/../shared}
ward=${1:-${WARD:-$root/build/cli/ward}}

if [ ! -f "$shared/data/domains/dev_pos.tsv" ] || [ ! -f "$shared/data/domains/benign_dev.txt" ]; then
    echo "SKIP: $shared/data/domains not found (set WARD_SHARED to the shared dir)"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not found"
    exit 77
fi
if [ ! -x "$ward" ]; then
    echo "FAIL: ward binary not found: $ward"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ward-test-shared-domains.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

python3 "$root/bench/eval-domains" --json --no-peer-allowlist --show 5 \
    --ward "$ward" --shared "$shared" >"$tmp/eval.json"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: bench/eval-domains exited $rc"
    exit 1
fi

python3 - "$tmp/eval.json" <<'PY'
import json, sys

MIN_RECALL = 0.95
MAX_FPR = 5e-4
CLASSES = ("combo", "typo", "typo_combo", "tld_swap", "subdomain", "idn_homoglyph")

with open(sys.argv[1]) as f:
    res = json.load(f)
if "skipped" in res:
    print("SKIP: " + res["skipped"])
    sys.exit(77)
run = res["runs"]["builtin"]
failed = []
for c in CLASSES:
    st = run["classes"].get(c)
    if not st or not st["n"]:
        print(f"FAIL {c}: no positives in the data")
        failed.append(c)
        continue
    ok = st["recall"] >= MIN_RECALL
    print(f"{'ok  ' if ok else 'FAIL'} recall {c:<14} {st['recall']:.4f} "
          f"({st['detected']}/{st['n']}, min {MIN_RECALL})")
    if not ok:
        failed.append(c)
        print("     missed e.g.: " + " ".join(run["miss_examples"].get(c, [])))
tag = run["classes"].get("tag_only")
if tag and tag["n"]:
    print(f"info recall tag_only       {tag['recall']:.4f} ({tag['detected']}/{tag['n']}, not checked)")
print(f"info recall overall        {run['recall_overall']:.4f}")
fpr = run["fpr_excl_crypto_allowlist"]
ok = fpr <= MAX_FPR
print(f"{'ok  ' if ok else 'FAIL'} FPR excl. crypto allow-list names "
      f"{fpr:.2e} ({run['fp_excl_crypto_allowlist']}/{run['benign_excl_crypto_allowlist']}, "
      f"max {MAX_FPR:.0e})")
print(f"info FPR all benign        {run['fpr']:.2e} ({run['false_positives']}/{run['benign']}; "
      f"{run['fp_crypto_allowlist']} in crypto allow-list sources)")
if not ok:
    failed.append("fpr")
    for e in run["fp_examples"]:
        print(f"     FP: {e['name']} {e['verdict']} {e['brand']} {e['checks']}")
sys.exit(1 if failed else 0)
PY
