#include "producer/gateway_poster.h"

#include "common/shutdown.h"
#include "orders/order.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace orderflow::producer {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kMaxBackoff = std::chrono::seconds(30);
// The gateway's answers are an order or an error body, a few KiB at most.
constexpr std::size_t kMaxReplyBytes = 64 * 1024;

// What the gateway's POST /v1/orders takes: the order without what the gateway assigns.
std::string request_body(const orders::Order& order) {
    const nlohmann::ordered_json body = {{"customer_id", order.customer_id},
                                         {"items", orders::items_to_json(order)},
                                         {"currency", order.currency},
                                         {"shipping_country", order.shipping_country},
                                         {"payment_method", order.payment_method}};
    return body.dump();
}

// A 429 or a 5xx is the gateway's "not now" (Kafka or Redis slow or away, its limits reached);
// no answer at all may be a lost one. The Idempotency-Key makes sending again safe for all.
bool worth_retrying(int status) {
    return status == 0 || status == 429 || status >= 500;
}

std::chrono::seconds retry_after_of(const std::string& header) {
    int seconds = 0;
    const auto* end = header.data() + header.size();
    if (auto [at, error] = std::from_chars(header.data(), end, seconds);
        error != std::errc() || at != end || seconds < 0) {
        return std::chrono::seconds(0);
    }
    return std::min(std::chrono::seconds(seconds), kMaxBackoff);
}

// The error code and message of the gateway's error body, or the start of whatever it sent.
std::string describe(int status, const std::string& body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object() && json.contains("error") && json["error"].is_object()) {
        const auto& error = json["error"];
        return "HTTP " + std::to_string(status) + " " + error.value("code", "") + ": " +
               error.value("message", "");
    }
    return "HTTP " + std::to_string(status) + " " + body.substr(0, 200);
}

}  // namespace

GatewayPoster::GatewayPoster(const ProducerSettings& settings)
    : settings_(settings),
      generator_(settings.seed, settings.customers),
      failed_file_(settings.failed_file) {
    if (!settings.ack_log.empty()) {
        ack_log_ = std::make_unique<AckLog>(settings.ack_log);
    }
}

GatewayPoster::Answer GatewayPoster::post(const orders::Order& order) {
    // A client per request is one more connect on loopback; one kept across requests would
    // have to be rebuilt after every error anyway. Keep-alive within it covers the retries.
    httplib::Client client(settings_.gateway_host, settings_.gateway_port);
    client.set_connection_timeout(std::chrono::seconds(5));
    // The gateway answers within its ack timeout; a longer wait means an answer was lost.
    client.set_read_timeout(settings_.delivery_timeout + std::chrono::seconds(5));
    client.set_write_timeout(std::chrono::seconds(5));
    httplib::Request request;
    request.method = "POST";
    request.path = "/v1/orders";
    request.set_header("Idempotency-Key", order.order_id);
    request.set_header("Content-Type", "application/json");
    if (!settings_.gateway_token.empty()) {
        request.set_header("Authorization", "Bearer " + settings_.gateway_token);
    }
    request.body = request_body(order);
    // The reply is read into a bounded buffer: whatever answers on that port, a reply longer
    // than any the gateway sends ends the read instead of growing the producer's memory.
    std::string reply;
    bool too_long = false;
    request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t,
                                   std::uint64_t) {
        if (reply.size() + length > kMaxReplyBytes) {
            too_long = true;
            return false;
        }
        reply.append(data, length);
        return true;
    };
    const auto result = client.send(request);
    Answer answer;
    if (too_long) {
        answer.error = "the gateway's reply passed " + std::to_string(kMaxReplyBytes) +
                       " bytes; it was not read";
        return answer;
    }
    if (!result) {
        answer.error = "no answer from the gateway: " + httplib::to_string(result.error());
        return answer;
    }
    answer.status = result->status;
    if (answer.status == 201) {
        const auto json = nlohmann::json::parse(reply, nullptr, false);
        if (json.is_object() && json.contains("order_id") && json["order_id"].is_string()) {
            answer.order_id = json["order_id"].get<std::string>();
            return answer;
        }
        answer.status = 502;  // a 201 without an order id is not an answer we can record
        answer.error = "HTTP 201 without an order_id: " + reply.substr(0, 200);
        return answer;
    }
    answer.error = describe(answer.status, reply);
    answer.retry_after = retry_after_of(result->get_header_value("Retry-After"));
    return answer;
}

