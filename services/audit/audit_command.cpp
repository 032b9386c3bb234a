#include "audit/audit_command.h"

#include "audit/audit_compare.h"
#include "audit/store_reader.h"
#include "audit/topic_reader.h"
#include "common/config_error.h"
#include "common/logging.h"
#include "dead_letters/dead_letter_record.h"
#include "redis/order_store.h"
#include "serde/order_decoder.h"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <sstream>

namespace orderflow::audit {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxLines = 50;

// The dead-letter headers the consumers write.
using dead_letters::kHeaderGroup;
using dead_letters::kHeaderOffset;
using dead_letters::kHeaderPartition;
using dead_letters::kHeaderTopic;

struct GroupStart {
    std::map<std::int32_t, std::int64_t> committed;
    redis::GroupStats stats;
};

void read_orders(const AuditSettings& settings,
                 serde::MessageDecoder& decoder,
                 Clock::time_point deadline,
                 LogIndex& log) {
    const auto& topic = settings.pipeline.topic;
    read_below(settings.pipeline, topic, log.cut(), deadline, [&](RdKafka::Message& message) {
        serde::InboundMessage inbound;
        inbound.topic = topic;
        inbound.partition = message.partition();
        inbound.offset = message.offset();
        if (message.payload() != nullptr) {
            inbound.value.assign(static_cast<const char*>(message.payload()), message.len());
        }
        const auto redrive_partition = header(message, dead_letters::kHeaderRedrivePartition);
        const auto redrive_offset = header(message, dead_letters::kHeaderRedriveOffset);
        if (redrive_partition && redrive_offset) {
            log.add_redriven_copy({static_cast<std::int32_t>(std::stol(*redrive_partition)),
                                   std::stoll(*redrive_offset)});
        }
        auto decoded = decoder.decode(inbound);
        if (decoded.order) {
            log.add_order(*decoded.order, {inbound.partition, inbound.offset});
        } else {
            log.add_invalid({inbound.partition, inbound.offset});
        }
    });
}

void read_dead_letters(const AuditSettings& settings, Clock::time_point deadline, LogIndex& log) {
    const auto& topic = settings.pipeline.dlq_topic;
    const auto partitions = topic_partitions(settings.pipeline, topic);
    if (!partitions) {
        return;  // no consumer has started yet
    }
    const auto ends = log_ends(settings.pipeline, topic, *partitions);
    read_below(settings.pipeline, topic, ends, deadline, [&](RdKafka::Message& message) {
        const auto source_topic = header(message, kHeaderTopic);
        const auto partition = header(message, kHeaderPartition);
        const auto offset = header(message, kHeaderOffset);
        const auto group = header(message, kHeaderGroup);
        if (!source_topic || !partition || !offset || !group) {
            spdlog::warn("{}[{}] offset {} lacks the dlq.source.* headers; not counted", topic,
                         message.partition(), message.offset());
            return;
        }
        log.add_dead_letter(*group, *source_topic,
                            {static_cast<std::int32_t>(std::stol(*partition)), std::stoll(*offset)},
                            {message.partition(), message.offset()});
    });
}

void print_findings(std::ostream& out,
                    const std::string& group,
                    const redis::GroupStats& stats,
                    const Findings& findings) {
    out << "group " << group << ": " << findings.stored << " order(s), " << findings.customers
        << " customer(s), processed " << stats.processed << ", duplicates skipped "
        << stats.duplicates_skipped << ", dead-lettered " << stats.dead_lettered
        << "; in flight: " << findings.not_yet_consumed << " order(s) not yet consumed, "
        << findings.uncommitted << " message(s) not yet committed, " << findings.stored_past_cut
        << " order(s) and " << findings.dead_letters_past_cut << " dead letter(s) past the cut: "
        << (findings.differences.empty()
                ? "OK"
                : std::to_string(findings.differences.size()) + " difference(s)")
        << "\n";
    for (std::size_t i = 0; i < findings.differences.size() && i < kMaxLines; ++i) {
        out << "  " << findings.differences[i] << "\n";
    }
    if (findings.differences.size() > kMaxLines) {
        out << "  ... and " << findings.differences.size() - kMaxLines << " more\n";
    }
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
    settings.live = common::parse_bool("AUDIT_LIVE", options.live);
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
    const auto started = Clock::now();
    const auto deadline = started + settings.timeout;
    const auto& topic = settings.pipeline.topic;
    const auto partitions = topic_partitions(settings.pipeline, topic);
    if (!partitions) {
        throw std::runtime_error("topic " + topic + " does not exist (ORDERS_TOPIC)");
    }
    // Order matters on a live pipeline: committed offsets and stats first, then the cut, then
    // the topics and Redis, so that everything read later can only be further along.
    std::map<std::string, GroupStart> starts;
    for (const auto& group : settings.groups) {
        starts[group].committed = committed_offsets(settings.pipeline, group, topic, *partitions);
        starts[group].stats = redis::OrderStore(*redis, group).stats();
    }
    LogIndex log(log_ends(settings.pipeline, topic, *partitions));
    log.set_topic(topic);
    read_orders(settings, decoder, deadline, log);
    spdlog::info("read {} message(s) of {} below the cut in {:.1f} s", log.messages(), topic,
                 std::chrono::duration<double>(Clock::now() - started).count());
    read_dead_letters(settings, deadline, log);
    out << "topic " << topic << ": " << log.messages() << " message(s) in " << log.cut().size()
        << " partition(s), " << log.orders().size() << " distinct order(s), "
        << log.invalid().size() << " invalid (for the DLQ), " << log.resent()
        << " re-sent copies below the cut; " << settings.pipeline.dlq_topic << ": "
        << log.dead_letter_records() << " record(s)\n";
    std::size_t differences = 0;
    std::int64_t in_flight = 0;
    for (const auto& group : settings.groups) {
        auto& start = starts[group];
        GroupAudit audit(log, group, start.committed, start.stats);
        const auto group_started = Clock::now();
        read_store(*redis, group, audit);
        const auto findings = audit.finish();
        spdlog::info("group {}: Redis read and compared in {:.1f} s", group,
                     std::chrono::duration<double>(Clock::now() - group_started).count());
        differences += findings.differences.size();
        in_flight += findings.in_flight();
        print_findings(out, group, start.stats, findings);
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    spdlog::info("audit took {:.1f} s", seconds);
    int code = 0;
    if (differences > 0) {
        out << "AUDIT FAILED: " << differences << " difference(s)\n";
        code = 1;
    } else if (in_flight > 0 && !settings.live) {
        out << "AUDIT NOT SETTLED: no difference, but " << in_flight
            << " order(s)/message(s) in flight; run it again, or with --live true\n";
        code = 3;
    } else if (in_flight > 0) {
        out << "audit clean (" << in_flight << " in flight)\n";
    } else {
        out << "audit clean\n";
    }
    out.flush();
    return code;
}

void register_audit_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<AuditOptions>();
    auto* command = app.add_subcommand(
        "audit",
        "Compare the orders and dead-letter topics with Redis per consumer group. Exit 0 clean, 1 "
        "on a difference, 3 when clean but orders are still in flight (without --live true)");
    pipeline::add_pipeline_options(*command, options->pipeline);
    pipeline::add_env_option(*command, "--redis-url", options->redis_url, "REDIS_URL",
                             "redis://host[:port][/db]");
    pipeline::add_env_option(*command, "--groups", options->groups, "AUDIT_GROUPS",
                             "consumer groups to check, comma-separated");
    pipeline::add_env_option(*command, "--timeout", options->timeout, "AUDIT_TIMEOUT",
                             "how long reading the topics may take");
    pipeline::add_env_option(*command, "--live", options->live, "AUDIT_LIVE",
                             "true: orders in flight (not yet consumed or committed, or stored "
                             "past the cut) are reported but do not fail the audit");
    command->final_callback([options, &context] {
        common::init_logging("audit", context.log_level);
        if (const int code = run_audit(to_settings(*options), std::cout); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::audit
