#include "console/console_command.h"

#include "common/logging.h"
#include "common/shutdown.h"
#include "console/api_reply.h"
#include "console/audit_cache.h"
#include "console/console_routes.h"
#include "console/overview_sampler.h"
#include "console/redis_access.h"
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <malloc.h>
#include <memory>

namespace orderflow::console {
namespace {

/// The console's readers hold little: a page is at most a few thousand records, and the
/// pipeline must not feel the console (librdkafka's defaults buffer up to 64 MiB a consumer).
kafka::ClientSettings reader_settings(const ConsoleSettings& settings) {
    auto reader = settings.pipeline.kafka;
    reader.client_id = "orderflow-console-reader";
    std::vector<std::pair<std::string, std::string>> small = {
        {"queued.max.messages.kbytes", "4096"},
        {"fetch.max.bytes", "4194304"},
        {"max.partition.fetch.bytes", "1048576"},
        {"receive.message.max.bytes", "5242880"},
    };
    small.insert(small.end(), reader.extra.begin(), reader.extra.end());  // KAFKA_EXTRA wins
    reader.extra = std::move(small);
    return reader;
}

/// How long one audit may run (reading both topics to their end) before it is killed.
constexpr std::chrono::milliseconds kAuditTimeout{std::chrono::minutes(2)};

/// `orderflow audit --live true --json` with the console's own connections, so what the
/// console shows is what `orderflow audit` says.
std::vector<std::string> audit_command(const ConsoleSettings& settings,
                                       const std::vector<std::string>& groups) {
    std::string extra;
    for (const auto& [name, value] : settings.pipeline.kafka.extra) {
        extra += (extra.empty() ? "" : ";") + name + "=" + value;
    }
    std::string group_list;
    for (const auto& group : groups) {
        group_list += (group_list.empty() ? "" : ",") + group;
    }
    return {std::filesystem::read_symlink("/proc/self/exe").string(),
            "audit",
            "--bootstrap-servers",
            settings.pipeline.kafka.bootstrap_servers,
            "--kafka-properties-file",
            settings.pipeline.kafka.properties.path,
            "--kafka-extra",
            extra,
            "--schema-registry-url",
            settings.pipeline.registry_url,
            "--topic",
            settings.pipeline.topic,
            "--dlq-topic",
            settings.pipeline.dlq_topic,
            "--groups",
            group_list,
            "--timeout",
            std::to_string(kAuditTimeout.count() * 3 / 4) + "ms",
            "--live",
            "true",
            "--json"};
}

}  // namespace

int run_console(const ConsoleSettings& settings) {
    common::install_stop_handlers();
    // glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps
    // freed pages there: with 6 workers, the IO threads and librdkafka's, a few large message
    // pages left ~100 MB resident. Two arenas keep the console small; its threads rarely
    // contend (handlers wait on Kafka and Redis, not on malloc).
    mallopt(M_ARENA_MAX, 2);
    http::Router router;
    const AccessGuard guard(settings.token);
    const SameOrigin origin(settings.listen, settings.allowed_hosts);
    RouteTable routes(router, guard, origin);

    registry_client::RegistryClient registry(settings.pipeline.registry_url, settings.kafka_timeout,
                                             std::chrono::seconds(60),
                                             settings.pipeline.registry_user_info);
    const auto reader = reader_settings(settings);
    auto admin = settings.pipeline.kafka;
    admin.client_id = "orderflow-console";
    ClusterSnapshot kafka(admin, reader, settings.kafka_timeout);
    topic_browser::MessageDecoder decoder(registry);
    LiveTails tails(reader, decoder);
    OverviewSampler overview(settings, kafka);
    std::vector<std::string> groups;
    for (const auto& consumer : settings.consumers) {
        groups.push_back(consumer.group);
    }
    RedisAccess redis(settings.redis, groups);
    // The audit child inherits REDIS_URL from here: its password stays out of the child's argv,
    // which every local user can read in ps.
    ::setenv("REDIS_URL", redis::format_redis_target(settings.redis).c_str(), 1);
    AuditCache audit(audit_command(settings, groups), kAuditTimeout, std::chrono::seconds(30));
    const ConsoleContext context{settings, kafka,    registry, decoder, reader,
                                 tails,    overview, redis,    audit};
    add_page_routes(routes, context);
    add_kafka_routes(routes, context);
    add_schema_routes(routes, context);
    add_overview_routes(routes, context);
    add_redis_routes(routes, context);
    add_dead_letter_routes(routes, context);
    add_action_routes(routes, context);

    http::ServerOptions options;
    options.host = settings.listen.host;
    options.port = settings.listen.port;
    options.listen_setting = "CONSOLE_LISTEN";
    options.name = "console";
    options.limits = settings.limits;
    options.io_threads = settings.io_threads;
    options.worker_threads = 6;
    options.render_error = render_server_error;
    http::Server server(std::move(router), options);  // binds now: a taken port stops here
    overview.start();
    server.start();
    spdlog::info("console: http://{}:{}/ (token {})", settings.listen.host, server.port(),
                 settings.token ? "required, actions enabled" : "not set, read-only");
    while (!common::sleep_unless_stopped(std::chrono::seconds(1))) {
    }
    spdlog::info("console: stopping");
    server.stop();
    tails.stop();
    overview.stop();
    return 0;
}

void register_console_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<ConsoleOptions>();
    auto* command = app.add_subcommand(
        "console",
        "Web console: topics, messages (live), groups and lag, schemas, the DLQ and the whole "
        "flow, on 127.0.0.1:8080 (docs/console-api.md)");
    add_console_options(*command, *options);
    command->final_callback([options, &context] {
        common::init_logging("console", context.log_level);
        if (const int code = run_console(to_settings(*options)); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::console
