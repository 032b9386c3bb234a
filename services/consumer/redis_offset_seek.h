#pragma once

#include "consumer/batch_processor.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace orderflow::consumer {

/// Redis holds less of a partition than Kafka says was written: the batch was not written,
/// and the partitions to read again are waiting in RedisOffsetSeek::take_rewinds().
class RedisBehind : public TransientError {
public:
    using TransientError::TransientError;
};

/// A rewind to the log start: Redis has no mark at all for the partition.
constexpr std::int64_t kFromBeginning = -2;  // RdKafka::Topic::OFFSET_BEGINNING

/**
 * An OrderSink in front of the Redis one that notices a Redis which came back with less than
 * it acknowledged (an older copy restored, a restart without its AOF) and asks for the lost
 * tail to be read again from Kafka. Redis keeps each partition's last applied offset (the
 * partition's `offsets:{g:p:n}` hash, written in the same function call as the order); an offset is
 * committed to Kafka only after its message is in Redis, so with Redis intact its mark is at
 * least "first offset fetched - 1" and at least the last offset this consumer wrote.
 *
 * Checked against the marks read in one HGETALL:
 * - at assignment (starts_behind(), before assign()): each committed offset against the mark;
 *   when that cannot be read, at each partition's first write after the assignment: its first
 *   offset in the batch (where the committed offset made it start) against the mark;
 * - every partition, before the first write after a failed one (Redis may have restarted):
 *   also the last offset this consumer wrote there.
 * A partition found behind is rewound to mark + 1, or to the log start when Redis has no
 * mark for it although Kafka had moved on (Redis lost everything of it); the order ids make
 * re-applying idempotent. The write then throws RedisBehind: the loop seeks, drops what it
 * holds of those partitions and retries the rest. Not thread-safe (the consumer's thread).
 */
class RedisOffsetSeek : public OrderSink {
public:
    /// "topic:partition" -> last applied offset of (at least) these partitions
    /// (redis::OrderStore::last_offsets()).
    using ReadMarks =
        std::function<std::map<std::string, std::int64_t>(const std::set<TopicPartition>&)>;

    RedisOffsetSeek(OrderSink& inner, ReadMarks read_marks, std::string group);

    std::vector<redis::WriteOutcome> write(const std::vector<redis::StoreEntry>& entries) override;
    std::vector<redis::Refusal> take_refusals() override { return inner_.take_refusals(); }

    /// A new assignment: each of its partitions is checked at its first write.
    void assigned(const std::set<TopicPartition>& partitions);
    /// At assignment, before the consumer starts: per partition with a committed offset
    /// (`committed`, negative = none), where to start instead because Redis is behind it
    /// (mark + 1, or kFromBeginning). The partitions it read marks for are checked (a write
    /// that finds nothing new to read would never check them). Errors: RedisError (they stay
    /// unchecked: their first write checks them).
    CommitOffsets starts_behind(const std::map<TopicPartition, std::int64_t>& committed);
    /// The seeks found since the last call (partition -> next offset, or kFromBeginning).
    CommitOffsets take_rewinds();
    /// Redis lost data under a live connection (RedisWatch): per partition of `committed`
    /// (the assigned ones, with their committed offsets, negative = none) and every partition
    /// this consumer wrote since its assignment, where Redis is behind is rewound as at an
    /// assignment; the seeks wait in take_rewinds(). Errors: RedisError.
    void redis_lost(const std::map<TopicPartition, std::int64_t>& committed);
    /// Seeks that did not happen: check these partitions again at their next write.
    void recheck(const std::set<TopicPartition>& partitions);
    std::int64_t rewinds_total() const { return rewinds_total_; }

private:
    void check(const std::map<TopicPartition, std::int64_t>& first_offsets);

    OrderSink& inner_;
    ReadMarks read_marks_;
    std::string group_;
    std::set<TopicPartition> unchecked_;  // assigned and not yet checked
    bool after_failure_ = false;          // a write failed: check every partition first
    std::map<TopicPartition, std::int64_t> last_written_;
    CommitOffsets rewinds_;
    std::int64_t rewinds_total_ = 0;
};

/// Removes the messages of `partitions` from a batch (they are read again after a rewind).
void drop_partitions(std::vector<InboundMessage>& batch,
                     const std::set<TopicPartition>& partitions);

}  // namespace orderflow::consumer
