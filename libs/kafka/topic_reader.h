#pragma once

// Reading a topic as it stands, for tools that look at it (the audit, dead-letter redrive, and
// pages that show messages): a short-lived consumer that joins no group and commits nothing.

#include "kafka/client_config.h"
#include "kafka/record.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace RdKafka {
class Message;
}

namespace orderflow::kafka {

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

/// Called with each record as it is read. The same Record object is refilled for the next
/// one, so a visitor that keeps a record moves or copies it out.
using RecordVisitor = std::function<void(Record&)>;

/**
 * Streams every given partition from its start to its end (an end offset of the request, or
 * librdkafka's partition EOF, so no watermark query can overrun the deadline) through `visit`:
 * partitions interleaved, each in offset order. Holds only librdkafka's bounded prefetch, so a
 * topic of any size can be read. Returns how many records were visited.
 * Errors: ConfigError when the client cannot be created; KafkaError with ERR__TIMED_OUT naming
 * the partitions not read to their end within `timeout`; whatever `visit` throws.
 */
std::size_t read_topic(const ClientSettings& settings,
                       const ReadRequest& request,
                       const RecordVisitor& visit);

/// read_topic() collected, in partition then offset order.
std::vector<Record> read_topic(const ClientSettings& settings, const ReadRequest& request);

}  // namespace orderflow::kafka
