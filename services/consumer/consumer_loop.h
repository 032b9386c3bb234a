#pragma once

#include "consumer/assignment.h"
#include "consumer/batch_accumulator.h"
#include "consumer/commit_policy.h"
#include "consumer/consumer_client.h"
#include "consumer/consumer_metrics.h"
#include "consumer/consumer_settings.h"
#include "consumer/fatal_state.h"
#include "consumer/kafka_offsets.h"
#include "consumer/redis_offset_seek.h"
#include "consumer/redis_watch.h"
#include "consumer/retrying_writer.h"
#include "metrics/metrics.h"

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::consumer {

/**
 * The consumer's one thread: consume() -> accumulate -> write (DLQ + Redis) -> commit, with
 * the mode's CommitPolicy deciding what a batch is and how its offsets are committed.
 *
 * - A dependency failure (Redis, registry, DLQ) pauses the assignment and the RetryingWriter
 *   retries the held batch with backoff while consume() keeps the membership alive; nothing
 *   unwritten is stored or committed. Success resumes.
 * - Eager rebalance: on revoke the held messages are written once, the policy commits what
 *   was written (unless the assignment was lost), and unassign() always ends the callback.
 * - Stop (SIGINT/SIGTERM): write what is held and commit it, both within SHUTDOWN_TIMEOUT,
 *   then close().
 */
class ConsumerLoop : private RdKafka::RebalanceCb, private WriterHost {
public:
    /// `redis_seek`: the sink in front of Redis whose rewinds the loop carries out;
    /// `redis_watch`, when given, is checked from the loop (data lost under the connection).
    ConsumerLoop(const ConsumerSettings& settings,
                 BatchProcessor& processor,
                 CommitPolicy& policy,
                 RedisOffsetSeek& redis_seek,
                 RedisWatch* redis_watch = nullptr);
    ~ConsumerLoop() override;
    ConsumerLoop(const ConsumerLoop&) = delete;
    ConsumerLoop& operator=(const ConsumerLoop&) = delete;

    /// Runs until a stop request or a fatal error. Returns the exit code (0 or 1).
    int run();
    /// /health: healthy unless paused on a dependency, a commit is stuck or a fatal error;
    /// details say what is held of the batch, what is assigned and the commit state. Safe
    /// from any thread.
    metrics::HealthReport health() const;

private:
    // Rebalances (consumer_rebalance.cpp).
    void rebalance_cb(RdKafka::KafkaConsumer* consumer,
                      RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& partitions) override;
    void revoke(RdKafka::KafkaConsumer& consumer,
                const std::vector<RdKafka::TopicPartition*>& partitions);
    // WriterHost
    void set_paused(bool paused, const std::string& why) override;
    void serve_for(std::chrono::milliseconds duration) override;
    std::optional<Clock::time_point> stop_deadline() override;
    bool fatal() const override;

    /// Copies a consumed message into the accumulator; false for timeouts and errors.
    bool take_message(RdKafka::Message& message);
    /// Writes in_flight_ + what the policy says is writable of the accumulator (`everything`:
    /// all of it, at shutdown), retrying while a dependency is away.
    void flush(bool everything);
    /// A batch of `messages` is in Redis: hand its offsets to the policy.
    void written(const BatchOutcome& outcome, std::size_t messages);
    void publish_status();
    /// Closes the offsets queue, then the client (a last revocation runs), and frees it.
    void close_client();
    void log_progress(bool force);
    /// Seeks the partitions Redis is behind on and drops what is held of them.
    void rewind_to_redis();
    /// When the watch finds Redis lost data: compares the assignment with it and rewinds.
    void watch_redis();

    ConsumerSettings settings_;
    CommitPolicy& policy_;
    RedisOffsetSeek& redis_seek_;
    RedisWatch* redis_watch_;
    std::string watch_denied_;  ///< the last ACL refusal of the watch, logged once
    RetryingWriter writer_;
    FatalState fatal_;
    ConsumerEvents events_{fatal_};
    BatchAccumulator accumulator_;
    std::vector<InboundMessage> in_flight_;
    Assignment assignment_;
    std::atomic<bool> paused_{false};
    std::optional<Clock::time_point> stop_deadline_;
    bool revoke_throws_ = false;  // the revoke-throws failpoint, not yet fired
    bool closing_ = false;        // close() runs: the private commit queue is gone

    struct Status {
        std::size_t held = 0;
        std::string assigned = "nothing";
        CommitStatus commit;
        std::string last_failure;
    };
    mutable std::mutex status_mutex_;
    Status status_;

    std::int64_t batches_written_ = 0;
    CommitCounters reported_;  // policy counters already added to the metrics
    ConsumerMetrics metrics_;

    std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
    std::unique_ptr<KafkaOffsets> offsets_;  // its private queue; closed before consumer_
};

}  // namespace orderflow::consumer
