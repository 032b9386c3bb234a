#include "common/config_error.h"
#include "common/port_check.h"
#include "metrics/metrics.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

namespace orderflow::metrics {

struct StatusServer::Impl {
    httplib::Server server;
    std::thread thread;
};

StatusServer::StatusServer(const std::string& host,
                           std::uint16_t port,
                           std::function<HealthReport()> health)
    : impl_(std::make_unique<Impl>()) {
    auto& server = impl_->server;
    server.Get("/health", [health](const httplib::Request&, httplib::Response& res) {
        const auto report = health();
        // details_json is an object: splice the status in front of its members.
        std::string details = report.details_json;
        const bool empty = details.size() <= 2;
        const std::string status = report.healthy ? "ok" : "down";
        res.status = report.healthy ? 200 : 503;
        res.set_content("{\"status\":\"" + status + "\"" + (empty ? "" : ",") +
                            details.substr(1, details.size() - 1),
                        "application/json");
    });
    server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(default_registry().render(), "text/plain; version=0.0.4");
    });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (res.status == 404) {
            res.set_content("{\"error\":\"no route " + req.path + "; try /health or /metrics\"}",
                            "application/json");
        }
    });
    common::require_port_free("METRICS_PORT", host, port);
    const int bound =
        port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (bound <= 0) {
        throw common::ConfigError("METRICS_PORT",
                                  "cannot listen on " + host + ":" + std::to_string(port));
    }
    port_ = static_cast<std::uint16_t>(bound);
    impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
    // stop() is a no-op until the server runs, so the destructor could miss a late start.
    while (!server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    spdlog::info("status server on http://{}:{} (/health, /metrics)", host, port_);
}

StatusServer::~StatusServer() {
    impl_->server.stop();
    if (impl_->thread.joinable()) {
        impl_->thread.join();
    }
}

}  // namespace orderflow::metrics
