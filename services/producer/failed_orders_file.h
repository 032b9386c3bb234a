#pragma once

#include "metrics/metrics.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace orderflow::producer {

/**
 * The failed-orders file (JSON lines), written by a thread of its own so that no delivery
 * report waits on the disk. Each line is appended whole (O_APPEND, one line per write loop)
 * and fsynced before its callback says `true`. A write error is logged, counted
 * (orderflow_producer_failed_file_write_errors_total) and remembered (write_errors()); the file
 * is closed, and the same line is tried again every `retry_every` on a freshly opened file, so
 * lines land once the path is writable again. finish() gives every line one last try; a line
 * that still cannot be written is logged in full and its callback says `false`.
 */
class FailedOrdersFile {
public:
    /// Called on the writer thread once a line is on disk (true) or given up (false).
    using Done = std::function<void(bool written)>;

    explicit FailedOrdersFile(std::string path,
                              std::chrono::milliseconds retry_every = std::chrono::seconds(1));
    ~FailedOrdersFile();  // finish()
    FailedOrdersFile(const FailedOrdersFile&) = delete;
    FailedOrdersFile& operator=(const FailedOrdersFile&) = delete;

    /// Queues `line` (without its newline). Never blocks on I/O.
    void append(std::string line, Done done);

    /// Writes what is queued (one more try per line after errors), then stops the thread.
    void finish();

    std::int64_t write_errors() const;
    const std::string& path() const { return path_; }

private:
    struct Line {
        std::string text;
        Done done;
    };

    void run();
    bool write_line(const std::string& text);  // true when written and fsynced
    void close_file();

    std::string path_;
    std::chrono::milliseconds retry_every_;
    int fd_ = -1;  // writer thread only

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Line> queue_;
    bool finishing_ = false;
    std::int64_t write_errors_ = 0;
    metrics::Counter& write_errors_total_;
    std::thread writer_;
};

}  // namespace orderflow::producer
