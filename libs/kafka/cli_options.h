#pragma once

#include "kafka/client_config.h"

#include <CLI/CLI.hpp>

#include <string>

namespace orderflow::kafka {

/// Raw text of the Kafka connection settings, as CLI11 reads them from flags or environment.
struct ClientOptions {
    std::string bootstrap_servers = "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094";
    std::string properties_file;
    std::string extra;

    /// Validated settings, every property already accepted by librdkafka. Errors: ConfigError
    /// naming KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES_FILE or KAFKA_EXTRA.
    ClientSettings to_settings(const std::string& client_id) const;
};

/// Adds --bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS), --kafka-properties-file
/// (KAFKA_PROPERTIES_FILE) and --kafka-extra (KAFKA_EXTRA).
void add_client_options(CLI::App& command, ClientOptions& options);

}  // namespace orderflow::kafka
