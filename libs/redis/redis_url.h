#pragma once

// REDIS_URL: where Redis is and who we are to it. The one parser every command uses, and the
// one way to print such a URL without its password.

#include <cstdint>
#include <string>
#include <string_view>

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

/// The URL of `endpoint`, user and password URL-encoded: parse_redis_url reads it back as is.
/// Holds the password: for a child's environment, never for a log line or an argv.
std::string format_redis_url(const RedisEndpoint& endpoint);

/// The URL with its password replaced by "***" ("redis://user:***@host:port/0"), whatever the
/// scheme; text without a password is returned unchanged. For every place a REDIS_URL is printed.
std::string redact_redis_url(std::string_view text);

}  // namespace orderflow::redis
