#!/usr/bin/env bash
# The local orderflow stack, no Docker: Kafka (3 KRaft nodes), Redis, and orderflow's services,
# the services under supervisord (restarted with backoff when they die).
#
#   stack.sh up            start what is not running, wait until healthy, print the addresses
#   stack.sh down          stop everything (services and supervisord, then Kafka and Redis)
#   stack.sh status        one line per process: pid, address, health, restarts, last exit
#   stack.sh logs [NAME]   follow a service's log (kafka-1..3, redis, supervisord, or a service)
#
# State lives in .run/ (ORDERFLOW_RUN_DIR): data, logs, supervisord's config, socket and the
# restart state (supervisor/state.json). `make clean` removes it.
# Environment for tests and other layouts:
#   ORDERFLOW_RUN_DIR        where state lives                      [.run]
#   ORDERFLOW_BINARY         the orderflow binary                   [build/default/apps/orderflow/orderflow]
#   ORDERFLOW_SERVICES_CONF  the services to run                    [scripts/services.conf]
#   ORDERFLOW_INFRA          own: start/stop Kafka and Redis here; external: they are someone
#                            else's (KAFKA_BOOTSTRAP_SERVERS, REDIS_URL name them)     [own]
#   KAFKA_BROKER_PORTS, KAFKA_CONTROLLER_PORTS, REDIS_PORT           (as kafka-cluster.sh, redis.sh)
#   REDIS_CLUSTER            1: also start a 6-node Redis Cluster (scripts/redis-cluster.sh,
#                            127.0.0.1:7001-7006, data in RUN_DIR/redis-cluster) and point the
#                            services at it (REDIS_URL=redis-cluster://..., unless REDIS_URL is
#                            set); the single Redis still starts. Not with SECURE=1   [0]
#   SECURE                   1: the secure profile (scripts/lib/secure-profile.sh; also read
#                            from .env): SASL_SSL + ACLs, Redis ACL users, registry and console
#                            credentials, one principal per service, secrets in RUN_DIR/secrets
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"
# shellcheck source=lib/supervisor.sh
source "$here/lib/supervisor.sh"
# shellcheck source=lib/secrets.sh
source "$here/lib/secrets.sh"
# shellcheck source=lib/redis-acl.sh
source "$here/lib/redis-acl.sh"
# shellcheck source=lib/secure-profile.sh
source "$here/lib/secure-profile.sh"

run_dir=${ORDERFLOW_RUN_DIR:-$root/.run}
mkdir -p "$run_dir/logs" "$run_dir/pids"
run_dir=$(cd "$run_dir" && pwd)
binary=${ORDERFLOW_BINARY:-$root/build/default/apps/orderflow/orderflow}
services_conf=${ORDERFLOW_SERVICES_CONF:-$here/services.conf}
infra=${ORDERFLOW_INFRA:-own}
[[ "$infra" == own || "$infra" == external ]] || die "ORDERFLOW_INFRA must be own or external, not '$infra'"
export KAFKA_CLUSTER_DIR=$run_dir/kafka
export REDIS_DIR=$run_dir/redis
export KAFKA_BROKER_PORTS=${KAFKA_BROKER_PORTS:-9092,9093,9094}
export KAFKA_CONTROLLER_PORTS=${KAFKA_CONTROLLER_PORTS:-9192,9193,9194}
export REDIS_PORT=${REDIS_PORT:-6379}
export REDIS_CLUSTER_DIR=$run_dir/redis-cluster
redis_cluster=${REDIS_CLUSTER:-0}
[[ "$redis_cluster" == 0 || "$redis_cluster" == 1 ]] || die "REDIS_CLUSTER must be 0 or 1, not '$redis_cluster'"
IFS=, read -r -a bports <<<"$KAFKA_BROKER_PORTS"
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${bports[0]},127.0.0.1:${bports[1]},127.0.0.1:${bports[2]}}
secure=$(secure_setting)
secrets_dir=$run_dir/secrets
# status, logs and down follow the profile the stack was started with.
if [[ "${1:-}" != up && "$(cat "$run_dir/profile" 2>/dev/null)" == secure ]]; then
  secure=1
fi
if [[ "$secure" == 1 ]]; then
  export KAFKA_SECURITY=sasl_ssl KAFKA_SECRETS_DIR=$secrets_dir
  export REDIS_ACL_FILE=$secrets_dir/redis-users.acl REDIS_ADMIN_PASSWORD_FILE=$secrets_dir/admin.password
fi
if [[ "$secure" == 1 && "$infra" != own ]]; then
  die "SECURE=1 runs its own Kafka and Redis (their credentials are made here): not with ORDERFLOW_INFRA=external"
