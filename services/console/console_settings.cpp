#include "console/console_settings.h"

#include "common/config_error.h"
#include "console/same_origin.h"

#include <filesystem>

namespace orderflow::console {
namespace {

constexpr const char* kHttpPrefix = "CONSOLE_HTTP_";

std::string existing_dir(const std::string& setting, const std::string& path) {
    std::error_code error;
    if (path.empty() || !std::filesystem::is_directory(path, error)) {
        throw common::ConfigError(setting, "'" + path + "' is not a directory");
    }
    return std::filesystem::canonical(path).string();
}

}  // namespace

void add_console_options(CLI::App& command, ConsoleOptions& options) {
    using pipeline::add_env_option;
    pipeline::add_pipeline_options(command, options.pipeline);
    add_env_option(
        command, "--redis-url", options.redis_url, "REDIS_URL",
        "Redis, redis://[user:password@]host[:port][/db], user and password URL-encoded");
    add_env_option(command, "--listen", options.listen, "CONSOLE_LISTEN",
                   "host:port of the console (pages, JSON API, /health, /metrics)");
    command
        .add_option("--token", options.token,
                    "when set, every request needs it (Bearer header, or the cookie a page "
                    "opened once with ?token= gets), and the actions are enabled")
        ->envname("CONSOLE_TOKEN");
    add_env_option(command, "--web-dir", options.web_dir, "CONSOLE_WEB_DIR",
                   "the pages, served at / and /static/");
    add_env_option(command, "--vendor-dir", options.vendor_dir, "CONSOLE_VENDOR_DIR",
                   "npm packages (scripts/node-env.sh), served at /vendor/");
    add_env_option(command, "--producer-url", options.producer_url, "CONSOLE_PRODUCER_URL",
                   "the producer's status server (/health, /metrics)");
    add_env_option(command, "--gateway-url", options.gateway_url, "CONSOLE_GATEWAY_URL",
                   "orderflow gateway (/health, /metrics), the overview's first box; off: none");
    add_env_option(command, "--consumer-urls", options.consumer_urls, "CONSOLE_CONSUMER_URLS",
                   "the consumers' status servers, group=http://host:port,...");
    add_env_option(command, "--kafka-timeout", options.kafka_timeout, "CONSOLE_KAFKA_TIMEOUT",
                   "bound on each Kafka question (metadata, offsets, a page of messages)");
    add_env_option(command, "--supervisor-state", options.supervisor_state,
                   "CONSOLE_SUPERVISOR_STATE",
                   "supervisord's state file (make up sets it): restarts and last exit per "
                   "service in the health list; empty: none shown");
    add_env_option(command, "--registry-group", options.registry_group, "REGISTRY_GROUP",
                   "the schema registry's leader-election group (the registry's own "
                   "REGISTRY_GROUP): shown as such, without lag");
    http::add_limit_options(command, options.http, kHttpPrefix);
    add_env_option(command, "--allowed-hosts", options.allowed_hosts, "CONSOLE_ALLOWED_HOSTS",
                   "host[:port],... the console also answers to (behind a proxy or a name); "
                   "any other Host is refused 421, so a DNS-rebinding page gets nothing");
}

std::vector<ConsumerEndpoint> parse_consumer_urls(const std::string& setting,
                                                  const std::string& text) {
    std::vector<ConsumerEndpoint> endpoints;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw common::ConfigError(setting, "'" + item + "' is not group=http://host:port");
        }
        endpoints.push_back(
            {item.substr(0, eq), common::parse_http_url(setting, item.substr(eq + 1))});
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return endpoints;
}

ConsoleSettings to_settings(const ConsoleOptions& options) {
    ConsoleSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-console");
    settings.redis = redis::parse_redis_target("REDIS_URL", options.redis_url);
    settings.listen = common::parse_host_port("CONSOLE_LISTEN", options.listen);
    if (!options.token.empty()) {
        if (options.token.size() < 8) {
            throw common::ConfigError("CONSOLE_TOKEN", "must be at least 8 characters");
        }
        for (const char c : options.token) {
            if (c <= ' ' || c > '~' || c == ';' || c == ',' || c == '"' || c == '\\') {
                throw common::ConfigError(
                    "CONSOLE_TOKEN", "use printable ASCII without spaces, ';', ',', '\"' or '\\'");
            }
        }
        settings.token = options.token;
    }
    settings.web_dir = existing_dir(
        "CONSOLE_WEB_DIR", options.web_dir.empty() ? ORDERFLOW_CONSOLE_WEB_DIR : options.web_dir);
    // The vendor folder appears once scripts/node-env.sh has run; until then /vendor/ is 404.
    std::error_code error;
    const auto vendor =
        options.vendor_dir.empty() ? std::string(ORDERFLOW_CONSOLE_VENDOR_DIR) : options.vendor_dir;
    settings.vendor_dir = std::filesystem::weakly_canonical(vendor, error).string();
    if (error) {
        throw common::ConfigError("CONSOLE_VENDOR_DIR",
                                  "'" + options.vendor_dir + "' is not a path");
    }
    settings.producer_url = common::parse_http_url("CONSOLE_PRODUCER_URL", options.producer_url);
    if (!options.gateway_url.empty() && options.gateway_url != "off") {
        settings.gateway_url = common::parse_http_url("CONSOLE_GATEWAY_URL", options.gateway_url);
    }
    settings.consumers = parse_consumer_urls("CONSOLE_CONSUMER_URLS", options.consumer_urls);
    settings.supervisor_state = options.supervisor_state;
    settings.registry_group = options.registry_group;
    settings.kafka_timeout = common::parse_duration("CONSOLE_KAFKA_TIMEOUT", options.kafka_timeout);
    if (settings.kafka_timeout < std::chrono::milliseconds(500) ||
        settings.kafka_timeout > std::chrono::seconds(60)) {
        throw common::ConfigError("CONSOLE_KAFKA_TIMEOUT", "must be between 500ms and 60s");
    }
    settings.limits = http::to_limits(options.http, kHttpPrefix);
    settings.io_threads = http::to_io_threads(options.http, kHttpPrefix);
    settings.allowed_hosts = parse_allowed_hosts("CONSOLE_ALLOWED_HOSTS", options.allowed_hosts);
    return settings;
}

}  // namespace orderflow::console
