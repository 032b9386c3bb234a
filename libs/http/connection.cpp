// A connection's life: creation, the server's stop requests, its one deadline timer, closing.
#include "connection.h"

#include <boost/asio/dispatch.hpp>
#include <utility>

namespace orderflow::http::detail {
namespace http = beast::http;
namespace {

// How long a closing connection keeps reading (and dropping) what the client still sends, so
// that our last answer is not lost to a reset.
constexpr std::chrono::milliseconds kLinger{2000};

}  // namespace

Connection::Connection(ServerCore& core, Socket socket, std::uint64_t id)
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
    if (pending_) {
        pending_->detach();
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
    deadline_ = std::chrono::steady_clock::now() + timeout;
    armed_ = true;
    // One wait stays pending across phases and moves only to an earlier deadline: a request
    // re-arms the deadline several times (head, answer, idle) with no timer operation and no
    // timerfd_settime; the wait, when it fires early, waits again for the later deadline.
    if (!deadline_waiting_ || deadline_ < timer_.expiry()) {
        wait_deadline();
    }
}

void Connection::disarm() {
    armed_ = false;  // the pending wait finds nothing to enforce and ends
}

void Connection::wait_deadline() {
    deadline_waiting_ = true;
    timer_.expires_at(deadline_);  // a wait still pending ends with operation_aborted
    // Weak: the wait stays pending after disarm(), and must not keep alive a connection that
    // nothing else holds (one an exception dropped ends now, not at this deadline).
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        if (auto self = weak.lock(); self && !ec) {
            self->on_deadline();
        }
    });
}

void Connection::on_deadline() {
    if (!armed_ || !socket_.is_open()) {
        deadline_waiting_ = false;
    } else if (std::chrono::steady_clock::now() < deadline_) {
        wait_deadline();  // re-armed since this wait began
    } else {
        deadline_waiting_ = false;
        close();  // too slow: head, body, idle, write or linger
    }
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
    deadline_waiting_ = false;
    timer_.cancel();
    budget_timer_.cancel();
    heartbeat_.cancel();
    if (stream_) {
        stream_->detach();
    }
    if (pending_) {
        pending_->detach();
        pending_.reset();
    }
    beast::error_code ignored;
    socket_.close(ignored);
}

}  // namespace orderflow::http::detail
