#pragma once

// Which arguments of a command are keys, so the router knows its slot without asking Redis
// (COMMAND GETKEYS would cost a round trip per command). Covers the commands orderflow sends.

#include "redis/connection.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace orderflow::redis_cluster {

/**
 * A command the router will not send: its keys are in different slots (Redis would answer
 * CROSSSLOT), a pipeline spans slots, or its key count is malformed. A caller's mistake, found
 * before anything is sent, so nothing was applied.
 */
class RoutingError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/**
 * The keys of `args`: every argument after the name for DEL, EXISTS, MGET, UNLINK, TOUCH and
 * WATCH; every other one for MSET and MSETNX; the `numkeys` after the function or script for
 * FCALL, FCALL_RO, EVAL and EVALSHA; none for the server and cluster commands (PING, INFO,
 * FUNCTION, SCRIPT, CLUSTER, SCAN, ...); the first argument for every other command.
 * Errors: RoutingError when FCALL/EVAL's numkeys is not a number that fits the arguments.
 */
std::vector<std::string_view> command_keys(const redis::Command& args);

/**
 * The one slot every key of `commands` hashes to; nullopt when none has a key (any master will
 * do). Errors: RoutingError naming two keys of different slots.
 */
std::optional<std::uint16_t> common_slot(const std::vector<redis::Command>& commands);

}  // namespace orderflow::redis_cluster
