#!/usr/bin/env bash
# `make up` refuses, naming the cause and starting nothing, when its profile setting is bad or
# does not match the run dir: SECURE neither 0, 1 nor empty (in the environment or in the .env
# file ORDERFLOW_ENV_FILE names), a run dir holding the other profile's data, a run dir made
# before SECURE=1, and SECURE=1 with someone else's Kafka and Redis. Drives scripts/stack.sh for
# real in private run dirs; nothing listens, no Kafka is needed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="$(mktemp -d)"
# A regression that lets `up` go on starts Redis and Kafka: stop them before removing the dirs.
cleanup() {
  local dir
  for dir in "$work"/*/; do
    "$repo/scripts/kafka-cluster.sh" stop --dir "$dir/kafka" >/dev/null 2>&1 || true
    "$repo/scripts/redis.sh" stop --dir "$dir/redis" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
KAFKA_BROKER_PORTS=$(free_port),$(free_port),$(free_port)
KAFKA_CONTROLLER_PORTS=$(free_port),$(free_port),$(free_port)
export REDIS_PORT KAFKA_BROKER_PORTS KAFKA_CONTROLLER_PORTS
# The binary is never reached: every case stops before the first service.
export ORDERFLOW_BINARY="$work/no-such-orderflow"
unset SECURE ORDERFLOW_INFRA

# up_in NAME [VAR=value...]: `stack.sh up` in the run dir $work/NAME with those settings; sets
# out (stdout and stderr) and rc (its exit status).
up_in() {
  local name=$1
  shift
  rc=0
  out="$(env ORDERFLOW_RUN_DIR="$work/$name" ORDERFLOW_ENV_FILE="$work/$name.env" "$@" \
    "$repo/scripts/stack.sh" up 2>&1)" || rc=$?
  echo "$out" | sed "s/^/  $name| /"
}
# started_nothing NAME: neither Redis nor Kafka got a directory, and no secret was made.
started_nothing() {
  [[ ! -e "$work/$1/redis" && ! -e "$work/$1/kafka/logs" && ! -e "$work/$1/secrets" ]]
}

up_in bad-env SECURE=yes
check "SECURE=yes in the environment: up fails" test "$rc" -ne 0
check "... naming SECURE and the value" contains "$out" "SECURE must be 0, 1 or empty, not 'yes'"
check "... and starts nothing" started_nothing bad-env

printf '# a comment\nSECURE=0\nSECURE="maybe"\n' >"$work/bad-dotenv.env"
up_in bad-dotenv
check "SECURE=maybe as the .env file's last SECURE line: up fails" test "$rc" -ne 0
check "... naming SECURE and the value" contains "$out" "SECURE must be 0, 1 or empty, not 'maybe'"
check "... and starts nothing" started_nothing bad-dotenv

mkdir -p "$work/was-plain" && echo plaintext >"$work/was-plain/profile"
echo "SECURE=1" >"$work/was-plain.env"
up_in was-plain
check "SECURE=1 (from the .env file) on a plaintext run dir: up fails" test "$rc" -ne 0
check "... saying what the dir holds and that make clean is needed" \
  contains "$out" "holds a plaintext stack; this is SECURE=1 (secure): run 'make clean' first"
check "... starts nothing" started_nothing was-plain
check "... and keeps the recorded profile" grep -qx plaintext "$work/was-plain/profile"

mkdir -p "$work/was-secure" && echo secure >"$work/was-secure/profile"
up_in was-secure SECURE=0
check "SECURE=0 on a secure run dir: up fails" test "$rc" -ne 0
check "... saying what the dir holds" \
  contains "$out" "holds a secure stack; this is SECURE=0 (plaintext): run 'make clean' first"
check "... starts nothing" started_nothing was-secure
check "... and keeps the recorded profile" grep -qx secure "$work/was-secure/profile"

mkdir -p "$work/before-secure/kafka"
up_in before-secure SECURE=1
check "SECURE=1 on a run dir made before profiles were recorded: up fails" test "$rc" -ne 0
check "... saying so" contains "$out" "holds a stack made before SECURE=1: run 'make clean' first"
check "... starts nothing" started_nothing before-secure
check "... and records no profile" test ! -e "$work/before-secure/profile"

up_in external SECURE=1 ORDERFLOW_INFRA=external
check "SECURE=1 with ORDERFLOW_INFRA=external: up fails" test "$rc" -ne 0
check "... saying why" contains "$out" "SECURE=1 runs its own Kafka and Redis"
check "... starts nothing" started_nothing external

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
