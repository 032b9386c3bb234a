#include "buffer_budget.h"

namespace orderflow::http::detail {

bool BufferBudget::take(std::size_t bytes) {
    auto held = held_.load();
    do {
        if (bytes > cap_ - held) {
            return false;
        }
    } while (!held_.compare_exchange_weak(held, held + bytes));
    return true;
}

void BufferBudget::give_back(std::size_t bytes) {
    held_.fetch_sub(bytes);
}

bool BufferCharge::grow_to(std::size_t bytes) {
    if (bytes <= bytes_) {
        return true;
    }
    if (!budget_.take(bytes - bytes_)) {
        return false;
    }
    bytes_ = bytes;
    return true;
}

}  // namespace orderflow::http::detail
