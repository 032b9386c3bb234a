#include "registry/leadership.h"

namespace orderflow::registry {

bool Leadership::wait_for_leader(std::chrono::steady_clock::time_point deadline) const {
    const auto known = [this] { return is_leader() || leader_url().has_value(); };
    while (true) {
        std::unique_lock lock(change_mutex_);
        const auto seen = changes_;
        lock.unlock();
        // Asked without our lock: an implementation may announce while holding its own.
        if (known()) {
            return true;
        }
        lock.lock();
        if (!changed_.wait_until(lock, deadline, [&] { return changes_ != seen; })) {
            lock.unlock();
            return known();
        }
    }
}

void Leadership::announce_change() {
    {
        std::lock_guard lock(change_mutex_);
        ++changes_;
    }
    changed_.notify_all();
}

}  // namespace orderflow::registry
