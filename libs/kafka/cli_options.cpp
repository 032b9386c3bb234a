#include "kafka/cli_options.h"

#include "common/settings.h"

namespace orderflow::kafka {

ClientSettings ClientOptions::to_settings(const std::string& client_id) const {
    ClientSettings settings;
    settings.bootstrap_servers =
        common::parse_bootstrap_servers("KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers);
    settings.extra = common::parse_key_values("KAFKA_EXTRA", extra);
    settings.client_id = client_id;
    return settings;
}

void add_client_options(CLI::App& command, ClientOptions& options) {
    command
        .add_option("--bootstrap-servers", options.bootstrap_servers,
                    "Kafka brokers, host:port[,host:port...]")
        ->envname("KAFKA_BOOTSTRAP_SERVERS")
        ->capture_default_str();
    command
        .add_option("--kafka-extra", options.extra,
                    "extra librdkafka properties, k=v;k=v (they win over orderflow's)")
        ->envname("KAFKA_EXTRA");
}

}  // namespace orderflow::kafka
