#pragma once

// Prometheus text-format metrics (counters, gauges and histograms) and a small HTTP status server
// with /health and /metrics, so every long-running service reports the same way.

#include "metrics/histogram.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace orderflow::metrics {

using Labels = std::map<std::string, std::string>;

/// A monotonically increasing count. Lock-free; safe from any thread.
class Counter {
public:
    void inc(double amount = 1) {
        double current = value_.load();
        while (!value_.compare_exchange_weak(current, current + amount)) {
        }
    }
    double value() const { return value_.load(); }

private:
    std::atomic<double> value_{0};
};

/// A value that goes up and down. Lock-free; safe from any thread.
class Gauge {
public:
    void set(double value) { value_.store(value); }
    void add(double amount) {
        double current = value_.load();
        while (!value_.compare_exchange_weak(current, current + amount)) {
        }
    }
    double value() const { return value_.load(); }

private:
    std::atomic<double> value_{0};
};

/**
 * Owns every metric of a process. `counter()`/`gauge()`/`histogram()` return the same object for
 * the same name and labels, so call sites may look a metric up once and keep the reference (it
 * lives as long as the registry). Names follow Prometheus: `orderflow_<service>_<what>_total`.
 */
class Registry {
public:
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    /// Rendered as `<name>_bucket{...,le="<bound>"}` (cumulative), `<name>_sum`, `<name>_count`.
    /// Errors: std::invalid_argument when the name and labels exist with other bounds.
    Histogram& histogram(const std::string& name,
                         const std::string& help,
                         const std::vector<double>& upper_bounds,
                         const Labels& labels = {});
    /// Prometheus text exposition format 0.0.4, families sorted by name.
    std::string render() const;

private:
    struct Family {
        std::string help;
        std::string type;
        std::map<Labels, std::unique_ptr<Counter>> counters;
        std::map<Labels, std::unique_ptr<Gauge>> gauges;
        std::map<Labels, std::unique_ptr<Histogram>> histograms;
    };
    /// The family `name`, created if new; the caller holds mutex_.
    Family& family(const std::string& name, const std::string& help, const char* type);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

/// The process-wide registry.
Registry& default_registry();

struct HealthReport {
    bool healthy = false;
    /// A JSON object text with details, e.g. {"kafka":"ok","redis":"down"}.
    std::string details_json = "{}";
};

/**
 * Serves `GET /health` (200 with {"status":"ok",...details} or 503 with {"status":"down",...})
 * and `GET /metrics` (default_registry().render()) on host:port from a background thread.
 * Port 0 picks a free port (see port()). Other paths get 404 with a JSON error body.
 * Errors: common::ConfigError naming METRICS_PORT when the port cannot be bound.
 */
class StatusServer {
public:
    StatusServer(const std::string& host, std::uint16_t port, std::function<HealthReport()> health);
    ~StatusServer();
    StatusServer(const StatusServer&) = delete;
    StatusServer& operator=(const StatusServer&) = delete;
    std::uint16_t port() const { return port_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
};

}  // namespace orderflow::metrics
