#include "kafka/cli_options.h"

#include "common/config_error.h"
#include "common/settings.h"
#include "kafka/kafka_error.h"

namespace orderflow::kafka {
namespace {

// The file's bootstrap.servers (kcat -F files carry one) replaces KAFKA_BOOTSTRAP_SERVERS, so
// everything that shows or dials the broker list agrees with what the clients use.
void take_bootstrap_servers(ClientSettings& settings) {
    auto& properties = settings.properties.properties;
    const auto* in_file = settings.properties.find("bootstrap.servers");
    if (in_file == nullptr) {
        return;
    }
    settings.bootstrap_servers = common::parse_bootstrap_servers(
        std::string(kPropertiesFileSetting) + " " + settings.properties.where(*in_file),
        in_file->value);
    properties.erase(properties.begin() + (in_file - properties.data()));
}

}  // namespace

ClientSettings ClientOptions::to_settings(const std::string& client_id) const {
    ClientSettings settings;
    settings.bootstrap_servers =
        common::parse_bootstrap_servers("KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers);
    if (!properties_file.empty()) {
        settings.properties = load_properties_file(properties_file);
        take_bootstrap_servers(settings);
    }
    settings.extra = common::parse_key_values("KAFKA_EXTRA", extra);
    settings.client_id = client_id;
    make_conf(settings);  // a value librdkafka refuses stops the start, before any client
    set_error_principal(settings.principal());
    return settings;
}

void add_client_options(CLI::App& command, ClientOptions& options) {
    command
        .add_option("--bootstrap-servers", options.bootstrap_servers,
                    "Kafka brokers, host:port[,host:port...]")
        ->envname("KAFKA_BOOTSTRAP_SERVERS")
        ->capture_default_str();
    command
        .add_option("--kafka-properties-file", options.properties_file,
                    "librdkafka properties file (key=value lines, as kcat -F reads): credentials "
                    "and TLS; after orderflow's own, before KAFKA_EXTRA; 0600 when it holds a "
                    "password")
        ->envname("KAFKA_PROPERTIES_FILE");
    command
        .add_option("--kafka-extra", options.extra,
                    "extra librdkafka properties, k=v;k=v (they win over orderflow's)")
        ->envname("KAFKA_EXTRA");
}

}  // namespace orderflow::kafka
