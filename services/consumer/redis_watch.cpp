#include "consumer/redis_watch.h"

#include "redis/acl_denial.h"
#include "redis/key_names.h"

#include <cstdio>
#include <random>
#include <vector>

namespace orderflow::consumer {
namespace {

std::string run_token() {
    std::random_device device;
    char text[17];
    std::snprintf(text, sizeof text, "%08x%08x", device(), device());
    return text;
}

std::set<std::int32_t> partition_numbers(const std::set<TopicPartition>& assigned) {
    std::set<std::int32_t> numbers;
    for (const auto& [topic, partition] : assigned) {
        numbers.insert(partition);
    }
    return numbers;
}

}  // namespace

RedisWatch::RedisWatch(redis::Client& redis,
                       const std::string& group,
                       std::chrono::milliseconds every,
                       std::chrono::milliseconds expiry)
    : redis_(redis),
      group_(group),
      token_(run_token()),
      every_(every),
      expiry_ms_(std::to_string(expiry.count())),
      master_changes_(redis.master_changes()) {}

std::string RedisWatch::describe() const {
    return "watch:{" + redis::encode_key_part(group_) + ":*}:" + token_;
}

std::string RedisWatch::key(std::int32_t partition) const {
    return redis::watch_key(group_, partition, token_);
}

bool RedisWatch::lost(Clock::time_point now, const std::set<TopicPartition>& assigned) {
    if (now < next_check_) {
        return false;
    }
    next_check_ = now + every_;
    const auto partitions = partition_numbers(assigned);
    std::vector<redis::Command> commands;
    std::vector<bool> refresh;
    for (const auto partition : partitions) {
        const auto marker = key(partition);
        if (armed_.count(partition) > 0) {
            commands.push_back({"PEXPIRE", marker, expiry_ms_});
            refresh.push_back(true);
        } else {
            commands.push_back({"SET", marker, "1", "PX", expiry_ms_});
            refresh.push_back(false);
        }
    }
    const auto replies = redis_.pipeline(commands);
    bool gone = false;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_error()) {
            redis::throw_reply_error(redis_, "refreshing the watch markers", commands[i],
                                     replies[i]);
        }
        gone = gone || (refresh[i] && replies[i].integer == 0);
    }
    armed_ = partitions;
    const int changes = redis_.master_changes();
    const bool moved = changes != master_changes_;
    master_changes_ = changes;
    return gone || moved;
}

void RedisWatch::arm(const std::set<TopicPartition>& assigned) {
    const auto partitions = partition_numbers(assigned);
    std::vector<redis::Command> commands;
    for (const auto partition : partitions) {
        commands.push_back({"SET", key(partition), "1", "PX", expiry_ms_});
    }
    const auto replies = redis_.pipeline(commands);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_error()) {
            redis::throw_reply_error(redis_, "setting the watch markers", commands[i], replies[i]);
        }
    }
    armed_ = partitions;
}

}  // namespace orderflow::consumer
