# shellcheck shell=bash
# What the hosts cases check, against the layout of scripts/hosts-stack.sh named by HOSTS_DIR,
# HOSTS_NAME and HOSTS_SUBNET: every acknowledged order stored once per group, a clean audit.
# Sourced by hosts_test.sh after scripts/lib/proc.sh and scripts/lib/hosts.sh; it sets root
# (the checkout) and work (the cases' files).
# shellcheck disable=SC2154

# use_topic TOPIC: the topic the checks read and its groups (hosts-stack.sh topic).
use_topic() {
  topic=$1
  groups=("$topic-auto" "$topic-batch")
}
use_topic orders

stack() { "$root/scripts/hosts-stack.sh" "$@"; }

# redis_cli ARGS...: redis-cli as admin on the redis host (the password in the environment).
redis_cli() {
  REDISCLI_AUTH=$(<"$HOSTS_DIR/secrets/admin.password") \
    stack exec redis redis-cli --user admin -h "$(host_addr redis)" "$@"
}

acknowledged_ids() { cut -d' ' -f1 "$1"; }

# group_stat GROUP FIELD: the sum of the group's stats pieces, one per partition (stats:{G:p:n}).
group_stat() {
  local key value sum=0
  for key in $(redis_cli --scan --pattern "stats:{$1:*"); do
    value=$(redis_cli hget "$key" "$2")
    sum=$((sum + ${value:-0}))
  done
  echo "$sum"
}

# stored_ids GROUP: the order ids GROUP has stored, in any partition (order:{G:p:n}:<id>).
stored_ids() {
  redis_cli --scan --pattern "order:{$1:*" | sed 's/^order:{[^}]*}://' | sort -u
}

# missing_in GROUP ACK_LOG: how many acknowledged orders GROUP has not stored.
missing_in() {
  comm -23 <(acknowledged_ids "$2" | sort -u) <(stored_ids "$1") | wc -l
}

# wait_stored ACK_LOG: until both groups hold every acknowledged order (2 minutes at most).
wait_stored() {
  local ack_log=$1 deadline=$((SECONDS + 120)) group missing
  for group in "${groups[@]}"; do
    while missing=$(missing_in "$group" "$ack_log") && ((missing > 0)); do
      ((SECONDS < deadline)) || die "$group lacks $missing of $(wc -l <"$ack_log") acknowledged orders after 120 s"
      sleep 1
    done
  done
  log "both groups hold all $(wc -l <"$ack_log") acknowledged orders"
}

# Each group applied each of its orders once: its processed count is its number of orders.
check_counted_once() {
  local group processed keys
  for group in "${groups[@]}"; do
    processed=$(group_stat "$group" processed)
    keys=$(redis_cli --scan --pattern "order:{$group:*" | wc -l)
    [[ "$processed" == "$keys" ]] || die "$group: processed $processed, but $keys orders stored (double-counted?)"
    log "$group: $keys orders, each counted once"
  done
}

# The audit (topic against Redis, customer aggregates against stored orders, committed offsets)
# is clean once both groups have committed everything: exit 3 (in flight) is waited out.
wait_audit_clean() {
  local deadline=$((SECONDS + 120)) output status
  while :; do
    status=0
    output=$(stack exec producer orderflow audit 2>&1) || status=$?
    case "$status" in
      0) break ;;
      3) ((SECONDS < deadline)) || die "audit still has orders in flight after 120 s: $output" ;;
      *) die "audit failed (exit $status): $output" ;;
    esac
    sleep 2
  done
  log "audit clean"
}

# check_all ACK_LOG: the whole verdict of a case.
check_all() {
  wait_stored "$1"
  wait_audit_clean
  check_counted_once
}

# produce NAME COUNT RATE: orders from the producer host, acknowledged ids in $work/NAME.ack;
# exits non-zero when any order was given up (the producer's exit 3).
produce() {
  stack exec producer orderflow produce --count "$2" --rate "$3" --ack-log "$work/$1.ack" \
    --failed-file "$work/$1.failed" >"$work/$1.log" 2>&1
}

# can_reach FROM TO PORT: a TCP connection from host FROM to TO:PORT opens within 2 s.
can_reach() {
  stack exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$(host_addr "$2")/$3" 2>/dev/null
}
