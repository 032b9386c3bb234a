#pragma once

// `orderflow produce --via-gateway URL`: the same generated orders, at the same pace, placed
// through `orderflow gateway`'s POST /v1/orders instead of written to Kafka, so the demo runs
// through the front door. One keep-alive connection, one order at a time; each order's
// generated id is its Idempotency-Key, so a retry after a lost answer, a 429 or a 503 can never
// place it twice. The gateway's own order id (what the consumers store) goes to the ack log.
//
//   201            delivered: "GATEWAY_ORDER_ID -1 -1" in the ack log (no partition or offset)
//   429, 5xx, no answer   sent again after PRODUCE_RETRY_BACKOFF (doubled, at least the answer's
//                  Retry-After, at most 30 s), up to PRODUCE_RETRIES times, then failed
//   other 4xx      failed at once (the order would be refused again): the failed-orders file

#include "orders/generator.h"
#include "producer/ack_log.h"
#include "producer/failed_orders_file.h"
#include "producer/order_counters.h"
#include "producer/order_producer.h"
#include "producer/producer_settings.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace orderflow::producer {

class GatewayPoster {
public:
    /// Errors: ConfigError PRODUCE_ACK_LOG when the ack log cannot be opened.
    explicit GatewayPoster(const ProducerSettings& settings);

    /// Places `count` orders (or until stopped) and returns the totals; `sent` counts orders,
    /// `retried` the extra requests.
    ProducerTotals run();

private:
    struct Answer {
        int status = 0;  ///< 0: no answer (connection refused, reset, timed out)
        std::string order_id;
        std::string error;
        std::chrono::seconds retry_after{0};
    };
    Answer post(const orders::Order& order);
    /// One order until it is delivered or given up.
    void place(const orders::Order& order);
    void give_up(const orders::Order& order, int attempts, const std::string& reason);
    void report_progress(bool force);

    ProducerSettings settings_;
    orders::OrderGenerator generator_;
    ProducerTotals totals_;                // this thread's; failed and unrecorded below
    std::atomic<std::int64_t> failed_{0};  // settled by the failed-orders file's thread
    std::atomic<std::int64_t> unrecorded_{0};
    OrderCounters counters_;
    std::unique_ptr<AckLog> ack_log_;
    std::chrono::steady_clock::time_point first_send_{};
    std::chrono::steady_clock::time_point last_delivery_{};
    std::chrono::steady_clock::time_point last_progress_{};
    std::int64_t delivered_at_last_progress_ = 0;
    // Last: destroyed (finished) first.
    FailedOrdersFile failed_file_;
};

}  // namespace orderflow::producer
