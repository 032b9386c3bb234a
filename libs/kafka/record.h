#pragma once

// One Kafka record copied out of librdkafka: what the readers of a topic hand out and what
// the consumers decode (serde::InboundMessage is this type), so logic built on it is
// unit-testable without librdkafka.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

struct Record {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;  ///< nullopt for a null key
    std::string value;
    std::int64_t timestamp_ms = -1;
    /// `{}` so that a brace list naming only the fields before it stays warning-free.
    std::vector<std::pair<std::string, std::string>> headers{};
    /// The topic stamps the broker's append time (message.timestamp.type=LogAppendTime), not
    /// the producer's create time.
    bool log_append_time = false;
    /// When this process took the record from its client (Unix ms; -1: not stamped). The
    /// consumers stamp it for their latency breakdown.
    std::int64_t fetched_at_ms = -1;

    /// The first header named `name`, if any.
    std::optional<std::string> header(const std::string& name) const;
};

}  // namespace orderflow::kafka
