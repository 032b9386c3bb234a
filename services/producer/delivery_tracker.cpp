#include "producer/delivery_tracker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::producer {

DeliveryTracker::DeliveryTracker(ResendRules rules, Now now, UnsettledChanged unsettled_changed)
    : rules_(rules), now_(std::move(now)), unsettled_changed_(std::move(unsettled_changed)) {}

void DeliveryTracker::sent() {
    change_unsettled(+1);
}

void DeliveryTracker::settled() {
    change_unsettled(-1);
}

void DeliveryTracker::change_unsettled(std::int64_t delta) {
    {
        std::lock_guard lock(mutex_);
        unsettled_ += delta;
        if (unsettled_changed_) {
            unsettled_changed_(unsettled_);
        }
    }
    changed_.notify_all();
}

std::unique_ptr<PendingOrder> DeliveryTracker::failed(std::unique_ptr<PendingOrder> pending,
                                                      const std::string& reason) {
    const auto order_id = pending->order.order_id;
    int attempt = 0;
    std::chrono::milliseconds backoff{};
    {
        // One scope: a stop between the check and the queueing would strand the order.
        std::lock_guard lock(mutex_);
        if (!resending_ || pending->attempt >= rules_.resends) {
            return pending;
        }
        attempt = ++pending->attempt;
        backoff = std::min<std::chrono::milliseconds>(
            rules_.first_backoff * (1LL << std::min(attempt - 1, 20)), rules_.max_backoff);
        pending->last_error = reason;
        pending->due = now_() + backoff;
        waiting_.push_back(std::move(pending));
        ++resends_;
    }
    spdlog::warn("order {} not delivered: {}; re-send {} of {} in {} ms", order_id, reason, attempt,
                 rules_.resends, backoff.count());
    changed_.notify_all();
    return nullptr;
}

std::unique_ptr<PendingOrder> DeliveryTracker::requeue(std::unique_ptr<PendingOrder> pending,
                                                       const std::string& reason) {
    {
        std::lock_guard lock(mutex_);
        if (!resending_) {
            return pending;
        }
        pending->last_error = reason;
        pending->due = now_();
        waiting_.push_back(std::move(pending));
    }
    changed_.notify_all();
    return nullptr;
}

std::vector<std::unique_ptr<PendingOrder>> DeliveryTracker::take_due() {
    std::vector<std::unique_ptr<PendingOrder>> due;
    std::lock_guard lock(mutex_);
    const auto now = now_();
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if ((*it)->due <= now) {
            due.push_back(std::move(*it));
            it = waiting_.erase(it);
        } else {
            ++it;
        }
    }
    return due;
}

void DeliveryTracker::stop_resending() {
    {
        std::lock_guard lock(mutex_);
        resending_ = false;
    }
    changed_.notify_all();
}

std::vector<std::unique_ptr<PendingOrder>> DeliveryTracker::take_waiting() {
    std::lock_guard lock(mutex_);
    std::vector<std::unique_ptr<PendingOrder>> waiting;
    for (auto& pending : waiting_) {
        waiting.push_back(std::move(pending));
    }
    waiting_.clear();
    return waiting;
}

DeliveryTracker::Clock::time_point DeliveryTracker::first_due(Clock::time_point wake) const {
    for (const auto& pending : waiting_) {
        wake = std::min(wake, pending->due);
    }
    return wake;
}

DeliveryTracker::Clock::time_point DeliveryTracker::wake_at(Clock::time_point wake) const {
    std::lock_guard lock(mutex_);
    return first_due(wake);
}

bool DeliveryTracker::rest_until(Clock::time_point wake, bool more_to_send) {
    std::unique_lock lock(mutex_);
    if (!more_to_send && unsettled_ == 0) {
        return false;
    }
    changed_.wait_until(lock, first_due(wake));
    return true;
}

bool DeliveryTracker::wait_settled(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return unsettled_ == 0; });
}

std::int64_t DeliveryTracker::unsettled() const {
    std::lock_guard lock(mutex_);
    return unsettled_;
}

}  // namespace orderflow::producer
