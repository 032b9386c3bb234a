#include "gateway/gateway_api.h"

#include "common/config_error.h"
#include "common/settings.h"
#include "gateway/openapi.h"
#include "gateway/order_request.h"
#include "http/pending_answer.h"
#include "orders/generator.h"
#include "orders/validation.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <random>

namespace orderflow::gateway {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kPost = "post_order";
constexpr const char* kGet = "get_order";
constexpr const char* kCustomer = "get_customer";
constexpr std::size_t kDefaultLatestOrders = 10;
constexpr std::int64_t kMaxLatestOrders = 100;
constexpr const char* kIdempotencyKey = "Idempotency-Key";

std::string new_order_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    const auto high = random();
    const auto low = random();
    return orders::uuid_v4(high, low);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool is_json(const std::string& content_type) {
    return content_type.empty() || content_type.starts_with("application/json");
}

}  // namespace

GatewayApi::GatewayApi(const GatewaySettings& settings,
                       OrderSender& sender,
                       OrderReader& reader,
                       IdempotencyStore& idempotency)
    : settings_(settings),
      sender_(sender),
      reader_(reader),
      idempotency_(idempotency),
      ack_seconds_(metrics::default_registry().histogram(
          "orderflow_gateway_ack_seconds",
          "seconds from an order's request to Kafka's acknowledgement (201 answers)",
          {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      in_flight_(metrics::default_registry().gauge("orderflow_gateway_orders_in_flight",
                                                   "orders sent to Kafka and not yet answered")),
      waiting_reads_(metrics::default_registry().gauge("orderflow_gateway_waiting_reads",
                                                       "reads of an order waiting for Redis")) {}

http::Router GatewayApi::routes() {
    http::Router router;
    router.add("POST", "/v1/orders", [this](const auto& req, auto& res) { post_order(req, res); },
               {.max_body_bytes = settings_.max_body_bytes});
    router.add("GET", "/v1/orders/{id}",
               [this](const auto& req, auto& res) { get_order(req, res); });
    router.add("GET", "/v1/customers/{id}",
               [this](const auto& req, auto& res) { get_customer(req, res); });
    router.add("GET", "/v1/openapi.json",
               [](const auto&, auto& res) { res.set_body(kOpenApiJson, kJson); });
    router.add("GET", "/health", [this](const auto& req, auto& res) { health(req, res); });
    router.add("GET", "/metrics", [](const auto&, auto& res) {
        res.set_body(metrics::default_registry().render(), "text/plain; version=0.0.4");
    });
    return router;
}

http::Response GatewayApi::answer(const char* route, int status, std::string body) {
    metrics::default_registry()
        .counter("orderflow_gateway_requests_total", "answers of the order API by route and status",
                 {{"route", route}, {"status", std::to_string(status)}})
        .inc();
    http::Response response;
    response.status = status;
    response.set_body(std::move(body), kJson);
    return response;
}

void GatewayApi::observe_in_flight() {
    in_flight_.set(static_cast<double>(sender_.in_flight()));
    waiting_reads_.set(static_cast<double>(reader_.waiting()));
}

std::optional<std::string> GatewayApi::client_of(const char* route,
                                                 const http::Request& request,
                                                 http::Response& response) {
    if (!settings_.clients) {
        return std::string();
    }
    auto client = settings_.clients->authenticate(request.header("Authorization"));
    if (!client) {
        response = answer(route, 401,
                          error_body("unauthorized",
                                     "this gateway needs a client's token: Authorization: Bearer "
                                     "<token> (GATEWAY_CLIENTS_FILE lists the clients)",
                                     "Authorization"));
        response.set_header("WWW-Authenticate", "Bearer realm=\"orderflow-gateway\"");
    }
    return client;
}

void GatewayApi::post_order(const http::Request& request, http::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    const auto client = client_of(kPost, request, response);
    if (!client) {
        return;
    }
    if (!is_json(request.header("Content-Type"))) {
        response = answer(
            kPost, 415, error_body("unsupported_media_type", "the body must be application/json"));
        return;
    }
    orders::Order order;
    std::string key;
    try {
        order = parse_order(request.body, new_order_id(), orders::now_ms());
        if (request.has_header(kIdempotencyKey)) {
            key = request.header(kIdempotencyKey);
            check_idempotency_key(key);
        }
    } catch (const RequestError& e) {
        response = answer(kPost, e.status(), error_body(e.code(), e.what(), e.field()));
        return;
    }
    auto pending = response.defer();
    if (!request.has_header(kIdempotencyKey)) {
        send(order, pending, started, {});
    } else {
        claim_then_send(std::move(order), *client, key, pending, started);
    }
    observe_in_flight();
}

void GatewayApi::claim_then_send(orders::Order order,
                                 const std::string& client,
                                 const std::string& key,
                                 const std::shared_ptr<http::PendingAnswer>& pending,
                                 std::chrono::steady_clock::time_point started) {
    IdempotencyStore::Claim claim;
    claim.redis_key = idempotency_redis_key(client, key);
    claim.record = {order_fingerprint(order), order.order_id, order.created_at_ms, false};
    claim.done = [this, pending, started, order = std::move(order), mine = claim.record,
                  redis_key = claim.redis_key](const IdempotencyStore::Result& result) {
        switch (result.held) {
            case IdempotencyStore::Held::kNew:
                send(order, pending, started, Keyed{redis_key, mine, false});
                break;
            case IdempotencyStore::Held::kHeld:
                replay(order, result.record, pending, started, redis_key);
                break;
            case IdempotencyStore::Held::kUnreadable:
                spdlog::warn("idempotency key {}: {}", redis_key, result.error);
                pending->answer(answer(
                    kPost, 500,
                    error_body("idempotency_record_unreadable",
                               "what Redis holds for this Idempotency-Key is not a record the "
                               "gateway wrote; use another key")));
                break;
            case IdempotencyStore::Held::kUnavailable: {
                auto down = answer(
                    kPost, 503,
                    error_body("redis_unavailable", "the Idempotency-Key cannot be checked: " +
                                                        result.error + "; nothing was sent"));
                down.set_header("Retry-After", "5");
                pending->answer(std::move(down));
                break;
            }
        }
    };
    if (!idempotency_.claim(std::move(claim))) {
        auto full = answer(kPost, 429,
                           error_body("too_many_in_flight",
                                      std::to_string(settings_.max_in_flight) +
                                          " keyed orders wait for Redis already; try again"));
        full.set_header("Retry-After", "1");
        pending->answer(std::move(full));
    }
}

void GatewayApi::replay(orders::Order order,
                        const IdempotencyRecord& held,
                        const std::shared_ptr<http::PendingAnswer>& pending,
                        std::chrono::steady_clock::time_point started,
                        const std::string& redis_key) {
    const auto fingerprint = order_fingerprint(order);
    // The order as the first request made it: its id and time, the same content.
    order.order_id = held.order_id;
    order.created_at_ms = held.created_at_ms;
    switch (replay_for(held, fingerprint)) {
        case Replay::kConflict:
            pending->answer(
                answer(kPost, 409,
                       error_body("idempotency_key_reused",
                                  "this Idempotency-Key was used for another order (" +
                                      held.order_id + "); use a new key for a new order",
                                  kIdempotencyKey)));
            break;
        case Replay::kAnswer:
            pending->answer(created(order, true));
            break;
        case Replay::kResend:
            send(order, pending, started, Keyed{redis_key, held, true});
            break;
    }
}

http::Response GatewayApi::created(const orders::Order& order, bool replayed) {
    auto response = answer(kPost, 201, orders::to_json(order));
    response.set_header("Location", "/v1/orders/" + order.order_id);
    if (replayed) {
        response.set_header("Idempotent-Replayed", "true");
    }
    return response;
}

void GatewayApi::send(const orders::Order& order,
                      const std::shared_ptr<http::PendingAnswer>& pending,
                      std::chrono::steady_clock::time_point started,
                      std::optional<Keyed> keyed) {
    const auto timeout_ms = settings_.ack_timeout.count();
    auto done = [this, pending, started, timeout_ms, order,
                 keyed = std::move(keyed)](const Delivery& delivery) {
        if (delivery.acknowledged) {
            ack_seconds_.observe(seconds_since(started));
            if (keyed) {
                idempotency_.mark_acknowledged(keyed->redis_key, keyed->record);
            }
            pending->answer(created(order, keyed && keyed->replayed));
        } else {
            auto refused = answer(kPost, 503,
                                  error_body("kafka_unavailable",
                                             "Kafka did not acknowledge order " + order.order_id +
                                                 " within " + std::to_string(timeout_ms) + " ms (" +
                                                 delivery.error + "); it may still be stored"));
            refused.set_header("Retry-After", "5");
            pending->answer(std::move(refused));
        }
        observe_in_flight();
    };
    std::string reason;
    switch (sender_.send(order, std::move(done), reason)) {
        case OrderSender::Outcome::kSent:
            break;
        case OrderSender::Outcome::kFull: {
            auto full = answer(
                kPost, 429,
                error_body("too_many_in_flight", std::to_string(settings_.max_in_flight) +
                                                     " orders wait for Kafka already; try again"));
            full.set_header("Retry-After", "1");
            pending->answer(std::move(full));
            break;
        }
        case OrderSender::Outcome::kRefused: {
            auto refused = answer(
                kPost, 503, error_body("kafka_unavailable", "Kafka refused the order: " + reason));
            refused.set_header("Retry-After", "5");
            pending->answer(std::move(refused));
            break;
        }
    }
}

void GatewayApi::get_order(const http::Request& request, http::Response& response) {
    if (!client_of(kGet, request, response)) {
        return;
    }
    const auto order_id = request.param("id");
    if (!orders::is_uuid(order_id)) {
        response =
            answer(kGet, 400, error_body("invalid_value", "the order id is not a UUID", "id"));
        return;
    }
    const auto query = request.query_params();
    const auto group = group_of(kGet, query, response);
    if (!group) {
        return;
    }
    OrderReader::Lookup lookup;
    lookup.order_id = order_id;
    lookup.group = *group;
    if (const auto it = query.find("wait"); it != query.end()) {
        std::chrono::milliseconds wait{};
        try {
            wait = common::parse_duration("wait", it->second);
        } catch (const common::ConfigError&) {
            response = answer(
                kGet, 400,
                error_body("invalid_value",
                           "wait '" + it->second + "' is not a duration (10s, 500ms)", "wait"));
            return;
        }
        if (wait > settings_.max_wait) {
            response = answer(kGet, 400,
                              error_body("out_of_range",
                                         "wait is longer than " +
                                             std::to_string(settings_.max_wait.count()) + " ms",
                                         "wait"));
            return;
        }
        lookup.wait = true;
        lookup.deadline = std::chrono::steady_clock::now() + wait;
    }
    auto pending = response.defer();
    lookup.done = [this, pending, order_id, group = *group](const OrderReader::Result& result) {
        pending->answer(
            read_answer(kGet, result, "order " + order_id + " is not stored by " + group,
                        "order " + order_id + " was not stored by " + group + " within the wait"));
    };
    submit(kGet, std::move(lookup), *pending);
}

std::optional<std::string> GatewayApi::group_of(
    const char* route,
    const std::multimap<std::string, std::string>& query,
    http::Response& response) {
    std::string group = settings_.groups.front();
    if (const auto it = query.find("group"); it != query.end()) {
        group = it->second;
    }
    if (std::find(settings_.groups.begin(), settings_.groups.end(), group) ==
        settings_.groups.end()) {
        response =
            answer(route, 400,
                   error_body("invalid_value", "group '" + group + "' is not one of GATEWAY_GROUPS",
                              "group"));
        return std::nullopt;
    }
    return group;
}

void GatewayApi::submit(const char* route,
                        OrderReader::Lookup lookup,
                        http::PendingAnswer& pending) {
    if (!reader_.submit(std::move(lookup))) {
        auto full = answer(route, 429,
                           error_body("too_many_waiting", std::to_string(settings_.max_waiters) +
                                                              " reads wait already; try again"));
        full.set_header("Retry-After", "1");
        pending.answer(std::move(full));
    }
    observe_in_flight();
}

http::Response GatewayApi::read_answer(const char* route,
                                       const OrderReader::Result& result,
                                       const std::string& not_found,
                                       const std::string& timed_out) {
    switch (result.found) {
        case OrderReader::Found::kStored:
            return answer(
                route, 200,
                result.order.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        case OrderReader::Found::kTimedOut:
            if (!timed_out.empty()) {
                return answer(route, 504, error_body("not_stored_in_time", timed_out));
            }
            [[fallthrough]];
        case OrderReader::Found::kNotStored:
            return answer(route, 404, error_body("not_found", not_found));
        case OrderReader::Found::kUnavailable:
            break;
    }
    auto down = answer(route, 503, error_body("redis_unavailable", result.error));
    down.set_header("Retry-After", "5");
    return down;
}

void GatewayApi::get_customer(const http::Request& request, http::Response& response) {
    if (!client_of(kCustomer, request, response)) {
        return;
    }
    const auto customer_id = request.param("id");
    if (customer_id.empty() || customer_id.size() > orders::kMaxIdBytes) {
        response = answer(
            kCustomer, 400,
            error_body("invalid_value",
                       "a customer id is 1-" + std::to_string(orders::kMaxIdBytes) + " bytes",
                       "id"));
        return;
    }
    const auto query = request.query_params();
    const auto group = group_of(kCustomer, query, response);
    if (!group) {
        return;
    }
    OrderReader::Lookup lookup;
    lookup.customer_id = customer_id;
    lookup.group = *group;
    lookup.latest = kDefaultLatestOrders;
    if (const auto it = query.find("latest"); it != query.end()) {
        try {
            lookup.latest = static_cast<std::size_t>(
                common::parse_int("latest", it->second, 1, kMaxLatestOrders));
        } catch (const common::ConfigError&) {
            response = answer(kCustomer, 400,
                              error_body("invalid_value",
                                         "latest must be a whole number from 1 to " +
                                             std::to_string(kMaxLatestOrders),
                                         "latest"));
            return;
        }
    }
    auto pending = response.defer();
    lookup.done = [this, pending, group = *group](const OrderReader::Result& result) {
        pending->answer(
            read_answer(kCustomer, result, group + " stored no order of this customer", ""));
    };
    submit(kCustomer, std::move(lookup), *pending);
}

void GatewayApi::health(const http::Request& /*request*/, http::Response& response) const {
    const bool healthy = !sender_.fatal();
    const nlohmann::ordered_json body = {
        {"status", healthy ? "ok" : "down"},           {"kafka", healthy ? "ok" : "fatal error"},
        {"redis", reader_.redis_ok() ? "ok" : "down"}, {"in_flight", sender_.in_flight()},
        {"keyed_waiting", idempotency_.waiting()},     {"waiting_reads", reader_.waiting()}};
    response.status = healthy ? 200 : 503;
    response.set_body(body.dump(), kJson);
}

void render_server_error(const http::ServerError& error,
                         const http::Request* /*request*/,
                         http::Response& response) {
    if (error.failure == http::Failure::handler_failed) {
        response.set_body(
            error_body("internal", "internal error; the gateway's log has the details"),
            "application/json");
        return;
    }
    const std::string code = error.failure == http::Failure::not_found           ? "not_found"
                             : error.failure == http::Failure::payload_too_large ? "too_large"
                             : error.status >= 500                               ? "unavailable"
                                                                                 : "bad_request";
    response.set_body(error_body(code, error.message), "application/json");
}

}  // namespace orderflow::gateway
