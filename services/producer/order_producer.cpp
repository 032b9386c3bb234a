#include "producer/order_producer.h"

#include "common/config_error.h"
#include "common/guarded_thread.h"
#include "common/shutdown.h"
#include "producer/delivery_errors.h"
#include "serde/wire_format.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace orderflow::producer {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kMaxBackoff = std::chrono::seconds(30);
constexpr auto kShutdownFlush = std::chrono::seconds(10);

metrics::Counter& counter(const std::string& what, const std::string& help) {
    return metrics::default_registry().counter("orderflow_producer_orders_" + what + "_total",
                                               help);
}

}  // namespace

OrderProducer::OrderProducer(const ProducerSettings& settings, std::int32_t schema_id)
    : settings_(settings),
      schema_id_(schema_id),
      encoder_(settings.schema_json),
      generator_(settings.seed, settings.customers),
      sent_total_(counter("sent", "Orders generated and handed to Kafka")),
      delivered_total_(counter("delivered", "Orders acknowledged by the cluster (acks=all)")),
      retried_total_(counter("retried", "Re-sends after a failed delivery")),
      failed_total_(counter("failed", "Orders written to the failed-orders file")),
      in_flight_(metrics::default_registry().gauge("orderflow_producer_orders_in_flight",
                                                   "Orders sent and not yet settled")),
      failed_file_(settings.failed_file) {
    if (!settings.ack_log.empty()) {
        ack_log_ = std::make_unique<AckLog>(settings.ack_log);
    }
    auto conf = kafka::make_conf(
        settings.pipeline.kafka,
        {{"enable.idempotence", "true"},
         {"acks", "all"},
         // Java-compatible key -> partition mapping, so every client agrees on a customer's
         // partition.
         {"partitioner", "murmur2_random"},
         {"linger.ms", "5"},
         // A bounded queue: librdkafka's defaults (100 000 messages, 1 GB) let a producer at
         // --rate max grow past 100 MB while the brokers lag (each queued order also holds its
         // Pending copy for re-sends); 10 000 orders are still ~0.15 s of sends.
         {"queue.buffering.max.messages", "10000"},
         {"queue.buffering.max.kbytes", "8192"},
         {"message.timeout.ms", std::to_string(settings.delivery_timeout.count())}});
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &OrderProducer::on_delivery);
    rd_kafka_conf_set_error_cb(conf.get(), &OrderProducer::on_error);
    rd_kafka_conf_set_opaque(conf.get(), this);
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        throw common::ConfigError("KAFKA_EXTRA", error.data());
    }
    conf.release();  // owned by the handle now
    handle_.reset(handle);
}

OrderProducer::~OrderProducer() {
    polling_ = false;
    if (poller_.joinable()) {
        poller_.join();
    }
}

void OrderProducer::on_delivery(rd_kafka_t* /*handle*/,
                                const rd_kafka_message_t* message,
                                void* opaque) {
    // Called from C on the delivery thread: nothing may escape.
    auto* self = static_cast<OrderProducer*>(opaque);
    std::unique_ptr<Pending> pending(static_cast<Pending*>(message->_private));
    try {
        self->handle_report(std::move(pending), *message);
    } catch (const std::exception& e) {
        spdlog::error("delivery report handling failed: {}", e.what());
    }
}

void OrderProducer::on_error(rd_kafka_t* handle, int code, const char* reason, void* opaque) {
    auto* self = static_cast<OrderProducer*>(opaque);
    if (code != RD_KAFKA_RESP_ERR__FATAL) {
        spdlog::warn("kafka: {}", reason);
        return;
    }
    std::array<char, 512> text{};
    const auto fatal = rd_kafka_fatal_error(handle, text.data(), text.size());
    spdlog::error("kafka fatal error {}: {}; stopping", rd_kafka_err2name(fatal), text.data());
    self->fatal_ = true;
    self->changed_.notify_all();
}

