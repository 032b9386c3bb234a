#include "kafka/admin_client.h"

#include "common/config_error.h"
#include "kafka/admin_handles.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <memory>
#include <thread>

namespace orderflow::kafka {
namespace {

int to_ms(std::chrono::milliseconds d) {
    return static_cast<int>(d.count());
}

}  // namespace

struct AdminClient::Metadata {
    MetadataPtr data;
};

AdminClient::AdminClient(const ClientSettings& settings, std::chrono::milliseconds timeout)
    : bootstrap_servers_(settings.bootstrap_servers),
      // With a properties file, TLS or SASL may be why no broker answers.
      connection_settings_(settings.properties.path.empty()
                               ? "KAFKA_BOOTSTRAP_SERVERS"
                               : "KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES_FILE " +
                                     settings.properties.path),
      timeout_(timeout),
      handle_(make_admin_handle(settings)) {}

AdminClient::Metadata AdminClient::fetch_metadata(const std::string* topic) {
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (topic == nullptr) {
        err = rd_kafka_metadata(handle_.get(), 1, nullptr, &raw, to_ms(timeout_));
    } else {
        const auto rkt = make_topic(handle_.get(), *topic);
        err = rd_kafka_metadata(handle_.get(), 0, rkt.get(), &raw, to_ms(timeout_));
    }
    if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT ||
        err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
        throw KafkaError(err, "cannot reach any Kafka broker at " + bootstrap_servers_ +
                                  " within " + std::to_string(timeout_.count()) + " ms (" +
                                  connection_settings_ + "): " + describe(err));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError(err, "metadata request failed: " + describe(err));
    }
    return Metadata{decltype(Metadata::data)(raw)};
}

std::vector<BrokerInfo> AdminClient::brokers() {
    const auto metadata = fetch_metadata(nullptr);
    const std::int32_t controller = rd_kafka_controllerid(handle_.get(), to_ms(timeout_));
    std::vector<BrokerInfo> result;
    for (int i = 0; i < metadata.data->broker_cnt; ++i) {
        const auto& b = metadata.data->brokers[i];
        result.push_back({b.id, b.host, b.port, b.id == controller});
    }
    std::sort(result.begin(), result.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return result;
}

namespace {

TopicInfo to_topic_info(const rd_kafka_metadata_topic_t& t) {
    TopicInfo info{t.topic, {}};
    for (int p = 0; p < t.partition_cnt; ++p) {
        const auto& mp = t.partitions[p];
        PartitionInfo part{mp.id, mp.leader, {}, {}};
        part.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
        part.isr.assign(mp.isrs, mp.isrs + mp.isr_cnt);
        info.partitions.push_back(std::move(part));
    }
    std::sort(info.partitions.begin(), info.partitions.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return info;
}

}  // namespace

std::vector<TopicInfo> AdminClient::topics() {
    const auto metadata = fetch_metadata(nullptr);
    std::vector<TopicInfo> result;
    for (int i = 0; i < metadata.data->topic_cnt; ++i) {
        result.push_back(to_topic_info(metadata.data->topics[i]));
    }
    std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        const bool a_internal = a.name.starts_with("__");
        const bool b_internal = b.name.starts_with("__");
        return a_internal != b_internal ? b_internal : a.name < b.name;
    });
    return result;
}

std::optional<TopicInfo> AdminClient::describe_topic(const std::string& name) {
    const auto metadata = fetch_metadata(nullptr);
    for (int i = 0; i < metadata.data->topic_cnt; ++i) {
        const auto& t = metadata.data->topics[i];
        if (name == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_topic_info(t);
        }
    }
    return std::nullopt;
}

std::optional<TopicInfo> AdminClient::find_topic(const std::string& name,
                                                 std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    auto info = describe_topic(name);
    while (!info && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        info = describe_topic(name);
    }
    return info;
}

