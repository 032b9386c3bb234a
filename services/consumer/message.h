#pragma once

// The consumer's names for what it works on: the inbound message and its decoding come from
// libs/serde (the audit reads the same), offsets to commit are the consumer's own.

#include "common/transient_error.h"
#include "serde/inbound_message.h"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace orderflow::consumer {

using common::TransientError;
using serde::Decoded;
using serde::InboundMessage;
using serde::PoisonKind;

/// A dependency that will not recover in this process (the DLQ producer's fatal error): the
/// consumer stops and exits non-zero instead of retrying forever.
class FatalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using TopicPartition = std::pair<std::string, std::int32_t>;
/// Per partition, the offset to commit: the last handled offset + 1.
using CommitOffsets = std::map<TopicPartition, std::int64_t>;

}  // namespace orderflow::consumer
