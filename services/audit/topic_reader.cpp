#include "audit/topic_reader.h"

#include "common/config_error.h"
#include "kafka/admin_client.h"
#include "kafka/cpp_config.h"

#include <memory>

namespace orderflow::audit {
namespace {

constexpr int kQueryTimeoutMs = 10000;

std::unique_ptr<RdKafka::KafkaConsumer> make_consumer(const pipeline::PipelineSettings& settings,
                                                      const std::string& group,
                                                      kafka::LoggingEventCb& events) {
    auto client = settings.kafka;
    client.client_id = "orderflow-audit";
    auto conf = kafka::make_cpp_conf(client, {{"group.id", group},
                                              {"enable.auto.commit", "false"},
                                              {"enable.auto.offset.store", "false"},
                                              {"enable.partition.eof", "false"},
                                              // Bounded prefetch: the audit's memory is the index.
                                              {"queued.max.messages.kbytes", "16384"}});
    std::string error;
    conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), error);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create a consumer: " + error);
    }
    return consumer;
}

/// (log start, log end) of one partition.
std::pair<std::int64_t, std::int64_t> watermarks(RdKafka::KafkaConsumer& reader,
                                                 const std::string& topic,
                                                 std::int32_t partition) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const auto code =
        reader.query_watermark_offsets(topic, partition, &low, &high, kQueryTimeoutMs);
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("cannot read the offsets of " + topic + "[" +
                                 std::to_string(partition) + "]: " + RdKafka::err2str(code));
    }
    return {low, high};
}

}  // namespace

std::optional<std::vector<std::int32_t>> topic_partitions(
    const pipeline::PipelineSettings& settings, const std::string& topic) {
    auto admin_settings = settings.kafka;
    admin_settings.client_id = "orderflow-audit-admin";
    kafka::AdminClient admin(admin_settings);
    const auto info = admin.describe_topic(topic);
    if (!info) {
        return std::nullopt;
    }
    std::vector<std::int32_t> partitions;
    for (const auto& p : info->partitions) {
        partitions.push_back(p.id);
    }
    return partitions;
}

std::map<std::int32_t, std::int64_t> committed_offsets(
    const pipeline::PipelineSettings& settings,
    const std::string& group,
    const std::string& topic,
    const std::vector<std::int32_t>& partitions) {
    kafka::LoggingEventCb events;
    auto reader = make_consumer(settings, group, events);
    std::vector<RdKafka::TopicPartition*> list;
    for (const auto partition : partitions) {
        list.push_back(RdKafka::TopicPartition::create(topic, partition));
    }
    const auto code = reader->committed(list, kQueryTimeoutMs);
    std::map<std::int32_t, std::int64_t> committed;
    for (const auto* tp : list) {
        committed[tp->partition()] = std::max<std::int64_t>(tp->offset(), 0);
    }
    RdKafka::TopicPartition::destroy(list);
    reader->close();
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("cannot read the committed offsets of group " + group + ": " +
                                 RdKafka::err2str(code));
    }
    return committed;
}

std::map<std::int32_t, std::int64_t> log_ends(const pipeline::PipelineSettings& settings,
                                              const std::string& topic,
                                              const std::vector<std::int32_t>& partitions) {
    kafka::LoggingEventCb events;
    auto reader = make_consumer(settings, "orderflow-audit", events);
    std::map<std::int32_t, std::int64_t> ends;
    for (const auto partition : partitions) {
        ends[partition] = watermarks(*reader, topic, partition).second;
    }
    reader->close();
    return ends;
}

void read_below(const pipeline::PipelineSettings& settings,
                const std::string& topic,
                const std::map<std::int32_t, std::int64_t>& ends,
                std::chrono::steady_clock::time_point deadline,
                const std::function<void(RdKafka::Message&)>& visit) {
    kafka::LoggingEventCb events;
    auto reader = make_consumer(settings, "orderflow-audit", events);
    std::vector<RdKafka::TopicPartition*> assignment;
    std::map<std::int32_t, std::int64_t> pending;  // partition -> end still to reach
    for (const auto& [partition, end] : ends) {
        const auto low = watermarks(*reader, topic, partition).first;
        if (end > low) {
            assignment.push_back(RdKafka::TopicPartition::create(topic, partition, low));
            pending[partition] = end;
        }
    }
    reader->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
        std::unique_ptr<RdKafka::Message> message(reader->consume(500));
        if (message->err() != RdKafka::ERR_NO_ERROR) {
            continue;
        }
        const auto it = pending.find(message->partition());
        if (it == pending.end() || message->offset() >= it->second) {
            continue;  // past the cut
        }
        visit(*message);
        if (message->offset() + 1 >= it->second) {
            pending.erase(it);
        }
    }
    reader->close();
    if (!pending.empty()) {
        throw std::runtime_error("could not read " + topic + " up to the cut within AUDIT_TIMEOUT");
    }
}

std::optional<std::string> header(RdKafka::Message& message, const std::string& name) {
    const auto* headers = message.headers();
    if (headers == nullptr) {
        return std::nullopt;
    }
    for (const auto& h : headers->get(name)) {
        if (h.value() != nullptr) {
            return std::string(static_cast<const char*>(h.value()), h.value_size());
        }
    }
    return std::nullopt;
}

}  // namespace orderflow::audit
