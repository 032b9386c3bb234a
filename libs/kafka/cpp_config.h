#pragma once

// librdkafka's C++ API (the consumers, the audit and the DLQ producer use it): the same
// configuration steps and the same log path as the C API's make_conf() in client_config.h.

#include "kafka/client_config.h"

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::kafka {

/**
 * A global C++ conf with bootstrap.servers, client.id, `defaults`, then KAFKA_EXTRA (which
 * wins). Errors: ConfigError naming KAFKA_BOOTSTRAP_SERVERS, KAFKA_EXTRA or the property.
 */
std::unique_ptr<RdKafka::Conf> make_cpp_conf(const ClientSettings& settings,
                                             const std::vector<Property>& defaults);

/// Logs librdkafka events (log and error) and remembers a fatal error. Runs on librdkafka's
/// threads or inside consume()/flush(); never throws.
class LoggingEventCb : public RdKafka::EventCb {
public:
    void event_cb(RdKafka::Event& event) override;
    bool fatal() const { return fatal_.load(); }
    /// Whether the last error event said all brokers are down (cleared by a later log line).
    bool brokers_down() const { return brokers_down_.load(); }

private:
    std::atomic<bool> fatal_{false};
    std::atomic<bool> brokers_down_{false};
};

}  // namespace orderflow::kafka
