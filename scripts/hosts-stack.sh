#!/usr/bin/env bash
# The orderflow stack as separate hosts on one machine: each host a network namespace with its
# own address on a private bridge, running the same scripts and binary as `make up`.
#
#   hosts-stack.sh up                 lay out the hosts, start everything, wait until healthy
#   hosts-stack.sh down               stop every process, remove namespaces, veths and bridge
#   hosts-stack.sh status             each host: address, processes and their health, cuts
#   hosts-stack.sh topic [TOPIC]      move the pipeline to TOPIC: the consumers start again in
#                                     groups TOPIC-auto and TOPIC-batch (their Redis users get
#                                     those groups' keys), dead letters go to TOPIC.dlq, and
#                                     `exec` runs commands with TOPIC [orders after `up`];
#                                     without TOPIC, print the pipeline's topic
#   hosts-stack.sh exec HOST CMD...   CMD inside HOST, with that host's client settings in the
#                                     environment (`orderflow` is the stack's binary)
#   hosts-stack.sh cut A B [--one-way]   drop traffic between A and B (--one-way: A to B only);
#                                        B may be `all` (A isolated from every other host)
#   hosts-stack.sh loss A B P            A and B each drop the share P (0.2: 20 %) of their
#                                        packets to the other, at random (B: or all)
#   hosts-stack.sh delay A B MS          what A sends to B arrives MS ms later (a proxy in A;
#                                        A's open connections to B are closed to go through it)
#   hosts-stack.sh heal A B              undo cuts, losses and delays between A and B, both
#                                        directions (B: or all)
#
# Hosts (HOSTS_SUBNET .11 ...): kafka-1..3 .11-.13 (broker+controller each, :9092, controller
# :9093), redis .21 (:6379), registry-1 and registry-2 .31 .32 (:8081, one election group),
# consumer-1 and consumer-2 .41 .42 (one member of each of the topic's groups on each,
# /health on the host's 127.0.0.1:8092 and :8093), producer .51 (/health on its 127.0.0.1:8091).
# consumer-1 asks registry-1, consumer-2 and the producer ask registry-2.
# Needs root (namespaces, iptables inside them); never touches the machine's own interfaces,
# routes or firewall. Every other setting of the services comes from the environment, as with
# `make up`.
#
# Environment:
#   HOSTS_DIR       data, logs and pids                           [.run/hosts]
#   HOSTS_NAME      prefix of every namespace and link             [ofh; or the one `up` used]
#   HOSTS_SUBNET    the private /24, first three bytes             [10.213.0]
#   HOSTS_PRODUCER  on: `up` starts the producer service (PRODUCE_COUNT orders every
#                   PRODUCE_INTERVAL); off: the producer host runs nothing until you exec [on]
#   ORDERFLOW_BINARY  the orderflow binary                        [build/default/apps/orderflow/orderflow]
#   KAFKA_HEAP, KAFKA_READY_TIMEOUT                                (as kafka-cluster.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"
# shellcheck source=lib/secrets.sh
source "$here/lib/secrets.sh"
# shellcheck source=lib/redis-acl.sh
source "$here/lib/redis-acl.sh"
# shellcheck source=lib/hosts.sh
source "$here/lib/hosts.sh"
# shellcheck source=lib/hosts-services.sh
source "$here/lib/hosts-services.sh"

dir=${HOSTS_DIR:-$root/.run/hosts}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
binary=${ORDERFLOW_BINARY:-$root/build/default/apps/orderflow/orderflow}
producer=${HOSTS_PRODUCER:-on}
[[ "$producer" == on || "$producer" == off ]] || die "HOSTS_PRODUCER must be on or off, got '$producer'"
command=${1:-}
[[ -n "$command" ]] || die "usage: hosts-stack.sh up|down|status|topic TOPIC|exec HOST CMD...|cut A B [--one-way]|loss A B P|delay A B MS|heal A B"
shift

# down and status find the layout `up` made in this dir unless told otherwise.
layout_file=$dir/layout
if [[ "$command" != up && -f "$layout_file" ]]; then
  read -r saved_name saved_subnet <"$layout_file"
  hosts_init "${HOSTS_NAME:-$saved_name}" "${HOSTS_SUBNET:-$saved_subnet}"
else
  hosts_init "${HOSTS_NAME:-ofh}" "${HOSTS_SUBNET:-10.213.0}"
fi
services_init "$dir" "$binary"

require_root() {
  [[ $(id -u) -eq 0 ]] || die "hosts-stack.sh $command needs root (network namespaces, iptables)"
  command -v ip >/dev/null || die "ip (iproute2) not found: scripts/install-deps.sh installs it"
  command -v iptables >/dev/null || die "iptables not found: scripts/install-deps.sh installs it"
}

