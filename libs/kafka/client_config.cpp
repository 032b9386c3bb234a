#include "kafka/client_config.h"

#include "common/config_error.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string>

namespace orderflow::kafka {
namespace {

// librdkafka may call this from any of its threads: spdlog's loggers are thread-safe.
extern "C" void log_to_spdlog(const rd_kafka_t* handle,
                              int level,
                              const char* facility,
                              const char* message) {
    log_client_message(handle != nullptr ? rd_kafka_name(handle) : "rdkafka", level, facility,
                       message);
}

// What a refused property's error says: librdkafka's words name the value, so for a secret
// only the key is kept.
std::string refusal(const std::string& key, const common::ConfigError& e) {
    return is_secret_property(key) ? "librdkafka refused the value of " + key + " (not shown)"
                                   : std::string(e.what());
}

}  // namespace

std::string ClientSettings::principal() const {
    std::string user;
    if (const auto* in_file = properties.find("sasl.username")) {
        user = in_file->value;
    }
    for (const auto& [key, value] : extra) {
        if (key == "sasl.username") {
            user = value;
        }
    }
    return user;
}

std::string ClientSettings::source() const {
    return properties.properties.empty() ? "KAFKA_EXTRA" : "KAFKA_PROPERTIES_FILE or KAFKA_EXTRA";
}

std::string ClientSettings::redact(std::string text) const {
    const auto hide = [&text](const std::string& key, const std::string& value) {
        if (!is_secret_property(key) || value.empty()) {
            return;
        }
        constexpr std::string_view kHidden = "***";
        for (auto at = text.find(value); at != std::string::npos;
             at = text.find(value, at + kHidden.size())) {
            text.replace(at, value.size(), kHidden);
        }
    };
    for (const auto& property : properties.properties) {
        hide(property.key, property.value);
    }
    for (const auto& [key, value] : extra) {
        hide(key, value);
    }
    return text;
}

void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    std::array<char, 512> error{};
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK) {
        throw common::ConfigError("kafka property " + key, error.data());
    }
}

void apply_client_settings(const ClientSettings& settings,
                           const std::vector<Property>& defaults,
                           const std::function<void(const Property&)>& set) {
    try {
        set({"bootstrap.servers", settings.bootstrap_servers});
    } catch (const common::ConfigError& e) {
        throw common::ConfigError("KAFKA_BOOTSTRAP_SERVERS", e.what());
    }
    set({"client.id", settings.client_id});
    // TCP_NODELAY, as Kafka's own clients and brokers: with Nagle (librdkafka 2.0.2's default) a
    // small request pipelined behind one not yet acknowledged can wait for the broker's delayed
    // ACK (README, Benchmarks: the latency stages before and after).
    set({"socket.nagle.disable", "true"});
    for (const auto& property : defaults) {
        set(property);
    }
    for (const auto& property : settings.properties.properties) {
        try {
            set({property.key, property.value});
        } catch (const common::ConfigError& e) {
            throw common::ConfigError(kPropertiesFileSetting, settings.properties.where(property) +
                                                                  ": " + refusal(property.key, e));
        }
    }
    for (const auto& property : settings.extra) {
        try {
            set(property);
        } catch (const common::ConfigError& e) {
            throw common::ConfigError("KAFKA_EXTRA", refusal(property.first, e));
        }
    }
}

void log_client_message(const std::string& client,
                        int level,
                        const std::string& facility,
                        const std::string& message) {
    // syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug. Connection refusals while a
    // broker is down are level 3 and repeat; they are warnings for us, not failures. A
    // connection cut because we destroyed the client (a command ending mid-handshake, a
    // shutdown) is reported as a failure too, "SASL authentication error" on SASL_SSL: ours.
    const bool our_teardown = message.find("Local: Broker handle destroyed") != std::string::npos;
    if (level <= 4 && !our_teardown) {
        spdlog::warn("librdkafka {} {}: {}", client, facility, message);
    } else if (level <= 6) {
        spdlog::debug("librdkafka {} {}: {}", client, facility, message);
    } else {
        spdlog::trace("librdkafka {} {}: {}", client, facility, message);
    }
}

ConfPtr make_conf(const ClientSettings& settings, const std::vector<Property>& defaults) {
    ConfPtr conf(rd_kafka_conf_new());
    apply_client_settings(settings, defaults, [&conf](const Property& property) {
        set_property(conf.get(), property.first, property.second);
    });
    rd_kafka_conf_set_log_cb(conf.get(), log_to_spdlog);
    return conf;
}

}  // namespace orderflow::kafka
