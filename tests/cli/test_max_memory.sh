#!/usr/bin/env bash
# --max-memory (Scanner::set_memory_limit, docs/performance.md "A memory
# limit" and "An automatic memory limit"): over the limit the rules' automata
# are dropped and built again, once a generation has scanned 4 MiB; the
# output is byte-identical to a run without a limit, with one thread or two.
# By default (auto) the limit is set after 6 MiB of text. The input: the
# samples repeated into 7 MB of JSON Lines.
source "$(dirname "$0")/lib.sh"

python3 - "$TMP/in.jsonl" samples/*.txt <<'PY'
import json, sys
texts = [open(p, encoding="utf-8").read() for p in sys.argv[2:]]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    n, size = 0, 0
    while size < 7_000_000:
        line = json.dumps({"id": n, "text": texts[n % len(texts)]}) + "\n"
        out.write(line)
        n, size = n + 1, size + len(line)
PY
check "input of 7 MB" test "$(wc -c < "$TMP/in.jsonl")" -ge 7000000

"$EXTRACT_BIN" -q -j2 --max-memory 0 --input-format jsonl "$TMP/in.jsonl" > "$TMP/plain.jsonl"
expect_eq "no limit: exit" 0 "$?"
"$EXTRACT_BIN" -q -j2 --max-memory 1 --profile-rules --input-format jsonl "$TMP/in.jsonl" > "$TMP/j2.jsonl" 2> "$TMP/j2.err"
expect_eq "--max-memory 1 -j2: exit" 0 "$?"
check "--max-memory 1 -j2: same output" cmp -s "$TMP/plain.jsonl" "$TMP/j2.jsonl"
check "--max-memory 1 -j2: the automata were rebuilt" grep -Eq "^automata rebuilt for --max-memory: [1-9][0-9]*$" "$TMP/j2.err"
"$EXTRACT_BIN" -q -j1 --max-memory 1 --profile-rules --input-format jsonl "$TMP/in.jsonl" > "$TMP/j1.jsonl" 2> "$TMP/j1.err"
check "--max-memory 1 -j1: same output" cmp -s "$TMP/plain.jsonl" "$TMP/j1.jsonl"
check "--max-memory 1 -j1: the automata were rebuilt" grep -Eq "^automata rebuilt for --max-memory: [1-9][0-9]*$" "$TMP/j1.err"
"$EXTRACT_BIN" -q --profile-rules samples/ > /dev/null 2> "$TMP/small.err"
check "the default limit: nothing rebuilt on the samples" grep -q "^automata rebuilt for --max-memory: 0$" "$TMP/small.err"
check "the default limit: none set under 6 MiB of text" grep -q "^memory limit: none (auto)$" "$TMP/small.err"
"$EXTRACT_BIN" -q -j2 --profile-rules --input-format jsonl "$TMP/in.jsonl" > "$TMP/auto.jsonl" 2> "$TMP/auto.err"
expect_eq "the default limit: exit" 0 "$?"
check "the default limit: same output" cmp -s "$TMP/plain.jsonl" "$TMP/auto.jsonl"
check "the default limit: set from the heap after 6 MiB" grep -Eq "^memory limit: [1-9][0-9]*\.[0-9] MB \(auto\)$" "$TMP/auto.err"
"$EXTRACT_BIN" -q --max-memory auto --profile-rules samples/ > /dev/null 2> "$TMP/auto_small.err"
expect_eq "--max-memory auto is the default" "$(tail -2 "$TMP/small.err")" "$(tail -2 "$TMP/auto_small.err")"
"$EXTRACT_BIN" -q --max-memory 0 --profile-rules samples/ > /dev/null 2> "$TMP/none.err"
check "--max-memory 0: no limit" grep -q "^memory limit: none$" "$TMP/none.err"
check "a bad limit is refused" sh -c "! '$EXTRACT_BIN' --max-memory lots samples/ > /dev/null 2>&1"
"$EXTRACT_BIN" --max-memory 2000000 samples/ > /dev/null 2> "$TMP/bad.err"
expect_eq "too large a limit: exit" 2 "$?"
check "too large a limit: the message says what is accepted" \
  grep -q "^extract: --max-memory: '2000000' is neither 'auto' nor a number of MB up to 1048576 (0: no limit)$" "$TMP/bad.err"
finish
