#pragma once

#include "kafka/client_config.h"
#include "kafka/poll_thread.h"
#include "metrics/metrics.h"
#include "orders/generator.h"
#include "producer/ack_log.h"
#include "producer/delivery_tracker.h"
#include "producer/failed_orders_file.h"
#include "producer/order_counters.h"
#include "producer/producer_settings.h"
#include "serde/order_codec.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace orderflow::producer {

struct ProducerTotals {
    std::int64_t sent = 0;            ///< orders generated and handed to Kafka
    std::int64_t delivered = 0;       ///< acknowledged by the cluster (acks=all)
    std::int64_t retried = 0;         ///< re-sends after a failed delivery
    std::int64_t failed = 0;          ///< written to the failed-orders file (and fsynced)
    std::int64_t unrecorded = 0;      ///< not delivered and not in the file either: only logged
    std::int64_t file_errors = 0;     ///< failed attempts to write the failed-orders file
    std::int64_t ack_log_errors = 0;  ///< acknowledged orders whose ack-log line is missing
    double send_seconds = 0;          ///< first send to last acknowledgement (make bench)
};

/**
 * Generates orders, writes them in the Confluent wire format with acks=all and idempotence,
 * and accounts for every one: delivered, or written to the failed-orders file with the reason
 * (after PRODUCE_RETRIES re-sends with exponential backoff, or at once for an error that a
 * re-send cannot fix, see worth_resending()); DeliveryTracker keeps that account and the
 * re-sends. This class paces and sends. Delivery reports are served by a thread of their own;
 * the file by another (FailedOrdersFile). A stop request (SIGINT/SIGTERM) ends generation,
 * flushes, and writes whatever is still unacknowledged to the failed-orders file.
 *
 * A fatal librdkafka error (the idempotent producer's broken sequence) ends that client, not the
 * run: the client is replaced up to kMaxClientReplacements times and every order it had not
 * acknowledged is sent again on the new one (order_producer_recovery.cpp). An authorization
 * failure, or one fatal error more, stops the producer as before.
 *
 * Errors (constructor): ConfigError for a librdkafka property it refuses.
 */
class OrderProducer {
public:
    OrderProducer(const ProducerSettings& settings, std::int32_t schema_id);
    ~OrderProducer();
    OrderProducer(const OrderProducer&) = delete;
    OrderProducer& operator=(const OrderProducer&) = delete;

    /// Runs to the end (count reached and all settled, or stopped). Returns the totals.
    ProducerTotals run();

    /// True once a fatal producer error stopped it (one no client replacement can cure).
    bool fatal() const { return fatal_.load(); }

    static constexpr int kMaxClientReplacements = 5;

private:
    static void on_delivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
    static void on_error(rd_kafka_t* handle, int code, const char* reason, void* opaque);
    void handle_report(std::unique_ptr<PendingOrder> pending, const rd_kafka_message_t& message);
    void attempt_failed(std::unique_ptr<PendingOrder> pending, const std::string& reason);
    /// Queues the order for the failed-orders file; it is settled once the line is on disk.
    void give_up(const PendingOrder& pending, const std::string& reason);
    /// Gives up what waits for a re-send, at shutdown.
    void give_up_waiting();
    void send(std::unique_ptr<PendingOrder> pending);
    /// True once the client raised a fatal error (its queue is purged, it takes no more).
    bool client_failed() const;
    /// An order the client lost to its fatal error: sent again on the next client.
    void lost_with_client(std::unique_ptr<PendingOrder> pending, const std::string& reason);
    /// After a fatal error: replaces the client (true) or stops the run (false).
    bool recover_from_fatal_error();
    /// Swaps in a new client once the old one gave back every order; false if none can be made.
    bool replace_client();
    /// ORDERFLOW_FAILPOINT fatal-after: the test hook's fatal error on `handle`.
    void count_for_failpoint(rd_kafka_t* handle);
    void drain_at_shutdown();
    void report_progress(bool force);

    ProducerSettings settings_;
    std::int32_t schema_id_;
    serde::OrderEncoder encoder_;
    orders::OrderGenerator generator_;

    kafka::HandlePtr handle_;
    std::optional<kafka::PollThread> poller_;  // serves delivery reports while run() runs
    std::atomic<bool> fatal_{false};
    int replacements_ = 0;                           // the sending thread's
    std::atomic<std::int64_t> client_delivered_{0};  // by the current client (failpoint)

    std::atomic<std::int64_t> sent_{0};
    std::atomic<std::int64_t> delivered_{0};
    std::chrono::steady_clock::time_point first_send_{};
    std::atomic<std::int64_t> last_delivery_ns_{0};  // steady clock, since its epoch
    std::atomic<std::int64_t> failed_{0};
    std::atomic<std::int64_t> unrecorded_{0};
    OrderCounters counters_;
    metrics::Gauge& in_flight_;
    metrics::Counter& replaced_total_;
    DeliveryTracker tracker_;          // sent and neither delivered nor given up; the re-sends
    std::unique_ptr<AckLog> ack_log_;  // PRODUCE_ACK_LOG, when set
    std::chrono::steady_clock::time_point last_progress_;
    std::int64_t delivered_at_last_progress_ = 0;
    // Last: destroyed (finished) first, while what its callbacks touch still exists.
    FailedOrdersFile failed_file_;
};

}  // namespace orderflow::producer
