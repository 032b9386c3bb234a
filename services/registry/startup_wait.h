#pragma once

// The waits of the registry's start-up: until a Kafka handle sees a topic's partition, with a
// progress line a second, each ended early by SIGTERM/SIGINT.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace orderflow::registry {

/// Thrown by the start-up waits when SIGTERM/SIGINT arrives before the registry serves.
struct StartInterrupted : std::runtime_error {
    StartInterrupted() : std::runtime_error("stop requested during start-up") {}
};

/**
 * Waits until `handle`'s own metadata shows `topic` with partition 0 and a leader, asking again
 * (each answer comes from any broker, and one may not know a topic created a moment ago; a
 * good answer also replaces a cached "unknown topic") until `deadline`. Logs progress about
 * once a second as `who`. Errors: kafka::KafkaError at the deadline; StartInterrupted.
 */
void wait_for_partition(rd_kafka_t* handle,
                        const std::string& topic,
                        std::chrono::steady_clock::time_point deadline,
                        const std::string& who);

/// Sleeps `duration` in short steps; StartInterrupted when a stop is requested.
void pause_or_stop(std::chrono::milliseconds duration);

/// Progress of a start-up wait: silent when it is short, then one line a second.
class ProgressLog {
public:
    explicit ProgressLog(std::string what);
    void waiting(const std::string& problem);
    void done() const;

private:
    using Clock = std::chrono::steady_clock;
    std::int64_t elapsed_ms() const;
    std::string what_;
    Clock::time_point since_;
    Clock::time_point last_;
    bool logged_ = false;
};

}  // namespace orderflow::registry
