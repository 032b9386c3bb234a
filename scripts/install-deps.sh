#!/usr/bin/env bash
# Installs the Debian packages orderflow needs, only those that are missing, and keeps Debian's
# packaged redis-server service off port 6379 (orderflow runs its own Redis on its own data dir).
# Safe to run again: with everything present it asks no registry, and it disables the packaged
# service on every run, so one started by a reboot or by someone else's install is stopped too.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librdkafka-dev libhiredis-dev libavro-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  libcpp-httplib-dev libboost-dev libgtest-dev libgmock-dev libssl-dev zlib1g-dev libbrotli-dev
  redis-server redis-tools kcat supervisor
  openjdk-17-jdk-headless maven
  clang-format-14 wrk procps iproute2 iptables curl python3 python3-venv python3-yaml
  # instructions per request in scripts/bench-http.sh (BENCH_CALLGRIND=1)
  valgrind
  clang-14 libclang-rt-14-dev
  docker-compose
  # `make image` and the container test where no Docker engine runs (scripts/image.sh)
  podman runc debootstrap
  nodejs chromium fonts-dejavu-core
)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

# Stops and disables the packaged service through the init system that is really running:
# systemd when it is PID 1, else the sysv script (containers, chroots). Only the service's own
# pid file is used to stop it, never a process-name pattern that could hit other users' Redis.
# Asks (sudo) only when there is something to change, so a plain `make build` never prompts.
disable_packaged_redis() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    if systemctl is-enabled --quiet redis-server.service 2>/dev/null ||
      systemctl is-active --quiet redis-server.service 2>/dev/null; then
      echo "install-deps: disabling Debian's redis-server service (orderflow runs its own Redis)"
      "${sudo_cmd[@]}" systemctl disable --now redis-server.service >/dev/null 2>&1 || true
    fi
    return 0
  fi
  [[ -x /etc/init.d/redis-server ]] || return 0
  if compgen -G "/etc/rc[2345].d/S*redis-server" >/dev/null; then
    "${sudo_cmd[@]}" update-rc.d redis-server disable >/dev/null 2>&1 || true
  fi
  if /etc/init.d/redis-server status >/dev/null 2>&1; then
    echo "install-deps: stopping Debian's redis-server service (orderflow runs its own Redis)"
    "${sudo_cmd[@]}" /etc/init.d/redis-server stop >/dev/null 2>&1 || true
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The console's npm packages (scripts/node-env.sh) need npm; a Node.js from elsewhere that brings
# its own npm is kept (Debian's npm package would conflict with it).
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if ((${#missing[@]} == 0)); then
  disable_packaged_redis
  echo "install-deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Without systemd, redis-server's postinst starts the sysv service at once (in a chroot it would
# take the host's port 6379). A policy-rc.d that answers 101 ("action forbidden") stops that;
# one already present (Docker images ship one) is left as it is.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# install-deps.sh: no service starts during this install\nexit 101\n' |
    "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy"
  own_policy=true
fi
remove_policy() { if $own_policy; then "${sudo_cmd[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
remove_policy
trap - EXIT
disable_packaged_redis
echo "install-deps: done"
