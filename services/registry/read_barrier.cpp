#include "registry/read_barrier.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace orderflow::registry {
namespace {

// A request's callback must not end the barrier's thread (and every later request with it).
void answer(const ReadBarrier::Done& done, const std::optional<ApiError>& failure) {
    try {
        done(failure);
    } catch (const std::exception& e) {
        spdlog::error("registry read barrier: answering a request failed: {}", e.what());
    }
}

}  // namespace

ReadBarrier::ReadBarrier(Check check, ReadBarrierOptions options)
    : check_(std::move(check)), options_(options), thread_([this] { loop(); }) {}

ReadBarrier::~ReadBarrier() {
    stop();
}

bool ReadBarrier::after_next_check(Done done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || waiting_.size() >= options_.max_waiting) {
            return false;
        }
        waiting_.push_back(std::move(done));
    }
    wake_.notify_one();
    return true;
}

std::size_t ReadBarrier::checks() const {
    std::lock_guard lock(mutex_);
    return checks_;
}

void ReadBarrier::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ReadBarrier::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
        if (!stopping_) {
            wake_.wait_until(lock, next_allowed_, [&] { return stopping_; });
        }
        if (stopping_) {
            break;
        }
        // Everything queued so far arrived before this check starts.
        auto batch = std::move(waiting_);
        waiting_.clear();
        ++checks_;
        lock.unlock();
        std::optional<ApiError> failure;
        try {
            check_(Clock::now() + options_.timeout);
        } catch (const ApiError& e) {
            failure = e;
        } catch (const std::exception& e) {
            failure = errors::operation_timeout(e.what());
        }
        for (auto& done : batch) {
            answer(done, failure);
        }
        lock.lock();
        next_allowed_ = Clock::now() + options_.min_interval;
    }
    auto left = std::move(waiting_);
    waiting_.clear();
    lock.unlock();
    const ApiError stopping(503, 503, "HTTP 503 Service Unavailable: the registry is stopping");
    for (auto& done : left) {
        answer(done, stopping);
    }
}

}  // namespace orderflow::registry
