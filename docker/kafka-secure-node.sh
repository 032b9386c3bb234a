#!/bin/bash
# A Kafka node of docker-compose.secure.yml, run inside the apache/kafka image in place of its own
# start script (which formats the storage without SCRAM users, and KRaft has no other way to
# create the first ones). Like the image, it turns every KAFKA_* variable into a property
# (KAFKA_A_B -> a.b, `__` -> `_`, `___` -> `-`); then it adds what holds a secret:
#   ssl.keystore.location   written from ORDERFLOW_NODE_KEYSTORE (base64 of the PEM keystore)
#   listener.name.<l>.scram-sha-512.sasl.jaas.config   for each SASL_SSL listener, as `broker`
# formats the storage with the SCRAM users of ORDERFLOW_SCRAM_USERS (name=password;...) when it
# is not formatted yet, writes the healthcheck's client properties, and starts the node.
#
# Environment: the KAFKA_* settings and CLUSTER_ID (docker-compose.yml and the override),
# ORDERFLOW_NODE_KEYSTORE, ORDERFLOW_SCRAM_USERS, and
#   KAFKA_HOME           the Kafka installation                    [/opt/kafka]
#   ORDERFLOW_NODE_DIR   where the files made here go (0700)       [/tmp/orderflow]
set -euo pipefail
kafka_home=${KAFKA_HOME:-/opt/kafka}
dir=${ORDERFLOW_NODE_DIR:-/tmp/orderflow}
mechanism=SCRAM-SHA-512
: "${CLUSTER_ID:?CLUSTER_ID is not set}"
: "${ORDERFLOW_NODE_KEYSTORE:?ORDERFLOW_NODE_KEYSTORE is not set (scripts/compose-secure.sh makes it)}"
: "${ORDERFLOW_SCRAM_USERS:?ORDERFLOW_SCRAM_USERS is not set (scripts/compose-secure.sh makes it)}"
: "${KAFKA_SSL_KEYSTORE_LOCATION:?KAFKA_SSL_KEYSTORE_LOCATION is not set}"
: "${KAFKA_SSL_TRUSTSTORE_LOCATION:?KAFKA_SSL_TRUSTSTORE_LOCATION is not set}"
: "${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:?KAFKA_LISTENER_SECURITY_PROTOCOL_MAP is not set}"

umask 077
mkdir -p "$dir"
printf '%s' "$ORDERFLOW_NODE_KEYSTORE" | base64 -d >"$KAFKA_SSL_KEYSTORE_LOCATION"

# The password of SCRAM user NAME in ORDERFLOW_SCRAM_USERS.
scram_password() {
  local entry
  IFS=';' read -ra entries <<<"$ORDERFLOW_SCRAM_USERS"
  for entry in "${entries[@]}"; do
    [[ "${entry%%=*}" == "$1" ]] && { echo "${entry#*=}"; return 0; }
  done
  echo "kafka-secure-node: no SCRAM user '$1' in ORDERFLOW_SCRAM_USERS" >&2
  exit 1
}
broker_jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" password=\"$(scram_password broker)\";"

# KAFKA_* variables that are not properties (the start scripts read them).
not_a_property() {
  [[ "$1" == *_OPTS || "$1" =~ ^KAFKA_(HOME|VERSION|DEBUG|JMX_PORT|LOG4J_.*)$ ]]
}

properties="$dir/server.properties"
{
  echo "# Written by kafka-secure-node.sh from the container's KAFKA_* variables"
  while IFS='=' read -r name _; do
    if [[ "$name" != KAFKA_* ]] || not_a_property "$name"; then continue; fi
    key=${name#KAFKA_}
    key=${key,,}
    key=${key//___/-}
    key=${key//__/$'\1'}
    key=${key//_/.}
    key=${key//$'\1'/_}
    echo "$key=${!name}"
  done < <(env | grep -E '^KAFKA_[A-Z0-9_]+=' | sort)
  IFS=',' read -ra listeners <<<"$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"
  for entry in "${listeners[@]}"; do
    [[ "${entry#*:}" == SASL_SSL ]] || continue
    name=${entry%%:*}
    echo "listener.name.${name,,}.${mechanism,,}.sasl.jaas.config=$broker_jaas"
  done
} >"$properties"

# The healthcheck's client (kafka-broker-api-versions --command-config), as the broker principal.
cat >"$dir/client.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=$mechanism
sasl.jaas.config=$broker_jaas
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_SSL_TRUSTSTORE_LOCATION
PROPS

scram_args=()
IFS=';' read -ra entries <<<"$ORDERFLOW_SCRAM_USERS"
for entry in "${entries[@]}"; do
  scram_args+=(--add-scram "$mechanism=[name=${entry%%=*},password=${entry#*=}]")
done
# --ignore-formatted: a node restarted on its volume keeps its storage and its users.
"$kafka_home/bin/kafka-storage.sh" format --ignore-formatted -t "$CLUSTER_ID" -c "$properties" "${scram_args[@]}"

unset ORDERFLOW_NODE_KEYSTORE ORDERFLOW_SCRAM_USERS
exec "$kafka_home/bin/kafka-server-start.sh" "$properties"
