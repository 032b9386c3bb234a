#pragma once

// The registry's HTTP front on libs/http: routes on the percent-decoded path segments (so %2F in
// a subject survives), checks content types (content_negotiation.h), has a follower's writes
// forwarded to the leader (leader_forwarding.h), holds a "not found" until the store is proven
// current (read_barrier.h), maps every ApiError (and the server's own
// answers: 404, 405, 413, 431, over capacity, over budget) to Confluent's error body, and
// serves /health, /ready and /metrics.

#include "http/router.h"
#include "http/server.h"
#include "registry/basic_auth.h"
#include "registry/content_negotiation.h"
#include "registry/read_barrier.h"
#include "registry/record_log.h"
#include "registry/registry_api.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace orderflow::registry {

struct HttpOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8081;  // 0 picks a free port
    std::size_t max_body_bytes = 16 * 1024 * 1024;
    /// Workers for the routes that write to Kafka or forward to the leader.
    std::size_t threads = 16;
    /// Event-loop threads (every connection, and the in-memory reads).
    std::size_t io_threads = 2;
    /// Every other limit (its max_body_bytes is replaced by the one above).
    http::Limits limits;
    /// How long a write waits for a leader to become known before 50004.
    std::chrono::milliseconds leader_wait{20000};
    /// Basic authentication for every route but /health, /ready and /metrics; null = none.
    std::shared_ptr<const BasicAuth> auth;
    /// Proves the store current before a GET answers "not found" (40401, 40402, 40403; see
    /// read_barrier.h). Null: such answers go out at once (the store is the log).
    ReadBarrier::Check catch_up;
    ReadBarrierOptions read_barrier;
};

struct HealthProbe {
    /// Replay caught up: answer API requests (503 before).
    std::function<bool()> serving;
    /// Replay caught up and a leader known: serve traffic.
    std::function<bool()> ready;
    /// Extra members for /health and /ready, e.g. {"leader": true}.
    std::function<nlohmann::ordered_json()> details;
};

class HttpServer {
public:
    /// Binds immediately (a taken port fails before any Kafka work) and serves once start() is
    /// called. Errors: common::ConfigError naming REGISTRY_LISTEN.
    HttpServer(RegistryApi& api, Leadership& leadership, HealthProbe probe, HttpOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const;
    /// Starts answering (requests that arrived meanwhile wait in the listen backlog).
    void start();
    /// Stops accepting, closes idle connections, lets requests in flight finish within
    /// limits.shutdown_timeout, and joins every thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// "/subjects/a%2Fb/versions/" → {"subjects", "a/b", "versions"}.
using http::split_path;

}  // namespace orderflow::registry
