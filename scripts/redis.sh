#!/usr/bin/env bash
# Redis 7 on 127.0.0.1 with AOF on, data in its own dir. Used by `make up` and the tests.
#
#   redis.sh start|stop|status [--dir DIR] [--port PORT] [--host ADDR] [--timeout S]
#                              [--acl-file FILE --admin-password-file FILE]
#   (environment: REDIS_DIR, default .run/redis; REDIS_PORT, default 6379; REDIS_HOST, the one
#   IPv4 address it binds, default 127.0.0.1 (scripts/hosts-stack.sh gives its host's);
#   REDIS_ACL_FILE and REDIS_ADMIN_PASSWORD_FILE, default empty)
#
# With an ACL file (scripts/lib/redis-acl.sh writes one: the default user is off) Redis loads
# its users from it, and this script's PING logs in as `admin` with the password read from the
# admin password file. The password goes to redis-cli through REDISCLI_AUTH, never on a command
# line. Without one, Redis runs as it always has: no users, no password.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/proc.sh
source "$here/lib/proc.sh"

dir=${REDIS_DIR:-$root/.run/redis}
port=${REDIS_PORT:-6379}
host=${REDIS_HOST:-127.0.0.1}
timeout=${REDIS_READY_TIMEOUT:-30}
acl_file=${REDIS_ACL_FILE:-}
admin_password_file=${REDIS_ADMIN_PASSWORD_FILE:-}
command=${1:-}
[[ -n "$command" ]] ||
  die "usage: redis.sh start|stop|status [--dir DIR] [--port PORT]" \
    "[--acl-file FILE --admin-password-file FILE]"
shift
while (($#)); do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --acl-file) acl_file=$2; shift 2 ;;
    --admin-password-file) admin_password_file=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ "$host" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] ||
  die "REDIS_HOST / --host takes one IPv4 address, got '$host'"
# stop needs neither file: it only signals our process.
if [[ -n "$acl_file" && "$command" != stop ]]; then
  [[ -r "$acl_file" ]] || die "REDIS_ACL_FILE / --acl-file '$acl_file' is not a readable file"
  [[ -n "$admin_password_file" ]] ||
    die "REDIS_ADMIN_PASSWORD_FILE / --admin-password-file is needed with an ACL file" \
      "(its default user is off)"
  acl_file=$(cd "$(dirname "$acl_file")" && pwd)/$(basename "$acl_file")
fi
if [[ -n "$admin_password_file" && "$command" != stop && ! -s "$admin_password_file" ]]; then
  die "REDIS_ADMIN_PASSWORD_FILE / --admin-password-file '$admin_password_file' is missing or empty"
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pidfile="$dir/redis.pid"
logfile="$dir/redis.log"
# Ours is a redis-server whose working directory is our data dir (it runs there; redis-server
# rewrites its command line, so the dir cannot be matched there).
ours=(redis-server "$dir")

# PING's reply, as admin when there is a password file (REDISCLI_AUTH: not in ps).
ping_reply() {
  if [[ -n "$admin_password_file" ]]; then
    REDISCLI_AUTH=$(tr -d '\n' <"$admin_password_file") \
      redis-cli --user admin -h "$host" -p "$port" ping 2>&1
  else
    redis-cli -h "$host" -p "$port" ping 2>&1
  fi
}
ping() { [[ "$(ping_reply)" == PONG ]]; }

case "$command" in
  start)
    if pid_alive "$pidfile" "${ours[@]}"; then
      log "redis already running (pid $(<"$pidfile")) on $host:$port"
      exit 0
    fi
    require_free_port "$port" "redis"
    acl_args=()
    [[ -z "$acl_file" ]] || acl_args=(--aclfile "$acl_file")
    # appendfsync everysec: at most a second of writes at risk on a machine crash; a killed
    # redis-server process loses nothing (the kernel still writes its buffers).
    (cd "$dir" && start_bg "$pidfile" "$logfile" redis-server redis-server --bind "$host" --port "$port" --dir "$dir" \
      --appendonly yes --appendfsync everysec --save "" --protected-mode yes \
      --daemonize no --loglevel notice "${acl_args[@]}")
    deadline=$((SECONDS + timeout))
    until ping; do
      pid_alive "$pidfile" "${ours[@]}" || fail_with_log "redis exited during start-up" "$logfile"
      if ((SECONDS >= deadline)); then
        last=$(ping_reply | head -c 200)
        fail_with_log "redis did not answer PING within ${timeout}s (last reply: $last)" "$logfile"
      fi
      sleep 0.1
    done
    users=${acl_file:+, users from $acl_file}
    log "redis ready on $host:$port (pid $(<"$pidfile"), AOF in $dir$users)"
    ;;
  stop) stop_pid redis "$pidfile" "$timeout" "${ours[@]}" ;;
  status)
    if pid_alive "$pidfile" "${ours[@]}"; then
      reply=$(ping_reply)
      case "$reply" in
        PONG) state=healthy ;;
        *NOAUTH* | *WRONGPASS* | *NOPERM*)
          state="up, refuses our login (REDIS_ADMIN_PASSWORD_FILE?)" ;;
        *) state=starting ;;
      esac
      printf 'redis    pid %-7s %-15s %s\n' "$(<"$pidfile")" "$host:$port" "$state"
    else
      printf 'redis    %-11s %-15s %s\n' "-" "$host:$port" stopped
    fi
    ;;
  *) die "unknown command $command" ;;
esac
