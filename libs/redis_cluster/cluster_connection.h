#pragma once

// A Redis Cluster client over the single-node redis::Connection: reads the slot map, sends each
// command to the master of its keys' slot, follows MOVED and ASK, and re-reads the map after a
// connection failure or a MOVED, so a failover or a reshard is found without a restart.

#include "redis/client.h"
#include "redis/connection.h"
#include "redis/redis_url.h"
#include "redis_cluster/slot_map.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace orderflow::redis_cluster {

/// How many MOVED/ASK answers one call follows before it gives up (a map that keeps changing).
inline constexpr int max_redirects = 5;

/**
 * Not thread-safe (its connections are not). Each call's keys must share one slot (one hash
 * tag); the call goes to that slot's master, keyless calls to any master.
 * Errors of every call: RoutingError (keys of several slots; nothing sent), redis::RedisError
 * (no node answered, the connection broke — the map is re-read before the next call —, the
 * cluster is down, or more than max_redirects redirects), redis::AclDenied. As with one Redis,
 * whether a call that failed mid-way was applied is unknown; callers retry idempotent calls.
 */
class ClusterConnection : public redis::Client {
public:
    /// Reads the slot map from the first seed that answers. Every node is reached with the first
    /// seed's user and password. Errors: redis::RedisError naming every seed tried.
    explicit ClusterConnection(std::vector<redis::RedisEndpoint> seeds,
                               std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// One command to its slot's master; error replies other than redirects are returned.
    redis::Reply command(const redis::Command& args) override;
    /// Commands whose keys all share one slot (keyless ones such as MULTI/EXEC go with them),
    /// written in one go to its master. Commands of several slots (each command's own keys in one
    /// slot) go to their masters, one pipeline per master in turn, in the order given; a keyless
    /// command goes with its neighbours (MULTI with the next keyed command, others with the
    /// previous one). A command redirected there is sent again on its own, after the rest (MOVED
    /// redirects all of a slot's, in order). Replies in the order of `commands`.
    std::vector<redis::Reply> pipeline(const std::vector<redis::Command>& commands) override;
    /// The masters now ("host:port").
    std::vector<std::string> nodes() override;
    /// `args` on master `node` (no redirect is followed). Errors: RedisError for a node that is
    /// not a master of the current map.
    redis::Reply command_on(const std::string& node, const redis::Command& args) override;
    /// The seeds ("cluster host:port,...").
    std::string address() const override;
    std::string user() const override;
    /// The same keyless command on every master, e.g. FUNCTION LOAD; replies in masters() order.
    std::vector<redis::Reply> on_every_master(const redis::Command& args);

    /// Re-reads the slot map now (from the known masters, then the seeds).
    void refresh_slot_map();
    /// The master the current map names for `slot` (no round trip); nullopt when none.
    std::optional<NodeAddress> master_of(std::uint16_t slot) const { return map_.master_of(slot); }
    std::vector<NodeAddress> masters() const { return map_.masters(); }
    /// How often the slot map was read, and MOVED/ASK answers followed, since construction.
    int slot_map_reads() const { return slot_map_reads_; }
    int redirects_followed() const { return redirects_followed_; }
    /// How often a read of the slot map found other masters than the one before (a failover, a
    /// node added or removed): what a writer that keeps "Redis holds less than I wrote" checks
    /// watches to compare its marks again.
    int master_changes() const override { return master_changes_; }

private:
    redis::Connection& node(const NodeAddress& address);
    std::vector<redis::Reply> send(const NodeAddress& to,
                                   const std::vector<redis::Command>& commands);
    NodeAddress master_for(const std::optional<std::uint16_t>& slot);
    std::vector<redis::Reply> one_slot_pipeline(const std::vector<redis::Command>& commands,
                                                std::optional<std::uint16_t> slot);

    std::vector<redis::RedisEndpoint> seeds_;
    std::chrono::milliseconds timeout_;
    std::map<std::string, std::unique_ptr<redis::Connection>> connections_;
    SlotMap map_;
    bool map_stale_ = false;
    int slot_map_reads_ = 0;
    int redirects_followed_ = 0;
    int master_changes_ = 0;
};

}  // namespace orderflow::redis_cluster
