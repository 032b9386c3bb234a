#!/usr/bin/env bash
# A 3-node Apache Kafka cluster in KRaft mode (each node broker+controller, static voters), run
# from the Maven jars with `java`, on 127.0.0.1 (or one address per node, --hosts). Used by
# `make up`, by scripts/hosts-stack.sh (one node per network namespace) and by the tests.
#
#   kafka-cluster.sh start        [options]   format storage on first start, start, wait until ready
#   kafka-cluster.sh start-node N [options]   start one node again (after a kill), wait for it
#                                             (--no-wait: return once started; wait-ready waits)
#   kafka-cluster.sh stop         [options]   SIGTERM every node, SIGKILL after the timeout
#   kafka-cluster.sh stop-node N  [options]
#   kafka-cluster.sh status       [options]   one line per node: pid, port, state
#   kafka-cluster.sh wait-ready   [options]
#   kafka-cluster.sh quorum       [options]   the KRaft quorum: leader, voters, lag
#   kafka-cluster.sh apply-acls   [options]   sasl_ssl: make the cluster's ACLs those of the list
#
# Options (environment in brackets):
#   --dir DIR                  data, logs, pids and configs       [KAFKA_CLUSTER_DIR, default .run/kafka]
#   --broker-ports A,B,C       client listeners                   [KAFKA_BROKER_PORTS, 9092,9093,9094]
#   --controller-ports A,B,C   controller listeners               [KAFKA_CONTROLLER_PORTS, 9192,9193,9194]
#   --hosts A,B,C              each node's IPv4 address: listeners, advertised listeners and
#                              voters                             [KAFKA_NODE_HOSTS, 127.0.0.1 x 3]
#   --heap SIZE                JVM heap per node                  [KAFKA_HEAP, 512m]
#   --timeout S                readiness and stop timeout         [KAFKA_READY_TIMEOUT, 120]
#   --security MODE            plaintext or sasl_ssl              [KAFKA_SECURITY, plaintext]
#   --secrets DIR              the secure profile's secrets       [KAFKA_SECRETS_DIR; needed with sasl_ssl]
#
# plaintext: no authentication, no ACLs, every listener on loopback (the default profile).
# sasl_ssl (scripts/kafka/README.md): clients and brokers on SASL_SSL with SCRAM-SHA-512, the
# controller listener on mutual TLS, the StandardAuthorizer with the ACLs of
# scripts/kafka/acls.txt (applied by `start` and by `apply-acls`), and in the secrets dir the CA,
# the node certificates, and per principal DIR/<principal>.properties (librdkafka, `kcat -F`)
# plus DIR/admin.java.properties for Kafka's Java tools.
# KAFKA_SKIP_PORT_CHECK=1 skips the free-port check before start (tests use it to prove the
# readiness wait itself reports a node that cannot bind).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"
# shellcheck source=lib/secrets.sh
source "$here/lib/secrets.sh"
# shellcheck source=lib/kafka-tls.sh
source "$here/lib/kafka-tls.sh"
# shellcheck source=kafka/sasl-ssl.sh
source "$here/kafka/sasl-ssl.sh"

dir=${KAFKA_CLUSTER_DIR:-$root/.run/kafka}
broker_ports=${KAFKA_BROKER_PORTS:-9092,9093,9094}
controller_ports=${KAFKA_CONTROLLER_PORTS:-9192,9193,9194}
heap=${KAFKA_HEAP:-512m}
timeout=${KAFKA_READY_TIMEOUT:-120}
security=${KAFKA_SECURITY:-plaintext}
secrets=${KAFKA_SECRETS_DIR:-}
node_hosts=${KAFKA_NODE_HOSTS:-127.0.0.1,127.0.0.1,127.0.0.1}
wait_started=1

command=${1:-}
[[ -n "$command" ]] || die "usage: kafka-cluster.sh start|start-node N|stop|stop-node N|status|wait-ready|quorum|apply-acls [options]"
shift
node_arg=""
if [[ "$command" == start-node || "$command" == stop-node ]]; then
  node_arg=${1:-}
  [[ "$node_arg" =~ ^[123]$ ]] || die "$command needs a node id 1, 2 or 3"
  shift
