#!/bin/bash
# HTML pages that are not UTF-8: decoded from the charset they declare
# (windows-1252 for latin1 labels and when none is declared, iconv for
# others), with a warning; UTF-8 kept whatever the declaration says; offsets
# index the decoded readable text (--dump-text). docs/output.md, "HTML input".
. "$(dirname "$0")/lib.sh"

page() {  # page FILE HEAD-HTML BODY-BYTES (printf format)
  printf "<html><head>%s<title>News</title></head><body><article><p>$3</p></article></body></html>" "$2" > "$TMP/$1"
}

# Declared latin1: read as windows-1252 (0xE9 e-acute, 0xFC u-umlaut).
page latin.html '<meta charset="ISO-8859-1">' 'Acme Corp acquired Caf\xe9 Nova Inc for $5 million in M\xfcnchen.'
"$EXTRACT_BIN" --dump-text "$TMP/latin.html" > "$TMP/latin.txt" 2> "$TMP/err"
check "latin1 page: decoded" grep -q "Acme Corp acquired Café Nova Inc for \$5 million in München." "$TMP/latin.txt"
"$EXTRACT_BIN" "$TMP/latin.html" > "$TMP/latin.jsonl" 2> "$TMP/err"
expect_eq "latin1 page: status 0" 0 "$?"
check "latin1 page: warning" grep -q "^extract: $TMP/latin.html: warning: not UTF-8: read as windows-1252 (declared: iso-8859-1)$" "$TMP/err"
# Offsets index the decoded text, byte for byte.
jq -r '.facts[] | "\(.start) \(.end) \(.text)"' "$TMP/latin.jsonl" | while read -r s e t; do
  [ "$(head -c "$e" "$TMP/latin.txt" | tail -c $((e - s)))" = "$t" ] || echo "offset mismatch: $s $e $t"
done > "$TMP/mismatch"
expect_eq "latin1 page: offsets index the decoded text" "" "$(cat "$TMP/mismatch")"
check "latin1 page: a fact spans a decoded character" grep -q '"text":"München"' "$TMP/latin.jsonl"

# decoded NAME HEAD BODY TEXT WARNING: the page's --dump-text holds the line
# TEXT, and standard error the warning WARNING (a pattern).
decoded() {
  page "$1" "$2" "$3"
  "$EXTRACT_BIN" --dump-text "$TMP/$1" > "$TMP/$1.txt" 2> "$TMP/err"
  check "$1: decoded" grep -qxF "$4" "$TMP/$1.txt"
  check "$1: warning" grep -q "^extract: $TMP/$1: warning: $5" "$TMP/err"
}
# No charset declared: windows-1252, whose 0x80-0x9F are punctuation (euro, curly quotes).
decoded plain.htm '' 'Prices in \x80: \x93quoted\x94 here.' 'Prices in €: “quoted” here.' \
  'not UTF-8 and no charset declared: read as windows-1252$'
# Another declared charset, through iconv: KOI8-R in a Content-Type meta.
decoded koi.html '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">' \
  'Acme Corp \xf0\xd2\xc9\xd7\xc5\xd4.' 'Acme Corp Привет.' 'not UTF-8: read as koi8-r (declared)$'
# A charset with several characters per byte (TSCII, in glibc's gconv):
# 0x82 is four characters, 12 bytes of UTF-8, so 100 of them outgrow the
# conversion's first buffer (twice the page's size), which must grow.
decoded tscii.html '<meta charset="TSCII">' "$(printf '%.0s\\x82' $(seq 1 100))" \
  "$(printf '%.0sஸ்ரீ' $(seq 1 100))" 'not UTF-8: read as tscii (declared)$'
# A charset nobody knows: U+FFFD for the bytes that are not UTF-8, and a warning.
decoded unknown.html '<meta charset="x-no-such-charset">' 'Caf\xe9.' 'Caf�.' \
  'declares charset x-no-such-charset, which cannot be read here'

# UTF-8 bytes under a latin1 declaration: kept as UTF-8, no warning.
page mislabeled.html '<meta charset="iso-8859-1">' 'Caf\xc3\xa9 Nova.'
"$EXTRACT_BIN" --dump-text "$TMP/mislabeled.html" > "$TMP/mislabeled.txt" 2> "$TMP/err"
check "valid UTF-8 kept whatever is declared" grep -q "Café Nova." "$TMP/mislabeled.txt"
expect_eq "valid UTF-8: no warning" "" "$(cat "$TMP/err")"

# Declared UTF-8 with an invalid byte: reported, as for a text file.
page bad.html '<meta charset="utf-8">' 'Caf\xe9 Nova.'
"$EXTRACT_BIN" "$TMP/bad.html" > /dev/null 2> "$TMP/err"
check "declared UTF-8, invalid byte: warning" grep -q "warning: invalid UTF-8 at byte [0-9]* of the file; invalid bytes are shown as U+FFFD in the output$" "$TMP/err"

# A text file is never re-decoded.
printf 'Caf\xe9 Nova.\n' > "$TMP/latin.txt.in"
cp "$TMP/latin.txt.in" "$TMP/plain-text.txt"
"$EXTRACT_BIN" "$TMP/plain-text.txt" > /dev/null 2> "$TMP/err"
check "text file: invalid UTF-8 reported, not decoded" grep -q "warning: invalid UTF-8 at byte 3;" "$TMP/err"
finish
