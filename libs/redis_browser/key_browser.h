#pragma once

// The console's key browser: pages of keys by SCAN (never KEYS) with each key's type, TTL and
// memory, and one key's value, paged by the cursor (hash, set) or offset (list, sorted set)
// Redis offers for its type. Read-only; every call is one or two pipelined round trips.

#include "redis/client.h"
#include "redis_browser/browse_request.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace orderflow::redis_browser {

struct ScanRequest {
    std::string pattern = "*";  ///< SCAN MATCH glob; empty means "*"
    std::string type;           ///< "" (any) or string, list, set, zset, hash, stream
    std::string cursor = "0";   ///< "0" to start, else the cursor of the previous page (on a
                                ///< cluster "node:cursor", node an index among its masters)
    std::size_t count = 100;    ///< keys wanted, 1..kMaxCount
};

struct KeyInfo {
    std::string key;
    std::string type;
    std::int64_t ttl_seconds = -1;             ///< -1: no expiry
    std::optional<std::int64_t> memory_bytes;  ///< MEMORY USAGE; none if it gave no answer
};

struct KeyPage {
    std::string cursor;  ///< "0": the scan is complete
    std::vector<KeyInfo> keys;
};

/**
 * One page of keys: SCAN MATCH/COUNT/TYPE, repeated (at most 10 calls) until about `count` keys
 * matched or the scan is complete, so a rare pattern does not give empty pages; then TYPE, TTL
 * and MEMORY USAGE of every key in one pipeline. A key deleted in between is left out. Paging
 * with the returned cursor until "0" visits every key that exists throughout once (SCAN's
 * guarantee; a key may repeat only if the keyspace shrank meanwhile). On a cluster the scan
 * walks the masters one after the other (a failover between pages may skip or repeat keys).
 * Errors: BadRequest (count, cursor, type), redis::RedisError.
 */
KeyPage scan_keys(redis::Client& redis, const ScanRequest& request);

struct ValueRequest {
    std::string cursor = "0";  ///< hash and set: HSCAN/SSCAN cursor
    std::int64_t offset = 0;   ///< list and sorted set: index of the first item
    std::size_t count = 100;   ///< 1..kMaxCount
};

struct StringValue {
    std::string text;         ///< the value, at most kMaxStringBytes of it
    std::int64_t length = 0;  ///< STRLEN: the whole value's length in bytes
};
struct HashPage {
    std::vector<std::pair<std::string, std::string>> fields;
    std::string cursor;  ///< "0": no more fields
};
struct SetPage {
    std::vector<std::string> members;
    std::string cursor;
};
struct SortedSetPage {
    std::vector<std::pair<std::string, double>> members;  ///< by score, ascending
    std::int64_t offset = 0;
    std::int64_t length = 0;  ///< ZCARD
};
struct ListPage {
    std::vector<std::string> items;
    std::int64_t offset = 0;
    std::int64_t length = 0;  ///< LLEN
};
/// monostate: a type the browser does not show the value of (stream).
using KeyValue =
    std::variant<std::monostate, StringValue, HashPage, SetPage, SortedSetPage, ListPage>;

/// A string value longer than this is cut (StringValue::length tells its full size).
constexpr std::int64_t kMaxStringBytes = 1 << 20;

struct KeyDetails {
    KeyInfo info;
    KeyValue value;
};

/**
 * One key with a page of its value; nullopt when the key does not exist (a normal answer, the
 * console's 404). Errors: BadRequest (cursor, offset, count), redis::RedisError.
 */
std::optional<KeyDetails> key_details(redis::Client& redis,
                                      const std::string& key,
                                      const ValueRequest& request = {});

/// {"cursor", "keys": [{"key", "type", "ttl_seconds", "memory_bytes"}]} as docs/console-api.md.
nlohmann::json to_json(const KeyPage& page);
/// {"key", "type", "ttl_seconds", "memory_bytes", "value"}: value as docs/console-api.md (a
/// string also gives "value_length"); null for a stream.
nlohmann::json to_json(const KeyDetails& details);

}  // namespace orderflow::redis_browser
