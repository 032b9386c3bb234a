#include "connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>
#include <utility>

namespace orderflow::http::detail {
namespace http = beast::http;
namespace {

// How long a closing connection keeps reading (and dropping) what the client still sends, so
// that our last answer is not lost to a reset.
constexpr std::chrono::milliseconds kLinger{2000};

bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

Connection::Connection(ServerCore& core, tcp::socket socket, std::uint64_t id)
    : core_(core),
      limits_(core.options.limits),
      socket_(std::move(socket)),
      id_(id),
      timer_(socket_.get_executor()),
      budget_timer_(socket_.get_executor()),
      heartbeat_(socket_.get_executor()) {}

Connection::~Connection() {
    if (stream_) {
        stream_->detach();
    }
    core_.remove(id_);
}

void Connection::start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read_head(); });
}

void Connection::shut_down() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
        switch (self->state_) {
            case State::reading_head:
            case State::idle:
                self->close();  // nothing in flight (a slow head is not a request yet)
                break;
            case State::streaming:
                self->end_stream();
                break;
            default:
                break;  // in flight: the answer goes out with Connection: close
        }
    });
}

void Connection::force_close() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void Connection::arm(std::chrono::milliseconds timeout) {
    const auto generation = ++timer_generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
        if (!ec && generation == self->timer_generation_) {
            self->close();  // too slow: head, body, idle, write or linger
        }
    });
}

void Connection::disarm() {
    ++timer_generation_;
    timer_.cancel();
}

void Connection::read_head() {
    if (core_.stopping) {
        close();
        return;
    }
    state_ = State::reading_head;
    request_.reset();
    route_ = nullptr;
    charge_.reset();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    parser_->eager(false);  // stop after the head: the route decides about the body
    arm(limits_.head_timeout);
    parse_buffered();
}

void Connection::parse_buffered() {
    while (true) {
        if (buffer_.size() == 0) {
            read_more();
            return;
        }
        beast::error_code ec;
        std::size_t used = 0;
        try {
            used = parser_->put(buffer_.data(), ec);
        } catch (const std::exception& e) {
            fail_parse(e);
            return;
        }
        buffer_.consume(used);
        if (ec == http::error::need_more || (!ec && used == 0)) {
            read_more();
            return;
        }
        if (ec) {
            fail_read(ec);
            return;
        }
        if (state_ == State::reading_head) {
            on_head();
            return;
        }
        if (!charge_body()) {
            return;
        }
        if (parser_->is_done()) {
            dispatch();
            return;
        }
    }
}

void Connection::read_more() {
    constexpr std::size_t kReadSize = 64 * 1024;
    const auto cap = limits_.max_header_bytes;
    if (buffer_.size() >= cap) {
        // The parser wants more than a head may hold: a chunk line or a trailer that long (a
        // head that long is Beast's header_limit).
        fail({431, Failure::header_too_large,
              "request chunk line or trailer over " + std::to_string(cap) + " bytes"},
             request_.get());
        return;
    }
    const auto reading = state_;
    socket_.async_read_some(
        buffer_.prepare(std::min(cap - buffer_.size(), kReadSize)),
        [self = shared_from_this(), reading](beast::error_code ec, std::size_t n) {
            if (self->state_ != reading) {
                return;  // closed meanwhile (deadline, stop)
            }
            self->buffer_.commit(n);
            if (ec) {
                self->close();  // client gone, or reset
            } else {
                self->parse_buffered();
            }
        });
}

