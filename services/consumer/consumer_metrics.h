#pragma once

#include "consumer/batch_processor.h"
#include "consumer/latency_split.h"
#include "metrics/metrics.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::consumer {

/**
 * The consumer loop's metric handles, labelled with its group (orderflow_consumer_*), and the
 * totals of its progress line. Loop thread only.
 */
class ConsumerMetrics {
public:
    explicit ConsumerMetrics(std::string group);

    /// One message consumed.
    void consumed();
    /// A batch is in Redis: what it applied, found duplicate and dead-lettered.
    void written(const BatchOutcome& outcome);
    /// The orders of a written batch are in Redis since `stored_ms` (Unix ms): each one's
    /// stages into orderflow_consumer_order_latency_seconds{stage}.
    void stored(const std::vector<OrderTimes>& applied, std::int64_t stored_ms);
    /// The progress line, at most every 10 s and only when something was consumed since;
    /// `force`: now (when leaving).
    void log_progress(bool force);

    metrics::Counter& failures;  ///< failed attempts to write a batch
    metrics::Counter& batches;
    metrics::Counter& commits;
    metrics::Counter& committed_messages;
    metrics::Counter& commit_failures;
    metrics::Gauge& paused;
    metrics::Gauge& held;
    metrics::Gauge& uncommitted;

private:
    std::string group_;
    metrics::Counter& messages_;
    metrics::Counter& applied_;
    metrics::Counter& duplicates_;
    metrics::Counter& dead_lettered_;
    metrics::Histogram& to_kafka_;
    metrics::Histogram& in_kafka_;
    metrics::Histogram& to_redis_;
    metrics::Histogram& total_;
    metrics::Counter& clock_skew_;
    std::int64_t consumed_ = 0;
    std::int64_t applied_total_ = 0;
    std::int64_t duplicates_total_ = 0;
    std::int64_t dead_lettered_total_ = 0;
    std::int64_t logged_consumed_ = -1;
    std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
};

}  // namespace orderflow::consumer
