# shellcheck shell=bash
# What runs on each host of scripts/hosts-stack.sh, how it is started inside the host's
# namespace and how its health is read there. Kafka and Redis through kafka-cluster.sh and
# redis.sh, bound to their host's address; the services are the orderflow binary. Redis off
# loopback refuses clients without a password (protected mode), so it runs with the ACL users
# of lib/redis-acl.sh: each consumer as its own user, everything else (exec) as admin.
# Sourced after lib/proc.sh, lib/secrets.sh, lib/redis-acl.sh and lib/hosts.sh, by a script
# that sets `here` (its scripts/ dir);
# services_init DIR BINARY before use.
#
# The pipeline's topic is the layout's state (pipeline_topic, `hosts-stack.sh topic`): topic T
# means groups T-auto and T-batch and dead letters in T.dlq, so `orders` is the defaults.

kafka_port=9092
kafka_controller_port=9093
redis_port=6379
registry_port=8081
# Status servers listen on each host's own loopback.
producer_status_port=8091
auto_status_port=8092
batch_status_port=8093

services_init() {
  services_dir=$1
  services_binary=$2
  # What kafka-cluster.sh and redis.sh read, for `up` and for `exec HOST scripts/...`.
  export KAFKA_CLUSTER_DIR=$services_dir/kafka
  KAFKA_NODE_HOSTS="$(host_addr kafka-1),$(host_addr kafka-2),$(host_addr kafka-3)"
  export KAFKA_NODE_HOSTS
  export KAFKA_BROKER_PORTS=$kafka_port,$kafka_port,$kafka_port
  export KAFKA_CONTROLLER_PORTS=$kafka_controller_port,$kafka_controller_port,$kafka_controller_port
  REDIS_HOST=$(host_addr redis)
  export REDIS_DIR=$services_dir/redis REDIS_HOST REDIS_PORT=$redis_port
  secrets_dir=$services_dir/secrets
  export REDIS_ACL_FILE=$secrets_dir/redis-users.acl REDIS_ADMIN_PASSWORD_FILE=$secrets_dir/admin.password
}

pipeline_topic_file() { echo "$services_dir/pipeline-topic"; }
pipeline_topic() {
  local file
  file=$(pipeline_topic_file)
  if [[ -s "$file" ]]; then cat "$file"; else echo orders; fi
}

bootstrap_servers() {
  echo "$(host_addr kafka-1):$kafka_port,$(host_addr kafka-2):$kafka_port,$(host_addr kafka-3):$kafka_port"
}

registry_url() { echo "http://$(host_addr "$1"):$registry_port"; }

# host_env HOST [REDIS_USER]: the client settings of a process on HOST, VAR=value a line; it
# logs in to Redis as REDIS_USER (admin by default).
host_env() {
  local registry=registry-2 user=${2:-admin}
  [[ "$1" == consumer-1 || "$1" == registry-1 ]] && registry="registry-1"
  echo "KAFKA_BOOTSTRAP_SERVERS=$(bootstrap_servers)"
  echo "REDIS_URL=redis://$user:$(secret_password "$secrets_dir" "$user")@$(host_addr redis):$redis_port/0"
  echo "SCHEMA_REGISTRY_URL=$(registry_url "$registry")"
  local topic
  topic=$(pipeline_topic)
  echo "ORDERS_TOPIC=$topic"
  echo "DLQ_TOPIC=$topic.dlq"
  echo "AUDIT_GROUPS=$topic-auto,$topic-batch"
  # A .env where the command runs is the caller's, not the layout's.
  echo "ORDERFLOW_ENV_FILE=$services_dir/no.env"
}

# The settings travel in the environment, never on a command line (REDIS_URL holds a password).
# host_exec HOST CMD...: CMD in HOST with its settings; `orderflow` finds the stack's binary.
host_exec() {
  local host=$1 variables
  shift
  mapfile -t variables < <(host_env "$host")
  local path
  path="$(dirname "$services_binary"):$PATH"
  (
    export "${variables[@]}" PATH="$path"
    in_host "$host" "$@"
  )
}

pidfile_of() { echo "$services_dir/pids/$1-$2.pid"; }
log_of() { echo "$services_dir/logs/$1-$2.log"; }
# What /proc/PID/cmdline shows for a service: the binary and its arguments.
marker_of() { echo "$services_binary $1"; }

