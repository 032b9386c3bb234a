#pragma once

// How far a consumer group is behind, and how much a topic holds, worked out from figures
// already read from Kafka: no client, no clock. The cluster snapshot reads the figures.

#include "kafka/group_admin.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace orderflow::console {

/// A record's place in the log: topic, partition, offset.
using RecordPosition = std::tuple<std::string, std::int32_t, std::int64_t>;

/// Every partition's watermarks, per topic.
using TopicWatermarks = std::map<std::string, std::map<std::int32_t, kafka::Watermarks>>;

struct PartitionLag {
    std::string topic;
    std::int32_t partition = 0;
    std::optional<std::int64_t> committed;  ///< nullopt: the group has committed nothing here
    std::int64_t end = 0;
    std::int64_t lag = 0;
    std::optional<double> seconds;  ///< nullopt when the oldest unconsumed record was not read
};

/// A group's figures summed over its partitions; nullopt when unknown.
struct LagTotals {
    std::optional<std::int64_t> messages;  ///< nullopt when the group consumes nothing
    std::optional<double> seconds;         ///< the largest; nullopt if any partition's is unknown
};

/// The topics a group consumes: those it committed on and those assigned to its members.
std::set<std::string> consumed_topics(
    const std::map<kafka::TopicPartitionId, std::int64_t>& committed,
    const kafka::GroupDescription& description);

/// Records between the committed offset (the log start when none, or when retention removed
/// it) and the log end; never negative, so an offset past the end is no lag.
PartitionLag partition_lag(const kafka::TopicPartitionId& where,
                           std::optional<std::int64_t> committed,
                           const kafka::Watermarks& marks);

/// One entry per partition of `topics`, in topic then partition order. A negative committed
/// offset is librdkafka's "none".
std::vector<PartitionLag> partition_lags(
    const std::map<kafka::TopicPartitionId, std::int64_t>& committed,
    const TopicWatermarks& topics);

/// The oldest unconsumed record of each lagging partition: its age is the lag in seconds.
RecordPosition oldest_unconsumed(const PartitionLag& lag);
std::vector<RecordPosition> oldest_unconsumed(const std::vector<PartitionLag>& lags);

/// Sets each partition's lag in seconds: 0 when caught up, else the age at `now_ms` of its
/// oldest unconsumed record when `times` holds that record's timestamp.
void add_lag_seconds(std::vector<PartitionLag>& lags,
                     const std::map<RecordPosition, std::int64_t>& times,
                     std::int64_t now_ms);

LagTotals lag_totals(const std::vector<PartitionLag>& lags);

/// Records a topic holds now: the sum over its partitions of log end minus log start.
std::int64_t messages_held(const std::map<std::int32_t, kafka::Watermarks>& partitions);

}  // namespace orderflow::console
