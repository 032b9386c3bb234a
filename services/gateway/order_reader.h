#pragma once

// Reads stored orders from Redis for GET /v1/orders/{id}, waiting when asked, and customers for
// GET /v1/customers/{id}: every lookup, waiting or not, joins one list that a single thread
// answers, pipelined (the groups' partitions, then per partition an order's HGETALL, or a
// customer's HGETALL and ZREVRANGE of its latest orders) every kPollInterval and at once for a
// new one. A waiting read costs a list entry,
// never a thread; the list is bounded (`max_waiters`).

#include "redis/client.h"
#include "redis/redis_url.h"

#include <nlohmann/json.hpp>

#include <atomic>
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

class OrderReader {
public:
    static constexpr std::chrono::milliseconds kPollInterval{100};

    enum class Found { kStored, kNotStored, kTimedOut, kUnavailable };
    struct Result {
        Found found = Found::kNotStored;
        /// kStored: stored_order_json(), or for a customer stored_customer_json()
        nlohmann::ordered_json order;
        std::string error;  ///< kUnavailable: why Redis could not be read
    };
    struct Lookup {
        std::string order_id;
        /// Set instead of order_id: the customer's totals and its `latest` newest orders
        /// (never waits; kNotStored when the group stored no order of it).
        std::string customer_id;
        std::size_t latest = 0;
        std::string group;
        /// Without it: one look, kStored or kNotStored. With it: looks until `deadline`, then
        /// kTimedOut.
        bool wait = false;
        std::chrono::steady_clock::time_point deadline;
        std::function<void(const Result&)> done;  ///< called once, on the reader's thread
    };

    OrderReader(redis::RedisTarget target, std::size_t max_waiters);
    /// stop()
    ~OrderReader();
    OrderReader(const OrderReader&) = delete;
    OrderReader& operator=(const OrderReader&) = delete;

    /// Answers what still waits as unavailable and joins the thread; later lookups are refused.
    /// Call it while what the `done` callbacks touch still exists. Idempotent.
    void stop();

    /// False when `max_waiters` lookups are already listed (nothing is listed then).
    bool submit(Lookup lookup);
    std::size_t waiting() const;
    /// Whether the last round trip to Redis worked (true before the first).
    bool redis_ok() const { return redis_ok_.load(); }

private:
    void run();
    /// One pipeline for every lookup; answers the found and the expired, keeps the rest.
    std::vector<Lookup> look(std::vector<Lookup> lookups);

    redis::RedisTarget target_;
    std::size_t max_waiters_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Lookup> fresh_;
    std::size_t listed_ = 0;  // fresh_ plus those the thread holds
    bool stopping_ = false;
    std::atomic<bool> redis_ok_{true};
    std::unique_ptr<redis::Client> redis_;  // the thread's alone
    std::thread thread_;
};

}  // namespace orderflow::gateway
