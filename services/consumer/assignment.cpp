#include "consumer/assignment.h"

#include "consumer/redis_offset_seek.h"
#include "kafka/clients.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::consumer {

std::string describe(const std::vector<RdKafka::TopicPartition*>& partitions) {
    std::string out;
    for (const auto* tp : partitions) {
        out += (out.empty() ? "" : ",") + tp->topic() + "[" + std::to_string(tp->partition()) + "]";
    }
    return out.empty() ? "nothing" : out;
}

std::optional<std::map<TopicPartition, std::int64_t>> committed_offsets(
    RdKafka::KafkaConsumer& consumer,
    const std::set<TopicPartition>& partitions,
    std::chrono::milliseconds timeout) {
    kafka::CppPartitions owned;
    for (const auto& [topic, partition] : partitions) {
        owned.push_back(kafka::make_cpp_partition(topic, partition));
    }
    auto query = kafka::borrow(owned);
    std::map<TopicPartition, std::int64_t> committed;
    const auto code = consumer.committed(query, static_cast<int>(timeout.count()));
    for (const auto* tp : query) {
        committed[{tp->topic(), tp->partition()}] = tp->offset();
    }
    if (code != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("committed offsets unknown: {}", RdKafka::err2str(code));
        return std::nullopt;
    }
    return committed;
}

void start_where_redis_is(RdKafka::KafkaConsumer& consumer,
                          std::vector<RdKafka::TopicPartition*>& partitions,
                          RedisOffsetSeek& redis,
                          std::chrono::milliseconds timeout) {
    try {
        std::set<TopicPartition> wanted;
        for (const auto* tp : partitions) {
            wanted.emplace(tp->topic(), tp->partition());
        }
        const auto committed = committed_offsets(consumer, wanted, timeout);
        if (!committed) {
            return;  // Redis is checked at the first writes
        }
        const auto starts = redis.starts_behind(*committed);
        for (auto* tp : partitions) {
            if (const auto at = starts.find({tp->topic(), tp->partition()}); at != starts.end()) {
                tp->set_offset(at->second);
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn(
            "comparing the committed offsets with Redis failed ({}): checked at the "
            "first writes",
            e.what());
    }
}

void Assignment::set(const std::vector<RdKafka::TopicPartition*>& partitions) {
    kafka::CppPartitions copies;
    copies.reserve(partitions.size());
    for (const auto* tp : partitions) {
        copies.push_back(kafka::make_cpp_partition(tp->topic(), tp->partition()));
    }
    partitions_.swap(copies);
}

bool Assignment::contains(const TopicPartition& partition) const {
    return std::any_of(partitions_.begin(), partitions_.end(), [&](const auto& tp) {
        return tp->topic() == partition.first && tp->partition() == partition.second;
    });
}

std::set<TopicPartition> Assignment::partitions() const {
    std::set<TopicPartition> out;
    for (const auto& tp : partitions_) {
        out.emplace(tp->topic(), tp->partition());
    }
    return out;
}

std::vector<RdKafka::TopicPartition*> Assignment::borrowed() const {
    return kafka::borrow(partitions_);
}

RdKafka::ErrorCode Assignment::pause(RdKafka::KafkaConsumer& consumer) const {
    auto list = borrowed();
    return consumer.pause(list);
}

RdKafka::ErrorCode Assignment::resume(RdKafka::KafkaConsumer& consumer) const {
    auto list = borrowed();
    return consumer.resume(list);
}

std::set<TopicPartition> Assignment::seek(RdKafka::KafkaConsumer& consumer,
                                          const CommitOffsets& to,
                                          std::set<TopicPartition>& failed) const {
    constexpr int kSeekTimeoutMs = 5000;  // synchronous, so that a failure is seen
    std::set<TopicPartition> sought;
    for (const auto& [tp, offset] : to) {
        if (!contains(tp)) {
            continue;  // revoked meanwhile: its next owner checks it
        }
        const auto target = kafka::make_cpp_partition(tp.first, tp.second, offset);
        if (const auto code = consumer.seek(*target, kSeekTimeoutMs);
            code != RdKafka::ERR_NO_ERROR) {
            spdlog::error("seek of {}[{}] to {} failed: {}; checked again at its next write",
                          tp.first, tp.second, offset, RdKafka::err2str(code));
            failed.insert(tp);
            continue;
        }
        sought.insert(tp);
    }
    return sought;
}

std::string Assignment::describe() const {
    return consumer::describe(borrowed());
}

}  // namespace orderflow::consumer
