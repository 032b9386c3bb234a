#pragma once

// Which master serves each of the 16384 slots, as a node's CLUSTER SLOTS reply says.

#include "redis/connection.h"
#include "redis/key_slot.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::redis_cluster {

// The slot function is libs/redis's (the store's key layout needs it too); named here as well.
using redis::crc16_xmodem;
using redis::hash_tag;
using redis::key_slot;
using redis::slot_count;

struct NodeAddress {
    std::string host;
    std::uint16_t port = 0;

    std::string to_string() const { return host + ":" + std::to_string(port); }
    bool operator==(const NodeAddress&) const = default;
};

class SlotMap {
public:
    /**
     * The masters of a CLUSTER SLOTS reply from `answered_by` (a node that gives an empty
     * address for itself is `answered_by`). Replicas are left out: commands go to masters.
     * Errors: redis::RedisError naming `answered_by` when the reply is not CLUSTER SLOTS's shape
     * (an array of [first slot, last slot, [host, port, ...], replicas...] with slots in range).
     */
    static SlotMap from_cluster_slots(const redis::Reply& reply, const NodeAddress& answered_by);

    /// nullopt when no master serves `slot` (a slot not yet assigned, or a cluster that is down).
    std::optional<NodeAddress> master_of(std::uint16_t slot) const;
    /// `slot` is served by `master` from now on (what a MOVED says).
    void assign(std::uint16_t slot, const NodeAddress& master);
    /// Every master that serves at least one slot, each once, in the order first seen.
    std::vector<NodeAddress> masters() const;
    /// Whether every slot has a master.
    bool complete() const;

private:
    std::size_t index_of(const NodeAddress& node);

    std::vector<NodeAddress> nodes_;
    std::vector<int> owner_ = std::vector<int>(slot_count, -1);  ///< index into nodes_, -1: none
};

}  // namespace orderflow::redis_cluster
