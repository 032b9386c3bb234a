#include "consumer/latency_split.h"

namespace orderflow::consumer {
namespace {

std::int64_t clamp_at_zero(std::int64_t ms, int& clamped) {
    if (ms < 0) {
        ++clamped;
        return 0;
    }
    return ms;
}

}  // namespace

LatencySplit split_latency(const OrderTimes& times) {
    LatencySplit split;
    const auto kafka_ms = times.kafka_ms >= 0 ? times.kafka_ms : times.created_ms;
    split.to_kafka_ms = clamp_at_zero(kafka_ms - times.created_ms, split.clamped);
    split.in_kafka_ms = clamp_at_zero(times.fetched_ms - kafka_ms, split.clamped);
    split.to_redis_ms = clamp_at_zero(times.stored_ms - times.fetched_ms, split.clamped);
    split.total_ms = clamp_at_zero(times.stored_ms - times.created_ms, split.clamped);
    return split;
}

const std::vector<double>& latency_stage_buckets() {
    static const std::vector<double> bounds = {
        0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1,
        0.15,   0.2,   0.3,   0.5,   0.75,  1,      1.5,  2,     3,    5,    10,   30,    60};
    return bounds;
}

}  // namespace orderflow::consumer
