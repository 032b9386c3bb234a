#include "registry/schemas_writer.h"

#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <memory>

namespace orderflow::registry {
namespace {

// One write's delivery reports. Each message holds a share of it (its opaque), so a write that
// gives up at its deadline can return while late reports still arrive on the poller thread.
struct Delivery {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t pending = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    WrittenRange range;
};
using DeliveryShare = std::shared_ptr<Delivery>;

extern "C" void on_delivery(rd_kafka_t* /*rk*/,
                            const rd_kafka_message_t* message,
                            void* /*opaque*/) {
    const std::unique_ptr<DeliveryShare> share(static_cast<DeliveryShare*>(message->_private));
    if (!share) {
        return;
    }
    auto& delivery = **share;
    std::lock_guard lock(delivery.mutex);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        delivery.error = message->err;
    } else {
        delivery.range.first = delivery.range.first < 0
                                   ? message->offset
                                   : std::min(delivery.range.first, message->offset);
        delivery.range.last = std::max(delivery.range.last, message->offset);
    }
    --delivery.pending;
    delivery.done.notify_all();
}

extern "C" void on_error(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
    static_cast<SchemasWriter*>(opaque)->on_error(
        std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " + reason);
}

std::int64_t ms_between(SchemasWriter::Clock::time_point from,
                        SchemasWriter::Clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

}  // namespace

SchemasWriter::SchemasWriter(const kafka::ClientSettings& settings,
                             std::string topic,
                             std::chrono::milliseconds timeout)
    : topic_(std::move(topic)) {
    // Not idempotent: an idempotent producer must drain what is in flight to a paused leader
    // before it may send to the new one, and it bumps its epoch after a timeout. One request in
    // flight keeps the order; a retried batch can only repeat itself right away, and applying
    // a `_schemas` record twice in a row changes nothing.
    const auto request = std::min(timeout, std::chrono::milliseconds(5000));
    const auto request_ms = std::to_string(request.count());
    producer_ = kafka::make_producer(
        settings,
        kafka::presets::join({{{"acks", "all"},
                               {"enable.idempotence", "false"},
                               {"max.in.flight.requests.per.connection", "1"},
                               {"linger.ms", "0"},
                               {"message.timeout.ms", std::to_string(timeout.count())},
                               {"request.timeout.ms", request_ms},
                               {"retry.backoff.ms", "100"}},
                              kafka::presets::failover(request)}),
        "the _schemas writer",
        {.delivery = on_delivery, .error = registry::on_error, .opaque = this});
    poller_ = std::make_unique<kafka::PollThread>("_schemas writer poller", producer_.get());
}

SchemasWriter::~SchemasWriter() {
    close();
}

void SchemasWriter::close() {
    if (stop_.exchange(true)) {
        return;
    }
    if (poller_) {
        poller_->stop();
    }
    if (producer_) {
        rd_kafka_flush(producer_.get(), 5000);
        if (const int left = rd_kafka_outq_len(producer_.get()); left > 0) {
            spdlog::warn("{}: {} message(s) or request(s) still queued at shutdown", topic_, left);
        }
        producer_.reset();
    }
}

void SchemasWriter::on_error(const std::string& text) {
    // Setting an error callback stops librdkafka from logging these itself.
    spdlog::warn("librdkafka {} writer: {}", topic_, text);
    std::lock_guard lock(error_mutex_);
    last_error_ = text;
    last_error_at_ = Clock::now();
}

std::string SchemasWriter::last_error(Clock::time_point since) const {
    std::lock_guard lock(error_mutex_);
    return last_error_at_ >= since ? last_error_ : std::string();
}

WrittenRange SchemasWriter::write(const std::vector<Record>& records,
                                  Clock::time_point deadline,
                                  const std::function<bool()>& stop_requested) {
    const auto started = Clock::now();
    auto delivery = std::make_shared<Delivery>();
    delivery->pending = records.size();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        auto share = std::make_unique<DeliveryShare>(delivery);
        std::array<rd_kafka_vu_t, 6> vu{};
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = topic_.c_str();
        vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        vu[1].u.i32 = 0;
        vu[2].vtype = RD_KAFKA_VTYPE_KEY;
        vu[2].u.mem.ptr = const_cast<char*>(r.key.data());  // copied: F_COPY
        vu[2].u.mem.size = r.key.size();
        vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[3].u.mem.ptr = r.value ? const_cast<char*>(r.value->data()) : nullptr;
        vu[3].u.mem.size = r.value ? r.value->size() : 0;
        vu[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[4].u.i = RD_KAFKA_MSG_F_COPY;
        vu[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vu[5].u.ptr = share.get();
        if (const kafka::ErrorPtr error(rd_kafka_produceva(producer_.get(), vu.data(), vu.size()));
            error) {
            const auto err = rd_kafka_error_code(error.get());
            {
                std::lock_guard lock(delivery->mutex);
                delivery->pending -= records.size() - i;
            }
            rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            throw kafka::KafkaError(err,
                                    "cannot produce to " + topic_ + ": " + kafka::describe(err));
        }
        share.release();  // owned by the message now; freed by on_delivery
    }
    std::unique_lock lock(delivery->mutex);
    auto last_log = started;
    while (delivery->pending > 0) {
        const auto now = Clock::now();
        const bool stopping = stop_requested && stop_requested();
        if (now >= deadline || stopping) {
            lock.unlock();
            // Nothing may reach the log after we answered: drop what is queued or in flight
            // (their reports arrive at once, on the poller thread, into the shared Delivery).
            rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            if (stopping) {
                throw kafka::KafkaError(RD_KAFKA_RESP_ERR__DESTROY, "stop requested");
            }
            const auto cause = last_error(started);
            throw kafka::KafkaError(
                RD_KAFKA_RESP_ERR__TIMED_OUT,
                "no acknowledgement from " + topic_ + " [0] after " +
                    std::to_string(ms_between(started, Clock::now())) + " ms" +
                    (cause.empty() ? std::string() : " (last Kafka error: " + cause + ")"));
        }
        if (now - last_log >= std::chrono::seconds(1)) {
            last_log = now;
            spdlog::info(
                "{}: waiting {} ms for {} record(s) to be acknowledged; last Kafka error: {}",
                topic_, ms_between(started, now), delivery->pending,
                last_error(started).empty() ? "none" : last_error(started));
        }
        delivery->done.wait_for(
            lock, std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(100)));
    }
    if (delivery->error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const auto err = delivery->error;
        lock.unlock();
        const auto cause = last_error(started);
        throw kafka::KafkaError(
            err, "write to " + topic_ + " failed after " +
                     std::to_string(ms_between(started, Clock::now())) +
                     " ms: " + kafka::describe(err) +
                     (cause.empty() ? std::string() : " (last Kafka error: " + cause + ")"));
    }
    return delivery->range;
}

}  // namespace orderflow::registry
