#!/usr/bin/env bash
# --max-matches (RunOptions::max_matches, Scanner::scan_batch): a document
# with more matches of the rules than the limit is read for facts only up to
# where it has at most that many, as if it ended there; the record says so
# (`truncated`), a warning names the file, other documents are untouched, and
# the memory it takes stays bounded. Texts written for this test.
source "$(dirname "$0")/lib.sh"

# A price list: a line of figures, many times over (about 8 matches a line).
python3 - "$TMP/prices.txt" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("Lantern Freight Ltd said on March 3, 2024 that its price list was updated.\n")
    for i in range(4000):
        out.write(f"Item {i}: crate of {i % 90 + 10} lamps, $5.{i % 100:02d} each, up {i % 7}% on 2023.\n")
    # Read from the text itself by the assembly, not by the rules: gone too when cut.
    out.write('"Our lamps sell themselves," said Mira Ostrand, the chief executive of Lantern Freight.\n')
PY
printf 'Acme Corp said on Monday it agreed to buy Widget Works for $12 million.\n' > "$TMP/short.txt"
size=$(wc -c < "$TMP/prices.txt")

"$EXTRACT_BIN" -q --max-matches 0 "$TMP/prices.txt" > "$TMP/all.json"
expect_eq "no limit: exit" 0 "$?"
check "no limit: nothing truncated" jq -e 'has("truncated") | not' "$TMP/all.json"
all_facts=$(jq '.facts | length' "$TMP/all.json")
check "no limit: the list has many facts (got $all_facts)" test "$all_facts" -gt 5000
check "no limit: the quote at the end is found" jq -e 'any(.facts[]; .type == "quote")' "$TMP/all.json"

"$EXTRACT_BIN" -q --max-matches 2000 "$TMP/prices.txt" "$TMP/short.txt" > "$TMP/cut.jsonl" 2> "$TMP/cut.err"
expect_eq "cut: exit 0 (a warning, not an error)" 0 "$?"
head -1 "$TMP/cut.jsonl" > "$TMP/cut.json"
at=$(jq '.truncated.at' "$TMP/cut.json")
check "cut: the record says where (at=$at)" test "$at" -gt 0 -a "$at" -lt "$size"
expect_eq "cut: the record gives the size" "$size" "$(jq '.truncated.size' "$TMP/cut.json")"
limit=$(( size / 64 ))  # more than 2000: one match per 64 bytes of the document
expect_eq "cut: the record gives the limit" "$limit" "$(jq '.truncated.max_matches' "$TMP/cut.json")"
check "cut: it ends after a line break" test "$(head -c "$at" "$TMP/prices.txt" | tail -c 1 | od -An -c | tr -d ' ')" = '\n'
check "cut: no fact ends after it" jq -e --argjson at "$at" 'all(.facts[]; .end <= $at)' "$TMP/cut.json"
check "cut: the quote after it is not read" jq -e 'all(.facts[]; .type != "quote")' "$TMP/cut.json"
cut_facts=$(jq '.facts | length' "$TMP/cut.json")
check "cut: fewer facts ($cut_facts of $all_facts), but some" test "$cut_facts" -gt 100 -a "$cut_facts" -lt "$all_facts"
expect_eq "cut: one warning, naming the file" \
  "extract: $TMP/prices.txt: warning: more than $limit matches of the rules (--max-matches): facts come from its first $at of $size bytes only" \
  "$(cat "$TMP/cut.err")"
expect_eq "cut: the other file is untouched" \
  "$("$EXTRACT_BIN" -q "$TMP/short.txt" | jq -c 'del(.source)')" "$(sed -n 2p "$TMP/cut.jsonl" | jq -c 'del(.source)')"
check "cut: records valid against the schema" python3 tests/cli/check_records.py "$TMP/cut.jsonl" --min-records 2

# As if the document ended there: the record equals that of its prefix alone.
head -c "$at" "$TMP/prices.txt" > "$TMP/prefix.txt"
"$EXTRACT_BIN" -q "$TMP/prefix.txt" > "$TMP/prefix.json"
jq -c 'del(.source)' "$TMP/prefix.json" > "$TMP/prefix.cmp"
jq -c 'del(.source, .truncated)' "$TMP/cut.json" > "$TMP/cut.cmp"
check "cut: the facts, entities and deals of the prefix alone" cmp -s "$TMP/prefix.cmp" "$TMP/cut.cmp"

