#!/usr/bin/env bash
# Redis 7 on 127.0.0.1 with AOF on, data in its own dir. Used by `make up` and the tests.
#
#   redis.sh start|stop|status [--dir DIR] [--port PORT] [--timeout S]
#   (environment: REDIS_DIR, default .run/redis; REDIS_PORT, default 6379)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"

dir=${REDIS_DIR:-$root/.run/redis}
port=${REDIS_PORT:-6379}
timeout=${REDIS_READY_TIMEOUT:-30}
command=${1:-}
[[ -n "$command" ]] || die "usage: redis.sh start|stop|status [--dir DIR] [--port PORT]"
shift
while (($#)); do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pidfile="$dir/redis.pid"
logfile="$dir/redis.log"
# Ours is a redis-server whose working directory is our data dir (it runs there; redis-server
# rewrites its command line, so the dir cannot be matched there).
ours=(redis-server "$dir")

ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; }

case "$command" in
  start)
    if pid_alive "$pidfile" "${ours[@]}"; then
      log "redis already running (pid $(<"$pidfile")) on 127.0.0.1:$port"
      exit 0
    fi
    require_free_port "$port" "redis"
    # appendfsync everysec: at most a second of writes at risk on a machine crash; a killed
    # redis-server process loses nothing (the kernel still writes its buffers).
    (cd "$dir" && start_bg "$pidfile" "$logfile" redis-server redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
      --appendonly yes --appendfsync everysec --save "" --protected-mode yes \
      --daemonize no --loglevel notice)
    deadline=$((SECONDS + timeout))
    until ping; do
      pid_alive "$pidfile" "${ours[@]}" || fail_with_log "redis exited during start-up" "$logfile"
      ((SECONDS < deadline)) || fail_with_log "redis did not answer PING within ${timeout}s" "$logfile"
      sleep 0.1
    done
    log "redis ready on 127.0.0.1:$port (pid $(<"$pidfile"), AOF in $dir)"
    ;;
  stop) stop_pid redis "$pidfile" "$timeout" "${ours[@]}" ;;
  status)
    if pid_alive "$pidfile" "${ours[@]}"; then
      if ping; then state=healthy; else state=starting; fi
      printf 'redis    pid %-7s 127.0.0.1:%-5s %s\n' "$(<"$pidfile")" "$port" "$state"
    else
      printf 'redis    %-11s 127.0.0.1:%-5s %s\n' "-" "$port" stopped
    fi
    ;;
  *) die "unknown command $command" ;;
esac
