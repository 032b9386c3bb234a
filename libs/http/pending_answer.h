#pragma once

// An answer a handler gives later, from any thread: the handler calls `res.defer()`, keeps (or
// hands on) the returned PendingAnswer and returns; whoever learns the outcome (a Kafka delivery
// report, a Redis read on a timer) calls answer() once. Meanwhile the request costs a socket and
// a timer, never a thread. Limits::handler_budget still bounds it: past that the server answers
// 503 by itself and a later answer() is dropped.

#include "http/message.h"

#include <functional>
#include <mutex>
#include <optional>

namespace orderflow::http {

class PendingAnswer {
public:
    /// Sends `response` (a stream or a second defer() in it is ignored). False when this
    /// request was answered already or its connection is gone (closed, budget spent).
    bool answer(Response response);
    bool answered() const;

    // --- for the server's connection, not for handlers ---
    /// `deliver` gets the answer, at once when it was given before the attach.
    void attach(std::function<void(Response)> deliver);
    /// The connection is gone: later answers are dropped.
    void detach();

private:
    mutable std::mutex mutex_;
    bool answered_ = false;
    bool detached_ = false;
    std::optional<Response> early_;  // answered before attach()
    std::function<void(Response)> deliver_;
};

}  // namespace orderflow::http
