// An event stream: its head written by hand (the body ends when the connection does), queued
// events written one batch at a time, heartbeats while quiet, and a reader watched for leaving.
#include "connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <utility>

namespace orderflow::http::detail {
namespace http = beast::http;

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
}  // namespace orderflow::http::detail
