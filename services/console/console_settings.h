#pragma once

#include "common/settings.h"
#include "http/limit_options.h"
#include "pipeline/pipeline_options.h"
#include "redis/redis_url.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::console {

/// A consumer's status server, named by its group (the overview's per-group figures).
struct ConsumerEndpoint {
    std::string group;
    std::string url;
};

struct ConsoleOptions {
    pipeline::PipelineOptions pipeline;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string listen = "127.0.0.1:8080";
    std::string token;
    std::string web_dir = ORDERFLOW_CONSOLE_WEB_DIR;
    std::string vendor_dir = ORDERFLOW_CONSOLE_VENDOR_DIR;
    std::string producer_url = "http://127.0.0.1:8091";
    std::string gateway_url = "http://127.0.0.1:8082";
    std::string consumer_urls =
        "orders-auto=http://127.0.0.1:8092,orders-batch=http://127.0.0.1:8093";
    std::string kafka_timeout = "5s";
    std::string supervisor_state;
    std::string registry_group = "orderflow-registry";
    http::LimitArgs http;
    std::string allowed_hosts;
};

struct ConsoleSettings {
    pipeline::PipelineSettings pipeline;
    redis::RedisTarget redis;  ///< one Redis or a cluster's seeds
    common::HostPort listen;
    std::optional<std::string> token;  ///< nullopt: open, and no actions
    std::string web_dir;
    std::string vendor_dir;
    std::string producer_url;
    /// `orderflow gateway` (/health, /metrics); empty (CONSOLE_GATEWAY_URL=off): no gateway box.
    std::string gateway_url;
    std::vector<ConsumerEndpoint> consumers;
    /// Each Kafka question (metadata, offsets, a page of messages) gets at most this long.
    std::chrono::milliseconds kafka_timeout{5000};
    /// supervisord's state file (scripts/lib/supervise.py); empty: no restart figures.
    std::string supervisor_state;
    /// The schema registry's leader-election group: listed without lag (it never commits).
    std::string registry_group;
    http::Limits limits;
    std::size_t io_threads = 2;
    /// Host names (host or host:port) the console answers to besides its listen address.
    std::vector<std::string> allowed_hosts;
};

void add_console_options(CLI::App& command, ConsoleOptions& options);

/// Errors: ConfigError naming CONSOLE_LISTEN, CONSOLE_TOKEN, CONSOLE_WEB_DIR,
/// CONSOLE_VENDOR_DIR, CONSOLE_PRODUCER_URL, CONSOLE_CONSUMER_URLS, CONSOLE_KAFKA_TIMEOUT,
/// CONSOLE_ALLOWED_HOSTS, REDIS_URL, CONSOLE_HTTP_* or a pipeline setting.
ConsoleSettings to_settings(const ConsoleOptions& options);

/// "group=http://host:port,..." (at least one). Errors: ConfigError naming `setting`.
std::vector<ConsumerEndpoint> parse_consumer_urls(const std::string& setting,
                                                  const std::string& text);

}  // namespace orderflow::console
