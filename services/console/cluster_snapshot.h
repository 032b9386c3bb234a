#pragma once

// The console's one way into Kafka: an Admin API handle of each kind (metadata and offsets,
// groups), each asked one question at a time, shared by the routes and the overview sampler.
// Answers are the cluster's figures as read now; the routes turn them into JSON.

#include "console/lag_maths.h"
#include "kafka/admin_client.h"
#include "kafka/group_admin.h"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::console {

/// A topic as described, with every partition's watermarks (nullopt: not asked, or a leader
/// did not answer).
struct TopicOffsets {
    kafka::TopicInfo info;
    std::optional<std::map<std::int32_t, kafka::Watermarks>> marks;
};

struct GroupSnapshot {
    kafka::GroupDescription description;
    /// Every partition of the topics the group consumes, committed on or not.
    std::vector<PartitionLag> lags;
};

class ClusterSnapshot {
public:
    /// `reader`: settings of the short-lived consumers that read records (lag in seconds).
    ClusterSnapshot(const kafka::ClientSettings& admin,
                    kafka::ClientSettings reader,
                    std::chrono::milliseconds timeout);

    std::vector<kafka::BrokerInfo> brokers();
    /// The configured bootstrap addresses, host:port each.
    const std::vector<std::string>& bootstrap() const { return bootstrap_; }

    /// Every topic; watermarks for the non-internal ones that answer.
    std::vector<TopicOffsets> topics();
    /// nullopt when the topic does not exist. Errors: KafkaError when a leader does not answer.
    std::optional<TopicOffsets> topic(const std::string& name);
    std::map<std::string, std::string> topic_configs(const std::string& name);
    /// Every partition's watermarks. Errors: ApiError 404 for an unknown topic.
    std::map<std::int32_t, kafka::Watermarks> watermarks(const std::string& topic);
    std::map<std::int32_t, std::int64_t> offsets_for_time(
        const std::string& topic,
        const std::vector<std::int32_t>& partitions,
        std::int64_t timestamp_ms);

    std::vector<kafka::GroupListing> groups();
    GroupSnapshot group(const std::string& id);

private:
    template <typename Ask>
    auto ask_admin(Ask&& ask) {
        std::lock_guard lock(admin_mutex_);
        return ask(admin_);
    }
    template <typename Ask>
    auto ask_groups(Ask&& ask) {
        std::lock_guard lock(groups_mutex_);
        return ask(group_admin_);
    }
    std::map<std::int32_t, kafka::Watermarks> marks_of(const kafka::TopicInfo& info);
    /// Timestamps of the records at these positions (cached: a record never changes).
    std::map<RecordPosition, std::int64_t> record_times(
        const std::vector<RecordPosition>& positions);

    kafka::ClientSettings reader_;
    std::chrono::milliseconds timeout_;
    std::vector<std::string> bootstrap_;
    std::mutex admin_mutex_;
    kafka::AdminClient admin_;
    std::mutex groups_mutex_;
    kafka::GroupAdmin group_admin_;
    std::mutex times_mutex_;
    std::map<RecordPosition, std::int64_t> times_;
};

}  // namespace orderflow::console
