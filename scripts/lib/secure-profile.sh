# The secure profile of `make up` (SECURE=1): Kafka SASL_SSL with SCRAM and ACLs, Redis ACL
# users, the registry's users file and the console's token, one principal per service.
# Sourced by stack.sh after proc.sh and secrets.sh (scripts/lib/secrets.sh lists the principals).
#
# What lands in the secrets directory (0700, every file 0600), besides what kafka-cluster.sh
# (CA, certificates, <principal>.properties) and redis-acl.sh (redis-users.acl) write there:
#   <principal>.password    the principal's one password (Kafka SCRAM, Redis, registry)
#   registry-users          REGISTRY_AUTH_FILE: admin and producer write, the others read
#   console.token           CONSOLE_TOKEN
#   <principal>.env         ORDERFLOW_SECRETS_FILE of the service (admin.env: people's commands)
#   gateway-clients         GATEWAY_CLIENTS_FILE: each gateway client's name and its token's SHA-256
#   gateway-<client>.token  that client's token (admin's is GATEWAY_TOKEN in admin.env)

# secure_setting -> the SECURE setting: the environment's, else the last SECURE= line of the
# .env file the binary reads too (ORDERFLOW_ENV_FILE, relative to the repo root; default .env).
# The scripts read no other setting from it: this one picks the whole profile.
secure_setting() {
  local value file=${ORDERFLOW_ENV_FILE:-.env}
  [[ "$file" == /* ]] || file=$root/$file
  if [[ -n "${SECURE+set}" ]]; then
    value=$SECURE
  else
    value=$(sed -n 's/^[[:space:]]*SECURE=[[:space:]]*//p' "$file" 2>/dev/null | tail -n 1 | tr -d "\"' \r")
  fi
  case "$value" in
    "" | 0) echo 0 ;;
    1) echo 1 ;;
    *) die "SECURE must be 0, 1 or empty, not '$value'" ;;
  esac
}

# Who reads and who writes the registry (REGISTRY_AUTH_FILE's roles).
secure_registry_role() {
  case "$1" in
    # The gateway registers the order schema at start, as the producer does.
    admin | producer | gateway) echo writer ;;
    *) echo reader ;;
  esac
}

# The principals with a Redis user (redis-acl.sh); the others never talk to Redis.
secure_has_redis_user() {
  case "$1" in
    admin | consumer-auto | consumer-batch | console | audit | gateway) return 0 ;;
    *) return 1 ;;
  esac
}

# secure_before_infra DIR: the passwords and the Redis users file exist (redis.sh and
# kafka-cluster.sh read them through what stack.sh exports).
secure_before_infra() {
  local dir=$1 name
  secret_dir_init "$dir"
  for name in "${SECRET_PRINCIPALS[@]}"; do secret_password "$dir" "$name" >/dev/null; done
  redis_acl_write "$dir"
}

# secure_write_service_files DIR REDIS_PORT: the registry's users file, the console's token and
# one env file per principal, rewritten on every `make up` (passwords are kept).
secure_write_service_files() {
  local dir=$1 redis_port=$2 name password
  {
    echo "# Written by scripts/stack.sh (SECURE=1): user: password,role"
    for name in "${SECRET_PRINCIPALS[@]}"; do
      [[ "$name" == broker || "$name" == registry ]] && continue
      echo "$name: $(secret_password "$dir" "$name"),$(secure_registry_role "$name")"
    done
  } | secret_write "$dir" registry-users
  [[ -s "$dir/console.token" ]] || openssl rand -hex 24 | secret_write "$dir" console.token
  secure_write_gateway_clients "$dir"
  for name in "${SECRET_PRINCIPALS[@]}"; do
    [[ "$name" == broker ]] && continue
    password=$(secret_password "$dir" "$name")
    {
      echo "# Written by scripts/stack.sh (SECURE=1) for the principal '$name'; read through"
      echo "# ORDERFLOW_SECRETS_FILE (services) or SECURE=1 (admin.env, commands run by people)."
      echo "KAFKA_PROPERTIES_FILE=$dir/$name.properties"
      if secure_has_redis_user "$name"; then
        echo "REDIS_URL=redis://$name:$password@127.0.0.1:$redis_port/0"
      fi
      case "$name" in
        registry) echo "REGISTRY_AUTH_FILE=$dir/registry-users" ;;
        *) echo "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=$name:$password" ;;
      esac
      if [[ "$name" == console ]]; then echo "CONSOLE_TOKEN=$(tr -d '\n' <"$dir/console.token")"; fi
      if [[ "$name" == gateway ]]; then echo "GATEWAY_CLIENTS_FILE=$dir/gateway-clients"; fi
      # People's commands (produce --via-gateway) come in as the gateway client admin.
      if [[ "$name" == admin ]]; then echo "GATEWAY_TOKEN=$(tr -d '\n' <"$dir/gateway-admin.token")"; fi
    } | secret_write "$dir" "$name.env"
  done
}

