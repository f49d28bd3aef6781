#!/bin/bash
# Streaming mode answers each record as soon as it arrives: a caller that
# writes one line and waits for its answer before writing the next (a
# coprocess) is served, with one thread or several, although documents read
# from files and queued input are processed in chunks.
. "$(dirname "$0")/lib.sh"
for j in 1 2; do
  out=$(python3 - "$EXTRACT_BIN" "$j" <<'PY'
import json, select, subprocess, sys
p = subprocess.Popen([sys.argv[1], "-j", sys.argv[2], "--input-format", "jsonl"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
answers = []
for i, text in enumerate(["Tamsin Labs paid $3 million for a patent.", "Nothing to see here.",
                          "Orlo Corp agreed to acquire Brindle Inc for $40 million."]):
    p.stdin.write((json.dumps({"id": i, "text": text}) + "\n").encode())
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], 30)
    if not ready:
        answers.append("timeout")
        break
    answers.append(str(json.loads(p.stdout.readline())["id"]))
p.stdin.close()
rest = p.stdout.read()
p.wait()
print(" ".join(answers) + (" extra" if rest.strip() else ""))
PY
)
  expect_eq "-j$j: each record answered before the next is written" "0 1 2" "$out"
done
finish
