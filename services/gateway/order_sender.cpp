#include "gateway/order_sender.h"

#include "common/shutdown.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"
#include "serde/wire_format.h"

#include <spdlog/spdlog.h>

#include <array>
#include <memory>

namespace orderflow::gateway {
namespace {

// What travels with a message to its delivery report.
struct InFlight {
    OrderSender::Done done;
    std::atomic<std::size_t>* counter = nullptr;
};

}  // namespace

OrderSender::OrderSender(const pipeline::PipelineSettings& pipeline,
                         std::string schema_json,
                         std::int32_t schema_id,
                         std::chrono::milliseconds ack_timeout,
                         std::size_t max_in_flight)
    : topic_(pipeline.topic),
      schema_id_(schema_id),
      ack_timeout_(ack_timeout),
      max_in_flight_(max_in_flight),
      encoder_(schema_json) {
    handle_ = kafka::make_producer(
        pipeline.kafka,
        kafka::presets::join({kafka::presets::acknowledged(),
                              {// Java-compatible key -> partition mapping, as the producer's: a
                               // customer's orders share a partition whoever sent them.
                               {"partitioner", "murmur2_random"},
                               // The producer's batching: with 1 ms librdkafka 2.0.2's broker
                               // threads woke for nearly every order (measured: 224 against 172
                               // µs of CPU per order at 200 connections; README, bench).
                               {"linger.ms", "5"},
                               // The queue never holds more than the in-flight limit; the answer's
                               // deadline is the delivery's.
                               {"queue.buffering.max.messages", std::to_string(max_in_flight + 16)},
                               {"message.timeout.ms", std::to_string(ack_timeout.count())}}}),
        "the gateway's producer",
        {.delivery = &OrderSender::on_delivery, .error = &OrderSender::on_error, .opaque = this});
    // Delivery reports are served promptly: they are the answers clients wait for.
    poller_.emplace("gateway deliveries", handle_.get(), std::chrono::milliseconds(20));
}

OrderSender::~OrderSender() {
    close();
}

void OrderSender::close() {
    if (closed_.exchange(true)) {
        return;
    }
    const auto left = rd_kafka_flush(handle_.get(), static_cast<int>(ack_timeout_.count()));
    if (left != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(handle_.get(), 1000);
    }
    poller_.reset();
}

OrderSender::Outcome OrderSender::send(const orders::Order& order, Done done, std::string& reason) {
    if (fatal_ || closed_) {
        reason =
            fatal_ ? "the Kafka producer stopped after a fatal error" : "the gateway is stopping";
        return Outcome::kRefused;
    }
    // Taken before the send, given back by its report: the limit holds whatever the timing.
    if (in_flight_.fetch_add(1) >= max_in_flight_) {
        in_flight_.fetch_sub(1);
        return Outcome::kFull;
    }
    std::string payload;
    {
        std::lock_guard lock(encoder_mutex_);
        payload = serde::frame(schema_id_, encoder_.encode(order));
    }
    auto pending = std::make_unique<InFlight>(InFlight{std::move(done), &in_flight_});
    // rd_kafka_produceva: the RD_KAFKA_V_* macros of rd_kafka_producev use C casts.
    std::array<rd_kafka_vu_t, 5> fields{};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = topic_.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_KEY;
    fields[1].u.mem = {const_cast<char*>(order.customer_id.data()), order.customer_id.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[2].u.mem = {payload.data(), payload.size()};
    fields[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[3].u.i = RD_KAFKA_MSG_F_COPY;
    fields[4].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[4].u.ptr = pending.get();
    const kafka::ErrorPtr error(rd_kafka_produceva(handle_.get(), fields.data(), fields.size()));
    if (error) {
        in_flight_.fetch_sub(1);
        reason = rd_kafka_error_string(error.get());
        return Outcome::kRefused;
    }
    pending.release();  // back in on_delivery
    return Outcome::kSent;
}

void OrderSender::on_delivery(rd_kafka_t* /*handle*/,
                              const rd_kafka_message_t* message,
                              void* /*opaque*/) {
    // Called from C on the delivery thread: nothing may escape.
    std::unique_ptr<InFlight> pending(static_cast<InFlight*>(message->_private));
    if (!pending) {
        return;
    }
    Delivery delivery;
    delivery.acknowledged = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    delivery.partition = message->partition;
    delivery.offset = message->offset;
    if (!delivery.acknowledged) {
        delivery.error = rd_kafka_err2str(message->err);
    }
    pending->counter->fetch_sub(1);
    try {
        pending->done(delivery);
    } catch (const std::exception& e) {
        spdlog::error("gateway: answering a delivery failed: {}", e.what());
    }
}

void OrderSender::on_error(rd_kafka_t* handle, int code, const char* reason, void* opaque) {
    auto* self = static_cast<OrderSender*>(opaque);
    const auto fatal = kafka::log_client_error(handle, code, reason);
    if (!fatal) {
        return;
    }
    self->fatal_ = true;
    // An idempotent producer cannot go on after this; a new process gets a new producer id.
    common::request_stop_for_failure("kafka fatal error " + *fatal);
}

}  // namespace orderflow::gateway
