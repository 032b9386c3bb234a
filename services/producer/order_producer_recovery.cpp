// OrderProducer after a fatal librdkafka error: the client is replaced and every order it had
// not acknowledged is sent again, or the producer stops (authorization, or too many fatal
// errors). The sending thread does all of it, with the delivery-report thread stopped.
#include "kafka/kafka_error.h"
#include "producer/order_producer.h"
#include "producer/producer_client.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string>

namespace orderflow::producer {
namespace {

using Clock = std::chrono::steady_clock;
// Purged orders come back at once; this only bounds a client that would not let them go.
constexpr auto kOldClientDrain = std::chrono::seconds(30);

}  // namespace

bool OrderProducer::client_failed() const {
    return rd_kafka_fatal_error(handle_.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

void OrderProducer::lost_with_client(std::unique_ptr<PendingOrder> pending,
                                     const std::string& reason) {
    // Its outcome is unknown (it may be in the log): a re-send may duplicate it there, and the
    // consumers drop the copy by order id.
    if (auto stopped = tracker_.requeue(std::move(pending),
                                        reason + " (the producer client failed; sent again)")) {
        give_up(*stopped, reason + " (the producer client failed while stopping)");
    }
}

bool OrderProducer::recover_from_fatal_error() {
    if (fatal_) {
        return false;
    }
    if (!client_failed()) {
        return true;
    }
    std::array<char, 512> text{};
    const auto error = rd_kafka_fatal_error(handle_.get(), text.data(), text.size());
    const auto name = rd_kafka_err2name(error);
    std::string why;
    // A principal without WRITE gets no producer id from any client: that refusal stays fatal.
    if (kafka::is_authorization_failure(error)) {
        why = kafka::not_authorized(error);
    } else if (replacements_ >= kMaxClientReplacements) {
        why = "the client was replaced " + std::to_string(replacements_) + " times already";
    } else if (replace_client()) {
        spdlog::warn(
            "kafka fatal error {}: {}; producer client replaced ({} of {}), {} order(s) not yet "
            "acknowledged are sent again",
            name, text.data(), replacements_, kMaxClientReplacements, tracker_.unsettled());
        return true;
    } else {
        why = "no new client could be made";
    }
    spdlog::error("kafka fatal error {}: {} ({}); stopping", name, text.data(), why);
    fatal_ = true;
    tracker_.stop_resending();  // every failure from now on goes to the file
    return false;
}

bool OrderProducer::replace_client() {
    kafka::HandlePtr replacement;
    try {
        replacement = make_producer_client(settings_, &OrderProducer::on_delivery,
                                           &OrderProducer::on_error, this);
    } catch (const std::exception& e) {
        spdlog::error("cannot create a new producer client: {}", e.what());
        return false;
    }
    // The old client's reports are served on this thread from here on: every order it holds
    // comes back, acknowledged (ack log) or purged (queued again by handle_report).
    poller_.reset();
    rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    const auto deadline = Clock::now() + kOldClientDrain;
    while (rd_kafka_outq_len(handle_.get()) > 0 && Clock::now() < deadline) {
        rd_kafka_poll(handle_.get(), 100);
    }
    if (const auto left = rd_kafka_outq_len(handle_.get()); left > 0) {
        spdlog::error("the failed producer client still holds {} order(s) or event(s) after {} s",
                      left,
                      std::chrono::duration_cast<std::chrono::seconds>(kOldClientDrain).count());
    }
    handle_ = std::move(replacement);
    client_delivered_ = 0;
    ++replacements_;
    replaced_total_.inc();
    poller_.emplace("delivery-report poller", handle_.get());
    return true;
}

void OrderProducer::count_for_failpoint(rd_kafka_t* handle) {
    const auto after = settings_.failpoint.fatal_after;
    if (after > 0 && ++client_delivered_ == after) {
        spdlog::warn(
            "failpoint: fatal error {} after {} acknowledged order(s) on this client",
            rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(settings_.failpoint.fatal_error)),
            after);
        rd_kafka_test_fatal_error(handle,
                                  static_cast<rd_kafka_resp_err_t>(settings_.failpoint.fatal_error),
                                  "failpoint fatal-after");
    }
}

}  // namespace orderflow::producer
