#pragma once

#include "kafka/client_config.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::kafka {

struct BrokerInfo {
    std::int32_t id = 0;
    std::string host;
    int port = 0;
    /// The controller id the cluster reports to clients (under KRaft, a live broker that
    /// forwards to the quorum leader; the quorum leader itself is in `make status`).
    bool is_controller = false;
};

struct PartitionInfo {
    std::int32_t id = 0;
    std::int32_t leader = -1;
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
};

struct TopicInfo {
    std::string name;
    std::vector<PartitionInfo> partitions;
    int replication_factor() const {
        return partitions.empty() ? 0 : static_cast<int>(partitions.front().replicas.size());
    }
    std::vector<std::int32_t> partition_ids() const {
        std::vector<std::int32_t> ids;
        for (const auto& p : partitions) {
            ids.push_back(p.id);
        }
        return ids;
    }
};

struct TopicSpec {
    std::string name;
    int partitions = 1;
    int replication_factor = 1;
    std::map<std::string, std::string> configs;
};

enum class CreateOutcome { kCreated, kAlreadyExists };

/**
 * Cluster metadata and topic creation over librdkafka's Admin API (a producer handle, as
 * librdkafka recommends for admin-only use). Thread-compatible: one caller at a time.
 *
 * Errors (KafkaError) with messages for people: no broker reachable at the bootstrap servers
 * within the timeout; a replication factor above the live broker count; a topic that exists
 * with another partition count or replication factor; anything else the broker refuses.
 */
class AdminClient {
public:
    explicit AdminClient(const ClientSettings& settings,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

    std::vector<BrokerInfo> brokers();
    /// Every topic, internal ones (`__consumer_offsets`) last, each sorted by name.
    std::vector<TopicInfo> topics();
    std::optional<TopicInfo> describe_topic(const std::string& name);
    /// describe_topic, asked again for up to `patience` while the answer is "no such topic":
    /// a topic created a moment ago is not in every broker's metadata yet, and any broker may
    /// answer. For a command that fails when the topic is missing.
    std::optional<TopicInfo> find_topic(const std::string& name,
                                        std::chrono::milliseconds patience = kTopicPatience);
    static constexpr std::chrono::milliseconds kTopicPatience{3000};
    /// The topic's effective configuration (DescribeConfigs), e.g. min.insync.replicas.
    std::map<std::string, std::string> topic_configs(const std::string& name);
    /// Creates the topic, or returns kAlreadyExists when it exists with the same partition
    /// count and replication factor.
    CreateOutcome create_topic(const TopicSpec& spec);

private:
    struct Metadata;
    Metadata fetch_metadata(const std::string* topic);

    std::string bootstrap_servers_;
    std::string connection_settings_;  // the settings a "cannot reach" error names
    std::chrono::milliseconds timeout_;
    HandlePtr handle_;
};

}  // namespace orderflow::kafka
