#!/usr/bin/env bash
# `make test`: every test of the default build (ctest runs unit first, then the levels that
# need the shared Kafka+Redis stack), then unit and component tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

if [[ -x scripts/python-env.sh ]]; then
  scripts/python-env.sh >/dev/null
fi

echo "== tests (default build)"
ctest --preset default -j "${TEST_JOBS:-2}"

echo "== unit and component tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j "${TEST_JOBS:-2}"

# Each libFuzzer target over its committed corpus plus a few seconds of mutation, so that a
# crash that comes back fails here (fuzz/README.md).
echo "== fuzz smoke run (clang-14 libFuzzer tree)"
fuzz_start=$SECONDS
scripts/fuzz.sh build
ctest --preset fuzz -j "${TEST_JOBS:-2}"
echo "fuzz smoke run: $((SECONDS - fuzz_start)) s"

echo "make test: all green in $((SECONDS - start)) s"
