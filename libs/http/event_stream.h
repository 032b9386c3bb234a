#pragma once

// A server-sent event stream (text/event-stream): the handler keeps the shared_ptr, or hands it
// to another thread, and sends events until it closes the stream or the stream closes itself
// (client gone, client too slow to read, server stopping). The server writes what was sent,
// sends a comment as heartbeat when nothing was sent for a while, and exempts the connection
// from the idle timeout.

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace orderflow::http {

class EventStream {
public:
    /// Pending bytes beyond which a reader counts as too slow and the stream is closed.
    static constexpr std::size_t kMaxPendingBytes = 4 * 1024 * 1024;

    /// Queues one event (multi-line data becomes several data: lines). False once closed.
    bool send(std::string_view data, std::string_view event = {}, std::string_view id = {});
    /// Queues a comment line (": text"), e.g. to keep proxies from timing out. False once closed.
    bool comment(std::string_view text);
    /// Ends the stream: what was queued is still written, then the connection closes.
    void close();
    bool closed() const;

    // --- for the server's connection, not for handlers ---
    /// `wake` is called (from the sending thread) whenever bytes are queued or the stream closes.
    void attach(std::function<void()> wake);
    /// Takes every queued byte.
    std::string take();
    /// Closes from the server's side (client gone, shutdown) and drops the wake callback.
    void detach();

private:
    bool queue(std::string bytes);

    mutable std::mutex mutex_;
    std::string pending_;
    bool closed_ = false;
    std::function<void()> wake_;
};

}  // namespace orderflow::http
