#!/bin/bash
# Golden tests of the two main samples: the reviewed projection
# (tests/golden/projection.jq) of each record must equal its golden file.
# To update after a reviewed change: GOLDEN_UPDATE=1 EXTRACT_BIN=... bash this.
. "$(dirname "$0")/lib.sh"
for name in kestrel-lumio.en arunika-awan.id; do
  golden=tests/golden/$name.json
  "$EXTRACT_BIN" "samples/$name.txt" | jq -S -f tests/golden/projection.jq > "$TMP/$name.json"
  if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then cp "$TMP/$name.json" "$golden"; fi
  if diff -u "$golden" "$TMP/$name.json" > "$TMP/diff"; then pass; else
    fail "$name: output differs from $golden"
    head -60 "$TMP/diff" >&2
  fi
done
finish
