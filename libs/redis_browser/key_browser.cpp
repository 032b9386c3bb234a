#include "redis_browser/key_browser.h"

#include "redis_browser/reply_check.h"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace orderflow::redis_browser {
namespace {

// Enough for a rare pattern to fill a page in most keyspaces, few enough that a page of a
// pattern matching nothing costs at most 10 x count slots of SCAN work.
constexpr int kMaxScanCalls = 10;

const std::set<std::string, std::less<>> kTypes = {"string", "list", "set",
                                                   "zset",   "hash", "stream"};

KeyInfo key_info(const std::string& key,
                 const redis::Reply& type,
                 const redis::Reply& ttl,
                 const redis::Reply& memory) {
    KeyInfo info{key, type.str, ttl.integer, std::nullopt};
    if (memory.type == REDIS_REPLY_INTEGER) {
        info.memory_bytes = memory.integer;
    }
    return info;
}

std::vector<redis::Command> info_commands(const std::string& key) {
    return {{"TYPE", key}, {"TTL", key}, {"MEMORY", "USAGE", key}};
}

std::vector<std::string> strings(const redis::Reply& array) {
    std::vector<std::string> out;
    out.reserve(array.elements.size());
    for (const auto& element : array.elements) {
        out.push_back(element.str);
    }
    return out;
}

/// The command(s) reading a page of a `type` value; empty for a type not shown.
std::vector<redis::Command> value_commands(const std::string& key,
                                           const std::string& type,
                                           const ValueRequest& request) {
    const auto count = std::to_string(request.count);
    const auto first = std::to_string(request.offset);
    const auto last = std::to_string(request.offset + static_cast<std::int64_t>(request.count) - 1);
    if (type == "string") {
        return {{"GETRANGE", key, "0", std::to_string(kMaxStringBytes - 1)}, {"STRLEN", key}};
    }
    if (type == "hash") {
        return {{"HSCAN", key, request.cursor, "COUNT", count}};
    }
    if (type == "set") {
        return {{"SSCAN", key, request.cursor, "COUNT", count}};
    }
    if (type == "zset") {
        return {{"ZRANGE", key, first, last, "WITHSCORES"}, {"ZCARD", key}};
    }
    if (type == "list") {
        return {{"LRANGE", key, first, last}, {"LLEN", key}};
    }
    return {};
}

KeyValue parse_value(const std::string& type,
                     const std::vector<redis::Reply>& replies,
                     const ValueRequest& request) {
    if (type == "string") {
        return StringValue{replies[0].str, replies[1].integer};
    }
    if (type == "hash" || type == "set") {
        const auto& scan = replies[0];
        if (scan.elements.size() != 2) {
            throw redis::RedisError("redis: " + type + " scan gave no cursor and page");
        }
        const auto& items = scan.elements[1].elements;
        if (type == "set") {
            return SetPage{strings(scan.elements[1]), scan.elements[0].str};
        }
        HashPage page{{}, scan.elements[0].str};
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
            page.fields.emplace_back(items[i].str, items[i + 1].str);
        }
        return page;
    }
    if (type == "zset") {
        SortedSetPage page{{}, request.offset, replies[1].integer};
        const auto& items = replies[0].elements;
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
            page.members.emplace_back(items[i].str, std::stod(items[i + 1].str));
        }
        return page;
    }
    if (type == "list") {
        return ListPage{strings(replies[0]), request.offset, replies[1].integer};
    }
    return std::monostate{};
}

}  // namespace

KeyPage scan_keys(redis::Client& redis, const ScanRequest& request) {
    check_count(request.count);
    // "node:cursor" on a cluster (node: its index among the masters, sorted by address); a
    // plain cursor is node 0's.
    auto nodes = redis.nodes();
    std::sort(nodes.begin(), nodes.end());
    std::size_t node = 0;
    std::string cursor = request.cursor;
    if (const auto colon = cursor.find(':'); colon != std::string::npos) {
        const auto index = cursor.substr(0, colon);
        check_cursor(index);
        if (index.size() > 4 || std::stoul(index) >= nodes.size()) {
            throw BadRequest("cursor names node " + index.substr(0, 8) + " of " +
                             std::to_string(nodes.size()));
        }
        node = std::stoul(index);
        cursor = cursor.substr(colon + 1);
    }
    check_cursor(cursor);
    if (!request.type.empty() && !kTypes.contains(request.type)) {
        throw BadRequest("type must be one of string, list, set, zset, hash, stream; not \"" +
                         request.type.substr(0, 40) + "\"");
    }
    KeyPage page{cursor, {}};
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;  // SCAN may repeat a key within a page
    bool moved_on = false;                 // the last call finished a node: the next one starts
    for (int call = 0; call < kMaxScanCalls; ++call) {
        redis::Command scan = {"SCAN",  page.cursor,
                               "MATCH", request.pattern.empty() ? "*" : request.pattern,
                               "COUNT", std::to_string(request.count - names.size())};
        if (!request.type.empty()) {
            scan.insert(scan.end(), {"TYPE", request.type});
        }
        auto step = scan_step(redis, nodes[node], scan);
        page.cursor = std::move(step.cursor);
        for (auto& key : step.items) {
            if (seen.insert(key).second) {
                names.push_back(std::move(key));
            }
        }
        moved_on = page.cursor == "0" && node + 1 < nodes.size();
        if (moved_on) {
            ++node;  // this node is done: the next one from its start
        }
        if ((page.cursor == "0" && !moved_on) || names.size() >= request.count) {
            break;
        }
    }
    if (nodes.size() > 1 && (moved_on || page.cursor != "0")) {
        page.cursor = std::to_string(node) + ":" + page.cursor;
    }
    std::vector<redis::Command> commands;
    commands.reserve(names.size() * 3);
    for (const auto& name : names) {
        for (auto& command : info_commands(name)) {
            commands.push_back(std::move(command));
        }
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& type = checked(replies[3 * i], redis, "TYPE");
        if (type.str == "none") {
            continue;  // deleted since the SCAN
        }
        page.keys.push_back(key_info(names[i], type, checked(replies[3 * i + 1], redis, "TTL"),
                                     replies[3 * i + 2]));
    }
    return page;
}

std::optional<KeyDetails> key_details(redis::Client& redis,
                                      const std::string& key,
                                      const ValueRequest& request) {
    check_not_empty(key, "key");
    check_cursor(request.cursor);
    check_offset(request.offset);
    check_count(request.count);
    // Twice at most: a key replaced by one of another type between the two round trips
    // answers WRONGTYPE, and the second look sees the new one.
    for (int attempt = 0;; ++attempt) {
        const auto info = redis.pipeline(info_commands(key));
        const auto& type = checked(info[0], redis, "TYPE");
        if (type.str == "none") {
            return std::nullopt;
        }
        KeyDetails details{key_info(key, type, checked(info[1], redis, "TTL"), info[2]), {}};
        const auto commands = value_commands(key, type.str, request);
        const auto replies = redis.pipeline(commands);
        const bool wrong_type = std::any_of(replies.begin(), replies.end(), [](const auto& r) {
            return r.is_error() && r.str.starts_with("WRONGTYPE");
        });
        if (wrong_type && attempt == 0) {
            continue;
        }
        for (std::size_t i = 0; i < replies.size(); ++i) {
            checked(replies[i], redis, commands[i][0]);
        }
        details.value = parse_value(type.str, replies, request);
        return details;
    }
}

}  // namespace orderflow::redis_browser
