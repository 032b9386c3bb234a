#!/usr/bin/env bash
# Benchmark (not a test): GET /schemas/ids/{id} of `orderflow registry` against nginx (one
# worker) serving the same ~1 KiB JSON as a static file. wrk with keep-alive, 2 threads, 32
# connections, interleaved rounds; prints req/s of each, the ratio, and the registry's peak RSS
# (VmHWM). Installs nginx (Debian) if missing, without leaving it running as a system service.
#
#   scripts/bench-http.sh                       starts a private 3-node Kafka cluster on free ports
#   KAFKA_BOOTSTRAP_SERVERS=h:p,... scripts/bench-http.sh   uses that cluster instead
#
# Environment: BENCH_ROUNDS (3), BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_IO_THREADS (1: the registry's event-loop threads, REGISTRY_HTTP_IO_THREADS, against
# nginx's one worker), ORDERFLOW_BIN (build/default/apps/orderflow/orderflow).
#
# BENCH_CALLGRIND=1: instead of req/s, the instructions each server executes per request, which
# other processes on the machine do not change: the registry and nginx (master_process off)
# each run under valgrind's callgrind with instrumentation on only while wrk (-t1 -c8,
# BENCH_DURATION) sends keep-alive requests; prints Ir/request of each and their ratio. User
# space only: syscalls are not in it (`strace -c -p <event-loop thread>` counts those).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
io_threads=${BENCH_IO_THREADS:-1}
callgrind=${BENCH_CALLGRIND:-}
orderflow=${ORDERFLOW_BIN:-$root/build/default/apps/orderflow/orderflow}

die() { echo "bench-http: $*" >&2; exit 1; }
[[ -x "$orderflow" ]] || die "no orderflow binary at $orderflow (build first, or set ORDERFLOW_BIN)"
command -v wrk >/dev/null || die "wrk missing: run scripts/install-deps.sh"
command -v curl >/dev/null || die "curl missing: run scripts/install-deps.sh"
if [[ -n "$callgrind" ]]; then
  command -v valgrind >/dev/null || die "valgrind missing: run scripts/install-deps.sh"
fi

if ! dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "install ok installed"; then
  echo "bench-http: installing nginx (Debian)"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  # Keep the package from starting its own service on port 80: we run nginx on our own config.
  added_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends nginx
  if [[ -n "$added_policy" ]]; then "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d; fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

work=$(mktemp -d /tmp/bench-http.XXXXXX)
registry_pid=""
nginx_pid=""
cluster_dir=""
cleanup() {
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null
  [[ -n "$cluster_dir" ]] && "$here/kafka-cluster.sh" stop --dir "$cluster_dir" --timeout 20 >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-}
if [[ -z "$bootstrap" ]]; then
  cluster_dir="$work/kafka"
  brokers="$(free_port),$(free_port),$(free_port)"
  controllers="$(free_port),$(free_port),$(free_port)"
  echo "bench-http: starting a private Kafka cluster (brokers $brokers)"
  "$here/kafka-cluster.sh" start --dir "$cluster_dir" --broker-ports "$brokers" \
    --controller-ports "$controllers" >"$work/kafka-start.log" 2>&1 ||
    { tail -20 "$work/kafka-start.log"; die "Kafka cluster did not start"; }
  bootstrap=$(echo "$brokers" | sed 's/\([0-9]*\)/127.0.0.1:\1/g')
fi

# Under callgrind: instrumentation off until the measured window (callgrind_control -i on).
under=()
if [[ -n "$callgrind" ]]; then
  under=(valgrind --tool=callgrind --instr-atstart=no "--callgrind-out-file=$work/callgrind.%p")
fi

registry_port=$(free_port)
registry_url="http://127.0.0.1:$registry_port"
KAFKA_BOOTSTRAP_SERVERS=$bootstrap REGISTRY_LISTEN=127.0.0.1:$registry_port \
  REGISTRY_TOPIC="_schemas-bench-$$" REGISTRY_GROUP="registry-bench-$$" \
  REGISTRY_HTTP_IO_THREADS=$io_threads ORDERFLOW_ENV_FILE=/nonexistent LOG_LEVEL=warn \
  "${under[@]}" "$orderflow" registry >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 240); do
  curl -fs "$registry_url/ready" >/dev/null 2>&1 && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry.log"; die "registry exited"; }
  sleep 0.5
done
curl -fs "$registry_url/ready" >/dev/null || { cat "$work/registry.log"; die "registry not ready"; }

