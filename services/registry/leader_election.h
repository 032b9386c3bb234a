#pragma once

// One writer among registry instances: every instance joins a Kafka consumer group
// (REGISTRY_GROUP) subscribed to `_schemas`; the member assigned its single partition is the
// leader. The leader commits that partition's offset with its URL as commit metadata, so
// followers learn where to forward writes by reading the committed offset. A lone instance gets
// the partition at its first join, so it is always its own leader.

#include "kafka/client_config.h"
#include "registry/record_log.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace orderflow::registry {

class GroupLeadership : public Leadership {
public:
    GroupLeadership(const kafka::ClientSettings& settings,
                    std::string group,
                    std::string topic,
                    std::string advertised_url);
    ~GroupLeadership() override;
    GroupLeadership(const GroupLeadership&) = delete;
    GroupLeadership& operator=(const GroupLeadership&) = delete;

    /**
     * Waits (until `deadline`) for the topic's partition to be visible in this consumer's own
     * metadata, joins the group and starts the background loop. Errors: kafka::KafkaError;
     * StartInterrupted on SIGTERM/SIGINT.
     */
    void start(std::chrono::steady_clock::time_point deadline);
    /// Stops the loop and leaves the group (a follower takes over at once). Idempotent.
    void stop();

    bool is_leader() const override { return leader_.load(); }
    std::optional<std::string> leader_url() const override;

    // Called from librdkafka's rebalance callback (inside consumer_poll on our thread).
    void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);

private:
    void loop();
    void publish_url();
    void refresh_leader_url();
    void subscribe();

    kafka::ClientSettings settings_;
    std::string group_;
    std::string topic_;
    std::string url_;
    kafka::HandlePtr consumer_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> leader_{false};
    std::atomic<bool> publish_pending_{false};
    // Set in the rebalance callback and read in loop() (the same thread): whether the group
    // has an assignment for us, and since when the coordinator has answered, without a
    // break, that nobody leads.
    bool assigned_ = false;
    std::optional<std::chrono::steady_clock::time_point> nobody_leads_since_;
    mutable std::mutex mutex_;
    std::optional<std::string> leader_url_;
};

}  // namespace orderflow::registry
