#!/usr/bin/env bash
# A Redis Cluster from Debian's redis-server: 6 nodes on 127.0.0.1, 3 masters with a replica
# each (redis-cli --cluster create), cluster-enabled, AOF on, each node in its own dir.
# Used by `REDIS_CLUSTER=1 make up` and the cluster tests.
#
#   redis-cluster.sh start|stop|status [--dir DIR] [--ports P1,...,P6] [--bus-ports B1,...,B6]
#                                      [--node-timeout MS] [--timeout S]
#   (environment: REDIS_CLUSTER_DIR, default .run/redis-cluster; REDIS_CLUSTER_PORTS, default
#   7001,...,7006; REDIS_CLUSTER_BUS_PORTS, default each port + 10000;
#   REDIS_CLUSTER_NODE_TIMEOUT, the ms after which a silent master is failed over, default 5000)
#
# Node N keeps its data, log, pid file and nodes.conf in DIR/PORT. A start on an existing DIR
# restarts the nodes with their nodes.conf, so the cluster comes back as it was (no new create).
# No password: for loopback and tests, as `make up`'s single Redis.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"

dir=${REDIS_CLUSTER_DIR:-$root/.run/redis-cluster}
ports=${REDIS_CLUSTER_PORTS:-7001,7002,7003,7004,7005,7006}
bus_ports=${REDIS_CLUSTER_BUS_PORTS:-}
node_timeout=${REDIS_CLUSTER_NODE_TIMEOUT:-5000}
timeout=${REDIS_READY_TIMEOUT:-60}
host=127.0.0.1
command=${1:-}
[[ -n "$command" ]] ||
  die "usage: redis-cluster.sh start|stop|status [--dir DIR] [--ports P1,...,P6]" \
    "[--bus-ports B1,...,B6] [--node-timeout MS]"
shift
while (($#)); do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --ports) ports=$2; shift 2 ;;
    --bus-ports) bus_ports=$2; shift 2 ;;
    --node-timeout) node_timeout=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 65535)); }
