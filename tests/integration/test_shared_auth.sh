#!/bin/sh
# Optional: accuracy of ward auth scan on ../shared/data/auth (or $WARD_SHARED).
# Skips (exit 77) when the data is absent.
set -u
ward=${1:-${WARD:-build/cli/ward}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${WARD_SHARED:-$root/../shared}
if [ ! -f "$shared/data/auth/manifest.json" ]; then
	echo "SKIP: $shared/data/auth not found"
	exit 77
fi
ward=$(cd "$(dirname "$ward")" && pwd)/$(basename "$ward")
exec python3 "$root/bench/eval-auth" --ward "$ward" --shared "$shared" --check
