#include "console/kafka_json.h"

#include <set>

namespace orderflow::console {
namespace {

nlohmann::json or_null(const auto& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

bool under_replicated(const kafka::TopicInfo& info) {
    for (const auto& partition : info.partitions) {
        if (partition.isr.size() < partition.replicas.size()) {
            return true;
        }
    }
    return false;
}

}  // namespace

nlohmann::json brokers_json(const std::vector<kafka::BrokerInfo>& known,
                            const std::vector<std::string>& bootstrap) {
    auto list = nlohmann::json::array();
    std::set<std::string> seen;
    for (const auto& broker : known) {
        const auto address = broker.host + ":" + std::to_string(broker.port);
        seen.insert(address);
        list.push_back({{"id", broker.id},
                        {"host", broker.host},
                        {"port", broker.port},
                        {"controller", broker.is_controller},
                        {"up", true}});
    }
    // A configured broker the cluster does not list is down (or not part of this cluster).
    for (const auto& address : bootstrap) {
        const auto colon = address.rfind(':');
        if (seen.contains(address) || colon == std::string::npos) {
            continue;
        }
        list.push_back({{"id", nullptr},
                        {"host", address.substr(0, colon)},
                        {"port", std::stoi(address.substr(colon + 1))},
                        {"controller", false},
                        {"up", false}});
    }
    return {{"brokers", list}};
}

nlohmann::json topics_json(const std::vector<TopicOffsets>& topics) {
    auto list = nlohmann::json::array();
    for (const auto& [info, marks] : topics) {
        list.push_back({{"name", info.name},
                        {"partitions", info.partitions.size()},
                        {"replication_factor", info.replication_factor()},
                        {"messages", marks ? nlohmann::json(messages_held(*marks)) : nullptr},
                        // librdkafka 2.0.2 has no DescribeLogDirs: sizes are not known.
                        {"size_bytes", nullptr},
                        {"under_replicated", under_replicated(info)},
                        {"internal", info.name.starts_with("__")}});
    }
    return {{"topics", list}};
}

nlohmann::json topic_json(const TopicOffsets& topic,
                          const std::map<std::string, std::string>& configs) {
    auto partitions = nlohmann::json::array();
    for (const auto& partition : topic.info.partitions) {
        const auto marks = topic.marks ? topic.marks->at(partition.id) : kafka::Watermarks{};
        partitions.push_back({{"partition", partition.id},
                              {"leader", partition.leader},
                              {"replicas", partition.replicas},
                              {"isr", partition.isr},
                              {"start_offset", marks.low},
                              {"end_offset", marks.high},
                              {"messages", marks.high - marks.low}});
    }
    return {{"name", topic.info.name},
            {"replication_factor", topic.info.replication_factor()},
            {"partitions", partitions},
            {"config", configs}};
}

nlohmann::json group_summary_json(const std::string& id, const GroupSnapshot& group) {
    const auto totals = lag_totals(group.lags);
    return {{"group", id},
            {"state", group.description.state},
            {"members", group.description.members.size()},
            {"lag_messages", or_null(totals.messages)},
            {"lag_seconds", or_null(totals.seconds)}};
}

nlohmann::json group_json(const std::string& id, const GroupSnapshot& group) {
    auto members = nlohmann::json::array();
    for (const auto& member : group.description.members) {
        auto assignment = nlohmann::json::array();
        for (const auto& [topic, partition] : member.assignment) {
            assignment.push_back({{"topic", topic}, {"partition", partition}});
        }
        members.push_back({{"member_id", member.member_id},
                           {"client_id", member.client_id},
                           {"host", member.host},
                           {"assignment", assignment}});
    }
    auto partitions = nlohmann::json::array();
    for (const auto& lag : group.lags) {
        partitions.push_back({{"topic", lag.topic},
                              {"partition", lag.partition},
                              {"committed_offset", or_null(lag.committed)},
                              {"end_offset", lag.end},
                              {"lag_messages", lag.lag},
                              {"lag_seconds", or_null(lag.seconds)}});
    }
    return {{"group", id},
            {"state", group.description.state},
            {"assignor", group.description.assignor},
            {"coordinator", group.description.coordinator},
            {"members", members},
            {"partitions", partitions}};
}

nlohmann::json with_group_role(nlohmann::json group, const std::string& registry_group) {
    const bool election = group.value("group", "") == registry_group;
    group["role"] = election ? "registry-election" : "consumer";
    if (!election) {
        return group;
    }
    const auto drop_lag = [](nlohmann::json& figures) {
        for (const auto* key : {"lag_messages", "lag_seconds"}) {
            if (figures.contains(key)) {
                figures[key] = nullptr;
            }
        }
    };
    drop_lag(group);
    if (group.contains("partitions")) {
        for (auto& partition : group["partitions"]) {
            drop_lag(partition);
        }
    }
    return group;
}

}  // namespace orderflow::console
