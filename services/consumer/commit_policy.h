#pragma once

#include "consumer/batch_accumulator.h"
#include "consumer/message.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::consumer {

struct ConsumerSettings;

/// A commit's answer: `error` for the whole request, else per partition ("" = committed).
struct CommitReply {
    std::uint64_t tag = 0;
    std::string error;
    std::map<TopicPartition, std::string> partition_errors;
};

/**
 * The Kafka side of committing (KafkaOffsets in production, a fake in the unit tests).
 * Nothing here blocks longer than the wait it is given.
 */
class OffsetCommitter {
public:
    virtual ~OffsetCommitter() = default;
    /// Auto-commit mode: hands the offsets to librdkafka's auto-commit. Returns "" or an error.
    virtual std::string store(const CommitOffsets& offsets) = 0;
    /// Sends a commit whose answer poll() returns with `tag`. Returns "" or why it was not sent.
    virtual std::string commit_async(const CommitOffsets& offsets, std::uint64_t tag) = 0;
    /// One answer, waiting up to `wait` (0: only what is there).
    virtual std::optional<CommitReply> poll(std::chrono::milliseconds wait) = 0;
};

/// What /health and the metrics show of the commits.
struct CommitStatus {
    std::size_t uncommitted_partitions = 0;  ///< written to Redis, not yet committed
    /// When the oldest written-but-uncommitted batch was written; nullopt when all committed.
    std::optional<BatchAccumulator::Clock::time_point> uncommitted_since;
    std::size_t in_flight = 0;
};

/// Counts a policy reports (metrics); the loop owns the metric objects.
struct CommitCounters {
    std::int64_t commits = 0;             ///< answered with success (auto mode: offset stores)
    std::int64_t committed_messages = 0;  ///< messages those commits covered
    std::int64_t failures = 0;            ///< failed or unanswered in time, to be sent again
};

/**
 * How a consumer mode batches and commits, chosen once where the command is built:
 * what a batch is, when it is ready, what to do once it is in Redis, on revoke and at the end.
 * Runs on the consumer's thread only.
 */
class CommitPolicy {
public:
    using Clock = BatchAccumulator::Clock;
    virtual ~CommitPolicy() = default;

    virtual std::string_view name() const = 0;
    /// The accumulator for this mode.
    virtual BatchAccumulator make_accumulator() const = 0;
    /// Whether to write what is held now; `idle`: the last consume() returned no message.
    virtual bool ready(const BatchAccumulator& held, bool idle, Clock::time_point now) const = 0;
    /// When consume() should stop waiting for the batch's sake; nullopt: no hurry.
    virtual std::optional<Clock::time_point> wake_at(const BatchAccumulator& held) const = 0;
    /// Once ready(): how many of the held messages (the first ones) to write now.
    virtual std::size_t writable(const BatchAccumulator& held, Clock::time_point /*now*/) const {
        return held.size();
    }
    /// How many of this mode's batches `messages` written in one round trip are.
    virtual std::size_t batches_in(std::size_t /*messages*/) const { return 1; }
    /// A batch of `messages` whose offsets are `offsets` is in Redis.
    virtual void written(const CommitOffsets& offsets,
                         std::size_t messages,
                         OffsetCommitter& kafka,
                         Clock::time_point now) = 0;
    /// Every loop turn: takes the answers that are there and (re)sends what is due. No wait.
    virtual void service(OffsetCommitter& kafka, Clock::time_point now) = 0;
    /// Before `partitions` go: commits what was written of them (unless `lost`), waiting up to
    /// `deadline`, then forgets them. Returns false when something written stayed uncommitted.
    virtual bool revoke(const std::set<TopicPartition>& partitions,
                        bool lost,
                        OffsetCommitter& kafka,
                        Clock::time_point deadline) = 0;
    /// At shutdown: commits everything written, waiting up to `deadline`. False if it could not.
    virtual bool finish(OffsetCommitter& kafka, Clock::time_point deadline) = 0;
    virtual CommitStatus status() const = 0;
    const CommitCounters& counters() const { return counters_; }

protected:
    CommitCounters counters_;
};

/**
 * AUTO_COMMIT=true: a batch is whatever is already fetched (up to `max_batch`); its offsets
 * are stored (offset + 1) after the Redis write and librdkafka commits them every second and
 * at unassign/close, so nothing here waits.
 */
class AutoCommitPolicy : public CommitPolicy {
public:
    explicit AutoCommitPolicy(std::size_t max_batch);
    std::string_view name() const override { return "auto-commit"; }
    BatchAccumulator make_accumulator() const override;
    bool ready(const BatchAccumulator& held, bool idle, Clock::time_point now) const override;
    std::optional<Clock::time_point> wake_at(const BatchAccumulator& held) const override;
    void written(const CommitOffsets& offsets,
                 std::size_t messages,
                 OffsetCommitter& kafka,
                 Clock::time_point now) override;
    void service(OffsetCommitter& /*kafka*/, Clock::time_point /*now*/) override {}
    bool revoke(const std::set<TopicPartition>& /*partitions*/,
                bool /*lost*/,
                OffsetCommitter& /*kafka*/,
                Clock::time_point /*deadline*/) override {
        return true;  // librdkafka commits the stored offsets at unassign
    }
    bool finish(OffsetCommitter& /*kafka*/, Clock::time_point /*deadline*/) override {
        return true;  // and at close()
    }
    CommitStatus status() const override { return {}; }

private:
    std::size_t max_batch_;
};

