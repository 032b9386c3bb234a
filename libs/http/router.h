#pragma once

// Routes by method and path. A pattern is a path of segments: literals, {name} (one segment,
// percent-decoded into Request::params, so "a%2Fb" arrives as "a/b"), and a last "*" that matches
// the rest (raw, in params["*"]). A trailing slash on the request path is ignored. HEAD is
// served by the GET route. No route for the path: 404; a route for the path but not the method:
// 405 with Allow.

#include "http/message.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::http {

using Handler = std::function<void(const Request&, Response&)>;

struct RouteOptions {
    /// The handler may block (Kafka, Redis, another HTTP server): it runs on the worker pool
    /// and gets Limits::handler_budget to answer. Otherwise it runs on the event loop and must
    /// not block (in-memory reads).
    bool blocking = false;
    /// Largest request body this route takes; a larger one is answered 413 from the head,
    /// before the body is read. Unset: none for GET, HEAD and DELETE requests, and
    /// Limits::max_body_bytes for any other method. Never more than Limits::max_body_bytes.
    std::optional<std::size_t> max_body_bytes = std::nullopt;
};

struct Route {
    std::string method;  // "" = any method
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
};

class Router {
public:
    /// method "" matches every method. Routes are tried in the order they were added.
    Router& add(std::string method,
                std::string_view pattern,
                Handler handler,
                RouteOptions options = {});

    struct Match {
        const Route* route = nullptr;  // null: no route
        bool path_known = false;       // some route has this path (so 405, not 404)
        std::string allow;             // methods of the routes with this path, for 405
    };
    /// Fills request.params when a route matches.
    Match find(Request& request) const;

private:
    struct Shape {                   // of routes_[i], worked out once by add()
        std::vector<bool> captures;  // per segment: a {name}
        bool rest = false;           // the last segment is "*"
    };
    std::vector<Route> routes_;
    std::vector<Shape> shapes_;
    // Indices into routes_, ascending: those without "*" by their segment count, and those
    // with it. A request is tried against its count's list and the "*" list, in route order.
    std::vector<std::vector<std::size_t>> by_size_;
    std::vector<std::size_t> with_rest_;
};

/// The body limit for a request of `method` on `route` (RouteOptions::max_body_bytes).
std::size_t body_limit(const Route& route, std::string_view method, std::size_t server_limit);

/// "/subjects/a%2Fb/versions/?x=1" -> {"subjects", "a/b", "versions"}; "/" -> {}.
std::vector<std::string> split_path(std::string_view raw_target);
/// %XX decoding; malformed escapes stay as they are. plus_is_space for query strings.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace orderflow::http