void GatewayPoster::place(const orders::Order& order) {
    auto backoff = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.retry_backoff);
    for (int attempt = 1;; ++attempt) {
        const auto answer = post(order);
        if (answer.status == 201) {
            ++totals_.delivered;
            counters_.delivered.inc();
            last_delivery_ = Clock::now();
            if (ack_log_) {
                ack_log_->record(answer.order_id, -1, -1);
            }
            if (settings_.per_order_lines()) {
                spdlog::info("order {} placed through the gateway as {} (customer {}, {} cents)",
                             order.order_id, answer.order_id, order.customer_id, order.total_cents);
            }
            return;
        }
        if (!worth_retrying(answer.status)) {
            give_up(order, attempt, answer.error);
            return;
        }
        if (attempt > settings_.retries || common::stop_requested()) {
            give_up(order, attempt,
                    answer.error + (common::stop_requested() ? " (stopping)" : " (retries spent)"));
            return;
        }
        const auto wait = std::max<std::chrono::milliseconds>(backoff, answer.retry_after);
        spdlog::warn("order {}: {}; attempt {} of {}, again in {} ms", order.order_id, answer.error,
                     attempt, settings_.retries + 1, wait.count());
        ++totals_.retried;
        counters_.retried.inc();
        common::sleep_unless_stopped(wait);
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
    }
}

void GatewayPoster::give_up(const orders::Order& order, int attempts, const std::string& reason) {
    // Never waits for the disk: the writer thread settles the line (FailedOrdersFile).
    failed_file_.append(failed_order_line(order, reason, attempts),
                        [this, id = order.order_id, attempts, reason](bool written) {
                            if (written) {
                                ++failed_;
                                counters_.failed.inc();
                                spdlog::error(
                                    "order {} NOT placed after {} attempt(s): {}; written to {}",
                                    id, attempts, reason, settings_.failed_file);
                            } else {
                                ++unrecorded_;
                            }
                        });
}

void GatewayPoster::report_progress(bool force) {
    const auto now = Clock::now();
    if (!force &&
        (settings_.per_order_lines() || now - last_progress_ < settings_.progress_interval)) {
        return;
    }
    const auto seconds = std::chrono::duration<double>(now - last_progress_).count();
    const double rate =
        seconds > 0 ? static_cast<double>(totals_.delivered - delivered_at_last_progress_) / seconds
                    : 0;
    spdlog::info("sent {} delivered {} retried {} failed {} rate {:.0f}/s (through the gateway)",
                 totals_.sent, totals_.delivered, totals_.retried, failed_.load(), rate);
    last_progress_ = now;
    delivered_at_last_progress_ = totals_.delivered;
}

ProducerTotals GatewayPoster::run() {
    last_progress_ = Clock::now();
    const auto step = settings_.pace_step();
    auto next = Clock::now();
    while (!common::stop_requested() && (settings_.count == 0 || totals_.sent < settings_.count)) {
        const auto now = Clock::now();
        if (now < next) {
            common::sleep_unless_stopped(std::chrono::ceil<std::chrono::milliseconds>(next - now));
            continue;
        }
        const auto order = generator_.next();
        if (totals_.sent == 0) {
            first_send_ = Clock::now();
        }
        ++totals_.sent;
        counters_.sent.inc();
        place(order);
        // After a stall (a slow answer, retries), do not burst to catch up by more than a second.
        next = std::max(next + step, Clock::now() - std::chrono::seconds(1));
        report_progress(false);
    }
    failed_file_.finish();  // every failed line settled: written, or logged in full
    totals_.failed = failed_.load();
    totals_.unrecorded = unrecorded_.load();
    report_progress(true);
    totals_.file_errors = failed_file_.write_errors();
    totals_.ack_log_errors = ack_log_ ? ack_log_->write_errors() : 0;
    totals_.send_seconds = totals_.delivered > 0
                               ? std::chrono::duration<double>(last_delivery_ - first_send_).count()
                               : 0;
    return totals_;
}

}  // namespace orderflow::producer
