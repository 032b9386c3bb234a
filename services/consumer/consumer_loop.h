#pragma once

#include "consumer/batch_accumulator.h"
#include "consumer/batch_processor.h"
#include "consumer/consumer_settings.h"
#include "kafka/cpp_config.h"
#include "metrics/metrics.h"

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orderflow::consumer {

/**
 * The consumer's one thread: consume() -> accumulate -> process (DLQ + Redis) -> commit.
 *
 * - kAuto: enable.auto.commit=true, enable.auto.offset.store=false; a batch is whatever is
 *   already fetched (up to kAutoModeMaxBatch) and its offsets are stored (offset + 1) only
 *   after the Redis write, so auto-commit never commits an unwritten order.
 * - kBatch: BATCH_SIZE messages or BATCH_TIMEOUT, one pipelined Redis round trip, then
 *   commitSync of offset + 1 per partition.
 * - A dependency failure (Redis, registry, DLQ) pauses the assignment and retries the held
 *   batch with capped exponential backoff while consume() keeps the membership alive; nothing
 *   unwritten is stored or committed. Success resumes.
 * - Eager rebalance: on revoke the held messages are written once and committed (unless the
 *   assignment was lost); what cannot be written is dropped, to be redelivered.
 * - Stop (SIGINT/SIGTERM): write what is held (up to SHUTDOWN_TIMEOUT), commit, close().
 */
class ConsumerLoop : private RdKafka::RebalanceCb {
public:
    ConsumerLoop(const ConsumerSettings& settings, BatchProcessor& processor);
    ~ConsumerLoop() override;
    ConsumerLoop(const ConsumerLoop&) = delete;
    ConsumerLoop& operator=(const ConsumerLoop&) = delete;

    /// Runs until a stop request or a fatal Kafka error. Returns the exit code (0 or 1).
    int run();
    /// Not paused on a dependency and no fatal Kafka error; safe from any thread.
    bool healthy() const { return !paused_.load() && !events_.fatal(); }
    bool paused() const { return paused_.load(); }

private:
    void rebalance_cb(RdKafka::KafkaConsumer* consumer,
                      RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& partitions) override;
    /// Copies a consumed message into the accumulator; false for timeouts and errors.
    bool take_message(RdKafka::Message& message);
    /// Writes in_flight_ + the accumulator until done (retrying with backoff while paused).
    void flush();
    /// One attempt at `batch`: process and commit. Clears it on success.
    bool try_write(std::vector<InboundMessage>& batch);
    void commit(const CommitOffsets& offsets);
    void set_paused(bool paused);
    void serve_for(std::chrono::milliseconds duration);
    void log_progress(bool force);

    ConsumerSettings settings_;
    BatchProcessor& processor_;
    kafka::LoggingEventCb events_;
    BatchAccumulator accumulator_;
    std::vector<InboundMessage> in_flight_;
    std::vector<RdKafka::TopicPartition*> assignment_;  // owned; freed on change
    std::atomic<bool> paused_{false};
    std::optional<std::chrono::steady_clock::time_point> stop_deadline_;
    std::string last_failure_;

    // Failpoint for the redelivery test: ORDERFLOW_FAILPOINT=crash-before-commit:N raises
    // SIGKILL once the N-th batch is in Redis and before its offsets are stored or committed.
    std::int64_t crash_before_commit_ = 0;
    std::int64_t batches_written_ = 0;

    std::int64_t consumed_ = 0;
    std::int64_t applied_ = 0;
    std::int64_t duplicates_ = 0;
    std::int64_t dead_lettered_ = 0;
    std::int64_t logged_consumed_ = -1;
    std::chrono::steady_clock::time_point last_progress_{};

    metrics::Counter& messages_total_;
    metrics::Counter& applied_total_;
    metrics::Counter& duplicates_total_;
    metrics::Counter& dead_lettered_total_;
    metrics::Counter& failures_total_;
    metrics::Counter& commits_total_;
    metrics::Gauge& paused_gauge_;

    std::unique_ptr<RdKafka::KafkaConsumer> consumer_;  // last: closed and freed first
};

}  // namespace orderflow::consumer
