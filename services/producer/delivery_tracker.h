#pragma once

#include "orders/order.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace orderflow::producer {

/// An order on its way to the cluster: what a re-send and the failed-orders file need.
struct PendingOrder {
    orders::Order order;
    std::string payload;  ///< framed; must live until the delivery report
    int attempt = 0;      ///< 0 = first send
    std::string last_error;
    std::chrono::steady_clock::time_point due;  ///< when its re-send is due
};

/// When a failed send is sent again.
struct ResendRules {
    int resends = 5;  ///< PRODUCE_RETRIES: re-sends after the first attempt
    std::chrono::milliseconds first_backoff{500};  ///< PRODUCE_RETRY_BACKOFF, doubled per re-send
    std::chrono::milliseconds max_backoff = std::chrono::seconds(30);
};

/**
 * Accounts for every order sent until it is settled: delivered, or given up (its line in the
 * failed-orders file). A failed attempt waits for a re-send with doubling backoff, up to
 * `resends` re-sends; after that, or once re-sending stopped (shutdown, fatal error), the order
 * is handed back to be given up, exactly once. Pure and thread-safe: the sending thread, the
 * delivery-report thread and the failed-orders file's thread call it; time comes from `now`.
 */
class DeliveryTracker {
public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;
    /// Told the number of unsettled orders whenever it changes (under the lock: in order).
    using UnsettledChanged = std::function<void(std::int64_t unsettled)>;

    explicit DeliveryTracker(ResendRules rules,
                             Now now = Clock::now,
                             UnsettledChanged unsettled_changed = {});

    /// An order was handed to Kafka: unsettled from now on.
    void sent();
    /// An order was delivered, or its give-up is recorded.
    void settled();

    /**
     * A failed attempt of `pending` because of `reason`. Queued for a re-send after its backoff
     * (nullptr is returned), or, with no re-send left or re-sending stopped, handed back: the
     * caller gives it up and calls settled() once that is recorded.
     */
    std::unique_ptr<PendingOrder> failed(std::unique_ptr<PendingOrder> pending,
                                         const std::string& reason);
    /**
     * `pending` was lost with a client that is being replaced (fatal error): queued for a
     * re-send due at once, without counting an attempt (it is the client that failed, not the
     * order). Handed back like failed() once re-sending stopped.
     */
    std::unique_ptr<PendingOrder> requeue(std::unique_ptr<PendingOrder> pending,
                                          const std::string& reason);
    /// The re-sends due now, in the order they failed; the others keep waiting.
    std::vector<std::unique_ptr<PendingOrder>> take_due();

    /// Wakes rest_until(): the sending loop has something to look at (a fatal error).
    void wake() { changed_.notify_all(); }
    /// From now on every failed attempt is handed back at once; wakes rest_until().
    void stop_resending();
    /// What waits for a re-send, taken out (to be given up at shutdown).
    std::vector<std::unique_ptr<PendingOrder>> take_waiting();

    /// The earlier of `wake` and the first re-send due.
    Clock::time_point wake_at(Clock::time_point wake) const;
    /**
     * The sending loop's rest: false at once when `more_to_send` is false and every order is
     * settled (the run is over); else sleeps until wake_at(`wake`) or a change (an order
     * settled or queued, re-sending stopped) and returns true.
     */
    bool rest_until(Clock::time_point wake, bool more_to_send);
    /// Waits up to `timeout` for every order to settle; true when they all are.
    bool wait_settled(std::chrono::milliseconds timeout);

    std::int64_t unsettled() const;
    /// Re-sends queued so far.
    std::int64_t resends() const { return resends_.load(); }

private:
    void change_unsettled(std::int64_t delta);
    Clock::time_point first_due(Clock::time_point wake) const;  // under mutex_

    ResendRules rules_;
    Now now_;
    UnsettledChanged unsettled_changed_;
    std::atomic<std::int64_t> resends_{0};

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::unique_ptr<PendingOrder>> waiting_;  // for their re-send, in failure order
    std::int64_t unsettled_ = 0;
    bool resending_ = true;
};

}  // namespace orderflow::producer
