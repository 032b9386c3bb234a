#include "common/config_error.h"
#include "common/port_check.h"
#include "http/server.h"
#include "metrics/metrics.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace orderflow::metrics {
namespace {

// /health reads the service's state; give it its own workers and a budget so a stuck check
// answers 503 instead of holding the connection.
constexpr std::size_t kWorkers = 2;
constexpr std::chrono::milliseconds kHealthBudget{5000};

http::Router status_routes(std::function<HealthReport()> health) {
    http::Router router;
    router.add("GET", "/health",
               [health = std::move(health)](const http::Request&, http::Response& res) {
                   const auto report = health();
                   // details_json is an object: splice the status in front of its members.
                   const std::string& details = report.details_json;
                   const bool empty = details.size() <= 2;
                   const std::string status = report.healthy ? "ok" : "down";
                   res.status = report.healthy ? 200 : 503;
                   res.set_body("{\"status\":\"" + status + "\"" + (empty ? "" : ",") +
                                    details.substr(1, details.size() - 1),
                                "application/json");
               },
               {.blocking = true});
    router.add("GET", "/metrics", [](const http::Request&, http::Response& res) {
        res.set_body(default_registry().render(), "text/plain; version=0.0.4");
    });
    return router;
}

void render_status_error(const http::ServerError& error,
                         const http::Request* request,
                         http::Response& res) {
    if (error.failure == http::Failure::not_found && request != nullptr) {
        // The path is the client's bytes: escaped by the JSON writer, invalid UTF-8 replaced.
        const nlohmann::json body = {
            {"error", "no route " + std::string(request->path()) + "; try /health or /metrics"}};
        res.set_body(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     "application/json");
        return;
    }
    http::render_json_error(error, request, res);
}

}  // namespace

struct StatusServer::Impl {
    std::unique_ptr<http::Server> server;
};

StatusServer::StatusServer(const std::string& host,
                           std::uint16_t port,
                           std::function<HealthReport()> health)
    : impl_(std::make_unique<Impl>()) {
    common::require_port_free("METRICS_PORT", host, port);
    http::ServerOptions options;
    options.host = host;
    options.port = port;
    options.listen_setting = "METRICS_PORT";
    options.name = "status";
    options.limits.handler_budget = kHealthBudget;
    options.limits.max_body_bytes = 64 * 1024;  // no route takes a body
    options.io_threads = 1;
    options.worker_threads = kWorkers;
    options.render_error = render_status_error;
    impl_->server =
        std::make_unique<http::Server>(status_routes(std::move(health)), std::move(options));
    port_ = impl_->server->port();
    impl_->server->start();
    spdlog::info("status server on http://{}:{} (/health, /metrics)", host, port_);
}

StatusServer::~StatusServer() {
    impl_->server->stop();
}

}  // namespace orderflow::metrics
