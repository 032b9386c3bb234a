#include "consumer/redis_order_sink.h"

#include <algorithm>
#include <chrono>

namespace orderflow::consumer {

const std::vector<double>& e2e_latency_buckets() {
    static const std::vector<double> bounds = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
                                               1,     2,     5,     10,   15,   20,   30,  45,  60};
    return bounds;
}

metrics::Histogram& e2e_latency_histogram(const std::string& group) {
    return metrics::default_registry().histogram(
        "orderflow_consumer_e2e_latency_seconds",
        "Order created_at to stored in Redis, per order applied", e2e_latency_buckets(),
        {{"group", group}});
}

std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

RedisOrderSink::RedisOrderSink(redis::OrderStore& store,
                               metrics::Histogram& latency,
                               std::function<std::int64_t()> now_ms)
    : store_(store), latency_(latency), now_ms_(std::move(now_ms)) {}

std::vector<redis::WriteOutcome> RedisOrderSink::write(
    const std::vector<redis::StoreEntry>& entries) {
    auto outcomes = store_.write(entries, now_ms_());  // stored_at: when the write was sent
    const auto now = now_ms_();
    for (std::size_t i = 0; i < outcomes.size() && i < entries.size(); ++i) {
        if (outcomes[i] == redis::WriteOutcome::kApplied && entries[i].order) {
            const auto ms = std::max<std::int64_t>(0, now - entries[i].order->created_at_ms);
            latency_.observe(static_cast<double>(ms) / 1000.0);
        }
    }
    return outcomes;
}

}  // namespace orderflow::consumer
