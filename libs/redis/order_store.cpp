#include "redis/order_store.h"

#include "redis/acl_denial.h"

#include <algorithm>
#include <utility>

namespace orderflow::redis {
OrderStore::OrderStore(Client& redis, std::string group)
    : connection_(redis), group_(std::move(group)) {}

bool load_store_library(Client& redis) {
    const auto& library = store_library();
    const Command load = {"FUNCTION", "LOAD", library.code};
    bool loaded = false;
    for (const auto& node : redis.nodes()) {
        const auto reply = redis.command_on(node, load);
        if (!reply.is_error()) {
            loaded = true;
            continue;
        }
        if (reply.str.find("already exists") != std::string::npos) {
            continue;  // the same name holds the same source (its hash)
        }
        if (is_acl_denial(reply.str)) {
            throw AclDenied(
                "redis " + node + ": the store's function library " + library.name +
                " is not in Redis and user \"" + redis.user() +
                "\" may not load it (FUNCTION LOAD): an admin loads it with `orderflow " +
                "admin redis-functions`; until then nothing is written: " + reply.str);
        }
        throw_reply_error(redis, "FUNCTION LOAD of " + library.name + " on " + node, load, reply);
    }
    return loaded;
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
    // The directory readers find the group's partitions in: an SADD in every write's pipeline
    // (cheap: a set of at most the topic's partitions), so a Redis that lost it has it again
    // with the next write.
    Command registration = {"SADD", partitions_key(group_)};
    for (const auto& call : pending) {
        const auto partition = std::to_string(entries[call.front()].partition);
        if (std::find(registration.begin() + 2, registration.end(), partition) ==
            registration.end()) {
            registration.push_back(partition);
        }
    }
    // Each round either finishes calls, turns at least one refused order into a dead letter, or
    // loads the library; so it ends. Two loads that do not stick mean someone keeps removing it.
    int loads = 0;
    while (!pending.empty()) {
        // First, so that a reader that finds an order finds its partition listed too.
        std::vector<Command> commands;
        commands.reserve(pending.size() + 1);
        const bool registering = registration.size() > 2;
        if (registering) {
            commands.push_back(std::exchange(registration, {}));
        }
        for (const auto& call : pending) {
            commands.push_back(
                store_call(library.function, group_, entries, call, as_dead, stored_at));
        }
        auto replies = connection_.pipeline(commands);
        calls_ += static_cast<std::int64_t>(pending.size());
        ++round_trips_;
        if (registering) {
            if (replies.front().is_error()) {
                throw_reply_error(connection_, "adding to the group's partitions", commands.front(),
                                  replies.front());
            }
            replies.erase(replies.begin());
            commands.erase(commands.begin());
        }
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

std::vector<Refusal> OrderStore::take_refusals() {
    return std::exchange(refusals_, {});
}

GroupStats OrderStore::stats() {
    return group_stats(connection_, group_);
}

std::map<std::string, std::int64_t> OrderStore::last_offsets() {
    return offset_marks(connection_, group_, group_partitions(connection_, group_));
}

std::map<std::string, std::int64_t> OrderStore::last_offsets(
    const std::vector<std::int32_t>& partitions) {
    return offset_marks(connection_, group_, partitions);
}

}  // namespace orderflow::redis
