#pragma once

// Reading a topic as it stands, for tools that look at it (dead-letter redrive, and pages
// that show messages): a short-lived consumer that joins no group and commits nothing.

#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

struct ReadRequest {
    std::string topic;
    std::vector<std::int32_t> partitions;
    /// Where each partition starts; nullopt is its beginning.
    std::optional<std::int64_t> start_offset;
    /// At most this many records in all; reading stops there.
    std::size_t limit = 1000;
    /// The whole read, including connecting.
    std::chrono::milliseconds timeout{10000};
};

/**
 * Reads every given partition from the start to the end it has when the read reaches it
 * (librdkafka's partition EOF, so no watermark query can overrun the deadline), in partition
 * then offset order. Errors: ConfigError when the client cannot be created; KafkaError with
 * ERR__TIMED_OUT naming the partitions not read to their end within `timeout`.
 */
std::vector<Record> read_topic(const ClientSettings& settings, const ReadRequest& request);

}  // namespace orderflow::kafka
