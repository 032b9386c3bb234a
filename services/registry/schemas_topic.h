#pragma once

// `_schemas` over librdkafka: a reader that assigns partition 0 from the beginning and applies
// every record to the store (also the leader's own writes: the store changes only here), and a
// writer (schemas_writer.h) that produces with acks=all. A write catches up first by producing a
// NOOP record and reading up to it (its offset is the end of the log: no watermark query), then
// produces its records and waits until the reader applied them and the store took them; one
// deadline (REGISTRY_TIMEOUT) bounds the whole write.

#include "kafka/client_config.h"
#include "registry/record_log.h"
#include "registry/schema_store.h"
#include "registry/schemas_writer.h"
#include "registry/startup_wait.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace orderflow::registry {

struct TopicOptions {
    std::string topic = "_schemas";
    int replication_factor = 3;
    /// Bound on startup replay and on a whole write (catching up, delivery, read-back).
    std::chrono::milliseconds timeout{30000};
};

class SchemasTopic : public RecordLog {
public:
    using Clock = std::chrono::steady_clock;

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
    /// Who may write: checked again right before each write produces (null: always this one).
    void set_leadership(const Leadership* leadership) { leadership_ = leadership; }

    std::chrono::milliseconds write_timeout() const override { return options_.timeout; }

    /// Starts a write's deadline (REGISTRY_TIMEOUT), checks leadership and reads to the end of
    /// the log. Errors: ApiError 50002 (deadline), 50001 (Kafka error), 50004 (not leader).
    void sync() override;
    /// For reads (read_barrier.h): returns once the store applied everything the log held when
    /// called, proven as a write's catch-up is (a NOOP record read back) but through a producer
    /// of its own, so it neither waits for a write nor needs the leadership.
    /// Errors: ApiError 50002 (deadline), 50001 (Kafka error).
    void catch_up(Clock::time_point deadline);
    /// Produces within the deadline sync() started, waits until the reader applied the
    /// records, and checks that the store took each of them (50001 when another writer's
    /// record won: never an answer naming what the store does not hold).
    void append(const std::vector<Record>& records) override;

private:
    void ensure_topic();
    void read_loop();
    std::int64_t startup_end_offset(Clock::time_point deadline);
    bool wait_applied(std::int64_t next_offset, Clock::time_point deadline);
    void check_leadership(const char* step) const;
    WrittenRange write_or_throw(const std::vector<Record>& records,
                                Clock::time_point deadline,
                                const std::string& what);
    void read_back_or_throw(std::int64_t next_offset,
                            Clock::time_point started,
                            Clock::time_point deadline,
                            const std::string& what);
    /// (offset, key) of the records in `range` the store did not take.
    std::vector<std::pair<std::int64_t, std::string>> rejected_between(WrittenRange range) const;
    void restate(const std::vector<std::pair<std::int64_t, std::string>>& rejected,
                 Clock::time_point deadline);

    kafka::ClientSettings settings_;
    TopicOptions options_;
    SchemaStore& store_;
    const Leadership* leadership_ = nullptr;
    kafka::HandlePtr consumer_;
    std::unique_ptr<SchemasWriter> writer_;
    std::mutex marker_mutex_;
    std::unique_ptr<SchemasWriter> marker_writer_;  // catch_up()'s, made on first use
    std::thread reader_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> caught_up_{false};
    mutable std::mutex mutex_;
    std::condition_variable applied_;
    std::int64_t next_offset_ = 0;
    // Recent records the store did not take (offset, key), for the writer's check.
    std::deque<std::pair<std::int64_t, std::string>> rejected_;
    std::mutex write_mutex_;
    Clock::time_point write_started_{};
    Clock::time_point write_deadline_{};
    bool sync_pending_ = false;
};

}  // namespace orderflow::registry