void Connection::on_head() {
    disarm();
    const auto& message = parser_->get();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    head_only_ = message.method() == http::verb::head;
    request_ = std::make_shared<Request>(head_request());
    const auto match = core_.router.find(*request_);
    route_ = match.route;
    if (route_ == nullptr) {
        answer_unrouted(match);
        return;
    }
    body_limit_ = body_limit(*route_, request_->method, limits_.max_body_bytes);
    const auto length = parser_->content_length();
    if (length && *length > body_limit_) {
        fail_too_large(body_limit_, *request_);
        return;
    }
    parser_->body_limit(body_limit_);  // chunked bodies: checked at each chunk's size line
    if (parser_->is_done()) {
        dispatch();
        return;
    }
    charge_ = std::make_shared<BufferCharge>(core_.buffers);
    // A Content-Length is reserved whole now (the body's string is allocated at that size).
    if (!charge(length.value_or(0))) {
        return;
    }
    state_ = State::reading_body;
    if (iequals(message[http::field::expect], "100-continue")) {
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        arm(limits_.idle_timeout);
        asio::async_write(socket_, asio::buffer(kContinue),
                          [self = shared_from_this()](beast::error_code wec, std::size_t) {
                              if (self->state_ != State::reading_body) {
                                  return;
                              }
                              self->disarm();
                              if (wec) {
                                  self->close();
                              } else {
                                  self->read_body();
                              }
                          });
        return;
    }
    read_body();
}

void Connection::answer_unrouted(const Router::Match& match) {
    // The body of a request nobody takes is not read: the connection cannot be reused.
    if (parser_->chunked() || parser_->content_length().value_or(0) > 0) {
        keep_alive_ = false;
    }
    state_ = State::handling;
    Response response;
    if (match.path_known) {
        response.status = 405;
        core_.render({405, Failure::method_not_allowed, "HTTP 405 Method Not Allowed"},
                     request_.get(), response);
        response.set_header("Allow", match.allow);
    } else {
        response.status = 404;
        core_.render({404, Failure::not_found, "HTTP 404 Not Found"}, request_.get(), response);
    }
    request_.reset();
    respond(std::move(response));
}

void Connection::read_body() {
    state_ = State::reading_body;
    parser_->eager(true);
    arm(limits_.body_timeout);
    parse_buffered();
}

bool Connection::charge_body() {
    return !charge_ || charge(parser_->get().body().capacity());
}

bool Connection::charge(std::size_t bytes) {
    if (charge_->grow_to(bytes)) {
        return true;
    }
    fail({503, Failure::over_capacity,
          "over " + std::to_string(core_.buffers.cap()) +
              " bytes of request bodies held across connections"},
         request_.get());
    return false;
}

void Connection::fail_read(beast::error_code ec) {
    if (ec == http::error::header_limit) {
        fail({431, Failure::header_too_large,
              "request head over " + std::to_string(limits_.max_header_bytes) + " bytes"},
             nullptr);
    } else if (ec == http::error::body_limit) {
        // Before the route is known, the server's limit; after it, the route's.
        fail_too_large(request_ ? body_limit_ : limits_.max_body_bytes,
                       request_ ? *request_ : head_request());
    } else if (is_parse_error(ec)) {
        fail({400, Failure::bad_request,
              (request_ ? "bad request body: " : "bad request: ") + ec.message()},
             request_.get());
    } else {
        close();
    }
}

void Connection::fail_too_large(std::size_t limit, const Request& request) {
    fail({413, Failure::payload_too_large,
          limit == 0 ? request.method + " " + std::string(request.path()) + " takes no request body"
                     : "request body over " + std::to_string(limit) + " bytes"},
         &request);
}

void Connection::fail_parse(const std::exception& e) {
    spdlog::warn("{}: request parser failed: {} (answered, connection closed)", core_.options.name,
                 e.what());
    if (dynamic_cast<const std::length_error*>(&e) != nullptr) {
        fail({431, Failure::header_too_large, std::string("request field too large: ") + e.what()},
             request_.get());
    } else {
        fail({400, Failure::bad_request, std::string("unreadable request: ") + e.what()},
             request_.get());
    }
}

Request Connection::head_request() const {
    Request request;
    const auto& message = parser_->get();
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return request;
}

