#include "dead_letters/redrive.h"

#include "common/config_error.h"
#include "kafka/cpp_config.h"
#include "kafka/kafka_error.h"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

namespace orderflow::dead_letters {
namespace {

/// Each produce() carries its letter's index as the opaque; the report fills that slot.
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

std::unique_ptr<RdKafka::Headers> redrive_headers(const std::string& dlq_topic,
                                                  const DeadLetterRecord& letter) {
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    headers->add(kHeaderRedriveTopic, dlq_topic);
    headers->add(kHeaderRedrivePartition, std::to_string(letter.record.partition));
    headers->add(kHeaderRedriveOffset, std::to_string(letter.record.offset));
    return headers;
}

}  // namespace

std::vector<Redriven> redrive(const kafka::ClientSettings& settings,
                              const std::string& dlq_topic,
                              const std::vector<DeadLetterRecord>& letters,
                              std::chrono::milliseconds timeout) {
    if (letters.empty()) {
        return {};
    }
    Reports reports(letters.size());
    kafka::LoggingEventCb events;
    auto conf =
        kafka::make_cpp_conf(settings, {{"enable.idempotence", "true"},
                                        {"acks", "all"},
                                        {"message.timeout.ms", std::to_string(timeout.count())}});
    std::string error;
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&reports), error) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events), error) !=
            RdKafka::Conf::CONF_OK) {
        throw common::ConfigError("kafka redrive producer", error);
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
    if (!producer) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create the redrive producer: " + error);
    }
    for (std::size_t i = 0; i < letters.size(); ++i) {
        const auto& letter = letters[i];
        const auto& source = *letter.source;
        const auto& key = letter.record.key;
        auto headers = redrive_headers(dlq_topic, letter);
        const auto code = producer->produce(
            source.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(letter.record.value.data()), letter.record.value.size(),
            key ? key->data() : nullptr, key ? key->size() : 0, 0, headers.get(),
            reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
        if (code != RdKafka::ERR_NO_ERROR) {
            // On failure the headers are still ours (unique_ptr frees them).
            throw kafka::KafkaError(static_cast<rd_kafka_resp_err_t>(code),
                                    "cannot redrive " + dlq_topic + "@" +
                                        std::to_string(letter.record.offset) + " to " +
                                        source.topic + ": " + RdKafka::err2str(code));
        }
        headers.release();  // owned by librdkafka after a successful produce
    }
    // The message timeout bounds every report; the margin lets the last ones arrive.
    producer->flush(static_cast<int>(timeout.count()) + 2000);
    std::vector<Redriven> sent;
    for (std::size_t i = 0; i < letters.size(); ++i) {
        const auto& result = reports.results()[i];
        const auto& letter = letters[i];
        if (!result.done || result.error != RdKafka::ERR_NO_ERROR) {
            const auto why = result.done ? RdKafka::err2str(result.error) : "no acknowledgement";
            throw kafka::KafkaError(result.done ? static_cast<rd_kafka_resp_err_t>(result.error)
                                                : RD_KAFKA_RESP_ERR__TIMED_OUT,
                                    "redrive of " + dlq_topic + "@" +
                                        std::to_string(letter.record.offset) + " to " +
                                        letter.source->topic + " failed: " + why);
        }
        sent.push_back(
            {letter.record.offset, letter.source->topic, result.partition, result.offset});
        spdlog::info("redrove {}@{} to {}[{}]@{}", dlq_topic, letter.record.offset,
                     letter.source->topic, result.partition, result.offset);
    }
    return sent;
}

}  // namespace orderflow::dead_letters
