#pragma once

#include "consumer/batch_processor.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::consumer {

/// What the writer needs from the consumer loop while a dependency is away.
class WriterHost {
public:
    using Clock = std::chrono::steady_clock;
    virtual ~WriterHost() = default;
    /// Pauses (or resumes) fetching; `why` is the last failure.
    virtual void set_paused(bool paused, const std::string& why) = 0;
    /// Keeps the group membership and callbacks alive (consume()) for about `duration`. A
    /// rebalance in there may take the batch being retried (it is then empty).
    virtual void serve_for(std::chrono::milliseconds duration) = 0;
    /// Set once a stop was requested: when the writer must give up.
    virtual std::optional<Clock::time_point> stop_deadline() = 0;
    /// A fatal Kafka error: give up at once.
    virtual bool fatal() const = 0;
};

/**
 * Writes a batch through the BatchProcessor, retrying a failing dependency with capped
 * exponential backoff while the host pauses fetching and keeps serving. Any exception but
 * FatalError is retried (an unexpected one is logged as such): one bad attempt never ends the
 * consumer, and nothing unwritten is handed on to be committed. FatalError passes through.
 */
class RetryingWriter {
public:
    RetryingWriter(BatchProcessor& processor,
                   std::string group,
                   std::chrono::milliseconds max_backoff);

    /// One attempt; nullopt on failure (last_failure() says why).
    std::optional<BatchOutcome> try_once(const std::vector<InboundMessage>& batch);

    /// Attempts until written (the batch is then cleared), taken by a rebalance (empty), or
    /// abandoned at the stop deadline or on a fatal error (the batch is cleared: nothing of it
    /// was committed, so it is redelivered). Resumes the host once written.
    std::optional<BatchOutcome> write(std::vector<InboundMessage>& batch, WriterHost& host);

    const std::string& last_failure() const { return last_failure_; }
    std::int64_t failures() const { return failures_; }

private:
    BatchProcessor& processor_;
    std::string group_;
    std::chrono::milliseconds max_backoff_;
    std::string last_failure_;
    std::int64_t failures_ = 0;
};

}  // namespace orderflow::consumer
