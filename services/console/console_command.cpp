#include "console/console_command.h"

#include "common/logging.h"
#include "common/shutdown.h"
#include "console/api_reply.h"
#include "console/console_routes.h"
#include "console/overview_sampler.h"
#include "http/server.h"

#include <spdlog/spdlog.h>

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

}  // namespace

int run_console(const ConsoleSettings& settings) {
    common::install_stop_handlers();
    http::Router router;
    const AccessGuard guard(settings.token);
    RouteTable routes(router, guard);

    registry_client::RegistryClient registry(settings.pipeline.registry_url,
                                             settings.kafka_timeout);
    const auto reader = reader_settings(settings);
    auto admin = settings.pipeline.kafka;
    admin.client_id = "orderflow-console";
    KafkaView kafka(admin, reader, settings.kafka_timeout);
    topic_browser::MessageDecoder decoder(registry);
    LiveTails tails(reader, decoder);
    OverviewSampler overview(settings, kafka);
    const ConsoleContext context{settings, kafka, registry, decoder, reader, tails, overview};
    add_page_routes(routes, context);
    add_kafka_routes(routes, context);
    add_schema_routes(routes, context);
    add_overview_routes(routes, context);
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
