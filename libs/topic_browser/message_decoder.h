#pragma once

// Decodes any record written in the Confluent wire format with any writer schema the registry
// knows, to JSON; anything else (not framed, unknown id, bytes that do not fit the schema) is
// kept as text or hex with the reason. Never throws on a record's bytes.

#include "kafka/topic_reader.h"
#include "registry_client/registry_client.h"
#include "serde/schema_cache.h"
#include "topic_browser/message.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace orderflow::topic_browser {

/// Values longer than this are shown as hex of their first kMaxHexBytes bytes only.
inline constexpr std::size_t kMaxHexBytes = 16 * 1024;

/**
 * Thread-safe. Schemas are cached by id forever (ids are immutable); a registry that does not
 * answer gives a decode_error naming it, and the next record asks again.
 */
class MessageDecoder {
public:
    explicit MessageDecoder(registry_client::RegistryClient& registry);

    Message decode(const kafka::Record& record);

private:
    /// The (subject, version) of a schema id, asked once per id; nullopt when unknown.
    std::optional<std::pair<std::string, int>> subject_version(int id);

    registry_client::RegistryClient& registry_;
    serde::SchemaCache schemas_;
    std::mutex mutex_;
    std::map<int, std::optional<std::pair<std::string, int>>> versions_;
};

/// `value` keeps the raw bytes: value_text when UTF-8, else value_hex (capped), and `why`.
void keep_raw(Message& message, std::string_view value, std::string why);

}  // namespace orderflow::topic_browser
