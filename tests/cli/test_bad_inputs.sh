#!/bin/bash
# The bad-input matrix (issue 7): each bad input is run between two good
# sample files; the test checks the message on stderr, the exit status, that
# both good files still give their records, and that every output line is
# valid JSON whose fact offsets index the input bytes. Messages: docs/errors.md.
. "$(dirname "$0")/lib.sh"
GOOD1=samples/status-completed.en.txt
GOOD2=samples/arunika-awan.id.txt
B="$TMP/bad"
mkdir -p "$B"

# validate OUT [FILE...]: every line of OUT is a JSON object; for records of
# the FILEs given, every fact's [start, end) lies in the file's bytes and its
# text is those bytes (invalid UTF-8 shown as U+FFFD). Prints problems.
validate() {
  python3 - "$@" <<'PY'
import json, os, sys
out, files = sys.argv[1], sys.argv[2:]
raw = {f: open(f, "rb").read() for f in files if os.path.isfile(f) and os.access(f, os.R_OK)}
for n, line in enumerate(open(out, "rb").read().split(b"\n")[:-1], 1):
    try:
        rec = json.loads(line.decode("utf-8"))
    except Exception as e:
        print(f"line {n}: not valid JSON/UTF-8: {e}"); continue
    if not isinstance(rec, dict):
        print(f"line {n}: not an object"); continue
    data = raw.get(rec.get("source"))
    if data is None or "facts" not in rec:
        continue
    for f in rec["facts"]:
        s, e = f["start"], f["end"]
        if not (0 <= s < e <= len(data)):
            print(f"line {n}: fact {f['rule']} span {s}-{e} outside {len(data)} bytes")
        elif f["text"] != data[s:e].decode("utf-8", errors="replace"):
            print(f"line {n}: fact {f['rule']} text {f['text']!r} != bytes {data[s:e]!r}")
PY
}

# run_case NAME STATUS STDERR_PATTERN BAD [EXTRA_ARGS...]: runs
# `extract EXTRA_ARGS GOOD1 BAD GOOD2`. STDERR_PATTERN is an extended regex
# the stderr must match ("" = stderr must be empty).
run_case() {
  local name=$1 status=$2 pattern=$3 bad=$4
  shift 4
  timeout 300 "$EXTRACT_BIN" "$@" "$GOOD1" "$bad" "$GOOD2" > "$TMP/out" 2> "$TMP/err"
  expect_eq "$name: exit status" "$status" "$?"
  if [ -z "$pattern" ]; then
    expect_eq "$name: nothing on stderr" "" "$(cat "$TMP/err")"
  else
    check "$name: message matching [$pattern], got [$(head -c 300 "$TMP/err")]" grep -Eq -- "$pattern" "$TMP/err"
  fi
  check "$name: no sanitizer or crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|Assertion|terminate called' '$TMP/err'"
  expect_eq "$name: the good input before it is processed" "$GOOD1" \
    "$(head -1 "$TMP/out" | jq -r 'select(.facts | length > 0) | .source')"
  expect_eq "$name: the good input after it is processed" "$GOOD2" \
    "$(tail -1 "$TMP/out" | jq -r 'select(.facts | length > 0) | .source')"
  expect_eq "$name: output lines are valid JSON with true offsets" "" "$(validate "$TMP/out" "$GOOD1" "$GOOD2" "$bad")"
}

# Record of the bad input (the middle line).
middle() { sed -n 2p "$TMP/out"; }

# --- Empty and blank -------------------------------------------------------
: > "$B/empty.txt"
run_case "empty file" 0 "" "$B/empty.txt" -q
expect_eq "empty file: a record with no facts" '[]' "$(middle | jq -c .facts)"
printf ' \n\t\r\n  \n\f\v ' > "$B/blank.txt"
run_case "only whitespace" 0 "" "$B/blank.txt" -q
expect_eq "only whitespace: a record with no facts" '[]' "$(middle | jq -c .facts)"