void Connection::dispatch() {
    disarm();
    state_ = State::handling;
    auto request = std::move(request_);
    request->body = std::move(parser_->get().body());
    parser_.reset();
    const auto held = std::move(charge_);  // the body's bytes, until the handler is done with it
    const auto* route = route_;
    if (!route->options.blocking) {
        Response response;
        run_handler(route->handler, *request, response);
        respond(std::move(response));
        return;
    }
    const auto sequence = ++sequence_;
    budget_timer_.expires_after(limits_.handler_budget);
    budget_timer_.async_wait([self = shared_from_this(), sequence](beast::error_code ec) {
        if (!ec) {
            self->on_budget_exceeded(sequence);
        }
    });
    asio::post(core_.workers,
               [self = shared_from_this(), request, held, sequence, handler = &route->handler] {
                   try {
                       Response response;
                       self->run_handler(*handler, *request, response);
                       asio::post(self->socket_.get_executor(),
                                  [self, sequence, response = std::move(response)]() mutable {
                                      self->on_handled(sequence, std::move(response));
                                  });
                   } catch (...) {
                       // Only the error renderer can throw here: drop this connection, keep the
                       // worker.
                       spdlog::error("{}: {} {}: no answer could be made: connection closed",
                                     self->core_.options.name, request->method, request->target);
                       self->force_close();
                   }
               });
}

void Connection::run_handler(const Handler& handler, const Request& request, Response& response) {
    std::string what;
    try {
        handler(request, response);
        return;
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "unknown exception";  // thrown by a handler that throws something else
    }
    spdlog::error("{}: {} {}: {}", core_.options.name, request.method, request.target, what);
    response = Response{};
    response.status = 500;
    core_.render({500, Failure::handler_failed, what}, &request, response);
}

void Connection::on_handled(std::uint64_t sequence, Response response) {
    if (sequence != sequence_ || state_ != State::handling) {
        return;  // answered 503 already (budget), or closed
    }
    budget_timer_.cancel();
    respond(std::move(response));
}

void Connection::on_budget_exceeded(std::uint64_t sequence) {
    if (sequence != sequence_ || state_ != State::handling) {
        return;
    }
    ++sequence_;  // the handler's late answer is dropped
    Response response;
    response.status = 503;
    core_.render({503, Failure::budget_exceeded,
                  "no answer within " + std::to_string(limits_.handler_budget.count()) + " ms"},
                 nullptr, response);
    respond(std::move(response));
}

void Connection::fail(const ServerError& error, const Request* request) {
    Response response;
    response.status = error.status;
    core_.render(error, request, response);
    if (error.failure == Failure::over_capacity) {
        response.set_header("Retry-After", "1");
    }
    keep_alive_ = false;  // the rest of the stream cannot be trusted
    head_only_ = request != nullptr && request->method == "HEAD";
    state_ = State::handling;
    respond(std::move(response));
}

void Connection::respond(Response response) {
    if (response.stream) {
        start_stream(std::move(response));
        return;
    }
    state_ = State::writing;
    auto& out = response_.emplace();
    out.version(version_);
    out.result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) {
        out.insert(name, value);
    }
    out.body() = std::move(response.body);
    const bool keep_alive = keep_alive_ && !core_.stopping;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    if (head_only_) {
        out.body().clear();  // Content-Length stays that of the GET answer
    }
    arm(limits_.idle_timeout);
    http::async_write(socket_, out,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                          self->on_written(ec, keep_alive);
                      });
}

void Connection::on_written(beast::error_code ec, bool keep_alive) {
    response_.reset();
    if (ec) {
        close();
        return;
    }
    disarm();
    if (!keep_alive || core_.stopping) {
        linger_close();
    } else if (buffer_.size() > 0) {
        read_head();  // pipelined: the next request is already here
    } else {
        wait_idle();
    }
}

void Connection::wait_idle() {
    state_ = State::idle;
    arm(limits_.idle_timeout);
    // The first byte of the next request ends the idle wait and starts the head deadline.
    socket_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                if (self->state_ != State::idle) {
                                    return;
                                }
                                self->buffer_.commit(n);
                                if (ec) {
                                    self->close();
                                } else {
                                    self->read_head();
                                }
                            });
}

