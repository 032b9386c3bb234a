#include "redis_cluster/cluster_connection.h"

#include "redis_cluster/command_keys.h"
#include "redis_cluster/redirect.h"

#include <algorithm>
#include <stdexcept>

namespace orderflow::redis_cluster {

using redis::Command;
using redis::RedisError;
using redis::Reply;

namespace {

bool by_name(const NodeAddress& a, const NodeAddress& b) {
    return a.to_string() < b.to_string();
}

}  // namespace

ClusterConnection::ClusterConnection(std::vector<redis::RedisEndpoint> seeds,
                                     std::chrono::milliseconds timeout)
    : seeds_(std::move(seeds)), timeout_(timeout) {
    if (seeds_.empty()) {
        throw std::invalid_argument("a Redis Cluster connection needs at least one seed node");
    }
    refresh_slot_map();
}

redis::Connection& ClusterConnection::node(const NodeAddress& address) {
    auto& slot = connections_[address.to_string()];
    if (!slot) {
        auto endpoint = seeds_.front();
        endpoint.host = address.host;
        endpoint.port = address.port;
        endpoint.database = 0;
        slot = std::make_unique<redis::Connection>(std::move(endpoint), timeout_);
    }
    return *slot;
}

// A node that cannot be reached may have been failed over: drop its connection and read the
// map again before the next call, which then goes to whoever serves the slot now.
std::vector<Reply> ClusterConnection::send(const NodeAddress& to,
                                           const std::vector<Command>& commands) {
    try {
        return node(to).pipeline(commands);
    } catch (const RedisError&) {
        connections_.erase(to.to_string());
        map_stale_ = true;
        throw;
    }
}

void ClusterConnection::refresh_slot_map() {
    auto candidates = map_.masters();
    for (const auto& seed : seeds_) {
        const NodeAddress address{seed.host, seed.port};
        if (std::find(candidates.begin(), candidates.end(), address) == candidates.end()) {
            candidates.push_back(address);
        }
    }
    std::string failures;
    for (const auto& candidate : candidates) {
        try {
            auto map = SlotMap::from_cluster_slots(send(candidate, {{"CLUSTER", "SLOTS"}}).front(),
                                                   candidate);
            if (map.masters().empty()) {
                throw RedisError("redis " + candidate.to_string() + ": no slot has a master");
            }
            auto before = map_.masters();
            auto after = map.masters();
            std::sort(before.begin(), before.end(), by_name);
            std::sort(after.begin(), after.end(), by_name);
            if (slot_map_reads_ > 0 && before != after) {
                ++master_changes_;
            }
            map_ = std::move(map);
            map_stale_ = false;
            ++slot_map_reads_;
            return;
        } catch (const redis::AclDenied&) {
            throw;  // the same users on every node: another node will not let us in either
        } catch (const RedisError& e) {
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
        }
    }
    map_stale_ = true;
    throw RedisError("redis cluster: no node gave its slot map (" + failures + ")");
}

NodeAddress ClusterConnection::master_for(const std::optional<std::uint16_t>& slot) {
    const auto pick = [&]() -> std::optional<NodeAddress> {
        if (slot) {
            return map_.master_of(*slot);
        }
        const auto masters = map_.masters();
        return masters.empty() ? std::nullopt : std::optional(masters.front());
    };
    if (map_stale_) {
        refresh_slot_map();
    }
    auto master = pick();
    if (!master) {
        refresh_slot_map();
        master = pick();
    }
    if (!master) {
        throw RedisError("redis cluster: no master serves slot " +
                         (slot ? std::to_string(*slot) : std::string("any")) +
                         " (is the cluster down?)");
    }
    return *master;
}

Reply ClusterConnection::command(const Command& args) {
    return std::move(pipeline({args}).front());
}

std::vector<Reply> ClusterConnection::pipeline(const std::vector<Command>& commands) {
    if (commands.empty()) {
        return {};
    }
    std::optional<std::optional<std::uint16_t>> one_slot;
    try {
        one_slot = common_slot(commands);
    } catch (const RoutingError&) {
        // several slots: per command below
    }
    if (one_slot) {
        return one_slot_pipeline(commands, *one_slot);
    }
    // Each command on its own slot's master: one pipeline per master, in first-seen order. A
    // keyless command goes with its neighbours: MULTI with the next keyed command, any other
    // (EXEC, PING) with the previous one, so a MULTI/EXEC block stays on its slot's node.
    std::vector<std::optional<std::uint16_t>> of(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        of[i] = common_slot({commands[i]});  // RoutingError: its own keys disagree
    }
    std::vector<std::uint16_t> slots(commands.size());
    std::optional<std::uint16_t> previous;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        auto slot = of[i];
        const bool multi = !commands[i].empty() && commands[i][0] == "MULTI";
        for (std::size_t j = i + 1; !slot && (multi || !previous) && j < commands.size(); ++j) {
            slot = of[j];
        }
        if (!slot) {
            slot = previous;
        }
        if (!slot) {
            throw RoutingError("a pipeline of keyless commands only has no slot to go to");
        }
        slots[i] = *slot;
        if (of[i]) {
            previous = of[i];
        }
    }
    std::map<std::string, std::vector<std::size_t>> by_master;
    std::vector<std::string> master_order;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        const auto master = master_for(slots[i]).to_string();
        auto& group = by_master[master];
        if (group.empty()) {
            master_order.push_back(master);
        }
        group.push_back(i);
    }
    std::vector<Reply> replies(commands.size());
    std::vector<std::size_t> redirected;
    for (const auto& master : master_order) {
        const auto& indices = by_master[master];
        std::vector<Command> batch;
        for (const auto i : indices) {
            batch.push_back(commands[i]);
        }
        const auto colon = master.rfind(':');
        const NodeAddress to{master.substr(0, colon),
                             static_cast<std::uint16_t>(std::stoi(master.substr(colon + 1)))};
        auto answers = send(to, batch);
        for (std::size_t k = 0; k < indices.size(); ++k) {
            auto& answer = answers[k];
            if (answer.is_error() && parse_redirect(answer.str)) {
                redirected.push_back(indices[k]);
            } else if (answer.is_error() && answer.str.starts_with("CLUSTERDOWN")) {
                map_stale_ = true;
                throw RedisError("redis " + master + ": " + answer.str);
            } else {
                replies[indices[k]] = std::move(answer);
            }
        }
    }
    // Sent again in the order given, each through the one-slot path that follows redirects.
    std::sort(redirected.begin(), redirected.end());
    for (const auto i : redirected) {
        replies[i] = std::move(one_slot_pipeline({commands[i]}, slots[i]).front());
    }
    return replies;
}

