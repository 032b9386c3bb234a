#include "robustness/chaos/chaos_check.h"

#include "common/settings.h"
#include "redis/connection.h"
#include "redis/key_names.h"
#include "redis/order_store.h"
#include "redis/store_reads.h"
#include "redis_cluster/open_client.h"

#include <cstdio>
#include <memory>
#include <set>

namespace orderflow::test::chaos {
namespace {

/// One Redis or a cluster, as REDIS_URL names it.
std::unique_ptr<redis::Client> connect(const std::string& url) {
    return redis_cluster::open_client(redis::parse_redis_target("REDIS_URL", url));
}

}  // namespace

std::size_t missing(const std::string& redis_url,
                    const std::string& group,
                    const std::vector<std::string>& ids) {
    const auto connection = connect(redis_url);
    // An order's partition is not in its id: present when any partition's tag holds it.
    const auto partitions = redis::group_partitions(*connection, group);
    std::size_t absent = 0;
    constexpr std::size_t kChunk = 200;
    for (std::size_t at = 0; at < ids.size(); at += kChunk) {
        const auto end = std::min(ids.size(), at + kChunk);
        std::vector<redis::Command> calls;
        for (std::size_t i = at; i < end; ++i) {
            for (const auto partition : partitions) {
                calls.push_back({"EXISTS", redis::order_key(group, partition, ids[i])});
            }
        }
        const auto replies = connection->pipeline(calls);
        for (std::size_t i = 0; i < end - at; ++i) {
            bool found = false;
            for (std::size_t k = 0; k < partitions.size(); ++k) {
                found = found || replies[i * partitions.size() + k].integer == 1;
            }
            absent += found ? 0 : 1;
        }
    }
    return absent;
}

GroupResult count_group(const std::string& redis_url,
                        const std::string& group,
                        const std::vector<std::string>& acknowledged) {
    GroupResult result;
    result.acknowledged_stored = acknowledged.size() - missing(redis_url, group, acknowledged);
    const auto connection = connect(redis_url);
    for (const auto& node : connection->nodes()) {
        std::string cursor = "0";
        do {
            const auto reply = connection->command_on(
                node, {"SCAN", cursor, "MATCH", redis::order_key_pattern(group), "COUNT", "1000"});
            cursor = reply.elements.at(0).str;
            result.order_keys += reply.elements.at(1).elements.size();
        } while (cursor != "0");
    }
    redis::OrderStore store(*connection, group);
    const auto stats = store.stats();
    result.processed = stats.processed;
    result.duplicates_skipped = stats.duplicates_skipped;
    return result;
}

std::string check_failed_file(const std::vector<std::string>& acknowledged,
                              const std::vector<std::string>& failed,
                              std::size_t sent,
                              bool expected) {
    if (!expected) {
        return failed.empty() ? "" : std::to_string(failed.size()) + " unexpected failed order(s)";
    }
    const std::set<std::string> acked(acknowledged.begin(), acknowledged.end());
    const std::set<std::string> unique(failed.begin(), failed.end());
    for (const auto& id : unique) {
        if (acked.count(id) > 0) {
            return "order " + id + " is acknowledged and in the failed file";
        }
    }
    if (unique.size() != failed.size()) {
        return "an order is in the failed file twice";
    }
    if (acked.size() + unique.size() != sent) {
        return std::to_string(acked.size()) + " acknowledged + " + std::to_string(unique.size()) +
               " failed != " + std::to_string(sent) + " sent";
    }
    return "";
}

std::string table_header() {
    char line[256];
    std::snprintf(line, sizeof line, "%-38s %6s %6s %13s %5s %7s %13s %8s  %s", "fault", "acked",
                  "failed", "stored a/b", "lost", "double", "dup-skip a/b", "recover", "result");
    return line;
}

std::string table_row(const CaseResult& r) {
    const auto pair = [](auto a, auto b) { return std::to_string(a) + "/" + std::to_string(b); };
    char recover[32];
    if (r.recover_seconds >= 0) {
        std::snprintf(recover, sizeof recover, "%.1f s", r.recover_seconds);
    } else {
        std::snprintf(recover, sizeof recover, "-");
    }
    std::string verdict = r.ok() ? "ok" : "FAIL";
    if (!r.audit_clean) {
        verdict += " audit";
    }
    if (!r.failed_file_problem.empty()) {
        verdict += " (" + r.failed_file_problem + ")";
    }
    if (!r.problem.empty()) {
        verdict += " (" + r.problem + ")";
    }
    char line[512];
    std::snprintf(line, sizeof line, "%-38s %6zu %6zu %13s %5zu %7lld %13s %8s  %s",
                  r.fault.c_str(), r.acknowledged, r.failed,
                  pair(r.auto_group.acknowledged_stored, r.batch_group.acknowledged_stored).c_str(),
                  r.lost, static_cast<long long>(r.double_counted),
                  pair(r.auto_group.duplicates_skipped, r.batch_group.duplicates_skipped).c_str(),
                  recover, verdict.c_str());
    return line;
}

}  // namespace orderflow::test::chaos