# start_service HOST NAME ARGS...: the orderflow binary in HOST, detached, logging to its file;
# NAME is its Redis user when it has one.
start_service() {
  local host=$1 name=$2 variables user=admin
  shift 2
  [[ "$name" == consumer-* ]] && user=$name
  mapfile -t variables < <(host_env "$host" "$user")
  # consumer-auto is a member of T-auto, consumer-batch of T-batch.
  [[ "$name" != consumer-* ]] || variables+=("CONSUMER_GROUP=$(pipeline_topic)-${name#consumer-}")
  mkdir -p "$services_dir/$host"
  (
    export "${variables[@]}"
    cd "$services_dir/$host" || exit 1
    start_bg "$(pidfile_of "$host" "$name")" "$(log_of "$host" "$name")" "$(marker_of "$*")" \
      ip netns exec "$(host_netns "$host")" "$services_binary" "$@"
  )
  log "started $name on $host: orderflow $*"
}

service_alive() {
  local host=$1 name=$2 args=$3
  pid_alive "$(pidfile_of "$host" "$name")" "$(marker_of "$args")"
}

# wait_http HOST NAME ARGS URL: until URL answers 2xx inside HOST; fails with the service's log
# when it exits first or takes longer than a minute.
wait_http() {
  local host=$1 name=$2 args=$3 url=$4 deadline=$((SECONDS + 60))
  until in_host "$host" curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null; do
    service_alive "$host" "$name" "$args" || fail_with_log "$name on $host exited during start-up" "$(log_of "$host" "$name")"
    ((SECONDS < deadline)) || fail_with_log "$name on $host not healthy at $url within 60s" "$(log_of "$host" "$name")"
    sleep 0.3
  done
  log "$name on $host healthy at $url"
}

# shellcheck disable=SC2154 # here: the sourcing script's scripts/ dir
start_redis() {
  redis_acl_write "$secrets_dir" "$(pipeline_topic)"
  in_host redis "$here/redis.sh" start
  # The consumers' users may FCALL the store's function library but not load it (that would
  # change code other users run): admin loads it, as `SECURE=1 make up` does.
  log "redis: $(host_exec redis "$services_binary" admin redis-functions) (as admin)"
}

# Each node in its own host, started without waiting (a node alone has no quorum), then the
# cluster is waited for from kafka-1, which reaches the other two over the bridge.
start_kafka() {
  local n
  for n in 1 2 3; do in_host "kafka-$n" "$here/kafka-cluster.sh" start-node "$n" --no-wait; done
  in_host kafka-1 "$here/kafka-cluster.sh" wait-ready
}

registry_args() { echo "registry --listen $(host_addr "$1"):$registry_port"; }

start_registry() {
  local host=$1 args
  args=$(registry_args "$host")
  # shellcheck disable=SC2086 # the arguments are words
  start_service "$host" registry $args
  wait_http "$host" registry "$args" "$(registry_url "$host")/ready"
}

consumer_args() {
  if [[ "$1" == auto ]]; then
    echo "consume --auto-commit true --metrics-port $auto_status_port"
  else
    echo "consume --auto-commit false --metrics-port $batch_status_port"
  fi
}

start_consumers() {
  local host=$1 mode args port
  for mode in auto batch; do
    args=$(consumer_args "$mode")
    port=$auto_status_port
    [[ "$mode" == batch ]] && port=$batch_status_port
    # shellcheck disable=SC2086
    start_service "$host" "consumer-$mode" $args
    wait_http "$host" "consumer-$mode" "$args" "http://127.0.0.1:$port/health"
  done
}

producer_args() {
  echo "produce --metrics-port $producer_status_port --failed-file $services_dir/producer/failed-orders.jsonl"
}

start_producer() {
  local args
  args=$(producer_args)
  # shellcheck disable=SC2086
  start_service producer producer $args
}

# stop_pipeline: the producer service and the four consumers, at once; each consumer leaves its
# group on the way out.
stop_pipeline() {
  local host mode
  [[ ! -f "$(pidfile_of producer producer)" ]] ||
    stop_pid "producer on producer" "$(pidfile_of producer producer)" 20 "$(marker_of "$(producer_args)")" &
  for host in consumer-1 consumer-2; do
    for mode in auto batch; do
      stop_pid "consumer-$mode on $host" "$(pidfile_of "$host" "consumer-$mode")" 20 \
        "$(marker_of "$(consumer_args "$mode")")" &
    done
  done
  wait
}

