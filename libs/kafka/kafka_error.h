#pragma once

#include <librdkafka/rdkafka.h>

#include <stdexcept>
#include <string>

namespace orderflow::kafka {

/** A Kafka operation that failed; carries librdkafka's error code and a message for people. */
class KafkaError : public std::runtime_error {
public:
    KafkaError(rd_kafka_resp_err_t code, const std::string& message)
        : std::runtime_error(message), code_(code) {}

    rd_kafka_resp_err_t code() const { return code_; }

private:
    rd_kafka_resp_err_t code_;
};

/// "Broker: Topic already exists (TOPIC_ALREADY_EXISTS)".
std::string describe(rd_kafka_resp_err_t code);

}  // namespace orderflow::kafka
