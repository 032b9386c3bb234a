#!/usr/bin/env bash
# The layout's network alone (no Kafka, no services; a layout name and /24 of its own):
# `cut` stops traffic both ways and `heal` brings it back, `cut --one-way` stops one direction
# only, `cut HOST all` isolates a host, `loss A B P` drops a share at random, `delay A B MS`
# slows what A sends to B, `status` names the cuts, losses and delays, and `down` removes a layout whose owner crashed, killing a
# process that ignores SIGTERM. Needs root; exit 77 (skipped) otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=../../../scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"
# shellcheck source=../../../scripts/lib/hosts.sh
source "$root/scripts/lib/hosts.sh"

[[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces); skipped"; exit 77; }
: "${HOSTS_DIR:?}"
hosts_init "${HOSTS_NAME:?}" "${HOSTS_SUBNET:?}"
stack() { "$root/scripts/hosts-stack.sh" "$@"; }
trap 'stack down >/dev/null 2>&1 || true' EXIT

a=producer
b=kafka-1
port=8000

# can_reach FROM TO: a TCP connection from FROM to TO's listener opens within 2 s.
can_reach() {
  in_host "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$(host_addr "$2")/$port" 2>/dev/null
}

# half_open_at HOST: HOST holds a connection whose SYN arrived but whose answer never got back.
half_open_at() {
  [[ -n "$(in_host "$1" ss -Htn state syn-recv "sport = :$port")" ]]
}

# A layout as `up` leaves it, minus the services: what a crash of its owner would leave behind.
"$root/scripts/hosts-stack.sh" down >/dev/null 2>&1 || true
rm -rf "$HOSTS_DIR"
mkdir -p "$HOSTS_DIR"
hosts_require_free_subnet
echo "$hosts_name $hosts_subnet" >"$HOSTS_DIR/layout"
hosts_create_network
for host in "$a" "$b"; do
  in_host "$host" setsid python3 -m http.server --bind "$(host_addr "$host")" "$port" \
    >"$HOSTS_DIR/$host.log" 2>&1 </dev/null &
done
deadline=$((SECONDS + 30))
until can_reach "$a" "$b" && can_reach "$b" "$a"; do
  ((SECONDS < deadline)) || die "$a and $b do not reach each other on a new layout"
  sleep 0.2
done
log "$a and $b reach each other"

stack cut "$a" "$b"
! can_reach "$a" "$b" || die "$a reaches $b through the cut"
! can_reach "$b" "$a" || die "$b reaches $a through the cut"
[[ "$(stack status)" == *"cut: $a>$b"* ]] || die "status does not name the cut: $(stack status)"
stack heal "$a" "$b"
can_reach "$a" "$b" || die "$a does not reach $b after healing"
can_reach "$b" "$a" || die "$b does not reach $a after healing"
[[ "$(stack status)" != *"cut:"* ]] || die "status names a cut after healing: $(stack status)"
log "cut both ways, then healed"

# One way: nothing of A's reaches B; B's SYN reaches A (a half-open connection at A) but the
# answer does not get back.
stack cut "$a" "$b" --one-way
! can_reach "$a" "$b" || die "$a reaches $b through the one-way cut"
half_open_at "$b" && die "a SYN of $a reached $b through the one-way cut"
can_reach "$b" "$a" && die "$b got an answer from $a through the one-way cut"
deadline=$((SECONDS + 10))
until half_open_at "$a"; do
  ((SECONDS < deadline)) || die "no SYN of $b reached $a: the one-way cut dropped both ways"
  in_host "$b" timeout 1 bash -c "exec 3<>/dev/tcp/$(host_addr "$a")/$port" 2>/dev/null || true
done
stack heal "$a" "$b"
can_reach "$a" "$b" || die "$a does not reach $b after healing the one-way cut"
log "one-way cut: only $a -> $b dropped"

# Isolated: cut from every other host, then healed from all of them.
stack cut "$a" all
! can_reach "$a" "$b" || die "isolated $a reaches $b"
! can_reach "$b" "$a" || die "$b reaches isolated $a"
status=$(stack status)
for host in $(hosts_names); do
  [[ "$host" == "$a" || ("$status" == *"$a>$host"* && "$status" == *"$host>$a"*) ]] ||
    die "status does not name the cut between $a and $host: $status"
done
stack heal "$a" all
can_reach "$a" "$b" || die "$a does not reach $b after healing its isolation"
[[ "$(stack status)" != *"cut:"* ]] || die "status names a cut after healing all: $(stack status)"
log "isolated $a, then healed"

# Loss: each side drops a share of its packets to the other at random; connections still open
# (retransmits), the rule counts what it dropped, heal removes it, and a bad share is refused.
stack loss "$a" "$b" 0.3
status=$(stack status)
[[ "$status" == *"loss: $a>$b"* && "$status" == *"loss: $b>$a"* ]] ||
  die "status does not name the loss both ways: $status"
through=0
for _ in $(seq 10); do can_reach "$a" "$b" && through=$((through + 1)); done
dropped=$(in_host "$a" iptables -L OUTPUT -v -x -n | awk "/loss:$a>$b/ { print \$1 }")
((through > 0)) || die "no connection of 10 got through a 30 % loss"
((dropped > 0)) || die "a 30 % loss dropped none of $a's packets"
stack heal "$a" "$b"
[[ "$(stack status)" != *"loss:"* ]] || die "status names a loss after healing: $(stack status)"
can_reach "$a" "$b" || die "$a does not reach $b after healing the loss"
for share in 0 1 1.5 20% x; do
  ! stack loss "$a" "$b" "$share" 2>/dev/null || die "loss accepted the share '$share'"
done
log "loss: $through of 10 connections through, $dropped of $a's packets dropped, then healed"

# Delay: A's requests to B go through A's proxy and arrive 300 ms later or more (a lower bound,
# which no load can break); B's side is untouched; heal ends the proxy and the rule.
get_ms() {
  local started=$EPOCHREALTIME
  in_host "$1" curl -fsS -m 10 -o /dev/null "http://$(host_addr "$2"):$port/" || return 1
  echo $(((${EPOCHREALTIME/./} - ${started/./}) / 1000))
}
stack delay "$a" "$b" 300
[[ "$(stack status)" == *"delay: $a>$b"* ]] || die "status does not name the delay: $(stack status)"
took=$(get_ms "$a" "$b") || die "no answer through the delay"
((took >= 300)) || die "a request through a 300 ms delay took $took ms"
grep -q "$(host_addr "$a") -> $(host_addr "$b"):$port: +300 ms" "$HOSTS_DIR/logs/delay-$a-$b.log" ||
  die "the proxy did not carry the request: $(cat "$HOSTS_DIR/logs/delay-$a-$b.log")"
get_ms "$b" "$a" >/dev/null || die "$b does not reach $a while $a's link is delayed"
stack heal "$a" "$b"
[[ "$(stack status)" != *"delay:"* ]] || die "status names a delay after healing: $(stack status)"
[[ "$(ip netns pids "$(host_netns "$a")" | xargs -r ps -o args= -p)" != *hosts-delay-proxy* ]] ||
  die "heal left the delay proxy running"
get_ms "$a" "$b" >/dev/null || die "$a does not reach $b after healing the delay"
log "delay: a request took $took ms through a 300 ms delay, then healed"

# A process that ignores SIGTERM, as a wedged service would.
# shellcheck disable=SC2016 # expanded by the inner shell
in_host redis setsid bash -c 'echo $$ >"$1"; trap "" TERM; while :; do sleep 1; done' _ "$HOSTS_DIR/stubborn.pid" \
  </dev/null >/dev/null 2>&1 &
deadline=$((SECONDS + 10))
until [[ -s "$HOSTS_DIR/stubborn.pid" ]]; do
  ((SECONDS < deadline)) || die "the stubborn process did not start"
  sleep 0.1
done
stubborn=$(<"$HOSTS_DIR/stubborn.pid")
[[ "$(ip netns pids "$(host_netns redis)")" == *"$stubborn"* ]] || die "pid $stubborn is not in the redis host"
stack down
! kill -0 "$stubborn" 2>/dev/null || die "down left pid $stubborn running"
! hosts_network_exists || die "down left a namespace or the bridge"
for entry in "${hosts_table[@]}"; do
  ! ip link show "$(host_veth "$entry")" >/dev/null 2>&1 || die "down left the veth $(host_veth "$entry")"
done
trap - EXIT
log "down removed the crashed layout: processes, namespaces, veths, bridge"
