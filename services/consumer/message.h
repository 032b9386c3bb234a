#pragma once

// What the consumer works on, independent of librdkafka so the batch logic is unit-testable.

#include "orders/order.h"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::consumer {

/// A consumed message, copied out of librdkafka.
struct InboundMessage {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;  ///< nullopt for a null key
    std::string value;
    std::int64_t timestamp_ms = -1;
};

using TopicPartition = std::pair<std::string, std::int32_t>;
/// Per partition, the offset to commit: the last handled offset + 1.
using CommitOffsets = std::map<TopicPartition, std::int64_t>;

/// Why a message went to the dead-letter topic (the `dlq.error` header).
enum class PoisonKind { kNotFramed, kUnknownSchema, kUndecodable, kInvalidOrder };
std::string to_string(PoisonKind kind);

/// A decoded message: an order, or the reason it is poison.
struct Decoded {
    std::optional<orders::Order> order;
    PoisonKind kind = PoisonKind::kUndecodable;
    std::string reason;
};

/// A dependency is unavailable (Redis, the registry, the DLQ): retry the whole batch later,
/// commit nothing of it.
class TransientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace orderflow::consumer
