#include "integration/secure_kafka/secure_clients.h"

#include "kafka/acked_producer.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"
#include "support/secure_stack.h"
#include "support/test_support.h"

#include <fstream>
#include <sstream>

namespace orderflow::test {
namespace {

constexpr auto kPatience = std::chrono::seconds(30);

// What the callbacks of one client saw; the client's opaque.
struct Seen {
    Outcome first_error;
};

void on_error(rd_kafka_t*, int code, const char* reason, void* opaque) {
    auto* seen = static_cast<Seen*>(opaque);
    if (seen->first_error.code == RD_KAFKA_RESP_ERR_NO_ERROR) {
        seen->first_error = {static_cast<rd_kafka_resp_err_t>(code), reason};
    }
}

kafka::CCallbacks callbacks_into(Seen& seen) {
    kafka::CCallbacks callbacks;
    callbacks.error = on_error;
    callbacks.opaque = &seen;
    return callbacks;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

Outcome produce_one(const kafka::ClientSettings& settings,
                    const std::string& topic,
                    const std::string& key,
                    Idempotent idempotent,
                    std::chrono::milliseconds patience) {
    auto producer_settings = settings;
    if (idempotent == Idempotent::kNo) {
        producer_settings.extra.emplace_back("enable.idempotence", "false");
    }
    try {
        kafka::produce_acknowledged(producer_settings,
                                    {{topic, key, R"({"test":")" + key + R"("})", {}}}, patience,
                                    [&](std::size_t) { return key + " to " + topic; });
        return {};
    } catch (const kafka::KafkaError& e) {
        return {e.code(), e.what()};
    }
}

Outcome read_until_key(const kafka::ClientSettings& settings,
                       const std::string& topic,
                       const std::string& key,
                       const ReadAs& as) {
    Seen seen;
    auto consumer = kafka::make_consumer(settings,
                                         {{"group.id", as.group},
                                          {"auto.offset.reset", "earliest"},
                                          {"enable.auto.commit", "false"}},
                                         "the test consumer", callbacks_into(seen));
    kafka::PartitionListPtr partitions(rd_kafka_topic_partition_list_new(as.partitions));
    if (as.subscribe) {
        rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
        rd_kafka_subscribe(consumer.get(), partitions.get());
    } else {
        for (int p = 0; p < as.partitions; ++p) {
            rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), p)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
        }
        rd_kafka_assign(consumer.get(), partitions.get());
    }
    Outcome outcome{RD_KAFKA_RESP_ERR__TIMED_OUT, "no record with key " + key};
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
        kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 200));
        if (!message) {
            continue;
        }
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            // assign() joins no group, but librdkafka still looks up the group's coordinator and
            // reports when that lookup is denied: it says nothing about reading the topic.
            if (!as.subscribe && message->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
                continue;
            }
            outcome = {message->err, rd_kafka_message_errstr(message.get())};
            break;
        }
        const std::string record_key(static_cast<const char*>(message->key), message->key_len);
        if (record_key == key) {
            outcome = {RD_KAFKA_RESP_ERR_NO_ERROR, ""};
            if (as.subscribe) {
                const auto err = rd_kafka_commit_message(consumer.get(), message.get(), 0);
                outcome = {err, rd_kafka_err2str(err)};
            }
            break;
        }
    }
    rd_kafka_consumer_close(consumer.get());
    return outcome;
}

Outcome fetch_metadata(const kafka::ClientSettings& settings, std::chrono::milliseconds timeout) {
    Seen seen;
    auto client = kafka::make_producer(settings, {}, "the test client", callbacks_into(seen));
    const rd_kafka_metadata_t* metadata = nullptr;
    const auto err =
        rd_kafka_metadata(client.get(), 0, nullptr, &metadata, static_cast<int>(timeout.count()));
    kafka::MetadataPtr owned(metadata);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {};
    }
    rd_kafka_poll(client.get(), 0);  // serves the error callback
    if (seen.first_error.code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return seen.first_error;
    }
    return {err, rd_kafka_err2str(err)};
}

namespace {

bool node_log_has(const std::string& log_name, const std::vector<std::string>& parts) {
    return wait_until(
        [&] {
            for (int node = 1; node <= 3; ++node) {
                std::istringstream lines(read_text(secure_stack().kafka_dir + "/logs/kafka-" +
                                                   std::to_string(node) + "/" + log_name));
                std::string line;
                while (std::getline(lines, line)) {
                    bool all = true;
                    for (const auto& part : parts) {
                        all = all && line.find(part) != std::string::npos;
                    }
                    if (all) {
                        return true;
                    }
                }
            }
            return false;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(250));
}

}  // namespace

bool authorizer_logged(const std::vector<std::string>& parts) {
    return node_log_has("kafka-authorizer.log", parts);
}

bool server_logged(const std::vector<std::string>& parts) {
    return node_log_has("server.log", parts);
}

}  // namespace orderflow::test
