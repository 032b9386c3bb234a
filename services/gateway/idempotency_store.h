#pragma once

// The Idempotency-Key records in Redis (idempotency.h says what they hold), read and written by
// one thread of their own so that no HTTP handler waits for Redis: a claim is one
// `SET key record NX GET PX ttl`, which either holds the key for this request or returns the
// record already held, atomically, also across gateway instances. Claims wait in a bounded list
// (`max_waiting`; one more is refused); every listed request shares the next pipelined round
// trip.
//
// Why Redis: it is the pipeline's durable store already (AOF), every gateway instance shares it,
// and SET NX gives one winner per key, which a compacted Kafka topic would not (every instance
// would have to read it to its end before each answer). The record is written before the order
// is sent, so a gateway that dies after sending has left it behind for the retry.

#include "gateway/idempotency.h"
#include "redis/client.h"
#include "redis/redis_url.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orderflow::gateway {

class IdempotencyStore {
public:
    enum class Held {
        kNew,          ///< the key was free; it now holds the claim's record
        kHeld,         ///< the key holds `record` (written by an earlier request)
        kUnreadable,   ///< the key holds something that is not a record (`error` says what)
        kUnavailable,  ///< Redis could not be asked (`error` says why)
    };
    struct Result {
        Held held = Held::kUnavailable;
        IdempotencyRecord record;
        std::string error;
    };
    struct Claim {
        std::string redis_key;     ///< idempotency_redis_key()
        IdempotencyRecord record;  ///< held for the key when it is free
        /// Called once, on the store's thread; what it throws is logged, and the store goes on.
        std::function<void(const Result&)> done;
    };

    IdempotencyStore(redis::RedisTarget target,
                     std::chrono::milliseconds ttl,
                     std::size_t max_waiting);
    /// stop()
    ~IdempotencyStore();
    IdempotencyStore(const IdempotencyStore&) = delete;
    IdempotencyStore& operator=(const IdempotencyStore&) = delete;

    /// False when `max_waiting` claims are listed already, or after stop().
    bool claim(Claim claim);
    /// Marks the key's order acknowledged, keeping its expiry. Best effort: a mark that Redis
    /// misses leaves the record unacknowledged, so a retry sends the order once more with its
    /// id, which the consumers store once.
    void mark_acknowledged(std::string redis_key, IdempotencyRecord record);

    /// Answers listed claims as unavailable and joins the thread; idempotent. Call it while
    /// what the `done` callbacks touch still exists.
    void stop();
    std::size_t waiting() const;

private:
    struct Job {
        bool is_claim = true;
        Claim claim;
    };
    void run();
    void round_trip(std::vector<Job> jobs);

    redis::RedisTarget target_;
    std::chrono::milliseconds ttl_;
    std::size_t max_waiting_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Job> jobs_;
    std::size_t claims_listed_ = 0;
    bool stopping_ = false;
    std::unique_ptr<redis::Client> redis_;  // the thread's alone
    std::thread thread_;
};

}  // namespace orderflow::gateway
