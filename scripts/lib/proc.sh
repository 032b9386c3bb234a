# Process helpers shared by the stack scripts: start in the background with a pid file,
# stop with SIGTERM then SIGKILL, wait for ports, report failures with the log tail.
# Sourced, not run.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# pid_alive PIDFILE -> 0 when the process in PIDFILE runs.
pid_alive() {
  local pidfile=$1 pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# start_bg PIDFILE LOGFILE CMD... : runs CMD in its own session, detached from this shell,
# so `make up` can return while it keeps running.
start_bg() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# stop_pid NAME PIDFILE [TIMEOUT_S] : SIGTERM, wait, then SIGKILL. Removes the pid file.
stop_pid() {
  local name=$1 pidfile=$2 timeout=${3:-30} pid i
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(<"$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still running after ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  log "stopped $name (pid $pid)"
  rm -f "$pidfile"
}

# port_owner PORT -> prints "pid=N cmd" of the listener on 127.0.0.1:PORT, empty when free.
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/pid=\2 \1/p' | head -n 1
}

port_in_use() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

# require_free_port PORT WHAT : fails naming the port, its purpose and who holds it.
require_free_port() {
  local port=$1 what=$2
  if port_in_use "$port"; then
    die "port $port ($what) is already in use by $(port_owner "$port"); stop that process or choose another port"
  fi
}

# fail_with_log MESSAGE LOGFILE : prints the error and the last lines of the process log.
fail_with_log() {
  local message=$1 logfile=$2
  log "error: $message"
  if [[ -f "$logfile" ]]; then
    log "last lines of $logfile:"
    tail -n 25 "$logfile" | sed 's/^/    /' >&2
  fi
  exit 1
}
