#include "audit/audit_run.h"

#include "audit/log_reader.h"
#include "audit/store_reader.h"
#include "common/config_error.h"
#include "redis/order_store.h"
#include "redis_cluster/open_client.h"
#include "serde/order_decoder.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <stdexcept>

namespace orderflow::audit {
namespace {

struct GroupStart {
    std::map<std::int32_t, std::int64_t> committed;
    redis::GroupStats stats;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

AuditResult run_audit(const AuditSettings& settings) {
    std::unique_ptr<redis::Client> redis;
    try {
        redis = redis_cluster::open_client(settings.redis);
    } catch (const redis::RedisError& e) {
        throw common::ConfigError("REDIS_URL", e.what());
    }
    auto registry = pipeline::connect_registry(settings.pipeline, settings.pipeline.subject());
    // As the consumers decode: only schemas registered under the topic's subject.
    serde::OrderDecoder decoder([&registry](int id) { return registry->schema_by_id(id); }, {},
                                std::make_unique<serde::SubjectIds>(
                                    settings.pipeline.subject(), serde::subjects_from(*registry)));
    const auto started = Clock::now();
    const auto deadline = started + settings.timeout;
    const auto& kafka = settings.pipeline.kafka;
    const auto& topic = settings.pipeline.topic;
    const auto partitions = topic_partitions(kafka, topic);
    if (!partitions) {
        throw std::runtime_error("topic " + topic + " does not exist (ORDERS_TOPIC)");
    }
    // Order matters on a live pipeline: committed offsets and stats first, then the cut, then
    // the topics and Redis, so that everything read later can only be further along.
    kafka::GroupAdmin admin(kafka);
    std::map<std::string, GroupStart> starts;
    for (const auto& group : settings.groups) {
        starts[group].committed = committed_offsets(admin, group, topic, *partitions);
        starts[group].stats = redis::OrderStore(*redis, group).stats();
    }
    LogIndex log(log_ends(admin, topic, *partitions));
    log.set_topic(topic);
    read_orders(kafka, topic, decoder, deadline, log);
    spdlog::info("read {} message(s) of {} below the cut in {:.1f} s", log.messages(), topic,
                 seconds_since(started));
    read_dead_letters(kafka, settings.pipeline.dlq_topic, deadline, log);

    AuditResult result;
    result.live = settings.live;
    result.topic = topic;
    result.dlq_topic = settings.pipeline.dlq_topic;
    result.partitions = log.cut().size();
    result.messages = log.messages();
    result.distinct_orders = log.orders().size();
    result.invalid = log.invalid().size();
    result.resent = log.resent();
    result.dead_letter_records = log.dead_letter_records();
    for (const auto& group : settings.groups) {
        auto& start = starts[group];
        GroupAudit audit(log, group, start.committed, start.stats);
        const auto group_started = Clock::now();
        read_store(*redis, group, audit);
        result.groups.push_back({group, start.stats, audit.finish()});
        spdlog::info("group {}: Redis read and compared in {:.1f} s", group,
                     seconds_since(group_started));
    }
    spdlog::info("audit took {:.1f} s", seconds_since(started));
    result.computed_at_ms = now_ms();
    return result;
}

}  // namespace orderflow::audit
