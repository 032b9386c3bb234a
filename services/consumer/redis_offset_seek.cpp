#include "consumer/redis_offset_seek.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace orderflow::consumer {
namespace {

std::string slot(const TopicPartition& partition) {
    return partition.first + ":" + std::to_string(partition.second);
}

}  // namespace

RedisOffsetSeek::RedisOffsetSeek(OrderSink& inner, ReadMarks read_marks, std::string group)
    : inner_(inner), read_marks_(std::move(read_marks)), group_(std::move(group)) {}

void RedisOffsetSeek::assigned(const std::set<TopicPartition>& partitions) {
    unchecked_ = partitions;
    last_written_.clear();  // another member may have written them since
    rewinds_.clear();
    after_failure_ = false;
}

CommitOffsets RedisOffsetSeek::take_rewinds() {
    return std::exchange(rewinds_, {});
}

CommitOffsets RedisOffsetSeek::starts_behind(
    const std::map<TopicPartition, std::int64_t>& committed) {
    std::set<TopicPartition> asked;
    for (const auto& [tp, next] : committed) {
        asked.insert(tp);
    }
    const auto marks = read_marks_(asked);
    CommitOffsets starts;
    for (const auto& [tp, next] : committed) {
        unchecked_.erase(tp);
        if (next <= 0) {
            continue;  // nothing committed: it starts at the log start anyway
        }
        const auto mark = marks.find(slot(tp));
        if (mark == marks.end()) {
            starts[tp] = kFromBeginning;
            spdlog::warn(
                "group {}: redis has no offset for {}[{}] although offset {} is committed (redis "
                "lost it all): starting from the beginning",
                group_, tp.first, tp.second, next);
        } else if (mark->second + 1 < next) {
            starts[tp] = mark->second + 1;
            spdlog::warn(
                "group {}: redis holds {}[{}] up to offset {} but {} is committed: an older copy "
                "of redis; starting from {}",
                group_, tp.first, tp.second, mark->second, next, mark->second + 1);
        }
    }
    rewinds_total_ += static_cast<std::int64_t>(starts.size());
    return starts;
}

void RedisOffsetSeek::redis_lost(const std::map<TopicPartition, std::int64_t>& committed) {
    auto next = committed;  // Redis must hold everything below these
    for (const auto& [tp, last] : last_written_) {
        auto [at, inserted] = next.emplace(tp, last + 1);
        at->second = std::max(at->second, last + 1);
    }
    for (const auto& [tp, start] : starts_behind(next)) {
        last_written_.erase(tp);
        rewinds_[tp] = start;
    }
}

void RedisOffsetSeek::recheck(const std::set<TopicPartition>& partitions) {
    unchecked_.insert(partitions.begin(), partitions.end());
}

void RedisOffsetSeek::check(const std::map<TopicPartition, std::int64_t>& first_offsets) {
    std::map<TopicPartition, std::int64_t> expected;  // Redis must hold at least this offset
    for (const auto& [tp, first] : first_offsets) {
        if (after_failure_ || unchecked_.count(tp) > 0) {
            expected[tp] = first - 1;
        }
    }
    if (after_failure_) {
        for (const auto& [tp, last] : last_written_) {
            const auto [at, inserted] = expected.emplace(tp, last);
            at->second = std::max(at->second, last);
        }
    }
    if (expected.empty()) {
        return;
    }
    std::set<TopicPartition> asked;
    for (const auto& [tp, at_least] : expected) {
        asked.insert(tp);
    }
    const auto marks = read_marks_(asked);  // RedisError: the write fails, checked again next time
    after_failure_ = false;
    CommitOffsets behind;
    for (const auto& [tp, at_least] : expected) {
        unchecked_.erase(tp);
        const auto mark = marks.find(slot(tp));
        if (mark == marks.end()) {
            if (at_least >= 0) {
                behind[tp] = kFromBeginning;
                spdlog::warn(
                    "group {}: redis has no offset for {}[{}] although offset {} was written "
                    "(redis lost it all): reading the partition again from the beginning",
                    group_, tp.first, tp.second, at_least);
            }
        } else if (mark->second < at_least) {
            behind[tp] = mark->second + 1;
            spdlog::warn(
                "group {}: redis holds {}[{}] up to offset {} but offset {} was in it (committed, "
                "or "
                "written by this consumer): an older copy of redis; reading again from {}",
                group_, tp.first, tp.second, mark->second, at_least, mark->second + 1);
        }
    }
    if (behind.empty()) {
        return;
    }
    for (const auto& [tp, next] : behind) {
        last_written_.erase(tp);
        rewinds_[tp] = next;
        ++rewinds_total_;
    }
    throw RedisBehind("redis is behind kafka on " + std::to_string(behind.size()) +
                      " partition(s): rewinding them");
}

std::vector<redis::WriteOutcome> RedisOffsetSeek::write(
    const std::vector<redis::StoreEntry>& entries) {
    std::map<TopicPartition, std::int64_t> first_offsets;
    for (const auto& entry : entries) {
        first_offsets.emplace(TopicPartition{entry.topic, entry.partition}, entry.offset);
    }
    std::vector<redis::WriteOutcome> outcomes;
    try {
        check(first_offsets);
        outcomes = inner_.write(entries);
    } catch (const RedisBehind&) {
        throw;
    } catch (...) {
        after_failure_ = true;  // Redis may come back as another copy: look before writing
        throw;
    }
    for (const auto& entry : entries) {
        last_written_[{entry.topic, entry.partition}] = entry.offset;
    }
    return outcomes;
}

void drop_partitions(std::vector<InboundMessage>& batch,
                     const std::set<TopicPartition>& partitions) {
    batch.erase(std::remove_if(batch.begin(), batch.end(),
                               [&](const InboundMessage& message) {
                                   return partitions.count({message.topic, message.partition}) > 0;
                               }),
                batch.end());
}

}  // namespace orderflow::consumer
