#!/bin/bash
# bench/bench.py end to end on a small corpus of our own (the samples, five
# times over): it finishes, prints its table and ratios, writes its rows as
# TSV, measures every extract row it starts without a failure, and (when
# ripgrep is installed) finishes the one-rg-per-rule baseline with matches.
# It asserts nothing about speed: it checks that the benchmark runs.
. "$(dirname "$0")/lib.sh"
# GNU time measures every row (scripts/install-deps.sh --test installs it).
if [ ! -x /usr/bin/time ]; then echo "skipped: /usr/bin/time (Debian package time) not installed"; exit 77; fi

C="$TMP/corpus"
mkdir -p "$C"
for i in 1 2 3 4 5; do
  for f in samples/*.txt; do cp "$f" "$C/$i-$(basename "$f")"; done
done
python3 bench/bench.py --corpus "$C" --extract "$EXTRACT_BIN" --rules "$EXTRACT_RULES" --budget 120 --rg-budget 2 \
  --rg-each-budget 60 --rules-docs 10 --large-mb 0.1 --distinct "$TMP/none" --repeat-under 0 --tsv "$TMP/rows.tsv" \
  > "$TMP/out" 2> "$TMP/err"
expect_eq "bench.py: status 0" 0 "$?"
check "table header" grep -q "^group  *input  *tool  *MB  *docs  *wall s" "$TMP/out"
check "folder row, -j1" grep -Eq "^reuters +folder 1x +extract -j1 +0\.[0-9]+ +60 +[0-9.]+ " "$TMP/out"
check "folder row, -j2" grep -Eq "^reuters +folder 1x +extract -j2 +0\.[0-9]+ +60 +[0-9.]+ " "$TMP/out"
check "JSON Lines 4x row" grep -Eq "^size +jsonl 4x +extract -j1 +[0-9.]+ +240 +[0-9.]+ " "$TMP/out"
check "rule-count row, 4x" grep -Eq "^rules +10 docs +extract rules 4x " "$TMP/out"
check "rule-count rows: the three sets in turn, the median of five rounds" \
  grep -Eq "^rules +10 docs +extract rules 1x .*median of 5, sets in turn$" "$TMP/out"
check "ratios" grep -q "^Ratios$" "$TMP/out"
check "rule-count ratio" grep -Eq "^  time rules 4x / rules 1x +[0-9.]+ \(target < 2\)$" "$TMP/out"
check "startup" grep -Eq "^  startup with the shipped rules \(ms\) +[0-9]+ \(target < 50\)$" "$TMP/out"
check "no distinct folder: said" grep -q "distinct: $TMP/none not found, skipped" "$TMP/err"
expect_eq "TSV header" "group	input	tool	mb	docs	wall	cpu	mbps	docsps	rss_mb	status	note" "$(head -1 "$TMP/rows.tsv")"
expect_eq "TSV: a row per table row" "$(grep -Ec '^(load|reuters|size|rules|distinct) ' "$TMP/out")" \
  "$(($(wc -l < "$TMP/rows.tsv") - 1))"
expect_eq "every extract row that ran succeeded (status 0)" "" \
  "$(awk -F'\t' 'NR > 1 && $3 ~ /^extract/ && $11 != "0" && $11 != "skipped"' "$TMP/rows.tsv")"
if command -v rg > /dev/null; then
  check "rg each: finished, with matches" grep -Eq "^reuters +folder 1x +rg each -j1 .* [1-9][0-9]* matches, [0-9]+ patterns, one rg each$" "$TMP/out"
else
  echo "note: ripgrep not installed; the rg rows are not checked"
fi
finish
