#!/bin/sh
# Optional: accuracy of ward files scan on ../shared/data/files (or
# $WARD_SHARED): every planted item found with the right kind, no decoy
# flagged (bench/eval-files --check). Skips (exit 77) when the data is absent.
set -u
ward=${1:-${WARD:-build/cli/ward}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${WARD_SHARED:-$root/../shared}
if [ ! -f "$shared/data/files/dev-tree.tar.gz" ]; then
	echo "SKIP: $shared/data/files not found"
	exit 77
fi
ward=$(cd "$(dirname "$ward")" && pwd)/$(basename "$ward")
exec python3 "$root/bench/eval-files" --ward "$ward" --data "$shared/data/files" --check
