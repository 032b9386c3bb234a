#!/usr/bin/env bash
# Benchmark of `orderflow audit` (not part of `make test`): N orders (default 1 000 000)
# produced at full speed into a fresh topic, written to Redis by the real batch consumer, then
# audited under /usr/bin/time -v; prints the audit's wall time and peak RSS.
# Usage: scripts/audit-benchmark.sh STACK_ENV [N]   (STACK_ENV: KAFKA_BOOTSTRAP_SERVERS, REDIS_URL,
# e.g. the stack.env that build/default/tests/support/orderflow_test_stack up DIR writes)
# AUDIT_BASELINE_BIN=path: that binary audits the same data too, alternating with this one over
# AUDIT_ROUNDS rounds (default 1), to compare two builds.
set -euo pipefail
stack_env=${1:?usage: $0 STACK_ENV [N]}
count=${2:-1000000}
bin=${ORDERFLOW_BIN:-$(dirname "$0")/../build/default/apps/orderflow/orderflow}
set -a
# shellcheck disable=SC1090
. "$stack_env"
set +a
name=bench-$(date +%s)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ORDERFLOW_ENV_FILE=$work/no.env ORDERS_TOPIC=$name DLQ_TOPIC=$name.dlq \
  SCHEMA_REGISTRY_URL=http://127.0.0.1:$port CONSUMER_GROUP=$name-batch AUDIT_GROUPS=$name-batch \
  FAILED_ORDERS_FILE=$work/failed.jsonl LOG_LEVEL=info
REGISTRY_LISTEN=127.0.0.1:$port REGISTRY_TOPIC=_schemas-$name REGISTRY_GROUP=registry-$name \
  "$bin" registry >"$work/registry.log" 2>&1 &
registry=$!
consumer=
cleanup() {
  kill "$registry" ${consumer:+"$consumer"} 2>/dev/null || true
  wait 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "*:$name-batch*" |
    xargs -r -n 1000 redis-cli -u "$REDIS_URL" unlink >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
until curl -sf "http://127.0.0.1:$port/ready" >/dev/null; do sleep 0.5; done

start=$(date +%s)
"$bin" produce --count "$count" --rate max --customers 1000 --progress-interval 10s \
  >"$work/produce.log" 2>&1 || { tail -5 "$work/produce.log"; exit 1; }
echo "produced $count orders in $(($(date +%s) - start)) s"

start=$(date +%s)
AUTO_COMMIT=false BATCH_SIZE=1000 BATCH_TIMEOUT=1s "$bin" consume >"$work/consume.log" 2>&1 &
consumer=$!
# Stored in any partition: order:{G:p:n}:<id> (libs/redis/key_names.h).
until [ "$(redis-cli -u "$REDIS_URL" --scan --pattern "order:{$name-batch:*" | wc -l)" = "$count" ]; do
  sleep 2
done
echo "consumer stored $count orders in $(($(date +%s) - start)) s"
sleep 3  # its last commit
kill -TERM "$consumer"; wait "$consumer" || true; consumer=

audit_with() {
  echo "== audit by $1"
  /usr/bin/time -v "$1" audit --timeout 300s >"$work/audit.out" 2>"$work/audit.time" || true
  cat "$work/audit.out"
  grep -E " in [0-9.]+ s|took|Elapsed \(wall clock\)|Maximum resident set size" "$work/audit.time"
}
for _ in $(seq "${AUDIT_ROUNDS:-1}"); do
  if [ -n "${AUDIT_BASELINE_BIN:-}" ]; then audit_with "$AUDIT_BASELINE_BIN"; fi
  audit_with "$bin"
done
