#pragma once

// `_schemas` over librdkafka: a reader that assigns partition 0 from the beginning and applies
// every record to the store (also the leader's own writes: the store changes only here), and a
// writer that produces with acks=all and idempotence, waits for each delivery report and then
// for the reader to have applied the record.

#include "kafka/client_config.h"
#include "registry/record_log.h"
#include "registry/schema_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

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

struct TopicOptions {
    std::string topic = "_schemas";
    int replication_factor = 3;
    /// Bound on startup replay, on a write's delivery and on catching up before a write.
    std::chrono::milliseconds timeout{30000};
};

class SchemasTopic : public RecordLog {
public:
    SchemasTopic(const kafka::ClientSettings& settings, TopicOptions options, SchemaStore& store);
    ~SchemasTopic() override;
    SchemasTopic(const SchemasTopic&) = delete;
    SchemasTopic& operator=(const SchemasTopic&) = delete;

    /**
     * Creates the topic when missing (1 partition, compacted, options.replication_factor),
     * refuses one with more partitions or not compacted, starts the reader and returns once it
     * applied everything up to the high watermark. A topic created a moment ago is waited for
     * (every Kafka handle must see its partition) within options.timeout.
     * Errors: kafka::KafkaError; StartInterrupted on SIGTERM/SIGINT.
     */
    void start();
    /// Stops the reader, flushes the producer (bounded) and closes both handles. Idempotent.
    void stop();
    bool caught_up() const { return caught_up_.load(); }
    std::int64_t applied_offset() const;

    void append(const std::vector<Record>& records) override;
    void sync() override;

private:
    void ensure_topic();
    void read_loop();
    std::int64_t high_watermark(std::chrono::milliseconds timeout);
    std::int64_t startup_end_offset(std::chrono::steady_clock::time_point deadline);
    void wait_reader_fetching(std::chrono::steady_clock::time_point deadline);
    bool wait_applied(std::int64_t next_offset, std::chrono::milliseconds timeout);

    kafka::ClientSettings settings_;
    TopicOptions options_;
    SchemaStore& store_;
    kafka::HandlePtr consumer_;
    kafka::HandlePtr producer_;
    std::thread reader_;
    std::thread poller_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> caught_up_{false};
    mutable std::mutex mutex_;
    std::condition_variable applied_;
    std::int64_t next_offset_ = 0;
    std::mutex write_mutex_;
};

}  // namespace orderflow::registry
