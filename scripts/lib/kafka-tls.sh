# TLS material of the secure Kafka cluster, made with openssl into the secrets directory once and
# reused (a restarted cluster keeps its certificates). Sourced after proc.sh, not run.
#
#   DIR/ca.key, DIR/ca.pem                 the cluster's own CA (clients trust ca.pem)
#   DIR/kafka-node-N.keystore.pem          node N: its private key (PKCS#8, unencrypted) and its
#                                          certificate then the CA's, as Kafka's PEM keystore wants
# Certificates name IP:127.0.0.1 and DNS:localhost, so clients verify the host (librdkafka and
# Java do by default). Node certificates serve as clients too: the controller listener requires
# them (mutual TLS). Every file is mode 0600, as everything in the secrets directory.

kafka_tls_days=3650

# kafka_tls_ca DIR: the CA key and certificate, created when missing.
kafka_tls_ca() {
  local dir=$1
  [[ -s "$dir/ca.pem" && -s "$dir/ca.key" ]] && return 0
  mkdir -p "$dir"
  chmod 0700 "$dir"
  log "creating the Kafka TLS CA in $dir"
  (umask 077 && openssl req -x509 -new -noenc -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days "$kafka_tls_days" \
    -subj "/O=orderflow/CN=orderflow-kafka-ca" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null) ||
    die "openssl could not create the Kafka CA in $dir"
}

# kafka_tls_node DIR N [SANS]: node N's keystore, signed by the CA, created when missing. Its
# subject is CN=kafka-node-N: the principal User:CN=kafka-node-N on the controller listener.
# SANS (e.g. "DNS:kafka-1") are named besides 127.0.0.1 and localhost: the Compose nodes are
# reached by their service names.
kafka_tls_node() {
  local dir=$1 n=$2 sans=${3:+,$3} work
  local keystore="$dir/kafka-node-$n.keystore.pem"
  [[ -s "$keystore" ]] && return 0
  kafka_tls_ca "$dir"
  work=$(mktemp -d)
  (
    umask 077
    openssl req -new -noenc -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
      -keyout "$work/key.pem" -out "$work/req.pem" -subj "/CN=kafka-node-$n" 2>/dev/null &&
      printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth,clientAuth" \
        "subjectAltName=IP:127.0.0.1,DNS:localhost$sans" >"$work/ext.cnf" &&
      openssl x509 -req -in "$work/req.pem" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -CAserial "$dir/ca.srl" -days "$kafka_tls_days" \
        -extfile "$work/ext.cnf" -out "$work/cert.pem" 2>/dev/null &&
      cat "$work/key.pem" "$work/cert.pem" "$dir/ca.pem" >"$keystore.tmp" &&
      mv "$keystore.tmp" "$keystore"
  ) || {
    rm -rf "$work"
    die "openssl could not create the certificate of kafka node $n in $dir"
  }
  rm -rf "$work"
  log "created the TLS certificate of kafka node $n ($keystore)"
}

# kafka_tls_principal N: the principal Kafka gives node N's certificate on an SSL listener.
kafka_tls_principal() {
  echo "User:CN=kafka-node-$1"
}
