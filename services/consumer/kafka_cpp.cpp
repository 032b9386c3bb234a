#include "consumer/kafka_cpp.h"

#include "common/config_error.h"

#include <spdlog/spdlog.h>

namespace orderflow::consumer {

void set_cpp_property(RdKafka::Conf& conf,
                      const std::string& key,
                      const std::string& value,
                      const std::string& setting) {
    std::string error;
    if (conf.set(key, value, error) != RdKafka::Conf::CONF_OK) {
        throw common::ConfigError(setting, key + "=" + value + ": " + error);
    }
}

std::unique_ptr<RdKafka::Conf> make_cpp_conf(
    const kafka::ClientSettings& settings,
    const std::vector<std::pair<std::string, std::string>>& defaults) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    set_cpp_property(*conf, "bootstrap.servers", settings.bootstrap_servers,
                     "KAFKA_BOOTSTRAP_SERVERS");
    set_cpp_property(*conf, "client.id", settings.client_id, "kafka property client.id");
    for (const auto& [key, value] : defaults) {
        set_cpp_property(*conf, key, value, "kafka property " + key);
    }
    for (const auto& [key, value] : settings.extra) {
        set_cpp_property(*conf, key, value, "KAFKA_EXTRA");
    }
    return conf;
}

void LoggingEventCb::event_cb(RdKafka::Event& event) {
    try {
        switch (event.type()) {
            case RdKafka::Event::EVENT_ERROR:
                if (event.fatal()) {
                    fatal_ = true;
                    spdlog::error("kafka fatal error: {}: {}", RdKafka::err2str(event.err()),
                                  event.str());
                } else {
                    brokers_down_ = event.err() == RdKafka::ERR__ALL_BROKERS_DOWN;
                    spdlog::warn("kafka: {}: {}", RdKafka::err2str(event.err()), event.str());
                }
                break;
            case RdKafka::Event::EVENT_LOG:
                if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
                    spdlog::warn("librdkafka {}: {}", event.fac(), event.str());
                } else {
                    spdlog::debug("librdkafka {}: {}", event.fac(), event.str());
                }
                break;
            default:
                break;
        }
    } catch (...) {
        // Called from C: nothing may escape.
    }
}

}  // namespace orderflow::consumer
