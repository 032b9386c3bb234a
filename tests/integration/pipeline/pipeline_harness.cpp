#include "integration/pipeline/pipeline_harness.h"

#include "common/settings.h"
#include "kafka/clients.h"
#include "kafka/presets.h"
#include "redis/connection.h"
#include "redis/key_names.h"
#include "redis/store_reads.h"
#include "registry_client/registry_client.h"

#include <httplib.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace orderflow::test {
namespace {

/// The shared stack's cluster, or `bootstrap`.
kafka::ClientSettings client(const std::string& bootstrap = "") {
    kafka::ClientSettings settings;
    settings.bootstrap_servers = bootstrap.empty() ? shared_stack().bootstrap_servers : bootstrap;
    settings.client_id = "orderflow-test";
    return settings;
}

redis::Connection& redis_connection() {
    static redis::Connection connection(
        redis::parse_redis_url("REDIS_URL", shared_stack().redis_url));
    return connection;
}

}  // namespace

RegistryProcess::RegistryProcess(const std::map<std::string, std::string>& extra) {
    const char* external = std::getenv("ORDERFLOW_TEST_REGISTRY_URL");  // NOLINT
    if (external != nullptr && extra.empty()) {
        url_ = external;
        return;
    }
    const auto port = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port);
    schemas_topic_ = unique_name("_schemas");
    std::map<std::string, std::string> env = {
        {"KAFKA_BOOTSTRAP_SERVERS", shared_stack().bootstrap_servers},
        {"REGISTRY_LISTEN", "127.0.0.1:" + std::to_string(port)},
        {"REGISTRY_TOPIC", schemas_topic_},
        {"REGISTRY_GROUP", unique_name("registry")}};
    for (const auto& [key, value] : extra) {
        env[key] = value;
    }
    const auto log = std::filesystem::temp_directory_path() / (unique_name("registry") + ".log");
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    // Started once: a registry that exits at start, or never gets ready, fails the test.
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{orderflow_binary(), "registry"}, env, log.string());
    bool exited = false;
    const bool up = wait_until(
        [&] {
            if (const auto response = client.Get("/ready"); response && response->status == 200) {
                return true;
            }
            exited = !process_->running();
            return exited;
        },
        std::chrono::seconds(60), std::chrono::milliseconds(250));
    if (!up || exited) {
        throw std::runtime_error("orderflow registry did not come up:\n" + process_->output());
    }
}

Pipeline::Pipeline(const std::string& registry) : registry_url(registry) {
    const auto name = unique_name("orders");
    topic = name;
    dlq_topic = name + ".dlq";
    auto_group = name + "-auto";
    batch_group = name + "-batch";
    work_dir = (std::filesystem::temp_directory_path() / name).string();
    std::filesystem::create_directories(work_dir);
}

std::map<std::string, std::string> Pipeline::env(
    const std::map<std::string, std::string>& extra) const {
    std::map<std::string, std::string> result = {
        {"KAFKA_BOOTSTRAP_SERVERS", shared_stack().bootstrap_servers},
        {"REDIS_URL", shared_stack().redis_url},
        {"SCHEMA_REGISTRY_URL", registry_url},
        {"ORDERS_TOPIC", topic},
        {"DLQ_TOPIC", dlq_topic},
        {"AUDIT_GROUPS", auto_group + "," + batch_group},
        {"FAILED_ORDERS_FILE", work_dir + "/failed-orders.jsonl"},
        {"ORDERFLOW_ENV_FILE", work_dir + "/no.env"},
        {"LOG_LEVEL", "info"}};
    for (const auto& [key, value] : extra) {
        result[key] = value;
    }
    return result;
}

CommandResult Pipeline::run(const std::string& args,
                            const std::map<std::string, std::string>& extra) const {
    return run_orderflow(args, env(extra));
}

std::unique_ptr<ChildProcess> Pipeline::start_consumer(
    bool auto_commit,
    const std::map<std::string, std::string>& extra,
    const std::string& log_name) const {
    auto variables = env({{"AUTO_COMMIT", auto_commit ? "true" : "false"},
                          {"CONSUMER_GROUP", auto_commit ? auto_group : batch_group}});
    for (const auto& [key, value] : extra) {
        variables[key] = value;
    }
    const auto log =
        work_dir + "/" +
        (log_name.empty() ? (auto_commit ? "consumer-auto" : "consumer-batch") : log_name) + ".log";
    return std::make_unique<ChildProcess>(std::vector<std::string>{orderflow_binary(), "consume"},
                                          variables, log);
}

