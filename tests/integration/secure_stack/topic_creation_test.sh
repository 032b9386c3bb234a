#!/usr/bin/env bash
# `SECURE=1 make up` creates the orders and dead-letter topics as admin (the services may only
# describe them) and stops, naming the topic, when Kafka refuses: here because the topic exists
# with another partition count. Runs secure_create_topics (scripts/lib/secure-profile.sh) as
# stack.sh does, against the secure_stack fixture's Kafka, on topics of its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
stack_env=${ORDERFLOW_SECURE_STACK_ENV:?ORDERFLOW_SECURE_STACK_ENV names the secure fixture stack.env}
# shellcheck disable=SC1090
set -a && source "$stack_env" && set +a
# shellcheck source=scripts/lib/proc.sh
source "$root/scripts/lib/proc.sh"
# shellcheck source=scripts/lib/secure-profile.sh
source "$root/scripts/lib/secure-profile.sh"
binary=$ORDERFLOW_BINARY
secrets=$SECRETS_DIR

failures=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" <<<"$1"; }
as_admin() { env SECURE=1 ORDERFLOW_SECRETS_FILE="$secrets/admin.env" "$binary" admin "$@"; }
# create ORDERS DLQ: secure_create_topics for those names, in a subshell (it exits on failure);
# sets out and rc.
create() {
  rc=0
  out="$(ORDERS_TOPIC=$1 DLQ_TOPIC=$2 secure_create_topics "$secrets" 2>&1)" || rc=$?
  echo "$out" | sed 's/^/  create| /'
}
exists_alike() { as_admin create-topic "$@" 2>&1 | grep -q "^exists already"; }

suffix=$$-$RANDOM
fresh=orders-created-$suffix
create "$fresh" "$fresh.dlq"
check "fresh topics: created as admin" test "$rc" -eq 0
check "... the log names both" contains "$out" "topics $fresh and $fresh.dlq exist (created as admin)"
check "... the orders topic with 5 partitions" exists_alike "$fresh" -p 5 -r 3
check "... the dead-letter topic with 1" exists_alike "$fresh.dlq" -p 1 -r 3
create "$fresh" "$fresh.dlq"
check "a second make up finds them alike and goes on" test "$rc" -eq 0

taken=orders-taken-$suffix
as_admin create-topic "$taken" -p 1 -r 3 >/dev/null
create "$taken" "$taken.dlq"
check "the orders topic exists with 1 partition, not 5: creation fails" test "$rc" -ne 0
check "... and make up stops naming the topic" contains "$out" "could not create topic $taken as admin"
check "... after the admin command said why" contains "$out" "exists with 1 partitions, not 5"
check "... and nothing past the failure ran (no dead-letter topic)" \
  bash -c '! grep -qF -- "$1" <<<"$2"' _ "$taken.dlq" "$(as_admin topics)"

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
