#!/bin/bash
# The Dask recipe (examples/dask/): a real scheduler and two worker processes on
# loopback, a generated corpus of a few thousand documents cut into partitions,
# each piped through `extract --input-format jsonl`; the gathered result must be
# byte-identical to a single-process run. Skipped (77) without python3-distributed.
# EXTRACT_DASK_DOCS sets the corpus size (default 3000).
. "$(dirname "$0")/lib.sh"

PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import distributed' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  echo "skipped: no python3 with the 'distributed' module (apt-get install python3-distributed)"
  exit 77
fi

DOCS=${EXTRACT_DASK_DOCS:-3000}
RECIPE="$EXTRACT_SOURCE_DIR/examples/dask"
"$PY" "$RECIPE/make_corpus.py" --docs "$DOCS" --sentences 1-2 --seed 11 > "$TMP/gen.jsonl"
# One malformed line in the middle: an error record in place, in both runs.
{ head -n $((DOCS / 2)) "$TMP/gen.jsonl"; echo '{"id": "broken", "text": '; tail -n +$((DOCS / 2 + 1)) "$TMP/gen.jsonl"; } > "$TMP/docs.jsonl"
lines=$((DOCS + 1))

"$EXTRACT_BIN" -q -j1 --input-format jsonl "$TMP/docs.jsonl" > "$TMP/single.jsonl" 2>"$TMP/single.err"
expect_eq "single process: status 2 (one malformed line)" 2 "$?"

# The recipe's cluster runs from a temporary folder under $TMP, so any process
# it leaves behind can be found by that path.
TMPDIR="$TMP" timeout 300 "$PY" "$RECIPE/extract_dask.py" --input "$TMP/docs.jsonl" --output "$TMP/cluster.jsonl" \
  --extract "$EXTRACT_BIN" --rules "$EXTRACT_RULES" --workers 2 --partitions 4 --timeout 240 \
  --keep-logs "$TMP/logs" 2>"$TMP/dask.err"
status=$?
expect_eq "recipe: status 2 (one malformed line)" 2 "$status"
[ "$status" = 2 ] || { cat "$TMP/dask.err" >&2; tail -n 20 "$TMP"/logs/*.log >&2 2>/dev/null; }

expect_eq "one output line per input line" "$lines" "$(wc -l < "$TMP/cluster.jsonl" 2>/dev/null)"
check "cluster result byte-identical to the single-process run" cmp "$TMP/single.jsonl" "$TMP/cluster.jsonl"
expect_eq "error record in place" '"broken-line"' \
  "$(sed -n "$((DOCS / 2 + 1))p" "$TMP/cluster.jsonl" | jq 'if .error then "broken-line" else .id end')"
expect_eq "ids in input order" "doc-000000 doc-$(printf %06d $((DOCS - 1)))" \
  "$(jq -r '.id // empty' "$TMP/cluster.jsonl" | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "two workers" 2 "$(grep -c 'extract_dask: worker tcp://127.0.0.1:' "$TMP/dask.err")"
check "both workers got partitions" sh -c "! grep -q ': 0 partitions' '$TMP/dask.err'"
check "no output temporary left" sh -c "! ls -A '$TMP' | grep -q '^\.extract-dask-'"

# The cluster is gone: no process still runs from the recipe's folder.
sleep 1
if pgrep -f "$TMP/extract-dask-" >/dev/null; then
  fail "cluster processes left behind: $(pgrep -af "$TMP/extract-dask-")"
else
  pass
fi
finish
