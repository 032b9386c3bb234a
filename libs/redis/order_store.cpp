#include "redis/order_store.h"

#include "redis/acl_denial.h"

#include <algorithm>
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

bool load_store_library(Connection& connection) {
    const auto& library = store_library();
    const Command load = {"FUNCTION", "LOAD", library.code};
    const auto reply = connection.command(load);
    if (!reply.is_error()) {
        return true;
    }
    if (reply.str.find("already exists") != std::string::npos) {
        return false;  // the same name holds the same source (its hash)
    }
    if (is_acl_denial(reply.str)) {
        throw AclDenied("redis " + connection.address() + ": the store's function library " +
                        library.name + " is not in Redis and user \"" + connection.user() +
                        "\" may not load it (FUNCTION LOAD): an admin loads it with `orderflow " +
                        "admin redis-functions`; until then nothing is written: " + reply.str);
    }
    throw_reply_error(connection, "FUNCTION LOAD of " + library.name, load, reply);
}

std::vector<WriteOutcome> OrderStore::write(const std::vector<StoreEntry>& entries,
                                            std::int64_t stored_at_ms) {
    refusals_.clear();
    const auto stored_at = std::to_string(stored_at_ms);
    const auto& library = store_library();
    std::vector<WriteOutcome> outcomes(entries.size(), WriteOutcome::kDuplicate);
    std::vector<bool> as_dead(entries.size(), false);
    std::vector<Refusal> refusals;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (auto why = invalid_reason(entries[i])) {
            as_dead[i] = true;
            refusals.push_back({i, RefusalKind::kInvalidOrder, std::move(*why)});
        }
    }
    auto pending = plan_calls(entries);
    // Each round either finishes calls, turns at least one refused order into a dead letter, or
    // loads the library; so it ends. Two loads that do not stick mean someone keeps removing it.
    int loads = 0;
    while (!pending.empty()) {
        std::vector<Command> commands;
        commands.reserve(pending.size());
        for (const auto& call : pending) {
            commands.push_back(
                store_call(library.function, group_, entries, call, as_dead, stored_at));
        }
        const auto replies = connection_.pipeline(commands);
        calls_ += static_cast<std::int64_t>(commands.size());
        ++round_trips_;
        std::vector<std::vector<std::size_t>> again;
        bool missing = false;
        for (std::size_t c = 0; c < replies.size(); ++c) {
            const auto& reply = replies[c];
            if (reply.is_error() && reply.str.find("Function not found") != std::string::npos) {
                missing = true;
                again.push_back(std::move(pending[c]));
                continue;
            }
            if (reply.is_error()) {
                // Never a refusal of an order: an ACL denial inside the function comes back as
                // an error too, and must hold the batch, not dead-letter it.
                const auto line = script_line(reply.str, library.code);
                throw_reply_error(connection_,
                                  line ? "the store function at " + *line : "the store function",
                                  commands[c], reply);
            }
            const auto answer = parse_store_reply(reply, pending[c].size());
            for (const auto& refused : answer.refused) {
                const auto entry = pending[c][refused.entry];
                if (as_dead[entry]) {
                    throw RedisError("redis " + connection_.address() +
                                     ": the store function refused a dead letter");
                }
                as_dead[entry] = true;
                refusals.push_back({entry, refused.kind, refused.reason});
            }
            if (!answer.refused.empty()) {
                again.push_back(std::move(pending[c]));  // nothing of it was written
                continue;
            }
            for (std::size_t j = 0; j < answer.outcomes.size(); ++j) {
                outcomes[pending[c][j]] = answer.outcomes[j];
            }
        }
        if (missing) {
            if (++loads > 2) {
                throw RedisError("redis " + connection_.address() + ": the store's library " +
                                 library.name + " keeps disappearing");
            }
            load_store_library(connection_);
        }
        pending = std::move(again);
    }
    std::sort(refusals.begin(), refusals.end(),
              [](const Refusal& a, const Refusal& b) { return a.entry < b.entry; });
    refusals_ = std::move(refusals);
    return outcomes;
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
