#pragma once

// A blocking loopback TCP client that speaks HTTP/1.1 by hand, for tests that need what a
// library client hides: partial heads, pipelining, byte-at-a-time sends, many idle sockets, and
// seeing when the server closes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::test {

struct RawReply {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    /// First value of a header (case-insensitive), "" when absent.
    std::string header(std::string_view name) const;
};

class RawConnection {
public:
    /// Connects to 127.0.0.1:port. Throws std::runtime_error when it cannot.
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(RawConnection&& other) noexcept;
    RawConnection& operator=(RawConnection&&) = delete;
    RawConnection(const RawConnection&) = delete;

    /// False when the server closed or reset the connection.
    bool send(std::string_view bytes);
    /// One response with a Content-Length (or no body), nullopt on close or after timeout.
    /// Bytes after it stay buffered for the next call (pipelining).
    std::optional<RawReply> read_reply(std::chrono::milliseconds timeout);
    /// Reads until `needle` has arrived; false on close or timeout. Everything read is in
    /// received().
    bool read_until(std::string_view needle, std::chrono::milliseconds timeout);
    /// True when the server closed (EOF or reset) within timeout; data sent before is dropped.
    bool closed_by_server(std::chrono::milliseconds timeout);
    const std::string& received() const { return buffer_; }
    int fd() const { return fd_; }

private:
    /// Waits up to timeout for bytes; false on close, error or timeout (closed_ tells which).
    bool receive_some(std::chrono::milliseconds timeout);

    int fd_ = -1;
    bool closed_ = false;
    std::string buffer_;
};

/// "GET <target> HTTP/1.1" with Host and the extra header lines (each ending in \r\n).
std::string raw_get(std::string_view target, std::string_view extra_headers = "");

/// Raises this process's soft open-file limit to at least `wanted` (up to the hard limit);
/// returns the soft limit now in force.
std::uint64_t raise_open_file_limit(std::uint64_t wanted);

}  // namespace orderflow::test
