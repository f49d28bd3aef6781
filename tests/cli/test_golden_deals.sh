#!/bin/bash
# Golden tests of the deal records of the status samples (samples/status-*.txt,
# one per status and language): `extract --format json` of each sample,
# projected to its deals without the evidence indexes, must equal the
# reviewed file tests/golden/deals/<sample>.json. Each golden file was checked
# by eye against samples/README.md (parties, price or price_disclosed, status,
# date). Besides the files, each sample must give exactly one deal whose status
# is the one in its file name, and reordering its paragraphs must not change
# the deals.
# To update after a reviewed change: GOLDEN_UPDATE=1 EXTRACT_BIN=... bash this.
. "$(dirname "$0")/lib.sh"
project='[.[0].deals[] | del(.evidence)]'
n=0
for sample in samples/status-*.txt; do
  name=$(basename "$sample" .txt)
  golden=tests/golden/deals/$name.json
  "$EXTRACT_BIN" --format json "$sample" | jq -S "$project" > "$TMP/$name.json"
  if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then cp "$TMP/$name.json" "$golden"; fi
  if [ ! -f "$golden" ]; then fail "$name: no golden file $golden"; continue; fi
  if diff -u "$golden" "$TMP/$name.json" > "$TMP/diff"; then pass; else
    fail "$name: deals differ from $golden"
    head -40 "$TMP/diff" >&2
  fi
  status=${name#status-}
  status=${status%%.*}
  expect_eq "$name: one deal with status $status" "1 $status" \
    "$(jq -r 'length as $n | "\($n) \(.[0].status)"' "$TMP/$name.json")"
  # Paragraphs in reverse order (the dateline paragraph stays first, since it
  # gives the publication date): the same deals.
  awk 'BEGIN { RS = ""; ORS = "\n\n" } { p[NR] = $0 } END { print p[1]; for (i = NR; i > 1; i--) print p[i] }' \
    "$sample" > "$TMP/$name.reordered.txt"
  "$EXTRACT_BIN" --format json "$TMP/$name.reordered.txt" | jq -S "$project" > "$TMP/$name.reordered.json"
  if diff -u "$TMP/$name.json" "$TMP/$name.reordered.json" > "$TMP/diff"; then pass; else
    fail "$name: deals change when the paragraphs are reordered"
    head -40 "$TMP/diff" >&2
  fi
  n=$((n + 1))
done
expect_eq "status samples found" 10 "$n"
finish
