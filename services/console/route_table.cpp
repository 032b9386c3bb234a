#include "console/route_table.h"

#include "common/config_error.h"
#include "console/api_reply.h"
#include "kafka/kafka_error.h"
#include "redis/connection.h"
#include "registry_client/registry_client.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace orderflow::console {
namespace {

// Actions post a few fields of JSON; reads take no body (the HTTP library's default for GET).
constexpr std::size_t kActionBodyBytes = 64 * 1024;

}  // namespace

void answer_or_error(const http::Handler& handler,
                     const http::Request& request,
                     http::Response& response) {
    try {
        handler(request, response);
    } catch (const ApiError& e) {
        reply_error(response, e.status(), e.code(), e.what());
    } catch (const kafka::KafkaError& e) {
        if (e.code() == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            reply_error(response, 404, "not_found", std::string("Kafka: ") + e.what());
        } else if (kafka::is_authorization_failure(e.code())) {
            // The console's own principal lacks an ACL: a refusal, not an outage.
            reply_error(response, 403, "forbidden", std::string("Kafka: ") + e.what());
        } else {
            reply_error(response, 503, "unavailable",
                        std::string("Kafka did not answer in time: ") + e.what());
        }
    } catch (const registry_client::RegistryError& e) {
        if (e.http_status() == 404) {
            reply_error(response, 404, "not_found", std::string("schema registry: ") + e.what());
        } else if (e.http_status() == 401 || e.http_status() == 403) {
            reply_error(response, 403, "forbidden",
                        std::string("the schema registry refused the console's user: ") + e.what());
        } else if (e.http_status() == 422) {
            reply_error(response, 400, "bad_request", std::string("schema registry: ") + e.what());
        } else {
            reply_error(response, 503, "unavailable",
                        std::string("the schema registry did not answer: ") + e.what());
        }
    } catch (const redis::RedisError& e) {
        reply_error(response, 503, "unavailable", std::string("Redis did not answer: ") + e.what());
    } catch (const std::invalid_argument& e) {
        reply_error(response, 400, "bad_request", e.what());
    } catch (const std::exception& e) {
        spdlog::error("console: {} {} failed: {}", request.method, request.path(), e.what());
        reply_error(response, 500, "internal", e.what());
    }
}

void RouteTable::add(const std::string& method,
                     std::string_view pattern,
                     http::Handler handler,
                     bool blocking,
                     bool guarded) {
    const AccessGuard& guard = guard_;
    const SameOrigin& origin = origin_;
    router_.add(
        method, pattern,
        [&guard, &origin, guarded, handler = std::move(handler)](const http::Request& req,
                                                                 http::Response& res) {
            if (!guarded) {
                answer_or_error(handler, req, res);
            } else if (const auto refusal = refuse(origin, req)) {
                reply_error(res, refusal->status, refusal->code, refusal->message);
            } else if (guard.admit(req, res)) {
                answer_or_error(handler, req, res);
            }
        },
        http::RouteOptions{
            .blocking = blocking,
            .max_body_bytes = method == "GET" ? std::nullopt : std::optional(kActionBodyBytes)});
}

void RouteTable::quick(const std::string& method, std::string_view pattern, http::Handler handler) {
    add(method, pattern, std::move(handler), false);
}

void RouteTable::open(const std::string& method, std::string_view pattern, http::Handler handler) {
    add(method, pattern, std::move(handler), false, false);
}

void RouteTable::blocking(const std::string& method,
                          std::string_view pattern,
                          http::Handler handler) {
    add(method, pattern, std::move(handler), true);
}

}  // namespace orderflow::console
