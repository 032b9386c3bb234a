#include "console/overview_sampler.h"

#include "common/guarded_thread.h"
#include "console/kafka_json.h"
#include "console/supervisor_state.h"
#include "orders/generator.h"
#include "redis_cluster/open_client.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

namespace orderflow::console {
namespace {

constexpr const char* kLatencyHistogram = "orderflow_consumer_e2e_latency_seconds";
constexpr auto kProbeTimeout = std::chrono::milliseconds(1000);

struct HttpAnswer {
    int status = 0;  // 0: not reachable
    std::string body;
    std::string error;
};

/// `user_info` ("user:password", empty for none) is sent as basic auth: the registry asks for
/// it on every route but /health when it runs with REGISTRY_AUTH_FILE.
HttpAnswer http_get(const std::string& url,
                    const std::string& path,
                    const std::string& user_info = "") {
    httplib::Client client(url);
    client.set_connection_timeout(kProbeTimeout);
    client.set_read_timeout(kProbeTimeout);
    if (const auto colon = user_info.find(':'); colon != std::string::npos) {
        client.set_basic_auth(user_info.substr(0, colon), user_info.substr(colon + 1));
    }
    auto result = client.Get(path.c_str());
    if (!result) {
        return {0, "", httplib::to_string(result.error())};
    }
    return {result->status, result->body, ""};
}

nlohmann::json or_null(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json part(const std::string& name,
                    const std::string& health,
                    const std::string& detail,
                    const std::string& url = "") {
    nlohmann::json json = {{"name", name}, {"health", health}, {"detail", detail}};
    if (!url.empty()) {
        json["url"] = url;
    }
    return json;
}

}  // namespace

struct OverviewSampler::Scrape {
    std::string health = "down";
    std::string detail;
    nlohmann::json details = nlohmann::json::object();  // /health's JSON
    std::vector<MetricSample> metrics;
};

OverviewSampler::OverviewSampler(const ConsoleSettings& settings, ClusterSnapshot& kafka)
    : settings_(settings), kafka_(kafka) {}

OverviewSampler::~OverviewSampler() {
    stop();
}

void OverviewSampler::start() {
    thread_ = std::thread(common::guarded("overview sampler", [this] {
        while (!stopping_.load()) {
            const auto started = std::chrono::steady_clock::now();
            try {
                sample_once();
            } catch (const std::exception& e) {
                spdlog::warn("console: overview sample failed: {}", e.what());
            }
            std::unique_lock lock(mutex_);
            sampled_.wait_until(lock, started + kSampleInterval,
                                [this] { return stopping_.load(); });
        }
    }));
}

void OverviewSampler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_.store(true);
    }
    sampled_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

OverviewSampler::Scrape OverviewSampler::scrape(const std::string& url) const {
    Scrape scrape;
    const auto health = http_get(url, "/health");
    if (health.status == 0) {
        scrape.detail = "not reachable (" + health.error + ")";
        return scrape;
    }
    try {
        scrape.details = nlohmann::json::parse(health.body);
    } catch (const nlohmann::json::exception&) {
        scrape.details = nlohmann::json::object();
    }
    scrape.health = health.status == 200 ? "up" : "down";
    scrape.detail = health.status == 200 ? "healthy" : "unhealthy: " + health.body;
    const auto metrics = http_get(url, "/metrics");
    if (metrics.status == 200) {
        scrape.metrics = parse_prometheus(metrics.body);
    }
    return scrape;
}

nlohmann::json OverviewSampler::recent_quantiles_ms(const std::string& window_name,
                                                    const std::optional<Histogram>& now) {
    if (!now) {
        return nullptr;  // not measured (an older build)
    }
    auto& window = latency_windows_[window_name];
    window.push_back(*now);
    while (window.size() > kLatencyWindowSamples + 1) {
        window.pop_front();
    }
    // Observations since the oldest sample kept; all of them until a minute has passed.
    const auto recent = window.size() > 1 ? difference(*now, window.front()) : *now;
    const auto to_ms = [](const std::optional<double>& seconds) {
        return seconds ? std::optional(*seconds * 1000.0) : std::nullopt;
    };
    return {{"p50", or_null(to_ms(quantile(recent, 0.5)))},
            {"p99", or_null(to_ms(quantile(recent, 0.99)))},
            {"count", recent.count},
            {"window_seconds",
             static_cast<double>(window.size() - 1) * kSampleInterval.count() / 1000.0}};
}

nlohmann::json OverviewSampler::gateway_figures(const std::vector<MetricSample>& metrics) {
    std::optional<double> accepted;
    std::optional<double> client_errors;
    std::optional<double> server_errors;
    for (const auto& sample : metrics) {
        if (sample.name != "orderflow_gateway_requests_total") {
            continue;
        }
        const auto status = sample.labels.find("status");
        const auto route = sample.labels.find("route");
        if (status == sample.labels.end() || status->second.empty()) {
            continue;
        }
        accepted = accepted.value_or(0);
        client_errors = client_errors.value_or(0);
        server_errors = server_errors.value_or(0);
        if (status->second == "201" && route != sample.labels.end() &&
            route->second == "post_order") {
            *accepted += sample.value;
        } else if (status->second[0] == '4') {
            *client_errors += sample.value;
        } else if (status->second[0] == '5') {
            *server_errors += sample.value;
        }
    }
    return {{"accepted_total", or_null(accepted)},
            {"client_errors_total", or_null(client_errors)},
            {"server_errors_total", or_null(server_errors)},
            {"in_flight", or_null(metric(metrics, "orderflow_gateway_orders_in_flight"))},
            {"ack_ms",
             recent_quantiles_ms("gateway", histogram(metrics, "orderflow_gateway_ack_seconds"))}};
}

void OverviewSampler::sample_once() {
    const auto now = orders::now_ms();
    auto parts = nlohmann::json::array();

    nlohmann::json gateway = nullptr;
    if (!settings_.gateway_url.empty()) {
        const auto scraped = scrape(settings_.gateway_url);
        parts.push_back(part("gateway", scraped.health, scraped.detail, settings_.gateway_url));
        gateway = gateway_figures(scraped.metrics);
    }

    const auto producer = scrape(settings_.producer_url);
    parts.push_back(part("producer", producer.health, producer.detail, settings_.producer_url));
    const auto value = [&producer](const std::string& name) {
        return or_null(metric(producer.metrics, name));
    };
    const nlohmann::json producer_figures = {
        {"sent_total", value("orderflow_producer_orders_sent_total")},
        {"delivered_total", value("orderflow_producer_orders_delivered_total")},
        {"failed_total", value("orderflow_producer_orders_failed_total")},
        {"in_flight", value("orderflow_producer_orders_in_flight")}};

    bool kafka_up =
        false;  // when Kafka does not answer, its other questions wait for the next sample
    try {
        const auto brokers = brokers_json(kafka_.brokers(), kafka_.bootstrap())["brokers"];
        kafka_up = true;
        std::size_t up = 0;
        for (const auto& broker : brokers) {
            up += broker["up"].get<bool>() ? 1 : 0;
        }
        parts.push_back(
            part("kafka", up == brokers.size() ? "up" : (up > 0 ? "degraded" : "down"),
                 std::to_string(up) + " of " + std::to_string(brokers.size()) + " brokers up"));
    } catch (const std::exception& e) {
        parts.push_back(part("kafka", "down", e.what()));
    }

    const auto registry = http_get(settings_.pipeline.registry_url, "/subjects",
                                   settings_.pipeline.registry_user_info);
    parts.push_back(part("registry", registry.status == 200 ? "up" : "down",
                         registry.status == 200 ? "answers"
                         : registry.status == 0 ? "not reachable (" + registry.error + ")"
                                                : "HTTP " + std::to_string(registry.status),
                         settings_.pipeline.registry_url));

    try {
        const auto redis = redis_cluster::open_client(settings_.redis, kProbeTimeout);
        const auto pong = redis->command({"PING"});
        parts.push_back(part("redis", pong.is_error() ? "down" : "up",
                             pong.is_error() ? pong.str : "answers PING"));
    } catch (const std::exception& e) {
        parts.push_back(part("redis", "down", e.what()));
    }

    auto topics = nlohmann::json::array();
    for (const auto& topic : {settings_.pipeline.topic, settings_.pipeline.dlq_topic}) {
        nlohmann::json count = nullptr;
        try {
            if (!kafka_up) {
                // unknown this time
            } else if (const auto offsets = kafka_.topic(topic)) {
                count = messages_held(*offsets->marks);
            }
        } catch (const std::exception&) {
            // unknown this time
        }
        topics.push_back({{"name", topic}, {"messages", count}});
    }

    auto groups = nlohmann::json::array();
    nlohmann::json sample_groups = nlohmann::json::object();
    for (const auto& consumer : settings_.consumers) {
        const auto scraped = scrape(consumer.url);
        parts.push_back(part(
            "consumer-" +
                (consumer.group.starts_with("orders-") ? consumer.group.substr(7) : consumer.group),
            scraped.health, scraped.detail, consumer.url));
        nlohmann::json group = {{"group", consumer.group}};
        try {
            if (!kafka_up) {
                throw std::runtime_error("Kafka did not answer");
            }
            group.update(group_summary_json(consumer.group, kafka_.group(consumer.group)));
        } catch (const std::exception& e) {
            group.update({{"state", "unknown"},
                          {"members", nullptr},
                          {"lag_messages", nullptr},
                          {"lag_seconds", nullptr},
                          {"lag_error", e.what()}});
        }
        const MetricLabels labels = {{"group", consumer.group}};
        const auto counter = [&](const std::string& name) {
            return or_null(metric(scraped.metrics, "orderflow_consumer_" + name, labels));
        };
        group["applied_total"] = counter("orders_applied_total");
        group["duplicates_total"] = counter("duplicates_total");
        group["dead_lettered_total"] = counter("dead_lettered_total");
        group["latency_ms"] = recent_quantiles_ms(
            consumer.group, histogram(scraped.metrics, kLatencyHistogram, labels));
        // The batch in progress: held from the gauge, the size from the consumer's /health
        // (the auto-commit mode writes each poll's messages at once: no batch to show).
        group["batch"] = nullptr;
        const auto details = scraped.details.value("details", scraped.details);
        if (details.value("mode", "") == "batch" && details.contains("batch")) {
            const auto held = metric(scraped.metrics, "orderflow_consumer_batch_held", labels);
            group["batch"] = {{"held", held ? nlohmann::json(*held)
                                            : details["batch"].value("held", nlohmann::json())},
                              {"size", details["batch"].value("size", nlohmann::json())}};
        }
        sample_groups[consumer.group] = {
            {"applied_total", group["applied_total"]},
            {"lag_messages", group["lag_messages"]},
            {"lag_seconds", group["lag_seconds"]},
            {"p50_ms", group["latency_ms"].is_object() ? group["latency_ms"]["p50"] : nullptr},
            {"p99_ms", group["latency_ms"].is_object() ? group["latency_ms"]["p99"] : nullptr}};
        groups.push_back(std::move(group));
    }

    add_supervisor_state(parts, read_supervisor_state(settings_.supervisor_state));
    nlohmann::json overview = {{"generated_at_ms", now}, {"parts", parts},
                               {"gateway", gateway},     {"producer", producer_figures},
                               {"topics", topics},       {"groups", groups}};
    nlohmann::json sample = {
        {"t_ms", now},
        {"delivered_total", producer_figures["delivered_total"]},
        {"gateway_accepted_total", gateway.is_object() ? gateway["accepted_total"] : nullptr},
        {"groups", sample_groups}};
    std::lock_guard lock(mutex_);
    latest_ = std::move(overview);
    history_.push_back(std::move(sample));
    while (history_.size() > kHistorySamples) {
        history_.pop_front();
    }
    sampled_.notify_all();
}

nlohmann::json OverviewSampler::overview(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    sampled_.wait_for(lock, wait, [this] { return !latest_.is_null() || stopping_.load(); });
    return latest_.is_null() ? nlohmann::json::object() : latest_;
}

nlohmann::json OverviewSampler::history() {
    std::lock_guard lock(mutex_);
    auto samples = nlohmann::json::array();
    for (const auto& sample : history_) {
        samples.push_back(sample);
    }
    return {{"interval_ms", kSampleInterval.count()}, {"samples", samples}};
}

}  // namespace orderflow::console
