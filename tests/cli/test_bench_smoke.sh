#!/bin/bash
# bench/bench.py end to end on a small corpus of our own (the samples, five
# times over): it finishes, prints its table and ratios, writes its rows as
# TSV, measures every extract row it starts without a failure, and (when
# ripgrep is installed) finishes the one-rg-per-rule baseline with matches.
# It asserts nothing about speed: it checks that the benchmark runs.
. "$(dirname "$0")/lib.sh"
# GNU time measures every row (scripts/install-deps.sh --test installs it).
if [ ! -x /usr/bin/time ]; then echo "skipped: /usr/bin/time (Debian package time) not installed"; exit 77; fi

# The median of runs: the run of median wall time, with the median CPU time
# of all (its own median) and the largest peak RSS; and measure()'s CPU
# time is the command's own (a Python loop that spins for 0.3 s of CPU).
expect_eq "median_run: median wall, median CPU, largest RSS" "2 2 3" "$(python3 -c "
import sys; sys.path.insert(0, 'bench'); import bench
r = bench.median_run([{'wall': 1, 'cpu': 5, 'rss_mb': 1, 'status': 0}, {'wall': 2, 'cpu': 1, 'rss_mb': 2, 'status': 0},
                      {'wall': 3, 'cpu': 2, 'rss_mb': 3, 'status': 0}])
print(r['wall'], r['cpu'], r['rss_mb'])")"
expect_eq "measure: the command's CPU time" "ok" "$(python3 -c "
import sys; sys.path.insert(0, 'bench'); import bench
r = bench.measure(['python3', '-c', 'import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass'])
print('ok' if r['status'] == 0 and 0.25 < r['cpu'] < 5 else r)")"

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
check "rule-count rows: the three sets in turn, the median of seven rounds" \
  grep -Eq "^rules +10 docs +extract rules 1x .*median of 7, sets in turn$" "$TMP/out"
# Each rule-count row has its CPU time (the median of the rounds'), shown to
# the millisecond: a number, not "-" nor 0.000.
check "rule-count row: CPU time measured" \
  grep -Eq "^rules +10 docs +extract rules 4x +[0-9.]+ +10 +[0-9]+\.[0-9]{3} +(0\.00[1-9]|0\.0[1-9][0-9]|0\.[1-9][0-9]{2}|[1-9][0-9]*\.[0-9]{3}) " "$TMP/out"
# The large rows (here 16x, the smallest large input): -j1 and -j2 in turn,
# three rounds, the median shown with each round's wall time.
for j in 1 2; do
  check "large row -j$j: the median of three rounds in turn" \
    grep -Eq "^size +large 16x +extract -j$j .*median of 3 in turn \([0-9.]+ [0-9.]+ [0-9.]+ s\)$" "$TMP/out"
done
check "large -j2 speedup" grep -Eq "^  -j2 / -j1 speedup \(large 16x\) +[0-9.]+ \(target >= 1.8\)$" "$TMP/out"
check "ratios" grep -q "^Ratios$" "$TMP/out"
# The steps of a folder run, from --profile-rules: each with its time and share.
check "steps: heading" grep -q "^Steps of a folder run (-j1, one run with --profile-rules" "$TMP/out"
for step in "language" "values and overlaps" "records (output)"; do
  check "steps: $step" grep -Eq "^  $(printf '%s' "$step" | sed 's/[()]/\\&/g') +[0-9]+\.[0-9] ms +[0-9]+\.[0-9]%$" "$TMP/out"
done
check "rule-count ratio" grep -Eq "^  time rules 4x / rules 1x +[0-9.]+ \(target < 2\)$" "$TMP/out"
check "rule-count CPU ratio" grep -Eq "^  CPU time rules 4x / rules 1x +[0-9.]+ *$" "$TMP/out"
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
