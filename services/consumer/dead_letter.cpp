#include "consumer/dead_letter.h"

#include "common/config_error.h"

#include <spdlog/spdlog.h>

namespace orderflow::consumer {

KafkaDeadLetterSink::KafkaDeadLetterSink(const kafka::ClientSettings& settings,
                                         std::string topic,
                                         std::string group,
                                         std::chrono::milliseconds timeout)
    : topic_(std::move(topic)), group_(std::move(group)), timeout_(timeout) {
    auto client = settings;
    client.client_id = "orderflow-consumer-dlq";
    auto conf =
        kafka::make_cpp_conf(client, {{"enable.idempotence", "true"},
                                      {"acks", "all"},
                                      {"linger.ms", "0"},
                                      {"message.timeout.ms", std::to_string(timeout.count())}});
    std::string error;
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), error) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), error) !=
            RdKafka::Conf::CONF_OK) {
        throw common::ConfigError("kafka dead-letter producer", error);
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (!producer_) {
        throw common::ConfigError("KAFKA_EXTRA",
                                  "cannot create the dead-letter producer: " + error);
    }
}

KafkaDeadLetterSink::~KafkaDeadLetterSink() {
    if (producer_) {
        producer_->flush(static_cast<int>(timeout_.count()));
    }
}

void KafkaDeadLetterSink::dr_cb(RdKafka::Message& message) {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
        ++failures_;
        last_error_ = message.errstr();
    }
}

void KafkaDeadLetterSink::send(const std::vector<DeadLetter>& letters) {
    failures_ = 0;
    last_error_.clear();
    for (const auto& letter : letters) {
        const auto& source = *letter.message;
        std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
        headers->add(kHeaderReason, letter.reason);
        headers->add(kHeaderError, to_string(letter.kind));
        headers->add(kHeaderTopic, source.topic);
        headers->add(kHeaderPartition, std::to_string(source.partition));
        headers->add(kHeaderOffset, std::to_string(source.offset));
        headers->add(kHeaderGroup, group_);
        const auto code = producer_->produce(
            topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(source.value.data()), source.value.size(),
            source.key ? source.key->data() : nullptr, source.key ? source.key->size() : 0,
            source.timestamp_ms > 0 ? source.timestamp_ms : 0, headers.get(), nullptr);
        if (code != RdKafka::ERR_NO_ERROR) {
            // On failure the headers are still ours (unique_ptr frees them).
            throw TransientError("dead-letter topic " + topic_ + ": " + RdKafka::err2str(code));
        }
        headers.release();  // owned by librdkafka after a successful produce
    }
    producer_->flush(static_cast<int>(timeout_.count()));
    if (producer_->outq_len() > 0 || failures_ > 0) {
        throw TransientError("dead-letter topic " + topic_ + ": " + std::to_string(failures_) +
                             " failed, " + std::to_string(producer_->outq_len()) +
                             " unacknowledged" + (last_error_.empty() ? "" : ": " + last_error_));
    }
}

}  // namespace orderflow::consumer
