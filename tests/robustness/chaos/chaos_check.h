#pragma once

// What a chaos case checks once healed and drained: every acknowledged order is in Redis
// once per group, the audit is clean, the failed-orders file holds exactly what was expected.

#include "robustness/chaos/chaos_stack.h"

#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::test::chaos {

struct GroupResult {
    std::size_t acknowledged_stored = 0;  ///< acknowledged order ids found in Redis
    std::size_t order_keys = 0;           ///< order hashes of the group
    std::int64_t processed = 0;           ///< stats: orders applied
    std::int64_t duplicates_skipped = 0;  ///< stats: redeliveries not applied
};

struct CaseResult {
    std::string fault;
    std::size_t acknowledged = 0;
    std::size_t failed = 0;
    GroupResult auto_group;
    GroupResult batch_group;
    std::size_t lost = 0;             ///< acknowledged, missing in a group (summed)
    std::int64_t double_counted = 0;  ///< applied more often than stored (summed)
    bool audit_clean = false;
    std::string failed_file_problem;  ///< empty when the failed-orders file is as expected
    std::string problem;              ///< anything else that went wrong (the case itself)
    double recover_seconds = -1;      ///< heal -> every acknowledged order stored in both groups
    bool ok() const {
        return lost == 0 && double_counted == 0 && audit_clean && failed_file_problem.empty() &&
               problem.empty();
    }
};

/// Acknowledged ids missing in `group`'s orders.
std::size_t missing(const std::string& redis_url,
                    const std::string& group,
                    const std::vector<std::string>& ids);

/// Counts of one group after the case.
GroupResult count_group(const std::string& redis_url,
                        const std::string& group,
                        const std::vector<std::string>& acknowledged);

/// "" when `failed` is as the case expects: empty, or (expected) exactly the `sent` orders
/// that are not acknowledged.
std::string check_failed_file(const std::vector<std::string>& acknowledged,
                              const std::vector<std::string>& failed,
                              std::size_t sent,
                              bool expected);

std::string table_header();
std::string table_row(const CaseResult& result);

}  // namespace orderflow::test::chaos
