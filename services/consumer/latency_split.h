#pragma once

// Where an order's time went between its creation and Redis: the pure arithmetic behind the
// orderflow_consumer_order_latency_seconds{stage} histograms.

#include <cstdint>
#include <vector>

namespace orderflow::consumer {

/// The four clocks an applied order passed, in Unix ms.
struct OrderTimes {
    std::int64_t created_ms = 0;  ///< the order's created_at (the producer's clock)
    /// The record's timestamp: the leader's append with message.timestamp.type=LogAppendTime
    /// (the broker's clock), else the producer's send call; -1 when the record has none.
    std::int64_t kafka_ms = -1;
    std::int64_t fetched_ms = 0;  ///< when the consumer took it from its client (its clock)
    std::int64_t stored_ms = 0;   ///< when the Redis call that applied it returned (its clock)
};

/**
 * The stages of one order, each clamped at 0: a stage between two machines' clocks can come
 * out negative when one runs behind the other; it counts as 0 and in `clamped`. Without its
 * clamps the first three add up to `total` exactly. A record without a timestamp puts its
 * whole wait before the fetch in `in_kafka` (to_kafka 0, not counted as clamped).
 */
struct LatencySplit {
    std::int64_t to_kafka_ms = 0;  ///< created -> the record's timestamp
    std::int64_t in_kafka_ms = 0;  ///< the record's timestamp -> fetched
    std::int64_t to_redis_ms = 0;  ///< fetched -> stored
    std::int64_t total_ms = 0;     ///< created -> stored
    int clamped = 0;               ///< how many of the four were negative
};

LatencySplit split_latency(const OrderTimes& times);

/// The upper bounds, in seconds, of every stage's histogram: 0.5 ms to 60 s, close enough
/// around 1-1000 ms for a p99 read off the buckets to say which stage dominates.
const std::vector<double>& latency_stage_buckets();

}  // namespace orderflow::consumer
