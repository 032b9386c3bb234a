#include "common/settings.h"

#include "common/config_error.h"
#include "common/text.h"

#include <charconv>
#include <limits>

namespace orderflow::common {
namespace {

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& setting, std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [rest, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || value < 0 || text.empty()) {
        throw ConfigError(setting, "cannot parse duration " + quoted(text) +
                                       " (examples: 5s, 250ms, 2m, 1h; a plain number is seconds)");
    }
    const std::string unit(rest, end);
    std::int64_t unit_ms = 0;
    if (unit.empty() || unit == "s") {
        unit_ms = 1000;
    } else if (unit == "ms") {
        unit_ms = 1;
    } else if (unit == "m") {
        unit_ms = 60'000;
    } else if (unit == "h") {
        unit_ms = 3'600'000;
    } else {
        throw ConfigError(setting,
                          "unknown duration unit in " + quoted(text) + " (use ms, s, m or h)");
    }
    // In milliseconds it must fit: a wrapped product would pass any upper bound a caller checks.
    if (value > std::numeric_limits<std::int64_t>::max() / unit_ms) {
        throw ConfigError(setting, "duration " + quoted(text) + " is too long");
    }
    return std::chrono::milliseconds(value * unit_ms);
}

bool parse_bool(const std::string& setting, std::string_view text) {
    const auto v = lower(text);
    if (v == "true" || v == "1" || v == "yes" || v == "on") {
        return true;
    }
    if (v == "false" || v == "0" || v == "no" || v == "off") {
        return false;
    }
    throw ConfigError(setting, "expected true or false, got " + quoted(text));
}

std::int64_t parse_int(const std::string& setting,
                       std::string_view text,
                       std::int64_t min,
                       std::int64_t max) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [rest, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || rest != end || text.empty()) {
        throw ConfigError(setting, "expected a whole number, got " + quoted(text));
    }
    if (value < min || value > max) {
        throw ConfigError(setting, quoted(text) + " is out of range [" + std::to_string(min) +
                                       ", " + std::to_string(max) + "]");
    }
    return value;
}

HostPort parse_host_port(const std::string& setting, std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw ConfigError(setting, "expected host:port, got " + quoted(text));
    }
    HostPort hp;
    hp.host = std::string(text.substr(0, colon));
    hp.port = static_cast<std::uint16_t>(parse_int(setting, text.substr(colon + 1), 1, 65535));
    return hp;
}

std::string parse_bootstrap_servers(const std::string& setting, std::string_view text) {
    std::string result;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        auto item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        if (item.empty()) {
            throw ConfigError(setting, "empty broker address in " + quoted(text));
        }
        parse_host_port(setting, item);
        result += (result.empty() ? "" : ",") + std::string(item);
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return result;
}

std::string parse_http_url(const std::string& setting, std::string_view text) {
    if (!text.starts_with("http://")) {
        throw ConfigError(setting, "expected http://host:port, got " + quoted(text));
    }
    auto rest = text.substr(7);
    while (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    if (authority.find(':') != std::string_view::npos) {
        parse_host_port(setting, authority);
    } else if (authority.empty()) {
        throw ConfigError(setting, "missing host in " + quoted(text));
    }
    return "http://" + std::string(rest);
}

std::vector<std::pair<std::string, std::string>> parse_key_values(const std::string& setting,
                                                                  std::string_view text) {
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto semi = text.find(';', start);
        const auto item =
            text.substr(start, semi == std::string_view::npos ? text.npos : semi - start);
        if (!item.empty()) {
            const auto equals = item.find('=');
            if (equals == std::string_view::npos || equals == 0) {
                throw ConfigError(setting, "expected key=value, got " + quoted(item));
            }
            pairs.emplace_back(std::string(item.substr(0, equals)),
                               std::string(item.substr(equals + 1)));
        }
        if (semi == std::string_view::npos) {
            break;
        }
        start = semi + 1;
    }
    return pairs;
}

}  // namespace orderflow::common
