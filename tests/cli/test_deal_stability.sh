#!/bin/bash
# Deals do not depend on paragraph order: each sample, with its paragraphs
# after the first (the dateline) in reverse order, gives the same deal records
# (evidence indexes aside, as they point into the reordered facts). The
# founding article is checked too when ../shared is present.
. "$(dirname "$0")/lib.sh"
files=(samples/*.txt)
[ -f "$SHARED_CORPUS/seed/xai-hotshot.id.txt" ] && files+=("$SHARED_CORPUS/seed/xai-hotshot.id.txt")
deals() { "$EXTRACT_BIN" "$1" | jq -cS '[.deals[] | del(.evidence)]'; }
for f in "${files[@]}"; do
  python3 - "$f" > "$TMP/reordered.txt" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
paras = [p for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]
sys.stdout.write("\n\n".join([paras[0]] + paras[:0:-1]) + "\n")
PY
  a=$(deals "$f")
  b=$(deals "$TMP/reordered.txt")
  check "$f: at least one deal" test "$a" != "[]"
  expect_eq "$f: same deals with paragraphs reordered" "$a" "$b"
done
finish
