#pragma once

// What the store's readers need of a group whatever Redis it is on (one Redis or a cluster): its
// partitions, its totals (the sum of the per-partition pieces) and its offset marks. Key layout:
// key_names.h. Redis contents are outside input: a value that is not what the store writes is a
// RedisError naming its key, never a crash.

#include "redis/client.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::redis {

struct GroupStats {
    std::int64_t processed = 0;
    std::int64_t duplicates_skipped = 0;
    std::int64_t dead_lettered = 0;
    /// Distinct customers per partition, summed (a customer is counted in each partition it has
    /// orders in; orders are keyed by customer, so normally one); none when no piece has it.
    std::optional<std::int64_t> customers;
};

/// At most this many partitions are read of a group's directory (a hostile set stays bounded).
inline constexpr std::size_t kMaxGroupPartitions = 4096;

/// The partitions in partitions:{group}, sorted; members that are not partition numbers are
/// skipped. Errors: RedisError (also for more than kMaxGroupPartitions members).
std::vector<std::int32_t> group_partitions(Client& redis, const std::string& group);

/// The partitions an SMEMBERS reply of partitions_key() names, sorted (see group_partitions()).
/// Errors: RedisError for more than kMaxGroupPartitions members.
std::vector<std::int32_t> partitions_in(const std::string& key, const Reply& reply);

/// group_partitions() of each of `groups`, in one pipeline. Errors: RedisError.
std::map<std::string, std::vector<std::int32_t>> groups_partitions(
    Client& redis, const std::vector<std::string>& groups);

/// The sum of the stats pieces of `partitions` (one pipelined HGETALL each). Errors: RedisError.
GroupStats partition_stats(Client& redis,
                           const std::string& group,
                           const std::vector<std::int32_t>& partitions);

/// group_partitions(), then partition_stats() of them: two round trips (per master).
GroupStats group_stats(Client& redis, const std::string& group);

/// "topic:partition" -> last applied offset, from the marks of `partitions`. Errors: RedisError.
std::map<std::string, std::int64_t> offset_marks(Client& redis,
                                                 const std::string& group,
                                                 const std::vector<std::int32_t>& partitions);

/// A stored integer (a stats field, a mark): nullopt unless it is a decimal int64.
std::optional<std::int64_t> stored_integer(const std::string& text);

}  // namespace orderflow::redis
