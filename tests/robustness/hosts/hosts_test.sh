#!/usr/bin/env bash
# The stack as hosts (fixture `hosts`, scripts/hosts-stack.sh): clients on other addresses than
# Kafka, Redis and the registries, and a real link fault.
#
#   hosts_test.sh pipeline     brokers advertise their hosts' addresses; the pipeline moved to
#                              a topic of its own (hosts-stack.sh topic): the consumers' Redis
#                              users lose the old groups' keys; orders from the producer host,
#                              stored once by both new groups
#   hosts_test.sh registry     a schema registered through the follower registry reaches the
#                              leader and is read from both; with the follower cut off from the
#                              leader, a write through it fails naming the leader; a registry
#                              on 0.0.0.0 with no advertised URL stops at start; cut off from
#                              Kafka, the follower answers 5xx, never 404, for an id
#                              registered since
#   hosts_test.sh cut-redis    consumer-1 cut from Redis longer than the session timeout while
#                              orders flow, healed: nothing lost, nothing counted twice
#   hosts_test.sh packet-loss  20 % of the packets on every broker link dropped for 15 s while
#                              orders flow: every order acknowledged, stored once by both groups
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"
# shellcheck source=../../../scripts/lib/hosts.sh
source "$root/scripts/lib/hosts.sh"
# shellcheck source=hosts_checks.sh
source "$here/hosts_checks.sh"

[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces); skipped"; exit 77; }
hosts_init "${HOSTS_NAME:?}" "${HOSTS_SUBNET:?}"
work=$HOSTS_DIR/cases
mkdir -p "$work"
# The cases check the groups of the topic the layout's pipeline is on.
use_topic "$(stack topic)"

# Clients on another host get every broker at its own address (advertised listeners), whichever
# node they bootstrap from.
check_advertised() {
  local n m metadata
  for n in 1 2 3; do
    metadata=$(stack exec producer kcat -b "$(host_addr "kafka-$n"):9092" -L -m 5 2>&1)
    for m in 1 2 3; do
      grep -q "broker $m at $(host_addr "kafka-$m"):9092" <<<"$metadata" ||
        die "kafka-$n does not advertise broker $m at $(host_addr "kafka-$m"):9092: $metadata"
    done
  done
  log "every broker advertises its host's address"
}

# Both consumer hosts hold partitions of both groups: each group really spans two hosts.
check_members_assigned() {
  local host port health deadline=$((SECONDS + 60))
  for host in consumer-1 consumer-2; do
    for port in 8092 8093; do
      until health=$(stack exec "$host" curl -fsS -m 2 "http://127.0.0.1:$port/health") &&
        grep -q "\"assigned\":\"$topic\\[" <<<"$health"; do
        ((SECONDS < deadline)) || die "the member on $host (status :$port) holds no partition: $health"
        sleep 1
      done
    done
  done
  log "each consumer host holds partitions of both groups"
}

# redis_as USER ARGS...: redis-cli on the redis host as USER, with that user's password.
redis_as() {
  REDISCLI_AUTH=$(<"$HOSTS_DIR/secrets/$1.password") \
    stack exec redis redis-cli --user "$1" -h "$(host_addr redis)" "${@:2}"
}

# After a move, each consumer's Redis user may touch its new group's keys and no longer the old.
check_consumer_keys() {
  local old=$1 mode answer
  for mode in auto batch; do
    # partitions:G is the one key of a group without a partition tag (libs/redis/key_names.h).
    answer=$(redis_as "consumer-$mode" hget "partitions:$old-$mode" processed 2>&1)
    [[ "$answer" == *NOPERM* ]] || die "consumer-$mode still reads $old-$mode's keys: $answer"
    answer=$(redis_as "consumer-$mode" hget "partitions:$topic-$mode" processed 2>&1)
    [[ "$answer" != *NOPERM* ]] || die "consumer-$mode may not read $topic-$mode's keys: $answer"
  done
  log "the consumers' Redis users hold the keys of $topic's groups only"
}

pipeline() {
  local old=$topic new
  new=orders-hosts-$(date +%s)
  rm -f "$work"/pipeline.*
  "$here/hosts_fixture.sh" topic "$new"
  use_topic "$(stack topic)"
  [[ "$topic" == "$new" ]] || die "the layout's topic is '$topic' after the move to $new"
  check_consumer_keys "$old"
  check_advertised
  check_members_assigned
  produce pipeline 400 100 || die "the producer gave orders up: $(tail -n 3 "$work/pipeline.log")"
  (($(wc -l <"$work/pipeline.ack") == 400)) || die "$(wc -l <"$work/pipeline.ack") of 400 acknowledged"
  check_all "$work/pipeline.ack"
}

registry_get() {
  stack exec producer curl -sS -m 5 "http://$(host_addr "$1"):8081$2"
}

