#pragma once

#include "pipeline/pipeline_options.h"
#include "producer/producer_failpoint.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace orderflow::producer {

/// Raw text of every `orderflow produce` setting, as CLI11 reads it (flag or environment).
struct ProducerOptions {
    pipeline::PipelineOptions pipeline;
    pipeline::StatusOptions status;
    std::string interval = "5s";
    std::string count = "100";
    std::string rate;  // empty: paced by interval
    std::string retries = "5";
    std::string retry_backoff = "500ms";
    std::string seed;  // empty: random
    std::string customers = "50";
    std::string failed_file = "failed-orders.jsonl";
    std::string ack_log;      // empty: none
    std::string schema_file;  // empty: the built-in order.avsc
    std::string delivery_timeout = "30s";
    std::string progress_interval = "5s";
    std::string failpoint;  // ORDERFLOW_FAILPOINT, tests only
    bool no_keys = false;
    std::string via_gateway;  // empty: straight to Kafka
    std::string gateway_token;
};

enum class Pace {
    kInterval,  ///< one order every `interval`
    kRate,      ///< `rate` orders per second
    kMax,       ///< as fast as the producer queue takes them
};

struct ProducerSettings {
    pipeline::PipelineSettings pipeline;
    Pace pace = Pace::kInterval;
    std::chrono::milliseconds interval{5000};
    std::int64_t rate = 0;
    std::int64_t count = 100;  ///< 0 = endless
    int retries = 5;
    std::chrono::milliseconds retry_backoff{500};
    std::uint64_t seed = 0;
    int customers = 50;
    std::string failed_file;
    std::string ack_log;      ///< PRODUCE_ACK_LOG: one line per acknowledged order; empty = none
    std::string schema_json;  ///< the schema text to register and write with
    std::chrono::milliseconds delivery_timeout{30000};
    std::chrono::milliseconds progress_interval{5000};
    pipeline::StatusOptions status;  ///< METRICS_PORT checked by to_settings
    ProducerFailpoint failpoint;     ///< ORDERFLOW_FAILPOINT: the tests' faults
    /// Keyed by customer (each customer's orders in one partition, in order). `--no-keys`, a
    /// benchmark mode only: null keys, which librdkafka's sticky partitioner sends to one
    /// partition at a time as Kafka's ProducerPerformance does; the consumers do not care.
    bool keyed = true;
    /// PRODUCE_VIA_GATEWAY: POST each order to `orderflow gateway` at this host and port
    /// instead of writing to Kafka (empty host: Kafka).
    std::string gateway_host;
    std::uint16_t gateway_port = 0;
    /// GATEWAY_TOKEN: the client's token for a gateway with GATEWAY_CLIENTS_FILE (empty: none).
    std::string gateway_token;
    bool via_gateway() const { return !gateway_host.empty(); }

    /// Time between two orders: the interval, 1 s / rate, or zero (as fast as possible).
    std::chrono::nanoseconds pace_step() const {
        switch (pace) {
            case Pace::kInterval:
                return interval;
            case Pace::kRate:
                return std::chrono::nanoseconds(1'000'000'000LL / rate);
            case Pace::kMax:
                break;
        }
        return std::chrono::nanoseconds::zero();
    }

    /// One log line per delivered order at a slow pace; periodic summaries under load.
    bool per_order_lines() const {
        return pace == Pace::kInterval && interval >= std::chrono::milliseconds(100);
    }
};

/// Adds every option to `command` with its environment name.
void add_producer_options(CLI::App& command, ProducerOptions& options);

/**
 * Validates everything before any client starts. Errors: ConfigError naming the setting
 * (PRODUCE_INTERVAL, PRODUCE_COUNT, PRODUCE_RATE, PRODUCE_RETRIES, PRODUCE_RETRY_BACKOFF,
 * PRODUCE_SEED, PRODUCE_CUSTOMERS, FAILED_ORDERS_FILE, PRODUCE_ACK_LOG, ORDER_SCHEMA_FILE,
 * DELIVERY_TIMEOUT, PROGRESS_INTERVAL, ORDERFLOW_FAILPOINT, PRODUCE_VIA_GATEWAY, or one of the
 * pipeline settings).
 */
ProducerSettings to_settings(const ProducerOptions& options);

}  // namespace orderflow::producer
