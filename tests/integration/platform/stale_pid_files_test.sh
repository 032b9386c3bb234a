#!/usr/bin/env bash
# A pid file whose pid now belongs to another process (reused after a crash or reboot) must be
# neither "running" for `make status`, nor "already running" for `make up`, nor killed by
# `make down`. Drives scripts/stack.sh and scripts/redis.sh for real, with an unrelated `sleep`
# holding the pid, in a private run dir (no fixed ports: nothing listens except one Redis on a
# free port, started to prove `up` starts past a stale pid file and that a real one is seen).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
run_dir="$(mktemp -d)"
sleeper=""
cleanup() {
  "$repo/scripts/redis.sh" stop --dir "$run_dir/redis" >/dev/null 2>&1 || true
  if [[ -n "$sleeper" ]]; then kill "$sleeper" 2>/dev/null || true; fi
  rm -rf "$run_dir"
}
trap cleanup EXIT

failures=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}

export ORDERFLOW_RUN_DIR="$run_dir"
# The binary is not needed: nothing here starts a service.
export ORDERFLOW_BINARY="$run_dir/no-such-orderflow"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export REDIS_PORT="$(free_port)"
export KAFKA_BROKER_PORTS="$(free_port),$(free_port),$(free_port)"
export KAFKA_CONTROLLER_PORTS="$(free_port),$(free_port),$(free_port)"

sleep 300 &
sleeper=$!
mkdir -p "$run_dir/pids" "$run_dir/kafka/pids" "$run_dir/redis"
stale_files=("$run_dir/pids/registry.pid" "$run_dir/pids/consumer-batch.pid"
  "$run_dir/kafka/pids/kafka-1.pid" "$run_dir/kafka/pids/kafka-3.pid" "$run_dir/redis/redis.pid")
for f in "${stale_files[@]}"; do echo "$sleeper" >"$f"; done

status_out="$("$repo/scripts/stack.sh" status 2>&1)"
echo "$status_out" | sed 's/^/  status| /'
check "status names no process as running, healthy or starting" \
  bash -c '! grep -Eq "running|healthy|starting" <<<"$1"' _ "$status_out"
check "status never shows the unrelated pid" bash -c '! grep -qw "$2" <<<"$1"' _ "$status_out" "$sleeper"
check "status: kafka-1 stopped" grep -Eq '^kafka-1 .* stopped$' <<<"$status_out"
check "status: redis stopped" grep -Eq '^redis .* stopped$' <<<"$status_out"
check "status: registry stopped, not running" grep -Eq '^registry .*stopped' <<<"$status_out"

down_out="$("$repo/scripts/stack.sh" down 2>&1)" || { echo "FAIL: stack.sh down exited non-zero"; failures=$((failures + 1)); }
echo "$down_out" | sed 's/^/  down| /'
check "down leaves the unrelated sleep running" kill -0 "$sleeper"
check "down says it did not signal the other process" grep -q "another process now; not signalling it" <<<"$down_out"
check "down reports no process as stopped" bash -c '! grep -q "stopped " <<<"$1"' _ "$down_out"
for f in "${stale_files[@]}"; do check "down removed the stale $(basename "$f")" test ! -e "$f"; done

# `up` side: a stale pid file is not "already running"; Redis starts, and a real one is ours.
echo "$sleeper" >"$run_dir/redis/redis.pid"
start_out="$("$repo/scripts/redis.sh" start --dir "$run_dir/redis" 2>&1)"
echo "$start_out" | sed 's/^/  redis start| /'
check "redis start does not take the stale pid for a running redis" bash -c '! grep -q "already running" <<<"$1"' _ "$start_out"
redis_pid="$(<"$run_dir/redis/redis.pid")"
check "redis start wrote a new pid" test "$redis_pid" != "$sleeper"
check "the started redis answers" bash -c '[[ $(redis-cli -p "$1" ping) == PONG ]]' _ "$REDIS_PORT"
status_out="$("$repo/scripts/redis.sh" status --dir "$run_dir/redis" 2>&1)"
check "status sees the real redis as healthy with its pid" grep -Eq "^redis +pid $redis_pid .*healthy$" <<<"$status_out"
again_out="$("$repo/scripts/redis.sh" start --dir "$run_dir/redis" 2>&1)"
check "a second start sees ours as already running" grep -q "already running (pid $redis_pid)" <<<"$again_out"
"$repo/scripts/redis.sh" stop --dir "$run_dir/redis" >/dev/null 2>&1
check "stop ended the real redis" bash -c '! kill -0 "$1" 2>/dev/null' _ "$redis_pid"
check "the unrelated sleep still runs at the end" kill -0 "$sleeper"

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
