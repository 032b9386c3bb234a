#include "redis/redis_url.h"

#include "common/config_error.h"
#include "common/settings.h"

#include <cctype>

namespace orderflow::redis {
namespace {

constexpr std::string_view scheme = "redis://";

// The decoded text is a credential, so a bad escape names the part, never the text.
std::string percent_decode(const std::string& setting, std::string_view part, const char* what) {
    std::string out;
    for (std::size_t i = 0; i < part.size(); ++i) {
        if (part[i] != '%') {
            out += part[i];
            continue;
        }
        const auto escape = part.substr(i + 1, 2);
        const auto is_hex = [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        };
        if (escape.size() != 2 || !is_hex(escape[0]) || !is_hex(escape[1])) {
            throw common::ConfigError(setting, std::string("bad %-escape in the ") + what +
                                                   " (write %XX, e.g. %40 for '@')");
        }
        out += static_cast<char>(std::stoi(std::string(escape), nullptr, 16));
        i += 2;
    }
    return out;
}

std::string percent_encode(std::string_view part) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : part) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0xF];
        }
    }
    return out;
}

std::string quoted_redacted(std::string_view text) {
    return "\"" + redact_redis_url(text) + "\"";
}

void parse_user_info(const std::string& setting, std::string_view info, RedisEndpoint& endpoint) {
    const auto colon = info.find(':');
    endpoint.user = percent_decode(setting, info.substr(0, colon), "user");
    if (colon != std::string_view::npos) {
        endpoint.password = percent_decode(setting, info.substr(colon + 1), "password");
    }
    if (endpoint.password.empty()) {
        throw common::ConfigError(setting, "user \"" + endpoint.user +
                                               "\" given without a password (redis://user:"
                                               "password@host:port)");
    }
}

// "host" or "host:port" into `endpoint`; `text` is the whole URL, for the message.
void parse_host_part(const std::string& setting,
                     std::string_view part,
                     std::string_view text,
                     RedisEndpoint& endpoint) {
    if (part.empty() || part.front() == ':') {
        throw common::ConfigError(setting, "missing host in " + quoted_redacted(text));
    }
    if (part.find_first_of(" \t\r\n") != std::string_view::npos) {
        throw common::ConfigError(setting, "a host holds a blank in " + quoted_redacted(text));
    }
    if (part.find(':') == std::string_view::npos) {
        endpoint.host = std::string(part);
    } else {
        const auto hp = common::parse_host_port(setting, part);
        endpoint.host = hp.host;
        endpoint.port = hp.port;
    }
}

// Splits "[user:password@]rest" off the text after the scheme; returns rest.
std::string_view take_user_info(const std::string& setting,
                                std::string_view rest,
                                RedisEndpoint& endpoint) {
    const auto at = rest.rfind('@');
    if (at != std::string_view::npos) {
        parse_user_info(setting, rest.substr(0, at), endpoint);
        rest = rest.substr(at + 1);
    }
    return rest;
}

}  // namespace

RedisEndpoint parse_redis_url(const std::string& setting, std::string_view text) {
    if (is_redis_cluster_url(text)) {
        throw common::ConfigError(setting,
                                  "a Redis Cluster (redis-cluster://) is not supported here; "
                                  "expected redis://[user:password@]host[:port][/db]");
    }
    if (!text.starts_with(scheme)) {
        throw common::ConfigError(
            setting,
            "expected redis://[user:password@]host[:port][/db], got " + quoted_redacted(text));
    }
    RedisEndpoint endpoint;
    auto rest = take_user_info(setting, text.substr(scheme.size()), endpoint);
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
        const auto db = rest.substr(slash + 1);
        if (!db.empty()) {
            endpoint.database = static_cast<int>(common::parse_int(setting, db, 0, 15));
        }
        rest = rest.substr(0, slash);
    }
    parse_host_part(setting, rest, text, endpoint);
    return endpoint;
}

