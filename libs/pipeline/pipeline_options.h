#pragma once

// Settings shared by `orderflow produce`, `consume` and `audit`, read by CLI11 from flags or
// the environment, validated once (ConfigError names the setting).

#include "kafka/cli_options.h"
#include "metrics/metrics.h"
#include "registry_client/registry_client.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace orderflow::pipeline {

struct PipelineOptions {
    kafka::ClientOptions kafka;
    std::string registry_url = "http://127.0.0.1:8081";
    std::string registry_user_info;  // "user:password", "" = no basic auth
    std::string topic = "orders";
    std::string dlq_topic = "orders.dlq";
};

struct PipelineSettings {
    kafka::ClientSettings kafka;
    std::string registry_url;
    std::string registry_user_info;
    std::string topic;
    std::string dlq_topic;
    /// "<topic>-value": the registry subject of the order schema (TopicNameStrategy).
    std::string subject() const { return topic + "-value"; }
};

/// Adds a text option `flag` read from `env` when not given, its default shown in --help.
void add_env_option(CLI::App& command,
                    const std::string& flag,
                    std::string& value,
                    const std::string& env,
                    const std::string& help);

/// Adds the Kafka options, --schema-registry-url (SCHEMA_REGISTRY_URL),
/// --schema-registry-user-info (SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO), --topic (ORDERS_TOPIC)
/// and --dlq-topic (DLQ_TOPIC).
void add_pipeline_options(CLI::App& command, PipelineOptions& options);

/// Errors: ConfigError naming KAFKA_BOOTSTRAP_SERVERS, KAFKA_EXTRA, SCHEMA_REGISTRY_URL (also
/// for credentials in it), SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, ORDERS_TOPIC or DLQ_TOPIC.
PipelineSettings to_settings(const PipelineOptions& options, const std::string& client_id);

/// Kafka's topic name rule (1-249 of [a-zA-Z0-9._-], not "." or ".."). Errors: ConfigError.
void validate_topic_name(const std::string& setting, const std::string& name);

struct StatusOptions {
    std::string port = "0";
    std::string host = "127.0.0.1";
};

/// Adds --metrics-port (METRICS_PORT, 0 = no status server) and --metrics-host (METRICS_HOST).
void add_status_options(CLI::App& command, StatusOptions& options);

/// Parses the port (ConfigError naming METRICS_PORT); nullptr when it is 0, else a running
/// /health + /metrics server.
std::unique_ptr<metrics::StatusServer> start_status_server(
    const StatusOptions& options, std::function<metrics::HealthReport()> health);

/**
 * A registry client (with the pipeline's URL and user info) that answered once: asks whether the
 * order schema is under `subject`. Errors: ConfigError naming SCHEMA_REGISTRY_URL when the
 * registry cannot be reached, SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO when it answers 401.
 */
std::unique_ptr<registry_client::RegistryClient> connect_registry(const PipelineSettings& pipeline,
                                                                  const std::string& subject);

/// "user:password" checked (ConfigError naming SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, never
/// echoing it); "" stays "".
std::string parse_user_info(const std::string& text);

/// Refuses a URL with `user:password@` in it (ConfigError naming `setting`, never echoing it).
void refuse_credentials_in_url(const std::string& setting, const std::string& url);

}  // namespace orderflow::pipeline
