#include "console/kafka_view.h"

#include "console/api_reply.h"
#include "kafka/kafka_error.h"
#include "kafka/topic_reader.h"
#include "orders/generator.h"

#include <algorithm>
#include <set>

namespace orderflow::console {
namespace {

using Position = std::tuple<std::string, std::int32_t, std::int64_t>;

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        items.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return items;
}

kafka::ClientSettings named(kafka::ClientSettings settings, const std::string& suffix) {
    settings.client_id += suffix;
    return settings;
}

}  // namespace

KafkaView::KafkaView(const kafka::ClientSettings& admin,
                     kafka::ClientSettings reader,
                     std::chrono::milliseconds timeout)
    : reader_(std::move(reader)),
      timeout_(timeout),
      bootstrap_(split_list(admin.bootstrap_servers)),
      admin_(named(admin, "-admin"), timeout),
      group_admin_(named(admin, "-groups"), timeout) {}

nlohmann::json KafkaView::brokers() {
    std::vector<kafka::BrokerInfo> known;
    {
        std::lock_guard lock(admin_mutex_);
        known = admin_.brokers();
    }
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
    for (const auto& address : bootstrap_) {
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

std::optional<std::int64_t> KafkaView::message_count(const std::string& topic) {
    std::optional<kafka::TopicInfo> info;
    {
        std::lock_guard lock(admin_mutex_);
        info = admin_.describe_topic(topic);
    }
    if (!info) {
        return std::nullopt;
    }
    std::int64_t count = 0;
    std::lock_guard lock(groups_mutex_);
    for (const auto& partition : info->partitions) {
        const auto marks = group_admin_.watermarks(topic, partition.id);
        count += marks.high - marks.low;
    }
    return count;
}

nlohmann::json KafkaView::topics() {
    std::vector<kafka::TopicInfo> all;
    {
        std::lock_guard lock(admin_mutex_);
        all = admin_.topics();
    }
    auto list = nlohmann::json::array();
    std::lock_guard lock(groups_mutex_);
    for (const auto& topic : all) {
        const bool internal = topic.name.starts_with("__");
        bool under_replicated = false;
        nlohmann::json messages = nullptr;
        std::int64_t count = 0;
        for (const auto& partition : topic.partitions) {
            under_replicated = under_replicated || partition.isr.size() < partition.replicas.size();
            if (!internal && count >= 0) {
                try {
                    const auto marks = group_admin_.watermarks(topic.name, partition.id);
                    count += marks.high - marks.low;
                } catch (const kafka::KafkaError&) {
                    count = -1;  // a leader that does not answer (yet): count unknown
                }
            }
        }
        if (!internal && count >= 0) {
            messages = count;
        }
        list.push_back({{"name", topic.name},
                        {"partitions", topic.partitions.size()},
                        {"replication_factor", topic.replication_factor()},
                        {"messages", messages},
                        // librdkafka 2.0.2 has no DescribeLogDirs: sizes are not known.
                        {"size_bytes", nullptr},
                        {"under_replicated", under_replicated},
                        {"internal", internal}});
    }
    return {{"topics", list}};
}

nlohmann::json KafkaView::topic(const std::string& name) {
    std::optional<kafka::TopicInfo> info;
    std::map<std::string, std::string> configs;
    {
        std::lock_guard lock(admin_mutex_);
        info = admin_.describe_topic(name);
        if (!info) {
            not_found("no topic named '" + name + "'");
        }
        configs = admin_.topic_configs(name);
    }
    auto partitions = nlohmann::json::array();
    std::lock_guard lock(groups_mutex_);
    for (const auto& partition : info->partitions) {
        const auto marks = group_admin_.watermarks(name, partition.id);
        partitions.push_back({{"partition", partition.id},
                              {"leader", partition.leader},
                              {"replicas", partition.replicas},
                              {"isr", partition.isr},
                              {"start_offset", marks.low},
                              {"end_offset", marks.high},
                              {"messages", marks.high - marks.low}});
    }
    return {{"name", name},
            {"replication_factor", info->replication_factor()},
            {"partitions", partitions},
            {"config", configs}};
}

std::map<std::int32_t, kafka::Watermarks> KafkaView::watermarks(const std::string& topic) {
    std::optional<kafka::TopicInfo> info;
    {
        std::lock_guard lock(admin_mutex_);
        info = admin_.describe_topic(topic);
    }
    if (!info) {
        not_found("no topic named '" + topic + "'");
    }
    std::map<std::int32_t, kafka::Watermarks> marks;
    std::lock_guard lock(groups_mutex_);
    for (const auto& partition : info->partitions) {
        marks[partition.id] = group_admin_.watermarks(topic, partition.id);
    }
    return marks;
}

std::map<std::int32_t, std::int64_t> KafkaView::offsets_for_time(
    const std::string& topic,
    const std::vector<std::int32_t>& partitions,
    std::int64_t timestamp_ms) {
    std::lock_guard lock(groups_mutex_);
    return group_admin_.offsets_for_time(topic, partitions, timestamp_ms);
}

std::map<Position, std::int64_t> KafkaView::record_times(const std::vector<Position>& positions) {
    std::map<Position, std::int64_t> found;
    std::map<std::string, kafka::ReadRequest> requests;
    {
        std::lock_guard lock(times_mutex_);
        for (const auto& position : positions) {
            if (const auto it = times_.find(position); it != times_.end()) {
                found[position] = it->second;
                continue;
            }
            const auto& [topic, partition, offset] = position;
            auto& request = requests[topic];
            request.topic = topic;
            request.partitions.push_back(partition);
            request.start_offsets[partition] = offset;
            request.end_offsets[partition] = offset + 1;
            request.limit = request.partitions.size();
            request.timeout = timeout_;
        }
    }
    for (const auto& [topic, request] : requests) {
        std::vector<kafka::Record> records;
        try {
            records = kafka::read_topic(reader_, request);
        } catch (const std::exception&) {
            continue;  // lag in seconds unknown this time
        }
        std::lock_guard lock(times_mutex_);
        if (times_.size() > 10000) {
            times_.clear();
        }
        for (const auto& record : records) {
            const Position asked{topic, record.partition,
                                 request.start_offsets.at(record.partition)};
            times_[asked] = record.timestamp_ms;
            found[asked] = record.timestamp_ms;
        }
    }
    return found;
}

std::vector<KafkaView::PartitionLag> KafkaView::partition_lags(
    const std::string& group, const kafka::GroupDescription& description) {
    std::map<kafka::TopicPartitionId, std::int64_t> committed;
    {
        std::lock_guard lock(groups_mutex_);
        committed = group_admin_.committed(group);
    }
    // Every partition of the topics the group consumes (assigned or committed), so a
    // partition it has not committed yet shows with committed_offset null.
    std::set<std::string> topics;
    for (const auto& [where, offset] : committed) {
        topics.insert(where.first);
    }
    for (const auto& member : description.members) {
        for (const auto& [topic, partition] : member.assignment) {
            topics.insert(topic);
        }
    }
    std::vector<kafka::TopicPartitionId> partitions;
    for (const auto& topic : topics) {
        std::optional<kafka::TopicInfo> info;
        {
            std::lock_guard lock(admin_mutex_);
            info = admin_.describe_topic(topic);
        }
        for (const auto& partition :
             info ? info->partitions : std::vector<kafka::PartitionInfo>{}) {
            partitions.emplace_back(topic, partition.id);
        }
    }
    std::vector<PartitionLag> lags;
    {
        std::lock_guard lock(groups_mutex_);
        for (const auto& where : partitions) {
            PartitionLag lag;
            lag.topic = where.first;
            lag.partition = where.second;
            if (const auto it = committed.find(where); it != committed.end() && it->second >= 0) {
                lag.committed = it->second;
            }
            const auto marks = group_admin_.watermarks(where.first, where.second);
            lag.end = marks.high;
            const auto from = lag.committed.value_or(marks.low);
            lag.lag = std::max<std::int64_t>(0, marks.high - std::max(from, marks.low));
            lags.push_back(lag);
        }
    }
    std::vector<Position> lagging;
    for (const auto& lag : lags) {
        if (lag.lag > 0) {
            lagging.emplace_back(lag.topic, lag.partition,
                                 lag.end - lag.lag);  // the oldest unconsumed record
        }
    }
    const auto times = record_times(lagging);
    const auto now = orders::now_ms();
    for (auto& lag : lags) {
        if (lag.lag == 0) {
            lag.seconds = 0.0;
            continue;
        }
        const auto it = times.find({lag.topic, lag.partition, lag.end - lag.lag});
        if (it != times.end()) {
            lag.seconds = std::max(0.0, static_cast<double>(now - it->second) / 1000.0);
        }
    }
    return lags;
}

nlohmann::json KafkaView::group_summary(const std::string& id) {
    kafka::GroupDescription description;
    {
        std::lock_guard lock(groups_mutex_);
        description = group_admin_.describe(id);
    }
    const auto lags = partition_lags(id, description);
    std::int64_t messages = 0;
    double seconds = 0.0;
    bool seconds_known = true;
    for (const auto& lag : lags) {
        messages += lag.lag;
        seconds_known = seconds_known && lag.seconds.has_value();
        seconds = std::max(seconds, lag.seconds.value_or(0.0));
    }
    return {{"group", id},
            {"state", description.state},
            {"members", description.members.size()},
            {"lag_messages", lags.empty() ? nlohmann::json(nullptr) : nlohmann::json(messages)},
            {"lag_seconds",
             lags.empty() || !seconds_known ? nlohmann::json(nullptr) : nlohmann::json(seconds)}};
}

nlohmann::json KafkaView::groups() {
    std::vector<kafka::GroupListing> listings;
    {
        std::lock_guard lock(groups_mutex_);
        listings = group_admin_.list_groups();
    }
    auto list = nlohmann::json::array();
    for (const auto& listing : listings) {
        list.push_back(group_summary(listing.id));
    }
    return {{"groups", list}};
}

nlohmann::json KafkaView::group(const std::string& id) {
    kafka::GroupDescription description;
    {
        std::lock_guard lock(groups_mutex_);
        description = group_admin_.describe(id);
    }
    const auto lags = partition_lags(id, description);
    if (description.state == "Dead" && lags.empty()) {
        not_found("no consumer group named '" + id + "'");
    }
    auto members = nlohmann::json::array();
    for (const auto& member : description.members) {
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
    for (const auto& lag : lags) {
        partitions.push_back(
            {{"topic", lag.topic},
             {"partition", lag.partition},
             {"committed_offset", lag.committed ? nlohmann::json(*lag.committed) : nullptr},
             {"end_offset", lag.end},
             {"lag_messages", lag.lag},
             {"lag_seconds", lag.seconds ? nlohmann::json(*lag.seconds) : nullptr}});
    }
    return {{"group", id},
            {"state", description.state},
            {"assignor", description.assignor},
            {"coordinator", description.coordinator},
            {"members", members},
            {"partitions", partitions}};
}

}  // namespace orderflow::console
