#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orderflow::producer {

/**
 * The acknowledgement log (PRODUCE_ACK_LOG): one line "ORDER_ID PARTITION OFFSET\n" per order
 * the cluster acknowledged (acks=all), appended from the delivery-report thread before the
 * producer counts the order as delivered. Each line goes to the kernel with one write(2) on an
 * O_APPEND descriptor, so once an order counts as delivered its line survives a kill -9 of the
 * producer; a kill can only cut the line being written (no newline yet: readers skip it). It
 * is not fsynced: a machine crash may lose the last lines. A write error is logged and counted
 * (write_errors()); the order stays delivered (it is in Kafka), only its line is missing.
 *
 * Errors (constructor): ConfigError PRODUCE_ACK_LOG when the file cannot be opened.
 */
class AckLog {
public:
    explicit AckLog(std::string path);
    ~AckLog();
    AckLog(const AckLog&) = delete;
    AckLog& operator=(const AckLog&) = delete;

    /// Writes one line; delivery-report thread only.
    void record(std::string_view order_id, std::int32_t partition, std::int64_t offset);
    std::int64_t write_errors() const { return write_errors_; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    std::string line_;  // reused: no allocation per order
    std::int64_t write_errors_ = 0;
};

}  // namespace orderflow::producer
