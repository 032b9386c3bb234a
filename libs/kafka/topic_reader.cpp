#include "kafka/topic_reader.h"

#include "kafka/clients.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <memory>

namespace orderflow::kafka {
namespace {

using Clock = std::chrono::steady_clock;

/// Refills `record` in place, so a long read reuses its buffers.
void copy_out(RdKafka::Message& message, const std::string& topic, Record& record) {
    record.topic = topic;
    record.partition = message.partition();
    record.offset = message.offset();
    if (message.key() != nullptr) {
        record.key = *message.key();
    } else {
        record.key.reset();
    }
    if (message.payload() != nullptr) {
        record.value.assign(static_cast<const char*>(message.payload()), message.len());
    } else {
        record.value.clear();
    }
    const auto timestamp = message.timestamp();
    record.timestamp_ms = timestamp.timestamp;
    record.log_append_time =
        timestamp.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_LOG_APPEND_TIME;
    record.headers.clear();
    if (const auto* headers = message.headers(); headers != nullptr) {
        for (const auto& header : headers->get_all()) {
            const auto* value = static_cast<const char*>(header.value());
            record.headers.emplace_back(header.key(), value != nullptr
                                                          ? std::string(value, header.value_size())
                                                          : std::string());
        }
    }
}

std::string partition_list(const std::string& topic,
                           const std::map<std::int32_t, std::int64_t>& partitions) {
    std::string text;
    for (const auto& [p, end] : partitions) {
        text += (text.empty() ? "" : ", ") + topic + "[" + std::to_string(p) + "]";
    }
    return text;
}

CppConsumerPtr make_reader(const ClientSettings& settings, LoggingEventCb& events) {
    return make_cpp_consumer(settings,
                             presets::join({presets::reader(settings.client_id + "-reader"),
                                            {{"enable.partition.eof", "true"},
                                             // Bounded prefetch: a streaming read stays small.
                                             {"queued.max.messages.kbytes", "16384"},
                                             // A partition at its end answers an empty fetch
                                             // after this wait (default 500 ms), and the read
                                             // ends only at every partition's EOF.
                                             {"fetch.wait.max.ms", "20"}}}),
                             "a reader", {.events = &events});
}

}  // namespace

Record copy_out(RdKafka::Message& message) {
    Record record;
    copy_out(message, message.topic_name(), record);
    return record;
}

std::size_t read_topic(const ClientSettings& settings,
                       const ReadRequest& request,
                       const RecordVisitor& visit) {
    LoggingEventCb events;
    auto consumer = make_reader(settings, events);
    // partition -> where it stops (exclusive); -1 is "at its EOF".
    std::map<std::int32_t, std::int64_t> pending;
    CppPartitions assignment;
    for (const auto partition : request.partitions) {
        const auto end = request.end_offsets.find(partition);
        const auto stop = end != request.end_offsets.end() ? end->second : -1;
        const auto given = request.start_offsets.find(partition);
        const auto start = given != request.start_offsets.end()
                               ? given->second
                               : request.start_offset.value_or(RdKafka::Topic::OFFSET_BEGINNING);
        if (stop == 0 || (stop > 0 && start >= stop)) {
            continue;  // nothing below its end
        }
        if (pending.emplace(partition, stop).second) {
            assignment.push_back(make_cpp_partition(request.topic, partition, start));
        }
    }
    consumer->assign(borrow(assignment));

    Record record;
    std::size_t visited = 0;
    const auto deadline = Clock::now() + request.timeout;
    while (!pending.empty() && visited < request.limit && Clock::now() < deadline) {
        CppMessagePtr message(consumer->consume(200));
        const auto it = pending.find(message->partition());
        switch (message->err()) {
            case RdKafka::ERR_NO_ERROR:
                if (it == pending.end()) {
                    break;  // a partition already read to its end
                }
                if (it->second >= 0 && message->offset() >= it->second) {
                    pending.erase(it);  // past its end offset (the log start moved past it)
                    break;
                }
                copy_out(*message, request.topic, record);
                ++visited;
                if (it->second >= 0 && message->offset() + 1 >= it->second) {
                    pending.erase(it);
                }
                visit(record);
                break;
            case RdKafka::ERR__PARTITION_EOF:
                if (it != pending.end()) {
                    pending.erase(it);
                }
                break;
            default:
                break;  // timed out, or a transient fetch error that librdkafka retries
        }
    }
    consumer->close();
    if (!pending.empty() && visited < request.limit) {
        throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                         "could not read " + partition_list(request.topic, pending) +
                             " to its end within " + std::to_string(request.timeout.count()) +
                             " ms");
    }
    return visited;
}

std::vector<Record> read_topic(const ClientSettings& settings, const ReadRequest& request) {
    std::vector<Record> records;
    read_topic(settings, request, [&records](Record& record) { records.push_back(record); });
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        return std::pair(a.partition, a.offset) < std::pair(b.partition, b.offset);
    });
    return records;
}

}  // namespace orderflow::kafka
