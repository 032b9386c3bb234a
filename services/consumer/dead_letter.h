#pragma once

#include "consumer/batch_processor.h"
#include "dead_letters/dead_letter_record.h"
#include "kafka/cpp_config.h"
#include "kafka/handles.h"

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace orderflow::consumer {

/**
 * Writes poison messages to the dead-letter topic unchanged (key, value, timestamp) with
 * headers giving the reason, the error kind, the source topic, partition and offset, the
 * consumer group and, for a Confluent-framed value, its writer schema id. acks=all with
 * idempotence; send() waits for every acknowledgement of this send (a late report of an earlier
 * attempt is not counted) a little longer than the message timeout, so each message is either
 * acknowledged or reported failed by then. Errors: ConfigError (constructor); from send():
 * FatalError when the producer has a fatal error (the idempotent producer cannot go on),
 * TransientError otherwise. `inject_fatal` (failpoint dlq-fatal) raises a fabricated fatal error
 * after construction.
 */
class KafkaDeadLetterSink : public DeadLetterSink, private RdKafka::DeliveryReportCb {
public:
    KafkaDeadLetterSink(const kafka::ClientSettings& settings,
                        std::string topic,
                        std::string group,
                        std::chrono::milliseconds timeout,
                        bool inject_fatal = false);
    ~KafkaDeadLetterSink() override;

    void send(const std::vector<DeadLetter>& letters) override;

private:
    void dr_cb(RdKafka::Message& message) override;

    std::string topic_;
    std::string group_;
    std::chrono::milliseconds timeout_;
    kafka::LoggingEventCb events_;
    void check_fatal();

    std::uintptr_t attempt_ = 0;      // per send(), the messages' opaque; older reports are ignored
    std::size_t acknowledged_ = 0;    // of this attempt
    std::size_t failures_ = 0;        // of this attempt
    std::string last_error_;          // of those
    kafka::CppProducerPtr producer_;  // last: destroyed before the callbacks
};

}  // namespace orderflow::consumer
