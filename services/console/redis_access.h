#pragma once

// The console's one Redis client (one Redis or a cluster), shared by the HTTP workers: hiredis
// contexts are not thread-safe, and the views take a millisecond or two, so a lock costs less than
// a pool.

#include "common/settings.h"
#include "redis/client.h"
#include "redis/redis_url.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::console {

class RedisAccess {
public:
    /// `groups`: the consumer groups whose keys the order views read (CONSOLE_CONSUMER_URLS
    /// names them; discovering them would SCAN the whole keyspace on every page).
    RedisAccess(redis::RedisTarget target, std::vector<std::string> groups);

    /// Runs `view(connection)` alone on the connection. Errors: whatever `view` throws
    /// (redis::RedisError when Redis does not answer; the next call connects again).
    template <typename View>
    auto with(View&& view) {
        std::lock_guard lock(mutex_);
        return std::forward<View>(view)(connection());
    }

    const std::vector<std::string>& groups() const { return groups_; }

private:
    /// Connected on first use, so the console starts (and shows Redis as down) without it.
    redis::Client& connection();

    std::mutex mutex_;
    redis::RedisTarget target_;
    std::unique_ptr<redis::Client> connection_;
    std::vector<std::string> groups_;
};

}  // namespace orderflow::console
