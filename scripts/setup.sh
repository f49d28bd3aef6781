#!/bin/sh
# First command of the README: install dependencies, build a Release binary,
# and run it on a bundled sample.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEXTRACT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
echo
./build/extract --format text --color never samples/arunika-awan.id.txt
