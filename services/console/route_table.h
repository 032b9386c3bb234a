#pragma once

// Adds the console's routes to a router: every one behind the Host and Origin rules
// (same_origin) and the AccessGuard, and every failure
// a handler throws turned into the JSON error the contract names (400, 404, 503 naming Kafka
// or the registry), so no request can crash the console or answer HTML.

#include "console/access_guard.h"
#include "console/same_origin.h"
#include "http/router.h"

#include <string>
#include <string_view>

namespace orderflow::console {

class RouteTable {
public:
    RouteTable(http::Router& router, const AccessGuard& guard, const SameOrigin& origin)
        : router_(router), guard_(guard), origin_(origin) {}

    /// In-memory answers (files, snapshots): run on the event loop.
    void quick(const std::string& method, std::string_view pattern, http::Handler handler);
    /// Kafka, the registry, Redis, another server: run on the worker pool.
    void blocking(const std::string& method, std::string_view pattern, http::Handler handler);

    /// Answered without the token and whatever the Host (/health: `make status` and probes
    /// need no secret, and it says nothing but "ok").
    void open(const std::string& method, std::string_view pattern, http::Handler handler);

    const AccessGuard& guard() const { return guard_; }

private:
    void add(const std::string& method,
             std::string_view pattern,
             http::Handler handler,
             bool blocking,
             bool guarded = true);
    http::Router& router_;
    const AccessGuard& guard_;
    const SameOrigin& origin_;
};

/// Runs `handler`, rendering what it throws (ApiError, KafkaError, RegistryError, RedisError,
/// std::invalid_argument, anything else) as a JSON error.
void answer_or_error(const http::Handler& handler,
                     const http::Request& request,
                     http::Response& response);

}  // namespace orderflow::console
