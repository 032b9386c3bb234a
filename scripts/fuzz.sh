#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (see fuzz/README.md), built in build/fuzz by the `fuzz` preset.
#   scripts/fuzz.sh [run] [TARGET...]   `make fuzz`: build, then fuzz each target for FUZZ_SECONDS
#                                       (default 300), crashes kept under build/fuzz/crashes/<t>/;
#                                       prints execs, coverage, seconds and crashes per target.
#   scripts/fuzz.sh build               configure and build the fuzz tree only
#   scripts/fuzz.sh smoke T BIN SECS    (ctest, label fuzz) replay fuzz/corpus/T, then SECS of
#                                       mutation; fails on any crash
#   scripts/fuzz.sh replay T BIN        (ctest, label fuzz_regressions) replay fuzz/regressions/T
# Exit status of `run`: 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzz_dir=$root/fuzz
build=$root/build/fuzz

targets_all() {
  sed -n 's/^orderflow_fuzzer(\([a-z_]*\).*/\1/p' "$fuzz_dir/CMakeLists.txt"
}

# Flags every run shares: a dictionary when there is one; a slow input (the datum decoder's
# spin) or an allocation over 1 GB is a finding, not a hang. An impossible size (2^64 - 28 from
# a negative length) fails as malloc does in production, returning null, instead of stopping
# the run in ASan: code that does not check for null still crashes on it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1}
common_flags() {
  local target=$1
  flags=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 -print_final_stats=1)
  if [[ -f $fuzz_dir/dicts/$target.dict ]]; then
    flags+=("-dict=$fuzz_dir/dicts/$target.dict")
  fi
}

build_tree() {
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake --preset fuzz "${launcher[@]}" >/dev/null
  nice cmake --build --preset fuzz
}

# ctest: the committed seeds, then a few seconds of mutation from them with a fixed seed (a red
# run can be repeated). New inputs go to a scratch dir (the first corpus dir is where libFuzzer
# writes), never into fuzz/corpus.
smoke() {
  local target=$1 binary=$2 seconds=$3
  local scratch crashes=$build/crashes/$target
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' RETURN
  mkdir -p "$crashes"
  common_flags "$target"
  # 0 seconds: the corpus only (-max_total_time=0 would mean no limit).
  local limit=(-max_total_time="$seconds")
  if [[ $seconds -eq 0 ]]; then limit=(-runs=0); fi
  "$binary" "${flags[@]}" -seed=1 "${limit[@]}" -artifact_prefix="$crashes/" \
    "$scratch" "$fuzz_dir/corpus/$target"
}

replay() {
  local target=$1 binary=$2
  local dir=$fuzz_dir/regressions/$target
  if [[ ! -d $dir ]] || [[ -z $(ls -A "$dir") ]]; then
    echo "no regressions for $target"
    return 0
  fi
  common_flags "$target"
  "$binary" "${flags[@]}" -runs=0 "$dir"/*
}

# One target for FUZZ_SECONDS in fork mode, so that a crash is kept and fuzzing goes on; the
# grown corpus stays in build/fuzz/corpus/<t> for the next run.
run_one() {
  local target=$1 seconds=$2
  local binary=$build/fuzz/fuzz_$target
  local corpus=$build/corpus/$target crashes=$build/crashes/$target log=$build/logs/$target.log
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  local marker=$build/logs/$target.start
  touch "$marker"
  common_flags "$target"
  local start=$SECONDS
  "$binary" "${flags[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -artifact_prefix="$crashes/" \
    "$corpus" "$fuzz_dir/corpus/$target" >"$log" 2>&1 || true
  local took=$((SECONDS - start))
  local stats execs cov ft found crash new_crashes
  # Fork mode prints "#<execs>: cov: C ft: F corp: ..." lines; the last one is the total.
  stats=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+): .*/\1/p' <<<"$stats")
  cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$stats")
  ft=$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$stats")
  mapfile -t new_crashes < <(find "$crashes" -type f -newer "$marker")
  found=${#new_crashes[@]}
  printf '%-16s execs %-10s cov %-6s ft %-7s seconds %-5s crashes %s\n' \
    "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$took" "$found"
  # Fork mode keeps every crashing input, mostly the same bug again: replay up to 20 of them
  # and print each distinct reason once (sanitizer summary, uncaught exception or abort).
  if [[ $found -gt 0 ]]; then
    for crash in "${new_crashes[@]:0:20}"; do
      "$binary" -timeout=10 "$crash" 2>&1 |
        grep -m1 -E '^SUMMARY: |what\(\): |^key .* names both|timeout after' |
        sed -E 's/ \(.*BuildId[^)]*\)//; s/0x[0-9a-f]+/0x?/g; s/-?[0-9]{3,}/N/g' || true
    done | sort | uniq -c | sed 's/^/    /'
  fi
  [[ $found -eq 0 ]]
}

run() {
  local seconds=${FUZZ_SECONDS:-300}
  local targets=("$@")
  if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(targets_all)
  fi
  build_tree
  echo "== fuzzing ${#targets[@]} targets, ${seconds} s each (logs: build/fuzz/logs/)"
  local failed=0
  for target in "${targets[@]}"; do
    run_one "$target" "$seconds" || failed=1
  done
  if [[ $failed -ne 0 ]]; then
    echo "make fuzz: crashes found; inputs under build/fuzz/crashes/<target>/"
    echo "  replay one: build/fuzz/fuzz/fuzz_<target> <file>"
  fi
  return $failed
}

case ${1:-run} in
  build) build_tree ;;
  smoke) smoke "$2" "$3" "$4" ;;
  replay) replay "$2" "$3" ;;
  run) shift || true; run "$@" ;;
  *) run "$@" ;;
esac
