#pragma once

// /api/audit: an audit reads both topics to their end, which takes seconds with many orders,
// so the console runs one at a time and answers the last result while it is fresh.

#include "audit/audit_run.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

namespace orderflow::console {

class AuditCache {
public:
    /// `settings.live` is forced on: orders in flight are reported, not failures.
    AuditCache(audit::AuditSettings settings, std::chrono::seconds fresh_for);

    /**
     * The last result if it is younger than `fresh_for`, else a new audit run on this thread;
     * a caller that arrives while one runs waits for it. Errors: whatever the audit throws
     * (the caller that ran it gets the error; the next call tries again).
     */
    nlohmann::json result();

private:
    audit::AuditSettings settings_;
    std::chrono::seconds fresh_for_;
    std::mutex mutex_;
    std::condition_variable done_;
    bool running_ = false;
    std::optional<nlohmann::json> last_;
    std::chrono::steady_clock::time_point last_at_;
};

}  // namespace orderflow::console