fi
# Each service's credentials come from its file in the secrets directory; the same settings in
# the environment would win over that file (and hand every service one identity), so they go.
if [[ "$secure" == 1 ]]; then
  for variable in REDIS_URL KAFKA_PROPERTIES_FILE SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO CONSOLE_TOKEN \
    REGISTRY_AUTH_FILE ORDERFLOW_SECRETS_FILE; do
    [[ -n "${!variable+set}" ]] && log "SECURE=1: ignoring $variable from the environment (each service gets its own)"
    unset "$variable"
  done
fi
redis_url=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}
if [[ "$redis_cluster" == 1 && "$secure" == 1 ]]; then
  die "REDIS_CLUSTER=1 is not for SECURE=1 yet: the cluster's nodes have no users and passwords"
fi
if [[ "$redis_cluster" == 1 && -z "${REDIS_URL:-}" ]]; then
  # Three seeds are enough: the services read the slot map and find every node from it.
  IFS=, read -r -a cluster_ports <<<"${REDIS_CLUSTER_PORTS:-7001,7002,7003,7004,7005,7006}"
  redis_url="redis-cluster://127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}"
fi

# A run dir holds one profile's data (Kafka formatted with or without SCRAM users): switching
# needs `make clean` first, said here rather than as authentication errors later.
check_profile() {
  local file=$run_dir/profile wanted recorded
  if [[ "$secure" == 1 ]]; then wanted=secure; else wanted=plaintext; fi
  if [[ -f "$file" ]]; then
    recorded=$(<"$file")
    [[ "$recorded" == "$wanted" ]] ||
      die "$run_dir holds a $recorded stack; this is SECURE=$secure ($wanted): run 'make clean' first (it deletes the data)"
  elif [[ -d "$KAFKA_CLUSTER_DIR" && "$wanted" == secure ]]; then
    die "$run_dir holds a stack made before SECURE=1: run 'make clean' first (it deletes the data)"
  fi
  echo "$wanted" >"$file"
}

# The services `make up` runs after Kafka and Redis, in start order. Each entry:
#   name|health URL (empty: process alive is enough)|orderflow arguments|restart policy
# Their settings come from the environment and `.env` (the binary reads it from the repo root).
services=()
[[ -f "$services_conf" ]] || die "no services list at $services_conf"
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  # The secure profile runs only the services with a principal of their own (lib/secrets.sh).
  if [[ "$secure" == 1 ]] && ! printf '%s\n' "${SECRET_PRINCIPALS[@]}" | grep -qxF "${line%%|*}"; then
    continue
  fi
  services+=("$line")
done <"$services_conf"

service_log() { echo "$run_dir/logs/$1.log"; }
restart_policy() {
  local entry name restart
  for entry in "${services[@]}"; do
    IFS='|' read -r name _ _ restart <<<"$entry"
    [[ "$name" == "$1" ]] && echo "${restart:-always}"
  done
  return 0
}
http_ok() { curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null; }

# Waits until NAME answers on HEALTH (or, without one, runs); fails with its log when
# supervisord gives up on it (FATAL) or it exits.
wait_healthy() {
  local name=$1 health=$2 deadline state exit_status
  deadline=$((SECONDS + 60))
  while :; do
    read -r state _ exit_status <<<"$(sv_program "$name")"
    # A program that may finish (the producer) and did, cleanly, before it was seen healthy.
    if [[ "$state" == EXITED && "$exit_status" == 0 && "$(restart_policy "$name")" == on-failure ]]; then
      log "$name finished (exit 0)"
      return 0
    fi
    case "$state" in
      FATAL | EXITED | STOPPED | absent) fail_with_log "$name exited during start-up ($state)" "$(service_log "$name")" ;;
    esac
    if [[ -n "$health" ]]; then
      http_ok "$health" && break
    elif [[ "$state" == RUNNING ]]; then
      break
    fi
    ((SECONDS < deadline)) || fail_with_log "$name not healthy at ${health:-running} within 60s" "$(service_log "$name")"
    sleep 0.3
  done
  if [[ -n "$health" ]]; then log "$name healthy at $health"; else log "$name running"; fi
}

start_service() {
  local name=$1 health=$2 args=$3 state pid exit_status
  read -r state pid exit_status <<<"$(sv_program "$name")"
  case "$state" in
    RUNNING | STARTING | BACKOFF)
      log "$name already running under supervisord ($state, pid $pid)"
      return 0
      ;;
    EXITED)
      # Done since this supervisord started (the producer's orders are sent): `make up` again
      # does not send them twice; `make down && make up` does.
      if [[ "$exit_status" == 0 && "$(restart_policy "$name")" == on-failure ]]; then
        log "$name finished (exit 0); not started again"
        return 0
      fi
      ;;
  esac
  [[ -x "$binary" ]] || die "$binary is missing: run 'make build' (make up does it)"
  sv_start_program "$name"
  log "started $name under supervisord: orderflow $args"
  wait_healthy "$name" "$health"
}

