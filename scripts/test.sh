#!/usr/bin/env bash
# `make test`: the container image, then every other test of the default build (ctest runs unit
# first, then the levels that need the shared Kafka+Redis stack), then unit and component tests
# again under ASan+UBSan, then each fuzz target's smoke run.
#
# The ASan and fuzz trees compile at the lowest CPU priority while the default tests run: those
# tests mostly wait on Kafka, Redis and timeouts and leave the cores idle most of the time
# (about 40 % busy over a run on 2 cores), and a niced compiler only takes what they leave.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

if [[ -x scripts/python-env.sh ]]; then
  scripts/python-env.sh >/dev/null
fi

# The image first, alone: its compile runs in the container engine's own cgroup, where nice does
# not reach, so the background build below would take a share of its CPU.
echo "== the container image (alone)"
ctest --preset default -R '^container\.image_build$'

mkdir -p build
background_log=build/test-background-build.log
echo "== building the ASan and fuzz trees in the background (nice 19; log in $background_log)"
# A process group of its own (set -m), so that a red default run, which ends the script here,
# takes the whole build with it. Two compiler jobs: an ASan compile of a unity batch is large.
set -m
(
  export CMAKE_BUILD_PARALLEL_LEVEL=2
  cmake --preset asan >/dev/null
  nice -n 19 cmake --build --preset asan
  nice -n 19 scripts/fuzz.sh build
) >"$background_log" 2>&1 &
background=$!
set +m
trap 'kill -- "-$background" 2>/dev/null || true' EXIT

echo "== tests (default build)"
ctest --preset default -j "${TEST_JOBS:-2}" -E '^container\.image_build$' -FS '^orderflow_image$'

echo "== waiting for the ASan and fuzz trees"
if ! wait "$background"; then
  tail -n 40 "$background_log"
  echo "make test: the ASan or fuzz build failed (whole log: $background_log)"
  exit 1
fi
trap - EXIT
echo "built in the background (done $((SECONDS - start)) s into make test)"

echo "== unit and component tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan -j "${TEST_JOBS:-2}"

# Each libFuzzer target over its committed corpus plus a few seconds of mutation, so that a
# crash that comes back fails here (fuzz/README.md).
echo "== fuzz smoke run (clang-14 libFuzzer tree)"
fuzz_start=$SECONDS
ctest --preset fuzz -j "${TEST_JOBS:-2}"
echo "fuzz smoke run: $((SECONDS - fuzz_start)) s"

echo "make test: all green in $((SECONDS - start)) s"
