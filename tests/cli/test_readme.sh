#!/bin/bash
# README.md shows real output: every block introduced by
# <!-- README-OUTPUT: COMMAND --> must equal what COMMAND prints, run with
# `extract` on the PATH in a scratch folder that links samples/ and examples/.
. "$(dirname "$0")/lib.sh"
command -v column >/dev/null || { echo "skipped: column (bsdextrautils) not installed"; exit 77; }
ln -s "$EXTRACT_SOURCE_DIR/samples" "$EXTRACT_SOURCE_DIR/examples" "$TMP/"
mkdir "$TMP/bin"
ln -s "$EXTRACT_BIN" "$TMP/bin/extract"
python3 - "$EXTRACT_SOURCE_DIR/README.md" "$TMP/blocks" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
os.makedirs(sys.argv[2])
blocks = re.findall(r"<!-- README-OUTPUT: (.*?) -->\n```text\n(.*?)```\n", text, re.S)
for i, (cmd, out) in enumerate(blocks):
    open(f"{sys.argv[2]}/{i}.cmd", "w").write(cmd)
    open(f"{sys.argv[2]}/{i}.out", "w").write(out)
PY
n=0
for cmdfile in "$TMP"/blocks/*.cmd; do
  n=$((n + 1))
  cmd=$(cat "$cmdfile")
  (cd "$TMP" && PATH="$TMP/bin:$PATH" bash -c "$cmd") > "$TMP/actual" 2>"$TMP/err"
  if diff -u "${cmdfile%.cmd}.out" "$TMP/actual" > "$TMP/diff"; then pass; else
    fail "README block '$cmd' differs from its real output"
    head -30 "$TMP/diff" >&2
  fi
  rm -f "$TMP/facts.db"
done
expect_eq "README has its three output blocks" 3 "$n"
finish
