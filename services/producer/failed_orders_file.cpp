#include "producer/failed_orders_file.h"

#include "common/guarded_thread.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace orderflow::producer {

FailedOrdersFile::FailedOrdersFile(std::string path, std::chrono::milliseconds retry_every)
    : path_(std::move(path)),
      retry_every_(retry_every),
      write_errors_total_(metrics::default_registry().counter(
          "orderflow_producer_failed_file_write_errors_total",
          "Failed attempts to append and fsync a line of the failed-orders file")),
      writer_(common::guarded("failed-orders writer", [this] { run(); })) {}

FailedOrdersFile::~FailedOrdersFile() {
    finish();
}

void FailedOrdersFile::append(std::string line, Done done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(line), std::move(done)});
    }
    changed_.notify_all();
}

void FailedOrdersFile::finish() {
    {
        std::lock_guard lock(mutex_);
        finishing_ = true;
    }
    changed_.notify_all();
    if (writer_.joinable()) {
        writer_.join();
    }
}

std::int64_t FailedOrdersFile::write_errors() const {
    std::lock_guard lock(mutex_);
    return write_errors_;
}

void FailedOrdersFile::run() {
    while (true) {
        Line line;
        bool last_try = false;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return finishing_ || !queue_.empty(); });
            if (queue_.empty()) {
                break;
            }
            line = std::move(queue_.front());
            queue_.pop_front();
            last_try = finishing_;
        }
        if (write_line(line.text)) {
            line.done(true);
            continue;
        }
        close_file();  // a fresh open next time: the path may have been repaired or replaced
        if (last_try) {
            spdlog::error("giving up on {}: this failed order is only in this log line: {}", path_,
                          line.text);
            line.done(false);
            continue;
        }
        std::unique_lock lock(mutex_);
        queue_.push_front(std::move(line));  // keeps the file's order
        changed_.wait_for(lock, retry_every_, [this] { return finishing_; });
    }
    close_file();
}

bool FailedOrdersFile::write_line(const std::string& text) {
    auto fail = [this](const char* what) {
        const int error = errno;
        {
            std::lock_guard lock(mutex_);
            ++write_errors_;
        }
        write_errors_total_.inc();
        spdlog::error(
            "cannot write the failed-orders file {}: {} failed: {}; the order stays "
            "queued and is tried again in {} ms",
            path_, what, std::strerror(error), retry_every_.count());
        return false;
    };
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            return fail("open");
        }
    }
    // Where this line starts, so that a half-written line can be cut off again.
    const off_t start = ::lseek(fd_, 0, SEEK_END);
    const std::string whole = text + "\n";
    std::size_t done = 0;
    while (done < whole.size()) {
        const auto n = ::write(fd_, whole.data() + done, whole.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const bool failed = fail("write");
            if (start >= 0 && done > 0) {
                (void)::ftruncate(fd_, start);
            }
            return failed;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0) {
        const bool failed = fail("fsync");
        if (start >= 0) {
            (void)::ftruncate(fd_, start);  // not durable: it is written again, once
        }
        return failed;
    }
    return true;
}

void FailedOrdersFile::close_file() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

}  // namespace orderflow::producer
