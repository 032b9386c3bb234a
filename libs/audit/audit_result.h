#pragma once

// What an audit found, as data: the figures of the topics and of each group, the verdict, and
// the report `orderflow audit` prints (the console shows the same as JSON).

#include "audit/audit_compare.h"
#include "redis/order_store.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::audit {

/// Differences listed per group in the report (and the JSON); the rest are only counted.
inline constexpr std::size_t kMaxListedDifferences = 50;

struct GroupResult {
    std::string group;
    redis::GroupStats stats;  ///< as read before the cut
    Findings findings;
};

struct AuditResult {
    std::int64_t computed_at_ms = 0;  ///< wall clock when the audit finished (ms since epoch)
    bool live = false;                ///< in-flight orders do not fail it
    std::string topic;
    std::string dlq_topic;
    std::size_t partitions = 0;
    std::int64_t messages = 0;  ///< of the orders topic below the cut
    std::size_t distinct_orders = 0;
    std::size_t invalid = 0;  ///< messages below the cut that belong in the DLQ
    std::int64_t resent = 0;  ///< copies of an order already seen
    std::int64_t dead_letter_records = 0;
    std::vector<GroupResult> groups;

    std::size_t differences() const;
    std::int64_t in_flight() const;
    /// No difference, and nothing in flight unless live.
    bool clean() const { return differences() == 0 && (live || in_flight() == 0); }
    /// 0 clean, 1 on a difference, 3 when nothing differs but orders are in flight (not live).
    int exit_code() const;
    /// The report, one line each, as `orderflow audit` prints it.
    std::vector<std::string> lines() const;
};

/// {"computed_at_ms", "clean", "exit_code", "topic": {...}, "groups": [...], "lines": [...]}
/// (docs/console-api.md, /api/audit).
nlohmann::json to_json(const AuditResult& result);

}  // namespace orderflow::audit
