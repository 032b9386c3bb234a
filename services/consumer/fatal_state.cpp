#include "consumer/fatal_state.h"

namespace orderflow::consumer {

void FatalState::stop(const std::string& why) noexcept {
    std::lock_guard lock(mutex_);
    if (stopped_) {
        return;
    }
    try {
        why_ = why;
    } catch (...) {
        // Out of memory for the text: stopped all the same, only the reason is lost.
    }
    stopped_ = true;
}

bool FatalState::stopped() const {
    return stopped_.load();
}

std::string FatalState::why() const {
    std::lock_guard lock(mutex_);
    return why_;
}

}  // namespace orderflow::consumer
