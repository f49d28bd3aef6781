#!/bin/bash
# Runs a libFuzzer target for a while. Usage:
#   fuzz/run.sh TARGET SECONDS     TARGET: extract, rules, jsonl, normalize, literals, snapshot,
#                                  word_list, html, tokens, class_sequence
#   fuzz/run.sh all SECONDS        every target, one after the other
#                                  (FUZZ_JOBS=2 runs two at a time)
#   FUZZ_NO_BUILD=1 uses the binaries already in build-fuzz as they are.
#   fuzz/run.sh list               the target names
# Builds build-fuzz (clang, -DEXTRACT_FUZZ=ON) when needed. Seeds: fuzz/seeds/
# (our own small inputs) plus, made at run time, the samples, the rule files
# and the broken-rule fixtures. The growing corpus is kept in
# build-fuzz/corpus/TARGET; a crash is saved in build-fuzz/artifacts/ and the
# script exits 1. Reproduce one with: build-fuzz/fuzz/fuzz_TARGET ARTIFACT_FILE
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
TARGETS="extract rules jsonl normalize literals snapshot word_list html tokens class_sequence"
CXX_FUZZ=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then echo "$TARGETS"; exit 0; fi
[ $# -eq 2 ] || usage
WHAT=$1
SECONDS_EACH=$2
case "$SECONDS_EACH" in ''|*[!0-9]*) usage ;; esac
if [ "$WHAT" = all ]; then
  SELECTED=$TARGETS
else
  case " $TARGETS " in *" $WHAT "*) SELECTED=$WHAT ;; *) echo "fuzz/run.sh: unknown target '$WHAT' (known: $TARGETS)" >&2; exit 2 ;; esac
fi

if [ -z "$CXX_FUZZ" ]; then
  echo "fuzz/run.sh: clang++ not found (scripts/install-deps.sh --test installs clang and libclang-rt-14-dev)" >&2
  exit 2
fi

build() {
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX_FUZZ" \
      -DEXTRACT_FUZZ=ON -DEXTRACT_TESTS=OFF >/dev/null || return 1
  else
    cmake -S "$ROOT" -B "$BUILD" >/dev/null || return 1  # a target added since it was made
  fi
  local t targets=""
  for t in $SELECTED; do targets="$targets --target fuzz_$t"; done
  # shellcheck disable=SC2086
  cmake --build "$BUILD" -j"$(nproc)" $targets >"$BUILD/build.log" 2>&1 || { tail -30 "$BUILD/build.log" >&2; return 1; }
}

# Seeds made at run time from files in the repository (never committed copies).
make_seeds() {
  local t=$1 dir=$BUILD/seeds/$t
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$ROOT"/fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null
  case $t in
    extract)
      cp "$ROOT"/samples/*.txt "$dir"/ 2>/dev/null ;;
    html)
      # The samples as pages, in UTF-8 and re-encoded to latin1 where they can be.
      local f i=0
      for f in "$ROOT"/samples/*.txt; do
        i=$((i + 1))
        { printf '<html><head><title>%s</title></head><body><p>' "$i"; cat "$f"; printf '</p></body></html>'; } > "$dir/sample-$i.html"
        iconv -f UTF-8 -t ISO-8859-1 "$dir/sample-$i.html" > "$dir/sample-$i-latin1.html" 2>/dev/null || rm -f "$dir/sample-$i-latin1.html"
      done ;;
    rules)
      local f i=0
      while IFS= read -r f; do
        i=$((i + 1)); cp "$f" "$dir/rule-$i.yaml"
      done < <(find "$ROOT/rules" "$ROOT/tests/fixtures/broken-rules" -name '*.yaml' -size -64k | sort) ;;
    snapshot)
      # Snapshots of the small rule files that load alone without errors.
      local f i=0
      while IFS= read -r f; do
        i=$((i + 1))
        FUZZ_SNAPSHOT_SEED_RULES=$f FUZZ_SNAPSHOT_SEED_OUT=$dir/snapshot-$i "$BUILD/fuzz/fuzz_snapshot" >/dev/null 2>&1
      done < <(find "$ROOT/rules" "$ROOT/tests/fixtures" "$ROOT/fuzz/seeds/rules" -name '*.yaml' -size -32k | sort)
      find "$dir" -empty -delete ;;
    jsonl)
      python3 - "$dir" "$ROOT"/samples/*.txt <<'EOF'
import json, sys, os
out = sys.argv[1]
for i, path in enumerate(sys.argv[2:]):
    text = open(path, encoding="utf-8", errors="replace").read()
    rec = {"id": i, "text": text, "published": "2025-03-18"}
    if i % 2: rec["lang"] = "en" if ".en." in path else "id"
    with open(os.path.join(out, f"sample-{i}.jsonl"), "w") as f:
        f.write(json.dumps(rec, ensure_ascii=bool(i % 3 == 0)))
EOF
      ;;
  esac
}

run_one() {
  local t=$1 secs=$2
  local corpus=$BUILD/corpus/$t art=$BUILD/artifacts log=$BUILD/logs/$t.log
  mkdir -p "$corpus" "$art" "$BUILD/logs"
  make_seeds "$t"
  local dict=() extra=()
  [ -f "$ROOT/fuzz/dicts/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dicts/$t.dict")
  # Whole documents and rule files are larger than libFuzzer's default 4 KiB.
  case $t in
    extract) extra=(-max_len=16384) ;;
    rules) extra=(-max_len=8192) ;;
    snapshot) extra=(-max_len=65536) ;;
  esac
  local start=$SECONDS rc
  "$BUILD/fuzz/fuzz_$t" "${dict[@]}" "${extra[@]}" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-30}" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -print_final_stats=1 -artifact_prefix="$art/$t-" \
    "$corpus" "$BUILD/seeds/$t" >"$log" 2>&1
  rc=$?
  local runs cov
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ok, ${runs:-?} runs in $((SECONDS - start)) s, coverage ${cov:-?}, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "fuzz $t: FAILED (status $rc) after $((SECONDS - start)) s; log $log:" >&2
    grep -E 'ERROR|fuzz check failed|runtime error|Test unit written|SUMMARY' "$log" | head -20 >&2
    return 1
  fi
}

if [ "${FUZZ_NO_BUILD:-0}" = 1 ]; then
  for t in $SELECTED; do [ -x "$BUILD/fuzz/fuzz_$t" ] || { echo "fuzz/run.sh: $BUILD/fuzz/fuzz_$t not built" >&2; exit 2; }; done
else
  build || { echo "fuzz/run.sh: build failed" >&2; exit 2; }
fi
failed=0
if [ "${FUZZ_JOBS:-1}" -gt 1 ] && [ "$WHAT" = all ]; then
  pids=()
  running=0
  for t in $SELECTED; do
    run_one "$t" "$SECONDS_EACH" &
    pids+=($!)
    running=$((running + 1))
    if [ $running -ge "$FUZZ_JOBS" ]; then wait -n || failed=1; running=$((running - 1)); fi
  done
  while [ $running -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
else
  for t in $SELECTED; do run_one "$t" "$SECONDS_EACH" || failed=1; done
fi
exit $failed
