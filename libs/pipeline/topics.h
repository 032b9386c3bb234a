#pragma once

#include "kafka/admin_client.h"

#include <map>
#include <string>
#include <vector>

namespace orderflow::pipeline {

/// The layout that survives one broker loss without losing an acknowledged write: 5
/// partitions, replication factor 3, min.insync.replicas 2.
inline constexpr int kOrdersPartitions = 5;
inline constexpr int kReplicationFactor = 3;
inline constexpr int kMinInsyncReplicas = 2;
inline constexpr int kDlqPartitions = 1;

/**
 * Why an existing topic cannot keep acks=all orders safe: replication factor below 3,
 * min.insync.replicas below 2 or above the replication factor, unclean leader election on,
 * a cleanup.policy other than delete (compaction by the customer key drops orders).
 * Empty when the topic is fine. Pure.
 */
std::vector<std::string> guarantee_problems(const kafka::TopicInfo& topic,
                                            const std::map<std::string, std::string>& configs);

/**
 * Creates `name` (partitions, RF 3, min.insync.replicas 2) if missing; if it exists, checks
 * guarantee_problems() and logs a warning for another partition count.
 * Errors: KafkaError (cluster unreachable, too few brokers) or std::runtime_error listing
 * the problems of an existing topic.
 */
void ensure_topic(kafka::AdminClient& admin, const std::string& name, int partitions);

}  // namespace orderflow::pipeline
