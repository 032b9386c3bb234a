#pragma once

#include "kafka/topic_reader.h"

#include <cstdint>
#include <optional>
#include <string>

namespace orderflow::dead_letters {

// Headers a consumer puts on a dead-letter record (the record's key and value are the
// source message's, unchanged).
inline constexpr const char* kHeaderReason = "dlq.reason";
inline constexpr const char* kHeaderError = "dlq.error";
inline constexpr const char* kHeaderTopic = "dlq.source.topic";
inline constexpr const char* kHeaderPartition = "dlq.source.partition";
inline constexpr const char* kHeaderOffset = "dlq.source.offset";
inline constexpr const char* kHeaderGroup = "dlq.consumer.group";
/// The writer schema id of a Confluent-framed value (absent when the value is not framed).
inline constexpr const char* kHeaderSchemaId = "dlq.schema.id";

// Headers a redriven record carries: which dead-letter record it came from.
inline constexpr const char* kHeaderRedriveTopic = "dlq.redrive.topic";
inline constexpr const char* kHeaderRedrivePartition = "dlq.redrive.partition";
inline constexpr const char* kHeaderRedriveOffset = "dlq.redrive.offset";

/// Where a dead-lettered message was read from.
struct SourcePosition {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    auto operator<=>(const SourcePosition&) const = default;
};

/// One record of the dead-letter topic with its headers read.
struct DeadLetterRecord {
    kafka::Record record;  ///< the dead-letter record itself (its own partition and offset)
    std::string reason;
    std::string error;  ///< the poison kind, e.g. "unknown-schema"
    std::string group;
    /// nullopt when the source headers are missing or not numbers (not written by orderflow).
    std::optional<SourcePosition> source;
};

/// Reads the headers; never throws (a record without them has empty fields and no source).
DeadLetterRecord to_dead_letter(kafka::Record record);

}  // namespace orderflow::dead_letters
