#pragma once

// What the console asks Kafka (metadata, offsets, groups) through one Admin API handle of
// each kind, shared by the routes and the overview sampler (one question at a time each).
// Answers are JSON shaped as docs/console-api.md says.

#include "kafka/admin_client.h"
#include "kafka/group_admin.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

namespace orderflow::console {

struct GroupLag {
    std::int64_t messages = 0;
    std::optional<double> seconds;  ///< nullopt when the oldest unconsumed record could not be read
};

class KafkaView {
public:
    /// `reader`: settings of the short-lived consumers that read records (lag in seconds).
    KafkaView(const kafka::ClientSettings& admin,
              kafka::ClientSettings reader,
              std::chrono::milliseconds timeout);

    nlohmann::json brokers();
    nlohmann::json topics();
    /// Errors: ApiError 404 for an unknown topic.
    nlohmann::json topic(const std::string& name);
    /// Every partition's watermarks. Errors: ApiError 404 for an unknown topic.
    std::map<std::int32_t, kafka::Watermarks> watermarks(const std::string& topic);
    std::map<std::int32_t, std::int64_t> offsets_for_time(
        const std::string& topic,
        const std::vector<std::int32_t>& partitions,
        std::int64_t timestamp_ms);
    /// Messages in a topic (sum of high - low), nullopt when it does not exist.
    std::optional<std::int64_t> message_count(const std::string& topic);

    nlohmann::json groups();
    /// Errors: ApiError 404 for a group the cluster does not know.
    nlohmann::json group(const std::string& id);
    /// {"state", "members", "lag_messages", "lag_seconds"} of a group (null figures when the
    /// group has committed nothing).
    nlohmann::json group_summary(const std::string& id);

private:
    struct PartitionLag {
        std::string topic;
        std::int32_t partition = 0;
        std::optional<std::int64_t> committed;
        std::int64_t end = 0;
        std::int64_t lag = 0;
        std::optional<double> seconds;
    };
    std::vector<PartitionLag> partition_lags(const std::string& group,
                                             const kafka::GroupDescription& description);
    /// Timestamps of the records at these positions (cached: a record never changes).
    std::map<std::tuple<std::string, std::int32_t, std::int64_t>, std::int64_t> record_times(
        const std::vector<std::tuple<std::string, std::int32_t, std::int64_t>>& positions);

    kafka::ClientSettings reader_;
    std::chrono::milliseconds timeout_;
    std::vector<std::string> bootstrap_;
    std::mutex admin_mutex_;
    kafka::AdminClient admin_;
    std::mutex groups_mutex_;
    kafka::GroupAdmin group_admin_;
    std::mutex times_mutex_;
    std::map<std::tuple<std::string, std::int32_t, std::int64_t>, std::int64_t> times_;
};

}  // namespace orderflow::console
