#!/usr/bin/env bash
# Installs the Debian packages orderflow needs, only those that are missing.
# Safe to run again: with everything present it does nothing and asks no registry.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librdkafka-dev libhiredis-dev libavro-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  libcpp-httplib-dev libboost-dev libgtest-dev libgmock-dev libssl-dev zlib1g-dev libbrotli-dev
  redis-server redis-tools kcat
  openjdk-17-jdk-headless maven
  clang-format-14 wrk procps iproute2 curl python3 python3-venv
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts redis-server as a system service on install; orderflow runs its own on its own
# data dir, so stop the packaged one to keep port 6379 free for the stack.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  "${sudo_cmd[@]}" systemctl stop redis-server || true
fi
if pgrep -f '/usr/bin/redis-server 127.0.0.1:6379' >/dev/null 2>&1; then
  "${sudo_cmd[@]}" pkill -f '/usr/bin/redis-server 127.0.0.1:6379' || true
fi
echo "install-deps: done"
