#pragma once

// Load that costs a thread-per-connection server its workers: connections that send their
// request head one byte per second (slowloris), and kept-alive connections that sit idle.
// Loopback only; every socket is closed when the object goes.

#include "support/raw_http.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace orderflow::test {

class SlowLoad {
public:
    /// Opens `idle` kept-alive connections (one GET `idle_target` each, answered) and `slow`
    /// connections that start a request one byte at a time.
    SlowLoad(std::uint16_t port, std::size_t slow, std::size_t idle, std::string idle_target);
    ~SlowLoad();

    /// Starts a thread that sends one more head byte per second on every slow connection; a
    /// slow connection the server closes is counted and replaced by a new one (so `slow` are
    /// always in progress) until stop_replacing().
    void start();
    void stop_replacing() { replace_ = false; }
    /// Waits until every slow connection open now has been closed by the server (while they
    /// keep trickling); returns how many are still open after `timeout`.
    std::size_t wait_until_slow_closed(std::chrono::milliseconds timeout);
    /// Slow connections the server closed so far.
    std::size_t closed_by_server() const { return closed_.load(); }
    /// How many idle connections still answer a request now.
    std::size_t idle_still_answering();
    void stop();

private:
    struct Slow {
        std::unique_ptr<RawConnection> connection;
        std::size_t sent = 0;
        bool closed = false;
    };
    void open_slow(Slow& slow);
    void tick();

    std::uint16_t port_;
    std::string idle_target_;
    std::vector<Slow> slow_;
    std::vector<RawConnection> idle_;
    std::atomic<bool> running_{false};
    std::atomic<bool> replace_{true};
    std::atomic<std::size_t> closed_{0};
    std::atomic<std::size_t> open_slow_{0};
    std::thread thread_;
};

/// The status of one GET `target` on a fresh connection; 0 when nothing answers within
/// `timeout` (not listening yet, closed, silent).
int answer_status(std::uint16_t port, const std::string& target, std::chrono::milliseconds timeout);

/// Latencies of requests on fresh connections, and how many got no answer in time.
struct ProbeResult {
    std::vector<double> latencies_ms;
    std::size_t failures = 0;
    double percentile(double p) const;
};

/// Until `stop` is set: every `interval`, a new connection sends GET `target` with
/// Connection: close and waits up to `answer_within` for a 200.
ProbeResult probe_until(std::uint16_t port,
                        const std::string& target,
                        std::chrono::milliseconds interval,
                        std::chrono::milliseconds answer_within,
                        const std::atomic<bool>& stop);

}  // namespace orderflow::test