/**
 * AUTO_COMMIT=false: a batch is exactly `batch_size` messages (a partial one is written only
 * on revocation and shutdown, or after `batch_timeout` when that is set). The complete
 * batches already fetched (up to `max_write` messages) go to Redis in one round trip, and
 * their offsets only after that write. After the Redis write the consumer commits
 * offset + 1 per partition asynchronously:
 * - per partition it keeps "written" and "committed"; whatever is written and not committed
 *   is sent again (with backoff) until a commit of it succeeds, so a failed commit is never
 *   forgotten, even on a partition that gets no further messages;
 * - at most `max_in_flight` commits await an answer while the next batches are written (a
 *   new commit covers everything written so far); one not answered within `commit_timeout`
 *   counts as failed (a late answer is still taken);
 * - "committed" is what the latest answer says, even when it is lower than an earlier one:
 *   a commit librdkafka held back without a coordinator can be applied after newer ones;
 * - revoke and finish send what is left and wait for the answers, up to a deadline.
 */
class BatchCommitPolicy : public CommitPolicy {
public:
    struct Limits {
        std::size_t batch_size = 10;
        std::chrono::milliseconds batch_timeout{0};  ///< 0: none
        std::chrono::milliseconds commit_timeout{10000};
        std::size_t max_in_flight = 4;
        std::chrono::milliseconds max_backoff{5000};
        std::size_t max_write = 500;  ///< messages per Redis round trip (whole batches)
    };
    explicit BatchCommitPolicy(const Limits& limits);

    std::string_view name() const override { return "batch"; }
    BatchAccumulator make_accumulator() const override;
    bool ready(const BatchAccumulator& held, bool idle, Clock::time_point now) const override;
    std::optional<Clock::time_point> wake_at(const BatchAccumulator& held) const override;
    std::size_t writable(const BatchAccumulator& held, Clock::time_point now) const override;
    std::size_t batches_in(std::size_t messages) const override;
    void written(const CommitOffsets& offsets,
                 std::size_t messages,
                 OffsetCommitter& kafka,
                 Clock::time_point now) override;
    void service(OffsetCommitter& kafka, Clock::time_point now) override;
    bool revoke(const std::set<TopicPartition>& partitions,
                bool lost,
                OffsetCommitter& kafka,
                Clock::time_point deadline) override;
    bool finish(OffsetCommitter& kafka, Clock::time_point deadline) override;
    CommitStatus status() const override;
    /// The last offset + 1 known committed per partition (tests and logs).
    std::optional<std::int64_t> committed(const TopicPartition& partition) const;

private:
    struct Partition {
        std::int64_t written = -1;    ///< last written offset + 1
        std::int64_t committed = -1;  ///< last offset + 1 a commit confirmed
        std::optional<Clock::time_point> uncommitted_since;
    };
    struct InFlight {
        CommitOffsets offsets;
        Clock::time_point sent_at;
    };
    struct Batch {  // written, counted once all its offsets are committed
        CommitOffsets offsets;
        std::size_t messages = 0;
    };

    /// Partitions (of `only`, or all) whose written offset no commit in flight covers.
    CommitOffsets due(const std::set<TopicPartition>* only) const;
    void send(OffsetCommitter& kafka, const CommitOffsets& offsets, Clock::time_point now);
    void take(const CommitReply& reply, Clock::time_point now);
    void failed(const std::string& why, Clock::time_point now);
    void count_committed();
    void expire(Clock::time_point now);
    bool settled(const std::set<TopicPartition>* only) const;
    /// Sends and waits until `only` (or all) is committed or `deadline` passes.
    bool drain(const std::set<TopicPartition>* only,
               OffsetCommitter& kafka,
               Clock::time_point deadline);

    Limits limits_;
    std::size_t max_write_;  // a multiple of batch_size
    std::map<TopicPartition, Partition> partitions_;
    std::map<std::uint64_t, InFlight> in_flight_;
    std::map<std::uint64_t, InFlight> late_;  // given up waiting for; a late success still counts
    std::uint64_t next_tag_ = 1;
    std::vector<Batch> batches_;  // written and not yet counted as committed, oldest first
    std::chrono::milliseconds backoff_;
    Clock::time_point retry_at_{};
};

/// The policy for `settings.mode`.
std::unique_ptr<CommitPolicy> make_commit_policy(const ConsumerSettings& settings);

}  // namespace orderflow::consumer
