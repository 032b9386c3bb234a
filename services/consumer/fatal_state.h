#pragma once

#include <atomic>
#include <mutex>
#include <string>

namespace orderflow::consumer {

/**
 * The one record of "this consumer is fatally stopped, and why": a FatalError out of a write
 * or a revocation, or librdkafka's fatal error event. Set from the loop thread or librdkafka's
 * callbacks, read from any thread (/health); the first reason stays.
 */
class FatalState {
public:
    /// Records `why` unless a reason is already recorded. Never throws.
    void stop(const std::string& why) noexcept;
    bool stopped() const;
    /// The first reason; empty while not stopped.
    std::string why() const;

private:
    mutable std::mutex mutex_;          // guards why_
    std::atomic<bool> stopped_{false};  // read on every turn of the loop: no lock
    std::string why_;
};

}  // namespace orderflow::consumer
