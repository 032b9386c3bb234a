# The sasl_ssl profile of scripts/kafka-cluster.sh: listeners, SCRAM credentials at format time,
# client properties per principal, and the ACLs. Sourced by kafka-cluster.sh after lib/secrets.sh
# and lib/kafka-tls.sh; uses its variables ($secrets, $bports, $cports, $bootstrap, $here).
#
# Listeners of each node:
#   SASL_SSL    clients and inter-broker traffic; SCRAM-SHA-512, the brokers as principal `broker`.
#   CONTROLLER  SSL with ssl.client.auth=required: mutual TLS, each node's certificate being its
#               principal (User:CN=kafka-node-N). Not SCRAM: SCRAM credentials live in the
#               metadata log that the controllers replicate among themselves, so controllers
#               cannot use them to authenticate to each other (Kafka's format-time credentials
#               are for brokers and clients; sources in scripts/kafka/README.md). SASL/PLAIN
#               would work but puts every controller password in plain text in each node's JAAS
#               config; mTLS needs no password, and the certificates exist anyway for SASL_SSL.

kafka_scram_mechanism=SCRAM-SHA-512

# Principals that clients use (every one but the brokers'), each with DIR/<name>.properties.
client_principals() {
  local p
  for p in "${SECRET_PRINCIPALS[@]}"; do
    [[ "$p" == broker ]] || echo "$p"
  done
}

# The super users: the brokers, people (admin) and the node certificates.
super_users() {
  local n users="User:broker;User:admin"
  for n in 1 2 3; do users+=";$(kafka_tls_principal "$n")"; done
  echo "$users"
}

# Node N's security settings, after the listeners kafka-cluster.sh names (SASL_SSL, CONTROLLER:SSL).
sasl_ssl_node_config() {
  local n=$1
  cat <<PROPS
# sasl_ssl (scripts/kafka/sasl-ssl.sh)
sasl.enabled.mechanisms=$kafka_scram_mechanism
sasl.mechanism.inter.broker.protocol=$kafka_scram_mechanism
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(secret_password "$secrets" broker)";
ssl.keystore.type=PEM
ssl.keystore.location=$secrets/kafka-node-$n.keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/ca.pem
listener.name.controller.ssl.client.auth=required
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=$(super_users)
PROPS
}

# One `--add-scram` argument pair per principal, a line each, for StorageTool format: the
# credentials exist from the first start (KRaft has no other way to bootstrap them). They are
# on the format command's line for the second it runs: the tool takes them no other way.
format_scram_args() {
  local p
  for p in "${SECRET_PRINCIPALS[@]}"; do
    echo --add-scram
    echo "$kafka_scram_mechanism=[name=$p,password=$(secret_password "$secrets" "$p")]"
  done
}

# DIR/<principal>.properties (librdkafka, `kcat -F FILE`) and DIR/admin.java.properties.
write_client_properties() {
  local p
  for p in $(client_principals); do
    secret_write "$secrets" "$p.properties" <<PROPS
bootstrap.servers=$bootstrap
security.protocol=SASL_SSL
sasl.mechanisms=$kafka_scram_mechanism
sasl.username=$p
sasl.password=$(secret_password "$secrets" "$p")
ssl.ca.location=$secrets/ca.pem
PROPS
  done
  secret_write "$secrets" admin.java.properties <<PROPS
bootstrap.servers=$bootstrap
security.protocol=SASL_SSL
sasl.mechanism=$kafka_scram_mechanism
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(secret_password "$secrets" admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/ca.pem
PROPS
}

# Everything a node needs before it starts: passwords, certificates, client properties.
sasl_ssl_prepare() {
  local n p
  for p in "${SECRET_PRINCIPALS[@]}"; do secret_password "$secrets" "$p" >/dev/null; done
  for n in 1 2 3; do kafka_tls_node "$secrets" "$n"; done
  write_client_properties
}

# The cluster's ACLs become those of scripts/kafka/acls.txt (one JVM, Kafka's Admin client).
apply_acls() {
  log "applying the ACLs of $here/kafka/acls.txt"
  java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$(libs)/*" \
    -Dlog4j.configuration="file:$here/kafka/tools-log4j.properties" \
    "$here/kafka/AclApply.java" "$secrets/admin.java.properties" "$here/kafka/acls.txt" ||
    die "applying the ACLs failed"
}
