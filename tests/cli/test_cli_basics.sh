#!/bin/bash
# The command line: help, version, formats, stdin, exit statuses, errors.
. "$(dirname "$0")/lib.sh"
S=samples/arunika-awan.id.txt

out=$("$EXTRACT_BIN" --version); expect_eq "--version" "extract 0.1.0" "$out"
"$EXTRACT_BIN" --help > "$TMP/help"
for opt in --format --rules --lang --date --input-format --color --explain --jobs --max-size --quiet; do
  check "--help mentions $opt" grep -q -- "$opt" "$TMP/help"
done
check "--help has examples" grep -q "Example" "$TMP/help"
check "--help documents exit status" grep -q "Exit status" "$TMP/help"

# Not a terminal: JSON Lines by default, one line per document.
"$EXTRACT_BIN" "$S" samples/kestrel-lumio.en.txt > "$TMP/out.jsonl"
expect_eq "exit status" 0 "$?"
expect_eq "one line per document" 2 "$(wc -l < "$TMP/out.jsonl")"
expect_eq "sources in input order" "$S samples/kestrel-lumio.en.txt" "$(jq -r .source "$TMP/out.jsonl" | tr '\n' ' ' | sed 's/ $//')"

# Standard input, with '-' or with no argument.
expect_eq "stdin '-' equals file" "$(jq -c .facts "$TMP/out.jsonl" | head -1)" "$("$EXTRACT_BIN" - < "$S" | jq -c .facts)"
expect_eq "stdin source name" '"-"' "$("$EXTRACT_BIN" < "$S" | jq .source)"

# --format json is one JSON array; text is readable and has no escapes when NO_COLOR is set.
check "--format json parses" sh -c "'$EXTRACT_BIN' --format json '$S' samples/kestrel-lumio.en.txt | jq -e 'length == 2' >/dev/null"
NO_COLOR=1 "$EXTRACT_BIN" --format text "$S" > "$TMP/text"
check "text view has a Dates section" grep -q "Dates" "$TMP/text"
check "text view: no colour with NO_COLOR" sh -c "! grep -q $'\x1b' '$TMP/text'"
"$EXTRACT_BIN" --format text --color always "$S" > "$TMP/color"
check "text view: colour with --color always" grep -q $'\x1b\[' "$TMP/color"

# --lang and --date override detection.
expect_eq "--lang" '"en"' "$("$EXTRACT_BIN" --lang en "$S" | jq .language)"
expect_eq "--date" '"2020-01-02"' "$("$EXTRACT_BIN" --date 2020-01-02 "$S" | jq .published)"

# Usage errors: exit status 2 and a one-line message.
"$EXTRACT_BIN" --format yaml "$S" >/dev/null 2>"$TMP/err"; expect_eq "bad --format: status" 2 "$?"
check "bad --format: message" grep -q "format" "$TMP/err"
"$EXTRACT_BIN" --date 2025-02-30 "$S" >/dev/null 2>"$TMP/err"; expect_eq "bad --date: status" 2 "$?"

# A missing file: one-line error naming it, an error record, the other files still processed.
"$EXTRACT_BIN" -q "$S" no/such/file.txt samples/kestrel-lumio.en.txt > "$TMP/mixed.jsonl" 2>"$TMP/err"
expect_eq "missing file: status" 2 "$?"
expect_eq "missing file: message" "extract: no/such/file.txt: No such file or directory" "$(cat "$TMP/err")"
expect_eq "missing file: three records" 3 "$(wc -l < "$TMP/mixed.jsonl")"
expect_eq "missing file: error record" '"No such file or directory"' "$(sed -n 2p "$TMP/mixed.jsonl" | jq .error)"

# A binary file is refused with its reason.
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' > "$TMP/image.png"
"$EXTRACT_BIN" "$TMP/image.png" > "$TMP/bin.jsonl" 2>"$TMP/err"; expect_eq "binary: status" 2 "$?"
check "binary: message names the file" grep -q "image.png: binary file (NUL byte at offset 8)" "$TMP/err"

