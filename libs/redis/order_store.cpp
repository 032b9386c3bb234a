#include "redis/order_store.h"

#include "redis/acl_denial.h"

#include <optional>
#include <utility>

namespace orderflow::redis {
namespace {

std::int64_t integer_field(const Reply& hash, const std::string& name) {
    for (std::size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
        if (hash.elements[i].str == name) {
            return std::stoll(hash.elements[i + 1].str);
        }
    }
    return 0;
}

}  // namespace

OrderStore::OrderStore(Connection& connection, std::string group)
    : connection_(connection), group_(std::move(group)) {}

void OrderStore::load_script() {
    const Command load = {"SCRIPT", "LOAD", std::string(write_script())};
    const auto reply = connection_.command(load);
    if (reply.is_error()) {
        throw_reply_error(connection_, "SCRIPT LOAD", load, reply);
    }
    if (reply.str.empty()) {
        throw RedisError("redis " + connection_.address() + ": SCRIPT LOAD gave no sha");
    }
    sha_ = reply.str;
}

std::vector<WriteOutcome> OrderStore::write(const std::vector<StoreEntry>& entries,
                                            std::int64_t stored_at_ms) {
    refusals_.clear();
    if (entries.empty()) {
        return {};
    }
    const auto stored_at = std::to_string(stored_at_ms);
    // Twice at most: a Redis that restarted has forgotten the script (NOSCRIPT); loading it
    // again and repeating the batch is safe since the script is idempotent.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (sha_.empty() || !connection_.connected()) {
            load_script();
        }
        std::vector<Command> calls;
        std::vector<std::optional<std::string>> invalid(entries.size());
        calls.reserve(entries.size());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            calls.push_back(write_call(sha_, group_, entries[i], stored_at, invalid[i]));
        }
        const auto replies = connection_.pipeline(calls);
        std::vector<WriteOutcome> outcomes;
        std::vector<Refusal> refusals;
        bool reload = false;
        for (std::size_t i = 0; i < replies.size(); ++i) {
            const auto& reply = replies[i];
            if (reply.is_error()) {
                if (reply.str.starts_with("NOSCRIPT")) {
                    reload = true;
                    break;
                }
                // Never a refusal of the order: an ACL denial inside the script comes back as
                // a script error too, and must hold the batch, not dead-letter it.
                const auto line = script_line(reply.str, write_script());
                throw_reply_error(connection_,
                                  line ? "the order script at " + *line : "the order script",
                                  calls[i], reply);
            }
            const auto code = reply.elements.empty() ? -1 : reply.elements[0].integer;
            outcomes.push_back(code == 1   ? WriteOutcome::kApplied
                               : code == 2 ? WriteOutcome::kDeadLettered
                                           : WriteOutcome::kDuplicate);
            if (invalid[i]) {
                refusals.push_back({i, RefusalKind::kInvalidOrder, *invalid[i]});
            } else if (reply.elements.size() == 3) {
                refusals.push_back({i,
                                    reply.elements[1].str == "conflicting-duplicate"
                                        ? RefusalKind::kConflictingDuplicate
                                        : RefusalKind::kStoreRefused,
                                    reply.elements[2].str});
            }
        }
        if (!reload) {
            refusals_ = std::move(refusals);
            return outcomes;
        }
        sha_.clear();
    }
    throw RedisError("redis " + connection_.address() + ": the order script keeps disappearing");
}

Reply OrderStore::checked_command(const Command& command) {
    auto reply = connection_.command(command);
    if (reply.is_error()) {
        throw_reply_error(connection_, command[0], command, reply);
    }
    return reply;
}

std::vector<Refusal> OrderStore::take_refusals() {
    return std::exchange(refusals_, {});
}

GroupStats OrderStore::stats() {
    const auto reply = checked_command({"HGETALL", stats_key(group_)});
    return {integer_field(reply, "processed"), integer_field(reply, "duplicates_skipped"),
            integer_field(reply, "dead_lettered")};
}

std::map<std::string, std::int64_t> OrderStore::last_offsets() {
    const auto reply = checked_command({"HGETALL", offsets_key(group_)});
    std::map<std::string, std::int64_t> offsets;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        offsets[reply.elements[i].str] = std::stoll(reply.elements[i + 1].str);
    }
    return offsets;
}

}  // namespace orderflow::redis