require_network() {
  hosts_network_exists || die "no layout '$hosts_name' is up (hosts-stack.sh up)"
}

up() {
  require_root
  [[ -x "$binary" ]] || die "$binary is missing: build it (make build, or cmake --build --preset default --target orderflow)"
  if hosts_network_exists; then
    log "removing the leftover layout '$hosts_name' first"
    stop_services || true
    hosts_remove_network 10
  fi
  hosts_require_free_subnet
  echo "$hosts_name $hosts_subnet" >"$layout_file"
  rm -f "$(pipeline_topic_file)"
  hosts_create_network
  start_redis
  start_kafka
  start_registry registry-1
  start_registry registry-2
  start_consumers consumer-1
  start_consumers consumer-2
  [[ "$producer" == off ]] || start_producer
  echo
  echo "orderflow is up as hosts on the bridge $hosts_bridge ($hosts_subnet.0/24):"
  status
  echo "  a shell on a host: scripts/hosts-stack.sh exec consumer-1 bash"
  echo "  cut a link: scripts/hosts-stack.sh cut consumer-1 redis; heal: ... heal consumer-1 redis"
  echo "  stop: scripts/hosts-stack.sh down"
}

down() {
  require_root
  # Whatever a crash left, the namespaces' processes and links go below; this is the polite part.
  hosts_network_exists && { stop_services || true; }
  hosts_remove_network 10
  log "layout '$hosts_name' removed (data and logs stay in $dir)"
}

status() {
  local host
  for host in $(hosts_names); do
    if [[ ! -e "/run/netns/$(host_netns "$host")" ]]; then
      printf '%-11s %-13s %s\n' "$host" "$(host_addr "$host")" "no namespace"
      continue
    fi
    printf '%-11s %-13s %s' "$host" "$(host_addr "$host")" "$(host_processes "$host")"
    local cuts losses delays
    cuts=$(hosts_cuts "$host")
    losses=$(hosts_cuts "$host" loss)
    delays=$(hosts_cuts "$host" delay)
    echo "${cuts:+ | cut: $cuts}${losses:+ | loss: $losses}${delays:+ | delay: $delays}"
  done
  local topic
  topic=$(pipeline_topic)
  echo "pipeline: topic $topic, groups $topic-auto and $topic-batch, dead letters $topic.dlq"
}

case "$command" in
  up) up ;;
  down) down ;;
  status)
    require_root
    require_network
    status
    ;;
  topic)
    require_root
    require_network
    (($# <= 1)) || die "usage: hosts-stack.sh topic [TOPIC]"
    if (($# == 0)); then
      pipeline_topic
      exit 0
    fi
    # A legal Kafka topic, and nothing a Redis key pattern would read as a wildcard.
    [[ "$1" =~ ^[A-Za-z0-9._-]{1,200}$ ]] || die "'$1' is not a topic name this layout takes (1-200 of A-Z a-z 0-9 . _ -)"
    switch_topic "$1"
    log "the pipeline is on topic $1 (groups $1-auto, $1-batch)"
    ;;
  exec)
    require_root
    require_network
    (($# >= 2)) || die "usage: hosts-stack.sh exec HOST CMD..."
    hosts_require_known "$1"
    host=$1
    shift
    host_exec "$host" "$@"
    ;;
  cut)
    require_root
    require_network
    (($# == 2 || $# == 3)) || die "usage: hosts-stack.sh cut A B [--one-way]"
    one_way=0
    if (($# == 3)); then
      [[ "$3" == --one-way ]] || die "unknown option $3 (cut A B [--one-way])"
      one_way=1
    fi
    hosts_cut "$1" "$2" "$one_way"
    log "cut $1 -> $2$( ((one_way)) || echo " and $2 -> $1")"
    ;;
  loss)
    require_root
    require_network
    (($# == 3)) || die "usage: hosts-stack.sh loss A B P (P: a probability, like 0.2)"
    hosts_loss "$1" "$2" "$3"
    log "$1 <-> $2: each drops $3 of its packets to the other"
    ;;
  delay)
    require_root
    require_network
    (($# == 3)) || die "usage: hosts-stack.sh delay A B MS"
    mkdir -p "$dir/logs"
    hosts_delay "$1" "$2" "$3" "$dir/logs/delay-$1-$2.log"
    log "$1 -> $2: +$3 ms (proxy log $dir/logs/delay-$1-$2.log)"
    ;;
  heal)
    require_root
    require_network
    (($# == 2)) || die "usage: hosts-stack.sh heal A B"
    hosts_heal "$1" "$2"
    log "healed $1 <-> $2"
    ;;
  -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" ;;
  *) die "unknown command $command (up|down|status|topic|exec|cut|loss|delay|heal)" ;;
esac
