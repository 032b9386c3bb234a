# supervisord for the stack's services: writes its config in $run_dir/supervisor/, starts it,
# asks it about and for programs, shuts it down. Sourced by stack.sh after proc.sh; expects
# run_dir, root, here, binary, bootstrap, redis_url, the services array, and in the secure profile
# secure=1 and secrets_dir.
#
# Restart policy (docs in README "make up"): a service that dies after running startsecs is
# started again at once; one that dies sooner is retried after 1, 2, 3... s (BACKOFF) and given
# up (FATAL, shown by `make status`) after startretries tries. startsecs is a minute because
# supervisord backs off only within it: a consumer that crashes on each start a few seconds in
# (after its assignment) waits longer and longer instead of looping at full speed. stopwaitsecs bounds a stop:
# then SIGKILL to the whole process group, so `make down` leaves nothing running.

sv_dir() { echo "$run_dir/supervisor"; }
sv_conf() { echo "$run_dir/supervisor/supervisord.conf"; }
sv_socket() { echo "$run_dir/supervisor/supervisor.sock"; }
sv_state_file() { echo "$run_dir/supervisor/state.json"; }
sv_log() { echo "$run_dir/logs/supervisord.log"; }

# supervisord's own interpreter (its #! line), which has the supervisor package for supervise.py.
sv_python() {
  local supervisord
  supervisord=$(command -v supervisord) || die "supervisord not found: run scripts/install-deps.sh (make deps)"
  sed -n '1s/^#![[:space:]]*//p' "$supervisord" | awk '{print $1}'
}

sv_ctl() { supervisorctl -c "$(sv_conf)" "$@"; }

# sv_running -> 0 when our supervisord answers on its socket.
sv_running() {
  [[ -S "$(sv_socket)" && -f "$(sv_conf)" ]] && sv_ctl pid >/dev/null 2>&1
}

# supervisord reads %(name)s expansions in values: a literal % must be doubled.
sv_escape() { printf '%s' "${1//%/%%}"; }

# sv_environment NAME -> what supervisord gives service NAME besides its command. In the secure
# profile the service's own credentials file and no REDIS_URL, since the real environment would
# win over that file.
sv_environment() {
  local common
  common="KAFKA_BOOTSTRAP_SERVERS=\"$(sv_escape "$bootstrap")\",CONSOLE_SUPERVISOR_STATE=\"$(sv_escape "$(sv_state_file)")\""
  if [[ "${secure:-0}" == 1 ]]; then
    echo "$common,SECURE=\"1\",ORDERFLOW_SECRETS_FILE=\"$(sv_escape "$secrets_dir/$1.env")\""
  else
    echo "$common,REDIS_URL=\"$(sv_escape "$redis_url")\""
  fi
}

# The config for this run dir: every service of the services array, autostart off (stack.sh
# starts them in order, each once the one before is healthy), and the state listener. Mode 0600.
sv_write_config() {
  local conf tmp entry name health args restart python url
  conf=$(sv_conf)
  tmp="$conf.tmp"
  python=$(sv_python)
  mkdir -p "$(sv_dir)" "$run_dir/logs"
  : >"$(sv_dir)/programs.tsv.tmp"
  # The services' environment holds REDIS_URL and its password: only our user may read it,
  # from the first byte written (a leftover tmp file could have kept a wider mode).
  rm -f "$tmp"
  (umask 077 && : >"$tmp")
  {
    cat <<CONF
; Written by scripts/stack.sh on every \`make up\`; edits are overwritten.
[unix_http_server]
file=$(sv_escape "$(sv_socket)")
chmod=0700

[supervisord]
logfile=$(sv_escape "$(sv_log)")
logfile_maxbytes=10MB
logfile_backups=2
pidfile=$(sv_escape "$(sv_dir)/supervisord.pid")
childlogdir=$(sv_escape "$run_dir/logs")
directory=$(sv_escape "$root")
identifier=orderflow

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$(sv_escape "$(sv_socket)")

[eventlistener:supervise-state]
command=$(sv_escape "$python $here/lib/supervise.py listen $(sv_state_file) $(sv_log) $(sv_dir)/programs.tsv")
events=PROCESS_STATE
autorestart=true
priority=1
stderr_logfile=$(sv_escape "$run_dir/logs/supervise-state.log")
CONF
    for entry in "${services[@]}"; do
      IFS='|' read -r name health args restart <<<"$entry"
      url=$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$health")
      printf '%s\t%s\n' "$name" "$url" >>"$(sv_dir)/programs.tsv.tmp"
      cat <<CONF

[program:$name]
command=$(sv_escape "$binary $args")
directory=$(sv_escape "$root")
environment=$(sv_environment "$name")
autostart=false
CONF
      case "${restart:-always}" in
        # startsecs=0: a clean exit however soon is "expected", never a failed start to retry
        # (which would send the orders again). Exit 2 is a bad setting: a restart cannot fix
        # it, and with startsecs=0 there is no backoff to slow such a loop down.
        on-failure) printf 'autorestart=unexpected\nexitcodes=0,2\nstartsecs=0\n' ;;
        always) printf 'autorestart=true\nstartsecs=60\nstartretries=30\n' ;;
        *) die "$name: restart must be always or on-failure, not '$restart'" ;;
      esac
      cat <<CONF
stopsignal=TERM
stopwaitsecs=30
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=$(sv_escape "$(service_log "$name")")
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=2
CONF
    done
  } >"$tmp"
  mv "$tmp" "$conf"
  mv "$(sv_dir)/programs.tsv.tmp" "$(sv_dir)/programs.tsv"
}

# Starts supervisord (it daemonizes itself) or, when it runs already, applies a changed config
# (`update` restarts only the programs whose section changed).
sv_ensure_running() {
  local deadline
  if sv_running; then
    sv_ctl update >/dev/null
    return 0
  fi
  rm -f "$(sv_socket)"
  # Its start-up errors go to its log; it closes its stdio once daemonized.
  supervisord -c "$(sv_conf)" </dev/null >>"$(sv_log)" 2>&1 || fail_with_log "supervisord did not start" "$(sv_log)"
  deadline=$((SECONDS + 30))
  until sv_running; do
    ((SECONDS < deadline)) || fail_with_log "supervisord not answering on $(sv_socket) within 30s" "$(sv_log)"
    sleep 0.2
  done
  log "supervisord running (pid $(sv_ctl pid)), config $(sv_conf)"
}

# sv_program NAME -> "STATE PID EXITSTATUS" (RUNNING 1234 0, EXITED 0 0, ...), or "absent".
sv_program() {
  "$(sv_python)" "$here/lib/supervise.py" state "$(sv_socket)" "$1"
}

# Starts NAME without waiting for startsecs: the caller waits for its health.
sv_start_program() {
  "$(sv_python)" "$here/lib/supervise.py" start "$(sv_socket)" "$1"
}

# Stops the services in reverse start order (each bounded by stopwaitsecs), then supervisord.
sv_shutdown() {
  local i name pid
  sv_running || return 0
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name _ <<<"${services[i]}"
    # Not running (a finished producer) answers an error: nothing to stop.
    if sv_ctl stop "$name" >/dev/null 2>&1; then log "stopped $name"; fi
  done
  pid=$(sv_ctl pid)
  sv_ctl shutdown >/dev/null
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && die "supervisord (pid $pid) still running 30s after shutdown"
  log "stopped supervisord (pid $pid)"
}