std::vector<std::string> ClusterConnection::nodes() {
    if (map_stale_) {
        refresh_slot_map();
    }
    std::vector<std::string> names;
    for (const auto& master : map_.masters()) {
        names.push_back(master.to_string());
    }
    return names;
}

Reply ClusterConnection::command_on(const std::string& node, const Command& args) {
    for (const auto& master : map_.masters()) {
        if (master.to_string() == node) {
            return std::move(send(master, {args}).front());
        }
    }
    throw RedisError("redis cluster: " + node + " is not a master of the current slot map");
}

std::string ClusterConnection::address() const {
    std::string text = "cluster ";
    for (std::size_t i = 0; i < seeds_.size(); ++i) {
        text += (i == 0 ? "" : ",") + seeds_[i].host + ":" + std::to_string(seeds_[i].port);
    }
    return text;
}

std::string ClusterConnection::user() const {
    return seeds_.front().user.empty() ? "default" : seeds_.front().user;
}

std::vector<Reply> ClusterConnection::one_slot_pipeline(const std::vector<Command>& commands,
                                                        std::optional<std::uint16_t> slot) {
    auto to = master_for(slot);
    std::vector<Reply> replies(commands.size());
    std::vector<std::size_t> pending(commands.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
        pending[i] = i;
    }
    bool asking = false;
    for (int redirects = 0;; ++redirects) {
        std::vector<Command> batch;
        for (const auto i : pending) {
            if (asking) {
                batch.push_back({"ASKING"});
            }
            batch.push_back(commands[i]);
        }
        auto answers = send(to, batch);
        std::vector<std::size_t> redirected;
        std::optional<Redirect> redirect;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            auto& answer = answers[asking ? 2 * k + 1 : k];
            auto this_redirect = answer.is_error() ? parse_redirect(answer.str) : std::nullopt;
            if (this_redirect) {
                redirected.push_back(pending[k]);
                redirect = std::move(this_redirect);
            } else if (answer.is_error() && answer.str.starts_with("CLUSTERDOWN")) {
                map_stale_ = true;
                throw RedisError("redis " + to.to_string() + ": " + answer.str);
            } else {
                replies[pending[k]] = std::move(answer);
            }
        }
        if (!redirect) {
            return replies;
        }
        if (redirects == max_redirects) {
            map_stale_ = true;
            throw RedisError("redis cluster: slot " + std::to_string(redirect->slot) +
                             " still redirected after " + std::to_string(max_redirects) +
                             " redirects (last to " + redirect->host + ":" +
                             std::to_string(redirect->port) + ")");
        }
        ++redirects_followed_;
        NodeAddress target{redirect->host.empty() ? to.host : redirect->host, redirect->port};
        // ASK holds for this one command; MOVED says the slot's owner changed for good.
        asking = redirect->kind == Redirect::Kind::ask;
        if (!asking) {
            map_.assign(redirect->slot, target);
            map_stale_ = true;
        }
        to = std::move(target);
        pending = std::move(redirected);
    }
}

std::vector<Reply> ClusterConnection::on_every_master(const Command& args) {
    if (map_stale_) {
        refresh_slot_map();
    }
    std::vector<Reply> replies;
    for (const auto& master : map_.masters()) {
        replies.push_back(std::move(send(master, {args}).front()));
    }
    return replies;
}

}  // namespace orderflow::redis_cluster
