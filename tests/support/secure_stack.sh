#!/usr/bin/env bash
# ctest fixture `secure_stack`: `SECURE=1 make up` itself (scripts/stack.sh) in a private run
# dir, every port free-picked: Kafka SASL_SSL with ACLs, Redis with ACL users, the registry with
# its users file, both consumers, a producer that sends PRODUCE_COUNT orders, the console with
# its token, the gateway with its clients' tokens. Each service runs as its own principal, as
# under `make up`.
#
#   secure_stack.sh up DIR     start it; DIR/stack.env tells the tests where everything is
#   secure_stack.sh down DIR   stop it and remove DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../../scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"

command=${1:-}
dir=${2:-}
[[ -n "$command" && -n "$dir" ]] || die "usage: secure_stack.sh up|down DIR"
binary=${ORDERFLOW_BINARY:?ORDERFLOW_BINARY names the orderflow binary}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The environment stack.sh runs with (and passes on to supervisord and so to the services).
stack() {
  # shellcheck disable=SC1091
  (set -a && source "$dir/stack.env" && set +a && exec "$root/scripts/stack.sh" "$@")
}

up() {
  rm -rf "$dir"
  mkdir -p "$dir/run"
  local b1 b2 b3 c1 c2 c3 redis registry auto batch producer console gateway
  b1=$(free_port) b2=$(free_port) b3=$(free_port) c1=$(free_port) c2=$(free_port) c3=$(free_port)
  redis=$(free_port) registry=$(free_port) auto=$(free_port) batch=$(free_port)
  producer=$(free_port) console=$(free_port) gateway=$(free_port)
  cat >"$dir/services.conf" <<CONF
registry|http://127.0.0.1:$registry/ready|registry --listen 127.0.0.1:$registry
consumer-auto|http://127.0.0.1:$auto/health|consume --auto-commit true --metrics-port $auto
consumer-batch|http://127.0.0.1:$batch/health|consume --auto-commit false --metrics-port $batch
producer||produce --metrics-port $producer --failed-file $dir/run/failed-orders.jsonl|on-failure
console|http://127.0.0.1:$console/health|console --listen 127.0.0.1:$console
gateway|http://127.0.0.1:$gateway/health|gateway --listen 127.0.0.1:$gateway
CONF
  # Written first, so `down` can stop whatever did start if a later step fails. No credentials
  # here: each service and test takes them from the secrets directory.
  cat >"$dir/stack.env" <<ENV
SECURE=1
ORDERFLOW_BINARY=$binary
ORDERFLOW_RUN_DIR=$dir/run
ORDERFLOW_SERVICES_CONF=$dir/services.conf
ORDERFLOW_ENV_FILE=$dir/no-dotenv
SECRETS_DIR=$dir/run/secrets
KAFKA_SECRETS_DIR=$dir/run/secrets
KAFKA_CLUSTER_DIR=$dir/run/kafka
KAFKA_BROKER_PORTS=$b1,$b2,$b3
KAFKA_CONTROLLER_PORTS=$c1,$c2,$c3
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$b1,127.0.0.1:$b2,127.0.0.1:$b3
KAFKA_HEAP=384m
REDIS_PORT=$redis
REDIS_DIR=$dir/run/redis
SCHEMA_REGISTRY_URL=http://127.0.0.1:$registry
CONSOLE_URL=http://127.0.0.1:$console
CONSOLE_PRODUCER_URL=http://127.0.0.1:$producer
CONSOLE_CONSUMER_URLS=orders-auto=http://127.0.0.1:$auto,orders-batch=http://127.0.0.1:$batch
CONSOLE_GATEWAY_URL=http://127.0.0.1:$gateway
GATEWAY_URL=http://127.0.0.1:$gateway
PRODUCE_COUNT=20
PRODUCE_INTERVAL=100ms
ENV
  stack up
  # The tests start from a pipeline that has done its work: the producer service's orders are
  # stored by both groups (read as admin; the password goes through the environment).
  local group deadline=$((SECONDS + 180)) stored
  for group in orders-auto orders-batch; do
    # Orders of the group in any partition (order:{G:p:n}:<id>).
    until stored=$(REDISCLI_AUTH=$(<"$dir/run/secrets/admin.password") redis-cli --no-auth-warning \
      -p "$redis" --user admin --scan --pattern "order:{$group:*" 2>/dev/null | wc -l) &&
      ((${stored:-0} >= 20)); do
      ((SECONDS < deadline)) || die "$group stored ${stored:-0} of 20 orders within 180s"
      sleep 0.5
    done
    log "$group stored the producer service's 20 orders"
  done
}

down() {
  [[ -f "$dir/stack.env" ]] || { log "no secure stack at $dir"; return 0; }
  stack down || true
  rm -rf "$dir"
}

case "$command" in
  up) up ;;
  down) down ;;
  *) die "usage: secure_stack.sh up|down DIR" ;;
esac
