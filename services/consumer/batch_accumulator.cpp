#include "consumer/batch_accumulator.h"

#include <algorithm>
#include <iterator>

namespace orderflow::consumer {

BatchAccumulator::BatchAccumulator(std::size_t max_size, std::chrono::milliseconds timeout)
    : max_size_(std::max<std::size_t>(max_size, 1)), timeout_(timeout) {}

void BatchAccumulator::add(InboundMessage message, Clock::time_point now) {
    messages_.push_back(std::move(message));
    added_.push_back(now);
}

bool BatchAccumulator::due(Clock::time_point now) const {
    return !messages_.empty() && now - added_.front() >= timeout_;
}

std::optional<BatchAccumulator::Clock::time_point> BatchAccumulator::deadline() const {
    if (messages_.empty()) {
        return std::nullopt;
    }
    return added_.front() + timeout_;
}

std::vector<InboundMessage> BatchAccumulator::take() {
    std::vector<InboundMessage> out;
    out.swap(messages_);
    added_.clear();
    return out;
}

std::vector<InboundMessage> BatchAccumulator::take(std::size_t count) {
    if (count >= messages_.size()) {
        return take();
    }
    const auto end = messages_.begin() + static_cast<std::ptrdiff_t>(count);
    std::vector<InboundMessage> out(std::make_move_iterator(messages_.begin()),
                                    std::make_move_iterator(end));
    messages_.erase(messages_.begin(), end);
    added_.erase(added_.begin(), added_.begin() + static_cast<std::ptrdiff_t>(count));
    return out;
}

std::vector<InboundMessage> BatchAccumulator::take(const std::set<TopicPartition>& partitions) {
    std::vector<InboundMessage> taken;
    std::vector<InboundMessage> kept;
    std::vector<Clock::time_point> kept_added;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        auto& message = messages_[i];
        if (partitions.contains({message.topic, message.partition})) {
            taken.push_back(std::move(message));
        } else {
            kept.push_back(std::move(message));
            kept_added.push_back(added_[i]);
        }
    }
    messages_.swap(kept);
    added_.swap(kept_added);
    return taken;
}

}  // namespace orderflow::consumer
