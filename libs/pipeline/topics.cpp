#include "pipeline/topics.h"

#include "kafka/kafka_error.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace orderflow::pipeline {

std::vector<std::string> guarantee_problems(const kafka::TopicInfo& topic,
                                            const std::map<std::string, std::string>& configs) {
    std::vector<std::string> problems;
    const int rf = topic.replication_factor();
    if (rf < kReplicationFactor) {
        problems.push_back("replication factor " + std::to_string(rf) + " is below " +
                           std::to_string(kReplicationFactor) +
                           ", so losing one broker can lose acknowledged orders");
    }
    if (const auto it = configs.find("min.insync.replicas"); it != configs.end()) {
        const int min_isr = std::stoi(it->second);
        if (min_isr < kMinInsyncReplicas) {
            problems.push_back("min.insync.replicas=" + it->second + " is below " +
                               std::to_string(kMinInsyncReplicas) +
                               ", so acks=all can be satisfied by a single replica");
        } else if (min_isr > rf) {
            problems.push_back("min.insync.replicas=" + it->second +
                               " exceeds the replication factor " + std::to_string(rf) +
                               ", so no write can ever succeed");
        }
    } else {
        problems.emplace_back("min.insync.replicas is not reported for the topic");
    }
    if (const auto it = configs.find("unclean.leader.election.enable");
        it != configs.end() && it->second == "true") {
        problems.emplace_back(
            "unclean.leader.election.enable=true lets an out-of-sync replica become leader and "
            "drop acknowledged orders");
    }
    // Compaction keeps one record per key, and orders are keyed by customer: it would drop
    // every order of a customer but the latest. "compact,delete" compacts too.
    if (const auto it = configs.find("cleanup.policy");
        it != configs.end() && it->second != "delete") {
        problems.push_back("cleanup.policy=" + it->second +
                           " compacts by key (the customer id) and would drop orders; only "
                           "delete keeps every order");
    }
    return problems;
}

namespace {

void check_existing(kafka::AdminClient& admin,
                    const kafka::TopicInfo& existing,
                    const std::string& name,
                    int partitions) {
    const auto problems = guarantee_problems(existing, admin.topic_configs(name));
    if (!problems.empty()) {
        std::string text = "topic " + name + " exists with settings that break the guarantees: ";
        for (std::size_t i = 0; i < problems.size(); ++i) {
            text += (i == 0 ? "" : "; ") + problems[i];
        }
        throw std::runtime_error(
            text +
            ". Recreate it (RF 3, min.insync.replicas=2, cleanup.policy=delete) or set "
            "another ORDERS_TOPIC");
    }
    if (static_cast<int>(existing.partitions.size()) != partitions) {
        spdlog::warn("topic {} has {} partitions (expected {}); continuing", name,
                     existing.partitions.size(), partitions);
    }
}

}  // namespace

void ensure_topic(kafka::AdminClient& admin, const std::string& name, int partitions) {
    // Another process (the producer, a consumer) may be creating the same topic right now:
    // until its metadata has spread, it can exist without being describable. Retry briefly.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (true) {
        try {
            if (const auto existing = admin.describe_topic(name)) {
                check_existing(admin, *existing, name, partitions);
                return;
            }
            const kafka::TopicSpec spec{
                name,
                partitions,
                kReplicationFactor,
                {{"min.insync.replicas", std::to_string(kMinInsyncReplicas)}}};
            if (admin.create_topic(spec) == kafka::CreateOutcome::kCreated) {
                spdlog::info(
                    "created topic {} ({} partitions, replication factor {}, "
                    "min.insync.replicas={})",
                    name, partitions, kReplicationFactor, kMinInsyncReplicas);
                return;
            }
        } catch (const kafka::KafkaError& e) {
            const bool settling = e.code() == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                                  e.code() == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
            if (!settling || std::chrono::steady_clock::now() > deadline) {
                throw;
            }
        }
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("topic " + name + " exists but its metadata cannot be read");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

}  // namespace orderflow::pipeline
