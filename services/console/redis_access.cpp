#include "console/redis_access.h"

#include "redis_cluster/open_client.h"

#include <chrono>

namespace orderflow::console {

RedisAccess::RedisAccess(redis::RedisTarget target, std::vector<std::string> groups)
    : target_(std::move(target)), groups_(std::move(groups)) {}

redis::Client& RedisAccess::connection() {
    if (!connection_) {
        // A short timeout: a page waits on Redis at most this long before it answers 503.
        connection_ = redis_cluster::open_client(target_, std::chrono::seconds(2));
    }
    return *connection_;
}

}  // namespace orderflow::console
