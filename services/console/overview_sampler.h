#pragma once

// The overview: every 2 s a thread asks each part of the pipeline how it is (the gateway's,
// producer's and consumers' /health and /metrics, Kafka, the registry, Redis, group lag) and keeps
// the last 10 minutes of figures. Requests read the latest snapshot: nothing they do waits on
// another server.

#include "console/cluster_snapshot.h"
#include "console/console_settings.h"
#include "console/prometheus_text.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace orderflow::console {

inline constexpr std::chrono::milliseconds kSampleInterval{2000};
inline constexpr std::size_t kHistorySamples = 300;  // 10 minutes
/// Latency quantiles cover the observations of about the last minute.
inline constexpr std::size_t kLatencyWindowSamples = 30;

class OverviewSampler {
public:
    OverviewSampler(const ConsoleSettings& settings, ClusterSnapshot& kafka);
    ~OverviewSampler();  // stop()
    OverviewSampler(const OverviewSampler&) = delete;
    OverviewSampler& operator=(const OverviewSampler&) = delete;

    void start();
    void stop();
    /// Takes one sample now (the thread does this every kSampleInterval).
    void sample_once();

    /// The latest /api/overview answer; waits for the first sample (at most `wait`).
    nlohmann::json overview(std::chrono::milliseconds wait = std::chrono::seconds(5));
    /// /api/overview/history.
    nlohmann::json history();

private:
    struct Scrape;
    Scrape scrape(const std::string& url) const;
    /// p50/p99 in ms of the observations in `now` over about the last minute, kept per `window`;
    /// null when the histogram is missing (an older build).
    nlohmann::json recent_quantiles_ms(const std::string& window,
                                       const std::optional<Histogram>& now);
    /// The gateway's box and figures: answers by status class, in flight, time to acknowledgement.
    nlohmann::json gateway_figures(const std::vector<MetricSample>& metrics);

    const ConsoleSettings& settings_;
    ClusterSnapshot& kafka_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable sampled_;
    nlohmann::json latest_;
    std::deque<nlohmann::json> history_;
    /// Per group (and "gateway"), the latency histogram of each recent sample (oldest first).
    std::map<std::string, std::deque<Histogram>> latency_windows_;
};

}  // namespace orderflow::console