bool is_redis_cluster_url(std::string_view text) {
    return text.starts_with(cluster_scheme);
}

std::vector<RedisEndpoint> parse_redis_cluster_url(const std::string& setting,
                                                   std::string_view text) {
    if (!is_redis_cluster_url(text)) {
        throw common::ConfigError(setting,
                                  "expected redis-cluster://[user:password@]host:port[,host:port"
                                  "...], got " +
                                      quoted_redacted(text));
    }
    RedisEndpoint credentials;
    auto rest = take_user_info(setting, text.substr(cluster_scheme.size()), credentials);
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
        const auto db = rest.substr(slash + 1);
        if (!db.empty() && db != "0") {
            throw common::ConfigError(setting, "a Redis Cluster has database 0 only, got /" +
                                                   std::string(db.substr(0, 20)));
        }
        rest = rest.substr(0, slash);
    }
    std::vector<RedisEndpoint> seeds;
    for (std::size_t start = 0;;) {
        const auto comma = rest.find(',', start);
        const auto part =
            rest.substr(start, comma == std::string_view::npos ? rest.npos : comma - start);
        if (seeds.size() == max_cluster_seeds) {
            throw common::ConfigError(
                setting, "more than " + std::to_string(max_cluster_seeds) + " seed nodes");
        }
        auto seed = credentials;
        parse_host_part(setting, part, text, seed);
        for (const auto& earlier : seeds) {
            if (earlier.host == seed.host && earlier.port == seed.port) {
                throw common::ConfigError(setting, "seed " + seed.host + ":" +
                                                       std::to_string(seed.port) + " named twice");
            }
        }
        seeds.push_back(std::move(seed));
        if (comma == std::string_view::npos) {
            return seeds;
        }
        start = comma + 1;
    }
}

std::string format_redis_url(const RedisEndpoint& endpoint) {
    std::string url(scheme);
    if (!endpoint.password.empty()) {
        url += percent_encode(endpoint.user) + ":" + percent_encode(endpoint.password) + "@";
    }
    return url + endpoint.host + ":" + std::to_string(endpoint.port) + "/" +
           std::to_string(endpoint.database);
}

RedisTarget parse_redis_target(const std::string& setting, std::string_view text) {
    if (is_redis_cluster_url(text)) {
        return {parse_redis_cluster_url(setting, text), true};
    }
    return {{parse_redis_url(setting, text)}, false};
}

std::string format_redis_target(const RedisTarget& target) {
    if (!target.cluster) {
        return format_redis_url(target.nodes.front());
    }
    std::string url(cluster_scheme);
    const auto& first = target.nodes.front();
    if (!first.password.empty()) {
        url += percent_encode(first.user) + ":" + percent_encode(first.password) + "@";
    }
    for (std::size_t i = 0; i < target.nodes.size(); ++i) {
        url +=
            (i == 0 ? "" : ",") + target.nodes[i].host + ":" + std::to_string(target.nodes[i].port);
    }
    return url + "/0";
}

std::string describe_redis_target(const RedisTarget& target) {
    std::string text = target.cluster ? "cluster " : "";
    for (std::size_t i = 0; i < target.nodes.size(); ++i) {
        text +=
            (i == 0 ? "" : ",") + target.nodes[i].host + ":" + std::to_string(target.nodes[i].port);
    }
    return text;
}

std::string redact_redis_url(std::string_view text) {
    // Any scheme: a mistyped "rediss://" or "http://" URL may still carry a password.
    const auto authority = text.find("://");
    const auto at = text.rfind('@');
    if (authority == std::string_view::npos || at == std::string_view::npos || at < authority) {
        return std::string(text);
    }
    const auto colon = text.find(':', authority + 3);
    if (colon == std::string_view::npos || colon > at) {
        return std::string(text);
    }
    return std::string(text.substr(0, colon + 1)) + "***" + std::string(text.substr(at));
}

}  // namespace orderflow::redis