# The same in every mode: threads, JSON Lines, the text view.
"$EXTRACT_BIN" -q -j1 --max-matches 2000 "$TMP/prices.txt" "$TMP/short.txt" > "$TMP/cut1.jsonl" 2> /dev/null
check "cut: -j1 gives the same bytes as -j2" cmp -s "$TMP/cut.jsonl" "$TMP/cut1.jsonl"
python3 -c 'import json,sys; print(json.dumps({"id": "p", "text": open(sys.argv[1], encoding="utf-8").read()}))' \
  "$TMP/prices.txt" > "$TMP/prices.jsonl"
"$EXTRACT_BIN" -q --max-matches 2000 --input-format jsonl "$TMP/prices.jsonl" > "$TMP/stream.json" 2> "$TMP/stream.err"
expect_eq "JSON Lines: the same cut" "$at" "$(jq '.truncated.at' "$TMP/stream.json")"
check "JSON Lines: the warning names the record" grep -q "prices.jsonl:1: warning: more than $limit matches" "$TMP/stream.err"
"$EXTRACT_BIN" -q -f text --max-matches 2000 "$TMP/prices.txt" > "$TMP/view.txt" 2> /dev/null
"$EXTRACT_BIN" -q -f json --max-matches 2000 "$TMP/prices.txt" > "$TMP/array.json" 2> /dev/null
expect_eq "JSON array: the same record" "$(jq -c . "$TMP/cut.json")" "$(jq -c '.[0]' "$TMP/array.json")"
check "text view: the warning is shown" grep -q "warning: more than $limit matches of the rules" "$TMP/view.txt"

# The default (10000) leaves ordinary articles alone, and bounds a dense one.
"$EXTRACT_BIN" -q samples/ > "$TMP/samples.jsonl"
check "default: no sample is truncated" jq -s -e 'length > 3 and all(.[]; has("truncated") | not)' "$TMP/samples.jsonl"
python3 -c 'print("Acme paid $5 " * 60000)' > "$TMP/dense.txt"
"$EXTRACT_BIN" -q "$TMP/dense.txt" > "$TMP/dense.json" 2> /dev/null
expect_eq "default: a dense text is cut at one match per 64 bytes" "$(( $(wc -c < "$TMP/dense.txt") / 64 ))" "$(jq '.truncated.max_matches' "$TMP/dense.json")"
python3 -c 'print("Acme Corp and Zeta Inc. " * 30000)' > "$TMP/names.txt"
"$EXTRACT_BIN" -q "$TMP/names.txt" > "$TMP/names.json" 2> /dev/null
check "default: a text dense with names is cut too" jq -e '.truncated.at > 0' "$TMP/names.json"
check "default: its two companies are found" jq -e '[.entities[] | select(.type == "organization")] | length == 2' "$TMP/names.json"
# A page of one company name over and over, no punctuation: one run of
# capitalised words before 10,000 legal forms, read as one long name (one
# match). Its prefixes, and the walks back from each legal form over the
# run, once took memory and time that grew with the square of its length
# (1 GB for these 100 KB).
python3 -c 'print("Acme Corp " * 10000)' > "$TMP/page.txt"
"$EXTRACT_BIN" -q "$TMP/page.txt" > "$TMP/page.json"
expect_eq "one long name: exit" 0 "$?"
check "one long name: one organization" jq -e '[.entities[] | select(.type == "organization")] | length == 1' "$TMP/page.json"
check "one long name: the legal-form rule's one match, from the start" \
  jq -e '[.facts[] | select(.rule == "common.org.legal_form")] | length == 1 and .[0].start == 0' "$TMP/page.json"
