#pragma once

// One Kafka record as the console shows it (docs/console-api.md, "Message").

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::topic_browser {

struct Message {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::int64_t timestamp_ms = -1;
    std::optional<std::string> key;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t size_bytes = 0;  ///< the value's bytes
    std::optional<int> schema_id;
    std::optional<std::string> subject;
    std::optional<int> schema_version;
    /// The decoded value (Avro's JSON encoding of the writer schema), or nullopt.
    std::optional<nlohmann::json> value;
    /// When not decoded: the value as text (valid UTF-8) or as hex, and why it was not decoded.
    std::optional<std::string> value_text;
    std::optional<std::string> value_hex;
    std::optional<std::string> decode_error;

    /// The decoded value's string field `name`, if any (e.g. "order_id").
    std::optional<std::string> field(const std::string& name) const;
};

nlohmann::json to_json(const Message& message);

/// JSON text that never throws on bytes that are not UTF-8 (they become U+FFFD): keys and
/// headers come from Kafka as they are.
std::string dump(const nlohmann::json& json);

/// Whether `bytes` is well-formed UTF-8.
bool is_utf8(std::string_view bytes);

}  // namespace orderflow::topic_browser
