#pragma once

// A record read from Kafka and what decoding made of it, independent of librdkafka so the
// logic that uses it is unit-testable (the consumers and the audit share it).

#include "kafka/record.h"
#include "orders/order.h"

#include <optional>
#include <string>

namespace orderflow::serde {

/// A consumed message: the record the topic readers hand out.
using InboundMessage = kafka::Record;

/// Why a message went to the dead-letter topic (the `dlq.error` header).
enum class PoisonKind {
    kNotFramed,
    kUnknownSchema,
    kSchemaNotForTopic,  ///< not registered under the topic's subject, or not an order schema
    kDecodeLimit,        ///< breaks a DatumLimits limit (datum_check.h)
    kUndecodable,
    kInvalidOrder,
    kConflictingDuplicate,  ///< the store holds the order id with other content
    kStoreRefused,          ///< what Redis holds keeps the order from being stored exactly
};
std::string to_string(PoisonKind kind);

/// A decoded message: an order, or the reason it is poison.
struct Decoded {
    std::optional<orders::Order> order;
    PoisonKind kind = PoisonKind::kUndecodable;
    std::string reason;
};

}  // namespace orderflow::serde