# --- Binary --------------------------------------------------------------
printf 'Acme paid $5 million\0 on Monday.' > "$B/nul.txt"
run_case "NUL bytes" 2 "^extract: $B/nul.txt: binary file \(NUL byte at offset 20\)$" "$B/nul.txt" -q
expect_eq "NUL bytes: error record" '"binary file (NUL byte at offset 20)"' "$(middle | jq .error)"
python3 -c '
import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + bytes([x * 16 % 256, 0, 200]) * 4 for x in range(4))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' > "$B/picture.png"
run_case "a PNG" 2 "^extract: $B/picture.png: binary file \(NUL byte at offset 8\)$" "$B/picture.png" -q

# --- Encodings -----------------------------------------------------------
# Invalid UTF-8 is processed with a warning; offsets stay byte offsets and the
# text of a fact shows invalid bytes as U+FFFD.
printf 'Overlong \xc0\xaf slash. Acme paid $5 million on March 3, 2024.\n' > "$B/overlong.txt"
run_case "invalid UTF-8: overlong" 0 "^extract: $B/overlong.txt: warning: invalid UTF-8 at byte 9; invalid bytes are shown as U\+FFFD in the output$" "$B/overlong.txt"
expect_eq "overlong: money found after the bad bytes" 5000000 "$(middle | jq '.facts[] | select(.type=="money") | .value.amount')"
printf 'Acme paid $5 million on March 3, 2024. Truncated euro \xe2\x82' > "$B/truncated.txt"
run_case "invalid UTF-8: truncated sequence" 0 "invalid UTF-8 at byte 54;" "$B/truncated.txt"
printf '\x80\x80 lone continuation bytes; Acme paid $\x80 7 and $9 million in 2023 \xbf' > "$B/continuation.txt"
run_case "invalid UTF-8: lone continuation bytes" 0 "invalid UTF-8 at byte 0;" "$B/continuation.txt"
expect_eq "lone continuation: money found" 9000000 "$(middle | jq '.facts[] | select(.type=="money") | .value.amount')"
# A fact whose own text holds an invalid byte: shown as U+FFFD, offsets unchanged.
printf 'Acme Corp\xff said it paid $5 million for it on March 3, 2024.' > "$B/in-fact.txt"
run_case "invalid UTF-8 inside facts" 0 "invalid UTF-8 at byte 9;" "$B/in-fact.txt"
check "invalid UTF-8: U+FFFD in the record, never raw bytes" sh -c "sed -n 2p '$TMP/out' | grep -q '$(printf '\xef\xbf\xbd')' || sed -n 2p '$TMP/out' | jq -e '.facts | length > 0' >/dev/null"

printf '\xff\xfeA\0c\0m\0e\0' > "$B/utf16le.txt"
run_case "UTF-16 with BOM (LE)" 2 "^extract: $B/utf16le.txt: UTF-16 text is not supported \(convert it with: iconv -f UTF-16 -t UTF-8\)$" "$B/utf16le.txt" -q
printf '\xfe\xff\0A\0c\0m\0e' > "$B/utf16be.txt"
run_case "UTF-16 with BOM (BE)" 2 "UTF-16 text is not supported" "$B/utf16be.txt" -q
printf '\xef\xbb\xbfAcme paid $5 million on March 3, 2024.\n' > "$B/utf8bom.txt"
run_case "UTF-8 BOM" 0 "" "$B/utf8bom.txt" -q
expect_eq "UTF-8 BOM: kept, offsets count it" 13 "$(middle | jq '.facts[] | select(.type=="money") | .start')"

