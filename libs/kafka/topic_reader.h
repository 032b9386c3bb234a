#pragma once

// Reading a topic as it stands, for tools that look at it (dead-letter redrive, and pages
// that show messages): a short-lived consumer that joins no group and commits nothing.

#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace RdKafka {
class Message;
}

namespace orderflow::kafka {

/// One record as read, copied out of librdkafka.
struct Record {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;  ///< nullopt for a null key
    std::string value;
    std::int64_t timestamp_ms = -1;
    std::vector<std::pair<std::string, std::string>> headers;

    /// The first header named `name`, if any.
    std::optional<std::string> header(const std::string& name) const;
};

/// Copies a consumed record out of librdkafka (key, value, timestamp, headers).
Record copy_out(RdKafka::Message& message);

struct ReadRequest {
    std::string topic;
    std::vector<std::int32_t> partitions;
    /// Where each partition starts; nullopt is its beginning.
    std::optional<std::int64_t> start_offset;
    /// Per-partition starts that win over start_offset (a page of messages from somewhere).
    std::map<std::int32_t, std::int64_t> start_offsets;
    /// Per-partition ends (exclusive): the partition is done once the record before it is
    /// read. A partition whose start is at or past its end is not read at all.
    std::map<std::int32_t, std::int64_t> end_offsets;
    /// At most this many records in all; reading stops there.
    std::size_t limit = 1000;
    /// The whole read, including connecting.
    std::chrono::milliseconds timeout{10000};
};

/**
 * Reads every given partition from the start to the end it has when the read reaches it
 * (librdkafka's partition EOF, so no watermark query can overrun the deadline) or to its
 * end_offsets entry, in partition then offset order. Errors: ConfigError when the client cannot be
 * created; KafkaError with ERR__TIMED_OUT naming the partitions not read to their end within
 * `timeout`.
 */
std::vector<Record> read_topic(const ClientSettings& settings, const ReadRequest& request);

}  // namespace orderflow::kafka
