#pragma once

// The views' one way to treat a Redis error reply (a RedisError naming the command), and one
// SCAN-family call.

#include "redis/client.h"

#include <string>
#include <vector>

namespace orderflow::redis_browser {

/// `reply` unless it is an error reply (then RedisError naming `what` and the server's text).
const redis::Reply& checked(const redis::Reply& reply,
                            const redis::Client& redis,
                            const std::string& what);
/// The same for a reply just received: returned by value, so no reference outlives it.
redis::Reply checked(redis::Reply&& reply, const redis::Client& redis, const std::string& what);

struct ScanStep {
    std::string cursor;  ///< "0": complete
    std::vector<std::string> items;
};

/// One SCAN (or HSCAN/SSCAN) call: its next cursor and what it returned.
/// Errors: redis::RedisError (an error reply, or not the cursor-and-page shape).
ScanStep scan_step(redis::Client& redis, const redis::Command& command);
/// The same on one node of redis.nodes() (SCAN walks one node's keyspace).
ScanStep scan_step(redis::Client& redis, const std::string& node, const redis::Command& command);

}  // namespace orderflow::redis_browser
