#pragma once

// A cluster node's answer that a key lives elsewhere: "MOVED <slot> <host>:<port>" (the slot
// has a new owner: update the map) or "ASK <slot> <host>:<port>" (the slot is migrating: send
// ASKING and the command to that node, this once).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::redis_cluster {

struct Redirect {
    enum class Kind { moved, ask };
    Kind kind = Kind::moved;
    std::uint16_t slot = 0;
    std::string host;  ///< empty: the node that answered did not know its own address; use its
    std::uint16_t port = 0;
};

/// The redirect an error reply's text holds; nullopt for any other error, or one whose slot,
/// address or port is not well formed (a reply is outside bytes: it is then a plain error).
std::optional<Redirect> parse_redirect(std::string_view error);

}  // namespace orderflow::redis_cluster
