#include "gateway/gateway_settings.h"

#include "common/config_error.h"
#include "common/settings.h"

namespace orderflow::gateway {
namespace {

constexpr const char* kHttpPrefix = "GATEWAY_HTTP_";

std::vector<std::string> parse_groups(const std::string& setting, const std::string& text) {
    std::vector<std::string> groups;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        auto group =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (group.empty()) {
            throw common::ConfigError(setting, "'" + text + "' has an empty group name");
        }
        groups.push_back(std::move(group));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return groups;
}

}  // namespace

void add_gateway_options(CLI::App& command, GatewayOptions& options) {
    using pipeline::add_env_option;
    pipeline::add_pipeline_options(command, options.pipeline);
    add_env_option(
        command, "--redis-url", options.redis_url, "REDIS_URL",
        "Redis, redis://[user:password@]host[:port][/db], user and password URL-encoded");
    add_env_option(command, "--listen", options.listen, "GATEWAY_LISTEN",
                   "host:port of the order API (/v1/orders, /health, /metrics)");
    add_env_option(command, "--ack-timeout", options.ack_timeout, "GATEWAY_ACK_TIMEOUT",
                   "Kafka must acknowledge an order within this (message.timeout.ms); else 503 "
                   "with Retry-After");
    add_env_option(command, "--max-in-flight", options.max_in_flight, "GATEWAY_MAX_IN_FLIGHT",
                   "orders sent and not yet acknowledged; one more is answered 429");
    add_env_option(command, "--max-wait", options.max_wait, "GATEWAY_MAX_WAIT",
                   "longest ?wait= a read of an order may ask for");
    add_env_option(command, "--max-waiters", options.max_waiters, "GATEWAY_MAX_WAITERS",
                   "reads waiting for Redis at once; one more is answered 429");
    add_env_option(command, "--groups", options.groups, "GATEWAY_GROUPS",
                   "consumer groups a read may name (?group=), the first is the default");
    add_env_option(command, "--max-body-bytes", options.max_body_bytes, "GATEWAY_MAX_BODY_BYTES",
                   "largest order body accepted; larger is 413");
    add_env_option(command, "--idempotency-ttl", options.idempotency_ttl, "GATEWAY_IDEMPOTENCY_TTL",
                   "how long an Idempotency-Key is remembered (in Redis) after its first request");
    add_env_option(command, "--clients-file", options.clients_file, "GATEWAY_CLIENTS_FILE",
                   "file of 'client: sha256 of its token' lines; when set, /v1/orders needs "
                   "'Authorization: Bearer <token>' and each client has its own Idempotency-Keys");
    // Every answer is deferred and bounded by the settings above; the budget is a backstop.
    options.http.handler_budget = "60s";
    http::add_limit_options(command, options.http, kHttpPrefix);
}

GatewaySettings to_settings(const GatewayOptions& options) {
    GatewaySettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-gateway");
    settings.redis = redis::parse_redis_target("REDIS_URL", options.redis_url);
    const auto listen = common::parse_host_port("GATEWAY_LISTEN", options.listen);
    settings.host = listen.host;
    settings.port = listen.port;
    settings.ack_timeout = common::parse_duration("GATEWAY_ACK_TIMEOUT", options.ack_timeout);
    if (settings.ack_timeout < std::chrono::seconds(1)) {
        throw common::ConfigError("GATEWAY_ACK_TIMEOUT", "must be at least 1s");
    }
    settings.max_in_flight = static_cast<std::size_t>(
        common::parse_int("GATEWAY_MAX_IN_FLIGHT", options.max_in_flight, 1, 100000));
    settings.max_wait = common::parse_duration("GATEWAY_MAX_WAIT", options.max_wait);
    settings.max_waiters = static_cast<std::size_t>(
        common::parse_int("GATEWAY_MAX_WAITERS", options.max_waiters, 1, 100000));
    settings.groups = parse_groups("GATEWAY_GROUPS", options.groups);
    settings.max_body_bytes = static_cast<std::size_t>(
        common::parse_int("GATEWAY_MAX_BODY_BYTES", options.max_body_bytes, 1024, 16 << 20));
    settings.idempotency_ttl =
        common::parse_duration("GATEWAY_IDEMPOTENCY_TTL", options.idempotency_ttl);
    if (settings.idempotency_ttl < std::chrono::minutes(1) ||
        settings.idempotency_ttl > std::chrono::hours(24 * 30)) {
        throw common::ConfigError("GATEWAY_IDEMPOTENCY_TTL", "must be between 1m and 720h");
    }
    if (!options.clients_file.empty()) {
        settings.clients = ClientTokens::load("GATEWAY_CLIENTS_FILE", options.clients_file);
    }
    settings.limits = http::to_limits(options.http, kHttpPrefix);
    settings.limits.max_body_bytes = settings.max_body_bytes;
    settings.io_threads = http::to_io_threads(options.http, kHttpPrefix);
    const auto longest = std::max(settings.ack_timeout, settings.max_wait);
    if (settings.limits.handler_budget <= longest + std::chrono::seconds(1)) {
        throw common::ConfigError(
            "GATEWAY_HTTP_HANDLER_BUDGET",
            "must be over a second longer than GATEWAY_ACK_TIMEOUT and GATEWAY_MAX_WAIT");
    }
    return settings;
}

}  // namespace orderflow::gateway
