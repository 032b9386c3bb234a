# shellcheck shell=bash
# The network faults of net_chaos.sh, one function a case: each picks its hosts from the live
# cluster, cuts, holds the cut while orders flow (hold), and leaves healing to the runner
# (heal_case heals every pair it cut, also when a case fails). Sourced after hosts_checks.sh.
# shellcheck disable=SC2154 # root, work, HOSTS_DIR: the runner's

brokers=(kafka-1 kafka-2 kafka-3)
# The pairs a case cut, "A B" a line, in a file: a fault runs in a subshell (a failing one ends
# there), and heal_case still finds what to undo.
cuts_file() { echo "$work/cuts"; }

cut_link() {
  echo "$1 $2" >>"$(cuts_file)"
  stack cut "$@" >/dev/null
}

heal_case() {
  local a b
  [[ -f "$(cuts_file)" ]] || return 0
  while read -r a b; do stack heal "$a" "$b" >/dev/null </dev/null; done <"$(cuts_file)"
  rm -f "$(cuts_file)"
}

# The value the brokers run with, as Kafka logs its config at start (the default is 30000).
broker_setting() {
  sed -n "s/^.*[[:space:]]$1 = \([0-9]*\)$/\1/p" "$HOSTS_DIR/kafka/logs/kafka-1/server.log" | tail -n 1
}

# leader_of PARTITION: the host leading PARTITION of the case's topic, by the metadata.
leader_of() {
  local id
  id=$(stack exec producer kcat -b "$(host_addr kafka-1):9092,$(host_addr kafka-2):9092" -L -t "$topic" -m 5 2>/dev/null |
    sed -n "s/^ *partition $1, leader \([0-9]*\),.*/\1/p")
  [[ "$id" =~ ^[1-3]$ ]] || die "no leader for $topic partition $1 in the metadata"
  echo "kafka-$id"
}

# The active KRaft controller: the quorum's leader.
active_controller() {
  local id
  id=$(stack exec producer "$root/scripts/kafka-cluster.sh" quorum 2>/dev/null |
    sed -n 's/^LeaderId:[[:space:]]*\([0-9]*\).*/\1/p')
  [[ "$id" =~ ^[1-3]$ ]] || die "no KRaft quorum leader"
  echo "kafka-$id"
}

# hold SECONDS WHAT: waits out a fault (wait_for's progress lines).
hold() {
  hold_end=$((SECONDS + $1))
  wait_for "the end of: $2, $1 s" $(($1 + 5)) held
}
held() { ((SECONDS >= hold_end)); }

# The partition leader cut from the other two brokers (both ways; clients still reach it) for
# longer than replica.lag.time.max.ms: it can neither replicate nor shrink its ISR.
fault_net_leader_cut() {
  local leader other lag
  lag=$(broker_setting replica.lag.time.max.ms)
  [[ -n "$lag" ]] || die "replica.lag.time.max.ms not in the broker's log"
  leader=$(leader_of 0)
  for other in "${brokers[@]}"; do [[ "$other" == "$leader" ]] || cut_link "$leader" "$other"; done
  can_reach producer "$leader" 9092 || die "the producer lost $leader too"
  hold $((lag / 1000 + 5)) "$leader (leads $topic-0) cut from the other brokers, replica.lag.time.max.ms=$lag"
}

# consumer-1 cut from every broker but not from Redis for longer than the session timeout (10 s):
# consumer-2 takes its partitions over, while consumer-1's members may still write what they
# had fetched (zombies); the store must count nothing twice.
fault_net_consumer_kafka_cut() {
  local broker
  for broker in "${brokers[@]}"; do cut_link consumer-1 "$broker"; done
  can_reach consumer-1 redis 6379 || die "consumer-1 lost redis too"
  hold 20 "consumer-1 cut from the three brokers (session timeout 10 s)"
}

# consumer-1 cut from Redis but not from the brokers for longer than the session timeout (10 s):
# its writes fail and are held, not committed; its members keep polling, so they stay in their
# groups and must store everything once Redis is back (nothing skipped, nothing twice).
fault_net_consumer_redis_cut() {
  local broker
  cut_link consumer-1 redis
  for broker in "${brokers[@]}"; do can_reach consumer-1 "$broker" 9092 || die "consumer-1 lost $broker too"; done
  hold 20 "consumer-1 cut from redis, not from the brokers (session timeout 10 s)"
}

# A broker that is not the controller isolated from every host.
fault_net_broker_isolated() {
  local controller broker victim=""
  controller=$(active_controller)
  for broker in "${brokers[@]}"; do [[ "$broker" == "$controller" ]] || { victim=$broker; break; }; done
  cut_link "$victim" all
  hold 30 "$victim isolated from every host (controller $controller)"
}

fault_net_controller_isolated() {
  local controller
  controller=$(active_controller)
  cut_link "$controller" all
  hold 30 "the active controller $controller isolated from every host"
}

# The leader of a partition cannot send to another broker, which can still send to it.
fault_net_asymmetric() {
  local leader other
  leader=$(leader_of 0)
  for other in "${brokers[@]}"; do [[ "$other" == "$leader" ]] || break; done
  cut_link "$leader" "$other" --one-way
  hold 30 "$leader (leads $topic-0) cannot send to $other; $other can send to it"
}

loss_link() {
  echo "$1 $2" >>"$(cuts_file)"
  stack loss "$@" >/dev/null
}

# Every link of every broker (to the other brokers and to every client) drops 20 % of its
# packets at random, both ways, for a minute: retransmits, timeouts, re-sends everywhere.
fault_net_packet_loss() {
  local broker
  for broker in "${brokers[@]}"; do loss_link "$broker" all 0.2; done
  hold 60 "20 % packet loss on every broker link"
}