# A record schema whose by-id answer is about 1 KiB.
fields=$(python3 -c 'import json; print(json.dumps([{"name":"field_%02d"%i,"type":"string","default":""} for i in range(20)]))')
schema=$(python3 -c 'import json,sys; print(json.dumps({"schema": json.dumps({"type":"record","name":"BenchOrder","namespace":"com.acme.bench","fields":json.loads(sys.argv[1])})}))' "$fields")
id=$(curl -fs -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data "$schema" "$registry_url/subjects/bench-value/versions" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
mkdir -p "$work/www"
curl -fs "$registry_url/schemas/ids/$id" >"$work/www/schema.json"
# nginx's worker runs as www-data when started by root: let it read the file.
chmod 755 "$work" "$work/www"
chmod 644 "$work/www/schema.json"
size=$(stat -c %s "$work/www/schema.json")

nginx_port=$(free_port)
master=""
if [[ -n "$callgrind" ]]; then master="master_process off;"; fi
cat >"$work/nginx.conf" <<EOF
daemon off;
$master
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location = /schema.json { default_type application/vnd.schemaregistry.v1+json; }
  }
}
EOF
mkdir -p "$work/tmp"
"${under[@]}" "$nginx_bin" -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$nginx_port/schema.json" >/dev/null 2>&1 && break
  sleep 0.1
done
cmp -s <(curl -fs "http://127.0.0.1:$nginx_port/schema.json") "$work/www/schema.json" ||
  { cat "$work/nginx.log" "$work/nginx-error.log" 2>/dev/null; die "nginx does not serve the file"; }

# "<requests> <instructions>" of the server with pid $1 while wrk fetches $2 (callgrind mode).
instructions_during_wrk() {
  local pid=$1 url=$2 requests dump
  callgrind_control -i on "$pid" >/dev/null 2>&1
  requests=$(wrk -t1 -c8 -d"$duration" "$url" | awk '/requests in/ {print $1}')
  callgrind_control -d "$pid" >/dev/null 2>&1
  callgrind_control -i off "$pid" >/dev/null 2>&1
  dump=$(ls -t "$work/callgrind.$pid".* | head -1)
  echo "$requests $(awk '/^totals:/ {print $2}' "$dump")"
}

if [[ -n "$callgrind" ]]; then
  echo "bench-http: ${size}-byte JSON, callgrind, wrk -t1 -c8 -d$duration, keep-alive," \
    "registry with $io_threads event-loop thread(s), nginx one worker"
  read -r r_requests r_total < <(instructions_during_wrk "$registry_pid" \
    "$registry_url/schemas/ids/$id")
  read -r n_requests n_total < <(instructions_during_wrk "$nginx_pid" \
    "http://127.0.0.1:$nginx_port/schema.json")
  python3 -c '
import sys
rq, rt, nq, nt = (int(x) for x in sys.argv[1:])
print(f"registry {rq:>8} requests {rt / rq:>9.0f} instructions/request")
print(f"nginx    {nq:>8} requests {nt / nq:>9.0f} instructions/request")
print(f"ratio (nginx/registry per request): {(nt / nq) / (rt / rq):.2f}")
' "$r_requests" "$r_total" "$n_requests" "$n_total"
  exit 0
fi

run_wrk() {
  wrk -t"$threads" -c"$connections" -d"$duration" "$1" | awk '/Requests\/sec/ {print $2}'
}

echo "bench-http: ${size}-byte JSON, wrk -t$threads -c$connections -d$duration, keep-alive, $rounds rounds," \
  "registry with $io_threads event-loop thread(s), nginx one worker"
printf '%-6s %14s %14s %7s\n' round registry nginx ratio
registry_all=()
nginx_all=()
for round in $(seq 1 "$rounds"); do
  r=$(run_wrk "$registry_url/schemas/ids/$id")
  n=$(run_wrk "http://127.0.0.1:$nginx_port/schema.json")
  registry_all+=("$r")
  nginx_all+=("$n")
  printf '%-6s %14s %14s %7s\n' "$round" "$r" "$n" "$(python3 -c "print(f'{$r/$n:.2f}')")"
done
python3 - "${registry_all[*]}" "${nginx_all[*]}" <<'EOF'
import statistics, sys
r = [float(x) for x in sys.argv[1].split()]
n = [float(x) for x in sys.argv[2].split()]
print(f"median  {statistics.median(r):14.0f} {statistics.median(n):14.0f} "
      f"{statistics.median(r) / statistics.median(n):7.2f}")
EOF
echo "registry peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' "/proc/$registry_pid/status"), threads: $(awk '/Threads/ {print $2}' "/proc/$registry_pid/status")"
