# The secure profile's (SECURE=1) secrets directory: one random password per principal, made
# once and kept, so a restarted stack and the formatted Kafka storage agree. Sourced after
# proc.sh, not run.
#
# Principals (the same names in Kafka SCRAM, Redis ACL users and the registry's users file):
#   admin           people: everything
#   broker          Kafka nodes talking to each other (Kafka only)
#   producer        writes orders
#   consumer-auto   the orders-auto group: reads orders, writes orders.dlq, its own Redis keys
#   consumer-batch  the orders-batch group: the same with its own group and keys
#   registry        the schema registry: owns _schemas and its election group (Kafka only)
#   console         the web console: reads
#   audit           orderflow audit: reads
#   gateway         the order intake: writes orders, keeps Idempotency-Keys, reads stored orders
# Every file in the directory is mode 0600 and the directory 0700: only our user reads them.

SECRET_PRINCIPALS=(admin broker producer consumer-auto consumer-batch registry console audit gateway)

# secret_dir_init DIR: creates DIR (0700) if missing and tightens it if it exists.
secret_dir_init() {
  mkdir -p "$1"
  chmod 0700 "$1"
}

# secret_password DIR NAME -> NAME's password (64 hex characters: safe in URLs, JAAS and
# properties files without quoting), created in DIR/NAME.password on first use.
secret_password() {
  local dir=$1 name=$2 file
  file="$dir/$name.password"
  if [[ ! -s "$file" ]]; then
    secret_dir_init "$dir"
    (umask 077 && openssl rand -hex 32 >"$file.tmp") || die "openssl rand failed for $name"
    mv "$file.tmp" "$file"
  fi
  chmod 0600 "$file"
  tr -d '\n' <"$file"
}

# secret_write DIR FILE: stdin into DIR/FILE, mode 0600 from the first byte written.
secret_write() {
  local path="$1/$2"
  secret_dir_init "$1"
  rm -f "$path.tmp"
  (umask 077 && cat >"$path.tmp")
  mv "$path.tmp" "$path"
}
