#include "redis_cluster/command_keys.h"

#include "redis_cluster/slot_map.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace orderflow::redis_cluster {
namespace {

std::string upper(std::string_view name) {
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool one_of(const std::string& name, const auto& names) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

constexpr std::array<std::string_view, 6> all_keys = {"DEL",    "EXISTS", "MGET",
                                                      "UNLINK", "TOUCH",  "WATCH"};
constexpr std::array<std::string_view, 2> pair_keys = {"MSET", "MSETNX"};
constexpr std::array<std::string_view, 4> numkeys_after_name = {"FCALL", "FCALL_RO", "EVAL",
                                                                "EVALSHA"};
constexpr std::array<std::string_view, 20> keyless = {
    "PING", "ECHO",   "INFO",   "TIME",     "FUNCTION", "SCRIPT",  "CLUSTER",
    "SCAN", "DBSIZE", "ROLE",   "COMMAND",  "CONFIG",   "CLIENT",  "ACL",
    "AUTH", "HELLO",  "ASKING", "READONLY", "SELECT",   "FLUSHALL"};

std::vector<std::string_view> numkeys_keys(const redis::Command& args) {
    std::size_t count = 0;
    const auto& text = args.size() > 2 ? args[2] : std::string();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
        count > args.size() - 3) {
        throw RoutingError(args[0] + ": numkeys \"" + text.substr(0, 20) +
                           "\" is not a key count that fits its arguments");
    }
    std::vector<std::string_view> keys;
    for (std::size_t i = 3; i < 3 + count; ++i) {
        keys.emplace_back(args[i]);
    }
    return keys;
}

}  // namespace

std::vector<std::string_view> command_keys(const redis::Command& args) {
    if (args.size() < 2) {
        return {};
    }
    const auto name = upper(args[0]);
    std::vector<std::string_view> keys;
    if (one_of(name, keyless)) {
        return keys;
    }
    if (one_of(name, numkeys_after_name)) {
        return numkeys_keys(args);
    }
    const bool pairs = one_of(name, pair_keys);
    const std::size_t last = one_of(name, all_keys) || pairs ? args.size() : 2;
    for (std::size_t i = 1; i < last; i += pairs ? 2 : 1) {
        keys.emplace_back(args[i]);
    }
    return keys;
}

std::optional<std::uint16_t> common_slot(const std::vector<redis::Command>& commands) {
    std::optional<std::uint16_t> slot;
    std::string_view first_key;
    for (const auto& args : commands) {
        for (const auto key : command_keys(args)) {
            const auto this_slot = key_slot(key);
            if (!slot) {
                slot = this_slot;
                first_key = key;
            } else if (*slot != this_slot) {
                throw RoutingError("keys in different cluster slots (\"" +
                                   std::string(first_key.substr(0, 60)) + "\" in " +
                                   std::to_string(*slot) + ", \"" + std::string(key.substr(0, 60)) +
                                   "\" in " + std::to_string(this_slot) +
                                   "): give them one hash tag, e.g. {group}");
            }
        }
    }
    return slot;
}

}  // namespace orderflow::redis_cluster