# No facts is still success.
printf 'nothing to see here\n' > "$TMP/plain.txt"
"$EXTRACT_BIN" "$TMP/plain.txt" > "$TMP/none.jsonl"; expect_eq "no facts: status 0" 0 "$?"
expect_eq "no facts: empty list" "[]" "$(jq -c .facts "$TMP/none.jsonl")"

# Determinism: the same bytes whatever the number of threads.
"$EXTRACT_BIN" -j1 samples > "$TMP/j1"; "$EXTRACT_BIN" -j2 samples > "$TMP/j2"; "$EXTRACT_BIN" -j7 samples > "$TMP/j7"
check "-j1 == -j2" cmp -s "$TMP/j1" "$TMP/j2"
check "-j1 == -j7" cmp -s "$TMP/j1" "$TMP/j7"
check "folder walk finds the samples" test "$(grep -c . "$TMP/j1")" -ge 12

# --profile-rules: the same output, and a table of the rules on stderr, slowest first.
"$EXTRACT_BIN" -q -j2 --profile-rules samples/ > "$TMP/prof" 2> "$TMP/prof.err"
expect_eq "--profile-rules exit status" 0 "$?"
check "--profile-rules: output unchanged" cmp -s "$TMP/j1" "$TMP/prof"
check "--profile-rules: header" grep -q "^rule  *scan ms  *documents run on  *with matches  *matches$" "$TMP/prof.err"
check "--profile-rules: the unit's marking has a row" grep -Eq "^unit:DEAL_NAME_U +[0-9.]+ +[0-9]+ / [0-9]+ +[0-9]+ +[0-9]+$" "$TMP/prof.err"
check "--profile-rules: a rule that ran" grep -Eq "^common\.org\.gazetteer +[0-9.]+ +[0-9]+ / [0-9]+ +[1-9][0-9]* +[0-9]+$" "$TMP/prof.err"
check "--profile-rules: total line" grep -Eq "^all rules +[0-9.]+$" "$TMP/prof.err"
check "--profile-rules: slowest first" sh -c "sed -n '2,/^all rules/p' '$TMP/prof.err' | grep -v '^all rules' | awk '{print \$2}' | sort -c -g -r"
# ... then the steps of the run: each a time and a share, the shares adding up
# to about 100%, the steps' total their sum, and the run's wall time.
for step in "language" "scan (the rules above, their set-up)" "values and overlaps" \
            "assembly (entities, quotes, deals)" "records (output)"; do
  check "--profile-rules: step '$step'" grep -Eq "^$(printf '%s' "$step" | sed 's/[()]/\\&/g') +[0-9]+\.[0-9] +[0-9]+\.[0-9]%$" "$TMP/prof.err"
done
check "--profile-rules: the steps' total is their sum" awk '
  /^step +ms +share$/ { on = 1; next }
  on && /%$/ { sum += $(NF - 1) }
  on && /^all steps/ { total = $NF }
  END { exit !(total > 0 && sum - total < 0.3 && total - sum < 0.3) }' "$TMP/prof.err"
check "--profile-rules: the shares add up" awk '
  /^step +ms +share$/ { on = 1; next }
  on && /%$/ { v = $NF; sub(/%/, "", v); sum += v }
  END { exit !(sum > 99.4 && sum < 100.6) }' "$TMP/prof.err"
check "--profile-rules: the scan and the assembly took time" awk '
  /^scan \(/ { s = $(NF - 1) } /^assembly \(/ { a = $(NF - 1) } END { exit !(s > 0 && a > 0) }' "$TMP/prof.err"
check "--profile-rules: wall time" grep -Eq "^wall time, the rules loaded before it +[0-9]+\.[0-9]$" "$TMP/prof.err"
"$EXTRACT_BIN" -q samples/ 2> "$TMP/noprof.err" > /dev/null
check "no table without --profile-rules" sh -c "! grep -q 'scan ms' '$TMP/noprof.err'"
check "no steps without --profile-rules" sh -c "! grep -q '^step ' '$TMP/noprof.err'"
finish
