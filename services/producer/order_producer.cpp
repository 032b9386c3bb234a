#include "producer/order_producer.h"

#include "common/shutdown.h"
#include "kafka/handles.h"
#include "kafka/kafka_error.h"
#include "kafka/poll_thread.h"
#include "producer/delivery_errors.h"
#include "producer/producer_client.h"
#include "serde/wire_format.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <thread>

namespace orderflow::producer {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kShutdownFlush = std::chrono::seconds(10);

}  // namespace

OrderProducer::OrderProducer(const ProducerSettings& settings, std::int32_t schema_id)
    : settings_(settings),
      schema_id_(schema_id),
      encoder_(settings.schema_json),
      generator_(settings.seed, settings.customers),
      in_flight_(metrics::default_registry().gauge("orderflow_producer_orders_in_flight",
                                                   "Orders sent and not yet settled")),
      replaced_total_(metrics::default_registry().counter(
          "orderflow_producer_client_replacements_total",
          "Producer clients replaced after a fatal librdkafka error")),
      tracker_({settings.retries, settings.retry_backoff},
               Clock::now,
               [this](std::int64_t unsettled) { in_flight_.set(static_cast<double>(unsettled)); }),
      failed_file_(settings.failed_file) {
    if (!settings.ack_log.empty()) {
        ack_log_ = std::make_unique<AckLog>(settings.ack_log);
    }
    handle_ =
        make_producer_client(settings, &OrderProducer::on_delivery, &OrderProducer::on_error, this);
}

OrderProducer::~OrderProducer() {
    poller_.reset();
}

void OrderProducer::on_delivery(rd_kafka_t* handle,
                                const rd_kafka_message_t* message,
                                void* opaque) {
    // Called from C on the delivery thread: nothing may escape.
    auto* self = static_cast<OrderProducer*>(opaque);
    std::unique_ptr<PendingOrder> pending(static_cast<PendingOrder*>(message->_private));
    try {
        const bool delivered = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
        self->handle_report(std::move(pending), *message);
        if (delivered) {
            self->count_for_failpoint(handle);
        }
    } catch (const std::exception& e) {
        spdlog::error("delivery report handling failed: {}", e.what());
    }
}

void OrderProducer::on_error(rd_kafka_t* handle, int code, const char* reason, void* opaque) {
    // A fatal error is the sending thread's to handle (recover_from_fatal_error); it sees it on
    // the client itself, before or after this callback.
    if (kafka::log_client_error(handle, code, reason)) {
        static_cast<OrderProducer*>(opaque)->tracker_.wake();
    }
}

void OrderProducer::handle_report(std::unique_ptr<PendingOrder> pending,
                                  const rd_kafka_message_t& message) {
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string reason = rd_kafka_err2str(message.err);
        if (kafka::is_authorization_failure(message.err)) {
            reason += " (" + kafka::not_authorized(message.err) + ")";
        }
        if (rd_kafka_message_status(&message) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED) {
            reason += " (possibly persisted; consumers drop a duplicate by order id)";
        }
        if (client_failed() && (message.err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
                                message.err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT ||
                                message.err == RD_KAFKA_RESP_ERR__FATAL)) {
            lost_with_client(std::move(pending), reason);
            return;
        }
        if (!worth_resending(message.err)) {
            give_up(*pending,
                    reason + " (" + rd_kafka_err2name(message.err) + ": a re-send cannot succeed)");
            return;
        }
        attempt_failed(std::move(pending), reason);
        return;
    }
    if (ack_log_) {  // before it counts as delivered: see AckLog
        ack_log_->record(pending->order.order_id, message.partition, message.offset);
    }
    ++delivered_;
    last_delivery_ns_ =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count();
    counters_.delivered.inc();
    if (settings_.per_order_lines()) {
        spdlog::info("delivered order {} customer {} total {} {} -> partition {} offset {}",
                     pending->order.order_id, pending->order.customer_id,
                     pending->order.total_cents, pending->order.currency, message.partition,
                     message.offset);
    }
    tracker_.settled();
}

void OrderProducer::attempt_failed(std::unique_ptr<PendingOrder> pending,
                                   const std::string& reason) {
    if (auto given_up = tracker_.failed(std::move(pending), reason)) {
        give_up(*given_up, reason);
        return;
    }
    counters_.retried.inc();
}

void OrderProducer::give_up(const PendingOrder& pending, const std::string& reason) {
    failed_file_.append(
        failed_order_line(pending.order, reason, pending.attempt + 1),
        [this, id = pending.order.order_id, attempts = pending.attempt + 1, reason](bool written) {
            if (written) {
                ++failed_;
                counters_.failed.inc();
                spdlog::error("order {} NOT delivered after {} attempt(s): {}; written to {}", id,
                              attempts, reason, settings_.failed_file);
            } else {
                ++unrecorded_;
            }
            tracker_.settled();
        });
}

void OrderProducer::give_up_waiting() {
    for (const auto& pending : tracker_.take_waiting()) {
        give_up(*pending, "not acknowledged at shutdown (waiting for a re-send after: " +
                              pending->last_error + ")");
    }
}

