#include "kafka/cpp_config.h"

#include "common/config_error.h"
#include "kafka/kafka_error.h"

#include <spdlog/spdlog.h>

namespace orderflow::kafka {

std::unique_ptr<RdKafka::Conf> make_cpp_conf(const ClientSettings& settings,
                                             const std::vector<Property>& defaults) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    apply_client_settings(settings, defaults, [&conf](const Property& property) {
        std::string error;
        if (conf->set(property.first, property.second, error) != RdKafka::Conf::CONF_OK) {
            throw common::ConfigError("kafka property " + property.first, error);
        }
    });
    return conf;
}

void LoggingEventCb::event_cb(RdKafka::Event& event) {
    try {
        switch (event.type()) {
            case RdKafka::Event::EVENT_ERROR: {
                const auto code = static_cast<rd_kafka_resp_err_t>(event.err());
                if (event.fatal()) {
                    fatal_ = true;
                    spdlog::error("kafka fatal error: {}: {}", RdKafka::err2str(event.err()),
                                  event.str());
                    break;
                }
                brokers_down_ = event.err() == RdKafka::ERR__ALL_BROKERS_DOWN;
                if (is_authorization_failure(code)) {
                    spdlog::error("kafka: {}: {} ({})", RdKafka::err2str(event.err()), event.str(),
                                  not_authorized(code));
                } else {
                    spdlog::warn("kafka: {}: {}", RdKafka::err2str(event.err()), event.str());
                }
                break;
            }
            case RdKafka::Event::EVENT_LOG:
                log_client_message("rdkafka", event.severity(), event.fac(), event.str());
                break;
            default:
                break;
        }
    } catch (...) {
        // Called from C: nothing may escape.
    }
}

}  // namespace orderflow::kafka