namespace {

std::map<std::string, std::string> describe_configs(rd_kafka_t* handle,
                                                    std::chrono::milliseconds timeout,
                                                    const std::string& name) {
    QueuePtr queue(rd_kafka_queue_new(handle));
    ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
    const auto options = admin_options(handle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
    std::array<rd_kafka_ConfigResource_t*, 1> resources{resource.get()};
    rd_kafka_DescribeConfigs(handle, resources.data(), resources.size(), options.get(),
                             queue.get());
    EventPtr event(rd_kafka_queue_poll(queue.get(), to_ms(timeout) + 5000));
    if (!event) {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                         "DescribeConfigs for " + name + " timed out");
    }
    if (const auto err = rd_kafka_event_error(event.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError(err, "DescribeConfigs for " + name + " failed: " + describe(err));
    }
    const auto* result = rd_kafka_event_DescribeConfigs_result(event.get());
    std::size_t count = 0;
    const auto* described = rd_kafka_DescribeConfigs_result_resources(result, &count);
    std::map<std::string, std::string> configs;
    for (std::size_t i = 0; i < count; ++i) {
        if (const auto err = rd_kafka_ConfigResource_error(described[i]);
            err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            throw KafkaError(err, "DescribeConfigs for " + name + " failed: " + describe(err));
        }
        std::size_t entry_count = 0;
        const auto* entries = rd_kafka_ConfigResource_configs(described[i], &entry_count);
        for (std::size_t e = 0; e < entry_count; ++e) {
            const char* value = rd_kafka_ConfigEntry_value(entries[e]);
            configs[rd_kafka_ConfigEntry_name(entries[e])] = value != nullptr ? value : "";
        }
    }
    return configs;
}

}  // namespace

std::map<std::string, std::string> AdminClient::topic_configs(const std::string& name) {
    // DescribeConfigs goes to any broker, and one that has not yet seen a topic created a
    // moment ago answers UNKNOWN_TOPIC_OR_PART: ask again until the timeout.
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
        try {
            return describe_configs(handle_.get(), timeout_, name);
        } catch (const KafkaError& e) {
            if (e.code() != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                std::chrono::steady_clock::now() >= deadline) {
                throw;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

CreateOutcome AdminClient::create_topic(const TopicSpec& spec) {
    const auto live = brokers();
    if (spec.replication_factor > static_cast<int>(live.size())) {
        throw KafkaError(RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR,
                         "cannot create " + spec.name + ": replication factor " +
                             std::to_string(spec.replication_factor) + " is larger than the " +
                             std::to_string(live.size()) + " live broker(s)");
    }
    std::array<char, 512> error{};
    NewTopicPtr topic(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                            spec.replication_factor, error.data(), error.size()));
    if (!topic) {
        throw KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG,
                         "cannot create " + spec.name + ": " + error.data());
    }
    for (const auto& [key, value] : spec.configs) {
        if (const auto err = rd_kafka_NewTopic_set_config(topic.get(), key.c_str(), value.c_str());
            err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            throw KafkaError(err, "cannot set " + key + "=" + value + ": " + describe(err));
        }
    }
    QueuePtr queue(rd_kafka_queue_new(handle_.get()));
    const auto options = admin_options(handle_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_);
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), to_ms(timeout_), error.data(),
                                                error.size());
    std::array<rd_kafka_NewTopic_t*, 1> topics{topic.get()};
    rd_kafka_CreateTopics(handle_.get(), topics.data(), topics.size(), options.get(), queue.get());
    EventPtr event(rd_kafka_queue_poll(queue.get(), to_ms(timeout_) + 5000));
    if (!event) {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, "creating " + spec.name + " timed out");
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
    std::string message = err != RD_KAFKA_RESP_ERR_NO_ERROR ? describe(err) : "";
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const auto* result = rd_kafka_event_CreateTopics_result(event.get());
        std::size_t count = 0;
        const auto* results = rd_kafka_CreateTopics_result_topics(result, &count);
        if (count == 1) {
            err = rd_kafka_topic_result_error(results[0]);
            const char* text = rd_kafka_topic_result_error_string(results[0]);
            message = describe(err) + (text != nullptr ? std::string(": ") + text : "");
        }
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return CreateOutcome::kCreated;
    }
    if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        throw KafkaError(err, "cannot create " + spec.name + ": " + message);
    }
    // Metadata comes from any broker and one may not know a just-created topic yet: wait for a
    // description before comparing, or a mismatch would pass unseen.
    const auto existing = find_topic(spec.name, timeout_);
    if (!existing) {
        throw KafkaError(
            err, "topic " + spec.name + " exists but no broker described it within the timeout");
    }
    if (static_cast<int>(existing->partitions.size()) != spec.partitions) {
        throw KafkaError(err, "topic " + spec.name + " exists with " +
                                  std::to_string(existing->partitions.size()) +
                                  " partitions, not " + std::to_string(spec.partitions));
    }
    if (existing->replication_factor() != spec.replication_factor) {
        throw KafkaError(err, "topic " + spec.name + " exists with replication factor " +
                                  std::to_string(existing->replication_factor()) + ", not " +
                                  std::to_string(spec.replication_factor));
    }
    return CreateOutcome::kAlreadyExists;
}

}  // namespace orderflow::kafka
