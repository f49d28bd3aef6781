# Shared helpers for the CLI test scripts (sourced). ctest sets EXTRACT_BIN,
# EXTRACT_SOURCE_DIR and EXTRACT_RULES; exit status 77 means "skipped".
set -u
: "${EXTRACT_BIN:?set EXTRACT_BIN to the extract binary}"
: "${EXTRACT_SOURCE_DIR:?set EXTRACT_SOURCE_DIR to the source tree}"
cd "$EXTRACT_SOURCE_DIR" || exit 1
SHARED_CORPUS="$EXTRACT_SOURCE_DIR/../shared/corpus"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
# check DESCRIPTION COMMAND...: the command must succeed.
check() { desc=$1; shift; if "$@"; then pass; else fail "$desc"; fi; }
# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() { if [ "$2" = "$3" ]; then pass; else fail "$1: expected [$2], got [$3]"; fi; }
need_corpus() {
  if [ ! -d "$SHARED_CORPUS" ]; then echo "skipped: $SHARED_CORPUS not found"; exit 77; fi
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
