#pragma once

#include "consumer/consumer_settings.h"
#include "consumer/fatal_state.h"
#include "kafka/cpp_config.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>

namespace orderflow::consumer {

/// librdkafka's events for the group consumer: logged (kafka::LoggingEventCb), and a fatal
/// error recorded in the consumer's FatalState. Never throws.
class ConsumerEvents : public RdKafka::EventCb {
public:
    explicit ConsumerEvents(FatalState& fatal) : fatal_(fatal) {}
    void event_cb(RdKafka::Event& event) override;

private:
    kafka::LoggingEventCb logging_;
    FatalState& fatal_;
};

/**
 * The group consumer's librdkafka client: the group, commit mode, eager assignors, timeouts
 * and prefetch of `settings`, rebalances to `rebalance`, events to `events` (both must
 * outlive the client). Errors: ConfigError for a property or callback librdkafka refuses, or
 * when the client cannot be created.
 */
std::unique_ptr<RdKafka::KafkaConsumer> make_consumer_client(const ConsumerSettings& settings,
                                                             RdKafka::RebalanceCb& rebalance,
                                                             RdKafka::EventCb& events);

}  // namespace orderflow::consumer
