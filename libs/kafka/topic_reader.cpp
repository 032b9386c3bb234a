#include "kafka/topic_reader.h"

#include "common/config_error.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <memory>
#include <set>

namespace orderflow::kafka {
namespace {

using Clock = std::chrono::steady_clock;

std::string partition_list(const std::string& topic, const std::set<std::int32_t>& partitions) {
    std::string text;
    for (const auto p : partitions) {
        text += (text.empty() ? "" : ", ") + topic + "[" + std::to_string(p) + "]";
    }
    return text;
}

}  // namespace

Record copy_out(RdKafka::Message& message) {
    Record record;
    record.topic = message.topic_name();
    record.partition = message.partition();
    record.offset = message.offset();
    if (message.key() != nullptr) {
        record.key = *message.key();
    }
    if (message.payload() != nullptr) {
        record.value.assign(static_cast<const char*>(message.payload()), message.len());
    }
    record.timestamp_ms = message.timestamp().timestamp;
    if (const auto* headers = message.headers(); headers != nullptr) {
        for (const auto& header : headers->get_all()) {
            const auto* value = static_cast<const char*>(header.value());
            record.headers.emplace_back(header.key(), value != nullptr
                                                          ? std::string(value, header.value_size())
                                                          : std::string());
        }
    }
    return record;
}

std::optional<std::string> Record::header(const std::string& name) const {
    const auto it = std::find_if(headers.begin(), headers.end(),
                                 [&name](const auto& h) { return h.first == name; });
    return it != headers.end() ? std::optional(it->second) : std::nullopt;
}

std::vector<Record> read_topic(const ClientSettings& settings, const ReadRequest& request) {
    // The C++ consumer needs a group.id, but assign() never joins it and nothing is committed.
    auto conf = make_cpp_conf(settings, {{"group.id", settings.client_id + "-reader"},
                                         {"enable.auto.commit", "false"},
                                         {"enable.auto.offset.store", "false"},
                                         {"enable.partition.eof", "true"}});
    LoggingEventCb events;
    std::string error;
    conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), error);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create a reader: " + error);
    }
    std::vector<RdKafka::TopicPartition*> assignment;
    std::set<std::int32_t> pending;
    for (const auto partition : request.partitions) {
        const auto given = request.start_offsets.find(partition);
        const auto start = given != request.start_offsets.end()
                               ? given->second
                               : request.start_offset.value_or(RdKafka::Topic::OFFSET_BEGINNING);
        const auto end = request.end_offsets.find(partition);
        if (end != request.end_offsets.end() && start >= 0 && start >= end->second) {
            continue;  // nothing to read there
        }
        pending.insert(partition);
        assignment.push_back(RdKafka::TopicPartition::create(request.topic, partition, start));
    }
    if (pending.empty()) {
        consumer->close();
        return {};
    }
    consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    const auto reached_end = [&request](const RdKafka::Message& message) {
        const auto end = request.end_offsets.find(message.partition());
        return end != request.end_offsets.end() && message.offset() + 1 >= end->second;
    };

    std::vector<Record> records;
    const auto deadline = Clock::now() + request.timeout;
    while (!pending.empty() && records.size() < request.limit && Clock::now() < deadline) {
        std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
        switch (message->err()) {
            case RdKafka::ERR_NO_ERROR:
                if (pending.contains(message->partition())) {
                    records.push_back(copy_out(*message));
                    if (reached_end(*message)) {
                        pending.erase(message->partition());
                    }
                }
                break;
            case RdKafka::ERR__PARTITION_EOF:
                pending.erase(message->partition());
                break;
            default:
                break;  // timed out, or a transient fetch error that librdkafka retries
        }
    }
    consumer->close();
    if (!pending.empty() && records.size() < request.limit) {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                         "could not read " + partition_list(request.topic, pending) +
                             " to its end within " + std::to_string(request.timeout.count()) +
                             " ms");
    }
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        return std::pair(a.partition, a.offset) < std::pair(b.partition, b.offset);
    });
    return records;
}

}  // namespace orderflow::kafka