void OrderProducer::send(std::unique_ptr<PendingOrder> pending) {
    const auto& key = pending->order.customer_id;
    // rd_kafka_produceva: the RD_KAFKA_V_* macros of rd_kafka_producev use C casts.
    std::array<rd_kafka_vu_t, 4> fields{};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = settings_.pipeline.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[1].u.mem = {pending->payload.data(), pending->payload.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[2].u.ptr = pending.get();
    fields[3].vtype = RD_KAFKA_VTYPE_KEY;  // left out under --no-keys: a null key
    fields[3].u.mem = {const_cast<char*>(key.data()), key.size()};
    const std::size_t used = settings_.keyed ? fields.size() : fields.size() - 1;
    while (true) {
        const kafka::ErrorPtr error(rd_kafka_produceva(handle_.get(), fields.data(), used));
        if (!error) {
            pending.release();  // back in on_delivery
            return;
        }
        const auto code = rd_kafka_error_code(error.get());
        const std::string reason = rd_kafka_error_string(error.get());
        if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && !fatal_ && !common::stop_requested()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the poller drains it
            continue;
        }
        if (rd_kafka_error_is_fatal(error.get()) != 0) {
            lost_with_client(std::move(pending), "not queued: " + reason);
            return;
        }
        if (!worth_resending(code)) {
            give_up(*pending, "not queued: " + reason + " (" + rd_kafka_err2name(code) +
                                  ": a re-send cannot succeed)");
            return;
        }
        attempt_failed(std::move(pending), "not queued: " + reason);
        return;
    }
}

void OrderProducer::report_progress(bool force) {
    const auto now = Clock::now();
    if (!force &&
        (settings_.per_order_lines() || now - last_progress_ < settings_.progress_interval)) {
        return;
    }
    const auto seconds = std::chrono::duration<double>(now - last_progress_).count();
    const auto delivered = delivered_.load();
    const double rate =
        seconds > 0 ? static_cast<double>(delivered - delivered_at_last_progress_) / seconds : 0;
    spdlog::info("sent {} delivered {} retried {} failed {} rate {:.0f}/s", sent_.load(), delivered,
                 tracker_.resends(), failed_.load(), rate);
    if (const auto errors = failed_file_.write_errors(); errors > 0) {
        spdlog::error("{} write error(s) on the failed-orders file {} so far", errors,
                      settings_.failed_file);
    }
    last_progress_ = now;
    delivered_at_last_progress_ = delivered;
}

ProducerTotals OrderProducer::run() {
    poller_.emplace("delivery-report poller", handle_.get());
    last_progress_ = Clock::now();
    const auto step = settings_.pace_step();
    auto next = Clock::now();
    std::int64_t produced = 0;
    while (!common::stop_requested() && recover_from_fatal_error()) {
        for (auto& pending : tracker_.take_due()) {
            send(std::move(pending));
        }
        const bool more = settings_.count == 0 || produced < settings_.count;
        auto now = Clock::now();
        if (more && now >= next) {
            auto pending = std::make_unique<PendingOrder>();
            pending->order = generator_.next();
            pending->payload = serde::frame(schema_id_, encoder_.encode(pending->order));
            tracker_.sent();
            if (sent_ == 0) {
                first_send_ = Clock::now();
            }
            ++sent_;
            counters_.sent.inc();
            send(std::move(pending));
            ++produced;
            next += step;
            // After a stall, do not burst to catch up by more than a second.
            next = std::max(next, now - std::chrono::seconds(1));
            report_progress(false);
            if (next <= now || settings_.pace == Pace::kMax) {
                continue;
            }
        }
        report_progress(false);
        auto wake = now + std::chrono::milliseconds(100);
        if (more) {
            wake = std::min(wake, next);
        }
        if (!tracker_.rest_until(wake, more)) {
            break;  // all sent and settled
        }
    }
    drain_at_shutdown();
    report_progress(true);
    const Clock::time_point last_delivery{std::chrono::nanoseconds(last_delivery_ns_.load())};
    const double send_seconds =
        delivered_ > 0 ? std::chrono::duration<double>(last_delivery - first_send_).count() : 0;
    return {sent_.load(),
            delivered_.load(),
            tracker_.resends(),
            failed_.load(),
            unrecorded_.load(),
            failed_file_.write_errors(),
            ack_log_ ? ack_log_->write_errors() : 0,
            send_seconds};
}

void OrderProducer::drain_at_shutdown() {
    if (common::stop_requested() || fatal_) {
        tracker_.stop_resending();
        give_up_waiting();
        spdlog::info("stopping: flushing {} unacknowledged order(s) for up to {} s",
                     tracker_.unsettled(),
                     std::chrono::duration_cast<std::chrono::seconds>(kShutdownFlush).count());
    }
    if (!tracker_.wait_settled(kShutdownFlush)) {
        // Whatever librdkafka still holds comes back through on_delivery with a purge error
        // and goes to the failed-orders file: reported, never dropped silently.
        tracker_.stop_resending();
        rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        tracker_.wait_settled(std::chrono::seconds(5));
    }
    poller_.reset();
    rd_kafka_flush(handle_.get(), 1000);
    failed_file_.finish();  // what it still holds gets a last try, else a full log line
    if (const auto left = tracker_.unsettled(); left > 0) {
        spdlog::error("{} order(s) still unaccounted for after purging the producer queue", left);
    }
}

}  // namespace orderflow::producer
