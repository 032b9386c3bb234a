#pragma once

// A step that blocks until the test lets it go, for tests of code that waits on one (a check, a
// write): each call counts as started and waits for a release of its own; what the last release
// gave (`then`, which may throw) runs when the call is let go.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace orderflow::test {

class GatedStep {
public:
    void operator()() {
        std::unique_lock lock(mutex_);
        ++started_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_ >= started_; });
        const auto then = then_;
        lock.unlock();
        if (then) {
            then();
        }
    }
    /// False when fewer than `n` calls started within `timeout`.
    bool wait_started(int n, std::chrono::seconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return started_ >= n; });
    }
    /// Lets one call (started or to come) go; it runs `then` after.
    void release(std::function<void()> then = {}) {
        std::lock_guard lock(mutex_);
        then_ = std::move(then);
        ++released_;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int started_ = 0;
    int released_ = 0;
    std::function<void()> then_;
};

}  // namespace orderflow::test
