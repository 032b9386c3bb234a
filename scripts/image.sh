#!/usr/bin/env bash
# `make image`: builds orderflow's image (Dockerfile) as orderflow:local and prints its size and
# the build time. Docker when a Docker engine answers (`docker info`), else Debian's podman with
# runc. Where the base image debian:12-slim is missing and no registry gives it, it is made here
# with debootstrap (minbase bookworm) and imported once; later builds reuse it.
#   scripts/image.sh                 build (or rebuild from the layer cache)
#   scripts/image.sh --print-engine  print the engine command line the build would use, then exit
# Environment: IMAGE_TAG (default orderflow:local), DEBIAN_MIRROR (http://deb.debian.org/debian)
# and DEBIAN_SECURITY_MIRROR (http://deb.debian.org/debian-security) for the base image,
# IMAGE_ENGINE=docker|podman to choose instead of asking `docker info`.
# podman here needs root, runc (crun fails on these machines' cgroups) and no default ulimits
# (they cannot be set in this sandbox): build/containers/containers.conf says so, CONTAINERS_CONF
# points at it, and every build and run passes explicit ulimits.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${IMAGE_TAG:-orderflow:local}"
base="docker.io/library/debian:12-slim"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

log() { echo "image: $*" >&2; }
die() { log "$*"; exit 1; }

choose_engine() {
  if [[ -n "${IMAGE_ENGINE:-}" ]]; then
    [[ "$IMAGE_ENGINE" == docker || "$IMAGE_ENGINE" == podman ]] ||
      die "IMAGE_ENGINE must be docker or podman, not '$IMAGE_ENGINE'"
    echo "$IMAGE_ENGINE"
  elif command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; then
    echo docker
  else
    echo podman
  fi
}

engine="$(choose_engine)"
engine_cmd=("$engine")
build_args=()
if [[ "$engine" == podman ]]; then
  command -v podman >/dev/null 2>&1 || die "no Docker engine answers and podman is missing (scripts/install-deps.sh installs it)"
  [[ -x /usr/sbin/runc ]] || die "/usr/sbin/runc is missing (scripts/install-deps.sh installs it)"
  conf_dir="$root/build/containers"
  mkdir -p "$conf_dir"
  printf '# scripts/image.sh: runc, and no default ulimits (they cannot be set here)\n[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' \
    >"$conf_dir/containers.conf"
  export CONTAINERS_CONF="$conf_dir/containers.conf"
  engine_cmd=(env "CONTAINERS_CONF=$CONTAINERS_CONF" podman --runtime /usr/sbin/runc)
  # --network host: the build's apt-get reaches the mirror the way this machine does.
  build_args=(--pull=never --network host --ulimit nofile=4096:4096 --ulimit nproc=1000:1000)
fi

if [[ "${1:-}" == --print-engine ]]; then
  echo "${engine_cmd[*]}"
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (scripts/image.sh [--print-engine])"

image_exists() { "${engine_cmd[@]}" image inspect "$1" >/dev/null 2>&1; }

# debian:12-slim made locally: minbase bookworm, apt lists and caches emptied, documentation
# left out as the official slim image does, and this machine's extra CA certificates trusted
# (a TLS-inspecting proxy's, as scripts/fresh-machine-check.sh copies them).
make_base() {
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (scripts/install-deps.sh installs it)"
  [[ $(id -u) -eq 0 ]] || die "making the base image with debootstrap needs root"
  local rootfs
  work="$(mktemp -d "$root/build/containers/base.XXXXXX")"
  rootfs="$work/rootfs"
  log "making $base with debootstrap (minbase bookworm from $mirror)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security_mirror" >"$rootfs/etc/apt/sources.list"
  # What debootstrap itself installed, without the same paths (later installs skip them).
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$rootfs/etc/apt/apt.conf.d/99no-recommends"
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" --numeric-owner -c . | "${engine_cmd[@]}" import - "$base" >/dev/null
}
work=""
trap '[[ -z "$work" ]] || rm -rf --one-file-system "$work"' EXIT

mkdir -p "$root/build/containers"
start=$SECONDS
if image_exists "$base"; then
  log "base $base present"
elif [[ "$engine" == docker ]] && timeout 120 docker pull -q "$base" >/dev/null 2>&1; then
  log "base $base pulled"
elif [[ "$engine" == podman ]] && timeout 60 "${engine_cmd[@]}" pull -q "$base" >/dev/null 2>&1; then
  log "base $base pulled"
else
  make_base
  log "base $base made in $((SECONDS - start)) s"
fi

build_start=$SECONDS
"${engine_cmd[@]}" build "${build_args[@]}" -t "$tag" -f "$root/Dockerfile" "$root" >&2
size=$("${engine_cmd[@]}" image inspect --format '{{.Size}}' "$tag")
log "$tag built with $engine in $((SECONDS - build_start)) s (all: $((SECONDS - start)) s), size $((size / 1000000)) MB"
