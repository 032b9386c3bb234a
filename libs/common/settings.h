#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::common {

/// Parsers for setting values. Each throws ConfigError naming `setting` when the text is bad.

/// "5s", "250ms", "2m", "1h"; a plain number means seconds ("5" = 5 s).
std::chrono::milliseconds parse_duration(const std::string& setting, std::string_view text);

/// true/false, 1/0, yes/no, on/off, any case.
bool parse_bool(const std::string& setting, std::string_view text);

/// A whole number in [min, max].
std::int64_t parse_int(const std::string& setting,
                       std::string_view text,
                       std::int64_t min,
                       std::int64_t max);

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

/// "host:port"; the port must be 1..65535.
HostPort parse_host_port(const std::string& setting, std::string_view text);

/// A comma-separated list of host:port, at least one. Returns it with blanks removed.
std::string parse_bootstrap_servers(const std::string& setting, std::string_view text);

/// "http://host:port[/path]" with no trailing slash in the result.
std::string parse_http_url(const std::string& setting, std::string_view text);

/// "k=v;k=v" pass-through settings for librdkafka (KAFKA_EXTRA). Empty text gives no pairs.
std::vector<std::pair<std::string, std::string>> parse_key_values(const std::string& setting,
                                                                  std::string_view text);

}  // namespace orderflow::common
