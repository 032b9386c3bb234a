#include "console/cluster_snapshot.h"

#include "console/api_reply.h"
#include "kafka/kafka_error.h"
#include "kafka/topic_reader.h"
#include "orders/generator.h"

namespace orderflow::console {
namespace {

/// Enough recent record times for every lagging partition of a large cluster; past it the
/// cache starts again rather than grow without bound.
constexpr std::size_t kMaxCachedTimes = 10000;

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

ClusterSnapshot::ClusterSnapshot(const kafka::ClientSettings& admin,
                                 kafka::ClientSettings reader,
                                 std::chrono::milliseconds timeout)
    : reader_(std::move(reader)),
      timeout_(timeout),
      bootstrap_(split_list(admin.bootstrap_servers)),
      admin_(named(admin, "-admin"), timeout),
      group_admin_(named(admin, "-groups"), timeout) {}

std::vector<kafka::BrokerInfo> ClusterSnapshot::brokers() {
    return ask_admin([](kafka::AdminClient& admin) { return admin.brokers(); });
}

std::map<std::int32_t, kafka::Watermarks> ClusterSnapshot::marks_of(const kafka::TopicInfo& info) {
    return ask_groups([&info](kafka::GroupAdmin& admin) {
        std::map<std::int32_t, kafka::Watermarks> marks;
        for (const auto& partition : info.partitions) {
            marks[partition.id] = admin.watermarks(info.name, partition.id);
        }
        return marks;
    });
}

std::vector<TopicOffsets> ClusterSnapshot::topics() {
    std::vector<TopicOffsets> all;
    for (auto& info : ask_admin([](kafka::AdminClient& admin) { return admin.topics(); })) {
        TopicOffsets topic{std::move(info), std::nullopt};
        if (!topic.info.name.starts_with("__")) {
            try {
                topic.marks = marks_of(topic.info);
            } catch (const kafka::KafkaError&) {
                // a leader that does not answer (yet): counts unknown
            }
        }
        all.push_back(std::move(topic));
    }
    return all;
}

std::optional<TopicOffsets> ClusterSnapshot::topic(const std::string& name) {
    auto info =
        ask_admin([&name](kafka::AdminClient& admin) { return admin.describe_topic(name); });
    if (!info) {
        return std::nullopt;
    }
    auto marks = marks_of(*info);
    return TopicOffsets{std::move(*info), std::move(marks)};
}

std::map<std::string, std::string> ClusterSnapshot::topic_configs(const std::string& name) {
    return ask_admin([&name](kafka::AdminClient& admin) { return admin.topic_configs(name); });
}

std::map<std::int32_t, kafka::Watermarks> ClusterSnapshot::watermarks(const std::string& topic) {
    auto offsets = this->topic(topic);
    if (!offsets) {
        not_found("no topic named '" + topic + "'");
    }
    return std::move(*offsets->marks);
}

std::map<std::int32_t, std::int64_t> ClusterSnapshot::offsets_for_time(
    const std::string& topic,
    const std::vector<std::int32_t>& partitions,
    std::int64_t timestamp_ms) {
    return ask_groups([&](kafka::GroupAdmin& admin) {
        return admin.offsets_for_time(topic, partitions, timestamp_ms);
    });
}

std::vector<kafka::GroupListing> ClusterSnapshot::groups() {
    return ask_groups([](kafka::GroupAdmin& admin) { return admin.list_groups(); });
}

GroupSnapshot ClusterSnapshot::group(const std::string& id) {
    GroupSnapshot group;
    const auto committed = ask_groups([&](kafka::GroupAdmin& admin) {
        group.description = admin.describe(id);
        return admin.committed(id);
    });
    TopicWatermarks consumed;
    for (const auto& topic : consumed_topics(committed, group.description)) {
        if (auto offsets = this->topic(topic)) {
            consumed[topic] = std::move(*offsets->marks);
        }
    }
    group.lags = partition_lags(committed, consumed);
    add_lag_seconds(group.lags, record_times(oldest_unconsumed(group.lags)), orders::now_ms());
    return group;
}

std::map<RecordPosition, std::int64_t> ClusterSnapshot::record_times(
    const std::vector<RecordPosition>& positions) {
    std::map<RecordPosition, std::int64_t> found;
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
        if (times_.size() > kMaxCachedTimes) {
            times_.clear();
        }
        for (const auto& record : records) {
            const RecordPosition asked{topic, record.partition,
                                       request.start_offsets.at(record.partition)};
            times_[asked] = record.timestamp_ms;
            found[asked] = record.timestamp_ms;
        }
    }
    return found;
}

}  // namespace orderflow::console
