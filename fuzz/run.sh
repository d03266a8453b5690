#!/bin/sh
# Short libFuzzer run of every target (or of the targets named as
# arguments): sets up build-fuzz with clang, ASan and UBSan if needed,
# builds, then runs each fuzzer for FUZZ_SECONDS (default 30) on a copy of
# its seed corpus in a temporary directory, so new corpus entries never land
# in the repository. Logs and crash files go to FUZZ_ARTIFACTS (default a
# temporary directory, kept only when something failed) and the reproducer
# paths are printed. Exits 1 if any fuzzer failed.
#
#   fuzz/run.sh                      all targets, 30 s each
#   FUZZ_SECONDS=300 fuzz/run.sh config
#   FUZZ_BUILD=/tmp/bf fuzz/run.sh   another build directory
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${FUZZ_BUILD:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-30}

if [ ! -f "$build/build.ninja" ]; then
	(cd "$src" && CC=clang meson setup "$build" -Dfuzz=true -Db_lundef=false \
		-Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link \
		-Dbuildtype=debugoptimized) || exit 1
fi
if ! grep -q '"name": "fuzz", "value": true' "$build/meson-info/intro-buildoptions.json"; then
	echo "$build is not a -Dfuzz=true build: remove it or set FUZZ_BUILD" >&2
	exit 1
fi
if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=
	for f in "$here"/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets="$targets ${f%.c}"
	done
fi
ninja_targets=
for t in $targets; do
	ninja_targets="$ninja_targets fuzz/fuzz_$t"
done
# shellcheck disable=SC2086 # one ninja target per word
ninja -C "$build" $ninja_targets || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/ward-fuzz.XXXXXX") || exit 1
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts" || exit 1
trap 'rm -rf "$work/corpus"; rmdir "$work" 2>/dev/null' EXIT

# Stop at the first error UBSan finds, with a stack, like ASan does.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS ASAN_OPTIONS

failed=0
for t in $targets; do
	bin=$build/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: no fuzzer $bin (is $build a -Dfuzz=true build?)"
		failed=1
		continue
	fi
	corpus=$work/corpus/$t
	mkdir -p "$corpus" "$artifacts/$t"
	cp "$here/corpus/$t/"* "$corpus/" 2>/dev/null
	dict=
	[ -f "$here/dict/$t.dict" ] && dict=-dict=$here/dict/$t.dict
	log=$artifacts/$t.log
	echo "== $t: ${seconds}s"
	"$bin" ${dict:+"$dict"} -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$t/" "$corpus" >"$log" 2>&1
	rc=$?
	stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	crashes=$(cd "$artifacts/$t" && ls crash-* leak-* timeout-* oom-* 2>/dev/null)
	# With UBSAN_OPTIONS=halt_on_error=0 undefined behaviour only shows in the log.
	if [ $rc -eq 0 ] && [ -z "$crashes" ] && ! grep -q 'runtime error: ' "$log"; then
		echo "PASS $t: ${stats:-?} runs, cov ${cov:-?}"
	else
		failed=1
		echo "FAIL $t: exit $rc, log $log"
		for f in $crashes; do
			echo "  reproducer: $artifacts/$t/$f ($(wc -c <"$artifacts/$t/$f") bytes)"
			od -An -tx1 -N64 "$artifacts/$t/$f" | sed 's/^/   /'
		done
		grep -E 'ERROR: |SUMMARY: |runtime error: | #[0-9]+ 0x' "$log" | head -n 20 | sed 's/^/  /'
	fi
done

if [ $failed -ne 0 ]; then
	echo "some fuzzers failed; logs and reproducers in $artifacts"
	exit 1
fi
if [ -z "${FUZZ_ARTIFACTS:-}" ]; then
	rm -rf "$work"
	echo "all fuzzers passed"
else
	echo "all fuzzers passed (logs in $artifacts)"
fi