# --- Line ends -----------------------------------------------------------
printf 'Acme paid $5 million\r\non March 3, 2024.\r\nKata CEO, "Kami senang."\r\n' > "$B/crlf.txt"
run_case "CRLF line ends" 0 "" "$B/crlf.txt" -q
printf 'Acme paid $5 million\ron March 3, 2024.\rIt closed in May.\r' > "$B/cr.txt"
run_case "lone CR line ends" 0 "" "$B/cr.txt" -q
expect_eq "lone CR: the date across a CR is found" '"2024-03-03"' "$(middle | jq '[.facts[] | select(.type=="date")][0].value.date')"

# --- Size ----------------------------------------------------------------
# A 50 MB single line: processed (under the 64 MiB default), in bounded time.
# Mostly plain words, with a fact every ~4 KB (a line dense with facts is a
# speed matter, see docs/hardening.md).
python3 -c '
import sys
filler = b"the quick brown fox jumps over the lazy dog " * 93
unit = filler + b"Acme paid $5 million on March 3, 2024. "
n = 50 * 1000 * 1000 // len(unit) + 1
sys.stdout.buffer.write((unit * n)[:50 * 1000 * 1000])' > "$B/long-line.txt"
start=$SECONDS
run_case "50 MB single line" 0 "" "$B/long-line.txt" -q
echo "note: 50 MB single line took $((SECONDS - start)) s"
check "50 MB line: its facts are found" test "$(middle | jq '.facts | length')" -gt 10000
# Over --max-size: refused with the limit in the message.
run_case "over --max-size" 2 "^extract: $B/long-line.txt: larger than the maximum document size of 1048576 bytes \(see --max-size\)$" \
  "$B/long-line.txt" -q --max-size 1048576

# 100 000 quotation marks (and other quote characters): no hang.
python3 -c 'import sys; sys.stdout.write("\"" * 100000)' > "$B/quotes.txt"
start=$SECONDS
run_case "100 000 quotation marks" 0 "" "$B/quotes.txt" -q
python3 -c 'import sys; sys.stdout.write(("\u201c" + "kata dia, " * 3 + "\u201d ") * 2000 + "\"\u201c\u00ab" * 2000)' > "$B/curly.txt"
run_case "100 000 mixed quote characters" 0 "" "$B/curly.txt" -q
echo "note: quote cases took $((SECONDS - start)) s"

# --- Paths ---------------------------------------------------------------
run_case "nonexistent path" 2 "^extract: $B/no-such-file.txt: No such file or directory$" "$B/no-such-file.txt" -q
expect_eq "nonexistent path: error record" '"No such file or directory"' "$(middle | jq .error)"

# A directory named like a file is walked as a folder (its files are read).
mkdir -p "$B/article.txt"
cp samples/status-rumored.en.txt "$B/article.txt/inside.txt"
timeout 60 "$EXTRACT_BIN" -q "$GOOD1" "$B/article.txt" "$GOOD2" > "$TMP/out" 2>"$TMP/err"
expect_eq "directory named as a file: status" 0 "$?"
expect_eq "directory named as a file: its file is read" "$GOOD1 $B/article.txt/inside.txt $GOOD2" \
  "$(jq -r .source "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
# An empty one gives no record and no error.
mkdir -p "$B/empty-dir.txt"
timeout 60 "$EXTRACT_BIN" -q "$GOOD1" "$B/empty-dir.txt" "$GOOD2" > "$TMP/out" 2>"$TMP/err"
expect_eq "empty directory named as a file: status" 0 "$?"
expect_eq "empty directory named as a file: two records" 2 "$(wc -l < "$TMP/out")"
# A directory given as standard input.
timeout 60 "$EXTRACT_BIN" - < "$B/article.txt" > "$TMP/out" 2>"$TMP/err"
expect_eq "directory as standard input: status" 2 "$?"
expect_eq "directory as standard input: message" "extract: -: Is a directory" "$(cat "$TMP/err")"
check "directory as standard input: error record" jq -e '.error == "Is a directory"' "$TMP/out"

