#include "console/redis_access.h"

#include <chrono>

namespace orderflow::console {

RedisAccess::RedisAccess(redis::RedisEndpoint endpoint, std::vector<std::string> groups)
    : endpoint_(std::move(endpoint)), groups_(std::move(groups)) {}

redis::Connection& RedisAccess::connection() {
    if (!connection_) {
        // A short timeout: a page waits on Redis at most this long before it answers 503.
        connection_ = std::make_unique<redis::Connection>(endpoint_, std::chrono::seconds(2));
    }
    return *connection_;
}

}  // namespace orderflow::console
