#pragma once

// Before a read answers "not found", this instance proves that it applied everything `_schemas`
// held at a moment after the request arrived. A follower cut off from Kafka keeps answering
// from memory and may not have seen a schema the leader registered a second ago; a consumer
// takes a 404 for "this id never existed" and dead-letters a valid order. So a 404 waits for one
// check (schemas_topic.h: a NOOP record written and read back) and is answered only if the
// store still lacks what was asked; when the check fails, the answer is a 5xx that clients
// retry.
//
// One check serves every request that arrived before it started, so a flood of unknown ids
// costs one check at a time, at most one per min_interval, and at most max_waiting requests
// wait (the next one is refused at once).

#include "registry/api_error.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace orderflow::registry {

struct ReadBarrierOptions {
    /// Bound on one check; a check still running then fails its requests.
    std::chrono::milliseconds timeout{5000};
    /// Checks start at most this often; requests arriving meanwhile join the next one.
    std::chrono::milliseconds min_interval{100};
    /// Requests waiting for a check at most; more are refused.
    std::size_t max_waiting = 1024;
};

class ReadBarrier {
public:
    using Clock = std::chrono::steady_clock;
    /// Returns once the store holds everything the log held when it was called; throws
    /// (ApiError, or any exception) when it cannot tell by the deadline.
    using Check = std::function<void(Clock::time_point deadline)>;
    /// Called once per request, on the barrier's thread: nullopt when the check passed, else
    /// why it did not.
    using Done = std::function<void(const std::optional<ApiError>& failure)>;

    ReadBarrier(Check check, ReadBarrierOptions options);
    ~ReadBarrier();
    ReadBarrier(const ReadBarrier&) = delete;
    ReadBarrier& operator=(const ReadBarrier&) = delete;

    /// Calls `done` after the next check that starts after this call. False, and `done` is
    /// dropped, when max_waiting requests wait already or the barrier stopped.
    bool after_next_check(Done done);
    /// Fails every waiting request (503: stopping) and joins the thread. Idempotent.
    void stop();
    /// Checks run so far (tests and metrics).
    std::size_t checks() const;

private:
    void loop();

    Check check_;
    ReadBarrierOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Done> waiting_;
    bool stopping_ = false;
    std::size_t checks_ = 0;
    Clock::time_point next_allowed_{};
    std::thread thread_;
};

}  // namespace orderflow::registry
