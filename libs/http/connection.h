#pragma once

// One accepted connection, driven on its own strand: read a head (head_timeout), maybe a body
// (body_timeout), run the route (inline, or on the worker pool within handler_budget), write
// the answer, then wait for the next request (idle_timeout) or stream events. Not for services.

#include "buffer_budget.h"
#include "http/event_stream.h"
#include "http/pending_answer.h"
#include "server_core.h"

#include <array>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

namespace orderflow::http::detail {

namespace beast = boost::beast;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(ServerCore& core, Socket socket, std::uint64_t id);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    std::uint64_t id() const { return id_; }
    void start();
    /// Server stopping: close now unless a request is in flight (that one finishes first).
    void shut_down();
    /// Shutdown deadline passed: close whatever state.
    void force_close();

private:
    enum class State { reading_head, reading_body, idle, handling, writing, streaming, closing };

    void read_head();
    /// Feeds what is buffered to the parser, reading more while it needs more. Every byte the
    /// connection holds unparsed (a head, a chunk line, a trailer) fits in max_header_bytes.
    void parse_buffered();
    void read_more();
    /// The head is in: find the route, decide 404/405/413/503 before any body byte is read.
    void on_head();
    void answer_unrouted(const Router::Match& match);
    void read_body();
    /// The body's buffer (chunked: as it grows) against the budget shared by all connections;
    /// false when it answered 503.
    bool charge_body();
    bool charge(std::size_t bytes);
    /// The parser failed with `ec`: 431/413 for a broken limit, 400 for a parse error, else
    /// the connection is closed.
    void fail_read(beast::error_code ec);
    /// 413 for a body over `limit`.
    void fail_too_large(std::size_t limit, const Request& request);
    /// The parser threw (Beast cannot store a field over 64 KiB): 431 or 400, this one only.
    void fail_parse(const std::exception& e);
    void dispatch();
    void run_handler(const Handler& handler, const Request& request, Response& response);
    void on_handled(std::uint64_t sequence, Response response);
    void on_budget_exceeded(std::uint64_t sequence);
    void fail(const ServerError& error, const Request* request);
    void respond(Response response);
    /// Writes the answer with a head built here; false when Beast must build it.
    bool write_plain(Response& response, bool keep_alive);
    void write_with_beast(Response response, bool keep_alive);
    /// The handler deferred its answer: wait for it (within handler_budget) on this strand.
    void await_answer(std::shared_ptr<PendingAnswer> pending);
    void on_written(beast::error_code ec, bool keep_alive);
    void wait_idle();
    void start_stream(Response response);
    void watch_stream_reader();
    void write_stream();
    void arm_heartbeat();
    void end_stream();
    void linger_close();
    void close();
    /// The connection's one deadline (head, body, idle, write or linger): past it, close.
    void arm(std::chrono::milliseconds timeout);
    void disarm();
    void wait_deadline();
    void on_deadline();
    Request head_request() const;

    ServerCore& core_;
    const Limits& limits_;
    Socket socket_;
    const std::uint64_t id_;
    State state_ = State::reading_head;
    beast::flat_buffer buffer_;
    std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
    std::shared_ptr<Request> request_;      // from the head, until dispatched
    const Route* route_ = nullptr;          // of request_
    std::size_t body_limit_ = 0;            // of route_
    std::shared_ptr<BufferCharge> charge_;  // request_'s body in the shared budget
    std::optional<beast::http::response<beast::http::string_body>> response_;  // being written
    std::string out_head_;  // a hand-built head being written, then reused
    std::string out_body_;  // its body
    Timer timer_;           // waits for deadline_ (or an earlier one it was set to)
    std::chrono::steady_clock::time_point deadline_{};
    bool armed_ = false;
    bool deadline_waiting_ = false;  // a wait on timer_ is pending
    Timer budget_timer_;
    std::uint64_t sequence_ = 0;              // of the request being handled
    std::shared_ptr<PendingAnswer> pending_;  // a deferred answer being waited for
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool head_only_ = false;
    // Streaming.
    std::shared_ptr<EventStream> stream_;
    std::string stream_out_;  // bytes being written
    bool stream_writing_ = false;
    bool stream_sent_ = false;  // since the last heartbeat
    Timer heartbeat_;
    std::array<char, 512> discard_{};
    bool lingering_ = false;
};

}  // namespace orderflow::http::detail
