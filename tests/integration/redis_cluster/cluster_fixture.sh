#!/usr/bin/env bash
# ctest fixture `redis_cluster`: `cluster_fixture.sh up DIR` starts a 6-node Redis Cluster
# (scripts/redis-cluster.sh) on free ports in DIR and writes DIR/cluster.env for the tests;
# `down DIR` stops it and removes DIR. Tests that kill a node start a cluster of their own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"

command=${1:-}
dir=${2:-}
[[ -n "$command" && -n "$dir" ]] || die "usage: cluster_fixture.sh up|down DIR"

# 12 distinct ports, free now, below the kernel's ephemeral range (32768-) and above the
# range the other tests' free_port() draws from (20000-32000).
free_ports() {
  local -A taken=()
  local port list=()
  while ((${#list[@]} < 12)); do
    port=$((32100 + RANDOM % 600))
    if [[ -z "${taken[$port]:-}" ]] && ! port_in_use "$port"; then
      taken[$port]=1
      list+=("$port")
    fi
  done
  echo "${list[@]}"
}

case "$command" in
  up)
    rm -rf "$dir"
    mkdir -p "$dir"
    read -r -a ports <<<"$(free_ports)"
    client=$(IFS=,; echo "${ports[*]:0:6}")
    bus=$(IFS=,; echo "${ports[*]:6:6}")
    # Written first, so `down` stops whatever did start if the start fails half-way.
    printf 'REDIS_CLUSTER_PORTS=%s\nREDIS_CLUSTER_BUS_PORTS=%s\n' "$client" "$bus" >"$dir/cluster.env"
    "$root/scripts/redis-cluster.sh" start --dir "$dir/nodes" --ports "$client" --bus-ports "$bus"
    ;;
  down)
    [[ -f "$dir/cluster.env" ]] || exit 0
    client=$(sed -n 's/^REDIS_CLUSTER_PORTS=//p' "$dir/cluster.env")
    bus=$(sed -n 's/^REDIS_CLUSTER_BUS_PORTS=//p' "$dir/cluster.env")
    "$root/scripts/redis-cluster.sh" stop --dir "$dir/nodes" --ports "$client" --bus-ports "$bus"
    rm -rf "$dir"
    ;;
  *) die "unknown command $command" ;;
esac
