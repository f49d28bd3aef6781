#!/bin/bash
# The recipes in examples/ run and agree with each other and with extract.
. "$(dirname "$0")/lib.sh"
export EXTRACT="$EXTRACT_BIN"
examples/jq/deals-table.sh samples/*.txt > "$TMP/deals.tsv"
expect_eq "jq recipe: status" 0 "$?"
expect_eq "jq recipe: header" "acquirer	target	status	price	currency	source" "$(head -1 "$TMP/deals.tsv")"
n_deals=$("$EXTRACT_BIN" samples/*.txt 2>/dev/null | jq -s '[.[].deals[]] | length')
expect_eq "jq recipe: one row per deal" "$n_deals" "$(($(wc -l < "$TMP/deals.tsv") - 1))"

examples/sqlite/load.sh "$TMP/facts.db" samples/*.txt
expect_eq "sqlite recipe: status" 0 "$?"
expect_eq "sqlite: one record per sample" "$(ls samples/*.txt | wc -l)" "$(sqlite3 "$TMP/facts.db" 'SELECT count(*) FROM records')"
expect_eq "sqlite: deals view agrees with jq" "$n_deals" "$(sqlite3 "$TMP/facts.db" 'SELECT count(*) FROM deals')"
n_facts=$("$EXTRACT_BIN" samples/*.txt 2>/dev/null | jq -s '[.[].facts[]] | length')
expect_eq "sqlite: facts view agrees with jq" "$n_facts" "$(sqlite3 "$TMP/facts.db" 'SELECT count(*) FROM facts')"
check "sqlite: the by-acquirer query runs" sh -c "sqlite3 '$TMP/facts.db' < examples/sqlite/deals-by-acquirer.sql > '$TMP/by.txt'"
if [ "$n_deals" -gt 0 ]; then
  acq=$(sqlite3 "$TMP/facts.db" "SELECT acquirer FROM deals WHERE acquirer IS NOT NULL LIMIT 1")
  expect_eq "sqlite: deals by acquirer '$acq'" \
    "$("$EXTRACT_BIN" samples/*.txt 2>/dev/null | jq -s --arg a "$acq" '[.[].deals[] | select(.acquirer == $a)] | length')" \
    "$(sqlite3 "$TMP/facts.db" "SELECT count(*) FROM deals WHERE acquirer = '$(echo "$acq" | sed "s/'/''/g")'")"
fi
expect_eq "sqlite: money amounts are numbers" "" \
  "$(sqlite3 "$TMP/facts.db" "SELECT typeof(json_extract(value, '\$.amount')) FROM facts WHERE type='money'" | grep -vE '^(integer|real)$')"
finish
