#include "pipeline/pipeline_options.h"

#include "common/config_error.h"
#include "common/settings.h"
#include "serde/order_schema.h"

#include <spdlog/spdlog.h>

namespace orderflow::pipeline {

void add_env_option(CLI::App& command,
                    const std::string& flag,
                    std::string& value,
                    const std::string& env,
                    const std::string& help) {
    command.add_option(flag, value, help)->envname(env)->capture_default_str();
}

void add_pipeline_options(CLI::App& command, PipelineOptions& options) {
    kafka::add_client_options(command, options.kafka);
    add_env_option(command, "--schema-registry-url", options.registry_url, "SCHEMA_REGISTRY_URL",
                   "schema registry, http://host:port");
    command
        .add_option("--schema-registry-user-info", options.registry_user_info,
                    "user:password sent to the schema registry as HTTP basic auth")
        ->envname("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO");
    add_env_option(command, "--topic", options.topic, "ORDERS_TOPIC", "the orders topic");
    add_env_option(command, "--dlq-topic", options.dlq_topic, "DLQ_TOPIC", "the dead-letter topic");
}

void validate_topic_name(const std::string& setting, const std::string& name) {
    if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        throw common::ConfigError(setting, "'" + name + "' is not a legal topic name");
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            throw common::ConfigError(setting, "'" + name +
                                                   "' is not a legal topic name: use only "
                                                   "letters, digits, '.', '_' and '-'");
        }
    }
}

PipelineSettings to_settings(const PipelineOptions& options, const std::string& client_id) {
    PipelineSettings settings;
    settings.kafka = options.kafka.to_settings(client_id);
    refuse_credentials_in_url("SCHEMA_REGISTRY_URL", options.registry_url);
    settings.registry_url = common::parse_http_url("SCHEMA_REGISTRY_URL", options.registry_url);
    settings.registry_user_info = parse_user_info(options.registry_user_info);
    validate_topic_name("ORDERS_TOPIC", options.topic);
    validate_topic_name("DLQ_TOPIC", options.dlq_topic);
    if (options.topic == options.dlq_topic) {
        throw common::ConfigError("DLQ_TOPIC", "must differ from ORDERS_TOPIC");
    }
    settings.topic = options.topic;
    settings.dlq_topic = options.dlq_topic;
    return settings;
}

void add_status_options(CLI::App& command, StatusOptions& options) {
    add_env_option(command, "--metrics-port", options.port, "METRICS_PORT",
                   "serve /health and /metrics on this port (0 = off)");
    add_env_option(command, "--metrics-host", options.host, "METRICS_HOST",
                   "address for /health and /metrics");
}

std::unique_ptr<metrics::StatusServer> start_status_server(
    const StatusOptions& options, std::function<metrics::HealthReport()> health) {
    const auto port =
        static_cast<std::uint16_t>(common::parse_int("METRICS_PORT", options.port, 0, 65535));
    if (port == 0) {
        return nullptr;
    }
    try {
        auto server =
            std::make_unique<metrics::StatusServer>(options.host, port, std::move(health));
        spdlog::info("serving /health and /metrics on {}:{}", options.host, server->port());
        return server;
    } catch (const std::runtime_error& e) {
        throw common::ConfigError("METRICS_PORT", e.what());
    }
}

std::string parse_user_info(const std::string& text) {
    const auto colon = text.find(':');
    if (!text.empty() && (colon == std::string::npos || colon == 0)) {
        throw common::ConfigError("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "expected user:password");
    }
    return text;
}

void refuse_credentials_in_url(const std::string& setting, const std::string& url) {
    const auto start = url.find("://");
    const auto authority = url.substr(start == std::string::npos ? 0 : start + 3);
    if (authority.substr(0, authority.find('/')).find('@') != std::string::npos) {
        throw common::ConfigError(setting,
                                  "must not carry credentials (user:password@): set "
                                  "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=user:password instead");
    }
}

std::unique_ptr<registry_client::RegistryClient> connect_registry(const PipelineSettings& pipeline,
                                                                  const std::string& subject) {
    auto client = std::make_unique<registry_client::RegistryClient>(
        pipeline.registry_url, std::chrono::seconds(10), std::chrono::seconds(60),
        pipeline.registry_user_info);
    try {
        client->lookup(subject, serde::kOrderSchemaJson);
    } catch (const registry_client::RegistryError& e) {
        if (e.http_status() == 0) {
            throw common::ConfigError("SCHEMA_REGISTRY_URL", e.what());
        }
        if (e.http_status() == 401) {
            throw common::ConfigError("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", e.what());
        }
        // Any HTTP answer (subject not found, ...) proves the registry is there.
    }
    return client;
}

}  // namespace orderflow::pipeline
