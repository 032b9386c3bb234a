#pragma once

// An event-driven HTTP/1.1 server (Boost.Beast on Asio, see README.md): a connection that is
// idle, slow or streaming costs a socket and a timer, never a thread. Handlers that may block
// run on a worker pool under a time budget; every limit has a clear answer (Limits).

#include "http/message.h"
#include "http/router.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace orderflow::http {

namespace detail {
struct ServerCore;
}

using std::chrono::milliseconds;

/// Every limit and what a client gets when it hits it.
struct Limits {
    /// The whole request head must arrive within this (from accept, or from the first byte of
    /// the next request on a kept-alive connection); else the connection is closed, no answer.
    milliseconds head_timeout{10000};
    /// The body, once the head is in, must arrive within this; else closed.
    milliseconds body_timeout{60000};
    /// A kept-alive connection with no new request for this long is closed. A response that
    /// cannot be written within this (client not reading) closes the connection too.
    milliseconds idle_timeout{30000};
    /// Request line plus headers; more: 431 and close.
    std::size_t max_header_bytes = 16 * 1024;
    /// Request body (Content-Length or chunked); more: 413 and close. The ceiling of every
    /// route's own limit (RouteOptions::max_body_bytes).
    std::size_t max_body_bytes = 16 * 1024 * 1024;
    /// Request bodies held at once across all connections (a Content-Length is reserved when
    /// the head arrives, a chunked body as it grows); more: 503 with Retry-After and close.
    std::size_t max_buffered_bytes = 64 * 1024 * 1024;
    /// Open connections; one more is accepted, answered 503 at once and closed.
    std::size_t max_connections = 1024;
    /// A blocking route (RouteOptions::blocking) that has not answered within this: 503.
    milliseconds handler_budget{30000};
    /// stop(): requests in flight may finish within this; then every connection is closed.
    milliseconds shutdown_timeout{5000};
    /// An event stream with nothing sent for this long gets a ": heartbeat" comment.
    milliseconds stream_heartbeat{15000};
};

/// Why the server answered by itself (no handler, or not the handler's answer).
enum class Failure {
    bad_request,         // 400: unparsable request
    not_found,           // 404: no route for the path
    method_not_allowed,  // 405: a route for the path, not for the method
    payload_too_large,   // 413: body over the route's limit
    header_too_large,    // 431: head, chunk line or trailer over max_header_bytes
    handler_failed,      // 500: the handler threw
    over_capacity,       // 503: max_connections or max_buffered_bytes reached
    budget_exceeded,     // 503: a blocking handler did not answer within handler_budget
};

struct ServerError {
    int status = 500;
    Failure failure = Failure::handler_failed;
    std::string message;  // e.g. "HTTP 404 Not Found", or the exception text
};

/// Fills the response for a ServerError (status is preset). `request` is null when the head
/// could not be read (400, 431, over capacity). Lets a service keep its own error bodies.
using ErrorRenderer =
    std::function<void(const ServerError& error, const Request* request, Response& response)>;

/// {"error_code":<status>,"message":"<message>"} as application/json.
void render_json_error(const ServerError& error, const Request* request, Response& response);

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0 picks a free port
    /// The setting named in the ConfigError when host:port cannot be bound.
    std::string listen_setting = "LISTEN";
    /// For log lines ("registry", "status").
    std::string name = "http";
    Limits limits;
    std::size_t io_threads = 1;      // event loop threads
    std::size_t worker_threads = 4;  // for blocking routes
    ErrorRenderer render_error = render_json_error;
};

struct ServerStats {
    std::size_t open_connections = 0;
    std::size_t refused_connections = 0;  // over max_connections
};

class Server {
public:
    /// Binds at once (a taken port fails here, before slow start-up work): common::ConfigError
    /// naming options.listen_setting. Raises the soft open-file limit toward max_connections.
    Server(Router router, ServerOptions options);
    ~Server();  // stop()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const;
    /// Starts accepting (connections made meanwhile wait in the listen backlog).
    void start();
    /// Stops accepting, closes idle, slow and streaming connections, lets requests in flight
    /// finish within Limits::shutdown_timeout, closes whatever is left and joins every thread.
    /// Safe to call twice.
    void stop();
    ServerStats stats() const;

private:
    std::shared_ptr<detail::ServerCore> core_;
};

}  // namespace orderflow::http
