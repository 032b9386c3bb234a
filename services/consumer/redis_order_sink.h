#pragma once

// The consumer's OrderSink over Redis: writes through redis::OrderStore and measures each
// applied order's end-to-end latency (order created-at -> stored in Redis).

#include "consumer/batch_processor.h"
#include "metrics/metrics.h"
#include "redis/order_store.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace orderflow::consumer {

/// The bounds of orderflow_consumer_e2e_latency_seconds: 1 ms to 60 s, about x2 apart (the
/// batch group at one order per 5 s holds orders for tens of seconds).
const std::vector<double>& e2e_latency_buckets();

/// orderflow_consumer_e2e_latency_seconds{group=...} in the default registry.
metrics::Histogram& e2e_latency_histogram(const std::string& group);

/// Unix time in ms.
std::int64_t wall_clock_ms();

class RedisOrderSink : public OrderSink {
public:
    RedisOrderSink(redis::OrderStore& store,
                   metrics::Histogram& latency,
                   std::function<std::int64_t()> now_ms = wall_clock_ms);

    /// Writes (stored_at = now), then observes now - created_at for every order applied (never a
    /// duplicate or a dead letter: each order counts once). A clock behind the producer's counts as
    /// 0.
    std::vector<redis::WriteOutcome> write(const std::vector<redis::StoreEntry>& entries) override;
    std::vector<redis::Refusal> take_refusals() override { return store_.take_refusals(); }

private:
    redis::OrderStore& store_;
    metrics::Histogram& latency_;
    std::function<std::int64_t()> now_ms_;
};

}  // namespace orderflow::consumer
