#pragma once

#include "consumer/latency_split.h"
#include "consumer/message.h"
#include "redis/order_store.h"
#include "serde/order_decoder.h"

#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::consumer {

using serde::MessageDecoder;

struct DeadLetter {
    const InboundMessage* message = nullptr;
    PoisonKind kind = PoisonKind::kUndecodable;
    std::string reason;
};

/// Sends messages to the dead-letter topic unchanged; returns only once they are acknowledged.
/// Errors: TransientError (nothing may be assumed sent).
class DeadLetterSink {
public:
    virtual ~DeadLetterSink() = default;
    virtual void send(const std::vector<DeadLetter>& letters) = 0;
};

/// Writes a batch atomically per entry and idempotently (redis::OrderStore in production).
/// Errors: TransientError or redis::RedisError.
class OrderSink {
public:
    virtual ~OrderSink() = default;
    virtual std::vector<redis::WriteOutcome> write(
        const std::vector<redis::StoreEntry>& entries) = 0;
    /// The orders the last write() refused (counted there as dead letters), once.
    virtual std::vector<redis::Refusal> take_refusals() { return {}; }
};

struct BatchOutcome {
    std::int64_t applied = 0;
    std::int64_t duplicates = 0;
    std::int64_t dead_lettered = 0;
    CommitOffsets commit;  ///< per partition: last offset of the batch + 1
    /// Per order applied: its clocks up to the fetch (stored_ms is for the caller to stamp
    /// when the write returned).
    std::vector<OrderTimes> applied_times{};
};

/**
 * Handles one batch: decodes every message (any decoder exception but TransientError makes
 * the message poison), sends the poison ones to the DLQ (acknowledged before anything else
 * happens), then writes the orders and the dead-letter marks to the
 * sink in one round trip; orders the sink refused go to the DLQ after it (a retry finds them
 * refused again). A bad message never stops the others. Stateless between calls.
 * Errors: TransientError / redis::RedisError from a dependency; the batch may then be retried
 * as a whole (the DLQ may get a message twice, Redis counts it once).
 */
class BatchProcessor {
public:
    BatchProcessor(MessageDecoder& decoder, DeadLetterSink& dead_letters, OrderSink& sink);

    BatchOutcome process(const std::vector<InboundMessage>& batch);

private:
    Decoded decode(const InboundMessage& message);

    MessageDecoder& decoder_;
    DeadLetterSink& dead_letters_;
    OrderSink& sink_;
};

}  // namespace orderflow::consumer
