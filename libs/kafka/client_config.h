#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

/// What every Kafka client of orderflow needs to connect (KAFKA_BOOTSTRAP_SERVERS, KAFKA_EXTRA).
struct ClientSettings {
    std::string bootstrap_servers = "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094";
    std::string client_id = "orderflow";
    /// librdkafka properties passed through as they are (KAFKA_EXTRA="k=v;k=v"); they win.
    std::vector<std::pair<std::string, std::string>> extra;
};

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

/**
 * Sets one property. Errors: common::ConfigError naming the property and librdkafka's reason.
 */
void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

/**
 * A C configuration with bootstrap.servers, client.id, a log callback into spdlog, `defaults`
 * and then the extra properties (which win). Errors: ConfigError for any rejected property.
 */
ConfPtr make_conf(const ClientSettings& settings,
                  const std::vector<std::pair<std::string, std::string>>& defaults = {});

}  // namespace orderflow::kafka
