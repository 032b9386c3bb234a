#pragma once

#include "consumer/batch_processor.h"
#include "kafka/cpp_config.h"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <string>

namespace orderflow::consumer {

/// Header names on dead-lettered messages.
inline constexpr const char* kHeaderReason = "dlq.reason";
inline constexpr const char* kHeaderError = "dlq.error";
inline constexpr const char* kHeaderTopic = "dlq.source.topic";
inline constexpr const char* kHeaderPartition = "dlq.source.partition";
inline constexpr const char* kHeaderOffset = "dlq.source.offset";
inline constexpr const char* kHeaderGroup = "dlq.consumer.group";

/**
 * Writes poison messages to the dead-letter topic unchanged (key, value, timestamp) with
 * headers giving the reason, the error kind, the source topic, partition and offset and the
 * consumer group. acks=all with idempotence; send() waits for every acknowledgement.
 * Errors: ConfigError (constructor), TransientError from send().
 */
class KafkaDeadLetterSink : public DeadLetterSink, private RdKafka::DeliveryReportCb {
public:
    KafkaDeadLetterSink(const kafka::ClientSettings& settings,
                        std::string topic,
                        std::string group,
                        std::chrono::milliseconds timeout);
    ~KafkaDeadLetterSink() override;

    void send(const std::vector<DeadLetter>& letters) override;

private:
    void dr_cb(RdKafka::Message& message) override;

    std::string topic_;
    std::string group_;
    std::chrono::milliseconds timeout_;
    kafka::LoggingEventCb events_;
    int failures_ = 0;                             // delivery reports with an error, per send()
    std::string last_error_;                       // of those
    std::unique_ptr<RdKafka::Producer> producer_;  // last: destroyed before the callbacks
};

}  // namespace orderflow::consumer