# register VIA SUBJECT SCHEMA_JSON: POST from the producer host; prints "STATUS BODY".
register() {
  local body
  body=$(python3 -c 'import json, sys; print(json.dumps({"schema": sys.argv[1]}))' "$3")
  stack exec producer curl -sS -m 30 -o /dev/stdout -w ' %{http_code}' -X POST \
    -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
    "http://$(host_addr "$1"):8081/subjects/$2/versions"
}

# wait_version HOST SUBJECT VERSION ID: HOST serves SUBJECT's VERSION with ID (replayed from
# _schemas by a follower, so waited for).
wait_version() {
  local deadline=$((SECONDS + 30)) answer
  until answer=$(registry_get "$1" "/subjects/$2/versions/$3") && grep -q "\"id\":$4[,}]" <<<"$answer"; do
    ((SECONDS < deadline)) || die "$1 does not serve $2 version $3 as id $4: $answer"
    sleep 0.5
  done
}

registry() {
  local leader="" follower="" host answer id subject=hosts-$$-$RANDOM-value
  for host in registry-1 registry-2; do
    answer=$(registry_get "$host" /health)
    if grep -q '"leader":true' <<<"$answer"; then leader=$host; else follower=$host; fi
  done
  [[ -n "$leader" && -n "$follower" ]] || die "want one leader and one follower registry, have leader '$leader'"
  log "leader $leader, follower $follower"
  # A registry on a wildcard address would advertise 0.0.0.0, and a follower elsewhere would
  # forward to itself: it stops at start instead, naming the setting.
  local status=0
  answer=$(stack exec "$follower" orderflow registry --listen 0.0.0.0:8082 2>&1) || status=$?
  [[ "$status" == 2 && "$answer" == *REGISTRY_ADVERTISED_URL* ]] ||
    die "a registry on 0.0.0.0 without an advertised URL started (exit $status): $answer"
  local v1='{"type":"record","name":"HostsProbe","fields":[{"name":"a","type":"string"}]}'
  local v2='{"type":"record","name":"HostsProbe","fields":[{"name":"a","type":"string"},{"name":"b","type":"string","default":""}]}'
  answer=$(register "$follower" "$subject" "$v1")
  [[ "$answer" == *" 200" ]] || die "register through the follower: $answer"
  id=$(sed -n 's/^{"id":\([0-9]*\)}.*/\1/p' <<<"$answer")
  [[ -n "$id" ]] || die "no id in the follower's answer: $answer"
  wait_version "$leader" "$subject" 1 "$id"
  wait_version "$follower" "$subject" 1 "$id"
  log "$subject version 1 (id $id) registered through $follower, served by both"

  # The follower cannot write itself: cut off from the leader (Kafka still in reach), its write
  # fails, and says which leader it tried.
  stack cut "$follower" "$leader"
  trap 'stack heal "$follower" "$leader"' EXIT
  answer=$(register "$follower" "$subject" "$v2")
  [[ "$answer" != *" 200" && "$answer" == *"$(host_addr "$leader"):8081"* ]] ||
    die "a write through a follower cut off from the leader should fail naming it: $answer"
  log "cut from $leader, $follower refused the write: $answer"
  stack heal "$follower" "$leader"
  trap - EXIT
  answer=$(register "$follower" "$subject" "$v2")
  [[ "$answer" == *" 200" ]] || die "register through the follower after healing: $answer"
  id=$(sed -n 's/^{"id":\([0-9]*\)}.*/\1/p' <<<"$answer")
  wait_version "$leader" "$subject" 2 "$id"
  wait_version "$follower" "$subject" 2 "$id"
  log "healed: version 2 (id $id) registered through $follower, served by both"
  stale_follower "$leader" "$follower" "$subject"
}

# registry_answer HOST PATH: "STATUS BODY" of a GET from the producer host (a not-found waits
# for the registry's catch-up check, up to 5 s).
registry_answer() {
  stack exec producer curl -sS -m 20 -o /dev/stdout -w ' %{http_code}' \
    "http://$(host_addr "$1"):8081$2"
}

