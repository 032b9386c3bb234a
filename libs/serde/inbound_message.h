#pragma once

// A record read from Kafka and what decoding made of it, independent of librdkafka so the
// logic that uses it is unit-testable (the consumers and the audit share it).

#include "orders/order.h"

#include <cstdint>
#include <optional>
#include <string>

namespace orderflow::serde {

/// A consumed message, copied out of librdkafka.
struct InboundMessage {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;  ///< nullopt for a null key
    std::string value;
    std::int64_t timestamp_ms = -1;
};

/// Why a message went to the dead-letter topic (the `dlq.error` header).
enum class PoisonKind { kNotFramed, kUnknownSchema, kUndecodable, kInvalidOrder };
std::string to_string(PoisonKind kind);

/// A decoded message: an order, or the reason it is poison.
struct Decoded {
    std::optional<orders::Order> order;
    PoisonKind kind = PoisonKind::kUndecodable;
    std::string reason;
};

}  // namespace orderflow::serde
