#include "producer/ack_log.h"

#include "common/config_error.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace orderflow::producer {

AckLog::AckLog(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw common::ConfigError("PRODUCE_ACK_LOG",
                                  "cannot open '" + path_ + "': " + std::strerror(errno));
    }
}

AckLog::~AckLog() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void AckLog::record(std::string_view order_id, std::int32_t partition, std::int64_t offset) {
    line_.assign(order_id);
    line_ += ' ';
    line_ += std::to_string(partition);
    line_ += ' ';
    line_ += std::to_string(offset);
    line_ += '\n';
    // One write(2) per line (a short one is continued): the line is in the kernel when this
    // returns, which is what a kill -9 of the producer cannot take back.
    std::size_t done = 0;
    while (done < line_.size()) {
        const auto n = ::write(fd_, line_.data() + done, line_.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (++write_errors_ == 1 || write_errors_ % 1000 == 0) {
                spdlog::error("ack log {}: write failed ({}); {} line(s) missing so far", path_,
                              std::strerror(errno), write_errors_);
            }
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace orderflow::producer
