#pragma once

// /api/audit: an audit reads both topics to their end and every stored order, which takes
// seconds and memory in proportion to the orders, so it runs as a child process
// (`orderflow audit --live true --json`), one at a time, watched by a thread of its own; a
// request answers the last result at once (a page never waits for an audit, and the console's
// memory never holds the orders).

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace orderflow::console {

class AuditCache {
public:
    /// `command`: the audit's argv (its program first); it must print its JSON result as the
    /// last line starting with "{". It is killed after `timeout`.
    AuditCache(std::vector<std::string> command,
               std::chrono::milliseconds timeout,
               std::chrono::seconds fresh_for);
    ~AuditCache();  // waits for an audit that is running
    AuditCache(const AuditCache&) = delete;
    AuditCache& operator=(const AuditCache&) = delete;

    /**
     * The last audit's JSON with "running" (an audit is under way) and "age_seconds"; when the
     * last start is older than `fresh_for` (or none) a new audit starts in the background. Before
     * the first one has finished: {"computed_at_ms": null, "clean": null, "running": true}. A
     * failed audit leaves "error" with its reason (and the last good result, if any).
     */
    nlohmann::json result();

private:
    void run();

    std::vector<std::string> command_;
    std::chrono::milliseconds timeout_;
    std::chrono::seconds fresh_for_;
    std::mutex mutex_;
    bool running_ = false;
    std::optional<nlohmann::json> last_;
    std::optional<std::string> error_;
    std::chrono::steady_clock::time_point last_at_;                  ///< of last_
    std::optional<std::chrono::steady_clock::time_point> tried_at_;  ///< the last start
    std::jthread worker_;
};

}  // namespace orderflow::console
