#pragma once

// Where writes go. The Kafka implementation (schemas_topic.h) produces to `_schemas` and waits
// until this instance's replay has applied the records; MemoryRecordLog applies them directly
// (component tests, and the recorded-replay tests).

#include "registry/api_error.h"
#include "registry/leadership.h"
#include "registry/records.h"
#include "registry/schema_store.h"

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace orderflow::registry {

class RecordLog {
public:
    virtual ~RecordLog() = default;
    /// How long one write may take (REGISTRY_TIMEOUT); also how long a write waits for its turn.
    virtual std::chrono::milliseconds write_timeout() const { return std::chrono::seconds(30); }
    /// Writes `records` in order; returns once the store has applied all of them and took
    /// each (see SchemaStore::apply). Errors: ApiError 50001 (store error, or a record the
    /// store did not take), 50002 (timeout), 50004 (leadership lost before writing).
    virtual void append(const std::vector<Record>& records) = 0;
    /// Returns once the store has applied everything the log held when called (so a write
    /// decision sees every earlier write). Errors: ApiError 50002.
    virtual void sync() = 0;
};

/// One write at a time on an instance. A write waits for its turn at most `wait` (then ApiError
/// 50002), so writes queued behind a stuck one answer in bounded time and hand their HTTP worker
/// back to the reads.
class WriteGate {
public:
    explicit WriteGate(std::chrono::milliseconds wait) : wait_(wait) {}
    void lock() {
        if (!mutex_.try_lock_for(wait_)) {
            throw errors::operation_timeout(
                "Timed out after " + std::to_string(wait_.count()) +
                " ms (REGISTRY_TIMEOUT) waiting for an earlier write to the Kafka store to finish");
        }
    }
    void unlock() { mutex_.unlock(); }

private:
    std::timed_mutex mutex_;
    std::chrono::milliseconds wait_;
};

/// Applies records to the store directly, keeping a copy of each (tests read them back).
class MemoryRecordLog : public RecordLog {
public:
    explicit MemoryRecordLog(SchemaStore& store) : store_(store) {}
    void append(const std::vector<Record>& records) override {
        std::lock_guard lock(mutex_);
        for (const auto& r : records) {
            const bool took = store_.apply(r.key, r.value);
            records_.push_back(r);
            if (!took) {
                throw errors::store_error("the store did not take the record " + r.key);
            }
        }
    }
    void sync() override {}
    std::vector<Record> records() const {
        std::lock_guard lock(mutex_);
        return records_;
    }

private:
    SchemaStore& store_;
    mutable std::mutex mutex_;
    std::vector<Record> records_;
};

}  // namespace orderflow::registry
