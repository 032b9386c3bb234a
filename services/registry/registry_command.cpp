#include "registry/registry_command.h"

#include "common/config_error.h"
#include "common/logging.h"
#include "common/settings.h"
#include "common/shutdown.h"
#include "metrics/metrics.h"
#include "registry/leader_election.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string_view>

namespace orderflow::registry {
namespace {

constexpr const char* kHttpPrefix = "REGISTRY_HTTP_";

// An address that means "any" to a listener: as a destination it is every peer's own machine.
bool is_wildcard(std::string_view host) {
    return host == "0.0.0.0" || host == "::" || host == "[::]";
}

// The URL other instances forward writes to. A wildcard names no host they can reach (the
// followers would call themselves), so a registry that listens on one needs an explicit URL.
std::string advertised_url(const common::HostPort& listen, const std::string& configured) {
    if (configured.empty()) {
        if (is_wildcard(listen.host)) {
            throw common::ConfigError(
                "REGISTRY_ADVERTISED_URL",
                "must be set when REGISTRY_LISTEN is the wildcard " + listen.host +
                    ": other instances forward writes to it (e.g. http://<this host>:" +
                    std::to_string(listen.port) + ")");
        }
        return "http://" + listen.host + ":" + std::to_string(listen.port);
    }
    const auto url = common::parse_http_url("REGISTRY_ADVERTISED_URL", configured);
    const auto authority = std::string_view(url).substr(7, url.find('/', 7) - 7);
    const auto colon = authority.rfind(':');
    const auto host = colon == std::string_view::npos || authority.ends_with(']')
                          ? authority
                          : authority.substr(0, colon);
    if (is_wildcard(host)) {
        throw common::ConfigError(
            "REGISTRY_ADVERTISED_URL",
            "names the wildcard " + std::string(host) + ", which other instances cannot reach");
    }
    return url;
}

}  // namespace

RegistrySettings to_settings(const RegistryArgs& args) {
    RegistrySettings settings;
    settings.client = args.client.to_settings("orderflow-registry");
    const auto listen = common::parse_host_port("REGISTRY_LISTEN", args.listen);
    settings.http.host = listen.host;
    settings.http.port = listen.port;
    settings.advertised_url = advertised_url(listen, args.advertised_url);
    if (args.topic.empty()) {
        throw common::ConfigError("REGISTRY_TOPIC", "must not be empty");
    }
    settings.topic.topic = args.topic;
    settings.topic.replication_factor = static_cast<int>(common::parse_int(
        "REGISTRY_TOPIC_REPLICATION_FACTOR", std::to_string(args.replication_factor), 1, 32));
    settings.topic.timeout = common::parse_duration("REGISTRY_TIMEOUT", args.timeout);
    if (settings.topic.timeout.count() < 1000) {
        throw common::ConfigError("REGISTRY_TIMEOUT", "must be at least 1s");
    }
    if (args.group.empty()) {
        throw common::ConfigError("REGISTRY_GROUP", "must not be empty");
    }
    settings.group = args.group;
    const auto level = avro::compatibility_level_from_string(args.default_compatibility);
    if (!level) {
        throw common::ConfigError("REGISTRY_DEFAULT_COMPATIBILITY",
                                  "'" + args.default_compatibility +
                                      "' is not a compatibility level (NONE, BACKWARD, ...)");
    }
    settings.api.default_compatibility = avro::to_string(*level);
    if (args.incompatible_error_code != 409 && args.incompatible_error_code != 40901) {
        throw common::ConfigError("REGISTRY_INCOMPATIBLE_ERROR_CODE", "must be 409 or 40901");
    }
    settings.api.incompatible_error_code = args.incompatible_error_code;
    settings.http.max_body_bytes = static_cast<std::size_t>(
        common::parse_int("REGISTRY_MAX_BODY_BYTES", args.max_body_bytes, 1024, 1LL << 30));
    settings.http.threads = static_cast<std::size_t>(
        common::parse_int("REGISTRY_HTTP_THREADS", std::to_string(args.http_threads), 1, 256));
    settings.http.limits = http::to_limits(args.http_limits, kHttpPrefix);
    settings.http.io_threads = http::to_io_threads(args.http_limits, kHttpPrefix);
    if (settings.http.limits.handler_budget <= settings.topic.timeout) {
        throw common::ConfigError("REGISTRY_HTTP_HANDLER_BUDGET",
                                  "must be longer than REGISTRY_TIMEOUT (" + args.timeout + ")");
    }
    if (!args.auth_file.empty()) {
        settings.http.auth = std::make_shared<const BasicAuth>(
            BasicAuth::load("REGISTRY_AUTH_FILE", args.auth_file));
    }
    return settings;
}

CLI::App* add_registry_command(CLI::App& app, RegistryArgs& args) {
    auto* cmd = app.add_subcommand("registry", "Run the Confluent-compatible schema registry");
    kafka::add_client_options(*cmd, args.client);
    cmd->add_option("--listen", args.listen, "host:port to serve the REST API on")
        ->envname("REGISTRY_LISTEN")
        ->capture_default_str();
    cmd->add_option("--advertised-url", args.advertised_url,
                    "URL other instances forward writes to (default http://<listen>; needed "
                    "when listening on 0.0.0.0)")
        ->envname("REGISTRY_ADVERTISED_URL");
    cmd->add_option("--topic", args.topic, "compacted single-partition topic holding the schemas")
        ->envname("REGISTRY_TOPIC")
        ->capture_default_str();
    cmd->add_option("--topic-replication-factor", args.replication_factor,
                    "replication factor when creating the topic")
        ->envname("REGISTRY_TOPIC_REPLICATION_FACTOR")
        ->capture_default_str();
    cmd->add_option("--group", args.group, "Kafka consumer group used to elect the leader")
        ->envname("REGISTRY_GROUP")
        ->capture_default_str();
    cmd->add_option("--default-compatibility", args.default_compatibility,
                    "compatibility level when none is configured")
        ->envname("REGISTRY_DEFAULT_COMPATIBILITY")
        ->capture_default_str();
    cmd->add_option("--incompatible-error-code", args.incompatible_error_code,
                    "error_code of 409 answers: 409 or 40901 (newer Confluent)")
        ->envname("REGISTRY_INCOMPATIBLE_ERROR_CODE")
        ->capture_default_str();
    cmd->add_option("--max-body-bytes", args.max_body_bytes, "largest request body accepted")
        ->envname("REGISTRY_MAX_BODY_BYTES")
        ->capture_default_str();
    cmd->add_option("--http-threads", args.http_threads,
                    "HTTP worker threads for writes (Kafka, forwarding to the leader)")
        ->envname("REGISTRY_HTTP_THREADS")
        ->capture_default_str();
    http::add_limit_options(*cmd, args.http_limits, kHttpPrefix);
    cmd->add_option("--timeout", args.timeout,
                    "bound on start-up and on each write as a whole (e.g. 30s)")
        ->envname("REGISTRY_TIMEOUT")
        ->capture_default_str();
    cmd->add_option("--auth-file", args.auth_file,
                    "HTTP basic auth: file of 'user: password,role' lines, roles reader and "
                    "writer, mode 600 (unset: no authentication)")
        ->envname("REGISTRY_AUTH_FILE");
    return cmd;
}

int run_registry(const RegistrySettings& settings) {
    common::install_stop_handlers();
    SchemaStore store;
    SchemasTopic topic(settings.client, settings.topic, store);
    RegistryApi api(store, topic, settings.api);
    GroupLeadership leadership(settings.client, settings.group, settings.topic.topic,
                               settings.advertised_url);
    topic.set_leadership(&leadership);  // checked again right before each write produces
    HealthProbe probe;
    probe.serving = [&] { return topic.caught_up(); };
    probe.ready = [&] {
        return topic.caught_up() && (leadership.is_leader() || leadership.leader_url());
    };
    probe.details = [&] {
        return nlohmann::ordered_json{{"replayed", topic.caught_up()},
                                      {"leader", leadership.is_leader()},
                                      {"leader_url", leadership.leader_url().value_or("")},
                                      {"applied_offset", topic.applied_offset()}};
    };
    auto http = settings.http;
    http.catch_up = [&topic](auto deadline) { topic.catch_up(deadline); };
    http.read_barrier.timeout = std::min(settings.topic.timeout, http.read_barrier.timeout);
    HttpServer server(api, leadership, probe, http);
    try {
        // One budget for the whole start (REGISTRY_TIMEOUT): topic, replay, group join.
        const auto deadline = std::chrono::steady_clock::now() + settings.topic.timeout;
        topic.start();  // replay to the end before serving
        leadership.start(deadline);
    } catch (const StartInterrupted&) {
        spdlog::info("registry stopped during start-up");
        return 0;
    }
    server.start();
    spdlog::info("registry ready on http://{}:{} (advertised {}), topic {}, group {}, {}",
                 settings.http.host, server.port(), settings.advertised_url, settings.topic.topic,
                 settings.group,
                 settings.http.auth
                     ? "basic auth for " + std::to_string(settings.http.auth->users()) + " users"
                     : std::string("no authentication"));
    auto& schemas = metrics::default_registry().gauge("orderflow_registry_schemas",
                                                      "distinct schemas (ids) in memory");
    auto& subjects =
        metrics::default_registry().gauge("orderflow_registry_subjects", "subjects in memory");
    while (!common::sleep_unless_stopped(std::chrono::seconds(1))) {
        const auto counts = store.read([](const StoreState& s) {
            return std::pair{s.schemas.size(), s.subjects.size()};
        });
        schemas.set(static_cast<double>(counts.first));
        subjects.set(static_cast<double>(counts.second));
    }
    // Each step is bounded: HTTP (idle keep-alive connections are closed, requests in flight
    // finish), then leave the group (a follower takes over now), then the reader and writer.
    const auto stopping = std::chrono::steady_clock::now();
    const auto elapsed_ms = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - stopping)
            .count();
    };
    spdlog::info("registry stopping");
    server.stop();
    spdlog::info("registry: HTTP server stopped after {} ms", elapsed_ms());
    leadership.stop();
    topic.stop();
    spdlog::info("registry stopped in {} ms", elapsed_ms());
    return 0;
}

void register_registry_command(CLI::App& app, const common::CommandContext& context) {
    auto args = std::make_shared<RegistryArgs>();
    auto* cmd = add_registry_command(app, *args);
    cmd->final_callback([args, &context] {
        common::init_logging("registry", context.log_level);
        const auto settings = to_settings(*args);
        if (const int code = run_registry(settings); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::registry
