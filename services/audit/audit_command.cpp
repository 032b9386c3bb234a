#include "audit/audit_command.h"

#include "audit/audit_compare.h"
#include "common/config_error.h"
#include "common/logging.h"
#include "kafka/admin_client.h"
#include "kafka/cpp_config.h"
#include "redis/order_store.h"
#include "serde/order_decoder.h"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <set>
#include <sstream>

namespace orderflow::audit {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kChunk = 1000;
constexpr std::size_t kMaxLines = 50;

std::unique_ptr<RdKafka::KafkaConsumer> make_consumer(const pipeline::PipelineSettings& settings,
                                                      const std::string& group,
                                                      kafka::LoggingEventCb& events) {
    auto client = settings.kafka;
    client.client_id = "orderflow-audit";
    auto conf = kafka::make_cpp_conf(client, {{"group.id", group},
                                              {"enable.auto.commit", "false"},
                                              {"enable.auto.offset.store", "false"},
                                              {"enable.partition.eof", "false"}});
    std::string error;
    conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), error);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(
        RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create a consumer: " + error);
    }
    return consumer;
}

LogContents read_log(const AuditSettings& settings, serde::MessageDecoder& decoder) {
    const auto& topic = settings.pipeline.topic;
    std::vector<std::int32_t> partitions;
    {
        auto admin_settings = settings.pipeline.kafka;
        admin_settings.client_id = "orderflow-audit-admin";
        kafka::AdminClient admin(admin_settings);
        const auto info = admin.describe_topic(topic);
        if (!info) {
            throw std::runtime_error("topic " + topic + " does not exist (ORDERS_TOPIC)");
        }
        for (const auto& p : info->partitions) {
            partitions.push_back(p.id);
        }
    }
    kafka::LoggingEventCb events;
    auto reader = make_consumer(settings.pipeline, "orderflow-audit", events);
    LogContents log;
    std::vector<RdKafka::TopicPartition*> assignment;
    std::map<std::int32_t, std::int64_t> pending;  // partition -> high watermark still to reach
    for (const auto partition : partitions) {
        std::int64_t low = 0;
        std::int64_t high = 0;
        const auto code = reader->query_watermark_offsets(topic, partition, &low, &high, 10000);
        if (code != RdKafka::ERR_NO_ERROR) {
            throw std::runtime_error("cannot read the end of " + topic + "[" +
                                     std::to_string(partition) + "]: " + RdKafka::err2str(code));
        }
        log.end_offsets[partition] = high;
        if (high > low) {
            assignment.push_back(RdKafka::TopicPartition::create(topic, partition, low));
            pending[partition] = high;
        }
    }
    reader->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    const auto deadline = Clock::now() + settings.timeout;
    while (!pending.empty() && Clock::now() < deadline) {
        std::unique_ptr<RdKafka::Message> message(reader->consume(500));
        if (message->err() != RdKafka::ERR_NO_ERROR) {
            continue;
        }
        serde::InboundMessage inbound;
        inbound.topic = topic;
        inbound.partition = message->partition();
        inbound.offset = message->offset();
        if (message->payload() != nullptr) {
            inbound.value.assign(static_cast<const char*>(message->payload()), message->len());
        }
        ++log.messages;
        auto decoded = decoder.decode(inbound);
        if (!decoded.order) {
            ++log.invalid;
        } else if (log.orders.contains(decoded.order->order_id)) {
            ++log.resent;
        } else {
            log.orders[decoded.order->order_id] = {decoded.order->customer_id,
                                                   decoded.order->total_cents, inbound.partition,
                                                   inbound.offset};
        }
        if (const auto it = pending.find(inbound.partition);
            it != pending.end() && inbound.offset + 1 >= it->second) {
            pending.erase(it);
        }
    }
    reader->close();
    if (!pending.empty()) {
        throw std::runtime_error("could not read " + topic + " to its end within AUDIT_TIMEOUT");
    }
    return log;
}

std::string glob_escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::vector<std::string> scan(redis::Connection& redis, const std::string& pattern) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
        const auto reply = redis.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (reply.is_error() || reply.elements.size() != 2) {
            throw redis::RedisError("SCAN failed: " + reply.str);
        }
        cursor = reply.elements[0].str;
        for (const auto& key : reply.elements[1].elements) {
            keys.push_back(key.str);
        }
    } while (cursor != "0");
    return keys;
}

std::int64_t to_int(const redis::Reply& reply) {
    return reply.is_nil() || reply.str.empty() ? 0 : std::stoll(reply.str);
}

