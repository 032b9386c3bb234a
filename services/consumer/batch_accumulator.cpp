#include "consumer/batch_accumulator.h"

#include <algorithm>

namespace orderflow::consumer {

BatchAccumulator::BatchAccumulator(std::size_t max_size, std::chrono::milliseconds timeout)
    : max_size_(std::max<std::size_t>(max_size, 1)), timeout_(timeout) {}

void BatchAccumulator::add(InboundMessage message, Clock::time_point now) {
    if (messages_.empty()) {
        first_added_ = now;
    }
    messages_.push_back(std::move(message));
}

bool BatchAccumulator::due(Clock::time_point now) const {
    return !messages_.empty() && now - first_added_ >= timeout_;
}

std::optional<BatchAccumulator::Clock::time_point> BatchAccumulator::deadline() const {
    if (messages_.empty()) {
        return std::nullopt;
    }
    return first_added_ + timeout_;
}

std::vector<InboundMessage> BatchAccumulator::take() {
    std::vector<InboundMessage> out;
    out.swap(messages_);
    return out;
}

std::vector<InboundMessage> BatchAccumulator::take(const std::set<TopicPartition>& partitions) {
    std::vector<InboundMessage> taken;
    std::vector<InboundMessage> kept;
    for (auto& message : messages_) {
        auto& target = partitions.contains({message.topic, message.partition}) ? taken : kept;
        target.push_back(std::move(message));
    }
    messages_.swap(kept);
    return taken;
}

}  // namespace orderflow::consumer
