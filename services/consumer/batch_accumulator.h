#pragma once

#include "consumer/message.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <vector>

namespace orderflow::consumer {

/**
 * Collects consumed messages into a batch: full at `max_size`, due `timeout` after its first
 * message (timeout 0: due as soon as it holds anything). Pure; the clock is passed in.
 */
class BatchAccumulator {
public:
    using Clock = std::chrono::steady_clock;

    BatchAccumulator(std::size_t max_size, std::chrono::milliseconds timeout);

    void add(InboundMessage message, Clock::time_point now);
    bool empty() const { return messages_.empty(); }
    std::size_t size() const { return messages_.size(); }
    bool full() const { return messages_.size() >= max_size_; }
    /// Non-empty and its first message is `timeout` old.
    bool due(Clock::time_point now) const;
    /// When the batch becomes due; nullopt when empty.
    std::optional<Clock::time_point> deadline() const;
    /// Everything, in arrival order; the accumulator is empty afterwards.
    std::vector<InboundMessage> take();
    /// The first `count` (all if fewer), in arrival order; the timeout then runs from the
    /// arrival of the first one kept.
    std::vector<InboundMessage> take(std::size_t count);
    /// Removes and returns the messages of `partitions` (revocation); keeps the others.
    std::vector<InboundMessage> take(const std::set<TopicPartition>& partitions);

private:
    std::size_t max_size_;
    std::chrono::milliseconds timeout_;
    std::vector<InboundMessage> messages_;
    std::vector<Clock::time_point> added_;  // per message, for the timeout of what is kept
};

}  // namespace orderflow::consumer