# The gateway's clients in the secure profile: `shop`, a client application's example, and
# `admin`, people's commands. Each gets a token of its own (kept across `make up`s); the gateway
# reads only their SHA-256s.
SECURE_GATEWAY_CLIENTS=(shop admin)

# secure_write_gateway_clients DIR: DIR/gateway-<client>.token for each client, and
# DIR/gateway-clients (GATEWAY_CLIENTS_FILE) with their hashes.
secure_write_gateway_clients() {
  local dir=$1 client
  for client in "${SECURE_GATEWAY_CLIENTS[@]}"; do
    [[ -s "$dir/gateway-$client.token" ]] || openssl rand -hex 32 | secret_write "$dir" "gateway-$client.token"
  done
  {
    echo "# Written by scripts/stack.sh (SECURE=1): client: SHA-256 of its token (gateway-<client>.token)"
    for client in "${SECURE_GATEWAY_CLIENTS[@]}"; do
      echo "$client: $(tr -d '\n' <"$dir/gateway-$client.token" | sha256sum | cut -d' ' -f1)"
    done
  } | secret_write "$dir" gateway-clients
}

# secure_create_topics DIR: the orders and dead-letter topics, created by admin (the services
# may only describe them), as the producer and the consumers would create them.
secure_create_topics() {
  local dir=$1
  local -a as_admin=(env SECURE=1 ORDERFLOW_SECRETS_FILE="$dir/admin.env" "$binary" admin)
  "${as_admin[@]}" create-topic "${ORDERS_TOPIC:-orders}" -p 5 -r 3 -c min.insync.replicas=2 >/dev/null ||
    die "could not create topic ${ORDERS_TOPIC:-orders} as admin"
  "${as_admin[@]}" create-topic "${DLQ_TOPIC:-orders.dlq}" -p 1 -r 3 -c min.insync.replicas=2 >/dev/null ||
    die "could not create topic ${DLQ_TOPIC:-orders.dlq} as admin"
  log "topics ${ORDERS_TOPIC:-orders} and ${DLQ_TOPIC:-orders.dlq} exist (created as admin)"
}

# secure_load_redis_functions DIR: the store's Redis function library, loaded by admin: the
# consumers' users may FCALL it but not FUNCTION LOAD (that would change code other users run).
secure_load_redis_functions() {
  local dir=$1 loaded
  loaded=$(env SECURE=1 ORDERFLOW_SECRETS_FILE="$dir/admin.env" "$binary" admin redis-functions) ||
    die "could not load the store's Redis function library as admin"
  log "redis: $loaded (as admin)"
}

# secure_print DIR: where the credentials are (never the credentials themselves).
secure_print() {
  local dir=$1
  echo "  secure profile  Kafka SASL_SSL (SCRAM-SHA-512) + ACLs, Redis ACL users, registry basic auth"
  echo "                  credentials: $dir/<principal>.properties (kcat -F), <principal>.env"
  echo "                  console token: $dir/console.token (open the console once with ?token=...)"
  echo "                  gateway tokens: $dir/gateway-<client>.token (Authorization: Bearer ...)"
}
