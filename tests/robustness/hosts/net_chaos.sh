#!/usr/bin/env bash
# Network faults on the stack as hosts (`CHAOS_CASES=net make chaos`): a layout of its own
# (scripts/hosts-stack.sh), then per case both consumer hosts running, 3000 orders at 100/s from
# the producer host, a cut while they flow (net_faults.sh), the heal, and the checks: every
# acknowledged order stored once per group, the audit clean, the failed-orders file exactly the
# orders not acknowledged. One table row per case at the end (also in $HOSTS_DIR/summary.txt).
#
#   net_chaos.sh [net | net-NAME ...]   every case, or the named ones, in the order below
#
# Each case runs on a topic of its own, orders-CASE, with groups of its own (orders-CASE-auto and
# -batch, the consumers restarted on both hosts by hosts_fixture.sh topic), so that nothing a case
# leaves behind (a lag, a partial batch, a dead letter, a schema version) reaches the next one.
# Environment: HOSTS_DIR [build/default/chaos-hosts], HOSTS_NAME [ofhchaos], HOSTS_SUBNET
# [10.213.3], ORDERFLOW_BINARY [build/default/apps/orderflow/orderflow]. Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"
# shellcheck source=../../../scripts/lib/hosts.sh
source "$root/scripts/lib/hosts.sh"
# shellcheck source=hosts_checks.sh
source "$here/hosts_checks.sh"
# shellcheck source=net_faults.sh
source "$here/net_faults.sh"

all_cases=(net-leader-cut net-consumer-kafka-cut net-consumer-redis-cut net-broker-isolated net-controller-isolated net-asymmetric
  net-packet-loss net-flapping net-registry-leader-cut net-redis-latency)
count=3000
rate=100

selected=()
for arg in "${@:-net}"; do
  if [[ "$arg" == net ]]; then
    selected+=("${all_cases[@]}")
  elif [[ " ${all_cases[*]} " == *" $arg "* ]]; then
    selected+=("$arg")
  else
    die "no network case '$arg' (cases: net ${all_cases[*]})"
  fi
done

[[ $(id -u) -eq 0 ]] || die "the network cases need root (network namespaces, iptables)"
export HOSTS_DIR=${HOSTS_DIR:-$root/build/default/chaos-hosts} HOSTS_NAME=${HOSTS_NAME:-ofhchaos}
export HOSTS_SUBNET=${HOSTS_SUBNET:-10.213.3}
export ORDERFLOW_BINARY=${ORDERFLOW_BINARY:-$root/build/default/apps/orderflow/orderflow}
hosts_init "$HOSTS_NAME" "$HOSTS_SUBNET"
started_at=$SECONDS
log "network chaos: ${selected[*]}; layout $HOSTS_NAME on $HOSTS_SUBNET.0/24, logs in $HOSTS_DIR"
trap '"$here/hosts_fixture.sh" down >/dev/null 2>&1 || true' EXIT
up_log=$(dirname "$HOSTS_DIR")/net-chaos-up.log
mkdir -p "$(dirname "$up_log")"
"$here/hosts_fixture.sh" up >"$up_log" 2>&1 &
fixture=$!
while kill -0 "$fixture" 2>/dev/null; do
  log "  laying out the hosts: $((SECONDS - started_at)) s"
  sleep 5
done
wait "$fixture" || fail_with_log "the hosts layout did not come up" "$up_log"
work=$HOSTS_DIR/cases
mkdir -p "$work"

ack_log() { echo "$work/$case.ack"; }
acked_now() { if [[ -f "$(ack_log)" ]]; then wc -l <"$(ack_log)"; else echo 0; fi; }
stat_of() { group_stat "$1" "$2"; }
keys_of() { redis_cli --scan --pattern "order:{$1:*" | wc -l; }

# Every member of both groups (two on each consumer host) holds partitions again.
members_assigned() {
  local host port
  for host in consumer-1 consumer-2; do
    for port in 8092 8093; do
      stack exec "$host" curl -fsS -m 2 "http://127.0.0.1:$port/health" 2>/dev/null |
        grep -q "\"assigned\":\"$topic\\[" || return 1
    done
  done
}

audit_clean() { stack exec producer orderflow audit >"$work/$case.audit" 2>&1; }
stored_by_both() { (($(missing_in "${groups[0]}" "$(ack_log)") + $(missing_in "${groups[1]}" "$(ack_log)") == 0)); }
stable() { stored_by_both && members_assigned && audit_clean; }
unstable_reason() {
  if ! stored_by_both; then
    echo "acknowledged orders missing after 120 s"
  elif ! members_assigned; then
    echo "a member holds no partition after 120 s"
  else
    echo "audit: $(grep -v '^ *$' "$work/$case.audit" | tail -n 1)"
  fi
}

# wait_for WHAT TIMEOUT CHECK: until CHECK passes, a progress line every 5 s; 1 on timeout.
wait_for() {
  local what=$1 timeout=$2 check=$3 deadline=$((SECONDS + $2)) next=$((SECONDS + 5))
  until "$check"; do
    ((SECONDS < deadline)) || { log "  $what: not within $timeout s"; return 1; }
    if ((SECONDS >= next)); then
      log "  waiting for $what: $((SECONDS - deadline + timeout)) s, $(acked_now) acknowledged"
      next=$((SECONDS + 5))
    fi
    sleep 1
  done
}

