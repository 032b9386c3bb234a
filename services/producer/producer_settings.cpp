#include "producer/producer_settings.h"

#include "common/config_error.h"
#include "common/settings.h"
#include "serde/order_codec.h"
#include "serde/order_schema.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace orderflow::producer {
namespace {

std::string read_schema(const std::string& path) {
    if (path.empty()) {
        return serde::kOrderSchemaJson;
    }
    std::ifstream in(path);
    if (!in) {
        throw common::ConfigError("ORDER_SCHEMA_FILE", "cannot read '" + path + "'");
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        serde::OrderEncoder check(text.str());
    } catch (const std::exception& e) {
        throw common::ConfigError("ORDER_SCHEMA_FILE", "'" + path + "': " + e.what());
    }
    return text.str();
}

}  // namespace

void add_producer_options(CLI::App& command, ProducerOptions& options) {
    pipeline::add_pipeline_options(command, options.pipeline);
    pipeline::add_status_options(command, options.status);
    pipeline::add_env_option(command, "--interval", options.interval, "PRODUCE_INTERVAL",
                             "time between orders (5s, 250ms, ...)");
    pipeline::add_env_option(command, "--count", options.count, "PRODUCE_COUNT",
                             "orders to send, 0 = endless");
    pipeline::add_env_option(command, "--rate", options.rate, "PRODUCE_RATE",
                             "load mode: orders per second, or 'max'; replaces --interval");
    pipeline::add_env_option(
        command, "--retries", options.retries, "PRODUCE_RETRIES",
        "re-sends after a failed delivery before the order goes to the failed-orders file");
    pipeline::add_env_option(command, "--retry-backoff", options.retry_backoff,
                             "PRODUCE_RETRY_BACKOFF",
                             "first backoff before a re-send, doubled each time (capped at 30s)");
    pipeline::add_env_option(command, "--seed", options.seed, "PRODUCE_SEED",
                             "random seed: the same seed gives the same orders (default: random)");
    pipeline::add_env_option(command, "--customers", options.customers, "PRODUCE_CUSTOMERS",
                             "customer pool size");
    pipeline::add_env_option(command, "--failed-file", options.failed_file, "FAILED_ORDERS_FILE",
                             "JSON lines file for orders that could not be delivered");
    pipeline::add_env_option(
        command, "--ack-log", options.ack_log, "PRODUCE_ACK_LOG",
        "append 'ORDER_ID PARTITION OFFSET' per acknowledged order to this file, written "
        "before the order counts as delivered (survives kill -9 of the producer); empty: off");
    pipeline::add_env_option(
        command, "--schema-file", options.schema_file, "ORDER_SCHEMA_FILE",
        "write with this Avro schema instead of the built-in order.avsc (for evolution)");
    pipeline::add_env_option(command, "--delivery-timeout", options.delivery_timeout,
                             "DELIVERY_TIMEOUT",
                             "how long librdkafka may try one send (message.timeout.ms)");
    pipeline::add_env_option(command, "--progress-interval", options.progress_interval,
                             "PROGRESS_INTERVAL", "summary period under load");
    command.add_option("--failpoint", options.failpoint, "fault injection for tests")
        ->envname("ORDERFLOW_FAILPOINT")
        ->group("");  // not in --help
    pipeline::add_env_option(
        command, "--via-gateway", options.via_gateway, "PRODUCE_VIA_GATEWAY",
        "http://HOST:PORT of orderflow gateway: POST each order there (Idempotency-Key: the "
        "generated order id) instead of writing to Kafka; empty: Kafka");
    command
        .add_option("--gateway-token", options.gateway_token,
                    "with --via-gateway: the client's token for a gateway that has "
                    "GATEWAY_CLIENTS_FILE; give it in the environment, where `ps` cannot see it")
        ->envname("GATEWAY_TOKEN");
    command.add_flag("--no-keys", options.no_keys,
                     "benchmarks only: send null keys (one partition at a time, as Kafka's "
                     "ProducerPerformance) instead of keying by customer");
}

ProducerSettings to_settings(const ProducerOptions& options) {
    ProducerSettings settings;
    settings.pipeline = pipeline::to_settings(options.pipeline, "orderflow-producer");
    settings.interval = common::parse_duration("PRODUCE_INTERVAL", options.interval);
    settings.count = common::parse_int("PRODUCE_COUNT", options.count, 0, INT64_MAX);
    if (options.rate.empty()) {
        settings.pace = Pace::kInterval;
    } else if (options.rate == "max") {
        settings.pace = Pace::kMax;
    } else {
        settings.pace = Pace::kRate;
        settings.rate = common::parse_int("PRODUCE_RATE", options.rate, 1, 10'000'000);
    }
    settings.retries =
        static_cast<int>(common::parse_int("PRODUCE_RETRIES", options.retries, 0, 100));
    settings.retry_backoff = common::parse_duration("PRODUCE_RETRY_BACKOFF", options.retry_backoff);
    settings.seed = options.seed.empty() ? std::random_device{}()
                                         : static_cast<std::uint64_t>(common::parse_int(
                                               "PRODUCE_SEED", options.seed, 0, INT64_MAX));
    settings.customers =
        static_cast<int>(common::parse_int("PRODUCE_CUSTOMERS", options.customers, 1, 1'000'000));
    if (options.failed_file.empty()) {
        throw common::ConfigError("FAILED_ORDERS_FILE", "must name a file");
    }
    settings.failed_file = options.failed_file;
    settings.ack_log = options.ack_log;
    settings.schema_json = read_schema(options.schema_file);
    settings.delivery_timeout =
        common::parse_duration("DELIVERY_TIMEOUT", options.delivery_timeout);
    if (settings.delivery_timeout < std::chrono::seconds(1)) {
        throw common::ConfigError("DELIVERY_TIMEOUT", "must be at least 1s");
    }
    settings.progress_interval =
        common::parse_duration("PROGRESS_INTERVAL", options.progress_interval);
    if (settings.progress_interval < std::chrono::milliseconds(100)) {
        throw common::ConfigError("PROGRESS_INTERVAL", "must be at least 100ms");
    }
    common::parse_int("METRICS_PORT", options.status.port, 0, 65535);
    settings.status = options.status;
    settings.failpoint = parse_producer_failpoint(options.failpoint);
    settings.keyed = !options.no_keys;
    if (!options.via_gateway.empty()) {
        std::string_view url = options.via_gateway;
        if (!url.starts_with("http://")) {
            throw common::ConfigError("PRODUCE_VIA_GATEWAY",
                                      "'" + options.via_gateway + "' is not http://HOST:PORT");
        }
        url.remove_prefix(7);
        if (url.ends_with('/')) {
            url.remove_suffix(1);
        }
        const auto address = common::parse_host_port("PRODUCE_VIA_GATEWAY", url);
        settings.gateway_host = address.host;
        settings.gateway_port = address.port;
        settings.gateway_token = options.gateway_token;
        // It becomes a header: no byte that could end the header or start another.
        const auto& token = settings.gateway_token;
        if (token.size() > 512 ||
            std::any_of(token.begin(), token.end(), [](char c) { return c < 0x21 || c > 0x7e; })) {
            throw common::ConfigError("GATEWAY_TOKEN",
                                      "must be at most 512 printable characters without spaces");
        }
        if (options.no_keys) {
            throw common::ConfigError("PRODUCE_VIA_GATEWAY",
                                      "--no-keys is for Kafka only (the gateway keys by customer)");
        }
    }
    return settings;
}

}  // namespace orderflow::producer