# read_ports SETTING TEXT -> the 6 ports of a comma list, or stops naming SETTING.
read_ports() {
  local setting=$1 text=$2 list port
  IFS=, read -r -a list <<<"$text"
  ((${#list[@]} == 6)) || die "$setting takes 6 comma-separated ports, got '$text'"
  for port in "${list[@]}"; do
    is_port "$port" || die "$setting: '$port' is not a port (1-65535)"
  done
  echo "${list[@]}"
}
checked=$(read_ports "REDIS_CLUSTER_PORTS / --ports" "$ports") || exit 1
read -r -a port_list <<<"$checked"
if [[ -z "$bus_ports" ]]; then
  bus_list=()
  for port in "${port_list[@]}"; do
    ((port + 10000 <= 65535)) || die "REDIS_CLUSTER_PORTS: bus port $port + 10000 is above 65535 (set --bus-ports)"
    bus_list+=("$((port + 10000))")
  done
else
  checked=$(read_ports "REDIS_CLUSTER_BUS_PORTS / --bus-ports" "$bus_ports") || exit 1
  read -r -a bus_list <<<"$checked"
fi
if ! [[ "$node_timeout" =~ ^[0-9]+$ ]] || ((node_timeout < 100)); then
  die "REDIS_CLUSTER_NODE_TIMEOUT / --node-timeout takes milliseconds >= 100, got '$node_timeout'"
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

node_dir() { echo "$dir/$1"; }
# Ours is a redis-server whose working directory is the node's dir (see redis.sh).
node_alive() { pid_alive "$(node_dir "$1")/redis.pid" redis-server "$(node_dir "$1")"; }
cli() { redis-cli -h "$host" -p "$1" "${@:2}" 2>&1; }
info_field() { cli "$1" cluster info | tr -d '\r' | sed -n "s/^$2://p"; }

start_node() {
  local port=$1 bus=$2 ndir
  ndir=$(node_dir "$port")
  mkdir -p "$ndir"
  if node_alive "$port"; then
    log "redis cluster node $host:$port already running (pid $(<"$ndir/redis.pid"))"
    return 0
  fi
  require_free_port "$port" "redis cluster node"
  require_free_port "$bus" "redis cluster bus of :$port"
  # AOF as the single Redis (redis.sh): a killed process loses nothing the kernel holds.
  # Validity factor 0: a replica may take over however long ago it last heard from its master.
  # Otherwise an election that fails under load (a busy 2-core machine, a short node timeout)
  # leaves the replica too old to try again and the cluster down for good; a replica that
  # lacks the last writes is what the consumers' offset marks catch (docs/redis-cluster.md).
  (cd "$ndir" && start_bg "$ndir/redis.pid" "$ndir/redis.log" redis-server redis-server \
    --bind "$host" --port "$port" --dir "$ndir" --protected-mode yes --daemonize no \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-port "$bus" \
    --cluster-node-timeout "$node_timeout" --cluster-replica-validity-factor 0 \
    --appendonly yes --appendfsync everysec --save "" --loglevel notice)
}

wait_until_up() {
  local port=$1 deadline=$((SECONDS + timeout))
  until [[ "$(cli "$port" ping)" == PONG ]]; do
    node_alive "$port" || fail_with_log "redis cluster node :$port exited during start-up" \
      "$(node_dir "$port")/redis.log"
    ((SECONDS < deadline)) || fail_with_log "redis cluster node :$port did not answer PING within ${timeout}s" \
      "$(node_dir "$port")/redis.log"
    sleep 0.1
  done
}

# Every node must say ok and know all six: right after a create, some still gossip.
wait_until_ok() {
  local deadline=$((SECONDS + timeout)) port ready
  while :; do
    ready=1
    for port in "${port_list[@]}"; do
      if [[ "$(info_field "$port" cluster_state)" != ok ||
        "$(info_field "$port" cluster_known_nodes)" != 6 ]]; then
        ready=0
        break
      fi
    done
    ((ready)) && return 0
    ((SECONDS < deadline)) || die "redis cluster not ok within ${timeout}s (node :$port says" \
      "state=$(info_field "$port" cluster_state) nodes=$(info_field "$port" cluster_known_nodes))"
    sleep 0.2
  done
}

case "$command" in
  start)
    for i in "${!port_list[@]}"; do start_node "${port_list[$i]}" "${bus_list[$i]}"; done
    for port in "${port_list[@]}"; do wait_until_up "$port"; done
    # A node restarted from its nodes.conf already knows the others: create only a new cluster.
    if [[ "$(info_field "${port_list[0]}" cluster_known_nodes)" == 1 ]]; then
      addresses=()
      for port in "${port_list[@]}"; do addresses+=("$host:$port"); done
      cli "${port_list[0]}" --cluster create "${addresses[@]}" --cluster-replicas 1 \
        --cluster-yes >>"$dir/create.log" ||
        fail_with_log "redis-cli --cluster create failed" "$dir/create.log"
    fi
    wait_until_ok
    log "redis cluster ready on $host:${port_list[0]}..${port_list[5]} (3 masters, 3 replicas, AOF in $dir)"
    ;;
  stop)
    # All at once: one by one, a stopped master's replica would be promoted on the way.
    stops=()
    for port in "${port_list[@]}"; do
      stop_pid "redis cluster node :$port" "$(node_dir "$port")/redis.pid" "$timeout" \
        redis-server "$(node_dir "$port")" &
      stops+=("$!")
    done
    for stop in "${stops[@]}"; do wait "$stop"; done
    ;;
  status)
    for port in "${port_list[@]}"; do
      pidfile=$(node_dir "$port")/redis.pid
      if node_alive "$port"; then
        role=$(cli "$port" role | head -n 1)
        printf 'redis-cluster pid %-7s %-15s %-6s cluster_state:%s\n' "$(<"$pidfile")" \
          "$host:$port" "$role" "$(info_field "$port" cluster_state)"
      else
        printf 'redis-cluster %-11s %-15s stopped\n' "-" "$host:$port"
      fi
    done
    ;;
  *) die "unknown command $command" ;;
esac