# An unreadable file. Root reads everything, so as root the case runs as the
# user nobody (setpriv), with copies of the inputs it can read.
cp samples/status-rumored.id.txt "$B/secret.txt"
chmod 000 "$B/secret.txt"
if [ "$(id -u)" -ne 0 ]; then
  run_case "unreadable file" 2 "^extract: $B/secret.txt: Permission denied$" "$B/secret.txt" -q
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$EXTRACT_BIN" 2>/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$EXTRACT_RULES/en" 2>/dev/null; then
  chmod 755 "$TMP" "$B"
  P="$B/perm"; mkdir -p "$P"; cp "$GOOD1" "$GOOD2" "$P/"; chmod 755 "$P"; chmod 644 "$P"/*
  mv "$B/secret.txt" "$P/secret.txt"
  setpriv --reuid=65534 --regid=65534 --clear-groups env EXTRACT_RULES="$EXTRACT_RULES" timeout 60 "$EXTRACT_BIN" -q \
    "$P/$(basename "$GOOD1")" "$P/secret.txt" "$P/$(basename "$GOOD2")" > "$TMP/out" 2>"$TMP/err"
  expect_eq "unreadable file (as nobody): status" 2 "$?"
  expect_eq "unreadable file (as nobody): message" "extract: $P/secret.txt: Permission denied" "$(cat "$TMP/err")"
  expect_eq "unreadable file (as nobody): three records" 3 "$(wc -l < "$TMP/out")"
  expect_eq "unreadable file (as nobody): error record" '"Permission denied"' "$(middle | jq .error)"
  expect_eq "unreadable file (as nobody): last good input processed" true "$(tail -1 "$TMP/out" | jq '.facts | length > 0')"
else
  echo "note: unreadable-file case skipped (running as root without setpriv access for nobody)"
fi

ln -s "$B/nowhere.txt" "$B/dangling.txt"
run_case "dangling symlink" 2 "^extract: $B/dangling.txt: No such file or directory$" "$B/dangling.txt" -q

# A symlink loop inside a folder: the other files of the folder are read.
L="$B/loop"; mkdir -p "$L/sub"
cp samples/status-rumored.en.txt "$L/a.txt"
cp samples/status-rumored.id.txt "$L/sub/z.txt"
ln -s "$L/x" "$L/y"; ln -s "$L/y" "$L/x"        # x -> y -> x
ln -s .. "$L/sub/up"                              # a directory link back up
timeout 60 "$EXTRACT_BIN" -q "$GOOD1" "$L" "$GOOD2" > "$TMP/out" 2>"$TMP/err"
rc=$?
check "symlink loop: exit status 0 or 2, got $rc" test "$rc" -eq 0 -o "$rc" -eq 2
check "symlink loop: the folder's files are read" sh -c "jq -r .source '$TMP/out' | grep -qx '$L/a.txt' && jq -r .source '$TMP/out' | grep -qx '$L/sub/z.txt'"
check "symlink loop: both good inputs processed" sh -c "head -1 '$TMP/out' | jq -e '.source == \"$GOOD1\"' >/dev/null && tail -1 '$TMP/out' | jq -e '.source == \"$GOOD2\"' >/dev/null"
check "symlink loop: the loop is named [$(cat "$TMP/err")]" grep -Eq "$L/[xy]: Too many levels of symbolic links" "$TMP/err"
check "symlink loop: no file read twice" test "$(jq -r .source "$TMP/out" | sort | uniq -d | wc -l)" -eq 0
expect_eq "symlink loop: output is valid JSON" "" "$(validate "$TMP/out")"

# --- Output and standard input --------------------------------------------
# The reader goes away early: quiet exit, status 0.
BIG="$B/big"; mkdir -p "$BIG"
for i in $(seq 1 300); do cp samples/kestrel-lumio.en.txt "$BIG/$i.txt"; done
timeout 120 "$EXTRACT_BIN" "$BIG" 2>"$TMP/err" | head -1 > "$TMP/out"
expect_eq "stdout closed early: status" 0 "${PIPESTATUS[0]}"
check "stdout closed early: first line is a record" jq -e .source "$TMP/out"
check "stdout closed early: no error message, got [$(cat "$TMP/err")]" sh -c "! grep -Eiq 'error|broken pipe|cannot write' '$TMP/err'"
timeout 120 "$EXTRACT_BIN" --format text "$BIG" 2>"$TMP/err" | head -1 > /dev/null
expect_eq "stdout closed early (text format): status" 0 "${PIPESTATUS[0]}"
expect_eq "stdout closed early (text format): quiet" "" "$(grep -Ei 'error|pipe' "$TMP/err")"

# A full disk.
timeout 60 "$EXTRACT_BIN" -q "$GOOD1" "$GOOD2" > /dev/full 2>"$TMP/err"
expect_eq "stdout on a full disk: status" 2 "$?"
expect_eq "stdout on a full disk: message" "extract: cannot write output: No space left on device" "$(cat "$TMP/err")"
if "$EXTRACT_BIN" --help | grep -q -- "--output"; then
  timeout 60 "$EXTRACT_BIN" -q "$GOOD1" "$GOOD2" --output /dev/full 2>"$TMP/err" > "$TMP/out"
  expect_eq "--output /dev/full: status" 2 "$?"
  check "--output /dev/full: message" grep -Eq "^extract: cannot write output: (/dev/full: )?No space left on device$" "$TMP/err"
fi

# Standard input closed.
timeout 60 "$EXTRACT_BIN" - <&- > "$TMP/out" 2>"$TMP/err"
rc=$?
expect_eq "stdin closed: status" 2 "$rc"
expect_eq "stdin closed: message" "extract: -: Bad file descriptor" "$(cat "$TMP/err")"
expect_eq "stdin closed: output is valid JSON" "" "$(validate "$TMP/out")"
# JSON Lines mode reads a closed standard input as empty (status 0, no
# output); see docs/errors.md.
timeout 60 "$EXTRACT_BIN" --input-format jsonl <&- > "$TMP/out" 2>"$TMP/err"
rc=$?
check "stdin closed (jsonl): status 0 or 2, got $rc" test "$rc" -eq 0 -o "$rc" -eq 2
expect_eq "stdin closed (jsonl): output is valid JSON" "" "$(validate "$TMP/out")"

# --- JSON Lines input with bad bytes ---------------------------------------
{
  printf '{"id": 1, "text": "Acme paid $5 million."}\n'
  printf '{"id": 2, "text": "raw invalid \xc0\xaf and \xff bytes, $3 million"}\n'
  printf '{"id": 3, "text": "escaped lone surrogate \\ud800 and NUL \\u0000, $4 million"}\n'
  printf '\0\0\0\n'
  printf '\xef\xbb\xbf{"id": 5, "text": "BOM before the record"}\r\n'
  printf '{"id": 6, "text": "last line without a newline, $6 million"}'
} > "$B/bad.jsonl"
timeout 60 "$EXTRACT_BIN" --input-format jsonl < "$B/bad.jsonl" > "$TMP/out" 2>"$TMP/err"
rc=$?
check "jsonl with bad bytes: status 0 or 2, got $rc" test "$rc" -eq 0 -o "$rc" -eq 2
expect_eq "jsonl with bad bytes: one output line per input line" 6 "$(wc -l < "$TMP/out")"
expect_eq "jsonl with bad bytes: output is valid JSON" "" "$(validate "$TMP/out")"
expect_eq "jsonl: first and last records processed" "5000000 6000000" \
  "$(sed -n '1p;6p' "$TMP/out" | jq -r '.facts[] | select(.type=="money") | .value.amount' | tr '\n' ' ' | sed 's/ $//')"
check "jsonl: no sanitizer or crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|terminate called' '$TMP/err'"
finish