CommandResult Pipeline::audit_until_clean(std::chrono::milliseconds timeout,
                                          const std::map<std::string, std::string>& extra) const {
    CommandResult last;
    wait_until(
        [&] {
            last = run("audit --timeout 20s", extra);
            return last.exit_code == 0;
        },
        timeout, std::chrono::milliseconds(1000));
    return last;
}

std::pair<std::int32_t, std::int64_t> produce_raw(const std::string& topic,
                                                  const std::string& key,
                                                  const std::string& value) {
    class Report : public RdKafka::DeliveryReportCb {
    public:
        void dr_cb(RdKafka::Message& message) override {
            error = message.err();
            partition = message.partition();
            offset = message.offset();
        }
        RdKafka::ErrorCode error = RdKafka::ERR__FAIL;
        std::int32_t partition = -1;
        std::int64_t offset = -1;
    } report;
    const auto producer =
        kafka::make_cpp_producer(client(), {{"acks", "all"}, {"partitioner", "murmur2_random"}},
                                 "a test producer", {.delivery = &report});
    const auto code = producer->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, nullptr);
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("produce: " + RdKafka::err2str(code));
    }
    producer->flush(15000);
    if (report.error != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("delivery: " + RdKafka::err2str(report.error));
    }
    return {report.partition, report.offset};
}

std::vector<RawMessage> read_topic(const std::string& topic,
                                   std::size_t expected,
                                   std::chrono::milliseconds timeout) {
    // A broker that has not heard of a topic created a moment ago may call it missing; without
    // a short refresh the subscription would wait the default 5 minutes to ask again.
    const auto consumer = kafka::make_cpp_consumer(client(),
                                                   {{"group.id", unique_name("reader")},
                                                    {"auto.offset.reset", "earliest"},
                                                    {"enable.auto.commit", "false"},
                                                    {"topic.metadata.refresh.interval.ms", "1000"}},
                                                   "a test reader");
    consumer->subscribe({topic});
    std::vector<RawMessage> messages;
    // A second rebalance of this one-member group (a broker that saw the topic late) starts
    // again from the earliest offset, since nothing is committed: count each position once.
    std::set<std::pair<std::int32_t, std::int64_t>> seen;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (messages.size() < expected && std::chrono::steady_clock::now() < deadline) {
        kafka::CppMessagePtr message(consumer->consume(200));
        if (message->err() != RdKafka::ERR_NO_ERROR ||
            !seen.emplace(message->partition(), message->offset()).second) {
            continue;
        }
        RawMessage raw;
        raw.partition = message->partition();
        raw.offset = message->offset();
        if (message->key() != nullptr) {
            raw.key = *message->key();
        }
        if (message->payload() != nullptr) {
            raw.value.assign(static_cast<const char*>(message->payload()), message->len());
        }
        if (const auto* headers = message->headers()) {
            for (const auto& header : headers->get_all()) {
                raw.headers[header.key()] =
                    std::string(static_cast<const char*>(header.value()), header.value_size());
            }
        }
        messages.push_back(std::move(raw));
    }
    consumer->close();
    return messages;
}

std::map<std::int32_t, std::int64_t> committed_offsets(const std::string& group,
                                                       const std::string& topic,
                                                       int partitions,
                                                       const std::string& bootstrap) {
    // A consumer that never subscribes does not join the group; it only asks the coordinator.
    const auto consumer = kafka::make_cpp_consumer(
        client(bootstrap), kafka::presets::committer(group), "a committed-offsets probe");
    kafka::CppPartitions owned;
    for (int p = 0; p < partitions; ++p) {
        owned.push_back(kafka::make_cpp_partition(topic, p));
    }
    auto list = kafka::borrow(owned);
    const auto code = consumer->committed(list, 10000);
    std::map<std::int32_t, std::int64_t> out;
    for (auto* tp : list) {
        out[tp->partition()] = tp->offset() < 0 ? -1 : tp->offset();
    }
    consumer->close();
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("committed: " + RdKafka::err2str(code));
    }
    return out;
}

std::map<std::int32_t, std::int64_t> log_end_offsets(const std::string& topic,
                                                     int partitions,
                                                     const std::string& bootstrap) {
    const auto producer = kafka::make_cpp_producer(client(bootstrap), {}, "a watermark probe");
    std::map<std::int32_t, std::int64_t> out;
    for (int p = 0; p < partitions; ++p) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        const auto code = producer->query_watermark_offsets(topic, p, &low, &high, 10000);
        if (code != RdKafka::ERR_NO_ERROR) {
            throw std::runtime_error("watermarks: " + RdKafka::err2str(code));
        }
        out[p] = high;
    }
    return out;
}