# The same in capitals: no legal form (they are written "Corp"), but each
# "CORP" is tried as one, and every search from a token of the run fails
# only at its end. A matcher that forgot the states it had tried went
# through them again from each token: more than ten minutes for these
# 100 KB. (The timeout guards against that hang; it measures no speed.)
python3 -c 'print("ACME CORP " * 10000)' > "$TMP/caps.txt"
timeout 300 "$EXTRACT_BIN" -q "$TMP/caps.txt" > "$TMP/caps.json"
expect_eq "a page in capitals: exit" 0 "$?"
check "a page in capitals: no legal-form match" jq -e 'all(.facts[]; .rule != "common.org.legal_form")' "$TMP/caps.json"
# Peak memory is measured only without a sanitizer (ASan's shadow memory
# multiplies it) and where GNU time is installed.
if [ -x /usr/bin/time ] && [ "${EXTRACT_SANITIZED:-0}" != 1 ]; then
  /usr/bin/time -f "%M" -o "$TMP/rss_page" "$EXTRACT_BIN" -q "$TMP/page.txt" > /dev/null 2>&1
  check "one long name: under 64 MB ($(tail -1 "$TMP/rss_page") KiB)" test "$(tail -1 "$TMP/rss_page")" -lt 65536
  /usr/bin/time -f "%M" -o "$TMP/rss_names" "$EXTRACT_BIN" -q "$TMP/names.txt" > /dev/null 2>&1
  check "default: a text dense with names stays under 64 MB ($(tail -1 "$TMP/rss_names") KiB)" test "$(tail -1 "$TMP/rss_names")" -lt 65536
  /usr/bin/time -f "%M" -o "$TMP/rss" "$EXTRACT_BIN" -q "$TMP/dense.txt" > /dev/null 2>&1
  /usr/bin/time -f "%M" -o "$TMP/rss0" "$EXTRACT_BIN" -q --max-matches 0 "$TMP/dense.txt" > /dev/null 2>&1
  rss=$(tail -1 "$TMP/rss"); rss0=$(tail -1 "$TMP/rss0")
  # Memory, not time: about 130 MB without a limit, under 64 MB with it.
  check "default: a dense text stays under 64 MB (${rss} KiB; ${rss0} KiB without a limit)" test "$rss" -lt 65536
  check "without a limit it takes more (${rss0} KiB)" test "$rss0" -gt "$rss"
fi

# A long document of sparse facts is read whole: the limit grows to one
# match per 64 bytes of it (3 MB: about 47,000), over the 10,000 it has.
python3 - "$TMP/long.txt" <<'PY'
import sys
para = ("The harbour board met again to discuss the new quay and the dredging plan, "
        "and its members heard from the engineers about the tides and the silt. " * 6)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    i = 0
    while out.tell() < 3_000_000:
        out.write(f"{para}The tide rose {i % 9 + 2} feet on May {i % 28 + 1}, 2023, said Mira Ostrand.\n\n")
        i += 1
PY
"$EXTRACT_BIN" -q --profile-rules "$TMP/long.txt" > "$TMP/long.json" 2> "$TMP/long.err"
matches=$(awk '/^rule/{r=1; next} /^all rules/{r=0} r && NF >= 5 && $1 !~ /^unit:/ && $1 != "tokens" && $1 != "gate" {s += $NF} END {print s + 0}' "$TMP/long.err")
check "long: more than 10000 matches of the rules (got $matches)" test "$matches" -gt 10000
check "long: read whole" jq -e 'has("truncated") | not' "$TMP/long.json"
check "long: no warning" sh -c "! grep -q 'max-matches' '$TMP/long.err'"
# As dense as news but as long: cut where it has one match per 64 bytes of
# the whole (the limit stays the whole document's for its prefixes).
python3 - "$TMP/newsy.txt" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    i = 0
    while out.tell() < 2_000_000:
        out.write(f"Harbour Lamps Ltd said on May {i % 28 + 1}, 2023 it shipped {i % 90 + 10} lamps worth ${i % 40 + 2} million.\n")
        i += 1
PY
"$EXTRACT_BIN" -q "$TMP/newsy.txt" > "$TMP/newsy.json" 2> /dev/null
limit=$(jq '.truncated.max_matches' "$TMP/newsy.json")
expect_eq "news-dense and long: the limit is one match per 64 bytes" "$(( $(wc -c < "$TMP/newsy.txt") / 64 ))" "$limit"
at=$(jq '.truncated.at' "$TMP/newsy.json")
head -c "$at" "$TMP/newsy.txt" > "$TMP/newsy_prefix.txt"
"$EXTRACT_BIN" -q --profile-rules "$TMP/newsy_prefix.txt" 2> "$TMP/newsy.err" > /dev/null
matches=$(awk '/^rule/{r=1; next} /^all rules/{r=0} r && NF >= 5 && $1 !~ /^unit:/ && $1 != "tokens" && $1 != "gate" {s += $NF} END {print s + 0}' "$TMP/newsy.err")
check "news-dense and long: what is read has more than 10000 matches (got $matches)" test "$matches" -gt 10000
check "news-dense and long: and at most the limit ($limit)" test "$matches" -le "$limit"

"$EXTRACT_BIN" --max-matches lots "$TMP/short.txt" > /dev/null 2> "$TMP/bad.err"
expect_eq "a bad limit: exit 2" 2 "$?"
check "a bad limit: the message names the option" grep -q -- "--max-matches" "$TMP/bad.err"
finish
