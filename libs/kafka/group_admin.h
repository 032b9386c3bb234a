#pragma once

// Consumer groups as Kafka sees them (Admin API): which exist, their members and assignment,
// their committed offsets, and how far each partition's log end is ahead of them.

#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

using TopicPartitionId = std::pair<std::string, std::int32_t>;

struct GroupListing {
    std::string id;
    std::string state;    ///< librdkafka's name: Stable, Empty, PreparingRebalance, Dead, ...
    bool simple = false;  ///< no members ever joined (offsets committed by assign() users)
};

struct GroupMember {
    std::string member_id;
    std::string client_id;
    std::string host;
    std::vector<TopicPartitionId> assignment;
};

struct GroupDescription {
    std::string id;
    std::string state;
    std::string assignor;
    std::int32_t coordinator = -1;  ///< broker id
    std::vector<GroupMember> members;
};

struct Watermarks {
    std::int64_t low = 0;
    std::int64_t high = 0;  ///< the log end: the next offset to be written
};

/**
 * One Admin API handle (a producer, as librdkafka recommends) for group questions. Every call
 * waits at most `timeout` plus a short margin. Thread-compatible: one caller at a time.
 * Errors: KafkaError naming the group and the broker's or librdkafka's reason (ERR__TIMED_OUT
 * when no answer came in time).
 */
class GroupAdmin {
public:
    explicit GroupAdmin(const ClientSettings& settings,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

    /// Every group the brokers know, sorted by id.
    std::vector<GroupListing> list_groups();
    /// State, members and their assignment; a group nobody knows comes back as state "Dead".
    GroupDescription describe(const std::string& group);
    /// The group's committed offset of every partition it committed (the next offset to read).
    std::map<TopicPartitionId, std::int64_t> committed(const std::string& group);
    /// The partition's first and next offsets, from its leader. librdkafka 2.0.2 may wait past
    /// the timeout here when that leader was killed and metadata still names it.
    Watermarks watermarks(const std::string& topic, std::int32_t partition);

    /// Per partition, the first offset whose timestamp is at or after `timestamp_ms`; the log
    /// end when no record is that recent (ListOffsets by time, from each leader).
    std::map<std::int32_t, std::int64_t> offsets_for_time(
        const std::string& topic,
        const std::vector<std::int32_t>& partitions,
        std::int64_t timestamp_ms);

private:
    std::chrono::milliseconds timeout_;
    HandlePtr handle_;
};

}  // namespace orderflow::kafka
