#!/bin/bash
# Streaming mode: one output line per input line, in order, with the id; a
# malformed line gives an error record for that line.
. "$(dirname "$0")/lib.sh"
python3 - "$TMP/in.jsonl" <<'PY'
import json, sys
docs = open("samples/arunika-awan.id.txt", encoding="utf-8").read()
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "a1", "text": docs, "published": "2025-03-18", "lang": "id"}) + "\n")
    f.write('{"id": "broken", "text": \n')
    f.write(json.dumps({"id": 7, "text": "Acme paid $5 million on March 3, 2024."}) + "\n")
    f.write(json.dumps({"id": "no-text"}) + "\n")
    f.write(json.dumps({"id": "bad-date", "text": "x", "published": "yesterday"}) + "\n")
    f.write("\n")
    f.write(json.dumps({"id": "last", "text": "Ia membayar Rp 1,5 triliun."}) + "\n")
PY
for j in 1 2; do
  "$EXTRACT_BIN" -j$j --input-format jsonl < "$TMP/in.jsonl" > "$TMP/out$j.jsonl" 2>"$TMP/err"
  expect_eq "-j$j: status (some lines failed)" 2 "$?"
  expect_eq "-j$j: one line out per line in" 7 "$(wc -l < "$TMP/out$j.jsonl")"
done
check "output independent of threads" cmp -s "$TMP/out1.jsonl" "$TMP/out2.jsonl"
expect_eq "ids in order" 'a1 null 7 no-text bad-date null last' "$(jq -r '.id // "null"' "$TMP/out1.jsonl" | tr '\n' ' ' | sed 's/ $//')"
# Line 2 is `{"id": "broken", "text": ` : the value is missing where the line ends.
expect_eq "malformed line: error record, with the column and the parser's reason" \
  '"invalid JSON at column 26: syntax error while parsing value - unexpected end of input; expected '"'"'['"'"', '"'"'{'"'"', or a literal"' \
  "$(sed -n 2p "$TMP/out1.jsonl" | jq .error)"
expect_eq "empty line: error record" '"an empty line is not a JSON record"' "$(sed -n 6p "$TMP/out1.jsonl" | jq .error)"
expect_eq "source names the line" '"-:2"' "$(sed -n 2p "$TMP/out1.jsonl" | jq .source)"
expect_eq "missing text" '"record has no string field \"text\""' "$(sed -n 4p "$TMP/out1.jsonl" | jq .error)"
expect_eq "published from the record" '"2025-03-18"' "$(sed -n 1p "$TMP/out1.jsonl" | jq .published)"
expect_eq "money in record 7" '5000000' "$(sed -n 3p "$TMP/out1.jsonl" | jq '.facts[] | select(.type=="money") | .value.amount')"
check "errors reported on stderr" grep -q -- "-:2: invalid JSON at column 26: " "$TMP/err"
check "empty line reported on stderr" grep -q -- "-:6: an empty line is not a JSON record" "$TMP/err"

# A long string with a raw tab at its end: the parser's reason quotes all of
# it, and is cut (a one-line message) on a character boundary.
python3 -c 'print("{\"text\": \"" + "é" * 400 + "\t\"}")' | "$EXTRACT_BIN" --input-format jsonl > "$TMP/long.jsonl" 2> "$TMP/long.err"
reason=$(jq -r .error "$TMP/long.jsonl")
check "long reason cut with ... ($(echo "$reason" | wc -c) bytes)" test "$(printf '%s' "$reason" | wc -c)" -lt 260
check "long reason ends with ..." grep -q '\.\.\.$' <<< "$reason"
check "long reason is valid UTF-8" python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' <<< "$reason"
check "long reason on stderr is valid UTF-8" python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' < "$TMP/long.err"
# A literal cut inside a character: the reason shows U+FFFD, not a stray byte.
python3 -c 'print("{\"text\": é}")' | "$EXTRACT_BIN" --input-format jsonl > /dev/null 2> "$TMP/cut.err"
check "a reason ending inside a character is valid UTF-8 on stderr" python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' < "$TMP/cut.err"

# Flushed per record: a reader gets the first answer before the input ends.
coproc EX { "$EXTRACT_BIN" --input-format jsonl; }
echo '{"id":"first","text":"It cost $3 million."}' >&"${EX[1]}"
if read -r -t 10 line <&"${EX[0]}"; then
  expect_eq "answer before end of input" '"first"' "$(echo "$line" | jq .id)"
else
  fail "no answer within 10 s while input still open"
fi
exec {EX[1]}>&-
wait
finish
