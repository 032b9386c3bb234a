#pragma once

// A page of messages of one topic: where each partition's read starts and ends (pure), which
// decoded messages match, in which order, and reading them (a short-lived consumer without a
// group, kafka::read_topic: nothing is ever committed).

#include "kafka/group_admin.h"
#include "kafka/topic_reader.h"
#include "topic_browser/message.h"
#include "topic_browser/message_decoder.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::topic_browser {

inline constexpr std::size_t kDefaultLimit = 50;
inline constexpr std::size_t kMaxLimit = 500;
/// With a key or text filter, each partition is searched this far from where the page starts.
inline constexpr std::int64_t kFilterWindow = 2000;

struct MessageQuery {
    std::optional<std::int32_t> partition;     ///< nullopt: every partition
    std::optional<std::int64_t> offset;        ///< needs partition
    std::optional<std::int64_t> timestamp_ms;  ///< the first record at or after it
    bool from_beginning = false;               ///< else newest first (unless offset/timestamp)
    std::size_t limit = kDefaultLimit;
    std::optional<std::string> key;  ///< exact key
    std::string text;                ///< substring of the key or the decoded value

    bool filtered() const { return key.has_value() || !text.empty(); }
    /// Newest first: the default, when neither a start (offset, time) nor beginning is given.
    bool newest_first() const { return !from_beginning && !offset && !timestamp_ms; }
};

struct ReadPlan {
    std::map<std::int32_t, std::int64_t> start;  ///< per partition, first offset to read
    std::map<std::int32_t, std::int64_t> end;    ///< per partition, exclusive
    /// Some partition holds records past the window in the page's direction.
    bool cut = false;
};

/**
 * Pure. `marks` holds every partition of the topic; `time_offsets` the offsets for
 * query.timestamp_ms (when given). Errors: std::invalid_argument naming the parameter for a
 * partition the topic does not have, or an offset past a partition's end.
 */
ReadPlan plan_read(const MessageQuery& query,
                   const std::map<std::int32_t, kafka::Watermarks>& marks,
                   const std::map<std::int32_t, std::int64_t>& time_offsets = {});

/// Whether a decoded message passes the key and text filters.
bool matches(const Message& message, const MessageQuery& query);

struct MessagePage {
    std::vector<Message> messages;
    bool truncated = false;  ///< more messages in that direction than shown
};

/// Pure. Filters, orders (newest first by timestamp, else oldest first), keeps query.limit.
MessagePage select(std::vector<Message> decoded, const MessageQuery& query, bool cut);

/// Plans, reads, decodes and selects. Errors: as plan_read; KafkaError when the read times
/// out.
MessagePage read_messages(const kafka::ClientSettings& reader,
                          MessageDecoder& decoder,
                          const std::string& topic,
                          const MessageQuery& query,
                          const std::map<std::int32_t, kafka::Watermarks>& marks,
                          const std::map<std::int32_t, std::int64_t>& time_offsets,
                          std::chrono::milliseconds timeout);

}  // namespace orderflow::topic_browser
