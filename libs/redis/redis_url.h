#pragma once

// REDIS_URL: where Redis is and who we are to it. The one parser every command uses, and the
// one way to print such a URL without its password.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::redis {

struct RedisEndpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    int database = 0;
    std::string user;      ///< empty: AUTH with the password only (the "default" user)
    std::string password;  ///< empty: no AUTH
};

/// "redis://[user[:password]@]host[:port][/db]": user and password URL-encoded (%40 for '@'),
/// port 6379 and db 0 by default. Errors: ConfigError naming `setting`; the message never
/// holds the password.
RedisEndpoint parse_redis_url(const std::string& setting, std::string_view text);

/// A Redis Cluster's seed nodes: "redis-cluster://[user[:password]@]host:port[,host:port...][/0]".
/// The nodes it names are where the slot map is first read; the rest are found from it. One user
/// and password for every node; port 6379 when omitted; a cluster has database 0 only.
inline constexpr std::string_view cluster_scheme = "redis-cluster://";
/// At most this many seeds (a handful is enough: any one that answers gives the whole map).
inline constexpr std::size_t max_cluster_seeds = 64;

/// Whether `text` is a cluster URL (starts with cluster_scheme).
bool is_redis_cluster_url(std::string_view text);

/// The seeds of a cluster URL, each with its user and password, in the order given. Errors:
/// ConfigError naming `setting` for an empty, duplicate or malformed seed, too many seeds, a
/// database other than 0, or a bad %-escape; the message never holds the password.
std::vector<RedisEndpoint> parse_redis_cluster_url(const std::string& setting,
                                                   std::string_view text);

/// REDIS_URL as a service takes it: one Redis (redis://) or a cluster's seeds (redis-cluster://).
struct RedisTarget {
    std::vector<RedisEndpoint> nodes;  ///< the one Redis; or the seeds, in the order given
    bool cluster = false;
};

/// parse_redis_url() or parse_redis_cluster_url(), by the scheme. Errors: ConfigError naming
/// `setting`, never holding the password.
RedisTarget parse_redis_target(const std::string& setting, std::string_view text);

/// The URL of `target` (format_redis_url(), or a redis-cluster:// one that
/// parse_redis_cluster_url reads back). Holds the password, as format_redis_url.
std::string format_redis_target(const RedisTarget& target);

/// "host:port" of the one Redis, or "cluster host:port,host:port" of the seeds: for log lines
/// (never a user or password).
std::string describe_redis_target(const RedisTarget& target);

/// The URL of `endpoint`, user and password URL-encoded: parse_redis_url reads it back as is.
/// Holds the password: for a child's environment, never for a log line or an argv.
std::string format_redis_url(const RedisEndpoint& endpoint);

/// The URL with its password replaced by "***" ("redis://user:***@host:port/0"), whatever the
/// scheme; text without a password is returned unchanged. For every place a REDIS_URL is printed.
std::string redact_redis_url(std::string_view text);

}  // namespace orderflow::redis
