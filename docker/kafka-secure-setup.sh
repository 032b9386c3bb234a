#!/bin/bash
# The one-shot `kafka-setup` of docker-compose.secure.yml, run inside the apache/kafka image as
# admin once the nodes are healthy: creates the orders and dead-letter topics (the services may
# only describe them) and adds the ACLs of scripts/kafka/acls.txt, one kafka-acls call a line
# (four at a time).
# Adding an ACL that exists is a no-op, so a second run changes nothing; an ACL removed from the
# list stays in the cluster until removed by hand (natively, kafka-cluster.sh apply-acls makes the
# cluster's ACLs exactly the list's, with a Java source file this image's JRE cannot compile).
#
# Environment: ORDERFLOW_ADMIN_PASSWORD, KAFKA_BOOTSTRAP (kafka-1:19092,...), ORDERFLOW_CA
# (the CA's PEM), ORDERFLOW_ACLS (the list), ORDERS_TOPIC, DLQ_TOPIC and the names acls.txt reads,
#   KAFKA_HOME           the Kafka installation                    [/opt/kafka]
#   ORDERFLOW_NODE_DIR   where the admin's client properties go    [/tmp/orderflow]
set -euo pipefail
kafka_home=${KAFKA_HOME:-/opt/kafka}
dir=${ORDERFLOW_NODE_DIR:-/tmp/orderflow}
: "${ORDERFLOW_ADMIN_PASSWORD:?ORDERFLOW_ADMIN_PASSWORD is not set (scripts/compose-secure.sh makes it)}"
: "${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP is not set}"
: "${ORDERFLOW_CA:?ORDERFLOW_CA is not set}"
: "${ORDERFLOW_ACLS:?ORDERFLOW_ACLS is not set}"
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx128m}

umask 077
mkdir -p "$dir"
admin="$dir/admin.properties"
cat >"$admin" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ORDERFLOW_ADMIN_PASSWORD";
ssl.truststore.type=PEM
ssl.truststore.location=$ORDERFLOW_CA
PROPS
unset ORDERFLOW_ADMIN_PASSWORD
as_admin=(--bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$admin")

"$kafka_home/bin/kafka-topics.sh" "${as_admin[@]}" --create --if-not-exists --topic "${ORDERS_TOPIC:-orders}" \
  --partitions 5 --replication-factor 3 --config min.insync.replicas=2
"$kafka_home/bin/kafka-topics.sh" "${as_admin[@]}" --create --if-not-exists --topic "${DLQ_TOPIC:-orders.dlq}" \
  --partitions 1 --replication-factor 3 --config min.insync.replicas=2
echo "kafka-setup: topics ${ORDERS_TOPIC:-orders} and ${DLQ_TOPIC:-orders.dlq} exist"

# A name of the list with each ${VAR:-default} replaced by VAR's value, else the default.
expand() {
  local text=$1 out="" name default
  while [[ "$text" =~ ^([^$]*)\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}(.*)$ ]]; do
    name=${BASH_REMATCH[2]} default=${BASH_REMATCH[3]}
    out+="${BASH_REMATCH[1]}${!name:-$default}"
    text=${BASH_REMATCH[4]}
  done
  echo "$out$text"
}

# DESCRIBE_CONFIGS (the list's, Kafka's AclOperation name) -> DescribeConfigs (kafka-acls').
pascal_case() {
  local word out=""
  IFS=_ read -ra words <<<"${1,,}"
  for word in "${words[@]}"; do out+=${word^}; done
  echo "$out"
}

# One kafka-acls JVM a line, up to 4 at once (each spends seconds starting; the lines are
# independent): a failed line fails the setup.
count=0
running=0
while read -r principal kind name operations; do
  [[ -z "$principal" || "$principal" == \#* ]] && continue
  name=$(expand "$name")
  case "$kind" in
    topic) resource=(--topic "$name") ;;
    group) resource=(--group "$name") ;;
    cluster) resource=(--cluster) ;;
    *) echo "kafka-setup: unknown resource type '$kind' in the ACL list" >&2; exit 1 ;;
  esac
  ops=()
  for op in $operations; do ops+=(--operation "$(pascal_case "$op")"); done
  if ((running == 4)); then
    wait -n || { echo "kafka-setup: a kafka-acls call failed" >&2; exit 1; }
    running=$((running - 1))
  fi
  "$kafka_home/bin/kafka-acls.sh" "${as_admin[@]}" --add --allow-principal "User:$principal" \
    "${ops[@]}" "${resource[@]}" >/dev/null &
  running=$((running + 1))
  count=$((count + 1))
done <"$ORDERFLOW_ACLS"
for ((; running > 0; running--)); do
  wait -n || { echo "kafka-setup: a kafka-acls call failed" >&2; exit 1; }
done
echo "kafka-setup: $count ACL lines of $ORDERFLOW_ACLS added"
