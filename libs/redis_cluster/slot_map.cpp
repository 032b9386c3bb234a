#include "redis_cluster/slot_map.h"

#include "redis/key_slot.h"

#include <algorithm>

namespace orderflow::redis_cluster {
namespace {

[[noreturn]] void malformed(const NodeAddress& from, const std::string& what) {
    throw redis::RedisError("redis " + from.to_string() + ": CLUSTER SLOTS reply " + what);
}

bool is_integer_in(const redis::Reply& reply, long long low, long long high) {
    return reply.type == REDIS_REPLY_INTEGER && reply.integer >= low && reply.integer <= high;
}

NodeAddress master_address(const redis::Reply& node, const NodeAddress& from) {
    if (node.type != REDIS_REPLY_ARRAY || node.elements.size() < 2 ||
        node.elements[0].type != REDIS_REPLY_STRING || !is_integer_in(node.elements[1], 1, 65535)) {
        malformed(from, "has a node that is not [host, port, ...]");
    }
    NodeAddress address{node.elements[0].str, static_cast<std::uint16_t>(node.elements[1].integer)};
    // An empty host (or "?") means the node does not know its own address: the one we asked.
    if (address.host.empty() || address.host == "?") {
        address.host = from.host;
    }
    return address;
}

}  // namespace

SlotMap SlotMap::from_cluster_slots(const redis::Reply& reply, const NodeAddress& answered_by) {
    if (reply.is_error()) {
        malformed(answered_by, "is an error: " + reply.str);
    }
    if (reply.type != REDIS_REPLY_ARRAY) {
        malformed(answered_by, "is not an array");
    }
    SlotMap map;
    for (const auto& range : reply.elements) {
        if (range.type != REDIS_REPLY_ARRAY || range.elements.size() < 3 ||
            !is_integer_in(range.elements[0], 0, slot_count - 1) ||
            !is_integer_in(range.elements[1], range.elements[0].integer, slot_count - 1)) {
            malformed(answered_by, "has a range that is not [first slot, last slot, master, ...]");
        }
        const auto master = master_address(range.elements[2], answered_by);
        const auto index = static_cast<int>(map.index_of(master));
        std::fill(map.owner_.begin() + range.elements[0].integer,
                  map.owner_.begin() + range.elements[1].integer + 1, index);
    }
    return map;
}

std::size_t SlotMap::index_of(const NodeAddress& node) {
    const auto found = std::find(nodes_.begin(), nodes_.end(), node);
    if (found != nodes_.end()) {
        return static_cast<std::size_t>(found - nodes_.begin());
    }
    nodes_.push_back(node);
    return nodes_.size() - 1;
}

std::optional<NodeAddress> SlotMap::master_of(std::uint16_t slot) const {
    if (slot >= slot_count || owner_[slot] < 0) {
        return std::nullopt;
    }
    return nodes_[static_cast<std::size_t>(owner_[slot])];
}

void SlotMap::assign(std::uint16_t slot, const NodeAddress& master) {
    if (slot < slot_count) {
        owner_[slot] = static_cast<int>(index_of(master));
    }
}

std::vector<NodeAddress> SlotMap::masters() const {
    std::vector<bool> serves(nodes_.size(), false);
    for (const auto owner : owner_) {
        if (owner >= 0) {
            serves[static_cast<std::size_t>(owner)] = true;
        }
    }
    std::vector<NodeAddress> out;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (serves[i]) {
            out.push_back(nodes_[i]);
        }
    }
    return out;
}

bool SlotMap::complete() const {
    return std::none_of(owner_.begin(), owner_.end(), [](int owner) { return owner < 0; });
}

}  // namespace orderflow::redis_cluster
