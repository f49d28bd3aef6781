#!/bin/bash
# The figures and dates of the founding article (issue 3), read from
# ../shared/corpus when it is there; skipped (77) on a clone without it.
. "$(dirname "$0")/lib.sh"
need_corpus
seed="$SHARED_CORPUS/seed/xai-hotshot.id.txt"
[ -f "$seed" ] || { echo "skipped: $seed not found"; exit 77; }
"$EXTRACT_BIN" --rules "$EXTRACT_RULES" "$seed" > "$TMP/out.json"
expect_eq "extract succeeds" 0 "$?"
expect_eq "publication date from the dateline" '"2025-03-18"' "$(jq -c .published "$TMP/out.json")"

# want TYPE TEXT VALUE: some fact of TYPE with exactly TEXT has exactly VALUE.
want() {
  got=$(jq -c --arg t "$1" --arg x "$2" \
    '[.facts[] | select(.type == $t and .text == $x) | .value] | first // "none"' "$TMP/out.json")
  expect_eq "$1 '$2'" "$3" "$got"
}
want date 'Selasa (18/3/2025)' '{"date":"2025-03-18"}'
want date '30 Maret 2025' '{"date":"2025-03-30"}'
want date 'tahun 2023' '{"date":"2023"}'
want date 'tahun 2024' '{"date":"2024"}'
want date 'September lalu' '{"date":"2024-09"}'
want date 'bulan Januari' '{"date":"2025-01"}'
want date 'tiga bulan kemudian' '{"date":"2024-12","relative_to":"2024-09"}'
want money 'lebih dari $5 miliar' '{"amount":5000000000,"currency":"USD","qualifier":"more_than"}'
want quantity '1280x720 piksel' '{"width":1280,"height":720,"unit":"pixel"}'
want duration 'hingga 10 detik' '{"duration":"PT10S","qualifier":"up_to"}'
want quantity '6 juta klip video' '{"amount":6000000,"unit":"klip video"}'
want quantity '200.000 chip' '{"amount":200000,"unit":"chip"}'
want quantity '100.000 kartu grafis' '{"amount":100000,"unit":"kartu grafis"}'
want quantity '750.000 kaki persegi' '{"amount":750000,"unit":"square_foot"}'
want quantity '1 EB' '{"amount":1,"unit":"exabyte"}'
want number '1 juta' '{"amount":1000000}'
want duration 'empat bulan' '{"duration":"P4M"}'
want duration '2 tahun terakhir' '{"duration":"P2Y","modifier":"last"}'
want quantity '32-bit' '{"amount":32,"unit":"bit"}'
want quantity '16 bit' '{"amount":16,"unit":"bit"}'
want quantity 'ribuan GPU' '{"approximate":true,"magnitude":1000,"unit":"GPU"}'

# Years inside dates are not numbers of their own.
n=$(jq '[.facts[] | select(.type == "number" and (.text | test("^20[0-9][0-9]$")))] | length' "$TMP/out.json")
expect_eq "no year reported as a number" 0 "$n"
finish
