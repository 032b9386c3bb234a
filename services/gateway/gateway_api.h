#pragma once

// The gateway's HTTP routes: POST /v1/orders, GET /v1/orders/{id}, GET /v1/customers/{id},
// /health, /metrics and /v1/openapi.json. No handler blocks: an order is answered from its
// delivery report, a read from the order reader's thread (http/pending_answer.h), so the event
// loop only parses, validates and hands on. With GATEWAY_CLIENTS_FILE the /v1 order and customer
// routes need a client's token (client_tokens.h).

#include "gateway/gateway_settings.h"
#include "gateway/idempotency_store.h"
#include "gateway/order_reader.h"
#include "gateway/order_sender.h"
#include "http/pending_answer.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/metrics.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace orderflow::gateway {

/// Our error body for what the HTTP server answers by itself (404, 405, 413, 431, 503, and 500
/// when a handler threw): a handler's exception text goes to the log (the server writes it
/// there), never to the client.
void render_server_error(const http::ServerError& error,
                         const http::Request* request,
                         http::Response& response);

class GatewayApi {
public:
    GatewayApi(const GatewaySettings& settings,
               OrderSender& sender,
               OrderReader& reader,
               IdempotencyStore& idempotency);

    /// Every route, with the order route's body limit.
    http::Router routes();

    void post_order(const http::Request& request, http::Response& response);
    void get_order(const http::Request& request, http::Response& response);
    void get_customer(const http::Request& request, http::Response& response);
    void health(const http::Request& request, http::Response& response) const;

private:
    /// The client a request names: "" when the gateway runs without GATEWAY_CLIENTS_FILE;
    /// nullopt, with `response` a 401, when it names none the file holds.
    std::optional<std::string> client_of(const char* route,
                                         const http::Request& request,
                                         http::Response& response);
    /// ?group=, else the first of GATEWAY_GROUPS; nullopt, with `response` a 400, for a group
    /// not listed there.
    std::optional<std::string> group_of(const char* route,
                                        const std::multimap<std::string, std::string>& query,
                                        http::Response& response);
    /// Hands a read to the reader; 429 through `pending` when its list is full.
    void submit(const char* route, OrderReader::Lookup lookup, http::PendingAnswer& pending);
    /// A read's answer: 200 with what was found, 404 `not_found`, 504 `timed_out` (a wait that
    /// passed its deadline; empty: 404 as well), 503 with Retry-After when Redis is away.
    http::Response read_answer(const char* route,
                               const OrderReader::Result& result,
                               const std::string& not_found,
                               const std::string& timed_out);
    /// An order sent under an Idempotency-Key: its record is marked once Kafka acknowledged.
    struct Keyed {
        std::string redis_key;
        IdempotencyRecord record;
        bool replayed = false;  ///< a later request with the key: Idempotent-Replayed: true
    };
    /// Holds the key for this order in Redis first; an earlier request's record is replayed.
    void claim_then_send(orders::Order order,
                         const std::string& client,
                         const std::string& key,
                         const std::shared_ptr<http::PendingAnswer>& pending,
                         std::chrono::steady_clock::time_point started);
    void replay(orders::Order order,
                const IdempotencyRecord& held,
                const std::shared_ptr<http::PendingAnswer>& pending,
                std::chrono::steady_clock::time_point started,
                const std::string& redis_key);
    /// Sends to Kafka and answers 201 once acknowledged, 503 when not in time, 429 when full.
    void send(const orders::Order& order,
              const std::shared_ptr<http::PendingAnswer>& pending,
              std::chrono::steady_clock::time_point started,
              std::optional<Keyed> keyed);
    http::Response created(const orders::Order& order, bool replayed);
    /// A JSON answer, counted by route and status.
    http::Response answer(const char* route, int status, std::string body);
    void observe_in_flight();

    const GatewaySettings& settings_;
    OrderSender& sender_;
    OrderReader& reader_;
    IdempotencyStore& idempotency_;
    metrics::Histogram& ack_seconds_;
    metrics::Gauge& in_flight_;
    metrics::Gauge& waiting_reads_;
};

}  // namespace orderflow::gateway
