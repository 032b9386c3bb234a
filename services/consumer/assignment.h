#pragma once

#include "consumer/message.h"
#include "kafka/handles.h"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace orderflow::consumer {

/// "orders[0],orders[3]" ("nothing" when empty).
std::string describe(const std::vector<RdKafka::TopicPartition*>& partitions);

class RedisOffsetSeek;

/// The group's committed offset of each of `partitions` (negative: none); nullopt when Kafka
/// did not answer within `timeout` (logged).
std::optional<std::map<TopicPartition, std::int64_t>> committed_offsets(
    RdKafka::KafkaConsumer& consumer,
    const std::set<TopicPartition>& partitions,
    std::chrono::milliseconds timeout);

/**
 * Before assign(): sets the start offset of each partition of `partitions` whose committed
 * offset is ahead of what Redis holds (RedisOffsetSeek::starts_behind()). Never throws: when
 * the committed offsets or Redis cannot be read within `timeout` it logs that and leaves the
 * list as it is (the first write of each partition checks it then).
 */
void start_where_redis_is(RdKafka::KafkaConsumer& consumer,
                          std::vector<RdKafka::TopicPartition*>& partitions,
                          RedisOffsetSeek& redis,
                          std::chrono::milliseconds timeout);

/**
 * The partitions this consumer owns now, as copies it frees itself (librdkafka's lists are the
 * caller's to free). Clear it before the consumer is closed.
 */
class Assignment {
public:
    void set(const std::vector<RdKafka::TopicPartition*>& partitions);
    void clear() { partitions_.clear(); }
    bool empty() const { return partitions_.empty(); }
    bool contains(const TopicPartition& partition) const;
    std::set<TopicPartition> partitions() const;
    RdKafka::ErrorCode pause(RdKafka::KafkaConsumer& consumer) const;
    RdKafka::ErrorCode resume(RdKafka::KafkaConsumer& consumer) const;
    std::string describe() const;
    /// Seeks each assigned partition of `to` (partition -> next offset; -2 the log start).
    /// Returns the partitions sought; the others (not assigned, or the seek failed: logged)
    /// are in `failed`.
    std::set<TopicPartition> seek(RdKafka::KafkaConsumer& consumer,
                                  const CommitOffsets& to,
                                  std::set<TopicPartition>& failed) const;

private:
    /// Borrowed pointers for librdkafka calls that take a list (they only set error codes).
    std::vector<RdKafka::TopicPartition*> borrowed() const;
    kafka::CppPartitions partitions_;
};

}  // namespace orderflow::consumer