void Connection::start_stream(Response response) {
    state_ = State::streaming;
    stream_ = std::move(response.stream);
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                       std::string(http::obsolete_reason(
                           http::int_to_status(static_cast<unsigned>(response.status)))) +
                       "\r\n";
    bool has_type = false;
    for (const auto& [name, value] : response.headers) {
        has_type = has_type || iequals(name, "Content-Type");
        head += name + ": " + value + "\r\n";
    }
    if (!has_type) {
        head += "Content-Type: text/event-stream\r\n";
    }
    // The body ends when the connection does.
    head += "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
    stream_out_ = std::move(head);
    std::weak_ptr<Connection> weak = shared_from_this();
    stream_->attach([weak] {
        if (auto self = weak.lock()) {
            asio::post(self->socket_.get_executor(), [self] {
                if (self->state_ == State::streaming) {
                    self->write_stream();
                }
            });
        }
    });
    if (core_.stopping) {
        stream_->detach();
    }
    watch_stream_reader();
    arm_heartbeat();
    write_stream();
}

void Connection::watch_stream_reader() {
    // A stream has no more requests: any read result means the client is gone (or misbehaves).
    socket_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (self->state_ != State::streaming) {
                                    return;
                                }
                                if (ec) {
                                    self->close();
                                } else {
                                    self->watch_stream_reader();
                                }
                            });
}

void Connection::arm_heartbeat() {
    heartbeat_.expires_after(limits_.stream_heartbeat);
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->state_ != State::streaming) {
            return;
        }
        if (!self->stream_sent_) {
            self->stream_->comment("heartbeat");
        }
        self->stream_sent_ = false;
        self->arm_heartbeat();
    });
}

void Connection::write_stream() {
    if (stream_writing_) {
        return;  // on_write comes back here
    }
    if (stream_out_.empty()) {
        stream_out_ = stream_->take();
    }
    if (stream_out_.empty()) {
        if (stream_->closed()) {
            linger_close();
        }
        return;
    }
    stream_writing_ = true;
    stream_sent_ = true;
    arm(limits_.idle_timeout);  // a reader that stops reading is dropped
    asio::async_write(socket_, asio::buffer(stream_out_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          self->stream_writing_ = false;
                          self->stream_out_.clear();
                          if (self->state_ != State::streaming) {
                              return;
                          }
                          self->disarm();
                          if (ec) {
                              self->close();
                          } else {
                              self->write_stream();
                          }
                      });
}

void Connection::end_stream() {
    stream_->detach();  // no more events; what is queued still goes out
    write_stream();
}

void Connection::linger_close() {
    if (state_ == State::closing) {
        return;
    }
    state_ = State::closing;
    lingering_ = true;
    core_.lingering_changed(+1);
    heartbeat_.cancel();
    if (stream_) {
        stream_->detach();
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm(kLinger);
    // Drop whatever the client still sends (say the rest of a refused body) until it closes.
    auto self = shared_from_this();
    buffer_.clear();  // a refused body or the rest of a bad request: never parsed
    struct Drain {
        std::shared_ptr<Connection> self;
        void operator()(beast::error_code ec = {}, std::size_t = 0) const {
            if (ec || self->state_ != State::closing || !self->socket_.is_open()) {
                self->close();
                return;
            }
            self->socket_.async_read_some(asio::buffer(self->discard_), Drain{self});
        }
    };
    Drain{self}();
}

void Connection::close() {
    if (!socket_.is_open()) {
        return;
    }
    state_ = State::closing;
    if (std::exchange(lingering_, false)) {
        core_.lingering_changed(-1);
    }
    disarm();
    budget_timer_.cancel();
    heartbeat_.cancel();
    if (stream_) {
        stream_->detach();
    }
    beast::error_code ignored;
    socket_.close(ignored);
}

}  // namespace orderflow::http::detail
