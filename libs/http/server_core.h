#pragma once

// Inside the server (Boost.Asio types): what every connection shares. Not for services.

#include "buffer_budget.h"
#include "http/server.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace orderflow::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
// A connection's socket and timers name their strand's type: through the type-erased
// any_io_executor every operation copied the strand into a heap block (a malloc and a free per
// operation, and an atomic count), most of a small answer's cost.
using Strand = asio::strand<asio::io_context::executor_type>;
using Socket = asio::basic_stream_socket<tcp, Strand>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>,
                                         Strand>;

class Connection;

struct ServerCore {
    ServerCore(Router r, ServerOptions o);

    void render(const ServerError& error, const Request* request, Response& response) const;
    void accept();
    void refuse(Socket& socket);
    void add(const std::shared_ptr<Connection>& connection);
    void remove(std::uint64_t id);
    /// A connection answered its last request and only waits for the client to close.
    void lingering_changed(int delta);
    std::vector<std::shared_ptr<Connection>> connections_now();
    /// One event-loop thread: an exception that escapes a completion handler is logged and
    /// the loop goes on (that handler's connection is dropped with it).
    void run_loop();

    const Router router;
    const ServerOptions options;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open{0};
    std::atomic<std::size_t> refused{0};
    std::atomic<std::size_t> lingering{0};  // of `open`: answered, waiting for the client's close

    // Declared before the io_context: connections still queued in it at destruction remove
    // themselves from here.
    std::mutex mutex;
    std::condition_variable all_closed;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::uint64_t next_id = 0;
    // Before the io_context and the workers: the requests they hold give their bytes back.
    BufferBudget buffers;

    asio::io_context io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    asio::strand<asio::io_context::executor_type> accept_strand;
    tcp::acceptor acceptor;
    asio::steady_timer accept_retry;
    std::chrono::steady_clock::time_point last_accept_warning{};
    std::uint16_t port = 0;
    // After the io_context: its destructor joins handlers that hold connections (sockets).
    asio::thread_pool workers;
    std::vector<std::thread> io_threads;
    bool started = false;
    bool stopped = false;
};

}  // namespace orderflow::http::detail
