#pragma once

#include "consumer/assignment.h"
#include "redis/client.h"

#include <chrono>
#include <set>
#include <string>

namespace orderflow::consumer {

/**
 * Notices, within seconds, a Redis that lost data while the connection stayed up (FLUSHALL,
 * a failover to an empty or older replica, a restart without persistence): without it only
 * the next rebalance or write would look. A marker key of this consumer's run is written in
 * each assigned partition's tag (watch:{g:p:n}:{random token}, so on a cluster one lives on each
 * master that holds the consumer's partitions) with an expiry, and each check refreshes them with
 * one PEXPIRE each, which also says whether they still exist. One gone, or the cluster's masters
 * changed (Client::master_changes(): a replica was promoted, which may lack the last writes),
 * means Redis may have lost what this process wrote; the caller then compares every assigned
 * partition with Redis's offset marks (RedisOffsetSeek::redis_lost()) and rearms. The expiry
 * only cleans up after a process that died. Not thread-safe: the consumer loop's thread, on the
 * store's client.
 */
class RedisWatch {
public:
    using Clock = std::chrono::steady_clock;

    RedisWatch(redis::Client& redis,
               const std::string& group,
               std::chrono::milliseconds every = std::chrono::seconds(1),
               std::chrono::milliseconds expiry = std::chrono::minutes(5));

    /// At most once per `every` (else false): true when a marker written by arm() is gone or the
    /// masters changed. Partitions newly in `assigned` get their marker (not a loss). Errors:
    /// RedisError (the next due call asks again).
    bool lost(Clock::time_point now, const std::set<TopicPartition>& assigned);
    /// Writes the markers of `assigned` again, once what was lost is dealt with. Errors:
    /// RedisError.
    void arm(const std::set<TopicPartition>& assigned);
    /// "watch:{g:*}:<token>": the markers with the partition left out, for log lines.
    std::string describe() const;
    /// The marker of `partition`.
    std::string key(std::int32_t partition) const;

private:
    redis::Client& redis_;
    std::string group_;
    std::string token_;
    std::chrono::milliseconds every_;
    std::string expiry_ms_;
    Clock::time_point next_check_{};
    std::set<std::int32_t> armed_;
    int master_changes_ = 0;
};

}  // namespace orderflow::consumer
