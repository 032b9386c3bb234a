#pragma once

// Sends one order at a time to Kafka for the gateway and calls back when the cluster answered:
// idempotent, acks=all, Confluent wire format with the registered schema id, at most
// `max_in_flight` orders unacknowledged (never an unbounded queue), each answered within
// `ack_timeout` (message.timeout.ms). Delivery reports run on a poll thread of their own.

#include "kafka/handles.h"
#include "kafka/poll_thread.h"
#include "orders/order.h"
#include "pipeline/pipeline_options.h"
#include "serde/order_codec.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace orderflow::gateway {

struct Delivery {
    bool acknowledged = false;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::string error;  ///< why not, when not acknowledged
};

class OrderSender {
public:
    using Done = std::function<void(const Delivery&)>;

    /// Errors: ConfigError for a librdkafka property it refuses; std::invalid_argument for a
    /// schema the order cannot be written with.
    OrderSender(const pipeline::PipelineSettings& pipeline,
                std::string schema_json,
                std::int32_t schema_id,
                std::chrono::milliseconds ack_timeout,
                std::size_t max_in_flight);
    /// close()
    ~OrderSender();
    OrderSender(const OrderSender&) = delete;
    OrderSender& operator=(const OrderSender&) = delete;

    /// Waits up to the ack timeout for what is in flight, then purges the rest (each still
    /// gets its `done`, as a failure) and stops the delivery thread; later sends are refused.
    /// Call it while what the `done` callbacks touch still exists. Idempotent.
    void close();

    enum class Outcome { kSent, kFull, kRefused };
    /// kSent: `done` runs once, on the delivery thread, when the cluster acknowledged or the
    /// ack timeout passed. kFull: max_in_flight reached, nothing sent. kRefused: librdkafka
    /// would not take it (`reason` says why), nothing sent.
    Outcome send(const orders::Order& order, Done done, std::string& reason);

    std::size_t in_flight() const { return in_flight_.load(); }
    bool fatal() const { return fatal_.load(); }

private:
    static void on_delivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
    static void on_error(rd_kafka_t* handle, int code, const char* reason, void* opaque);

    std::string topic_;
    std::int32_t schema_id_;
    std::chrono::milliseconds ack_timeout_;
    std::size_t max_in_flight_;
    std::mutex encoder_mutex_;  // the encoder reuses one Avro value
    serde::OrderEncoder encoder_;
    std::atomic<std::size_t> in_flight_{0};
    std::atomic<bool> fatal_{false};
    std::atomic<bool> closed_{false};
    kafka::HandlePtr handle_;
    std::optional<kafka::PollThread> poller_;
};

}  // namespace orderflow::gateway
