# Process helpers shared by the stack scripts: start in the background with a pid file,
# stop with SIGTERM then SIGKILL, wait for ports, report failures with the log tail.
# Sourced, not run.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A pid file outlives its process (a crash, a reboot), and the kernel reuses pids: every check
# below also asks whether the pid is still *our* process, by its command line
# (/proc/PID/cmdline must contain MARKER) and, when given, its working directory. A stale pid
# file is then neither "already running" nor a reason to signal someone else's process.

# pid_is_ours PID MARKER [CWD] -> 0 when PID runs, its command line contains MARKER (arguments
# joined by spaces) and, if CWD is given, its working directory is CWD.
pid_is_ours() {
  local pid=$1 marker=$2 cwd=${3:-} cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$marker"* ]] || return 1
  [[ -z "$cwd" || "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$cwd" ]]
}

# pid_alive PIDFILE MARKER [CWD] -> 0 when the process in PIDFILE runs and is ours.
pid_alive() {
  local pidfile=$1
  [[ -f "$pidfile" ]] || return 1
  pid_is_ours "$(<"$pidfile")" "${@:2}"
}

# pid_stale PIDFILE MARKER [CWD] -> 0 when PIDFILE exists but its pid is gone or not ours.
pid_stale() {
  [[ -f "$1" ]] && ! pid_alive "$@"
}

# start_bg PIDFILE LOGFILE MARKER CMD... : runs CMD in its own session, detached from this
# shell, so `make up` can return while it keeps running. Returns once the child has exec'd CMD
# (its command line shows MARKER; bounded), so checks right after it never see the forked shell.
start_bg() {
  local pidfile=$1 logfile=$2 marker=$3 pid i
  shift 3
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  for ((i = 0; i < 100; i++)); do
    pid_is_ours "$pid" "$marker" && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
}

# stop_pid NAME PIDFILE TIMEOUT_S MARKER [CWD] : SIGTERM, wait, then SIGKILL, only when the pid
# is ours; a stale pid file is just removed. Removes the pid file.
stop_pid() {
  local name=$1 pidfile=$2 timeout=$3 pid i
  shift 3
  if ! pid_alive "$pidfile" "$@"; then
    if [[ -f "$pidfile" ]]; then
      pid=$(<"$pidfile")
      if kill -0 "$pid" 2>/dev/null; then
        log "$name: pid $pid in $pidfile is another process now; not signalling it"
      fi
    fi
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
