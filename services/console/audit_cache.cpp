#include "console/audit_cache.h"

#include "common/guarded_thread.h"
#include "console/child_command.h"

#include <spdlog/spdlog.h>

#include <sstream>

namespace orderflow::console {

using Clock = std::chrono::steady_clock;

namespace {

/// The audit's result from its output: the last line that is a JSON object. An exit code
/// other than 0 (clean), 1 (a difference) or 3 (in flight), or no such line, is an error
/// naming the last line it printed.
nlohmann::json parse_outcome(const CommandOutcome& outcome, std::chrono::milliseconds timeout) {
    if (outcome.timed_out) {
        throw std::runtime_error("the audit did not finish within " +
                                 std::to_string(timeout.count() / 1000) + " s");
    }
    std::optional<nlohmann::json> json;
    std::string last_line;
    std::istringstream lines(outcome.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("{")) {
            try {
                json = nlohmann::json::parse(line);
                continue;
            } catch (const nlohmann::json::exception&) {
                // not the result: fall through
            }
        }
        if (!line.empty()) {
            last_line = line;
        }
    }
    const int code = outcome.exit_code;
    if (!json || (code != 0 && code != 1 && code != 3)) {
        throw std::runtime_error("the audit exited " + std::to_string(code) + ": " + last_line);
    }
    return *json;
}

}  // namespace

AuditCache::AuditCache(std::vector<std::string> command,
                       std::chrono::milliseconds timeout,
                       std::chrono::seconds fresh_for)
    : command_(std::move(command)), timeout_(timeout), fresh_for_(fresh_for) {}

AuditCache::~AuditCache() = default;  // the jthread joins

nlohmann::json AuditCache::result() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (!running_ && (!tried_at_ || now - *tried_at_ >= fresh_for_)) {
        running_ = true;
        tried_at_ = now;
        if (worker_.joinable()) {
            worker_.join();  // the last run has finished: running_ was false
        }
        worker_ = std::jthread(common::guarded("audit", [this] { run(); }));
    }
    nlohmann::json body =
        last_ ? *last_
              : nlohmann::json{{"computed_at_ms", nullptr}, {"clean", nullptr}, {"lines", {}}};
    body["running"] = running_;
    body["age_seconds"] =
        last_ ? nlohmann::json(std::chrono::duration<double>(now - last_at_).count())
              : nlohmann::json(nullptr);
    if (error_) {
        body["error"] = *error_;
    }
    return body;
}

void AuditCache::run() {
    std::optional<nlohmann::json> json;
    std::optional<std::string> error;
    try {
        json = parse_outcome(run_command(command_, timeout_), timeout_);
    } catch (const std::exception& e) {  // Kafka, Redis or the registry away: say which
        error = e.what();
        spdlog::warn("console: {}", e.what());
    }
    std::lock_guard lock(mutex_);
    if (json) {
        last_ = std::move(json);
        last_at_ = Clock::now();
    }
    error_ = std::move(error);
    running_ = false;
}

}  // namespace orderflow::console
