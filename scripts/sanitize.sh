#!/bin/bash
# Sanitizer run (issue 7): builds build-asan with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DEXTRACT_SANITIZE=ON, -fno-sanitize-recover),
# runs the whole ctest suite under it, then a batch over ../shared/corpus
# (seed, id-news, reuters-acq, quotes-dev texts) when that folder is present.
# Fails on any sanitizer report, even one inside a test that expected a
# failure: reports are written to files (log_path) and any such file fails
# the run. Usage: scripts/sanitize.sh [--no-tests | --no-corpus]
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build-asan
RUN_TESTS=1
RUN_CORPUS=1
case "${1:-}" in
  --no-tests) RUN_TESTS=0 ;;
  --no-corpus) RUN_CORPUS=0 ;;
  "") ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac

scripts/install-deps.sh --test || exit 2
t0=$SECONDS
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXTRACT_SANITIZE=ON -DEXTRACT_TESTS=ON >/dev/null || exit 2
cmake --build "$BUILD" -j"$(nproc)" >"$BUILD/build.log" 2>&1 || { tail -40 "$BUILD/build.log" >&2; exit 2; }
echo "sanitize: build $((SECONDS - t0)) s"

LOGS=$BUILD/sanitizer-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
# log_path: one file per process that reported something (name.PID).
export ASAN_OPTIONS="log_path=$LOGS/asan:halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$LOGS/ubsan:halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="log_path=$LOGS/lsan"

reports() {
  local f found=0
  for f in "$LOGS"/*; do
    [ -e "$f" ] || continue
    found=1
    echo "---- $f" >&2
    head -60 "$f" >&2
  done
  return $found
}

failed=0
if [ $RUN_TESTS -eq 1 ]; then
  t1=$SECONDS
  (cd "$BUILD" && ctest --output-on-failure -j"$(nproc)" --timeout 900) || failed=1
  echo "sanitize: ctest $((SECONDS - t1)) s"
  reports || { echo "sanitize: sanitizer reports during the test suite (above)" >&2; failed=1; }
fi

CORPUS=$ROOT/../shared/corpus
# The first corpus run writes a rule-set snapshot, the others read it.
export EXTRACT_CACHE_DIR=$BUILD/rule-cache
rm -rf "$EXTRACT_CACHE_DIR"
if [ $RUN_CORPUS -eq 1 ] && [ -d "$CORPUS" ]; then
  for part in seed id-news reuters-acq quotes-dev/text; do
    [ -d "$CORPUS/$part" ] || { echo "sanitize: $CORPUS/$part not found, skipped"; continue; }
    t1=$SECONDS
    out=$BUILD/corpus-$(echo "$part" | tr / -).jsonl
    "$BUILD/extract" -q --exclude '*.tsv' --exclude '*.md' "$CORPUS/$part" > "$out" 2>"$BUILD/corpus.err"
    rc=$?
    n=$(wc -l < "$out")
    if [ $rc -ne 0 ]; then
      echo "sanitize: corpus $part: exit status $rc" >&2
      head -20 "$BUILD/corpus.err" >&2
      failed=1
    fi
    bad=$(python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1], "rb"):
    try:
        r = json.loads(line)
        assert isinstance(r, dict) and "source" in r
    except Exception:
        bad += 1
print(bad)' "$out")
    [ "$bad" = 0 ] || { echo "sanitize: corpus $part: $bad invalid output lines" >&2; failed=1; }
    echo "sanitize: corpus $part: $n documents, $((SECONDS - t1)) s"
  done
  reports || { echo "sanitize: sanitizer reports on the corpus (above)" >&2; failed=1; }
elif [ $RUN_CORPUS -eq 1 ]; then
  echo "sanitize: $CORPUS not found; corpus batch skipped"
fi

[ $failed -eq 0 ] && echo "sanitize: ok, no sanitizer reports ($((SECONDS - t0)) s in all)"
exit $failed