# A follower cut off from Kafka (not from its clients) misses what the leader registers since.
# It must not call the new id unknown (a consumer would dead-letter a valid order): 5xx, which
# clients retry, until it can read _schemas to the end again; a really unknown id is still 404.
stale_follower() {
  local leader=$1 follower=$2 subject=$3 broker id got deadline
  local v3='{"type":"record","name":"HostsProbe","fields":[{"name":"a","type":"string"},{"name":"b","type":"string","default":""},{"name":"c","type":"int","default":0}]}'
  trap 'for broker in kafka-1 kafka-2 kafka-3; do stack heal "$follower" "$broker"; done' EXIT
  for broker in kafka-1 kafka-2 kafka-3; do stack cut "$follower" "$broker"; done
  got=$(register "$leader" "$subject" "$v3")
  [[ "$got" == *" 200" ]] || die "register through the leader while $follower is cut from Kafka: $got"
  id=$(sed -n 's/^{"id":\([0-9]*\)}.*/\1/p' <<<"$got")
  for path in "/schemas/ids/$id" "/schemas/ids/$id/schema" "/subjects/$subject/versions/3"; do
    got=$(registry_answer "$follower" "$path")
    [[ "$got" =~ \ 5[0-9][0-9]$ ]] ||
      die "$follower, cut from Kafka, answered $path (registered since) with: $got"
  done
  log "cut from Kafka, $follower answers 5xx, not 404, for id $id registered since: $got"
  for broker in kafka-1 kafka-2 kafka-3; do stack heal "$follower" "$broker"; done
  trap - EXIT
  deadline=$((SECONDS + 60))
  until got=$(registry_answer "$follower" "/schemas/ids/$id") && [[ "$got" == *" 200" ]]; do
    ((SECONDS < deadline)) || die "$follower does not serve id $id 60 s after healing: $got"
    sleep 1
  done
  got=$(registry_answer "$follower" "/schemas/ids/2000000000")
  [[ "$got" == *'"error_code":40403'*" 404" ]] || die "an unknown id on $follower after healing: $got"
  log "healed: $follower serves id $id, and a never-registered id is 404 40403"
}

# consumer-1's members keep their partitions while cut from Redis (they pause and retry), so the
# orders of those partitions wait for the heal; none may be lost or applied twice.
cut_redis() {
  rm -f "$work"/cut-redis.*
  produce cut-redis 1500 50 &
  local producer=$! deadline=$((SECONDS + 60)) started
  trap 'stack heal consumer-1 redis; kill "$producer" 2>/dev/null || true' EXIT
  until [[ -f "$work/cut-redis.ack" ]] && (($(wc -l <"$work/cut-redis.ack") >= 200)); do
    ((SECONDS < deadline)) || die "no 200 acknowledged orders within 60 s: $(tail -n 3 "$work/cut-redis.log")"
    sleep 0.5
  done
  stack cut consumer-1 redis
  ! can_reach consumer-1 redis 6379 || die "consumer-1 still reaches redis through the cut"
  can_reach consumer-2 redis 6379 || die "consumer-2 lost redis too"
  can_reach consumer-1 kafka-1 9092 || die "consumer-1 lost kafka too"
  # Longer than the consumers' session timeout (10 s): the cut members must not be replaced.
  started=$SECONDS
  while ((SECONDS - started < 15)); do sleep 1; done
  stack heal consumer-1 redis
  can_reach consumer-1 redis 6379 || die "consumer-1 does not reach redis after healing"
  wait "$producer" || die "the producer gave orders up: $(tail -n 3 "$work/cut-redis.log")"
  trap - EXIT
  local produced=$SECONDS
  (($(wc -l <"$work/cut-redis.ack") == 1500)) || die "$(wc -l <"$work/cut-redis.ack") of 1500 acknowledged"
  wait_stored "$work/cut-redis.ack"
  log "both groups had every order $((SECONDS - produced)) s after the producer's last one"
  check_all "$work/cut-redis.ack"
}

# The short version of net-packet-loss (`CHAOS_CASES=net make chaos`): a lossy network costs
# retransmits and re-sends, never an order and never a double count.
packet_loss() {
  rm -f "$work"/packet-loss.*
  produce packet-loss 1000 100 &
  local producer=$! deadline=$((SECONDS + 60)) started broker
  trap 'for broker in kafka-1 kafka-2 kafka-3; do stack heal "$broker" all; done; kill "$producer" 2>/dev/null || true' EXIT
  until [[ -f "$work/packet-loss.ack" ]] && (($(wc -l <"$work/packet-loss.ack") >= 200)); do
    ((SECONDS < deadline)) || die "no 200 acknowledged orders within 60 s: $(tail -n 3 "$work/packet-loss.log")"
    sleep 0.5
  done
  for broker in kafka-1 kafka-2 kafka-3; do stack loss "$broker" all 0.2; done
  [[ "$(hosts_cuts kafka-1 loss)" == *"kafka-1>producer"* && "$(hosts_cuts producer loss)" == *"producer>kafka-1"* ]] ||
    die "no loss in force between kafka-1 and the producer"
  started=$SECONDS
  while ((SECONDS - started < 15)); do sleep 1; done
  for broker in kafka-1 kafka-2 kafka-3; do stack heal "$broker" all; done
  wait "$producer" || die "the producer gave orders up: $(tail -n 3 "$work/packet-loss.log")"
  trap - EXIT
  (($(wc -l <"$work/packet-loss.ack") == 1000)) || die "$(wc -l <"$work/packet-loss.ack") of 1000 acknowledged"
  check_all "$work/packet-loss.ack"
}

case "${1:-}" in
  pipeline) pipeline ;;
  registry) registry ;;
  cut-redis) cut_redis ;;
  packet-loss) packet_loss ;;
  *) die "usage: hosts_test.sh pipeline|registry|cut-redis|packet-loss" ;;
esac
