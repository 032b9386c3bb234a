#include "console/audit_cache.h"

#include "audit/audit_result.h"

namespace orderflow::console {

AuditCache::AuditCache(audit::AuditSettings settings, std::chrono::seconds fresh_for)
    : settings_(std::move(settings)), fresh_for_(fresh_for) {
    settings_.live = true;
}

nlohmann::json AuditCache::result() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return !running_; });
    if (last_ && Clock::now() - last_at_ < fresh_for_) {
        return *last_;
    }
    running_ = true;
    lock.unlock();
    try {
        auto json = audit::to_json(audit::run_audit(settings_));
        lock.lock();
        last_ = json;
        last_at_ = Clock::now();
        running_ = false;
        done_.notify_all();
        return json;
    } catch (...) {
        lock.lock();
        running_ = false;
        done_.notify_all();
        throw;
    }
}

}  // namespace orderflow::console
