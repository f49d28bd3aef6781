#!/bin/bash
# CSV and TSV output read back with a real CSV parser; --types; --pretty;
# `extract schema`; the man page and completions cover every option of --help.
. "$(dirname "$0")/lib.sh"
"$EXTRACT_BIN" --format csv samples/*.txt > "$TMP/out.csv"
"$EXTRACT_BIN" samples/*.txt > "$TMP/out.jsonl"
python3 - "$TMP/out.csv" "$TMP/out.jsonl" <<'PY' > "$TMP/csvcheck" 2>&1
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
recs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
facts = [(r["source"], f) for r in recs for f in r["facts"]]
deals = sum(len(r["deals"]) for r in recs)
fact_rows = [r for r in rows if r["type"] != "deal"]
assert len(fact_rows) == len(facts), (len(fact_rows), len(facts))
assert len(rows) - len(fact_rows) == deals
for row, (src, f) in zip(fact_rows, facts):
    assert row["source"] == src and row["type"] == f["type"] and row["text"] == f["text"], (row, f)
    assert int(row["start"]) == f["start"] and int(row["end"]) == f["end"]
    assert json.loads(row["value"]) == f["value"]
print("ok", len(rows))
PY
check "CSV reads back with Python's csv module: $(cat "$TMP/csvcheck" | tail -1)" grep -q '^ok' "$TMP/csvcheck"

# Quoting: a quote, a comma and a newline inside a fact's text.
printf 'It paid "$5\nmillion", for it.\n' > "$TMP/q.txt"
"$EXTRACT_BIN" --format csv --types money "$TMP/q.txt" > "$TMP/q.csv"
check "CSV quotes embedded newlines" python3 -c "
import csv,sys
rows=list(csv.DictReader(open('$TMP/q.csv',newline='')))
assert rows[0]['text']=='\$5\nmillion', rows"
"$EXTRACT_BIN" --format tsv --types money "$TMP/q.txt" > "$TMP/q.tsv"
expect_eq "TSV escapes newlines" '$5\nmillion' "$(sed -n 2p "$TMP/q.tsv" | cut -f4)"
expect_eq "TSV: one line per row" 2 "$(wc -l < "$TMP/q.tsv")"

# --types keeps only the kinds asked for.
types=$("$EXTRACT_BIN" --types money,date samples/kestrel-lumio.en.txt | jq -r '[.facts[].type] | unique | join(",")')
expect_eq "--types money,date" "date,money" "$types"
expect_eq "--types without deal drops deals" "0" "$("$EXTRACT_BIN" --types money samples/kestrel-lumio.en.txt | jq '.deals | length')"
"$EXTRACT_BIN" --types money,monies samples/kestrel-lumio.en.txt > "$TMP/types.out" 2> "$TMP/types.err"
expect_eq "--types with an unknown kind: status 2" 2 "$?"
expect_eq "--types with an unknown kind: no output" "" "$(cat "$TMP/types.out")"
check "--types with an unknown kind: says which, and the known ones" \
  grep -q "^extract: --types: unknown kind 'monies' (known: date, money, .*, deal)$" "$TMP/types.err"
"$EXTRACT_BIN" --types ignore samples/kestrel-lumio.en.txt > /dev/null 2>&1
expect_eq "--types: an internal type (ignore) is no kind of output" 2 "$?"
expect_eq "--types deals (plural) is accepted" 0 "$("$EXTRACT_BIN" --types deals samples/kestrel-lumio.en.txt > /dev/null; echo $?)"

# --pretty indents; the JSON is the same.
check "--pretty is indented" sh -c "'$EXTRACT_BIN' --pretty samples/kestrel-lumio.en.txt | head -2 | tail -1 | grep -q '^  '"
expect_eq "--pretty: same JSON" "$("$EXTRACT_BIN" samples/kestrel-lumio.en.txt | jq -cS .)" \
  "$("$EXTRACT_BIN" --pretty samples/kestrel-lumio.en.txt | jq -cS .)"

# extract schema prints the schema file.
"$EXTRACT_BIN" schema > "$TMP/schema.json"
check "extract schema == docs/record.schema.json" cmp -s "$TMP/schema.json" docs/record.schema.json

# Every option of --help is in the man page and in each completion script.
"$EXTRACT_BIN" man > "$TMP/extract.1"
"$EXTRACT_BIN" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u > "$TMP/options"
check "options found in --help" test "$(wc -l < "$TMP/options")" -ge 15
while read -r opt; do
  esc=$(echo "$opt" | sed 's/-/\\\\-/g')
  check "man page documents $opt" grep -q -- "$esc" "$TMP/extract.1"
  for sh in bash zsh fish; do
    "$EXTRACT_BIN" completions "$sh" > "$TMP/comp.$sh"
    name=${opt#--}
    check "$sh completion offers $opt" grep -Eq -- "--$name|-l $name\b" "$TMP/comp.$sh"
  done
done < "$TMP/options"
check "man page renders" sh -c "man -l '$TMP/extract.1' 2>/dev/null | grep -q 'EXIT STATUS'"
check "man page lists the rules commands" grep -q 'extract rules check' "$TMP/extract.1"
check "bash completion is valid bash" bash -n "$TMP/comp.bash"
if command -v zsh >/dev/null; then check "zsh completion parses" zsh -n "$TMP/comp.zsh"; fi
if command -v fish >/dev/null; then check "fish completion parses" fish -n "$TMP/comp.fish"; fi
finish
