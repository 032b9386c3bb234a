#include "producer/producer_command.h"

#include "common/config_error.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "kafka/admin_client.h"
#include "pipeline/order_schema.h"
#include "pipeline/topics.h"
#include "producer/gateway_poster.h"
#include "producer/order_producer.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace orderflow::producer {
namespace {

std::string describe_pace(const ProducerSettings& settings) {
    switch (settings.pace) {
        case Pace::kInterval:
            return "one every " + std::to_string(settings.interval.count()) + " ms";
        case Pace::kRate:
            return std::to_string(settings.rate) + " per second";
        case Pace::kMax:
            return "as fast as possible";
    }
    return "";
}

// Exit codes as run_producer's, from the totals.
int exit_code(const ProducerSettings& settings, const ProducerTotals& totals) {
    spdlog::info(
        "done: sent {} delivered {} retried {} failed {}; {:.3f} s from the first send to the "
        "last acknowledgement ({:.0f} orders/s)",
        totals.sent, totals.delivered, totals.retried, totals.failed, totals.send_seconds,
        totals.send_seconds > 0 ? static_cast<double>(totals.delivered) / totals.send_seconds
                                : 0.0);
    if (totals.ack_log_errors > 0) {
        spdlog::error("the ack log {} misses {} acknowledged order(s) (write errors)",
                      settings.ack_log, totals.ack_log_errors);
    }
    if (totals.file_errors > 0) {
        spdlog::error(
            "the failed-orders file {} had {} write error(s); {} order(s) could not be "
            "written to it and are only in this log, each in full",
            settings.failed_file, totals.file_errors, totals.unrecorded);
        return 4;
    }
    if (totals.failed > 0) {
        spdlog::error("{} order(s) could not be delivered; they are in {}", totals.failed,
                      settings.failed_file);
        return 3;
    }
    return 0;
}

// --via-gateway: no Kafka client, topic or schema of its own; the gateway has all three.
int run_via_gateway(const ProducerSettings& settings) {
    GatewayPoster poster(settings);
    const auto status = pipeline::start_status_server(settings.status, [] {
        return metrics::HealthReport{true, R"({"gateway":"in use"})"};
    });
    spdlog::info(
        "placing {} orders through the gateway at http://{}:{}, {} (seed {}, {} "
        "customers)",
        settings.count == 0 ? std::string("endless") : std::to_string(settings.count),
        settings.gateway_host, settings.gateway_port, describe_pace(settings), settings.seed,
        settings.customers);
    return exit_code(settings, poster.run());
}

}  // namespace

int run_producer(const ProducerSettings& settings) {
    common::install_stop_handlers();
    if (settings.via_gateway()) {
        return run_via_gateway(settings);
    }
    {
        auto admin_settings = settings.pipeline.kafka;
        admin_settings.client_id = "orderflow-producer-admin";
        kafka::AdminClient admin(admin_settings);
        pipeline::ensure_topic(admin, settings.pipeline.topic, pipeline::kOrdersPartitions);
        pipeline::ensure_topic(admin, settings.pipeline.dlq_topic, pipeline::kDlqPartitions);
    }
    const auto schema_id = pipeline::register_order_schema(settings.pipeline, settings.schema_json);

    OrderProducer producer(settings, schema_id);
    const auto status = pipeline::start_status_server(settings.status, [&producer] {
        return metrics::HealthReport{!producer.fatal(), producer.fatal()
                                                            ? R"({"kafka":"fatal error"})"
                                                            : R"({"kafka":"ok"})"};
    });
    spdlog::info("producing {} orders to {}, {} (seed {}, {} customers{})",
                 settings.count == 0 ? std::string("endless") : std::to_string(settings.count),
                 settings.pipeline.topic, describe_pace(settings), settings.seed,
                 settings.customers, settings.keyed ? "" : ", null keys: a benchmark mode");
    const auto code = exit_code(settings, producer.run());
    return code != 0 ? code : (producer.fatal() ? 1 : 0);
}

void register_producer_command(CLI::App& app, const common::CommandContext& context) {
    auto options = std::make_shared<ProducerOptions>();
    auto* command = app.add_subcommand(
        "produce",
        "Generate orders into Kafka (Avro, Confluent wire format, acks=all). Exit 0 all "
        "delivered, 3 some in FAILED_ORDERS_FILE, 4 that file had write errors, 1 fatal error");
    add_producer_options(*command, *options);
    command->final_callback([options, &context] {
        common::init_logging("producer", context.log_level);
        if (const int code = run_producer(to_settings(*options)); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace orderflow::producer
