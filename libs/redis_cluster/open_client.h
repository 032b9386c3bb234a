#pragma once

// The one way a service opens the Redis that REDIS_URL names: a redis:// URL gives one
// redis::Connection, a redis-cluster:// URL a ClusterConnection; both are a redis::Client.

#include "redis/client.h"
#include "redis/redis_url.h"

#include <chrono>
#include <memory>

namespace orderflow::redis_cluster {

/// Connects (and reads a cluster's slot map). Errors: redis::RedisError (AclDenied when the
/// login is refused), naming where, never the password.
std::unique_ptr<redis::Client> open_client(
    const redis::RedisTarget& target, std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace orderflow::redis_cluster
