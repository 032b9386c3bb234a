#pragma once

// The producer behind every `_schemas` write, bounded by the caller's deadline: it produces
// records to partition 0 with acks=all, waits for their delivery reports until the deadline and
// then purges whatever is still queued or in flight, so no call waits on a dead or paused
// broker for longer than asked. librdkafka retries retriable errors (not leader, leader not
// available, request timed out, transport failure) itself after refreshing its metadata; the
// handle's request and socket timeouts are a few seconds so that a paused broker costs one
// retry, not minutes.

#include "kafka/client_config.h"
#include "kafka/poll_thread.h"
#include "registry/records.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace orderflow::registry {

/// Offsets of the first and the last record of one write.
struct WrittenRange {
    std::int64_t first = -1;
    std::int64_t last = -1;
};

class SchemasWriter {
public:
    using Clock = std::chrono::steady_clock;

    /// `timeout` (REGISTRY_TIMEOUT) bounds librdkafka's own retries of one message.
    SchemasWriter(const kafka::ClientSettings& settings,
                  std::string topic,
                  std::chrono::milliseconds timeout);
    ~SchemasWriter();
    SchemasWriter(const SchemasWriter&) = delete;
    SchemasWriter& operator=(const SchemasWriter&) = delete;

    rd_kafka_t* handle() const { return producer_.get(); }

    /**
     * Produces `records` in order and returns their offsets once every delivery report arrived.
     * One write at a time (callers serialize). Logs a line a second while it waits.
     * Errors: kafka::KafkaError — code _TIMED_OUT when `deadline` passed (the message names the
     * time waited and the last broker error), the delivery report's code otherwise, or _DESTROY
     * when `stop_requested` returned true (asked every 100 ms).
     */
    WrittenRange write(const std::vector<Record>& records,
                       Clock::time_point deadline,
                       const std::function<bool()>& stop_requested = {});

    /// The last error librdkafka reported for this handle (a broker down, ...) at or after
    /// `since`, or "".
    std::string last_error(Clock::time_point since) const;

    /// Stops the poller and flushes (bounded). Idempotent.
    void close();

    // Called from librdkafka's error callback.
    void on_error(const std::string& text);

private:
    std::string topic_;
    kafka::HandlePtr producer_;
    std::unique_ptr<kafka::PollThread> poller_;
    std::atomic<bool> stop_{false};
    mutable std::mutex error_mutex_;
    std::string last_error_;
    Clock::time_point last_error_at_{};
};

}  // namespace orderflow::registry
