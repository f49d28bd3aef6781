#!/bin/bash
# Every deliberately broken rule folder gives the expected diagnostics
# (file:line:col: message), exit status 1, and no crash.
. "$(dirname "$0")/lib.sh"
for dir in tests/fixtures/broken-rules/*/; do
  name=$(basename "$dir")
  out=$(timeout 30 "$EXTRACT_BIN" rules check "$dir" 2>&1)
  rc=$?
  expect_eq "$name: exit status" 1 "$rc"
  expect_eq "$name: diagnostics" "$(cat "$dir/expected.txt")" "$out"
  # The same folder makes extraction refuse to start, with exit status 2.
  echo "text" | timeout 30 "$EXTRACT_BIN" --rules "$dir" - >/dev/null 2>"$TMP/err"
  expect_eq "$name: extraction exit status" 2 "$?"
  check "$name: extraction names the problem" grep -q "rules check" "$TMP/err"
done
finish
