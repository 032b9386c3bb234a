// The consumer loop's rebalance callback: eager assignment and revocation, on the loop thread.
#include "consumer/consumer_loop.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace orderflow::consumer {
namespace {

std::set<TopicPartition> to_set(const std::vector<RdKafka::TopicPartition*>& partitions) {
    std::set<TopicPartition> out;
    for (const auto* tp : partitions) {
        out.emplace(tp->topic(), tp->partition());
    }
    return out;
}

}  // namespace

void ConsumerLoop::rebalance_cb(RdKafka::KafkaConsumer* consumer,
                                RdKafka::ErrorCode err,
                                std::vector<RdKafka::TopicPartition*>& partitions) {
    // Runs inside consume()/close() on the loop thread; nothing may escape into librdkafka.
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
        redis_seek_.assigned(to_set(partitions));
        // Where Redis is behind the committed offset (an older copy), start there; never throws.
        start_where_redis_is(*consumer, partitions, redis_seek_, settings_.commit_timeout);
        consumer->assign(partitions);  // whatever follows, the assignment stands
        try {
            spdlog::info("group {}: assigned {}", settings_.group, describe(partitions));
            assignment_.set(partitions);
            // librdkafka keeps a partition's pause across unassign/assign: set it either way.
            const auto code =
                paused_ ? assignment_.pause(*consumer) : assignment_.resume(*consumer);
            if (code != RdKafka::ERR_NO_ERROR) {
                spdlog::warn("group {}: {} after assignment failed: {}", settings_.group,
                             paused_ ? "pause" : "resume", RdKafka::err2str(code));
            }
            publish_status();
        } catch (const std::exception& e) {
            spdlog::error("group {}: recording the assignment failed: {}", settings_.group,
                          e.what());
        }
        return;
    }
    // Revocation or an error: unassign() ends the callback whatever happens on the way.
    struct Unassign {
        RdKafka::KafkaConsumer* consumer;
        Assignment& assignment;
        ~Unassign() {
            consumer->unassign();  // auto-commit mode commits the stored offsets here
            assignment.clear();
        }
    } unassign{consumer, assignment_};
    try {
        if (err == RdKafka::ERR__REVOKE_PARTITIONS) {
            revoke(*consumer, partitions);
        } else {
            spdlog::error("group {}: rebalance error {}", settings_.group, RdKafka::err2str(err));
        }
    } catch (const FatalError& e) {
        fatal_.stop(e.what());
        spdlog::error("group {}: {}", settings_.group, e.what());
    } catch (const std::exception& e) {
        spdlog::error("group {}: revocation failed ({}); unassigning anyway", settings_.group,
                      e.what());
    }
}

void ConsumerLoop::revoke(RdKafka::KafkaConsumer& consumer,
                          const std::vector<RdKafka::TopicPartition*>& partitions) {
    spdlog::info("group {}: revoked {}", settings_.group, describe(partitions));
    if (std::exchange(revoke_throws_, false)) {
        throw std::runtime_error("failpoint revoke-throws");
    }
    const bool lost = consumer.assignment_lost();
    auto held = std::move(in_flight_);
    in_flight_.clear();
    for (auto& message : accumulator_.take()) {
        held.push_back(std::move(message));
    }
    metrics_.held.set(0);
    if (!held.empty()) {
        if (lost || closing_) {
            spdlog::warn(
                "group {}: assignment lost; {} unwritten message(s) dropped, to be redelivered",
                settings_.group, held.size());
        } else if (const auto outcome = writer_.try_once(held)) {
            written(*outcome, held.size());
        } else {
            spdlog::warn(
                "group {}: {} message(s) not written before revocation ({}); they will be "
                "redelivered",
                settings_.group, held.size(), writer_.last_failure());
        }
    }
    policy_.revoke(to_set(partitions), lost || closing_, *offsets_,
                   Clock::now() + settings_.commit_timeout);
    publish_status();
}

}  // namespace orderflow::consumer
