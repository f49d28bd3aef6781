#!/bin/sh
# Installs the Debian 12 packages extract needs. Usage: scripts/install-deps.sh [--test]
#   (no flag)  build and run: compiler, CMake, RE2, yaml-cpp, fmt, CLI11, nlohmann-json
#   --test     also what the test suite uses: Catch2, jq, Python (evaluation, schema check, Dask recipe),
#              clang with libFuzzer (fuzz/run.sh), GNU time and ripgrep (the benchmark's own test)
# Packages already installed are not touched; nothing is downloaded at build time.
set -eu

BUILD="g++ make cmake pkg-config libre2-dev libyaml-cpp-dev libfmt-dev libcli11-dev nlohmann-json3-dev libgumbo-dev"
TEST="catch2 jq python3 python3-jsonschema python3-yaml python3-distributed dpkg-dev file man-db groff-base sqlite3 bsdextrautils clang libclang-rt-14-dev time ripgrep"

want="$BUILD"
[ "${1:-}" = "--test" ] && want="$BUILD $TEST"

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
