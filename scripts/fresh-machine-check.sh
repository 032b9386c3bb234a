#!/usr/bin/env bash
# Proves the README's quick start on a machine that has never seen orderflow: builds a fresh
# Debian 12 root with debootstrap in a temp dir, clones this repository into it at REF (default
# HEAD; committed work only) and runs, inside a chroot, exactly `make up`, `make down`, `make test`,
# printing how long each took. Not part of `make test`: it downloads a Debian system, every
# package and the Kafka jars, and on 2 cores takes about an hour.
#   scripts/fresh-machine-check.sh [REF]
#   KEEP_ROOT=1        keep the root afterwards (path printed) to look around in it
#   FRESH_DIR=/path    where the temp root is made (default /var/tmp)
#   DEBIAN_MIRROR=url  (default http://deb.debian.org/debian)
# Needs root (debootstrap, mount, chroot). The chroot shares this machine's network, so `make up`
# inside uses the stack's fixed ports; they are checked free first.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-HEAD}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
stack_ports=(9092 9093 9094 9192 9193 9194 6379 8081 8091 8092 8093)

log() { echo "fresh-machine-check: $*" >&2; }
die() { log "$*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, mount and chroot)"
sha="$(git -C "$src" rev-parse --verify "$ref^{commit}")" || die "unknown ref $ref"
if [[ -n "$(git -C "$src" status --porcelain)" ]]; then
  log "note: uncommitted changes in $src are not part of the check (it clones $sha)"
fi

busy=()
for port in "${stack_ports[@]}"; do
  if ss -Htln "sport = :$port" | grep -q .; then busy+=("$port"); fi
done
((${#busy[@]} == 0)) || die "ports in use, \`make up\` inside would fail: ${busy[*]}"

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
fi

work="$(mktemp -d "${FRESH_DIR:-/var/tmp}/orderflow-fresh.XXXXXX")"
root="$work/root"
mounts=()   # mounted inside $root, in mount order

# Every process whose root directory is our chroot (the stack's Kafka, Redis and services, test
# clusters); matched by /proc/PID/root, so nothing outside the chroot is ever signalled.
chroot_pids() {
  local d pid
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$(readlink "$d/root" 2>/dev/null)" == "$root" ]] && echo "$pid"
  done
  return 0
}

stop_chroot_processes() {
  local pids attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    mapfile -t pids < <(chroot_pids)
    ((${#pids[@]} == 0)) && return 0
    if ((attempt == 1)); then log "stopping ${#pids[@]} leftover process(es) in the chroot"; fi
    if ((attempt < 8)); then kill -TERM "${pids[@]}" 2>/dev/null || true; else kill -KILL "${pids[@]}" 2>/dev/null || true; fi
    sleep 2
  done
  mapfile -t pids < <(chroot_pids)
  ((${#pids[@]} == 0)) || log "still running in the chroot: ${pids[*]}"
}

# This script's own descendants (a step interrupted by a signal: debootstrap, chroot, make).
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do
    descendants "$child"
    echo "$child"
  done
}

cleanup() {
  local rc=$? i pids
  trap - EXIT INT TERM
  mapfile -t pids < <(descendants $$)
  if ((${#pids[@]} > 0)); then kill -TERM "${pids[@]}" 2>/dev/null || true; fi
  stop_chroot_processes
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || log "cannot unmount ${mounts[i]}"
  done
  if grep -qF " $root/" /proc/self/mounts 2>/dev/null; then
    log "something is still mounted under $root; leaving $work in place"
  elif [[ "${KEEP_ROOT:-0}" == 1 ]]; then
    log "root kept in $root"
  else
    # --one-file-system: never follow into a mount that somehow survived.
    rm -rf --one-file-system "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_in_root() { # mount_in_root TARGET MOUNT-ARGS...
  local target="$root$1"
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}

timed() { # timed LABEL SECONDS-VAR COMMAND... : runs, records seconds, returns its status
  local label="$1" var="$2" start rc
  shift 2
  start=$SECONDS
  log "== $label"
  # In the background + wait: a SIGINT/SIGTERM to this script runs its cleanup at once instead
  # of after the step (bash defers traps while a foreground child runs).
  "$@" &
  wait $! && rc=0 || rc=$?
  printf -v "$var" '%d' $((SECONDS - start))
  log "== $label: exit $rc after ${!var} s"
  return "$rc"
}

# A fresh machine has git (the user cloned the repository) and make (the README's commands);
# everything else must come from the project's own scripts.
make_root() {
  debootstrap --include=git,make,ca-certificates bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; return 1; }
}
timed "debootstrap bookworm into $root" t_debootstrap make_root || die "debootstrap failed"

cp /etc/resolv.conf "$root/etc/resolv.conf"
if ! grep -q localhost "$root/etc/hosts" 2>/dev/null; then
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
fi
mount_in_root /proc -t proc proc
mount_in_root /sys -t sysfs sysfs
mount_in_root /dev --bind /dev
mount_in_root /dev/pts --bind /dev/pts
mount_in_root /dev/shm -t tmpfs -o mode=1777 shm

# The chroot uses this machine's network, so it trusts the CAs this machine added for that
# network (/usr/local/share/ca-certificates, e.g. a TLS-inspecting proxy's), as a fresh machine on
# the same network would be set up to; Debian's own CAs come from the root's ca-certificates.
# Without them Maven cannot reach Maven Central here. Java's store is built from these when
# install-deps.sh installs the JDK.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" /usr/sbin/update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
  log "trusting this machine's local CAs: $(cd /usr/local/share/ca-certificates && echo *.crt)"
fi

git clone -q --no-checkout "$src" "$root/root/orderflow"
git -C "$root/root/orderflow" -c advice.detachedHead=false checkout -q "$sha" ||
  die "$sha is not reachable from a branch of $src"
log "clone of $src at $sha in /root/orderflow"

in_root() { # in_root COMMAND: runs it in the clone as a fresh root login would (clean environment)
  chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/orderflow && $1"
}

status=0
t_up=- t_down=- t_test=-
timed "make up" t_up in_root "make up" || status=1
# make down runs even after a failed make up: it is what a user would do, and it stops leftovers.
timed "make down" t_down in_root "make down" || status=1
if ((status == 0)); then
  timed "make test" t_test in_root "make test" || status=1
fi

log "debootstrap ${t_debootstrap} s, make up ${t_up} s, make down ${t_down} s, make test ${t_test} s (commit $sha)"
if ((status != 0)); then
  KEEP_ROOT=1
  log "FAILED; the root is kept for a look: $root (logs in /root/orderflow/.run, build/default/Testing)"
  exit 1
fi
log "passed"
