#include "consumer/consumer_command.h"

#include "common/config_error.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "consumer/consumer_loop.h"
#include "consumer/dead_letter.h"
#include "consumer/redis_offset_seek.h"
#include "consumer/redis_order_sink.h"
#include "kafka/admin_client.h"
#include "pipeline/topics.h"
#include "redis/acl_denial.h"
#include "redis/order_store.h"
#include "redis_cluster/open_client.h"
#include "serde/order_decoder.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace orderflow::consumer {
namespace {

// Failpoint decode-throws:KEY: the robustness tests' stand-in for a decoder bug.
class FailpointDecoder : public serde::MessageDecoder {
public:
    FailpointDecoder(serde::MessageDecoder& inner, std::string key)
        : inner_(inner), key_(std::move(key)) {}
    Decoded decode(const InboundMessage& message) override {
        if (!key_.empty() && message.key == key_) {
            throw std::logic_error("failpoint decode-throws: key " + key_);
        }
        return inner_.decode(message);
    }

private:
    serde::MessageDecoder& inner_;
    std::string key_;
};

std::unique_ptr<redis::Client> connect_redis(const ConsumerSettings& settings) {
    try {
        auto connection = redis_cluster::open_client(settings.redis, settings.redis_timeout);
        const redis::Command ping = {"PING"};
        if (const auto pong = connection->command(ping); pong.is_error()) {
            redis::throw_reply_error(*connection, "PING", ping, pong);
        }
        return connection;
    } catch (const redis::RedisError& e) {
        throw common::ConfigError("REDIS_URL", e.what());
    }
}

}  // namespace

int run_consumer(const ConsumerSettings& settings) {
    common::install_stop_handlers();
    auto connection = connect_redis(settings);
    {
        auto admin_settings = settings.pipeline.kafka;
        admin_settings.client_id = "orderflow-consumer-admin";
        kafka::AdminClient admin(admin_settings);
        pipeline::ensure_topic(admin, settings.pipeline.topic, pipeline::kOrdersPartitions);
        pipeline::ensure_topic(admin, settings.pipeline.dlq_topic, pipeline::kDlqPartitions);
    }
    auto registry = pipeline::connect_registry(settings.pipeline, settings.pipeline.subject());

    redis::OrderStore store(*connection, settings.group);
    RedisOrderSink redis_sink(store, e2e_latency_histogram(settings.group));
    if (settings.mode == CommitMode::kBatch) {  // beside batch_held: "7 of 10 held"
        metrics::default_registry()
            .gauge("orderflow_consumer_batch_size", "BATCH_SIZE: messages per batch",
                   {{"group", settings.group}})
            .set(static_cast<double>(settings.batch_size));
    }
    RedisOffsetSeek sink(
        redis_sink,
        [&store](const std::set<TopicPartition>& partitions) {
            std::vector<std::int32_t> numbers;
            for (const auto& [topic, partition] : partitions) {
                numbers.push_back(partition);
            }
            return store.last_offsets(numbers);
        },
        settings.group);
    // Only schemas registered under the topic's subject are decoded.
    serde::OrderDecoder orders([&registry](int id) { return registry->schema_by_id(id); }, {},
                               std::make_unique<serde::SubjectIds>(
                                   settings.pipeline.subject(), serde::subjects_from(*registry)));
    FailpointDecoder decoder(orders, settings.failpoint.decode_throws_key);
    KafkaDeadLetterSink dead_letters(settings.pipeline.kafka, settings.pipeline.dlq_topic,
                                     settings.group, std::chrono::seconds(10),
                                     settings.failpoint.dlq_fatal);
    BatchProcessor processor(decoder, dead_letters, sink);
    const auto policy = make_commit_policy(settings);  // the mode, decided once
    RedisWatch watch(*connection, settings.group);
    ConsumerLoop loop(settings, processor, *policy, sink, &watch);
    const auto status =
        pipeline::start_status_server(settings.status, [&loop] { return loop.health(); });
    return loop.run();
}

void register_consumer_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<ConsumerOptions>();
    auto* command = app.add_subcommand(
        "consume",
        "Consume orders into Redis (AUTO_COMMIT=true: orders-auto; false: orders-batch)");
    add_consumer_options(*command, *options);
    command->final_callback([options, &context] {
        common::init_logging("consumer", context.log_level);
        if (const int code = run_consumer(to_settings(*options)); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::consumer
