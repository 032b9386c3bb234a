#include "gateway/gateway_command.h"

#include "common/logging.h"
#include "common/shutdown.h"
#include "gateway/gateway_api.h"
#include "http/server.h"
#include "pipeline/order_schema.h"
#include "redis/redis_url.h"
#include "serde/order_schema.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace orderflow::gateway {
int run_gateway(const GatewaySettings& settings) {
    common::install_stop_handlers();
    http::ServerOptions options;
    options.host = settings.host;
    options.port = settings.port;
    options.listen_setting = "GATEWAY_LISTEN";
    options.name = "gateway";
    options.limits = settings.limits;
    options.io_threads = settings.io_threads;
    options.worker_threads = 1;  // no route blocks
    options.render_error = render_server_error;
    const auto schema_id =
        pipeline::register_order_schema(settings.pipeline, serde::kOrderSchemaJson);
    OrderSender sender(settings.pipeline, serde::kOrderSchemaJson, schema_id, settings.ack_timeout,
                       settings.max_in_flight);
    OrderReader reader(settings.redis, settings.max_waiters);
    IdempotencyStore idempotency(settings.redis, settings.idempotency_ttl, settings.max_in_flight);
    GatewayApi api(settings, sender, reader, idempotency);
    http::Server server(api.routes(), options);
    server.start();
    std::string groups;
    for (const auto& group : settings.groups) {
        groups += (groups.empty() ? "" : ", ") + group;
    }
    spdlog::info(
        "gateway ready on http://{}:{}: orders to {} (schema id {}), reads from {} for {}; at most "
        "{} in flight, ack timeout {} ms",
        settings.host, server.port(), settings.pipeline.topic, schema_id,
        redis::redact_redis_url(redis::format_redis_target(settings.redis)), groups,
        settings.max_in_flight, settings.ack_timeout.count());
    while (!common::sleep_unless_stopped(std::chrono::seconds(1))) {
    }
    spdlog::info("gateway stopping: {} order(s) in flight", sender.in_flight());
    // Requests in flight are answered first (their acknowledgements still arrive), then the
    // reader and the producer stop while the routes their callbacks answer through still exist;
    // the idempotency store last, so that it still marks what the producer's last reports
    // acknowledged.
    server.stop();
    reader.stop();
    sender.close();
    idempotency.stop();
    return 0;
}

void register_gateway_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<GatewayOptions>();
    auto* command = app.add_subcommand(
        "gateway",
        "Serve the order API: POST /v1/orders answers 201 once Kafka acknowledged the order, "
        "GET /v1/orders/{id} reads it back from Redis as a consumer group stored it");
    add_gateway_options(*command, *options);
    command->final_callback([options, &context] {
        common::init_logging("gateway", context.log_level);
        if (const int code = run_gateway(to_settings(*options)); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::gateway
