#include "console/lag_maths.h"

#include <algorithm>

namespace orderflow::console {

std::set<std::string> consumed_topics(
    const std::map<kafka::TopicPartitionId, std::int64_t>& committed,
    const kafka::GroupDescription& description) {
    std::set<std::string> topics;
    for (const auto& [where, offset] : committed) {
        topics.insert(where.first);
    }
    for (const auto& member : description.members) {
        for (const auto& [topic, partition] : member.assignment) {
            topics.insert(topic);
        }
    }
    return topics;
}

PartitionLag partition_lag(const kafka::TopicPartitionId& where,
                           std::optional<std::int64_t> committed,
                           const kafka::Watermarks& marks) {
    PartitionLag lag;
    lag.topic = where.first;
    lag.partition = where.second;
    lag.committed = committed;
    lag.end = marks.high;
    const auto from = committed.value_or(marks.low);
    lag.lag = std::max<std::int64_t>(0, marks.high - std::max(from, marks.low));
    return lag;
}

std::vector<PartitionLag> partition_lags(
    const std::map<kafka::TopicPartitionId, std::int64_t>& committed,
    const TopicWatermarks& topics) {
    std::vector<PartitionLag> lags;
    for (const auto& [topic, partitions] : topics) {
        for (const auto& [partition, marks] : partitions) {
            const kafka::TopicPartitionId where{topic, partition};
            std::optional<std::int64_t> offset;
            if (const auto it = committed.find(where); it != committed.end() && it->second >= 0) {
                offset = it->second;
            }
            lags.push_back(partition_lag(where, offset, marks));
        }
    }
    return lags;
}

RecordPosition oldest_unconsumed(const PartitionLag& lag) {
    return {lag.topic, lag.partition, lag.end - lag.lag};
}

std::vector<RecordPosition> oldest_unconsumed(const std::vector<PartitionLag>& lags) {
    std::vector<RecordPosition> positions;
    for (const auto& lag : lags) {
        if (lag.lag > 0) {
            positions.push_back(oldest_unconsumed(lag));
        }
    }
    return positions;
}

void add_lag_seconds(std::vector<PartitionLag>& lags,
                     const std::map<RecordPosition, std::int64_t>& times,
                     std::int64_t now_ms) {
    for (auto& lag : lags) {
        if (lag.lag == 0) {
            lag.seconds = 0.0;
        } else if (const auto it = times.find(oldest_unconsumed(lag)); it != times.end()) {
            lag.seconds = std::max(0.0, static_cast<double>(now_ms - it->second) / 1000.0);
        }
    }
}

LagTotals lag_totals(const std::vector<PartitionLag>& lags) {
    if (lags.empty()) {
        return {};
    }
    std::int64_t messages = 0;
    double seconds = 0.0;
    bool seconds_known = true;
    for (const auto& lag : lags) {
        messages += lag.lag;
        seconds_known = seconds_known && lag.seconds.has_value();
        seconds = std::max(seconds, lag.seconds.value_or(0.0));
    }
    return {messages, seconds_known ? std::optional<double>(seconds) : std::nullopt};
}

std::int64_t messages_held(const std::map<std::int32_t, kafka::Watermarks>& partitions) {
    std::int64_t count = 0;
    for (const auto& [partition, marks] : partitions) {
        count += marks.high - marks.low;
    }
    return count;
}

}  // namespace orderflow::console