GroupState read_group(redis::Connection& redis,
                      const AuditSettings& settings,
                      const std::string& group,
                      const LogContents& log) {
    GroupState state;
    state.group = group;
    const auto order_prefix = "order:" + group + ":";
    const auto order_keys = scan(redis, glob_escape(order_prefix) + "*");
    for (std::size_t start = 0; start < order_keys.size(); start += kChunk) {
        std::vector<redis::Command> commands;
        const auto end = std::min(order_keys.size(), start + kChunk);
        for (std::size_t i = start; i < end; ++i) {
            commands.push_back({"HMGET", order_keys[i], "customer_id", "total_cents"});
        }
        const auto replies = redis.pipeline(commands);
        for (std::size_t i = start; i < end; ++i) {
            const auto& fields = replies[i - start].elements;
            state.orders[order_keys[i].substr(order_prefix.size())] = {
                fields.empty() ? "" : fields[0].str, fields.size() < 2 ? 0 : to_int(fields[1])};
        }
    }
    const auto customer_prefix = "customer:" + group + ":";
    const std::string zset_suffix = ":orders";
    for (const auto& key : scan(redis, glob_escape(customer_prefix) + "*")) {
        auto id = key.substr(customer_prefix.size());
        if (id.ends_with(zset_suffix)) {
            id.resize(id.size() - zset_suffix.size());
            state.customers[id].sorted_set_size = redis.command({"ZCARD", key}).integer;
        } else {
            const auto fields = redis.command({"HMGET", key, "orders_count", "total_spent_cents"});
            auto& customer = state.customers[id];
            customer.orders_count = fields.elements.empty() ? 0 : to_int(fields.elements[0]);
            customer.total_spent_cents =
                fields.elements.size() < 2 ? 0 : to_int(fields.elements[1]);
        }
    }
    redis::OrderStore store(redis, group);
    state.stats = store.stats();

    kafka::LoggingEventCb events;
    auto reader = make_consumer(settings.pipeline, group, events);
    std::vector<RdKafka::TopicPartition*> partitions;
    for (const auto& [partition, end] : log.end_offsets) {
        partitions.push_back(RdKafka::TopicPartition::create(settings.pipeline.topic, partition));
    }
    const auto code = reader->committed(partitions, 10000);
    if (code != RdKafka::ERR_NO_ERROR) {
        RdKafka::TopicPartition::destroy(partitions);
        throw std::runtime_error("cannot read the committed offsets of group " + group + ": " +
                                 RdKafka::err2str(code));
    }
    for (const auto* tp : partitions) {
        if (tp->offset() >= 0) {
            state.committed[tp->partition()] = tp->offset();
        }
    }
    RdKafka::TopicPartition::destroy(partitions);
    reader->close();
    return state;
}

std::vector<std::string> split_groups(const std::string& text) {
    std::vector<std::string> groups;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) {
            groups.push_back(item);
        }
    }
    if (groups.empty()) {
        throw common::ConfigError("AUDIT_GROUPS", "name at least one consumer group");
    }
    return groups;
}

}  // namespace

AuditSettings to_settings(const AuditOptions& options) {
    AuditSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-audit");
    settings.redis = common::parse_redis_url("REDIS_URL", options.redis_url);
    settings.groups = split_groups(options.groups);
    settings.timeout = common::parse_duration("AUDIT_TIMEOUT", options.timeout);
    return settings;
}

int run_audit(const AuditSettings& settings, std::ostream& out) {
    std::unique_ptr<redis::Connection> redis;
    try {
        redis = std::make_unique<redis::Connection>(settings.redis);
    } catch (const redis::RedisError& e) {
        throw common::ConfigError("REDIS_URL", e.what());
    }
    auto registry =
        pipeline::connect_registry(settings.pipeline.registry_url, settings.pipeline.subject());
    serde::OrderDecoder decoder([&registry](int id) { return registry->schema_by_id(id); });
    const auto log = read_log(settings, decoder);
    out << "topic " << settings.pipeline.topic << ": " << log.messages << " message(s) in "
        << log.end_offsets.size() << " partition(s), " << log.orders.size()
        << " distinct order(s), " << log.invalid << " invalid (for the DLQ), " << log.resent
        << " re-sent copies\n";
    std::size_t total = 0;
    for (const auto& group : settings.groups) {
        const auto state = read_group(*redis, settings, group, log);
        const auto differences = compare(log, state);
        total += differences.size();
        out << "group " << group << ": " << state.orders.size() << " order(s), "
            << state.customers.size() << " customer(s), processed " << state.stats.processed
            << ", duplicates skipped " << state.stats.duplicates_skipped << ", dead-lettered "
            << state.stats.dead_lettered << ": "
            << (differences.empty() ? "OK" : std::to_string(differences.size()) + " difference(s)")
            << "\n";
        for (std::size_t i = 0; i < differences.size() && i < kMaxLines; ++i) {
            out << "  " << differences[i] << "\n";
        }
        if (differences.size() > kMaxLines) {
            out << "  ... and " << differences.size() - kMaxLines << " more\n";
        }
    }
    out << (total == 0 ? "audit clean\n"
                       : "AUDIT FAILED: " + std::to_string(total) + " difference(s)\n");
    out.flush();
    return total == 0 ? 0 : 1;
}

void register_audit_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<AuditOptions>();
    auto* command = app.add_subcommand(
        "audit",
        "Compare the orders topic with Redis per consumer group; non-zero on a difference");
    pipeline::add_pipeline_options(*command, options->pipeline);
    pipeline::add_env_option(*command, "--redis-url", options->redis_url, "REDIS_URL",
                             "redis://host[:port][/db]");
    pipeline::add_env_option(*command, "--groups", options->groups, "AUDIT_GROUPS",
                             "consumer groups to check, comma-separated");
    pipeline::add_env_option(*command, "--timeout", options->timeout, "AUDIT_TIMEOUT",
                             "how long reading the topic may take");
    command->final_callback([options, &context] {
        common::init_logging("audit", context.log_level);
        if (const int code = run_audit(to_settings(*options), std::cout); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::audit
