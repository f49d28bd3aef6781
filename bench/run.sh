#!/bin/sh
# Benchmark of extract: throughput, peak RSS, rule-set load time, scaling with corpus
# size and rule count, against `cat` and ripgrep baselines, in one run.
#
# Usage: bench/run.sh [--extract BIN] [--rules DIR] [--budget SECONDS] [--large-mb 100] [--large-rounds 3]
#                     [--rules-docs N] [--rules-rounds N] [--repeat-under SECONDS] [--tsv FILE]
#   (see bench/bench.py --help; defaults: the newest build-*/extract, rules/, budget 900 s)
# Reads ../shared/corpus/reuters-acq relative to the repository and exits 0 with a
# message when it is absent. Generated corpora live in a temporary folder removed
# at the end. Not part of the test suite: it asserts nothing, it measures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

# Install step: ripgrep (Debian package `ripgrep`) for the regex baseline, GNU time
# for peak RSS. Only attempted when missing; the bench goes on without rg if it fails.
missing=""
command -v rg >/dev/null 2>&1 || missing="$missing ripgrep"
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
  echo "bench: installing:$missing" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # shellcheck disable=SC2086
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; } ||
    echo "bench: could not install$missing; going on without" >&2
fi

corpus="$repo/../shared/corpus/reuters-acq"
if [ ! -d "$corpus" ]; then
  echo "bench: skipped: $corpus not found (the benchmark reads the Reuters acquisitions corpus there)"
  exit 0
fi
exec python3 "$here/bench.py" --repo "$repo" --corpus "$corpus" "$@"
