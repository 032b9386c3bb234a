#include "audit/log_reader.h"

#include "dead_letters/dead_letter_record.h"
#include "kafka/admin_client.h"
#include "kafka/kafka_error.h"
#include "kafka/topic_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace orderflow::audit {
namespace {

/// A whole read below `ends` (none: to the current end), bounded by the audit's deadline.
kafka::ReadRequest whole_topic(const std::string& topic,
                               std::vector<std::int32_t> partitions,
                               std::map<std::int32_t, std::int64_t> ends,
                               Clock::time_point deadline) {
    kafka::ReadRequest request;
    request.topic = topic;
    request.partitions = std::move(partitions);
    request.end_offsets = std::move(ends);
    request.limit = std::numeric_limits<std::size_t>::max();
    request.timeout =
        std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                 std::chrono::milliseconds(0));
    return request;
}

void stream(const kafka::ClientSettings& settings,
            const kafka::ReadRequest& request,
            const kafka::RecordVisitor& visit) {
    try {
        kafka::read_topic(settings, request, visit);
    } catch (const kafka::KafkaError& e) {
        if (e.code() != RD_KAFKA_RESP_ERR__TIMED_OUT) {
            throw;
        }
        throw std::runtime_error("within AUDIT_TIMEOUT: " + std::string(e.what()));
    }
}

Position source_of(const std::string& partition, const std::string& offset) {
    return {static_cast<std::int32_t>(std::stol(partition)), std::stoll(offset)};
}

}  // namespace

std::optional<std::vector<std::int32_t>> topic_partitions(const kafka::ClientSettings& settings,
                                                          const std::string& topic) {
    auto admin_settings = settings;
    admin_settings.client_id += "-admin";
    kafka::AdminClient admin(admin_settings);
    const auto info = admin.find_topic(topic);
    if (!info) {
        return std::nullopt;
    }
    return info->partition_ids();
}

std::map<std::int32_t, std::int64_t> committed_offsets(
    kafka::GroupAdmin& admin,
    const std::string& group,
    const std::string& topic,
    const std::vector<std::int32_t>& partitions) {
    const auto offsets = admin.committed(group);
    std::map<std::int32_t, std::int64_t> committed;
    for (const auto partition : partitions) {
        const auto it = offsets.find({topic, partition});
        committed[partition] = it != offsets.end() ? it->second : 0;
    }
    return committed;
}

std::map<std::int32_t, std::int64_t> log_ends(kafka::GroupAdmin& admin,
                                              const std::string& topic,
                                              const std::vector<std::int32_t>& partitions) {
    std::map<std::int32_t, std::int64_t> ends;
    for (const auto partition : partitions) {
        ends[partition] = admin.watermarks(topic, partition).high;
    }
    return ends;
}

void read_orders(const kafka::ClientSettings& settings,
                 const std::string& topic,
                 serde::MessageDecoder& decoder,
                 Clock::time_point deadline,
                 LogIndex& log) {
    std::vector<std::int32_t> partitions;
    for (const auto& [partition, end] : log.cut()) {
        partitions.push_back(partition);
    }
    const auto request = whole_topic(topic, partitions, log.cut(), deadline);
    stream(settings, request, [&](kafka::Record& record) {
        const auto redrive_partition = record.header(dead_letters::kHeaderRedrivePartition);
        const auto redrive_offset = record.header(dead_letters::kHeaderRedriveOffset);
        if (redrive_partition && redrive_offset) {
            log.add_redriven_copy(source_of(*redrive_partition, *redrive_offset));
        }
        const auto decoded = decoder.decode(record);
        if (decoded.order) {
            log.add_order(*decoded.order, {record.partition, record.offset});
        } else {
            log.add_invalid({record.partition, record.offset});
        }
    });
}

void read_dead_letters(const kafka::ClientSettings& settings,
                       const std::string& dlq_topic,
                       Clock::time_point deadline,
                       LogIndex& log) {
    auto partitions = topic_partitions(settings, dlq_topic);
    if (!partitions) {
        return;  // no consumer has started yet
    }
    const auto request = whole_topic(dlq_topic, std::move(*partitions), {}, deadline);
    stream(settings, request, [&](kafka::Record& record) {
        const auto letter = dead_letters::to_dead_letter(std::move(record));
        if (!letter.source || letter.group.empty()) {
            spdlog::warn("{}[{}] offset {} lacks the dlq.source.* headers; not counted", dlq_topic,
                         letter.record.partition, letter.record.offset);
            return;
        }
        log.add_dead_letter(letter.group, letter.source->topic,
                            {letter.source->partition, letter.source->offset},
                            {letter.record.partition, letter.record.offset});
    });
}

}  // namespace orderflow::audit
