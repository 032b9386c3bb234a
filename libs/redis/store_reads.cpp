#include "redis/store_reads.h"

#include "redis/acl_denial.h"
#include "redis/key_names.h"

#include <algorithm>
#include <charconv>

namespace orderflow::redis {
namespace {

std::vector<Reply> checked_pipeline(Client& redis, const std::vector<Command>& commands) {
    auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_error()) {
            throw_reply_error(redis, commands[i][0] + " " + commands[i][1], commands[i],
                              replies[i]);
        }
    }
    return replies;
}

std::int64_t integer_of(const std::string& key, const std::string& field, const std::string& text) {
    const auto value = stored_integer(text);
    if (!value) {
        throw RedisError("redis: " + key + " holds " + field +
                         " that is not an integer: the store never writes that");
    }
    return *value;
}

}  // namespace

std::optional<std::int64_t> stored_integer(const std::string& text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, value);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::int32_t> group_partitions(Client& redis, const std::string& group) {
    return groups_partitions(redis, {group})[group];
}

std::map<std::string, std::vector<std::int32_t>> groups_partitions(
    Client& redis, const std::vector<std::string>& groups) {
    std::vector<Command> reads;
    for (const auto& group : groups) {
        reads.push_back({"SMEMBERS", partitions_key(group)});
    }
    const auto replies = checked_pipeline(redis, reads);
    std::map<std::string, std::vector<std::int32_t>> out;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        out[groups[i]] = partitions_in(reads[i][1], replies[i]);
    }
    return out;
}

std::vector<std::int32_t> partitions_in(const std::string& key, const Reply& reply) {
    if (reply.elements.size() > kMaxGroupPartitions) {
        throw RedisError("redis: " + key + " names " + std::to_string(reply.elements.size()) +
                         " partitions, more than " + std::to_string(kMaxGroupPartitions));
    }
    std::vector<std::int32_t> partitions;
    for (const auto& member : reply.elements) {
        const auto value = stored_integer(member.str);
        if (value && *value >= 0 && *value <= INT32_MAX) {
            partitions.push_back(static_cast<std::int32_t>(*value));
        }
    }
    std::sort(partitions.begin(), partitions.end());
    return partitions;
}

GroupStats partition_stats(Client& redis,
                           const std::string& group,
                           const std::vector<std::int32_t>& partitions) {
    std::vector<Command> reads;
    for (const auto partition : partitions) {
        reads.push_back({"HGETALL", stats_key(group, partition)});
    }
    GroupStats stats;
    const auto replies = checked_pipeline(redis, reads);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const auto& key = reads[i][1];
        const auto& fields = replies[i].elements;
        for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
            const auto& name = fields[f].str;
            std::int64_t* total = name == "processed"            ? &stats.processed
                                  : name == "duplicates_skipped" ? &stats.duplicates_skipped
                                  : name == "dead_lettered"      ? &stats.dead_lettered
                                                                 : nullptr;
            if (name == "customers") {
                stats.customers =
                    stats.customers.value_or(0) + integer_of(key, name, fields[f + 1].str);
            } else if (total != nullptr) {
                *total += integer_of(key, name, fields[f + 1].str);
            }
        }
    }
    return stats;
}

GroupStats group_stats(Client& redis, const std::string& group) {
    return partition_stats(redis, group, group_partitions(redis, group));
}

std::map<std::string, std::int64_t> offset_marks(Client& redis,
                                                 const std::string& group,
                                                 const std::vector<std::int32_t>& partitions) {
    std::vector<Command> reads;
    for (const auto partition : partitions) {
        reads.push_back({"HGETALL", offsets_key(group, partition)});
    }
    std::map<std::string, std::int64_t> marks;
    const auto replies = checked_pipeline(redis, reads);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const auto& fields = replies[i].elements;
        for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
            marks[fields[f].str] = integer_of(reads[i][1], fields[f].str, fields[f + 1].str);
        }
    }
    return marks;
}

}  // namespace orderflow::redis