int group_coordinator(const std::string& group, const std::string& bootstrap) {
    const auto producer = kafka::make_producer(client(bootstrap), {}, "a coordinator probe");
    rd_kafka_t* rk = producer.get();
    const kafka::QueuePtr queue(rd_kafka_queue_new(rk));
    const char* groups[] = {group.c_str()};
    rd_kafka_DescribeConsumerGroups(rk, groups, 1, nullptr, queue.get());
    const kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 15000));
    if (!event || rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return -1;
    }
    const auto* result = rd_kafka_event_DescribeConsumerGroups_result(event.get());
    std::size_t count = 0;
    const auto** descriptions = rd_kafka_DescribeConsumerGroups_result_groups(result, &count);
    if (count != 1 || rd_kafka_ConsumerGroupDescription_error(descriptions[0]) != nullptr) {
        return -1;
    }
    const auto* node = rd_kafka_ConsumerGroupDescription_coordinator(descriptions[0]);
    return node == nullptr ? -1 : rd_kafka_Node_id(node);
}

std::pair<int, std::string> http_get(std::uint16_t port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    const auto response = client.Get(path.c_str());
    if (!response) {
        return {0, ""};
    }
    return {response->status, response->body};
}

double metric_value(const std::string& metrics, const std::string& series) {
    std::size_t at = 0;
    while ((at = metrics.find(series, at)) != std::string::npos) {
        if (at == 0 || metrics[at - 1] == '\n') {
            const auto space = metrics.find(' ', at + series.size());
            const auto end = metrics.find('\n', at);
            if (space != std::string::npos && space == at + series.size()) {
                return std::stod(metrics.substr(space + 1, end - space - 1));
            }
        }
        at += series.size();
    }
    return -1;
}

double consumer_metric(const std::string& metrics,
                       const std::string& name,
                       const std::string& group) {
    return metric_value(metrics, "orderflow_consumer_" + name + "{group=\"" + group + "\"}");
}

PrivateRedis::PrivateRedis(const std::string& dir) {
    const auto port = std::to_string(free_port());
    url_ = "redis://127.0.0.1:" + port + "/0";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", dir},
        std::map<std::string, std::string>{}, dir + "/redis-" + port + ".log");
    const bool up = wait_until(
        [&] {
            try {
                return command({"PING"}) == "PONG";
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds(20));
    if (!up) {
        throw std::runtime_error("redis-server did not come up:\n" + process_->output());
    }
}

std::string PrivateRedis::command(const std::vector<std::string>& args) const {
    redis::Connection connection(redis::parse_redis_url("REDIS_URL", url_));
    const auto reply = connection.command(args);
    if (reply.is_error()) {
        throw std::runtime_error("redis: " + reply.str);
    }
    return reply.str;
}

std::string redis_hget(const std::string& key, const std::string& field) {
    return redis_connection().command({"HGET", key, field}).str;
}

long long redis_hget_int(const std::string& key, const std::string& field) {
    const auto text = redis_hget(key, field);
    return text.empty() ? 0 : std::stoll(text);
}

long long redis_stat(const std::string& group, const std::string& field) {
    const auto stats = redis::group_stats(redis_connection(), group);
    if (field == "processed") {
        return stats.processed;
    }
    if (field == "duplicates_skipped") {
        return stats.duplicates_skipped;
    }
    if (field == "dead_lettered") {
        return stats.dead_lettered;
    }
    if (field == "customers") {
        return stats.customers.value_or(0);
    }
    throw std::invalid_argument("no stats field " + field);
}

std::string redis_order_key(const std::string& group, const std::string& order_id) {
    for (const auto partition : redis::group_partitions(redis_connection(), group)) {
        const auto key = redis::order_key(group, partition, order_id);
        if (redis_connection().command({"EXISTS", key}).integer == 1) {
            return key;
        }
    }
    return "";
}

std::string redis_order_field(const std::string& group,
                              const std::string& order_id,
                              const std::string& field) {
    const auto key = redis_order_key(group, order_id);
    return key.empty() ? "" : redis_connection().command({"HGET", key, field}).str;
}

long long redis_customer_int(const std::string& group,
                             const std::string& customer_id,
                             const std::string& field) {
    long long sum = 0;
    for (const auto partition : redis::group_partitions(redis_connection(), group)) {
        const auto text =
            redis_connection()
                .command({"HGET", redis::customer_key(group, partition, customer_id), field})
                .str;
        sum += text.empty() ? 0 : std::stoll(text);
    }
    return sum;
}

std::size_t redis_count_keys(const std::string& pattern) {
    std::size_t count = 0;
    std::string cursor = "0";
    do {
        const auto reply =
            redis_connection().command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        cursor = reply.elements.at(0).str;
        count += reply.elements.at(1).elements.size();
    } while (cursor != "0");
    return count;
}

}  // namespace orderflow::test
