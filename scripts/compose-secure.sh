#!/usr/bin/env bash
# The secure profile of the Docker Compose path: docker-compose.yml plus docker-compose.secure.yml,
# with the secrets made here on the host, once, and handed to Compose through its environment.
#
#   scripts/compose-secure.sh up -d --build     make the secrets if missing, then Compose with both files
#   scripts/compose-secure.sh down              (any docker-compose command and its arguments)
#   scripts/compose-secure.sh secrets           only make the secrets
#   scripts/compose-secure.sh env               the secrets file's path (to source it by hand)
#
# What it makes in COMPOSE_SECRETS_DIR (directory 0700, files 0600 but ca.pem, a public certificate
# the containers read with their own users):
#   <principal>.password     one per principal, as scripts/lib/secrets.sh lists them
#   ca.pem, ca.key           the cluster's CA; kafka-node-N.keystore.pem names DNS:kafka-N too
#   redis-users.acl          the Redis users (scripts/lib/redis-acl.sh: the same rules as natively)
#   gateway-<client>.token   each gateway client's token; gateway-clients their SHA-256s (as natively)
#   compose.env              every secret a container needs, as variables the override file names
# The override file holds no secret: each service gets only its own variables (its principal's
# password in its Kafka, Redis and registry settings), never another's. Nothing here needs a Docker
# engine; `scripts/compose-secure.sh config` shows what Compose would run.
#
# Environment:
#   COMPOSE_SECRETS_DIR  where the secrets live                       [.run/compose-secrets]
#   COMPOSE              the Compose command                           [docker-compose, else docker compose]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=scripts/lib/proc.sh
source "$here/lib/proc.sh"
# shellcheck source=scripts/lib/secrets.sh
source "$here/lib/secrets.sh"
# shellcheck source=scripts/lib/kafka-tls.sh
source "$here/lib/kafka-tls.sh"
# shellcheck source=scripts/lib/redis-acl.sh
source "$here/lib/redis-acl.sh"
# shellcheck source=scripts/lib/secure-profile.sh
source "$here/lib/secure-profile.sh"

secrets=${COMPOSE_SECRETS_DIR:-$root/.run/compose-secrets}
[[ "$secrets" == /* ]] || secrets=$root/$secrets

# ORDERFLOW_SECRET_<NAME>: the variable that holds principal NAME's password.
secret_variable() {
  local name=${1^^}
  echo "ORDERFLOW_SECRET_${name//-/_}"
}

# The registry's users file (user: password,role), as the native profile writes it.
registry_users() {
  local name
  for name in "${SECRET_PRINCIPALS[@]}"; do
    [[ "$name" == broker || "$name" == registry ]] && continue
    echo "$name: $(secret_password "$secrets" "$name"),$(secure_registry_role "$name")"
  done
}

# The SCRAM users the nodes create when they format their storage: name=password;...
scram_users() {
  local name list=""
  for name in "${SECRET_PRINCIPALS[@]}"; do
    list+="${list:+;}$name=$(secret_password "$secrets" "$name")"
  done
  echo "$list"
}

make_secrets() {
  local name n
  secret_dir_init "$secrets"
  for name in "${SECRET_PRINCIPALS[@]}"; do secret_password "$secrets" "$name" >/dev/null; done
  for n in 1 2 3; do kafka_tls_node "$secrets" "$n" "DNS:kafka-$n"; done
  # The CA certificate is public; the containers read it as their own users (0644 in a 0700 dir).
  chmod 0644 "$secrets/ca.pem"
  redis_acl_write "$secrets"
  secure_write_gateway_clients "$secrets"
  {
    echo "# Written by scripts/compose-secure.sh: what docker-compose.secure.yml interpolates."
    echo "# Values in single quotes: hex, base64 and name=hex;... hold none."
    for name in "${SECRET_PRINCIPALS[@]}"; do
      echo "$(secret_variable "$name")='$(secret_password "$secrets" "$name")'"
    done
    echo "ORDERFLOW_SECRET_SCRAM_USERS='$(scram_users)'"
    for n in 1 2 3; do
      echo "ORDERFLOW_SECRET_KAFKA_${n}_KEYSTORE='$(base64 -w0 "$secrets/kafka-node-$n.keystore.pem")'"
    done
    echo "ORDERFLOW_SECRET_REDIS_ACL='$(base64 -w0 "$secrets/redis-users.acl")'"
    echo "ORDERFLOW_SECRET_REGISTRY_USERS='$(registry_users | base64 -w0)'"
    echo "ORDERFLOW_SECRET_GATEWAY_CLIENTS='$(base64 -w0 "$secrets/gateway-clients")'"
  } | secret_write "$secrets" compose.env
  log "compose secrets in $secrets (compose.env, 0600)"
}

compose() {
  if [[ -n "${COMPOSE:-}" ]]; then
    read -ra cmd <<<"$COMPOSE"
  elif command -v docker-compose >/dev/null 2>&1; then
    cmd=(docker-compose)
  else
    cmd=(docker compose)
  fi
  set -a
  # shellcheck disable=SC1091
  source "$secrets/compose.env"
  set +a
  # Where the files Compose mounts are (the CA certificate).
  export ORDERFLOW_COMPOSE_SECRETS_DIR=$secrets
  cd "$root"
  exec "${cmd[@]}" -f docker-compose.yml -f docker-compose.secure.yml "$@"
}

case "${1:-}" in
  "" | -h | --help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  secrets) make_secrets ;;
  env) echo "$secrets/compose.env" ;;
  *)
    [[ -s "$secrets/compose.env" ]] || make_secrets
    compose "$@"
    ;;
esac
