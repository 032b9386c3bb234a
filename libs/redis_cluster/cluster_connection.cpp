#include "redis_cluster/cluster_connection.h"

#include "redis_cluster/command_keys.h"
#include "redis_cluster/redirect.h"

#include <algorithm>
#include <stdexcept>

namespace orderflow::redis_cluster {

using redis::Command;
using redis::RedisError;
using redis::Reply;

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
    const auto slot = common_slot(commands);
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
