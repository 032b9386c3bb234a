#pragma once

// `orderflow gateway`'s settings: flags with environment names (CLI11), validated once;
// ConfigError names the setting.

#include "gateway/client_tokens.h"
#include "http/limit_options.h"
#include "pipeline/pipeline_options.h"
#include "redis/redis_url.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::gateway {

struct GatewayOptions {
    pipeline::PipelineOptions pipeline;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    std::string listen = "127.0.0.1:8082";
    std::string ack_timeout = "10s";
    std::string max_in_flight = "1000";
    std::string max_wait = "30s";
    std::string max_waiters = "1000";
    std::string groups = "orders-auto,orders-batch";
    std::string max_body_bytes = "262144";
    std::string idempotency_ttl = "24h";
    std::string clients_file;
    http::LimitArgs http;
};

struct GatewaySettings {
    pipeline::PipelineSettings pipeline;
    redis::RedisTarget redis;  ///< one Redis or a cluster's seeds
    std::string host;
    std::uint16_t port = 0;
    /// Kafka must acknowledge an order within this (message.timeout.ms), else 503.
    std::chrono::milliseconds ack_timeout{10000};
    /// Orders sent and not yet acknowledged; one more is 429.
    std::size_t max_in_flight = 1000;
    /// Longest `?wait=` a read may ask for.
    std::chrono::milliseconds max_wait{30000};
    /// Reads waiting for Redis at once; one more is 429.
    std::size_t max_waiters = 1000;
    /// The consumer groups a read may name; the first is the default.
    std::vector<std::string> groups;
    std::size_t max_body_bytes = 262144;
    /// How long Redis keeps an Idempotency-Key's record (from its first request).
    std::chrono::milliseconds idempotency_ttl{24LL * 3600 * 1000};
    /// Who may place and read orders; nullopt: anyone who reaches the port (the default
    /// profile, on loopback).
    std::optional<ClientTokens> clients;
    http::Limits limits;
    std::size_t io_threads = 2;
};

void add_gateway_options(CLI::App& command, GatewayOptions& options);

/// Errors: ConfigError naming the setting.
GatewaySettings to_settings(const GatewayOptions& options);

}  // namespace orderflow::gateway
