#!/usr/bin/env bash
# scripts/redis-cluster.sh and its place in scripts/stack.sh, driven for real: bad settings stop
# before anything starts, naming the setting; a cluster stopped and started again on its dir comes
# back as the same cluster (no second create); `stack.sh status` shows it and `down` stops it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
script=$repo/scripts/redis-cluster.sh
run_dir="$(mktemp -d)"
# 20 distinct free ports from one python start (each start costs about half a second here):
# 6 nodes, 6 bus ports, and the stack's Redis and Kafka ports that stack.sh only looks at.
read -r -a free <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(20)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
ports=$(IFS=,; echo "${free[*]:0:6}")
bus=$(IFS=,; echo "${free[*]:6:6}")
cluster=(--dir "$run_dir/redis-cluster" --ports "$ports" --bus-ports "$bus" --timeout 30)
cleanup() {
  "$script" stop "${cluster[@]}" >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

# indent LABEL: the output of a command, shown under its check.
indent() { sed "s/^/  $1| /"; }

failures=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
# refuses DESCRIPTION SETTING COMMAND...: exits non-zero, names SETTING, leaves no node dir.
refuses() {
  local out rc=0
  out=$("${@:3}" 2>&1) || rc=$?
  indent "" <<<"$out"
  check "$1" test "$rc" -ne 0 -a -n "$(grep -F -- "$2" <<<"$out")" -a ! -d "$run_dir/bad"
}

refuses "5 ports refused" REDIS_CLUSTER_PORTS "$script" start --dir "$run_dir/bad" --ports 1,2,3,4,5
refuses "a port that is not one refused" REDIS_CLUSTER_PORTS \
  "$script" start --dir "$run_dir/bad" --ports 7001,7002,7003,7004,7005,70006
refuses "a bus port above 65535 refused" REDIS_CLUSTER_PORTS \
  "$script" start --dir "$run_dir/bad" --ports 7001,7002,7003,7004,7005,60000
refuses "bad bus ports refused" REDIS_CLUSTER_BUS_PORTS \
  env REDIS_CLUSTER_BUS_PORTS=1,2,x,4,5,6 "$script" start --dir "$run_dir/bad"
refuses "a node timeout below 100 ms refused" REDIS_CLUSTER_NODE_TIMEOUT \
  env REDIS_CLUSTER_NODE_TIMEOUT=50 "$script" start --dir "$run_dir/bad"
refuses "stack.sh refuses REDIS_CLUSTER=yes" REDIS_CLUSTER \
  env REDIS_CLUSTER=yes ORDERFLOW_RUN_DIR="$run_dir/stack" "$repo/scripts/stack.sh" status

# stack.sh with no Kafka and no Redis running: only status and down, against this run dir.
stack_env=(env ORDERFLOW_RUN_DIR="$run_dir" ORDERFLOW_BINARY="$run_dir/none" REDIS_PORT="${free[12]}"
  REDIS_CLUSTER_PORTS="$ports" REDIS_CLUSTER_BUS_PORTS="$bus"
  KAFKA_BROKER_PORTS="$(IFS=,; echo "${free[*]:13:3}")"
  KAFKA_CONTROLLER_PORTS="$(IFS=,; echo "${free[*]:16:3}")")
node_ids() { sort "$run_dir"/redis-cluster/*/nodes.conf | awk '/myself/ {print $1}'; }

"$script" start "${cluster[@]}"
ids_before=$(node_ids)
status_out=$("${stack_env[@]}" "$repo/scripts/stack.sh" status 2>&1)
indent status <<<"$status_out"
check "stack.sh status shows the six nodes" test "$(grep -c '^redis-cluster pid' <<<"$status_out")" -eq 6
"${stack_env[@]}" "$repo/scripts/stack.sh" down >/dev/null 2>&1
check "stack.sh down stops the cluster" test -z "$("$script" status "${cluster[@]}" | grep ' pid ')"

"$script" start "${cluster[@]}"
ids_after=$(node_ids)
check "a restart keeps the same six nodes" test "$ids_before" == "$ids_after" -a \
  "$(wc -l <<<"$ids_after")" -eq 6
check "one create only" test "$(grep -c 'All 16384 slots covered' "$run_dir/redis-cluster/create.log")" -eq 1
check "the restarted cluster is ok" test \
  "$(redis-cli -p "${free[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_state://p')" == ok

((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