# A stack started before the services ran under supervisord left pid files: stop those.
stop_legacy_pidfiles() {
  local pidfile name
  for pidfile in "$run_dir"/pids/*.pid; do
    [[ -f "$pidfile" ]] || continue
    name=$(basename "$pidfile" .pid)
    stop_pid "$name" "$pidfile" 30 "$binary"
  done
}

up() {
  if [[ "$infra" == own ]]; then
    check_profile
    [[ "$secure" == 1 ]] && secure_before_infra "$secrets_dir"
    "$here/redis.sh" start
    [[ "$redis_cluster" == 0 ]] || "$here/redis-cluster.sh" start
    "$here/kafka-cluster.sh" start
  fi
  if [[ "$secure" == 1 ]]; then
    secure_write_service_files "$secrets_dir" "$REDIS_PORT"
    secure_create_topics "$secrets_dir"
    secure_load_redis_functions "$secrets_dir"
  fi
  stop_legacy_pidfiles
  sv_write_config
  sv_ensure_running
  local entry name health args
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args _ <<<"$entry"
    start_service "$name" "$health" "$args"
  done
  echo
  echo "orderflow is up (services under supervisord: make status shows restarts):"
  echo "  kafka brokers   $bootstrap"
  # The password, if any, stays out of the terminal.
  echo "  redis           $(sed -E 's#^([a-z]+://[^:/@]*:).*@#\1***@#' <<<"$redis_url")"
  if [[ "$infra" == own && "$redis_cluster" == 1 ]]; then
    echo "  (the services store into the cluster; the single Redis on :$REDIS_PORT is idle)"
  fi
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args _ <<<"$entry"
    printf '  %-15s %s\n' "$name" "${health:-running}"
  done
  if [[ "$infra" == own ]]; then
    echo "  web console     http://127.0.0.1:8080/   (topics as kafka-ui shows them:"
    echo "                  http://127.0.0.1:8080/ui/clusters/kraft/all-topics)"
  fi
  [[ "$secure" == 1 ]] && secure_print "$secrets_dir"
  echo "  status: make status    logs: make logs [NAME]    stop: make down"
}

down() {
  sv_shutdown
  stop_legacy_pidfiles
  if [[ "$infra" == own ]]; then
    "$here/kafka-cluster.sh" stop
    "$here/redis.sh" stop
    # Whatever REDIS_CLUSTER says now: a cluster started earlier is stopped too.
    [[ ! -d "$REDIS_CLUSTER_DIR" ]] || "$here/redis-cluster.sh" stop
  fi
}

# "restarts N, last exit: REASON at TIME" from the listener's state file.
restart_summary() {
  "$(sv_python)" - "$(sv_state_file)" "$1" <<'PY'
import json, sys
try:
    entry = json.load(open(sys.argv[1])).get(sys.argv[2], {})
except (OSError, ValueError):
    entry = {}
text = "restarts %d" % entry.get("restarts", 0)
if entry.get("last_exit"):
    text += ", last exit: %s at %s" % (entry["last_exit"], entry.get("last_exit_at"))
print(text)
PY
}

status() {
  local kafka_status=""
  if [[ "$infra" == own ]]; then
    kafka_status=$("$here/kafka-cluster.sh" status)
    echo "$kafka_status"
    "$here/redis.sh" status
    [[ "$redis_cluster" == 0 && ! -d "$REDIS_CLUSTER_DIR" ]] || "$here/redis-cluster.sh" status
  fi
  local entry name health args state pid shown
  if ! sv_running; then
    printf '%-14s %s\n' supervisord "stopped (make up starts it)"
  fi
  for entry in "${services[@]}"; do
    IFS='|' read -r name health args _ <<<"$entry"
    if ! sv_running; then
      printf '%-14s %-11s %-30s %s\n' "$name" "-" "${health:-}" stopped
      continue
    fi
    read -r state pid _ <<<"$(sv_program "$name")"
    shown=$state
    # STARTING lasts supervisord's startsecs (a minute, for its backoff): health says more.
    if [[ "$state" =~ ^(RUNNING|STARTING)$ && -n "$health" ]]; then
      if http_ok "$health"; then shown=healthy; elif [[ "$state" == RUNNING ]]; then shown=unhealthy; fi
    fi
    case "$state" in
      RUNNING | STARTING) printf '%-14s pid %-7s %-30s %-9s %s\n' "$name" "$pid" "${health:-}" "$shown" "$(restart_summary "$name")" ;;
      *) printf '%-14s %-11s %-30s %-9s %s\n' "$name" "-" "${health:-}" "$shown" "$(restart_summary "$name")" ;;
    esac
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
    supervisord) exec tail -n 50 -F "$(sv_log)" ;;
    *)
      [[ -f "$(service_log "$name")" ]] || die "no log for '$name' (try kafka-1, redis, supervisord, or a service)"
      exec tail -n 50 -F "$(service_log "$name")"
      ;;
  esac
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) logs "${2:-}" ;;
  -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" ;;
  *) die "usage: stack.sh up|down|status|logs [NAME]" ;;
esac
