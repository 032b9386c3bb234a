#include "http/pending_answer.h"

#include <utility>

namespace orderflow::http {

bool PendingAnswer::answer(Response response) {
    response.stream.reset();
    response.pending.reset();
    std::function<void(Response)> deliver;
    {
        std::lock_guard lock(mutex_);
        if (answered_ || detached_) {
            return false;
        }
        answered_ = true;
        if (!deliver_) {
            early_ = std::move(response);
            return true;
        }
        deliver = std::move(deliver_);
    }
    deliver(std::move(response));  // outside the lock: it posts to the connection's strand
    return true;
}

bool PendingAnswer::answered() const {
    std::lock_guard lock(mutex_);
    return answered_;
}

void PendingAnswer::attach(std::function<void(Response)> deliver) {
    std::optional<Response> early;
    {
        std::lock_guard lock(mutex_);
        if (detached_) {
            return;
        }
        if (!early_) {
            deliver_ = std::move(deliver);
            return;
        }
        early = std::move(early_);
        early_.reset();
    }
    deliver(std::move(*early));
}

void PendingAnswer::detach() {
    std::lock_guard lock(mutex_);
    detached_ = true;
    deliver_ = nullptr;
    early_.reset();
}

}  // namespace orderflow::http
