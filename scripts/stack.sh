#!/usr/bin/env bash
# The local orderflow stack, no Docker: Kafka (3 KRaft nodes), Redis, and orderflow's services.
#
#   stack.sh up            start what is not running, wait until healthy, print the addresses
#   stack.sh down          stop everything (services first, then Kafka and Redis)
#   stack.sh status        one line per process: pid, address, health
#   stack.sh logs [NAME]   follow a service's log (kafka-1..3, redis, or a service name)
#
# State lives in .run/ (ORDERFLOW_RUN_DIR): data, logs and pid files. `make clean` removes it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"

run_dir=${ORDERFLOW_RUN_DIR:-$root/.run}
binary=${ORDERFLOW_BINARY:-$root/build/default/apps/orderflow/orderflow}
export KAFKA_CLUSTER_DIR=$run_dir/kafka
export REDIS_DIR=$run_dir/redis
export KAFKA_BROKER_PORTS=${KAFKA_BROKER_PORTS:-9092,9093,9094}
export KAFKA_CONTROLLER_PORTS=${KAFKA_CONTROLLER_PORTS:-9192,9193,9194}
export REDIS_PORT=${REDIS_PORT:-6379}
IFS=, read -r -a bports <<<"$KAFKA_BROKER_PORTS"
bootstrap="127.0.0.1:${bports[0]},127.0.0.1:${bports[1]},127.0.0.1:${bports[2]}"

# The services `make up` runs after Kafka and Redis, in start order. Each entry:
#   name|health URL (empty: process alive is enough)|orderflow arguments
# Their settings come from the environment and `.env` (the binary reads it from the repo root).
services=()
if [[ -f "$here/services.conf" ]]; then
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    services+=("$line")
  done <"$here/services.conf"
fi

service_pidfile() { echo "$run_dir/pids/$1.pid"; }
service_log() { echo "$run_dir/logs/$1.log"; }
# What a service's command line contains: the binary and its services.conf arguments (the
# `env` wrapper execs the binary, so the binary's path leads the command line).
service_marker() {
  local -a argv
  read -r -a argv <<<"$2"
  echo "$binary ${argv[*]}"
}

http_ok() { curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; }

start_service() {
  local name=$1 health=$2 args=$3 deadline marker
  marker=$(service_marker "$name" "$args")
  if pid_alive "$(service_pidfile "$name")" "$marker"; then
    log "$name already running (pid $(<"$(service_pidfile "$name")"))"
    return 0
  fi
  [[ -x "$binary" ]] || die "$binary is missing: run 'make build' (make up does it)"
  # Word splitting of $args is intended: it is a fixed argument list from services.conf.
  # shellcheck disable=SC2086
  (cd "$root" && start_bg "$(service_pidfile "$name")" "$(service_log "$name")" "$marker" \
    env KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-$bootstrap}" \
    REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}" "$binary" $args)
  log "started $name (pid $(<"$(service_pidfile "$name")")): orderflow $args"
  [[ -n "$health" ]] || return 0
  deadline=$((SECONDS + 60))
  until http_ok "$health"; do
    pid_alive "$(service_pidfile "$name")" "$marker" || fail_with_log "$name exited during start-up" "$(service_log "$name")"
    ((SECONDS < deadline)) || fail_with_log "$name not healthy at $health within 60s" "$(service_log "$name")"
    sleep 0.3
  done
  log "$name healthy at $health"
}

up() {
  "$here/redis.sh" start
  "$here/kafka-cluster.sh" start
  local entry name health args
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args <<<"$entry"
    start_service "$name" "$health" "$args"
  done
  echo
  echo "orderflow is up:"
  echo "  kafka brokers   $bootstrap   (kcat -b 127.0.0.1:${bports[0]} -L)"
  echo "  redis           redis://127.0.0.1:$REDIS_PORT   (redis-cli -p $REDIS_PORT)"
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args <<<"$entry"
    printf '  %-15s %s\n' "$name" "${health:-running}"
  done
  echo "  web console     http://127.0.0.1:8080/   (topics as kafka-ui shows them:"
  echo "                  http://127.0.0.1:8080/ui/clusters/kraft/all-topics)"
  echo "  status: make status    logs: make logs [NAME]    stop: make down"
}

down() {
  local i name args
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name _ args <<<"${services[i]}"
    stop_pid "$name" "$(service_pidfile "$name")" 30 "$(service_marker "$name" "$args")"
  done
  "$here/kafka-cluster.sh" stop
  "$here/redis.sh" stop
}

status() {
  local kafka_status
  kafka_status=$("$here/kafka-cluster.sh" status)
  echo "$kafka_status"
  "$here/redis.sh" status
  local entry name health args state
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args <<<"$entry"
    if pid_alive "$(service_pidfile "$name")" "$(service_marker "$name" "$args")"; then
      state=running
      if [[ -n "$health" ]]; then
        if http_ok "$health"; then state=healthy; else state=unhealthy; fi
      fi
      printf '%-14s pid %-7s %-30s %s\n' "$name" "$(<"$(service_pidfile "$name")")" "${health:-}" "$state"
    elif [[ -f "$(service_pidfile "$name")" ]]; then
      # Started by `make up` and gone without `make down`: finished (the producer) or crashed.
      printf '%-14s %-11s %-30s %s\n' "$name" "-" "${health:-}" "exited (see make logs $name)"
    else
      printf '%-14s %-11s %-30s %s\n' "$name" "-" "${health:-}" stopped
    fi
  done
  if grep -q ' pid ' <<<"$kafka_status"; then
    "$here/kafka-cluster.sh" quorum 2>/dev/null | grep -E '^(LeaderId|HighWatermark|MaxFollowerLag):' | sed 's/^/quorum   /' || true
  fi
}

logs() {
  local name=${1:-}
  case "$name" in
    "") exec tail -n 20 -F "$run_dir"/logs/*.log "$REDIS_DIR/redis.log" ;;
    kafka-[123]) exec tail -n 50 -F "$KAFKA_CLUSTER_DIR/logs/$name/server.log" ;;
    redis) exec tail -n 50 -F "$REDIS_DIR/redis.log" ;;
    *)
      [[ -f "$(service_log "$name")" ]] || die "no log for '$name' (try kafka-1, redis, or a service)"
      exec tail -n 50 -F "$(service_log "$name")"
      ;;
  esac
}

mkdir -p "$run_dir/logs" "$run_dir/pids"
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) logs "${2:-}" ;;
  *) die "usage: stack.sh up|down|status|logs [NAME]" ;;
esac