# switch_topic TOPIC: the pipeline moved to TOPIC. The producer service and the consumers stop,
# the consumers' Redis users get the keys of the new groups instead of the old ones (the ACL file
# written again and loaded), and the consumers start on both hosts in TOPIC-auto and TOPIC-batch;
# the producer service too when it ran. Commands run with `exec` use TOPIC from now on.
switch_topic() {
  local topic=$1 producer_ran=0 answer
  ! service_alive producer producer "$(producer_args)" || producer_ran=1
  stop_pipeline
  echo "$topic" >"$(pipeline_topic_file)"
  redis_acl_write "$secrets_dir" "$topic"
  answer=$(REDISCLI_AUTH=$(<"$REDIS_ADMIN_PASSWORD_FILE") in_host redis \
    redis-cli --user admin -h "$(host_addr redis)" -p "$redis_port" ACL LOAD 2>&1)
  [[ "$answer" == OK ]] || die "redis ACL LOAD answered: $answer"
  log "redis: consumer-auto may touch $topic-auto's keys, consumer-batch $topic-batch's"
  start_consumers consumer-1
  start_consumers consumer-2
  ((producer_ran == 0)) || start_producer
}

# stop_services: the orderflow services first, while Kafka and Redis are there to close against
# (a consumer leaves its groups, the registry its election), then Kafka and Redis.
stop_services() {
  local host
  stop_pipeline
  for host in registry-1 registry-2; do
    stop_pid "registry on $host" "$(pidfile_of "$host" registry)" 20 "$(marker_of "$(registry_args "$host")")" &
  done
  wait
  "$here/kafka-cluster.sh" stop --timeout 30 &
  "$here/redis.sh" stop &
  wait
}

# health_word HOST URL: healthy / unhealthy by the answer inside HOST.
health_word() {
  if in_host "$1" curl -fsS -m 2 -o /dev/null "$2" 2>/dev/null; then echo healthy; else echo unhealthy; fi
}

# process_line HOST NAME ARGS HEALTH_URL: "name pid N health" or "name stopped".
process_line() {
  local host=$1 name=$2 args=$3 url=$4
  if service_alive "$host" "$name" "$args"; then
    printf '%s pid %s %s' "$name" "$(<"$(pidfile_of "$host" "$name")")" "$(health_word "$host" "$url")"
  else
    printf '%s stopped' "$name"
  fi
}

registry_role() {
  local body
  body=$(in_host "$1" curl -fsS -m 2 "$(registry_url "$1")/health" 2>/dev/null || true)
  if grep -q '"leader":true' <<<"$body"; then echo leader; elif [[ -n "$body" ]]; then echo follower; fi
}

# host_processes HOST: one line of HOST's processes and their health.
host_processes() {
  local host=$1 n
  case "$host" in
    kafka-*)
      n=${host#kafka-}
      in_host "$host" "$here/kafka-cluster.sh" status 2>/dev/null | sed -n "s/^kafka-$n  *\(pid [0-9]*\|-\) .* \([a-z]*\)$/kafka \1 \2/p" | tr -d '\n'
      ;;
    redis) in_host redis "$here/redis.sh" status 2>/dev/null | sed -n 's/^redis  *\(pid [0-9]*\|-\) .* \([a-z]*\)$/redis \1 \2/p' | tr -d '\n' ;;
    registry-*)
      process_line "$host" registry "$(registry_args "$host")" "$(registry_url "$host")/ready"
      printf ' %s' "$(registry_role "$host")"
      ;;
    consumer-*)
      process_line "$host" consumer-auto "$(consumer_args auto)" "http://127.0.0.1:$auto_status_port/health"
      printf ', '
      process_line "$host" consumer-batch "$(consumer_args batch)" "http://127.0.0.1:$batch_status_port/health"
      ;;
    producer)
      if [[ -f "$(pidfile_of producer producer)" ]]; then
        process_line producer producer "$(producer_args)" "http://127.0.0.1:$producer_status_port/health"
      else
        printf 'nothing started (HOSTS_PRODUCER=off)'
      fi
      ;;
  esac
}
