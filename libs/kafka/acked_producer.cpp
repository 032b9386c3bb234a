#include "kafka/acked_producer.h"

#include "kafka/clients.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>

namespace orderflow::kafka {
namespace {

/// Each produce() carries its record's index as the opaque; the report fills that slot.
class Reports : public RdKafka::DeliveryReportCb {
public:
    explicit Reports(std::size_t count) : results_(count) {}

    void dr_cb(RdKafka::Message& message) override {
        const auto index = reinterpret_cast<std::uintptr_t>(message.msg_opaque());
        if (index >= results_.size()) {
            return;
        }
        auto& slot = results_[index];
        slot.error = message.err();
        slot.partition = message.partition();
        slot.offset = message.offset();
        slot.done = true;
    }

    struct Result {
        bool done = false;
        RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
        std::int32_t partition = -1;
        std::int64_t offset = -1;
    };
    const std::vector<Result>& results() const { return results_; }

private:
    std::vector<Result> results_;
};

}  // namespace

std::vector<Delivery> produce_acknowledged(
    const ClientSettings& settings,
    const std::vector<OutgoingRecord>& records,
    std::chrono::milliseconds timeout,
    const std::function<std::string(std::size_t)>& describe) {
    if (records.empty()) {
        return {};
    }
    Reports reports(records.size());
    LoggingEventCb events;
    const auto producer = make_cpp_producer(
        settings,
        presets::join(
            {presets::acknowledged(), {{"message.timeout.ms", std::to_string(timeout.count())}}}),
        "a producer", {.events = &events, .delivery = &reports});
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        auto headers = make_cpp_headers(record.headers);
        const auto& key = record.key;
        const auto code = producer->produce(
            record.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(record.value.data()), record.value.size(),
            key ? key->data() : nullptr, key ? key->size() : 0, 0, headers.get(),
            reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
        if (code != RdKafka::ERR_NO_ERROR) {
            // On failure the headers are still ours (unique_ptr frees them).
            throw KafkaError(static_cast<rd_kafka_resp_err_t>(code),
                             "cannot send " + describe(i) + " to " + record.topic + ": " +
                                 RdKafka::err2str(code));
        }
        headers.release();  // owned by librdkafka after a successful produce
    }
    // The message timeout bounds every report; the margin lets the last ones arrive.
    producer->flush(static_cast<int>(timeout.count()) + 2000);
    // A fatal error (the idempotent producer refused its producer id, e.g. a principal without
    // WRITE anywhere) purges every message: its cause is the answer, not "purged".
    std::string fatal_reason;
    const auto fatal = producer->fatal_error(fatal_reason);
    std::vector<Delivery> deliveries;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& result = reports.results()[i];
        if (fatal != RdKafka::ERR_NO_ERROR && result.error != RdKafka::ERR_NO_ERROR) {
            throw KafkaError(
                static_cast<rd_kafka_resp_err_t>(fatal),
                "sending " + describe(i) + " to " + records[i].topic + " failed: " + fatal_reason);
        }
        if (!result.done || result.error != RdKafka::ERR_NO_ERROR) {
            const auto why = result.done ? RdKafka::err2str(result.error) : "no acknowledgement";
            throw KafkaError(
                result.done ? static_cast<rd_kafka_resp_err_t>(result.error)
                            : RD_KAFKA_RESP_ERR__TIMED_OUT,
                "sending " + describe(i) + " to " + records[i].topic + " failed: " + why);
        }
        deliveries.push_back({result.partition, result.offset});
    }
    return deliveries;
}

}  // namespace orderflow::kafka
