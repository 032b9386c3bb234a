#!/bin/bash
# The Debian packages a binary needs at run time, derived from what it links: every shared
# library `ldd` resolves, mapped to its package by `dpkg -S`, one package a line, sorted.
#   runtime-packages.sh BINARY               print the list
#   runtime-packages.sh --check LIST BINARY  fail, showing the difference, unless LIST (a file,
#                                            # comments allowed) is exactly that list
# A library ldd cannot find fails it: the list would be short. The Dockerfile runs the check
# in its build stage (the runtime stage installs docker/runtime-packages.txt), and the container
# test runs it again in the finished image.
set -euo pipefail

derive() {
  local binary=$1 libs lib real package packages=()
  libs=$(ldd "$binary") || { echo "runtime-packages: ldd failed on $binary" >&2; return 1; }
  if grep -q 'not found' <<<"$libs"; then
    echo "runtime-packages: libraries not found for $binary:" >&2
    grep 'not found' <<<"$libs" >&2
    return 1
  fi
  # "libx.so.1 => /lib/x86_64-linux-gnu/libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
  while read -r lib; do
    # dpkg knows the path the package installed, which merged /usr may differ from: try both.
    real=$(readlink -f "$lib")
    package=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null) ||
      { echo "runtime-packages: no package owns $lib" >&2; return 1; }
    package=${package%%:*}
    packages+=("$package")
  done < <(sed -nE 's/.*=> (\/[^ ]+) .*/\1/p; s/^[[:space:]]*(\/[^ ]+) \(0x.*/\1/p' <<<"$libs")
  printf '%s\n' "${packages[@]}" | sort -u
}

if [[ "${1:-}" == --check ]]; then
  [[ $# -eq 3 ]] || { echo "usage: runtime-packages.sh --check LIST BINARY" >&2; exit 2; }
  want=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$2" | tr -d ' \t' | sort -u)
  have=$(derive "$3")
  if [[ "$want" != "$have" ]]; then
    echo "runtime-packages: $2 is not what $3 links (< listed, > linked):" >&2
    diff <(echo "$want") <(echo "$have") >&2 || true
    exit 1
  fi
  echo "runtime-packages: $2 matches what $3 links ($(wc -l <<<"$have") packages)"
  exit 0
fi
[[ $# -eq 1 ]] || { echo "usage: runtime-packages.sh BINARY | --check LIST BINARY" >&2; exit 2; }
derive "$1"
