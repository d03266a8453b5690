#!/bin/sh
# Optional: accuracy of ward mail scan on ../shared/data/mail (or $WARD_SHARED):
# phishing and ham rates, risky attachments, agreement with the reference
# extractor (bench/eval-mail --check). Encrypted containers count as found
# (--lenient): what they hide cannot be seen without the password, and ward
# says so. Skips (exit 77) when the data is absent.
set -u
ward=${1:-${WARD:-build/cli/ward}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${WARD_SHARED:-$root/../shared}
if [ ! -f "$shared/data/mail/ward-mail-dev.tar.xz" ]; then
	echo "SKIP: $shared/data/mail not found"
	exit 77
fi
ward=$(cd "$(dirname "$ward")" && pwd)/$(basename "$ward")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ward-mail.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
python3 "$root/bench/eval-mail" --ward "$ward" --data "$shared/data/mail" --cache "$tmp" --check --lenient
