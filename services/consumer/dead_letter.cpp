#include "consumer/dead_letter.h"

#include "kafka/clients.h"
#include "kafka/presets.h"
#include "serde/wire_format.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace orderflow::consumer {
namespace {

constexpr std::chrono::milliseconds kFlushMargin{5000};

std::optional<std::int32_t> framed_schema_id(const std::string& value) {
    try {
        return serde::unframe(value).schema_id;
    } catch (const serde::WireFormatError&) {
        return std::nullopt;
    }
}

}  // namespace

KafkaDeadLetterSink::KafkaDeadLetterSink(const kafka::ClientSettings& settings,
                                         std::string topic,
                                         std::string group,
                                         std::chrono::milliseconds timeout,
                                         bool inject_fatal)
    : topic_(std::move(topic)), group_(std::move(group)), timeout_(timeout) {
    auto client = settings;
    client.client_id = "orderflow-consumer-dlq";
    producer_ = kafka::make_cpp_producer(
        client,
        kafka::presets::join(
            {kafka::presets::acknowledged(),
             {{"linger.ms", "0"}, {"message.timeout.ms", std::to_string(timeout.count())}}}),
        "the dead-letter producer", {.events = &events_, .delivery = this});
    if (inject_fatal) {
        spdlog::warn("failpoint: the dead-letter producer gets a fatal error");
        rd_kafka_test_fatal_error(producer_->c_ptr(),
                                  RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                                  "failpoint dlq-fatal");
    }
}

KafkaDeadLetterSink::~KafkaDeadLetterSink() {
    if (producer_) {
        producer_->flush(static_cast<int>((timeout_ + kFlushMargin).count()));
    }
}

void KafkaDeadLetterSink::dr_cb(RdKafka::Message& message) {
    if (reinterpret_cast<std::uintptr_t>(message.msg_opaque()) != attempt_) {
        return;  // an earlier send() already gave up on it
    }
    if (message.err() == RdKafka::ERR_NO_ERROR) {
        ++acknowledged_;
    } else {
        ++failures_;
        last_error_ = message.errstr();
    }
}

void KafkaDeadLetterSink::check_fatal() {
    std::string reason;
    if (const auto code = producer_->fatal_error(reason); code != RdKafka::ERR_NO_ERROR) {
        throw FatalError("the dead-letter producer has a fatal error (" + RdKafka::err2str(code) +
                         ": " + reason + "); it cannot send again, so the consumer stops");
    }
}

void KafkaDeadLetterSink::send(const std::vector<DeadLetter>& letters) {
    check_fatal();
    ++attempt_;
    acknowledged_ = 0;
    failures_ = 0;
    last_error_.clear();
    for (const auto& letter : letters) {
        const auto& source = *letter.message;
        auto headers = kafka::make_cpp_headers(
            {{dead_letters::kHeaderReason, letter.reason},
             {dead_letters::kHeaderError, to_string(letter.kind)},
             {dead_letters::kHeaderTopic, source.topic},
             {dead_letters::kHeaderPartition, std::to_string(source.partition)},
             {dead_letters::kHeaderOffset, std::to_string(source.offset)},
             {dead_letters::kHeaderGroup, group_}});
        if (const auto id = framed_schema_id(source.value)) {
            headers->add(dead_letters::kHeaderSchemaId, std::to_string(*id));
        }
        const auto code = producer_->produce(
            topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            const_cast<char*>(source.value.data()), source.value.size(),
            source.key ? source.key->data() : nullptr, source.key ? source.key->size() : 0,
            source.timestamp_ms > 0 ? source.timestamp_ms : 0, headers.get(),
            reinterpret_cast<void*>(attempt_));  // NOLINT(performance-no-int-to-ptr)
        if (code != RdKafka::ERR_NO_ERROR) {
            // On failure the headers are still ours (unique_ptr frees them).
            throw TransientError("dead-letter topic " + topic_ + ": " + RdKafka::err2str(code));
        }
        headers.release();  // owned by librdkafka after a successful produce
    }
    // Longer than message.timeout.ms: by then every message is acknowledged or failed.
    const auto deadline = std::chrono::steady_clock::now() + timeout_ + kFlushMargin;
    while (acknowledged_ + failures_ < letters.size() &&
           std::chrono::steady_clock::now() < deadline) {
        producer_->flush(100);
        check_fatal();
    }
    check_fatal();
    if (acknowledged_ < letters.size()) {
        throw TransientError("dead-letter topic " + topic_ + ": " + std::to_string(failures_) +
                             " failed, " +
                             std::to_string(letters.size() - acknowledged_ - failures_) +
                             " unacknowledged" + (last_error_.empty() ? "" : ": " + last_error_));
    }
}

}  // namespace orderflow::consumer
