// Reading a request: its head (route, limits, 100-continue), its body against the shared
// budget, the parser's failures, and the idle wait for the next one.
#include "connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <stdexcept>

namespace orderflow::http::detail {
namespace http = beast::http;
namespace {

bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

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

}  // namespace orderflow::http::detail
