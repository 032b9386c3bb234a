#pragma once

// A thread that serves a librdkafka handle's callbacks (delivery reports, errors, logs) by
// polling it until stopped. It runs under common::guarded, so a callback that throws stops the
// process instead of ending it.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace orderflow::kafka {

class PollThread {
public:
    /// Starts polling `handle` (which must outlive this) for up to `step` at a time.
    PollThread(std::string name,
               rd_kafka_t* handle,
               std::chrono::milliseconds step = std::chrono::milliseconds(100));
    ~PollThread();
    PollThread(const PollThread&) = delete;
    PollThread& operator=(const PollThread&) = delete;

    /// Returns once the thread has ended (within one `step`). Idempotent.
    void stop();

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace orderflow::kafka
