#pragma once

#include "redis/connection.h"

#include <chrono>
#include <string>

namespace orderflow::consumer {

/**
 * Notices, within seconds, a Redis that lost data while the connection stayed up (FLUSHALL,
 * a failover to an empty or older replica, a restart without persistence): without it only
 * the next rebalance or write would look. A marker key of this consumer's run
 * (watch:{group}:{random token}) is written with an expiry, and each check refreshes it with
 * one PEXPIRE, which also says whether it still exists. Gone means Redis lost what this
 * process wrote; the caller then compares every assigned partition with Redis's offset marks
 * (RedisOffsetSeek::redis_lost()) and rearms. The expiry only cleans up after a process that
 * died; a check that comes later than it (a loop blocked for minutes) gives a harmless extra
 * comparison. Not thread-safe: the consumer loop's thread, on the store's connection.
 */
class RedisWatch {
public:
    using Clock = std::chrono::steady_clock;

    RedisWatch(redis::Connection& connection,
               const std::string& group,
               std::chrono::milliseconds every = std::chrono::seconds(1),
               std::chrono::milliseconds expiry = std::chrono::minutes(5));

    /// At most once per `every` (else false): true when the marker written by arm() is gone.
    /// The first call arms it. Errors: RedisError (the next due call asks again).
    bool lost(Clock::time_point now);
    /// Writes the marker again, once what was lost is dealt with. Errors: RedisError.
    void arm();
    const std::string& key() const { return key_; }

private:
    redis::Connection& connection_;
    std::string key_;
    std::chrono::milliseconds every_;
    std::string expiry_ms_;
    Clock::time_point next_check_{};
    bool armed_ = false;
};

}  // namespace orderflow::consumer
