#pragma once

#include "kafka/handles.h"
#include "kafka/properties_file.h"

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

/// What every Kafka client of orderflow needs to connect (KAFKA_BOOTSTRAP_SERVERS,
/// KAFKA_PROPERTIES_FILE, KAFKA_EXTRA).
struct ClientSettings {
    std::string bootstrap_servers = "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094";
    std::string client_id = "orderflow";
    /// KAFKA_PROPERTIES_FILE (credentials, TLS): after orderflow's own, before `extra`.
    PropertiesFile properties;
    /// librdkafka properties passed through as they are (KAFKA_EXTRA="k=v;k=v"); they win.
    std::vector<std::pair<std::string, std::string>> extra;

    /// The SASL user the clients log in as (sasl.username), "" without one.
    std::string principal() const;
    /// The settings a refused client comes from: "KAFKA_EXTRA", with a file
    /// "KAFKA_PROPERTIES_FILE or KAFKA_EXTRA".
    std::string source() const;
    /// `text` with every secret value of the file and of KAFKA_EXTRA replaced by "***".
    std::string redact(std::string text) const;
};

/// One librdkafka property: key, value.
using Property = std::pair<std::string, std::string>;

/**
 * Sets one property. Errors: common::ConfigError naming the property and librdkafka's reason.
 */
void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

/**
 * The steps every client configuration takes, for the C and the C++ API alike:
 * bootstrap.servers, client.id, `defaults`, the properties file, then the extra properties
 * (which win). `set` throws ConfigError naming the property; this renames it to
 * KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES_FILE (with path:line) or KAFKA_EXTRA where the value
 * came from those settings, and leaves librdkafka's words out when the value is a secret.
 */
void apply_client_settings(const ClientSettings& settings,
                           const std::vector<Property>& defaults,
                           const std::function<void(const Property&)>& set);

/// The one log path of librdkafka's messages (syslog `level`), from any librdkafka thread.
void log_client_message(const std::string& client,
                        int level,
                        const std::string& facility,
                        const std::string& message);

/**
 * A C configuration with bootstrap.servers, client.id, a log callback into spdlog, `defaults`,
 * the properties file and then the extra properties (which win). Errors: ConfigError for any
 * rejected property.
 */
ConfPtr make_conf(const ClientSettings& settings, const std::vector<Property>& defaults = {});

}  // namespace orderflow::kafka
