#include "audit/audit_result.h"

#include <algorithm>

namespace orderflow::audit {
namespace {

std::string group_line(const GroupResult& result) {
    const auto& stats = result.stats;
    const auto& findings = result.findings;
    return "group " + result.group + ": " + std::to_string(findings.stored) + " order(s), " +
           std::to_string(findings.customers) + " customer(s), processed " +
           std::to_string(stats.processed) + ", duplicates skipped " +
           std::to_string(stats.duplicates_skipped) + ", dead-lettered " +
           std::to_string(stats.dead_lettered) +
           "; in flight: " + std::to_string(findings.not_yet_consumed) +
           " order(s) not yet consumed, " + std::to_string(findings.uncommitted) +
           " message(s) not yet committed, " + std::to_string(findings.stored_past_cut) +
           " order(s) and " + std::to_string(findings.dead_letters_past_cut) +
           " dead letter(s) past the cut: " +
           (findings.differences.empty()
                ? "OK"
                : std::to_string(findings.differences.size()) + " difference(s)");
}

std::vector<std::string> listed(const Findings& findings) {
    const auto count = std::min(findings.differences.size(), kMaxListedDifferences);
    return {findings.differences.begin(),
            findings.differences.begin() + static_cast<std::ptrdiff_t>(count)};
}

}  // namespace

std::size_t AuditResult::differences() const {
    std::size_t count = 0;
    for (const auto& group : groups) {
        count += group.findings.differences.size();
    }
    return count;
}

std::int64_t AuditResult::in_flight() const {
    std::int64_t count = 0;
    for (const auto& group : groups) {
        count += group.findings.in_flight();
    }
    return count;
}

int AuditResult::exit_code() const {
    if (differences() > 0) {
        return 1;
    }
    return in_flight() > 0 && !live ? 3 : 0;
}

std::vector<std::string> AuditResult::lines() const {
    std::vector<std::string> out;
    out.push_back("topic " + topic + ": " + std::to_string(messages) + " message(s) in " +
                  std::to_string(partitions) + " partition(s), " + std::to_string(distinct_orders) +
                  " distinct order(s), " + std::to_string(invalid) + " invalid (for the DLQ), " +
                  std::to_string(resent) + " re-sent copies below the cut; " + dlq_topic + ": " +
                  std::to_string(dead_letter_records) + " record(s)");
    for (const auto& group : groups) {
        out.push_back(group_line(group));
        for (const auto& difference : listed(group.findings)) {
            out.push_back("  " + difference);
        }
        if (group.findings.differences.size() > kMaxListedDifferences) {
            out.push_back(
                "  ... and " +
                std::to_string(group.findings.differences.size() - kMaxListedDifferences) +
                " more");
        }
    }
    const auto found = differences();
    const auto moving = in_flight();
    if (found > 0) {
        out.push_back("AUDIT FAILED: " + std::to_string(found) + " difference(s)");
    } else if (moving > 0 && !live) {
        out.push_back("AUDIT NOT SETTLED: no difference, but " + std::to_string(moving) +
                      " order(s)/message(s) in flight; run it again, or with --live true");
    } else if (moving > 0) {
        out.push_back("audit clean (" + std::to_string(moving) + " in flight)");
    } else {
        out.push_back("audit clean");
    }
    return out;
}

nlohmann::json to_json(const AuditResult& result) {
    auto groups = nlohmann::json::array();
    for (const auto& group : result.groups) {
        const auto& findings = group.findings;
        groups.push_back({{"group", group.group},
                          {"orders", findings.stored},
                          {"customers", findings.customers},
                          {"processed", group.stats.processed},
                          {"duplicates_skipped", group.stats.duplicates_skipped},
                          {"dead_lettered", group.stats.dead_lettered},
                          {"not_yet_consumed", findings.not_yet_consumed},
                          {"uncommitted", findings.uncommitted},
                          {"stored_past_cut", findings.stored_past_cut},
                          {"dead_letters_past_cut", findings.dead_letters_past_cut},
                          {"in_flight", findings.in_flight()},
                          {"difference_count", findings.differences.size()},
                          {"differences", listed(findings)}});
    }
    return {{"computed_at_ms", result.computed_at_ms},
            {"clean", result.clean()},
            {"live", result.live},
            {"exit_code", result.exit_code()},
            {"topic",
             {{"name", result.topic},
              {"partitions", result.partitions},
              {"messages", result.messages},
              {"distinct_orders", result.distinct_orders},
              {"invalid", result.invalid},
              {"resent", result.resent},
              {"dlq_topic", result.dlq_topic},
              {"dead_letter_records", result.dead_letter_records}}},
            {"groups", groups},
            {"lines", result.lines()}};
}

}  // namespace orderflow::audit
