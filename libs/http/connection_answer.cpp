// Answering a request: running its handler (inline, or on the worker pool within the handler
// budget), rendering errors, writing the response and deciding what comes next.
#include "connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

namespace orderflow::http::detail {
namespace http = beast::http;

void Connection::dispatch() {
    disarm();
    state_ = State::handling;
    auto request = std::move(request_);
    request->body = std::move(parser_->get().body());
    parser_.reset();
    auto held = std::move(charge_);  // the body's bytes, until the handler is done with it
    const auto* route = route_;
    if (!route->options.blocking) {
        Response response;
        run_handler(route->handler, *request, response);
        held.reset();  // before the answer: its first bytes may leave inside respond()
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
    asio::post(core_.workers, [self = shared_from_this(), request, held, sequence,
                               handler = &route->handler]() mutable {
        try {
            Response response;
            self->run_handler(*handler, *request, response);
            // Given back before the answer is sent, so a client that has it finds the room
            // (this lambda dies later, on this thread).
            held.reset();
            asio::post(self->socket_.get_executor(),
                       [self, sequence, response = std::move(response)]() mutable {
                           self->on_handled(sequence, std::move(response));
                       });
        } catch (...) {
            // Only the error renderer can throw here: drop this connection, keep the
            // worker.
            spdlog::error("{}: {} {}: no answer could be made: connection closed",
                          self->core_.options.name, request->method, request->path());
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
    spdlog::error("{}: {} {}: {}", core_.options.name, request.method, request.path(), what);
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
    if (pending_) {
        pending_->detach();
        pending_.reset();
    }
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

void Connection::await_answer(std::shared_ptr<PendingAnswer> pending) {
    state_ = State::handling;
    const auto sequence = ++sequence_;
    pending_ = std::move(pending);
    budget_timer_.expires_after(limits_.handler_budget);
    budget_timer_.async_wait([self = shared_from_this(), sequence](beast::error_code ec) {
        if (!ec) {
            self->on_budget_exceeded(sequence);
        }
    });
    // Weak: the budget timer keeps the connection alive until the answer, not the answerer.
    std::weak_ptr<Connection> weak = shared_from_this();
    pending_->attach([weak, sequence](Response response) {
        if (auto self = weak.lock()) {
            asio::post(self->socket_.get_executor(),
                       [self, sequence, response = std::move(response)]() mutable {
                           self->on_handled(sequence, std::move(response));
                       });
        }
    });
}

void Connection::respond(Response response) {
    if (response.pending) {
        await_answer(std::move(response.pending));
        return;
    }
    if (pending_) {
        pending_->detach();
        pending_.reset();
    }
    if (response.stream) {
        start_stream(std::move(response));
        return;
    }
    state_ = State::writing;
    const bool keep_alive = keep_alive_ && !core_.stopping;
    arm(limits_.idle_timeout);
    if (!write_plain(response, keep_alive)) {
        write_with_beast(std::move(response), keep_alive);
    }
}

namespace {

// Answers whose head Beast adjusts (no body allowed, a Connection header to merge with, framing
// set by the handler) are left to Beast's serializer; every other head is written by hand.
bool plain_head(const Response& response) {
    if (response.status < 200 || response.status > 999 || response.status == 204 ||
        response.status == 304) {
        return false;
    }
    return std::none_of(response.headers.begin(), response.headers.end(), [](const Header& h) {
        return iequals(h.first, "Connection") || iequals(h.first, "Content-Length") ||
               iequals(h.first, "Transfer-Encoding");
    });
}

}  // namespace

bool Connection::write_plain(Response& response, bool keep_alive) {
    if (!plain_head(response)) {
        return false;
    }
    // The bytes Beast's serializer writes for such an answer (status line, the handler's headers
    // in order, Connection as keep_alive() sets it, Content-Length), head and body in one write.
    out_head_.clear();
    out_head_.append("HTTP/")
        .append(std::to_string(version_ / 10))
        .append(".")
        .append(std::to_string(version_ % 10))
        .append(" ")
        .append(std::to_string(response.status))
        .append(" ")
        .append(http::obsolete_reason(http::int_to_status(static_cast<unsigned>(response.status))))
        .append("\r\n");
    for (const auto& [name, value] : response.headers) {
        out_head_.append(name).append(": ").append(value).append("\r\n");
    }
    if (version_ >= 11 && !keep_alive) {
        out_head_.append("Connection: close\r\n");
    } else if (version_ < 11 && keep_alive) {
        out_head_.append("Connection: keep-alive\r\n");
    }
    out_head_.append("Content-Length: ")
        .append(std::to_string(response.body.size()))
        .append("\r\n\r\n");
    out_body_ = std::move(response.body);
    if (head_only_) {
        out_body_.clear();  // Content-Length stays that of the GET answer
    }
    const std::array<asio::const_buffer, 2> bytes{asio::buffer(out_head_), asio::buffer(out_body_)};
    asio::async_write(socket_, bytes,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                          self->on_written(ec, keep_alive);
                      });
    return true;
}

void Connection::write_with_beast(Response response, bool keep_alive) {
    auto& out = response_.emplace();
    out.version(version_);
    out.result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) {
        out.insert(name, value);
    }
    out.body() = std::move(response.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    if (head_only_) {
        out.body().clear();  // Content-Length stays that of the GET answer
    }
    http::async_write(socket_, out,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                          self->on_written(ec, keep_alive);
                      });
}

void Connection::on_written(beast::error_code ec, bool keep_alive) {
    response_.reset();
    out_body_ = std::string();  // a large body is not kept for the connection's life
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
}  // namespace orderflow::http::detail