void OrderProducer::handle_report(std::unique_ptr<Pending> pending,
                                  const rd_kafka_message_t& message) {
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string reason = rd_kafka_err2str(message.err);
        if (rd_kafka_message_status(&message) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED) {
            reason += " (possibly persisted; consumers drop a duplicate by order id)";
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
    delivered_total_.inc();
    if (settings_.per_order_lines()) {
        spdlog::info("delivered order {} customer {} total {} {} -> partition {} offset {}",
                     pending->order.order_id, pending->order.customer_id,
                     pending->order.total_cents, pending->order.currency, message.partition,
                     message.offset);
    }
    settle(-1);
}

void OrderProducer::attempt_failed(std::unique_ptr<Pending> pending, const std::string& reason) {
    if (shutting_down_ || fatal_ || pending->attempt >= settings_.retries) {
        give_up(*pending, reason);
        return;
    }
    ++pending->attempt;
    const auto backoff = std::min<std::chrono::milliseconds>(
        settings_.retry_backoff * (1LL << std::min(pending->attempt - 1, 20)), kMaxBackoff);
    spdlog::warn("order {} not delivered: {}; re-send {} of {} in {} ms", pending->order.order_id,
                 reason, pending->attempt, settings_.retries, backoff.count());
    pending->last_error = reason;
    pending->due = Clock::now() + backoff;
    ++retried_;
    retried_total_.inc();
    {
        std::lock_guard lock(mutex_);
        retries_.push_back(std::move(pending));
    }
    changed_.notify_all();
}

void OrderProducer::give_up(const Pending& pending, const std::string& reason) {
    const nlohmann::ordered_json line = {
        {"failed_at", orders::now_ms()},
        {"reason", reason},
        {"attempts", pending.attempt + 1},
        {"order", nlohmann::json::parse(orders::to_json(pending.order))}};
    failed_file_.append(line.dump(), [this, id = pending.order.order_id,
                                      attempts = pending.attempt + 1, reason](bool written) {
        if (written) {
            ++failed_;
            failed_total_.inc();
            spdlog::error("order {} NOT delivered after {} attempt(s): {}; written to {}", id,
                          attempts, reason, settings_.failed_file);
        } else {
            ++unrecorded_;
        }
        settle(-1);
    });
}

void OrderProducer::settle(std::int64_t delta) {
    {
        std::lock_guard lock(mutex_);
        unsettled_ += delta;
        in_flight_.set(static_cast<double>(unsettled_));
    }
    changed_.notify_all();
}

void OrderProducer::send(std::unique_ptr<Pending> pending) {
    const auto& key = pending->order.customer_id;
    // rd_kafka_produceva: the RD_KAFKA_V_* macros of rd_kafka_producev use C casts.
    std::array<rd_kafka_vu_t, 4> fields{};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = settings_.pipeline.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_KEY;
    fields[1].u.mem = {const_cast<char*>(key.data()), key.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[2].u.mem = {pending->payload.data(), pending->payload.size()};
    fields[3].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[3].u.ptr = pending.get();
    while (true) {
        rd_kafka_error_t* error = rd_kafka_produceva(handle_.get(), fields.data(), fields.size());
        if (error == nullptr) {
            pending.release();  // back in on_delivery
            return;
        }
        const auto code = rd_kafka_error_code(error);
        const std::string reason = rd_kafka_error_string(error);
        rd_kafka_error_destroy(error);
        if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && !fatal_ && !common::stop_requested()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the poller drains it
            continue;
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

void OrderProducer::send_due_retries() {
    std::vector<std::unique_ptr<Pending>> due;
    {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        for (auto it = retries_.begin(); it != retries_.end();) {
            if ((*it)->due <= now) {
                due.push_back(std::move(*it));
                it = retries_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& pending : due) {
        send(std::move(pending));
    }
}

void OrderProducer::poll_loop() {
    while (polling_) {
        rd_kafka_poll(handle_.get(), 100);
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
                 retried_.load(), failed_.load(), rate);
    if (const auto errors = failed_file_.write_errors(); errors > 0) {
        spdlog::error("{} write error(s) on the failed-orders file {} so far", errors,
                      settings_.failed_file);
    }
    last_progress_ = now;
    delivered_at_last_progress_ = delivered;
}

ProducerTotals OrderProducer::run() {
    poller_ = std::thread(common::guarded("delivery-report poller", [this] { poll_loop(); }));
    last_progress_ = Clock::now();
    Clock::duration step = Clock::duration::zero();  // Pace::kMax
    if (settings_.pace == Pace::kInterval) {
        step = settings_.interval;
    } else if (settings_.pace == Pace::kRate) {
        step = std::chrono::nanoseconds(1'000'000'000LL / settings_.rate);
    }
    auto next = Clock::now();
    std::int64_t produced = 0;
    while (!common::stop_requested() && !fatal_) {
        send_due_retries();
        const bool more = settings_.count == 0 || produced < settings_.count;
        auto now = Clock::now();
        if (more && now >= next) {
            auto pending = std::make_unique<Pending>();
            pending->order = generator_.next();
            pending->payload = serde::frame(schema_id_, encoder_.encode(pending->order));
            settle(+1);
            if (sent_ == 0) {
                first_send_ = Clock::now();
            }
            ++sent_;
            sent_total_.inc();
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
        std::unique_lock lock(mutex_);
        if (!more && unsettled_ == 0) {
            break;
        }
        auto wake = now + std::chrono::milliseconds(100);
        if (more) {
            wake = std::min(wake, next);
        }
        for (const auto& retry : retries_) {
            wake = std::min(wake, retry->due);
        }
        changed_.wait_until(lock, wake);
    }
    drain_at_shutdown();
    report_progress(true);
    const Clock::time_point last_delivery{std::chrono::nanoseconds(last_delivery_ns_.load())};
    const double send_seconds =
        delivered_ > 0 ? std::chrono::duration<double>(last_delivery - first_send_).count() : 0;
    return {sent_.load(),
            delivered_.load(),
            retried_.load(),
            failed_.load(),
            unrecorded_.load(),
            failed_file_.write_errors(),
            ack_log_ ? ack_log_->write_errors() : 0,
            send_seconds};
}

void OrderProducer::drain_at_shutdown() {
    const bool stopping = common::stop_requested() || fatal_;
    if (stopping) {
        shutting_down_ = true;
        std::deque<std::unique_ptr<Pending>> queued;
        {
            std::lock_guard lock(mutex_);
            queued.swap(retries_);
        }
        for (const auto& pending : queued) {
            give_up(*pending, "not acknowledged at shutdown (waiting for a re-send after: " +
                                  pending->last_error + ")");
        }
        std::lock_guard lock(mutex_);
        spdlog::info("stopping: flushing {} unacknowledged order(s) for up to {} s", unsettled_,
                     std::chrono::duration_cast<std::chrono::seconds>(kShutdownFlush).count());
    }
    auto all_settled = [this] { return unsettled_ == 0; };
    {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, kShutdownFlush, all_settled);
    }
    bool left = false;
    {
        std::lock_guard lock(mutex_);
        left = unsettled_ > 0;
    }
    if (left) {
        // Whatever librdkafka still holds comes back through on_delivery with a purge error
        // and goes to the failed-orders file: reported, never dropped silently.
        shutting_down_ = true;
        rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(5), all_settled);
    }
    polling_ = false;
    if (poller_.joinable()) {
        poller_.join();
    }
    rd_kafka_flush(handle_.get(), 1000);
    failed_file_.finish();  // what it still holds gets a last try, else a full log line
    std::lock_guard lock(mutex_);
    if (unsettled_ > 0) {
        spdlog::error("{} order(s) still unaccounted for after purging the producer queue",
                      unsettled_);
    }
}

}  // namespace orderflow::producer
