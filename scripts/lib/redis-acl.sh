# shellcheck shell=bash
# The secure profile's Redis users: an ACL file for `redis-server --aclfile`, one user per
# principal that talks to Redis, each allowed exactly the commands and keys its code sends.
# Sourced after proc.sh and secrets.sh, not run.
#
# The command lists come from the code, not from categories, so a new command in the code is a
# NOPERM until it is added here (tests/integration/redis_acl runs every code path as its user):
#   connection (libs/redis/connection.cpp)  AUTH (always allowed), PING without a password,
#                                           SELECT for a REDIS_URL database other than 0
#   order store (libs/redis/order_store.cpp) FCALL, SADD of partitions:G, HGETALL of the
#                                           partitions' offsets pieces; never FUNCTION LOAD: code
#                                           other users' FCALL runs is loaded by admin
#                                           (orderflow admin redis-functions)
#   store function (libs/redis/store_library.cpp, checked by Redis inside FCALL)
#                                           EXISTS TYPE HGET HMGET HSET HINCRBY ZADD
#   consumer (services/consumer)            PING at start; SET and PEXPIRE of its watch keys
#   store reads (libs/redis/store_reads.cpp) SMEMBERS of partitions:G, HGETALL of the pieces
#   browser (libs/redis_browser)            SCAN, TYPE, TTL, MEMORY USAGE, GETRANGE, STRLEN,
#                                           HSCAN, SSCAN, ZRANGE, ZREVRANGE, ZCARD, LRANGE, LLEN,
#                                           HGETALL; the console's overview: PING
#   audit (libs/audit)                      SCAN, HMGET, HGETALL, SMEMBERS, ZRANGE, MULTI/EXEC
#   gateway (services/gateway)              SET of its Idempotency-Key records (NX GET PX and
#                                           XX KEEPTTL); SMEMBERS, HGETALL and ZREVRANGE of the
#                                           groups' partitions, orders and customers, read only
# Passwords are stored as SHA-256 (#hex): the file never holds a password in the clear.

# The Redis key patterns of consumer group G (libs/redis/key_names.cpp: every key of a partition
# carries its tag {G:p:n}; G has no byte that key_names encodes, so it is written as it is).
redis_acl_group_keys() {
  local g=$1
  printf '~order:{%s:* ~customer:{%s:* ~stats:{%s:* ~offsets:{%s:* ~watch:{%s:* ~partitions:%s' \
    "$g" "$g" "$g" "$g" "$g" "$g"
}

# What a reader of group G's orders and customers may read (%R: read only).
redis_acl_group_reads() {
  printf '%%R~order:{%s:* %%R~customer:{%s:* %%R~partitions:%s' "$1" "$1" "$1"
}

# redis_acl_user DIR NAME RULES...: one `user` line, NAME's password (secret_password) hashed.
redis_acl_user() {
  local dir=$1 name=$2 password hash
  shift 2
  password=$(secret_password "$dir" "$name")
  hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
  printf 'user %s on #%s resetchannels %s\n' "$name" "$hash" "$*"
}

# redis_acl_write SECRETS_DIR [TOPIC]: writes SECRETS_DIR/redis-users.acl (0600); the consumers'
# groups are TOPIC-auto and TOPIC-batch (TOPIC: orders).
redis_acl_write() {
  local dir=$1 topic=${2:-orders} consumer_commands read_commands
  # What a consumer sends on its own connection and what its store function calls.
  consumer_commands='-@all +ping +select +fcall +sadd +hgetall +set +pexpire'
  consumer_commands+=' +exists +type +hget +hmget +hset +hincrby +zadd'
  # The console's browser and overview, and the audit it runs with the same REDIS_URL.
  read_commands='-@all +ping +select +scan +type +ttl +memory|usage +getrange +strlen +hscan'
  read_commands+=' +sscan +smembers +zrange +zrevrange +zcard +lrange +llen +hgetall +hmget'
  read_commands+=' +multi +exec'
  {
    # Nobody connects without a user and password.
    echo 'user default off resetpass resetkeys resetchannels -@all'
    # People: everything, including FLUSHALL, CONFIG, ACL and FUNCTION LOAD.
    redis_acl_user "$dir" admin '~* &* +@all'
    # Each consumer reads and writes only its own group's keys.
    redis_acl_user "$dir" consumer-auto "$(redis_acl_group_keys "$topic-auto") $consumer_commands"
    redis_acl_user "$dir" consumer-batch "$(redis_acl_group_keys "$topic-batch") $consumer_commands"
    # The console reads every key (%R: read only, even for a command that could write).
    redis_acl_user "$dir" console "%R~* $read_commands"
    # orderflow audit reads the store of any group: no PING (it authenticates with AUTH) and
    # no browser commands.
    redis_acl_user "$dir" audit '%R~* -@all +select +scan +smembers +hgetall +hmget +zrange +multi +exec'
    # The gateway writes its Idempotency-Key records and reads the groups' orders and customers.
    redis_acl_user "$dir" gateway "~idempotency:* $(redis_acl_group_reads "$topic-auto")" \
      "$(redis_acl_group_reads "$topic-batch") -@all +ping +select +set +smembers +hgetall +zrevrange"
  } | secret_write "$dir" redis-users.acl
}