fi
while (($#)); do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --broker-ports) broker_ports=$2; shift 2 ;;
    --controller-ports) controller_ports=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --security) security=$2; shift 2 ;;
    --secrets) secrets=$2; shift 2 ;;
    --hosts) node_hosts=$2; shift 2 ;;
    --no-wait) wait_started=0; shift ;;
    *) die "unknown option $1" ;;
  esac
done

IFS=, read -r -a bports <<<"$broker_ports"
IFS=, read -r -a cports <<<"$controller_ports"
((${#bports[@]} == 3)) || die "--broker-ports needs 3 ports, got '$broker_ports'"
((${#cports[@]} == 3)) || die "--controller-ports needs 3 ports, got '$controller_ports'"
IFS=, read -r -a hosts <<<"$node_hosts"
((${#hosts[@]} == 3)) || die "--hosts (KAFKA_NODE_HOSTS) needs 3 addresses, got '$node_hosts'"
for host in "${hosts[@]}"; do
  [[ "$host" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] ||
    die "--hosts (KAFKA_NODE_HOSTS) takes IPv4 addresses, got '$host' in '$node_hosts'"
done
case "$security" in
  plaintext) ;;
  sasl_ssl)
    [[ -n "$secrets" ]] || die "--security sasl_ssl needs --secrets DIR (KAFKA_SECRETS_DIR)"
    secret_dir_init "$secrets"
    secrets=$(cd "$secrets" && pwd)
    # The node certificates (lib/kafka-tls.sh) name 127.0.0.1 only.
    [[ "$node_hosts" == 127.0.0.1,127.0.0.1,127.0.0.1 ]] ||
      die "--hosts (KAFKA_NODE_HOSTS) other than 127.0.0.1 needs --security plaintext"
    ;;
  *) die "--security (KAFKA_SECURITY) must be plaintext or sasl_ssl, got '$security'" ;;
esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bootstrap="${hosts[0]}:${bports[0]},${hosts[1]}:${bports[1]},${hosts[2]}:${bports[2]}"
# address N -> node N's client listener, host:port.
address() { echo "${hosts[$1 - 1]}:${bports[$1 - 1]}"; }

# A cluster keeps the profile it was formatted with: its SCRAM credentials exist only if it was
# formatted for sasl_ssl, and a sasl_ssl cluster started as plaintext would be open.
require_same_profile() {
  local formatted=plaintext
  [[ -f "$dir/cluster.id" ]] || return 0
  [[ -f "$dir/security" ]] && formatted=$(<"$dir/security")
  [[ "$formatted" == "$security" ]] ||
    die "the cluster in $dir was formatted for --security $formatted, not $security (KAFKA_SECURITY): use another --dir, or remove $dir to start afresh"
}

# kcat_at N ARGS...: kcat against node N (as admin with sasl_ssl).
kcat_at() {
  local n=$1
  shift
  if [[ "$security" == sasl_ssl ]]; then
    kcat -F "$secrets/admin.properties" -b "$(address "$n")" "$@"
  else
    kcat -b "$(address "$n")" "$@"
  fi
}

pidfile() { echo "$dir/pids/kafka-$1.pid"; }
# What node N's java command line contains: its own config file, so a pid reused by any other
# process (another cluster's node included) is not taken for it.
marker() { echo "kafka.Kafka $dir/conf/server-$1.properties"; }
nodelog() { echo "$dir/logs/kafka-$1/server.log"; }
stdoutlog() { echo "$dir/logs/kafka-$1.out"; }

libs() { "$here/fetch-kafka.sh"; }

write_config() {
  local n=$1 i voters=""
  for i in 1 2 3; do voters+="${voters:+,}$i@${hosts[i - 1]}:${cports[i - 1]}"; done
  local client=PLAINTEXT controller=PLAINTEXT
  if [[ "$security" == sasl_ssl ]]; then client=SASL_SSL controller=SSL; fi
  mkdir -p "$dir/conf" "$dir/node-$n"
  # 0600 before anything is written: with sasl_ssl the file holds the broker's password.
  touch "$dir/conf/server-$n.properties"
  chmod 0600 "$dir/conf/server-$n.properties"
  cat >"$dir/conf/server-$n.properties" <<PROPS
# Written by scripts/kafka-cluster.sh; edit the script, not this file.
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=$client://$(address "$n"),CONTROLLER://${hosts[n - 1]}:${cports[n - 1]}
advertised.listeners=$client://$(address "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:$controller,$client:$client
inter.broker.listener.name=$client
log.dirs=$dir/node-$n/data
num.partitions=5
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
# Sized for a 2-core machine that runs three nodes plus the clients.
num.network.threads=2
num.io.threads=4
background.threads=4
num.replica.fetchers=1
log.cleaner.threads=1
num.recovery.threads.per.data.dir=1
log.retention.hours=168
PROPS
  if [[ "$security" == sasl_ssl ]]; then
    sasl_ssl_node_config "$n" >>"$dir/conf/server-$n.properties"
  fi
}

format_storage() {
  local n=$1 cid
  [[ -f "$dir/node-$n/data/meta.properties" ]] && return 0
  if [[ ! -f "$dir/cluster.id" ]]; then
    echo "$security" >"$dir/security"
    java -cp "$(libs)/*" -Dlog4j.configuration="file:$here/kafka/tools-log4j.properties" \
      kafka.tools.StorageTool random-uuid >"$dir/cluster.id"
  fi
  cid=$(<"$dir/cluster.id")
  local -a scram=()
  if [[ "$security" == sasl_ssl ]]; then mapfile -t scram < <(format_scram_args); fi
  log "formatting storage of kafka node $n (cluster id $cid)"
  java -Xmx256m -cp "$(libs)/*" -Dlog4j.configuration="file:$here/kafka/tools-log4j.properties" \
    kafka.tools.StorageTool format -t "$cid" -c "$dir/conf/server-$n.properties" -g \
    "${scram[@]}" >/dev/null
}

start_node() {
  local n=$1 l
  if pid_alive "$(pidfile "$n")" "$(marker "$n")"; then
    log "kafka node $n already running (pid $(<"$(pidfile "$n")"))"
    return 0
  fi
  if [[ "${KAFKA_SKIP_PORT_CHECK:-0}" != 1 ]]; then
    require_free_port "${bports[n - 1]}" "kafka node $n client listener"
    require_free_port "${cports[n - 1]}" "kafka node $n controller listener"
  fi
  write_config "$n"
  format_storage "$n"
  l=$(libs)
  mkdir -p "$dir/logs/kafka-$n"
  start_bg "$(pidfile "$n")" "$(stdoutlog "$n")" "$(marker "$n")" \
    java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$dir/logs/kafka-$n" -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$l/*" kafka.Kafka "$dir/conf/server-$n.properties"
  log "started kafka node $n (pid $(<"$(pidfile "$n")")) on $(address "$n")"
}

node_alive_or_fail() {
  local n=$1
  if ! pid_alive "$(pidfile "$n")" "$(marker "$n")"; then
    tail -n 5 "$(stdoutlog "$n")" 2>/dev/null | sed 's/^/    /' >&2 || true
    # The cause is usually the first ERROR; the tail after it is shutdown noise.
    log "errors in $(nodelog "$n"):"
    grep -m 3 -A 2 -E '^\[[^]]*\] (ERROR|FATAL)' "$(nodelog "$n")" 2>/dev/null | cut -c1-400 | sed 's/^/    /' >&2 || true
    fail_with_log "kafka node $n exited during start-up (see $(nodelog "$n"))" "$(nodelog "$n")"
  fi
}

# One restarted node is back when its process runs and its listener answers metadata.
wait_node() {
  local n=$1 deadline=$((SECONDS + timeout))
  until kcat_at "$n" -L -m 3 >/dev/null 2>&1; do
    node_alive_or_fail "$n"
    ((SECONDS < deadline)) || die "kafka node $n did not answer on $(address "$n") within ${timeout}s"
    sleep 0.5
  done
  log "kafka node $n answers on $(address "$n")"
}

# The cluster is ready when every node's process runs, every client port answers metadata
# with 3 brokers, and the KRaft quorum has a leader.
wait_ready() {
  local deadline=$((SECONDS + timeout)) n brokers leader=""
  log "waiting up to ${timeout}s for 3 brokers and a quorum leader"
  while ((SECONDS < deadline)); do
    for n in 1 2 3; do node_alive_or_fail "$n"; done
    brokers=0
    for n in 1 2 3; do
      if kcat_at "$n" -L -m 3 2>/dev/null | grep -q '^ *3 brokers:'; then
        brokers=$((brokers + 1))
      fi
    done
    if ((brokers == 3)); then
      leader=$(quorum 2>/dev/null | sed -n 's/^LeaderId:[[:space:]]*\([0-9]*\).*/\1/p')
      if [[ -n "$leader" && "$leader" != "-1" ]]; then
        log "kafka ready: 3 brokers at $bootstrap, quorum leader node $leader"
        return 0
      fi
    fi
    sleep 1
  done
  for n in 1 2 3; do
    log "last lines of $(nodelog "$n"):"
    tail -n 8 "$(nodelog "$n")" 2>/dev/null | sed 's/^/    /' >&2 || true
  done
  die "kafka not ready after ${timeout}s (brokers answering with 3 brokers: ${brokers:-0}/3, quorum leader: ${leader:-none})"
}

quorum() {
  local -a auth=()
  if [[ "$security" == sasl_ssl ]]; then auth=(--command-config "$secrets/admin.java.properties"); fi
  java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$(libs)/*" \
    -Dlog4j.configuration="file:$here/kafka/tools-log4j.properties" \
    org.apache.kafka.tools.MetadataQuorumCommand --bootstrap-server "$bootstrap" \
    "${auth[@]}" describe --status
}

status() {
  local n state
  for n in 1 2 3; do
    if pid_alive "$(pidfile "$n")" "$(marker "$n")"; then
      if kcat_at "$n" -L -m 2 >/dev/null 2>&1; then state=healthy; else state=starting; fi
      printf 'kafka-%s  pid %-7s %-15s %s\n' "$n" "$(<"$(pidfile "$n")")" "$(address "$n")" "$state"
    else
      printf 'kafka-%s  %-11s %-15s %s\n' "$n" "-" "$(address "$n")" stopped
    fi
  done
}

case "$command" in
  start)
    require_same_profile
    libs >/dev/null
    if [[ "$security" == sasl_ssl ]]; then sasl_ssl_prepare; fi
    for n in 1 2 3; do start_node "$n"; done
    wait_ready
    if [[ "$security" == sasl_ssl ]]; then apply_acls; fi
    ;;
  start-node)
    require_same_profile
    if [[ "$security" == sasl_ssl ]]; then sasl_ssl_prepare; fi
    start_node "$node_arg"
    ((wait_started == 0)) || wait_node "$node_arg"
    ;;
  stop)
    for n in 1 2 3; do stop_pid "kafka node $n" "$(pidfile "$n")" "$timeout" "$(marker "$n")" & done
    wait
    ;;
  stop-node) stop_pid "kafka node $node_arg" "$(pidfile "$node_arg")" "$timeout" "$(marker "$node_arg")" ;;
  status) status ;;
  wait-ready) wait_ready ;;
  quorum) quorum ;;
  apply-acls)
    [[ "$security" == sasl_ssl ]] || die "apply-acls needs --security sasl_ssl (KAFKA_SECURITY)"
    apply_acls
    ;;
  *) die "unknown command $command" ;;
esac
