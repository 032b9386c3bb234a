#include "http/event_stream.h"

#include <utility>

namespace orderflow::http {
namespace {

// Each line of `text` as "<field>: line\n" (SSE forbids raw newlines inside a field).
void append_lines(std::string& out, std::string_view field, std::string_view text) {
    while (true) {
        const auto newline = text.find('\n');
        out.append(field).append(": ").append(text.substr(0, newline)).append("\n");
        if (newline == std::string_view::npos) {
            return;
        }
        text.remove_prefix(newline + 1);
    }
}

}  // namespace

bool EventStream::send(std::string_view data, std::string_view event, std::string_view id) {
    std::string bytes;
    bytes.reserve(data.size() + event.size() + id.size() + 24);
    if (!event.empty()) {
        append_lines(bytes, "event", event);
    }
    if (!id.empty()) {
        append_lines(bytes, "id", id);
    }
    append_lines(bytes, "data", data);
    bytes += '\n';
    return queue(std::move(bytes));
}

bool EventStream::comment(std::string_view text) {
    std::string bytes;
    append_lines(bytes, "", text);
    bytes += '\n';
    return queue(std::move(bytes));
}

bool EventStream::queue(std::string bytes) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
        if (pending_.size() + bytes.size() > kMaxPendingBytes) {
            closed_ = true;  // the reader does not keep up: end the stream rather than grow
            pending_.clear();
        } else {
            pending_ += bytes;
        }
        wake = wake_;
    }
    if (wake) {
        wake();
    }
    return !closed();
}

void EventStream::close() {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return;
        }
        closed_ = true;
        wake = wake_;
    }
    if (wake) {
        wake();
    }
}

bool EventStream::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void EventStream::attach(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

std::string EventStream::take() {
    std::lock_guard lock(mutex_);
    return std::exchange(pending_, std::string());
}

void EventStream::detach() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    wake_ = nullptr;
}

}  // namespace orderflow::http
