# shellcheck shell=bash
# The network of scripts/hosts-stack.sh: one Linux bridge, and per host a network namespace
# with a veth into the bridge and one address of a private /24. The bridge has no address, so
# the machine's own namespace has no route into the layout and the layout none out of it.
# Links between hosts are cut, made lossy (iptables) or slowed (a proxy) inside the namespaces
# only. Sourced, not run;
# needs lib/proc.sh (log, die) and, before use, hosts_init NAME SUBNET.

# Every host, in start order, with its address's last byte.
hosts_table=(
  kafka-1:11 kafka-2:12 kafka-3:13
  redis:21
  registry-1:31 registry-2:32
  consumer-1:41 consumer-2:42
  producer:51
)

# hosts_init NAME SUBNET: NAME prefixes every namespace and link (several layouts can live side
# by side); SUBNET is the /24's first three bytes (10.213.0).
hosts_init() {
  hosts_name=$1
  hosts_subnet=$2
  [[ "$hosts_name" =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
    die "HOSTS_NAME must be 1-8 lower-case letters or digits, starting with a letter, got '$hosts_name'"
  [[ "$hosts_subnet" =~ ^(10|172|192)(\.[0-9]{1,3}){2}$ ]] ||
    die "HOSTS_SUBNET must be the first three bytes of a private /24 (like 10.213.0), got '$hosts_subnet'"
  hosts_bridge=$hosts_name-br
}

hosts_names() {
  local entry
  for entry in "${hosts_table[@]}"; do echo "${entry%%:*}"; done
}

hosts_known() {
  local entry
  for entry in "${hosts_table[@]}"; do [[ "${entry%%:*}" == "$1" ]] && return 0; done
  return 1
}

hosts_require_known() {
  hosts_known "$1" || die "no host '$1' in the layout (hosts: $(hosts_names | tr '\n' ' '))"
}

host_addr() {
  local entry
  for entry in "${hosts_table[@]}"; do
    [[ "${entry%%:*}" == "$1" ]] && { echo "$hosts_subnet.${entry##*:}"; return 0; }
  done
  die "no host '$1' in the layout"
}

host_netns() { echo "$hosts_name-$1"; }

# The root side of host N's veth: short, since link names stop at 15 bytes.
host_veth() { echo "${hosts_name}v${1##*:}"; }

# in_host HOST CMD...: CMD inside HOST's namespace.
in_host() {
  local host=$1
  shift
  ip netns exec "$(host_netns "$host")" "$@"
}

# The /24 must not be in use by this machine already: an address or route in it would make the
# layout's traffic ambiguous (and this script never touches the machine's own routes).
hosts_require_free_subnet() {
  local used
  used=$(ip -4 -o addr show; ip -4 route show table all)
  if grep -qE "(^|[^0-9.])${hosts_subnet//./\\.}\." <<<"$used"; then
    die "HOSTS_SUBNET $hosts_subnet.0/24 is already used on this machine (ip addr / ip route): choose another"
  fi
}

# Creates the bridge and every host's namespace, veth, address and loopback.
hosts_create_network() {
  local entry host ns veth
  ip link add "$hosts_bridge" type bridge
  ip link set "$hosts_bridge" up
  for entry in "${hosts_table[@]}"; do
    host=${entry%%:*}
    ns=$(host_netns "$host")
    veth=$(host_veth "$entry")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$hosts_bridge" up
    ip -n "$ns" addr add "$(host_addr "$host")/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  done
  log "network $hosts_bridge: ${#hosts_table[@]} hosts in $hosts_subnet.0/24"
}

# hosts_kill_all SIGNAL: sends SIGNAL to every process inside the layout's namespaces (by pid:
# whatever runs there is the layout's).
hosts_kill_all() {
  local host pids
  for host in $(hosts_names); do
    [[ -e "/run/netns/$(host_netns "$host")" ]] || continue
    pids=$(ip netns pids "$(host_netns "$host")" 2>/dev/null || true)
    # shellcheck disable=SC2086 # one pid a word
    [[ -z "$pids" ]] || kill "-$1" $pids 2>/dev/null || true
  done
}

hosts_pid_count() {
  local host count=0
  for host in $(hosts_names); do
    [[ -e "/run/netns/$(host_netns "$host")" ]] || continue
    count=$((count + $(ip netns pids "$(host_netns "$host")" 2>/dev/null | wc -l)))
  done
  echo "$count"
}

# Removes every process, namespace, veth and the bridge of this layout, whatever state a crash
# left them in: SIGTERM, up to TIMEOUT_S for them to end, then SIGKILL.
hosts_remove_network() {
  local timeout=$1 deadline host entry
  hosts_kill_all TERM
  deadline=$((SECONDS + timeout))
  while (($(hosts_pid_count) > 0 && SECONDS < deadline)); do sleep 0.5; done
  if (($(hosts_pid_count) > 0)); then
    log "processes still running after ${timeout}s: SIGKILL"
    hosts_kill_all KILL
    while (($(hosts_pid_count) > 0)); do sleep 0.2; done
  fi
  for host in $(hosts_names); do
    [[ -e "/run/netns/$(host_netns "$host")" ]] && ip netns del "$(host_netns "$host")"
  done
  # A veth goes with its namespace (the kernel may take a moment); one left by a crash between
  # the two steps goes here.
  for entry in "${hosts_table[@]}"; do
    ip link del "$(host_veth "$entry")" >/dev/null 2>&1 || true
  done
  ip link del "$hosts_bridge" >/dev/null 2>&1 || true
  hosts_network_exists && die "could not remove every part of the layout '$hosts_name' (ip netns list; ip link)"
  return 0
}

hosts_network_exists() {
  local host
  ip link show "$hosts_bridge" >/dev/null 2>&1 && return 0
  for host in $(hosts_names); do [[ -e "/run/netns/$(host_netns "$host")" ]] && return 0; done
  return 1
}

# "A cannot send to B" is one rule in A's namespace: its packets to B's address are dropped on
# the way out (TCP replies included). It is tagged "cut:A>B", so heal removes exactly its own.
cut_rule() { echo "OUTPUT -d $(host_addr "$2") -m comment --comment cut:$1>$2 -j DROP"; }

# hosts_cut A B [ONE_WAY]: drop A's packets to B, and unless ONE_WAY B's packets to A. B may be
# `all`: every other host (A isolated).
hosts_cut() {
  local a=$1 b=$2 one_way=${3:-0} rule other
  hosts_require_known "$a"
  if [[ "$b" == all ]]; then
    for other in $(hosts_names); do [[ "$other" == "$a" ]] || hosts_cut "$a" "$other" "$one_way"; done
    return 0
  fi
  hosts_require_known "$b"
  [[ "$a" != "$b" ]] || die "cut needs two different hosts"
  rule=$(cut_rule "$a" "$b")
  # shellcheck disable=SC2086 # the rule is words
  in_host "$a" iptables -C $rule 2>/dev/null || in_host "$a" iptables -I $rule
  if [[ "$one_way" == 0 ]]; then
    rule=$(cut_rule "$b" "$a")
    # shellcheck disable=SC2086
    in_host "$b" iptables -C $rule 2>/dev/null || in_host "$b" iptables -I $rule
  fi
}

# "A loses a share P of its packets to B": one rule in A's namespace, dropping each packet with
# probability P (0 < P < 1), tagged "loss:A>B"; heal removes it like a cut.
loss_rule() {
  echo "OUTPUT -d $(host_addr "$2") -m statistic --mode random --probability $3 -m comment --comment loss:$1>$2 -j DROP"
}

# hosts_loss A B P: A and B each lose the share P of their packets to the other (B may be
# `all`). A second loss between the same pair replaces the first.
hosts_loss() {
  local a=$1 b=$2 p=$3 other from to
  if ! [[ "$p" =~ ^0?\.[0-9]+$ ]] || ! awk -v p="$p" 'BEGIN { exit !(p > 0 && p < 1) }'; then
    die "a loss is a probability between 0 and 1 (like 0.2), got '$p'"
  fi
  hosts_require_known "$a"
  if [[ "$b" == all ]]; then
    for other in $(hosts_names); do [[ "$other" == "$a" ]] || hosts_loss "$a" "$other" "$p"; done
    return 0
  fi
  hosts_require_known "$b"
  [[ "$a" != "$b" ]] || die "loss needs two different hosts"
  for from in "$a" "$b"; do
    to=$a
    [[ "$from" == "$a" ]] && to=$b
    unrule_kind loss "$from" "$to"
    # shellcheck disable=SC2046 # the rule is words
    in_host "$from" iptables -I $(loss_rule "$from" "$to" "$p")
  done
}

# Latency (no tc netem here): A's new connections to B are REDIRECTed to a proxy in A
# (hosts-delay-proxy.py) that holds what A sends for MS ms; the proxy's own connections carry
# the mark below, which the rule skips. The rule is tagged "delay:A>B" in A's nat table.
hosts_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
delay_mark=42
delay_port() { echo $((16000 + ${1##*.})); }

# hosts_delay A B MS LOG: what A sends to B arrives MS ms later (B's answers are not delayed);
# A's open connections to B are closed (ss -K), so they come back through the proxy. The proxy
# logs to LOG.
hosts_delay() {
  local a=$1 b=$2 ms=$3 out=$4 port deadline
  hosts_require_known "$a"
  hosts_require_known "$b"
  [[ "$a" != "$b" ]] || die "delay needs two different hosts"
  [[ "$ms" =~ ^[1-9][0-9]{0,4}$ ]] || die "a delay is a number of milliseconds (1-99999), got '$ms'"
  undelay "$a" "$b"
  port=$(delay_port "$(host_addr "$b")")
  in_host "$a" setsid python3 "$hosts_lib_dir/hosts-delay-proxy.py" "$port" "$ms" "$delay_mark" \
    >>"$out" 2>&1 </dev/null &
  deadline=$((SECONDS + 10))
  until [[ -n "$(in_host "$a" ss -Hltn "sport = :$port")" ]]; do
    ((SECONDS < deadline)) || die "the delay proxy of $a did not start: $(tail -n 3 "$out")"
    sleep 0.1
  done
  in_host "$a" iptables -t nat -I OUTPUT -p tcp -d "$(host_addr "$b")" -m mark ! --mark "$delay_mark" \
    -m comment --comment "delay:$a>$b" -j REDIRECT --to-ports "$port"
  in_host "$a" ss -K -tn dst "$(host_addr "$b")" >/dev/null
}

# undelay A B: no more delay from A to B; the proxy ends, and with it the connections through it.
undelay() {
  local pid port
  unrule_kind delay "$1" "$2" nat
  port=$(delay_port "$(host_addr "$2")")
  for pid in $(ip netns pids "$(host_netns "$1")"); do
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"hosts-delay-proxy.py $port "* ]] || continue
    kill "$pid" 2>/dev/null || true
  done
}

# unrule_kind KIND FROM TO [TABLE]: removes the rules of one kind (cut, loss; delay in the nat
# table) from FROM to TO.
unrule_kind() {
  local line table=${4:-filter}
  in_host "$2" iptables -t "$table" -S OUTPUT | tr -d '"' | { grep -E -- "--comment $1:$2>$3( |$)" || true; } |
    while read -r line; do
      # shellcheck disable=SC2086 # the rule is words
      in_host "$2" iptables -t "$table" -D ${line#-A }
    done
}

# unrule FROM TO: removes every filter rule of FROM's namespace tagged for its traffic to TO,
# whatever its kind (cut, loss).
unrule() { unrule_kind '[a-z]+' "$1" "$2"; }

# hosts_heal A B: removes what is in force between A and B, both directions (either may have
# nothing). B may be `all`.
hosts_heal() {
  local a=$1 b=$2 other
  hosts_require_known "$a"
  if [[ "$b" == all ]]; then
    for other in $(hosts_names); do [[ "$other" == "$a" ]] || hosts_heal "$a" "$other"; done
    return 0
  fi
  hosts_require_known "$b"
  unrule "$a" "$b"
  unrule "$b" "$a"
  undelay "$a" "$b"
  undelay "$b" "$a"
}

# hosts_cuts HOST [KIND]: the rules of KIND (cut by default, loss or delay) in force from HOST,
# "A>B" words.
hosts_cuts() {
  local table=filter
  [[ "${2:-}" == delay ]] && table=nat
  in_host "$1" iptables -t "$table" -S OUTPUT 2>/dev/null |
    sed -n "s/.*--comment \"\{0,1\}${2:-cut}:\([^ \"]*\)\"\{0,1\} .*/\1/p" | paste -sd' '
}