# failed_problem: empty when the failed-orders file holds exactly the orders not acknowledged.
failed_problem() {
  local failed=$work/$case.failed ids
  [[ -s "$failed" ]] || { ((acked == count)) || echo "$((count - acked)) neither acknowledged nor failed"; return 0; }
  ids=$(grep -o '"order_id":"[^"]*"' "$failed" | cut -d'"' -f4 | sort)
  [[ -z "$(comm -12 <(echo "$ids") <(acknowledged_ids "$(ack_log)" | sort))" ]] || { echo "acknowledged and failed"; return 0; }
  [[ "$(uniq <<<"$ids" | wc -l)" == "$(wc -l <<<"$ids")" ]] || { echo "failed twice"; return 0; }
  ((acked + $(wc -l <<<"$ids") == count)) || echo "$acked acknowledged + $(wc -l <<<"$ids") failed != $count"
}

# registry_summary FILE: the registrations of net-registry-leader-cut in a few words, as
# "N refused (the first answer), then 200 after T s".
registry_summary() {
  local refused first ok
  refused=$(grep -c '^t=[0-9]* s: [0-9]* [^2]' "$1" || true)
  first=$(grep -m 1 '^t=[0-9]* s: [0-9]* [^2]' "$1" | awk '{print "HTTP " $4 " in " $3 " s"}' || true)
  ok=$(sed -n 's/^t=\([0-9]*\) s: [0-9]* 200 .*/\1/p' "$1" | head -n 1)
  echo "${refused} refused${first:+ (first: $first)}${ok:+, then 200 from t=$ok s}$(
    sed -n 's/^producer with a new schema: \(.*\)/; a new producer: \1/p' "$1")"
}

rows=()
run_case() {
  case=$1
  local g before_processed=() before_keys=() before_skipped=() producer healed stable_s problem="" verdict
  rm -f "$work/$case".*
  use_topic "orders-$case"
  log "$case: start, on topic $topic"
  "$here/hosts_fixture.sh" topic "$topic" >"$work/$case.topic.log" 2>&1 ||
    fail_with_log "the consumers did not start on $topic" "$work/$case.topic.log"
  wait_for "both groups' members assigned" 120 members_assigned || problem="members not assigned at start"
  for g in "${groups[@]}"; do
    before_processed+=("$(stat_of "$g" processed)")
    before_skipped+=("$(stat_of "$g" duplicates_skipped)")
    before_keys+=("$(keys_of "$g")")
  done
  stack exec producer orderflow produce --count "$count" --rate "$rate" --ack-log "$(ack_log)" \
    --failed-file "$work/$case.failed" >"$work/$case.log" 2>&1 &
  producer=$!
  until (($(acked_now) >= 300)) || ! kill -0 "$producer" 2>/dev/null; do sleep 0.5; done
  # A case that cannot find its hosts fails its row; the heal runs in any case.
  (fault_"${case//-/_}") || problem="fault not injected"
  heal_case
  healed=$SECONDS
  log "$case: healed"
  while kill -0 "$producer" 2>/dev/null; do
    log "  producer running, $(acked_now) acknowledged"
    sleep 5
  done
  wait "$producer" || log "$case: the producer gave orders up (exit $?): $(tail -n 1 "$work/$case.log")"
  acked=$(acked_now)
  if wait_for "every order stored, members assigned, audit clean" 120 stable; then
    stable_s="$((SECONDS - healed)) s"
  else
    stable_s=-
    problem=${problem:-$(unstable_reason)}
  fi
  local stored=() lost=0 double=0 skipped=() missing i=0
  for g in "${groups[@]}"; do
    missing=$(missing_in "$g" "$(ack_log)")
    stored+=($((acked - missing)))
    lost=$((lost + missing))
    double=$((double + ($(stat_of "$g" processed) - before_processed[i]) - ($(keys_of "$g") - before_keys[i])))
    skipped+=($(($(stat_of "$g" duplicates_skipped) - before_skipped[i])))
    i=$((i + 1))
  done
  local failed_lines=0
  [[ ! -s "$work/$case.failed" ]] || failed_lines=$(wc -l <"$work/$case.failed")
  local failed_check
  failed_check=$(failed_problem)
  verdict=ok
  if ((lost > 0 || double != 0)) || [[ -n "$problem$failed_check" || "$stable_s" == - ]]; then
    verdict="FAIL${problem:+ ($problem)}${failed_check:+ ($failed_check)}"
  fi
  # Not failed checks, but worth their row: the producer replaced its client after a fatal
  # Kafka error, or stopped on one; what the registry answered during its case.
  local fatal replaced
  replaced=$(grep -c 'producer client replaced' "$work/$case.log" || true)
  ((replaced == 0)) || verdict+=" (producer client replaced ${replaced}x after $(
    sed -n 's/.*kafka fatal error \([A-Z_]*\).*replaced.*/\1/p' "$work/$case.log" | sort -u | paste -sd,))"
  fatal=$(sed -n 's/.*kafka fatal error \([A-Z_]*\).*; stopping$/\1/p' "$work/$case.log" | head -n 1)
  [[ -z "$fatal" ]] || verdict+=" (producer fatal $fatal)"
  [[ ! -s "$work/$case.registry" ]] || verdict+=" (registry: $(registry_summary "$work/$case.registry"))"
  rows+=("$(printf '%-24s %6s %6s %11s %5s %6s %12s %7s  %s' "$case" "$acked" "$failed_lines" \
    "${stored[0]}/${stored[1]}" "$lost" "$double" "${skipped[0]}/${skipped[1]}" "$stable_s" "$verdict")")
  log "${rows[-1]}"
}

for name in "${selected[@]}"; do run_case "$name"; done

{
  printf '%-24s %6s %6s %11s %5s %6s %12s %7s  %s\n' case acked failed 'stored a/b' lost double \
    'dup-skip a/b' stable result
  printf '%s\n' "${rows[@]}"
  echo "($((SECONDS - started_at)) s in all, layout start-up included)"
} | tee "$HOSTS_DIR/summary.txt"
! grep -q 'FAIL' "$HOSTS_DIR/summary.txt"
