#pragma once

#include "common/command_context.h"
#include "http/limit_options.h"
#include "kafka/cli_options.h"
#include "registry/http_server.h"
#include "registry/registry_api.h"
#include "registry/schemas_topic.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace orderflow::registry {

/// Raw settings as CLI11 reads them from flags or the environment.
struct RegistryArgs {
    kafka::ClientOptions client;
    std::string listen = "127.0.0.1:8081";
    std::string advertised_url;  // default http://<listen>
    std::string topic = "_schemas";
    int replication_factor = 3;
    std::string group = "orderflow-registry";
    std::string default_compatibility = "BACKWARD";
    int incompatible_error_code = 409;
    std::string max_body_bytes = "16777216";
    int http_threads = 16;
    std::string timeout = "30s";
    std::string auth_file;  // empty: no authentication
    /// REGISTRY_HTTP_*: head/body/idle timeouts, header and connection caps, handler budget.
    http::LimitArgs http_limits = registry_limit_defaults();

    static http::LimitArgs registry_limit_defaults() {
        http::LimitArgs limits;
        limits.handler_budget = "45s";  // above REGISTRY_TIMEOUT: Kafka's own errors come first
        return limits;
    }
};

/// Validated settings. Errors: common::ConfigError naming the setting.
struct RegistrySettings {
    kafka::ClientSettings client;
    HttpOptions http;
    std::string advertised_url;
    TopicOptions topic;
    std::string group;
    RegistryOptions api;
};

RegistrySettings to_settings(const RegistryArgs& args);

/// Adds `orderflow registry` with its flags (each with its environment name).
CLI::App* add_registry_command(CLI::App& app, RegistryArgs& args);

/// Runs the registry until SIGINT/SIGTERM. Errors: ConfigError, kafka::KafkaError.
int run_registry(const RegistrySettings& settings);

/// The one line apps/orderflow/main.cpp calls.
void register_registry_command(CLI::App& app, const common::CommandContext& context);

}  // namespace orderflow::registry
