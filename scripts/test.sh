#!/bin/sh
# Second command of the README: build and run the whole test suite (unit tests,
# CLI and golden tests, every rule example, and the evaluation gates when the
# shared corpus is beside the checkout).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DEXTRACT_TESTS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"