# The link between the producer and the leader of partition 0 down 2 s, up 2 s, for a minute.
fault_net_flapping() {
  local leader end=$((SECONDS + 60)) flaps=0
  leader=$(leader_of 0)
  echo "producer $leader" >>"$(cuts_file)"
  log "  flapping producer <-> $leader (leads $topic-0): down 2 s, up 2 s, for 60 s"
  while ((SECONDS < end)); do
    stack cut producer "$leader" >/dev/null 2>&1
    sleep 2
    stack heal producer "$leader" >/dev/null 2>&1
    sleep 2
    flaps=$((flaps + 1))
    ((flaps % 5)) || log "  $flaps flaps, $(acked_now) acknowledged"
  done
}

registry_leader() {
  local host
  for host in registry-1 registry-2; do
    stack exec producer curl -fsS -m 5 "http://$(host_addr "$host"):8081/health" 2>/dev/null |
      grep -q '"leader":true' && { echo "$host"; return 0; }
  done
  return 1
}

# evolved_schema FIELD: the order schema plus an optional string FIELD (a compatible version).
evolved_schema() {
  python3 -c '
import json, sys
schema = json.load(open(sys.argv[1]))
schema["fields"].append({"name": sys.argv[2], "type": ["null", "string"], "default": None})
print(json.dumps(schema))' "$root/libs/serde/order.avsc" "$1"
}

# register_version VIA FIELD: a new version of the case topic's subject (the order schema plus an
# optional FIELD) through VIA; prints "SECONDS STATUS BODY".
register_version() {
  local body started=$SECONDS answer
  body=$(python3 -c 'import json, sys; print(json.dumps({"schema": sys.argv[1]}))' "$(evolved_schema "$2")")
  answer=$(stack exec producer curl -sS -m 60 -o /dev/stdout -w ' %{http_code}' -X POST \
    -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
    "http://$(host_addr "$1"):8081/subjects/$topic-value/versions" 2>&1 || true)
  echo "$((SECONDS - started)) ${answer##* } ${answer% *}"
}

# The registry leader's host cut from the three brokers (not from the other registry or the
# clients) for 45 s, longer than the election group's session (30 s), while a new version of
# the case topic's subject is registered through the other instance again and again (as a producer
# with a new schema would at start); every answer goes to $work/$case.registry. After the heal
# a registration must succeed and both instances serve it. Orders flow with the schema id the
# producer already holds.
fault_net_registry_leader_cut() {
  local leader follower broker end answer note="$work/$case.registry" field
  leader=$(registry_leader) || die "no registry leader"
  follower=registry-1
  [[ "$leader" == registry-1 ]] && follower=registry-2
  for broker in "${brokers[@]}"; do cut_link "$leader" "$broker"; done
  log "  $leader (registry leader) cut from the brokers; registering through $follower"
  end=$((SECONDS + 45))
  : >"$note"
  # A producer that starts with a new schema now (through registry-2, as on the producer host)
  # and sends one order with it.
  evolved_schema "chaos_producer_$(date +%s%N)" >"$work/$case.avsc"
  (
    started=$SECONDS status=0
    stack exec producer orderflow produce --count 1 --schema-file "$work/$case.avsc" \
      --ack-log "$work/$case.evolved.ack" --failed-file "$work/$case.evolved.failed" \
      >"$work/$case.evolved.log" 2>&1 || status=$?
    echo "producer with a new schema: exit $status after $((SECONDS - started)) s" >>"$note"
  ) &
  local evolved=$!
  while ((SECONDS < end)); do
    answer=$(register_version "$follower" "chaos_$(date +%s%N)")
    echo "t=$((45 - end + SECONDS)) s: $answer" >>"$note"
    log "  register through $follower: $answer"
    sleep 1
  done
  for broker in "${brokers[@]}"; do stack heal "$leader" "$broker" >/dev/null; done
  wait "$evolved"
  field=chaos_healed_$(date +%s%N)
  answer=$(register_version "$follower" "$field")
  echo "healed: $answer" >>"$note"
  [[ "$answer" == *" 200 "* ]] || die "no registration after healing: $answer"
  local host deadline=$((SECONDS + 30))
  for host in registry-1 registry-2; do
    until serves_latest "$host" "$field"; do
      ((SECONDS < deadline)) || die "$host does not serve the version registered after healing"
      sleep 0.5
    done
  done
  log "  healed: registered through $follower, served by both"
}

serves_latest() {
  stack exec producer curl -fsS -m 5 \
    "http://$(host_addr "$1"):8081/subjects/$topic-value/versions/latest" 2>/dev/null | grep -q "$2"
}

# consumer-1's link to Redis 150 ms slower for a minute: what it sends waits in a proxy on its
# host (no tc netem here: hosts-stack.sh delay), its open connections are closed so that they
# come back through the proxy. Every store call and batch write takes a round trip longer;
# nothing may be lost or counted twice.
fault_net_redis_latency() {
  local proxy_log=$HOSTS_DIR/logs/delay-consumer-1-redis.log deadline
  echo "consumer-1 redis" >>"$(cuts_file)"
  stack delay consumer-1 redis 150 >/dev/null
  deadline=$((SECONDS + 20))
  # Both members of consumer-1 (orders-auto, orders-batch) are back, through the proxy.
  until (($(grep -c "^$(host_addr consumer-1) -> $(host_addr redis):6379" "$proxy_log" 2>/dev/null) >= 2)); do
    ((SECONDS < deadline)) || die "consumer-1's members did not reconnect to redis through the delay"
    sleep 0.5
  done
  hold 60 "consumer-1 -> redis +150 ms, both its members through the proxy"
}
