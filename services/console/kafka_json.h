#pragma once

// The cluster snapshot's figures as the JSON answers of docs/console-api.md (brokers, topics,
// consumer groups). Pure: the routes read the snapshot, these only shape.

#include "console/cluster_snapshot.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace orderflow::console {

/// The brokers the cluster lists (up) and the configured ones it does not (down).
nlohmann::json brokers_json(const std::vector<kafka::BrokerInfo>& known,
                            const std::vector<std::string>& bootstrap);
nlohmann::json topics_json(const std::vector<TopicOffsets>& topics);
nlohmann::json topic_json(const TopicOffsets& topic,
                          const std::map<std::string, std::string>& configs);

/// {"group", "state", "members", "lag_messages", "lag_seconds"}: null figures when the group
/// consumes nothing, or (seconds) when an oldest record could not be read.
nlohmann::json group_summary_json(const std::string& id, const GroupSnapshot& group);
/// The group with its members and every partition's lag.
nlohmann::json group_json(const std::string& id, const GroupSnapshot& group);

/// Adds "role": "registry-election" for the schema registry's leader-election group (which
/// never commits, so its "lag" counts records it never means to read: dropped to null) and
/// "consumer" for every other group. Takes a summary or a whole group.
nlohmann::json with_group_role(nlohmann::json group, const std::string& registry_group);

}  // namespace orderflow::console
