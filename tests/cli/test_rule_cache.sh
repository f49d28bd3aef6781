#!/usr/bin/env bash
# Rule-set snapshots (src/rules/snapshot.hpp, docs/performance.md): the first
# run writes one, the next reads it, and both print the same bytes as a run
# without the cache; edited rules get a new snapshot and their new output; a
# damaged snapshot is ignored and written again; --no-cache and an empty
# EXTRACT_CACHE_DIR write none; a cache that cannot be written changes
# nothing; rules with errors leave no snapshot.
source "$(dirname "$0")/lib.sh"

RULES="$TMP/rules"
cp -r "$EXTRACT_RULES" "$RULES"
export EXTRACT_RULES="$RULES" EXTRACT_CACHE_DIR="$TMP/cache" HOME="$TMP/home"
unset XDG_CACHE_HOME
snapshots() { find "$EXTRACT_CACHE_DIR" -name 'rules-*.snapshot' 2>/dev/null | wc -l | tr -d ' '; }
inode() { stat -c %i "$(find "$EXTRACT_CACHE_DIR" -name 'rules-*.snapshot' | head -1)"; }

"$EXTRACT_BIN" -q --no-cache samples/ > "$TMP/plain.jsonl"; rc=$?
expect_eq "plain run exit" 0 "$rc"
expect_eq "--no-cache writes no snapshot" 0 "$(snapshots)"
check "plain run has records" test "$(wc -l < "$TMP/plain.jsonl")" -ge 10

"$EXTRACT_BIN" -q samples/ > "$TMP/first.jsonl"
expect_eq "the first run writes a snapshot" 1 "$(snapshots)"
written=$(inode)
"$EXTRACT_BIN" -q samples/ > "$TMP/second.jsonl"
"$EXTRACT_BIN" -q -j1 samples/ > "$TMP/second-j1.jsonl"
"$EXTRACT_BIN" -q -j2 --format text --color never samples/ > "$TMP/second.txt"
"$EXTRACT_BIN" -q --no-cache -j2 --format text --color never samples/ > "$TMP/plain.txt"
expect_eq "later runs read it (not written again)" "$written" "$(inode)"
check "first run = run without cache" cmp -s "$TMP/plain.jsonl" "$TMP/first.jsonl"
check "run from the snapshot = run without cache" cmp -s "$TMP/plain.jsonl" "$TMP/second.jsonl"
check "-j1 from the snapshot = run without cache" cmp -s "$TMP/plain.jsonl" "$TMP/second-j1.jsonl"
check "text view from the snapshot = without cache" cmp -s "$TMP/plain.txt" "$TMP/second.txt"

# JSON Lines records on standard input, one at a time.
head -c 2000 samples/kestrel-lumio.en.txt | python3 -c 'import json,sys; print(json.dumps({"id": 1, "text": sys.stdin.read()}))' > "$TMP/in.jsonl"
"$EXTRACT_BIN" -q --input-format jsonl < "$TMP/in.jsonl" > "$TMP/rec-cache.jsonl"
"$EXTRACT_BIN" -q --no-cache --input-format jsonl < "$TMP/in.jsonl" > "$TMP/rec-plain.jsonl"
check "a record from the snapshot = without cache" cmp -s "$TMP/rec-plain.jsonl" "$TMP/rec-cache.jsonl"

# A new rule: a new snapshot, and the rule works through it.
printf 'Zorblax Quantics makes widgets.\n' > "$TMP/z.txt"
cat > "$RULES/common/zz-cache-test.yaml" <<'YAML'
rules:
  - id: test.org.zorblax
    type: organization
    pattern: '\b(?P<name>Zorblax Quantics)\b'
    fields: {name: name}
YAML
"$EXTRACT_BIN" -q "$TMP/z.txt" > "$TMP/z1.jsonl"
"$EXTRACT_BIN" -q "$TMP/z.txt" > "$TMP/z2.jsonl"
expect_eq "an edit makes a second snapshot" 2 "$(snapshots)"
check "the new rule finds its name (written run)" grep -q '"Zorblax Quantics"' "$TMP/z1.jsonl"
check "the new rule finds its name (read run)" cmp -s "$TMP/z1.jsonl" "$TMP/z2.jsonl"

# A damaged snapshot: ignored, same output, written again.
for f in "$EXTRACT_CACHE_DIR"/rules-*.snapshot; do head -c 500 "$f" > "$f.cut" && mv "$f.cut" "$f"; done
"$EXTRACT_BIN" -q "$TMP/z.txt" > "$TMP/z3.jsonl"; rc=$?
expect_eq "damaged snapshot: exit" 0 "$rc"
check "damaged snapshot: same output" cmp -s "$TMP/z1.jsonl" "$TMP/z3.jsonl"
check "damaged snapshot: written again" test "$(find "$EXTRACT_CACHE_DIR" -name 'rules-*.snapshot' -size +100k | wc -l)" -ge 1

# Rules with errors: the usual message and exit status, no snapshot.
rm -rf "$EXTRACT_CACHE_DIR"
printf 'rules:\n  - id: test.bad\n    type: organization\n    pattern: "(unclosed"\n' > "$RULES/common/zz-bad.yaml"
"$EXTRACT_BIN" -q "$TMP/z.txt" > /dev/null 2> "$TMP/bad.err"; rc=$?
expect_eq "rule errors: exit 2" 2 "$rc"
check "rule errors: message names the file" grep -q 'zz-bad.yaml:4' "$TMP/bad.err"
expect_eq "rule errors: no snapshot" 0 "$(snapshots)"
rm "$RULES/common/zz-bad.yaml"

# An empty EXTRACT_CACHE_DIR: no cache at all (not even under HOME).
EXTRACT_CACHE_DIR= "$EXTRACT_BIN" -q "$TMP/z.txt" > "$TMP/z4.jsonl"
check "no cache: same output" cmp -s "$TMP/z1.jsonl" "$TMP/z4.jsonl"
check "no cache: nothing under HOME" test ! -e "$HOME/.cache/extract"
# Without EXTRACT_CACHE_DIR: $XDG_CACHE_HOME/extract, else ~/.cache/extract.
(unset EXTRACT_CACHE_DIR; "$EXTRACT_BIN" -q "$TMP/z.txt" > /dev/null)
check "default: under HOME" test -n "$(find "$HOME/.cache/extract" -name 'rules-*.snapshot')"
(unset EXTRACT_CACHE_DIR; XDG_CACHE_HOME="$TMP/xdg" "$EXTRACT_BIN" -q "$TMP/z.txt" > /dev/null)
check "default: under XDG_CACHE_HOME" test -n "$(find "$TMP/xdg/extract" -name 'rules-*.snapshot')"

# A cache that cannot be written: same output, no message.
touch "$TMP/not-a-dir"
EXTRACT_CACHE_DIR="$TMP/not-a-dir/cache" "$EXTRACT_BIN" -q "$TMP/z.txt" > "$TMP/z5.jsonl" 2> "$TMP/z5.err"; rc=$?
expect_eq "unwritable cache: exit" 0 "$rc"
check "unwritable cache: same output" cmp -s "$TMP/z1.jsonl" "$TMP/z5.jsonl"
expect_eq "unwritable cache: no message" "" "$(cat "$TMP/z5.err")"

# rules check and rules test read the YAML files, never a snapshot.
rm -rf "$EXTRACT_CACHE_DIR"
"$EXTRACT_BIN" rules check "$RULES" > /dev/null
expect_eq "rules check writes no snapshot" 0 "$(snapshots)"
finish
