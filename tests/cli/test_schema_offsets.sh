#!/bin/bash
# Real output validates against docs/record.schema.json, and every fact's text
# equals the input bytes at its offsets: on every sample, and on the shared
# corpus when it is present.
. "$(dirname "$0")/lib.sh"
"$EXTRACT_BIN" samples/*.txt > "$TMP/samples.jsonl"
check "samples: exit status 0" test $? -eq 0
check "samples: schema and offsets" python3 tests/cli/check_records.py "$TMP/samples.jsonl" --min-records 12
"$EXTRACT_BIN" --explain samples/kestrel-lumio.en.txt > "$TMP/explain.jsonl"
check "--explain output: schema and offsets" python3 tests/cli/check_records.py "$TMP/explain.jsonl"
if [ -d "$SHARED_CORPUS" ]; then
  "$EXTRACT_BIN" "$SHARED_CORPUS/seed" "$SHARED_CORPUS/id-news" > "$TMP/corpus.jsonl"
  check "seed and id-news: schema and offsets" python3 tests/cli/check_records.py "$TMP/corpus.jsonl" --min-records 30
  ls "$SHARED_CORPUS"/reuters-acq/*.txt | head -400 | xargs "$EXTRACT_BIN" > "$TMP/reuters.jsonl"
  check "reuters (400 files): schema and offsets" python3 tests/cli/check_records.py "$TMP/reuters.jsonl" --min-records 400
  "$EXTRACT_BIN" "$SHARED_CORPUS/seed/xai-hotshot.id.txt" > "$TMP/seed.jsonl"
  expect_eq "seed: language" '"id"' "$(jq .language "$TMP/seed.jsonl")"
  expect_eq "seed: published" '"2025-03-18"' "$(jq .published "$TMP/seed.jsonl")"
else
  echo "note: $SHARED_CORPUS not found; corpus checks skipped"
fi
finish
